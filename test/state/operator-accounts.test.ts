/**
 * The operator API's accounts over HTTP: `POST/GET /_projectplane/accounts` and
 * `DELETE /_projectplane/accounts/{id}`. A new account is what the clouds give one (system
 * projects, the `admin` group, the default enterprise project), its password and access key work
 * at once, and a deletion removes every row of it (its traces too) and ends its tokens and keys,
 * on a second instance sharing PostgreSQL within the second the auth cache may keep them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, defaultTestDatabase, startServer, type TestServer } from '../helpers/server.js'
import { tokenFor } from '../helpers/fixtures.js'
import { signRequest, type AccessKey } from '../helpers/huawei-sdk.js'
import type { Database } from '../../src/db/schema.js'

const ACCOUNTS = '/_projectplane/accounts'
const iamError = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const HEX32 = /^[0-9a-f]{32}$/

async function signed(s: TestServer, key: AccessKey, path: string) {
  const { url, init } = signRequest({ endpoint: s.url, method: 'GET', path, key })
  const res = await fetch(url, init)
  return res.status
}

/** Rows anywhere in the store that belong to the account. */
async function rowsOf(s: TestServer, accountId: string): Promise<Record<string, number>> {
  const x = s.server.db.kysely
  const count = async (table: keyof Database, column: string, ids: readonly string[] | string) => {
    const list = typeof ids === 'string' ? [ids] : ids
    if (list.length === 0) return 0
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one count for every table
    return Number((await (x.selectFrom(table) as any).select((eb: any) => eb.fn.countAll().as('n')).where(column, 'in', list).executeTakeFirstOrThrow()).n)
  }
  const users = (await x.selectFrom('users').select('id').where('domain_id', '=', accountId).execute()).map((r) => r.id)
  const groups = (await x.selectFrom('user_groups').select('id').where('domain_id', '=', accountId).execute()).map((r) => r.id)
  return {
    domains: await count('domains', 'id', accountId), users: users.length, groups: groups.length,
    projects: await count('projects', 'domain_id', accountId), enterprise_projects: await count('enterprise_projects', 'domain_id', accountId),
    audit_traces: await count('audit_traces', 'domain_id', accountId), roles: await count('roles', 'domain_key', accountId),
    agencies: await count('agencies', 'domain_id', accountId), ep_resources: await count('ep_resources', 'domain_id', accountId),
    memberships: await count('group_members', 'group_id', groups), credentials: await count('credentials', 'user_id', users),
    grants: await count('role_assignments', 'actor_id', [...users, ...groups]) + await count('role_assignments', 'target_id', accountId),
  }
}

