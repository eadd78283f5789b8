/**
 * Keystone's stored-only APIs in the keystone flavour: OS-OAUTH1 consumers, domain-specific
 * configuration and the deprecated `/v3/policies` blobs, with Keystone 22's statuses, bodies and
 * error texts; a project member is refused each (403), and the clouds do not have them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const invalidConfig = (reason: string) => error(403, 'Forbidden', `Invalid domain specific configuration: ${reason}.`)

let s: TestServer
let admin: string
/** A user with `member` on a project: no administrator. */
let member: string

beforeAll(async () => {
  s = await startServer({ flavour: 'keystone' })
  admin = await s.adminToken()
  const roles = await call(`${s.url}/v3/roles?name=member`, { token: admin })
  const project = await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'stored-apis', domain_id: 'default' } } })
  const user = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: 'stored-member', password: 'Member-Passw0rd', domain_id: 'default' } } })
  const grant = await call(`${s.url}/v3/projects/${project.body.project.id}/users/${user.body.user.id}/roles/${roles.body.roles[0].id}`, { method: 'PUT', token: admin })
  expect(grant.status).toBe(204)
  const auth = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'stored-member', password: 'Member-Passw0rd', domain: { id: 'default' } } } }, scope: { project: { id: project.body.project.id } } } },
  })
  expect(auth.status).toBe(201)
  member = auth.headers.get('x-subject-token')!
})
afterAll(() => s.close())

