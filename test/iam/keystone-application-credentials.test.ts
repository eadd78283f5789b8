/**
 * Keystone 22's application credentials, access rules and the `application_credential` auth
 * method (keystone flavour): exact statuses and bodies, who may do what, and what ends a
 * credential's tokens (deletion, expiry, a role the user lost, the user's deletion).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const forbidden = (what: string) => error(403, 'Forbidden', `You are not authorized to perform the requested action: ${what}${what.endsWith('.') ? '' : '.'}`)

describe('application credentials (keystone)', () => {
  let s: TestServer
  let admin: string
  let roleIds: Record<string, string>
  let projectId: string
  /** A member of the project, and its project-scoped token. */
  let owner: { id: string; token: string }
  let other: { id: string; token: string }
  let counter = 0
  const unique = (prefix: string) => `${prefix}-${++counter}`
  const api = (method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>) =>
    call(`${s.url}${path}`, { method, token, body, headers })
  const creds = (userId: string) => `/v3/users/${userId}/application_credentials`
  const rules = (userId: string) => `/v3/users/${userId}/access_rules`

  async function passwordToken(name: string, scope: unknown): Promise<string> {
    const res = await api('POST', '/v3/auth/tokens?nocatalog', undefined, {
      auth: { identity: { methods: ['password'], password: { user: { name, password: `${name}-Passw0rd`, domain: { id: 'default' } } } }, scope },
    })
    if (res.status !== 201) throw new Error(`token for ${name}: ${res.status} ${res.text}`)
    return res.headers.get('x-subject-token')!
  }

  /** A fresh user holding `roles` on the project, with a token scoped there. */
  async function member(roles: string[] = ['member']): Promise<{ id: string; name: string; token: string }> {
    const name = unique('appcred-user')
    const user = await api('POST', '/v3/users', admin, { user: { name, password: `${name}-Passw0rd`, domain_id: 'default' } })
    expect(user.status).toBe(201)
    for (const role of roles) expect((await api('PUT', `/v3/projects/${projectId}/users/${user.body.user.id}/roles/${roleIds[role]}`, admin)).status).toBe(204)
    return { id: user.body.user.id, name, token: await passwordToken(name, { project: { id: projectId } }) }
  }

  const appCredAuth = (credential: Record<string, unknown>, scope?: unknown) => api('POST', '/v3/auth/tokens?nocatalog', undefined, {
    auth: { identity: { methods: ['application_credential'], application_credential: credential }, ...(scope === undefined ? {} : { scope }) },
  })

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    const roles = await api('GET', '/v3/roles', admin)
    roleIds = Object.fromEntries(roles.body.roles.map((r: { id: string; name: string }) => [r.name, r.id]))
    const project = await api('POST', '/v3/projects', admin, { project: { name: 'appcred-project', domain_id: 'default' } })
    projectId = project.body.project.id
    owner = await member()
    other = await member()
  })
  afterAll(() => s.close())

  it('creates with a generated secret shown once, shows and lists without it, filters by name', async () => {
    const name = unique('monitoring')
    const made = await api('POST', creds(owner.id), owner.token, { application_credential: { name, description: 'For monitoring.' } })
    expect(made.status).toBe(201)
    const id = made.body.application_credential.id as string
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    const secret = made.body.application_credential.secret as string
    expect(secret).toMatch(/^[A-Za-z0-9_-]{86}$/)
    const shown = {
      id, name, description: 'For monitoring.', project_id: projectId, expires_at: null, unrestricted: null,
      // The token's roles, implied ones included (member implies reader), as Keystone takes them.
      roles: [
        { id: roleIds.member, name: 'member', domain_id: null, description: expect.any(String), options: {} },
        { id: roleIds.reader, name: 'reader', domain_id: null, description: expect.any(String), options: {} },
      ],
      links: { self: `${s.url}/v3/application_credentials/${id}` },
    }
    expect(made.body).toEqual({ application_credential: { ...shown, secret } })
    expect(await api('GET', `${creds(owner.id)}/${id}`, owner.token)).toMatchObject({ status: 200, body: { application_credential: shown } })
    expect((await api('GET', `${creds(owner.id)}/${id}`, owner.token)).body.application_credential).not.toHaveProperty('secret')
    await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('second') } })
    const listed = await api('GET', `${creds(owner.id)}?name=${name}`, owner.token)
    expect(listed.status).toBe(200)
    expect(listed.body).toEqual({
      application_credentials: [shown], links: { self: `${s.url}${creds(owner.id)}?name=${name}`, previous: null, next: null },
    })
    expect((await api('GET', creds(owner.id), owner.token)).body.application_credentials.length).toBeGreaterThanOrEqual(2)
  })

  it('refuses a taken name (409), a bad body (400), an unassigned or unknown role (400, 404), a past or malformed expiry (400)', async () => {
    const name = unique('dup')
    expect((await api('POST', creds(owner.id), owner.token, { application_credential: { name } })).status).toBe(201)
    expect(await api('POST', creds(owner.id), owner.token, { application_credential: { name } })).toMatchObject({
      status: 409, body: error(409, 'Conflict', `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${name}.`),
    })
    // Another user may use the same name.
    expect((await api('POST', creds(other.id), other.token, { application_credential: { name } })).status).toBe(201)
    const missingName = await api('POST', creds(owner.id), owner.token, { application_credential: { description: 'x' } })
    expect(missingName.status).toBe(400)
    expect(missingName.body.error.message).toContain("'name' is a required property")
    expect((await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('b'), unrestricted: 'yes' } })).status).toBe(400)
    expect((await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('b'), roles: [{ id: roleIds.member, name: 'member' }] } })).status).toBe(400)
    expect(await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('b'), roles: [{ id: roleIds.admin }] } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', 'Invalid application credential: Cannot create an application credential with unassigned role'),
    })
    expect(await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('b'), roles: [{ name: 'nope' }] } })).toMatchObject({
      status: 404, body: error(404, 'Not Found', 'Could not find role: nope.'),
    })
    expect(await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('b'), expires_at: '2001-01-01T00:00:00' } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', "The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."),
    })
    expect(await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('b'), expires_at: 'tomorrow' } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', 'Timestamp not in expected format. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'),
    })
  })

  it('keeps expires_at to the microsecond, as Tempest compares it, and caps its tokens there', async () => {
    const expiresAt = `${new Date(Date.now() + 3_600_000).toISOString().slice(0, 19)}.123456`
    const made = await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('exp'), expires_at: expiresAt, roles: [{ name: 'member' }] } })
    expect(made.status).toBe(201)
    expect(made.body.application_credential.expires_at).toBe(expiresAt)
    const { id, secret } = made.body.application_credential
    const token = await appCredAuth({ id, secret })
    expect(token.status).toBe(201)
    expect(token.body.token.expires_at).toBe(`${expiresAt.slice(0, 23)}000Z`)
  })

  it('authenticates by id or by name and user: a project token with the credential\'s roles, restricted', async () => {
    const multi = await member(['member', 'reader'])
    const name = unique('app')
    const made = await api('POST', creds(multi.id), multi.token, { application_credential: { name, roles: [{ name: 'reader' }] } })
    const { id, secret } = made.body.application_credential
    const byId = await appCredAuth({ id, secret })
    expect(byId.status).toBe(201)
    const t = byId.body.token
    expect(t.methods).toEqual(['application_credential'])
    expect(t.user).toMatchObject({ id: multi.id, name: multi.name })
    expect(t.project.id).toBe(projectId)
    expect(t.roles).toEqual([{ id: roleIds.reader, name: 'reader' }])
    expect(t.application_credential).toEqual({ id, name, restricted: true })
    const token = byId.headers.get('x-subject-token')!
    const validated = await api('GET', '/v3/auth/tokens?nocatalog', token, undefined, { 'x-subject-token': token })
    expect(validated.status).toBe(200)
    expect(validated.body.token.application_credential).toEqual({ id, name, restricted: true })
    const byName = await appCredAuth({ name, secret, user: { name: multi.name, domain: { name: 'Default' } } })
    expect(byName.status).toBe(201)
    expect((await appCredAuth({ name, secret, user: { id: multi.id } })).status).toBe(201)
    // A restricted credential's token manages no credentials.
    expect(await api('POST', creds(multi.id), token, { application_credential: { name: unique('nested') } })).toMatchObject({
      status: 403, body: forbidden("Using method 'application_credential' is not allowed for managing additional application credentials."),
    })
    expect((await api('DELETE', `${creds(multi.id)}/${id}`, token)).status).toBe(403)
    // Nor trusts: its roles would outlive its limits in the trust.
    const trust = { trust: { trustor_user_id: multi.id, trustee_user_id: owner.id, project_id: projectId, roles: [{ name: 'reader' }], impersonation: false } }
    expect(await api('POST', '/v3/OS-TRUST/trusts', token, trust)).toMatchObject({
      status: 403, body: forbidden("Using method 'application_credential' is not allowed for managing trusts."),
    })
    const trusted = await api('POST', '/v3/OS-TRUST/trusts', multi.token, trust)
    expect(trusted.status).toBe(201)
    expect(await api('DELETE', `/v3/OS-TRUST/trusts/${trusted.body.trust.id}`, token)).toMatchObject({
      status: 403, body: forbidden("Using method 'application_credential' is not allowed for managing trusts."),
    })
    // Rescoping such a token would shed the credential's limits: refused.
    expect((await api('POST', '/v3/auth/tokens', undefined, { auth: { identity: { methods: ['token'], token: { id: token } }, scope: { project: { id: projectId } } } })).status).toBe(401)
  })

  it('refuses a wrong secret, a scope, an unknown name (401), an unknown id (404, as Keystone)', async () => {
    const made = await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('auth'), secret: 'my-own-secret' } })
    expect(made.body.application_credential.secret).toBe('my-own-secret')
    const { id } = made.body.application_credential
    expect(await appCredAuth({ id, secret: 'wrong' })).toMatchObject({ status: 401, body: error(401, 'Unauthorized', 'Invalid application credential ID or secret') })
    expect(await appCredAuth({ id, secret: 'my-own-secret' }, { project: { id: projectId } })).toMatchObject({
      status: 401, body: error(401, 'Unauthorized', 'Error authenticating with application credential: Application credentials cannot request a scope.'),
    })
    expect(await appCredAuth({ name: 'nope', secret: 'x', user: { id: owner.id } })).toMatchObject({
      status: 401, body: error(401, 'Unauthorized', 'Could not find application credential: nope'),
    })
    expect(await appCredAuth({ id: 'nope', secret: 'x' })).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Could not find Application Credential: nope.') })
    expect((await appCredAuth({ secret: 'x' })).status).toBe(400)
    expect((await appCredAuth({ name: 'x', secret: 'x' })).status).toBe(400)
  })

  it('settles racing creates of one name by the unique index: one 201, the rest 409; racing rules end on one', async () => {
    const name = unique('race')
    const rule = { service: 'race', path: `/${name}`, method: 'GET' }
    const answers = await Promise.all(Array.from({ length: 4 }, () => api('POST', creds(owner.id), owner.token, { application_credential: { name, access_rules: [rule] } })))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409])
    const others = await Promise.all(Array.from({ length: 3 }, (_, i) => api('POST', creds(owner.id), owner.token, { application_credential: { name: `${name}-${i}`, access_rules: [rule] } })))
    expect(others.map((a) => a.status)).toEqual([201, 201, 201])
    const ruleIds = new Set([...answers, ...others].filter((a) => a.status === 201).map((a) => a.body.application_credential.access_rules[0].id))
    expect(ruleIds.size).toBe(1)
  })

  it('ends a credential at its expiry: no new token, and the tokens it gave stop working', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString().replace('Z', '')
    const made = await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('short'), expires_at: expiresAt } })
    expect(made.status).toBe(201)
    const { id, secret } = made.body.application_credential
    const auth = await appCredAuth({ id, secret })
    expect(auth.status).toBe(201)
    const token = auth.headers.get('x-subject-token')!
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(`${expiresAt}Z`) - Date.now()) + 1100))
    expect(await appCredAuth({ id, secret })).toMatchObject({ status: 401, body: error(401, 'Unauthorized', 'Invalid application credential ID or secret') })
    expect((await api('GET', `/v3/users/${owner.id}`, token)).status).toBe(401)
  })

  it('lets an unrestricted credential\'s token make credentials', async () => {
    const made = await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('free'), unrestricted: true } })
    expect(made.body.application_credential.unrestricted).toBe(true)
    const auth = await appCredAuth({ id: made.body.application_credential.id, secret: made.body.application_credential.secret })
    expect(auth.body.token.application_credential.restricted).toBe(false)
    const token = auth.headers.get('x-subject-token')!
    expect((await api('POST', creds(owner.id), token, { application_credential: { name: unique('child') } })).status).toBe(201)
  })

  it('lets the owner or an admin see and delete; others get 403; unknown ids 404', async () => {
    const made = await api('POST', creds(owner.id), owner.token, { application_credential: { name: unique('private') } })
    const id = made.body.application_credential.id as string
    expect(await api('GET', `${creds(owner.id)}/${id}`, other.token)).toMatchObject({ status: 403, body: forbidden('identity:get_application_credential') })
    // Naming oneself in the path does not reach another user's credential.
    expect(await api('GET', `${creds(other.id)}/${id}`, other.token)).toMatchObject({ status: 403, body: forbidden('identity:get_application_credential') })
    expect(await api('GET', creds(owner.id), other.token)).toMatchObject({ status: 403, body: forbidden('identity:list_application_credentials') })
    expect(await api('POST', creds(owner.id), other.token, { application_credential: { name: 'x' } })).toMatchObject({
      status: 403, body: forbidden('identity:create_application_credential'),
    })
    expect(await api('DELETE', `${creds(owner.id)}/${id}`, other.token)).toMatchObject({ status: 403, body: forbidden('identity:delete_application_credential') })
    expect((await api('GET', `${creds(owner.id)}/${id}`, admin)).status).toBe(200)
    expect((await api('GET', creds(owner.id), admin)).status).toBe(200)
    expect(await api('POST', creds(owner.id), admin, { application_credential: { name: 'x' } })).toMatchObject({
      status: 403, body: forbidden('Cannot create an application credential for another user.'),
    })
    expect(await api('GET', `${creds(owner.id)}/nope`, owner.token)).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Could not find Application Credential: nope.') })
    expect(await api('DELETE', `${creds(owner.id)}/nope`, owner.token)).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Could not find Application Credential: nope.') })
    expect((await api('DELETE', `${creds(owner.id)}/${id}`, admin)).status).toBe(204)
    expect((await api('GET', `${creds(owner.id)}/${id}`, owner.token)).status).toBe(404)
    expect((await api('GET', creds(owner.id))).status).toBe(401)
  })

  it('ends a credential\'s tokens when it is deleted, when the user loses the role, and with the user', async () => {
    const user = await member()
    const made = await api('POST', creds(user.id), user.token, { application_credential: { name: 'shared-name' } })
    const { id, secret } = made.body.application_credential
    const auth = await appCredAuth({ id, secret })
    const token = auth.headers.get('x-subject-token')!
    expect((await api('GET', `/v3/users/${user.id}`, token)).status).toBe(200)
    expect((await api('DELETE', `${creds(user.id)}/${id}`, user.token)).status).toBe(204)
    expect((await api('GET', `/v3/users/${user.id}`, token)).status).toBe(401)
    expect((await appCredAuth({ id, secret })).status).toBe(404)

    const again = await api('POST', creds(user.id), user.token, { application_credential: { name: 'shared-name' } })
    expect(again.status).toBe(201)
    expect((await api('DELETE', `/v3/projects/${projectId}/users/${user.id}/roles/${roleIds.member}`, admin)).status).toBe(204)
    expect((await appCredAuth({ id: again.body.application_credential.id, secret: again.body.application_credential.secret })).status).toBe(401)

    // Keystone 22 answers 409 to the next user's fresh create after a user with credentials is
    // deleted (orphaned rows on SQLite); here the credentials go with their user.
    const doomed = await member()
    const doomedCred = await api('POST', creds(doomed.id), doomed.token, {
      application_credential: { name: 'shared-name', access_rules: [{ service: 'compute', path: '/v2.1/servers', method: 'GET' }] },
    })
    expect((await api('DELETE', `/v3/users/${doomed.id}`, admin)).status).toBe(204)
    expect((await api('GET', `${creds(doomed.id)}/${doomedCred.body.application_credential.id}`, admin)).status).toBe(404)
    const next = await member()
    expect((await api('POST', creds(next.id), next.token, { application_credential: { name: 'shared-name' } })).status).toBe(201)
  })
})

