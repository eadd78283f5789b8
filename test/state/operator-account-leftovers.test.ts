/**
 * Deleting an account leaves nothing of it anywhere in the store: every table is read after the
 * deletion and no row may name the account, its users, groups, projects or roles. The account is
 * filled through the APIs with one of everything the keystone flavour stores per domain, user or
 * project (grants of each kind, tags, a domain role implying a global one, trusts, application
 * credentials with access rules, Keystone credentials, endpoint filters, domain configuration),
 * so a table added later without a place in the deletion fails here. The same on the clouds'
 * flavour with what an account holds there (agencies, custom policies, access and temporary keys,
 * enterprise projects and their resources, favourites).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { storeTables } from './store-tables.js'
import { callExpecting, tokenForUserId } from '../helpers/fixtures.js'

/** The first row found per table by the last `rowsNaming`, to say what was left. */
const lastHits: Record<string, unknown> = {}
/** Table → how many of its rows hold one of the ids in any column. */
async function rowsNaming(s: TestServer, ids: readonly string[]): Promise<Record<string, number>> {
  const found: Record<string, number> = {}
  for (const table of await storeTables(s)) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every table, read whole
    const rows = await (s.server.db.kysely as any).selectFrom(table).selectAll().execute() as Record<string, unknown>[]
    const hits = rows.filter((row) => Object.values(row).some((v) => typeof v === 'string' && ids.some((id) => v.includes(id))))
    if (hits.length > 0) found[table] = hits.length
    if (hits.length > 0) lastHits[table] = hits[0]!
  }
  return found
}

describe('operator API: deleting an account leaves no row naming it (keystone)', () => {
  let s: TestServer
  let operator: string

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    operator = await s.adminToken()
  })
  afterAll(() => s.close())

  const api = (method: string, path: string, body?: unknown, token = operator, expected?: number) => callExpecting(s, method, path, token, body, expected)
  const signIn = (userId: string, password: string, scope: unknown) => tokenForUserId(s, userId, password, scope)

  it('deletes every row of the account; the other accounts keep theirs', async () => {
    const made = (await api('POST', '/_projectplane/accounts', { account: { name: 'doomed' } }, operator, 201)).body
    const domainId: string = made.account.id
    const password = 'Doomed-Passw0rd-1'
    const userId: string = (await api('POST', '/v3/users', { user: { name: 'u1', domain_id: domainId, password } }, operator, 201)).body.user.id
    const projectId: string = (await api('POST', '/v3/projects', { project: { name: 'p1', domain_id: domainId } }, operator, 201)).body.project.id
    const childId: string = (await api('POST', '/v3/projects', { project: { name: 'p2', domain_id: domainId, parent_id: projectId } }, operator, 201)).body.project.id
    const groupId: string = (await api('POST', '/v3/groups', { group: { name: 'g1', domain_id: domainId } }, operator, 201)).body.group.id
    const member = (await api('GET', '/v3/roles?name=member', undefined, operator, 200)).body.roles[0].id
    const domainRoleId: string = (await api('POST', '/v3/roles', { role: { name: 'dr', domain_id: domainId } }, operator, 201)).body.role.id
    await api('PUT', `/v3/roles/${domainRoleId}/implies/${member}`, undefined, operator, 201)
    await api('PUT', `/v3/groups/${groupId}/users/${userId}`, undefined, operator, 204)
    await api('PUT', `/v3/projects/${projectId}/users/${userId}/roles/${member}`, undefined, operator, 204)
    await api('PUT', `/v3/projects/${childId}/groups/${groupId}/roles/${domainRoleId}`, undefined, operator, 204)
    await api('PUT', `/v3/domains/${domainId}/users/${userId}/roles/${member}`, undefined, operator, 204)
    await api('PUT', `/v3/OS-INHERIT/domains/${domainId}/groups/${groupId}/roles/${member}/inherited_to_projects`, undefined, operator, 204)
    await api('PUT', `/v3/system/users/${userId}/roles/${member}`, undefined, operator, 204)
    await api('PUT', `/v3/projects/${projectId}/tags/doomed-tag`, undefined, operator, 201)
    await api('PUT', `/v3/domains/${domainId}/config`, { config: { identity: { driver: 'ldap' } } }, operator, 201)
    const endpointId: string = (await api('GET', '/v3/endpoints', undefined, operator, 200)).body.endpoints[0].id
    await api('PUT', `/v3/OS-EP-FILTER/projects/${projectId}/endpoints/${endpointId}`, undefined, operator, 204)
    const groupOfEndpoints: string = (await api('POST', '/v3/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'eg', filters: { interface: 'public' } } }, operator, 201)).body.endpoint_group.id
    await api('PUT', `/v3/OS-EP-FILTER/endpoint_groups/${groupOfEndpoints}/projects/${projectId}`, undefined, operator, 204)
    await api('POST', '/v3/credentials', { credential: { user_id: userId, project_id: projectId, type: 'ec2', blob: JSON.stringify({ access: 'doomed-access', secret: 'doomed-secret' }) } }, operator, 201)
    const userToken = await signIn(userId, password, { project: { id: projectId } })
    const adminUserId: string = made.admin.id
    await api('POST', '/v3/OS-TRUST/trusts', { trust: { trustor_user_id: userId, trustee_user_id: adminUserId, project_id: projectId, impersonation: false, roles: [{ id: member }] } }, userToken, 201)
    await api('POST', `/v3/users/${userId}/application_credentials`, {
      application_credential: { name: 'ac', access_rules: [{ service: 'identity', path: '/v3/projects', method: 'GET' }] },
    }, userToken, 201)
    const before = await rowsNaming(s, [domainId, userId, adminUserId, projectId, childId, groupId, domainRoleId])
    expect(Object.keys(before).length).toBeGreaterThan(10)

    await api('DELETE', `/_projectplane/accounts/${domainId}`, undefined, operator, 204)
    const left = await rowsNaming(s, [domainId, userId, adminUserId, projectId, childId, groupId, domainRoleId])
    expect(left, JSON.stringify(lastHits)).toEqual({})
    // The operator's own domain and the store's shared rows (roles, regions, the catalog) stand.
    expect((await api('GET', '/v3/roles?name=member', undefined, operator, 200)).body.roles).toHaveLength(1)
    expect((await api('GET', `/v3/endpoints/${endpointId}`, undefined, operator, 200)).status).toBe(200)
    expect((await api('GET', '/v3/auth/projects', undefined, operator, 200)).body.projects.map((p: { name: string }) => p.name)).toContain('admin')
  })

})