describe('OS-OAUTH1 consumers (keystone)', () => {
  const consumerUrl = (id: string) => `${s.url}/v3/OS-OAUTH1/consumers/${id}`

  it('creates with a generated id and secret shown once, shows and lists without the secret, keeps extra attributes', async () => {
    const made = await call(`${s.url}/v3/OS-OAUTH1/consumers`, { method: 'POST', token: admin, body: { consumer: { description: 'first', id: 'mine', secret: 'mine', 'OS-X:colour': 'blue' } } })
    expect(made.status).toBe(201)
    const { id, secret } = made.body.consumer
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(secret).toMatch(/^[0-9a-f]{32}$/)
    expect(made.body).toEqual({ consumer: { OS_X_colour: 'blue', id, description: 'first', secret, links: { self: consumerUrl(id) } } })
    const shown = await call(consumerUrl(id), { token: admin })
    expect(shown.status).toBe(200)
    expect(shown.body).toEqual({ consumer: { OS_X_colour: 'blue', id, description: 'first', links: { self: consumerUrl(id) } } })
    // Keystone takes a missing envelope as an empty consumer: no description.
    const bare = await call(`${s.url}/v3/OS-OAUTH1/consumers`, { method: 'POST', token: admin, body: {} })
    expect(bare.status).toBe(201)
    expect(bare.body.consumer.description).toBeNull()
    const listed = await call(`${s.url}/v3/OS-OAUTH1/consumers`, { token: admin })
    expect(listed.status).toBe(200)
    expect(listed.body.links).toEqual({ self: `${s.url}/v3/OS-OAUTH1/consumers`, previous: null, next: null })
    expect(listed.body.consumers).toEqual([shown.body.consumer, { id: bare.body.consumer.id, description: null, links: { self: consumerUrl(bare.body.consumer.id) } }])
  })

  it('updates the description and extra attributes, never the secret or the id', async () => {
    const { id } = (await call(`${s.url}/v3/OS-OAUTH1/consumers`, { method: 'POST', token: admin, body: { consumer: { description: 'before', keep: 1 } } })).body.consumer
    const updated = await call(consumerUrl(id), { method: 'PATCH', token: admin, body: { consumer: { description: 'after', added: true, id } } })
    expect(updated.status).toBe(200)
    expect(updated.body).toEqual({ consumer: { keep: 1, added: true, id, description: 'after', links: { self: consumerUrl(id) } } })
    expect((await call(consumerUrl(id), { token: admin })).body).toEqual(updated.body)
    expect(await call(consumerUrl(id), { method: 'PATCH', token: admin, body: { consumer: { secret: 'new' } } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', `Invalid input for field 'consumer': {"secret":"new"} should not be valid under {'required': ['secret']}`),
    })
    expect(await call(consumerUrl(id), { method: 'PATCH', token: admin, body: { consumer: { id: 'other' } } })).toMatchObject({ status: 400, body: error(400, 'Bad Request', 'Cannot change ID') })
    expect(await call(consumerUrl(id), { method: 'PATCH', token: admin, body: { consumer: {} } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', "Invalid input for field 'consumer': {} does not have enough properties"),
    })
    expect(await call(consumerUrl(id), { method: 'PATCH', token: admin, body: { consumer: { description: 5 } } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', "Invalid input for field 'consumer/description': 5 is not of type 'string'"),
    })
  })

  it('deletes; an unknown consumer is 404 in Keystone words', async () => {
    const { id } = (await call(`${s.url}/v3/OS-OAUTH1/consumers`, { method: 'POST', token: admin, body: { consumer: { description: 'gone' } } })).body.consumer
    expect((await call(consumerUrl(id), { method: 'DELETE', token: admin })).status).toBe(204)
    const notFound = { status: 404, body: error(404, 'Not Found', 'Consumer not found') }
    expect(await call(consumerUrl(id), { token: admin })).toMatchObject(notFound)
    expect(await call(consumerUrl(id), { method: 'DELETE', token: admin })).toMatchObject(notFound)
    expect(await call(consumerUrl(id), { method: 'PATCH', token: admin, body: { consumer: { description: 'x' } } })).toMatchObject(notFound)
  })

  it('refuses a member (403) and a caller without a token (401)', async () => {
    const { id } = (await call(`${s.url}/v3/OS-OAUTH1/consumers`, { method: 'POST', token: admin, body: { consumer: {} } })).body.consumer
    for (const [method, url, action] of [
      ['POST', `${s.url}/v3/OS-OAUTH1/consumers`, 'create_consumer'], ['GET', `${s.url}/v3/OS-OAUTH1/consumers`, 'list_consumers'],
      ['GET', consumerUrl(id), 'get_consumer'], ['PATCH', consumerUrl(id), 'update_consumer'], ['DELETE', consumerUrl(id), 'delete_consumer'],
    ] as const) {
      const body = method === 'POST' || method === 'PATCH' ? { consumer: { description: 'x' } } : undefined
      expect(await call(url, { method, token: member, body }), action).toMatchObject({
        status: 403, body: error(403, 'Forbidden', `You are not authorized to perform the requested action: identity:${action}.`),
      })
    }
    expect((await call(`${s.url}/v3/OS-OAUTH1/consumers`)).status).toBe(401)
  })
})

describe('domain-specific configuration (keystone)', () => {
  const custom = { identity: { driver: 'ldap' }, ldap: { url: 'ldap://myldap.com:389/', user_tree_dn: 'ou=Users,dc=my_new_root,dc=org' } }
  async function newDomain(name: string): Promise<string> {
    const made = await call(`${s.url}/v3/domains`, { method: 'POST', token: admin, body: { domain: { name } } })
    expect(made.status).toBe(201)
    return made.body.domain.id
  }

  it("serves Keystone's defaults, per group and option, but never a sensitive option's", async () => {
    const all = await call(`${s.url}/v3/domains/config/default`, { token: admin })
    expect(all.status).toBe(200)
    expect(all.body.config.identity).toEqual({ driver: 'sql', list_limit: null })
    expect(Object.keys(all.body.config)).toEqual(['identity', 'ldap'])
    expect(all.body.config.ldap).toMatchObject({ url: 'ldap://localhost', user_tree_dn: null, page_size: 0, use_pool: true, pool_retry_delay: 0.1, user_attribute_ignore: ['default_project_id'] })
    expect(all.body.config.ldap.password).toBeUndefined()
    expect((await call(`${s.url}/v3/domains/config/ldap/default`, { token: admin })).body).toEqual({ config: { ldap: all.body.config.ldap } })
    expect(await call(`${s.url}/v3/domains/config/identity/driver/default`, { token: admin })).toMatchObject({ status: 200, body: { config: { driver: 'sql' } } })
    expect(await call(`${s.url}/v3/domains/config/ldap/password/default`, { token: admin })).toMatchObject({
      status: 403, body: invalidConfig('Reading the default for option password in group ldap is not supported'),
    })
    expect(await call(`${s.url}/v3/domains/config/assignment/default`, { token: admin })).toMatchObject({
      status: 403, body: invalidConfig('Group assignment is not supported for domain specific configurations'),
    })
    expect(await call(`${s.url}/v3/domains/config/identity/nope/default`, { token: admin })).toMatchObject({
      status: 403, body: invalidConfig('Option nope in group identity is not supported for domain specific configurations'),
    })
  })

  it('creates (201, then 200 on replacing), shows per group and option, and hides the sensitive password', async () => {
    const domainId = await newDomain('config-create')
    const url = `${s.url}/v3/domains/${domainId}/config`
    const created = await call(url, { method: 'PUT', token: admin, body: { config: { ...custom, ldap: { ...custom.ldap, password: 'ldap-Secret-1' } } } })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ config: custom })
    expect(created.text).not.toContain('ldap-Secret-1')
    expect(await call(url, { token: admin })).toMatchObject({ status: 200, body: { config: custom } })
    expect(await call(`${url}/ldap`, { token: admin })).toMatchObject({ status: 200, body: { config: { ldap: custom.ldap } } })
    expect(await call(`${url}/ldap/url`, { token: admin })).toMatchObject({ status: 200, body: { config: { url: custom.ldap.url } } })
    expect(await call(`${url}/ldap/password`, { token: admin })).toMatchObject({
      status: 404, body: error(404, 'Not Found', `Could not find option password in group ldap in domain configuration for domain ${domainId}.`),
    })
    const replaced = await call(url, { method: 'PUT', token: admin, body: { config: { identity: { driver: 'sql', list_limit: 7 } } } })
    expect(replaced).toMatchObject({ status: 200, body: { config: { identity: { driver: 'sql', list_limit: 7 } } } })
    expect(await call(`${url}/ldap`, { token: admin })).toMatchObject({
      status: 404, body: error(404, 'Not Found', `Could not find group ldap in domain configuration for domain ${domainId}.`),
    })
  })

  it('updates the whole configuration, a stored group or a stored option, and deletes them', async () => {
    const domainId = await newDomain('config-update')
    const url = `${s.url}/v3/domains/${domainId}/config`
    expect((await call(url, { method: 'PUT', token: admin, body: { config: custom } })).status).toBe(201)
    const merged = await call(url, { method: 'PATCH', token: admin, body: { config: { ldap: { url: 'ldap://other/' } } } })
    expect(merged).toMatchObject({ status: 200, body: { config: { ...custom, ldap: { ...custom.ldap, url: 'ldap://other/' } } } })
    const group = await call(`${url}/identity`, { method: 'PATCH', token: admin, body: { config: { identity: { driver: 'drv', list_limit: 42 } } } })
    expect(group.status).toBe(200)
    expect(group.body.config.identity).toEqual({ driver: 'drv', list_limit: 42 })
    const option = await call(`${url}/identity/driver`, { method: 'PATCH', token: admin, body: { config: { driver: 'drv2' } } })
    expect(option.status).toBe(200)
    expect(option.body.config.identity).toEqual({ driver: 'drv2', list_limit: 42 })
    expect((await call(`${url}/identity/driver`, { method: 'DELETE', token: admin })).status).toBe(204)
    expect((await call(`${url}/identity/driver`, { token: admin })).status).toBe(404)
    expect(await call(`${url}/identity/driver`, { method: 'PATCH', token: admin, body: { config: { driver: 'x' } } })).toMatchObject({
      status: 404, body: error(404, 'Not Found', `Could not find option driver in group identity in domain configuration for domain ${domainId}.`),
    })
    expect((await call(`${url}/identity`, { method: 'DELETE', token: admin })).status).toBe(204)
    expect(await call(`${url}/identity`, { method: 'DELETE', token: admin })).toMatchObject({
      status: 404, body: error(404, 'Not Found', `Could not find group identity in domain configuration for domain ${domainId}.`),
    })
    expect((await call(url, { method: 'DELETE', token: admin })).status).toBe(204)
    expect(await call(url, { token: admin })).toMatchObject({
      status: 404, body: error(404, 'Not Found', `Could not find any options in domain configuration for domain ${domainId}.`),
    })
    // Keystone deletes a configuration that is not there without complaint.
    expect((await call(url, { method: 'DELETE', token: admin })).status).toBe(204)
  })

  it("refuses what Keystone does not keep per domain, and updates that do not match their URL, with Keystone's 403 texts", async () => {
    const domainId = await newDomain('config-refusals')
    const url = `${s.url}/v3/domains/${domainId}/config`
    const refused = async (method: string, at: string, body: unknown, reason: string) =>
      expect(await call(at, { method, token: admin, body }), reason).toMatchObject({ status: 403, body: invalidConfig(reason) })
    await refused('PUT', url, { config: {} }, 'No options specified')
    await refused('PUT', url, {}, 'No options specified')
    await refused('PUT', url, { config: { identity: {} } }, 'The value of group identity specified in the config should be a dictionary of options')
    await refused('PUT', url, { config: { identity: 'ldap' } }, 'The value of group identity specified in the config should be a dictionary of options')
    await refused('PUT', url, { config: { token: { expiration: 1 } } }, 'Group token is not supported for domain specific configurations')
    await refused('PUT', url, { config: { ldap: { group_ad_nesting: true } } }, 'Option group_ad_nesting in group ldap is not supported for domain specific configurations')
    expect((await call(url, { method: 'PUT', token: admin, body: { config: custom } })).status).toBe(201)
    await refused('PATCH', `${url}/identity`, { config: custom }, 'Trying to update group identity, so that, and only that, group must be specified in the config')
    await refused('PATCH', `${url}/identity`, { config: { ldap: { url: 'x' } } }, 'request to update group identity, but config provided contains group ldap instead')
    await refused('PATCH', `${url}/ldap/url`, { config: { url: 'x', user_tree_dn: 'y' } }, 'Trying to update option url in group ldap, so that, and only that, option must be specified  in the config')
    await refused('PATCH', `${url}/ldap/url`, { config: { user_tree_dn: 'y' } }, 'Trying to update option url in group ldap, but config provided contains option user_tree_dn instead')
    // Keystone reads the security_compliance group from its own configuration, for the Default domain only (issue 18).
    await refused('GET', `${url}/security_compliance`, undefined, 'Reading security compliance information for any domain other than the default domain is not allowed or supported')
    expect(await call(url, { method: 'PUT', token: admin, body: { config: 'ldap' } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', "Invalid input for field 'config': 'ldap' is not of type 'object'"),
    })
    expect(await call(url, { token: admin })).toMatchObject({ status: 200, body: { config: custom } })
  })

  it('answers 404 for an unknown domain, and a domain takes its configuration along when deleted', async () => {
    const notFound = { status: 404, body: error(404, 'Not Found', 'Could not find domain: nowhere.') }
    expect(await call(`${s.url}/v3/domains/nowhere/config`, { method: 'PUT', token: admin, body: { config: custom } })).toMatchObject(notFound)
    expect(await call(`${s.url}/v3/domains/nowhere/config`, { method: 'PATCH', token: admin, body: { config: custom } })).toMatchObject(notFound)
    expect(await call(`${s.url}/v3/domains/nowhere/config/ldap`, { method: 'DELETE', token: admin })).toMatchObject(notFound)
    // Keystone reads the configuration before it looks for the domain.
    expect(await call(`${s.url}/v3/domains/nowhere/config`, { token: admin })).toMatchObject({
      status: 404, body: error(404, 'Not Found', 'Could not find any options in domain configuration for domain nowhere.'),
    })
    const domainId = await newDomain('config-deleted')
    expect((await call(`${s.url}/v3/domains/${domainId}/config`, { method: 'PUT', token: admin, body: { config: custom } })).status).toBe(201)
    expect((await call(`${s.url}/v3/domains/${domainId}`, { method: 'PATCH', token: admin, body: { domain: { enabled: false } } })).status).toBe(200)
    expect((await call(`${s.url}/v3/domains/${domainId}`, { method: 'DELETE', token: admin })).status).toBe(204)
    const left = await s.server.db.kysely.selectFrom('domain_config_options').select('option_name').where('domain_id', '=', domainId).execute()
    expect(left).toEqual([])
  })

  it('keeps a configuration of sensitive options alone, shown as nothing', async () => {
    const domainId = await newDomain('config-sensitive')
    const url = `${s.url}/v3/domains/${domainId}/config`
    expect(await call(url, { method: 'PUT', token: admin, body: { config: { ldap: { password: 'ldap-Secret-2' } } } })).toMatchObject({ status: 201, body: { config: {} } })
    const nothing = { status: 404, body: error(404, 'Not Found', `Could not find any options in domain configuration for domain ${domainId}.`) }
    expect(await call(url, { token: admin })).toMatchObject(nothing)
    // Keystone stores the update, then answers what GET shows: nothing.
    expect(await call(`${url}/ldap/password`, { method: 'PATCH', token: admin, body: { config: { password: 'ldap-Secret-3' } } })).toMatchObject(nothing)
    expect(await call(url, { method: 'PUT', token: admin, body: { config: { identity: { driver: 'ldap' } } } })).toMatchObject({ status: 200 })
    expect(await call(`${url}/ldap/password`, { method: 'DELETE', token: admin })).toMatchObject({
      status: 404, body: error(404, 'Not Found', `Could not find group ldap in domain configuration for domain ${domainId}.`),
    })
  })

  it('settles concurrent writers: one PUT creates (201), the others replace (200), merges all land', async () => {
    const domainId = await newDomain('config-race')
    const url = `${s.url}/v3/domains/${domainId}/config`
    const puts = await Promise.all(Array.from({ length: 6 }, (_, i) => call(url, { method: 'PUT', token: admin, body: { config: { identity: { list_limit: i } } } })))
    expect(puts.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201])
    const merges = await Promise.all(['url', 'user_tree_dn', 'group_tree_dn', 'suffix'].map((option) =>
      call(url, { method: 'PATCH', token: admin, body: { config: { ldap: { [option]: `value-of-${option}` } } } })))
    expect(merges.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const stored = await call(url, { token: admin })
    expect(stored.body.config.ldap).toEqual({ url: 'value-of-url', user_tree_dn: 'value-of-user_tree_dn', group_tree_dn: 'value-of-group_tree_dn', suffix: 'value-of-suffix' })
  })

  it('refuses a member (403)', async () => {
    const url = `${s.url}/v3/domains/default/config`
    for (const [method, at, action] of [
      ['GET', `${s.url}/v3/domains/config/default`, 'get_domain_config_default'], ['PUT', url, 'create_domain_config'],
      ['GET', url, 'get_domain_config'], ['PATCH', `${url}/ldap`, 'update_domain_config_group'], ['DELETE', `${url}/ldap/url`, 'delete_domain_config_option'],
    ] as const) {
      const body = method === 'PUT' || method === 'PATCH' ? { config: custom } : undefined
      expect(await call(at, { method, token: member, body }), action).toMatchObject({
        status: 403, body: error(403, 'Forbidden', `You are not authorized to perform the requested action: identity:${action}.`),
      })
    }
  })
})

describe('policy blobs /v3/policies (keystone)', () => {
  const policyUrl = (id: string) => `${s.url}/v3/policies/${id}`

  it('creates, shows, lists by type, updates and deletes, keeping extra attributes', async () => {
    const made = await call(`${s.url}/v3/policies`, { method: 'POST', token: admin, body: { policy: { blob: '{"a": 1}', type: 'application/json', id: 'mine', 'x-tra': 1 } } })
    expect(made.status).toBe(201)
    const { id } = made.body.policy
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(made.body).toEqual({ policy: { x_tra: 1, id, blob: '{"a": 1}', type: 'application/json', links: { self: policyUrl(id) } } })
    expect(await call(policyUrl(id), { token: admin })).toMatchObject({ status: 200, body: made.body })
    const other = (await call(`${s.url}/v3/policies`, { method: 'POST', token: admin, body: { policy: { blob: 'b', type: 'text/plain' } } })).body.policy
    const all = await call(`${s.url}/v3/policies`, { token: admin })
    expect(all.status).toBe(200)
    expect(all.body.policies.map((p: { id: string }) => p.id)).toEqual([id, other.id])
    const byType = await call(`${s.url}/v3/policies?type=text/plain`, { token: admin })
    expect(byType.body).toEqual({ policies: [other], links: { self: `${s.url}/v3/policies?type=text/plain`, previous: null, next: null } })
    const updated = await call(policyUrl(id), { method: 'PATCH', token: admin, body: { policy: { type: 'changed', more: 'yes' } } })
    expect(updated).toMatchObject({ status: 200, body: { policy: { x_tra: 1, more: 'yes', id, blob: '{"a": 1}', type: 'changed', links: { self: policyUrl(id) } } } })
    expect((await call(policyUrl(id), { method: 'DELETE', token: admin })).status).toBe(204)
    const notFound = { status: 404, body: error(404, 'Not Found', `Could not find policy: ${id}.`) }
    expect(await call(policyUrl(id), { token: admin })).toMatchObject(notFound)
    expect(await call(policyUrl(id), { method: 'PATCH', token: admin, body: { policy: { type: 't' } } })).toMatchObject(notFound)
    expect(await call(policyUrl(id), { method: 'DELETE', token: admin })).toMatchObject(notFound)
  })

  it("refuses bad bodies with Keystone's texts", async () => {
    const bad = (message: string) => ({ status: 400, body: error(400, 'Bad Request', message) })
    expect(await call(`${s.url}/v3/policies`, { method: 'POST', token: admin, body: { policy: { type: 't' } } })).toMatchObject(bad("Invalid input for field 'policy': 'blob' is a required property"))
    expect(await call(`${s.url}/v3/policies`, { method: 'POST', token: admin, body: { policy: { blob: 'b', type: 'x'.repeat(256) } } })).toMatchObject(
      bad(`Invalid input for field 'policy/type': '${'x'.repeat(80)}...' is too long (at most 255 characters)`))
    const { id } = (await call(`${s.url}/v3/policies`, { method: 'POST', token: admin, body: { policy: { blob: 'b', type: 't' } } })).body.policy
    expect(await call(policyUrl(id), { method: 'PATCH', token: admin, body: { policy: {} } })).toMatchObject(bad("Invalid input for field 'policy': {} does not have enough properties"))
    expect(await call(policyUrl(id), { method: 'PATCH', token: admin, body: { policy: { id: 'other' } } })).toMatchObject(bad('Cannot change policy ID'))
    expect(await call(policyUrl(id), { method: 'PATCH', token: admin, body: { policy: { blob: 1 } } })).toMatchObject(bad("Invalid input for field 'policy/blob': 1 is not of type 'string'"))
  })

  it('refuses a member (403)', async () => {
    const { id } = (await call(`${s.url}/v3/policies`, { method: 'POST', token: admin, body: { policy: { blob: 'b', type: 't' } } })).body.policy
    for (const [method, url, action] of [
      ['POST', `${s.url}/v3/policies`, 'create_policy'], ['GET', `${s.url}/v3/policies`, 'list_policies'],
      ['GET', policyUrl(id), 'get_policy'], ['PATCH', policyUrl(id), 'update_policy'], ['DELETE', policyUrl(id), 'delete_policy'],
    ] as const) {
      const body = method === 'POST' || method === 'PATCH' ? { policy: { blob: 'b', type: 't' } } : undefined
      expect(await call(url, { method, token: member, body }), action).toMatchObject({
        status: 403, body: error(403, 'Forbidden', `You are not authorized to perform the requested action: identity:${action}.`),
      })
    }
  })
})

describe('the clouds have none of them', () => {
  let cloud: TestServer
  beforeAll(async () => { cloud = await startServer({ flavour: 'huaweicloud' }) })
  afterAll(() => cloud.close())

  it('answers 404 for their routes', async () => {
    const token = await cloud.adminToken()
    for (const path of ['/v3/OS-OAUTH1/consumers', '/v3/policies', '/v3/domains/config/default', `/v3/domains/${cloud.account.id}/config`]) {
      expect((await call(`${cloud.url}${path}`, { token })).status, path).toBe(404)
    }
  })
})