describe('access rules (keystone)', () => {
  let s: TestServer
  let admin: string
  let owner: { id: string; token: string }
  let other: { id: string; token: string }
  const api = (method: string, path: string, token?: string, body?: unknown) => call(`${s.url}${path}`, { method, token, body })
  const creds = (userId: string) => `/v3/users/${userId}/application_credentials`
  const rules = (userId: string) => `/v3/users/${userId}/access_rules`
  const compute = { service: 'compute', path: '/v2.1/servers/*/ips', method: 'GET' }

  async function member(name: string, projectId: string, memberRole: string) {
    const user = await api('POST', '/v3/users', admin, { user: { name, password: `${name}-Passw0rd`, domain_id: 'default' } })
    await api('PUT', `/v3/projects/${projectId}/users/${user.body.user.id}/roles/${memberRole}`, admin)
    const token = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: {
      auth: { identity: { methods: ['password'], password: { user: { id: user.body.user.id, password: `${name}-Passw0rd` } } }, scope: { project: { id: projectId } } },
    } })
    return { id: user.body.user.id as string, token: token.headers.get('x-subject-token')! }
  }

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    const roles = await api('GET', '/v3/roles?name=member', admin)
    const project = await api('POST', '/v3/projects', admin, { project: { name: 'rules-project', domain_id: 'default' } })
    owner = await member('rules-owner', project.body.project.id, roles.body.roles[0].id)
    other = await member('rules-other', project.body.project.id, roles.body.roles[0].id)
  })
  afterAll(() => s.close())

  it('makes rules through credentials, reuses equal ones and ones named by id, shows them in tokens', async () => {
    const first = await api('POST', creds(owner.id), owner.token, { application_credential: { name: 'first', access_rules: [compute] } })
    expect(first.status).toBe(201)
    const rule = first.body.application_credential.access_rules[0]
    expect(rule).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), ...compute })
    const second = await api('POST', creds(owner.id), owner.token, { application_credential: { name: 'second', access_rules: [compute] } })
    expect(second.body.application_credential.access_rules).toEqual([rule])
    const third = await api('POST', creds(owner.id), owner.token, { application_credential: { name: 'third', access_rules: [{ id: rule.id }] } })
    expect(third.body.application_credential.access_rules).toEqual([rule])
    expect(await api('GET', rules(owner.id), owner.token)).toMatchObject({
      status: 200,
      body: { access_rules: [{ ...rule, links: { self: `${s.url}/v3/access_rules/${rule.id}` } }], links: { self: `${s.url}${rules(owner.id)}`, previous: null, next: null } },
    })
    expect(await api('GET', `${rules(owner.id)}/${rule.id}`, owner.token)).toMatchObject({
      status: 200, body: { access_rule: { ...rule, links: { self: `${s.url}/v3/access_rules/${rule.id}` } } },
    })
    expect((await api('GET', `${rules(owner.id)}?service=image`, owner.token)).body.access_rules).toEqual([])
    const auth = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: {
      auth: { identity: { methods: ['application_credential'], application_credential: { id: first.body.application_credential.id, secret: first.body.application_credential.secret } } },
    } })
    expect(auth.body.token.application_credential).toEqual({ id: first.body.application_credential.id, name: 'first', restricted: true, access_rules: [rule] })
    // Keystone's schema: a path starts with a slash, a method is one of six.
    expect((await api('POST', creds(owner.id), owner.token, { application_credential: { name: 'bad', access_rules: [{ ...compute, path: 'servers' }] } })).status).toBe(400)
    expect((await api('POST', creds(owner.id), owner.token, { application_credential: { name: 'bad', access_rules: [{ ...compute, method: 'TRACE' }] } })).status).toBe(400)
    expect((await api('POST', creds(owner.id), owner.token, { application_credential: { name: 'bad', access_rules: [{ service: 'compute' }] } })).status).toBe(400)
    // Another user's rule is not reachable by its id.
    expect(await api('POST', creds(other.id), other.token, { application_credential: { name: 'theirs', access_rules: [{ id: rule.id }] } })).toMatchObject({
      status: 404, body: { error: { code: 404, title: 'Not Found', message: `Could not find Access Rule: ${rule.id}.` } },
    })
  })

  it('refuses to delete a rule in use (403), deletes it once unused; keeps it after its credentials go', async () => {
    const made = await api('POST', creds(owner.id), owner.token, { application_credential: { name: 'deleting', access_rules: [{ service: 'image', path: '/v2/images', method: 'GET' }] } })
    const ruleId = made.body.application_credential.access_rules[0].id as string
    expect(await api('DELETE', `${rules(owner.id)}/${ruleId}`, owner.token)).toMatchObject({
      status: 403, body: { error: { code: 403, title: 'Forbidden', message: 'May not delete access rule in use' } },
    })
    expect((await api('DELETE', `${creds(owner.id)}/${made.body.application_credential.id}`, owner.token)).status).toBe(204)
    expect((await api('GET', `${rules(owner.id)}/${ruleId}`, owner.token)).status).toBe(200)
    expect((await api('DELETE', `${rules(owner.id)}/${ruleId}`, owner.token)).status).toBe(204)
    expect(await api('GET', `${rules(owner.id)}/${ruleId}`, owner.token)).toMatchObject({
      status: 404, body: { error: { code: 404, title: 'Not Found', message: `Could not find Access Rule: ${ruleId}.` } },
    })
    expect((await api('DELETE', `${rules(owner.id)}/${ruleId}`, owner.token)).status).toBe(404)
  })

  it("keeps a user's rules from others and from a project admin; a system-scoped admin reaches them", async () => {
    const refused = (action: string) => ({ status: 403, body: { error: { code: 403, title: 'Forbidden', message: `You are not authorized to perform the requested action: ${action}.` } } })
    expect(await api('GET', rules(owner.id), other.token)).toMatchObject(refused('identity:list_access_rules'))
    expect(await api('GET', `${rules(owner.id)}/x`, other.token)).toMatchObject(refused('identity:get_access_rule'))
    expect(await api('DELETE', `${rules(owner.id)}/x`, other.token)).toMatchObject(refused('identity:delete_access_rule'))
    expect(await api('GET', rules(owner.id), admin)).toMatchObject(refused('identity:list_access_rules'))
    const system = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: {
      auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: s.adminPassword, domain: { id: 'default' } } } }, scope: { system: { all: true } } },
    } })
    const systemToken = system.headers.get('x-subject-token')!
    expect((await api('GET', rules(owner.id), systemToken)).status).toBe(200)
    expect((await api('GET', rules(owner.id))).status).toBe(401)
  })
})

describe('application credentials on the clouds', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'huaweicloud' }) })
  afterAll(() => s.close())

  it('serves no such routes and no such auth method', async () => {
    const admin = await s.adminToken()
    expect((await call(`${s.url}/v3/users/x/application_credentials`, { token: admin })).status).toBe(404)
    expect((await call(`${s.url}/v3/users/x/access_rules`, { token: admin })).status).toBe(404)
    const auth = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['application_credential'], application_credential: { id: 'x', secret: 'y' } } } } })
    expect(auth.status).toBe(401)
    expect(auth.body.error.message).toBe('Attempted to authenticate with an unsupported method.')
  })
})