describe('operator API: accounts (huaweicloud)', () => {
  let s: TestServer
  let operator: string
  const op = (method: string, path: string, body?: unknown, token = operator) => call(`${s.url}${path}`, { method, token, body })

  beforeAll(async () => {
    s = await startServer()
    operator = await s.adminToken()
  })
  afterAll(() => s.close())

  it('creates an account as the cloud gives a new one, with a generated password and an access key that work at once', async () => {
    const res = await op('POST', ACCOUNTS, { account: { name: 'tenant-a', access_key: true } })
    expect(res.status, res.text).toBe(201)
    expect(Object.keys(res.body).sort()).toEqual(['access_key', 'account', 'admin'])
    const { account, admin, access_key: key } = res.body
    expect(account).toEqual({ id: expect.stringMatching(HEX32), name: 'tenant-a' })
    expect(admin).toEqual({ id: expect.stringMatching(HEX32), name: 'admin', password: expect.stringMatching(/^Pp-[A-Za-z0-9]{20}7a!$/) })
    expect(key).toEqual({ access: expect.stringMatching(/^[A-Z0-9]{20}$/), secret: expect.stringMatching(/^[A-Za-z0-9]{40}$/) })

    const token = await tokenFor(s, 'admin', admin.password, 'tenant-a')
    const projects = (await call(`${s.url}/v3/projects`, { token })).body.projects.map((p: { name: string }) => p.name).sort()
    const regions = (await call(`${s.url}/v3/regions`, { token })).body.regions.map((r: { id: string }) => r.id).sort()
    expect(projects).toEqual(regions)
    const groups = (await call(`${s.url}/v3/groups`, { token })).body.groups.map((g: { name: string }) => g.name)
    expect(groups).toEqual(['admin'])
    const eps = (await call(`${s.url}/v1.0/enterprise-projects`, { token })).body.enterprise_projects.map((e: { id: string; name: string }) => [e.id, e.name])
    expect(eps).toEqual([['0', 'default']])
    expect(await signed(s, key, '/v3/projects')).toBe(200)
    // The access key is the administrator's.
    const keys = (await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials?user_id=${admin.id}`, { token })).body.credentials.map((c: { access: string }) => c.access)
    expect(keys).toEqual([key.access])
  })

  it('takes the administrator, its password, a description and the regions to give a system project', async () => {
    const res = await op('POST', ACCOUNTS, { account: { name: 'tenant-b', description: 'for one test', admin: { name: 'boss', password: 'Boss-Passw0rd!' }, regions: ['cn-north-4'] } })
    expect(res.status, res.text).toBe(201)
    expect(res.body).toEqual({ account: { id: expect.stringMatching(HEX32), name: 'tenant-b' }, admin: { id: expect.stringMatching(HEX32), name: 'boss', password: 'Boss-Passw0rd!' } })
    const token = await tokenFor(s, 'boss', 'Boss-Passw0rd!', 'tenant-b')
    expect((await call(`${s.url}/v3/projects`, { token })).body.projects.map((p: { name: string }) => p.name)).toEqual(['cn-north-4'])
    expect((await call(`${s.url}/v3/domains/${res.body.account.id}`, { token })).body.domain.description).toBe('for one test')
  })

  it('refuses a taken name, a weak password, an unknown region and unknown fields, in IAM\'s format', async () => {
    const refused = async (body: unknown) => {
      const res = await op('POST', ACCOUNTS, body)
      return { status: res.status, body: res.body }
    }
    expect(await refused({ account: { name: s.account.name } })).toEqual({
      status: 409, body: iamError(409, 'Conflict', `Conflict occurred attempting to store domain - Duplicate entry found with name ${s.account.name}.`),
    })
    const weak = await refused({ account: { name: 'weak', admin: { password: 'short' } } })
    expect(weak.status).toBe(400)
    expect(weak.body.error.message).toMatch(/^Invalid input for field 'account\/admin\/password': /)
    const regions = (await op('GET', '/v3/regions')).body.regions.map((r: { id: string }) => r.id).sort().join(', ')
    expect(await refused({ account: { name: 'nowhere', regions: ['mars-1'] } })).toEqual({
      status: 400, body: iamError(400, 'Bad Request', `Invalid input for field 'account/regions': no region 'mars-1' (the regions are ${regions})`),
    })
    const extra = await refused({ account: { name: 'extra', quota: 1 } })
    expect(extra.status).toBe(400)
    expect(extra.body.error.code).toBe(400)
    expect((await op('GET', ACCOUNTS)).body.accounts.map((a: { name: string }) => a.name)).not.toContain('weak')
  })

  it('answers anyone else 403 (no token 401) before it looks at the body, signed callers too', async () => {
    const other = (await op('POST', ACCOUNTS, { account: { name: 'not-the-operator', access_key: true } })).body
    const token = await tokenFor(s, 'admin', other.admin.password, 'not-the-operator')
    const forbidden = (action: string) => iamError(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`)
    for (const [method, path, body, action] of [
      ['POST', ACCOUNTS, { bogus: 1 }, 'projectplane:create_account'],
      ['PUT', '/_projectplane/state?account=not-an-id', [1], 'projectplane:import_state'],
      ['DELETE', '/_projectplane/state?unknown=1', undefined, 'projectplane:reset_state'],
    ] as const) {
      const res = await op(method, path, body, token)
      expect({ status: res.status, body: res.body }, `${method} ${path}`).toEqual({ status: 403, body: forbidden(action) })
      expect((await op(method, path, body, '')).status).toBe(401)
    }
    const { url, init } = signRequest({ endpoint: s.url, method: 'POST', path: ACCOUNTS, body: { bogus: 1 }, key: other.access_key })
    const res = await fetch(url, init)
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 403, body: forbidden('projectplane:create_account') })
    // The operator's own mistakes are still told as 400s.
    expect((await op('POST', ACCOUNTS, { bogus: 1 })).status).toBe(400)
    expect((await op('DELETE', `${ACCOUNTS}/${other.account.id}`)).status).toBe(204)
  })

  it('lists every account, oldest first (the operator\'s is first)', async () => {
    const res = await op('GET', ACCOUNTS)
    expect(res.status).toBe(200)
    const accounts = res.body.accounts as { id: string; name: string; description: string; enabled: boolean; created_at: string }[]
    expect(accounts[0]).toEqual({ id: s.account.id, name: s.account.name, description: '', enabled: true, created_at: expect.any(String) })
    expect(accounts.map((a) => a.name)).toEqual([s.account.name, 'tenant-a', 'tenant-b'])
  })

  it('deletes an account and every row in it, traces too; its tokens and keys stop at once', async () => {
    const created = (await op('POST', ACCOUNTS, { account: { name: 'doomed', access_key: true } })).body
    const id = created.account.id as string
    const token = await tokenFor(s, 'admin', created.admin.password, 'doomed')
    // Things in it: a user with a key, a group, a custom policy, a project, an enterprise project, traces.
    const user = (await call(`${s.url}/v3/users`, { method: 'POST', token, body: { user: { name: 'dev', password: 'Dev-Passw0rd!' } } })).body.user.id
    const group = (await call(`${s.url}/v3/groups`, { method: 'POST', token, body: { group: { name: 'devs' } } })).body.group.id
    expect((await call(`${s.url}/v3/groups/${group}/users/${user}`, { method: 'PUT', token })).status).toBe(204)
    expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: user } } })).status).toBe(201)
    const policy = (await call(`${s.url}/v3.0/OS-ROLE/roles`, { method: 'POST', token, body: { role: { display_name: 'Reader', type: 'AX', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:get*'] }] } } } })).body.role.id
    expect((await call(`${s.url}/v3/domains/${id}/groups/${group}/roles/${policy}`, { method: 'PUT', token })).status).toBe(204)
    expect((await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_dev' } } })).status).toBe(201)
    expect((await call(`${s.url}/v1.0/enterprise-projects`, { method: 'POST', token, body: { name: 'team' } })).status).toBe(201)
    const before = await rowsOf(s, id)
    expect(before.audit_traces).toBeGreaterThan(0)
    expect(before.credentials).toBe(2)
    expect(await signed(s, created.access_key, '/v3/projects')).toBe(200)
    const others = await rowsOf(s, s.account.id)

    const res = await op('DELETE', `${ACCOUNTS}/${id}`)
    expect(res.status, res.text).toBe(204)
    expect(res.text).toBe('')
    expect(Object.values(await rowsOf(s, id)).every((n) => n === 0), JSON.stringify(await rowsOf(s, id))).toBe(true)
    expect(await rowsOf(s, s.account.id)).toEqual(others)
    const stale = await call(`${s.url}/v3/projects`, { token })
    expect({ status: stale.status, body: stale.body }).toEqual({ status: 401, body: iamError(401, 'Unauthorized', 'The request you have made requires authentication.') })
    expect(await signed(s, created.access_key, '/v3/projects')).toBe(401)
    expect((await op('GET', ACCOUNTS)).body.accounts.map((a: { id: string }) => a.id)).not.toContain(id)

    const again = await op('DELETE', `${ACCOUNTS}/${id}`)
    expect({ status: again.status, body: again.body }).toEqual({ status: 404, body: iamError(404, 'Not Found', `Could not find account: ${id}.`) })
  })

  it("refuses to delete the caller's own account", async () => {
    const res = await op('DELETE', `${ACCOUNTS}/${s.account.id}`)
    expect({ status: res.status, body: res.body }).toEqual({
      status: 409,
      body: iamError(409, 'Conflict', `Account ${s.account.id} is the caller's own account and cannot be deleted; reset it instead (DELETE /_projectplane/state?account=${s.account.id}).`),
    })
  })
})

describe('operator API: accounts (keystone)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'keystone' }) })
  afterAll(() => s.close())

  it('creates a domain whose administrator holds admin on it; regions and access keys are the clouds\'', async () => {
    const token = await s.adminToken()
    const res = await call(`${s.url}${ACCOUNTS}`, { method: 'POST', token, body: { account: { name: 'tenant', admin: { name: 'boss', password: 'pw' } } } })
    expect(res.status, res.text).toBe(201)
    expect(res.body).toEqual({ account: { id: expect.stringMatching(HEX32), name: 'tenant' }, admin: { id: expect.stringMatching(HEX32), name: 'boss', password: 'pw' } })
    const boss = await tokenFor(s, 'boss', 'pw', 'tenant')
    const users = await call(`${s.url}/v3/users?domain_id=${res.body.account.id}`, { token: boss })
    expect(users.body.users.map((u: { name: string }) => u.name)).toEqual(['boss'])
    for (const [field, words] of [['regions', ['RegionOne']], ['access_key', true]] as const) {
      const refused = await call(`${s.url}${ACCOUNTS}`, { method: 'POST', token, body: { account: { name: `t-${field}`, [field]: words } } })
      const what = field === 'regions' ? 'has no system projects per region' : 'has no access keys (AK/SK)'
      expect({ status: refused.status, body: refused.body }).toEqual({ status: 400, body: iamError(400, 'Bad Request', `Invalid input for field 'account/${field}': the keystone flavour ${what}`) })
    }
    expect((await call(`${s.url}${ACCOUNTS}/${res.body.account.id}`, { method: 'DELETE', token })).status).toBe(204)
    expect((await call(`${s.url}/v3/users`, { token: boss })).status).toBe(401)
  })
})

describe.runIf(defaultTestDatabase() === 'postgres')('operator API: a deletion on one instance ends tokens and keys on another', () => {
  let one: TestServer
  let two: TestServer
  beforeAll(async () => {
    one = await startServer({ database: 'postgres' })
    two = await startServer({ schema: one.schema! })
  })
  afterAll(async () => { await two.close(); await one.close() })

  it('within a second', async () => {
    const operator = await one.adminToken()
    const created = (await call(`${one.url}${ACCOUNTS}`, { method: 'POST', token: operator, body: { account: { name: 'shared', access_key: true } } })).body
    const token = await tokenFor(two, 'admin', created.admin.password, 'shared')
    // Both callers are in the second instance's caches now.
    expect((await call(`${two.url}/v3/projects`, { token })).status).toBe(200)
    expect(await signed(two, created.access_key, '/v3/projects')).toBe(200)
    expect((await call(`${one.url}${ACCOUNTS}/${created.account.id}`, { method: 'DELETE', token: operator })).status).toBe(204)
    const deleted = Date.now()
    let tokenEnded: number | undefined
    let keyEnded: number | undefined
    while ((tokenEnded === undefined || keyEnded === undefined) && Date.now() - deleted < 3000) {
      if (tokenEnded === undefined && (await call(`${two.url}/v3/projects`, { token })).status === 401) tokenEnded = Date.now() - deleted
      if (keyEnded === undefined && await signed(two, created.access_key, '/v3/projects') === 401) keyEnded = Date.now() - deleted
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(tokenEnded).toBeLessThanOrEqual(1000)
    expect(keyEnded).toBeLessThanOrEqual(1000)
  })
})