describe('operator API: deleting an account leaves no row naming it (huaweicloud)', () => {
  let s: TestServer
  let operator: string

  beforeAll(async () => {
    s = await startServer()
    operator = await s.adminToken()
  })
  afterAll(() => s.close())

  /** A new account holding one of everything; the ids of what it holds beyond a new account's. */
  async function filledAccount(name: string) {
    const made = (await call(`${s.url}/_projectplane/accounts`, { method: 'POST', token: operator, body: { account: { name, access_key: true } } })).body
    const domainId: string = made.account.id
    const signIn = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: made.admin.password, domain: { name } } } }, scope: { domain: { name } } } },
    })
    const token = signIn.headers.get('x-subject-token')!
    const api = async (method: string, path: string, body: unknown, expected: number) => {
      const res = await call(`${s.url}${path}`, { method, token, body })
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(expected)
      return res.body
    }
    const userId: string = (await api('POST', '/v3/users', { user: { name: 'u1', password: 'Doomed-Passw0rd-1', domain_id: domainId } }, 201)).user.id
    const groupId: string = (await api('POST', '/v3/groups', { group: { name: 'g1', domain_id: domainId } }, 201)).group.id
    await api('PUT', `/v3/groups/${groupId}/users/${userId}`, undefined, 204)
    const projectId: string = (await api('POST', '/v3/projects', { project: { name: 'cn-north-4_doomed', domain_id: domainId } }, 201)).project.id
    const policyId: string = (await api('POST', '/v3.0/OS-ROLE/roles', {
      role: { display_name: 'doomed-policy', type: 'XA', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['ecs:*:get*'] }] } },
    }, 201)).role.id
    await api('PUT', `/v3/projects/${projectId}/groups/${groupId}/roles/${policyId}`, undefined, 204)
    const agencyId: string = (await api('POST', '/v3.0/OS-AGENCY/agencies', { agency: { name: 'doomed-agency', domain_id: domainId, trust_domain_name: s.account.name, duration: 'FOREVER' } }, 201)).agency.id
    await api('PUT', `/v3.0/OS-AGENCY/projects/${projectId}/agencies/${agencyId}/roles/${policyId}`, undefined, 204)
    await api('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: userId, description: 'k' } }, 201)
    await api('POST', '/v3.0/OS-CREDENTIAL/securitytokens', { auth: { identity: { methods: ['token'], token: { duration_seconds: 900 } } } }, 201)
    const epId: string = (await api('POST', '/v1.0/enterprise-projects', { name: 'doomed_ep' }, 201)).enterprise_project.id
    await api('PUT', '/v1/enterprise-project-collect', { ep_id_list: [epId] }, 200)
    return { domainId, added: [userId, groupId, projectId, policyId, agencyId, epId] }
  }

  it('deletes every row of the account; the other accounts keep theirs', async () => {
    const { domainId, added } = await filledAccount('doomed')
    expect(Object.keys(await rowsNaming(s, [domainId, ...added])).length).toBeGreaterThan(8)
    expect((await call(`${s.url}/_projectplane/accounts/${domainId}`, { method: 'DELETE', token: operator })).status).toBe(204)
    const left = await rowsNaming(s, [domainId, ...added])
    expect(left, JSON.stringify(lastHits)).toEqual({})
    expect((await call(`${s.url}/v3/projects`, { token: operator })).status).toBe(200)
  })

  it('resets an account to what a new one holds: nothing added since is left anywhere', async () => {
    const { domainId, added } = await filledAccount('reset-me')
    expect((await call(`${s.url}/_projectplane/state?account=${domainId}`, { method: 'DELETE', token: operator })).status).toBe(204)
    const left = await rowsNaming(s, added)
    expect(left, JSON.stringify(lastHits)).toEqual({})
  })
})
