/**
 * The operator API's state over HTTP: `GET/PUT/DELETE /_projectplane/state`, whole and for one
 * account (`?account=`), on both stores. Exports equal the CLI's; an account's export imports
 * back over it; a reset leaves an account as new but for its administrator and the caller; and
 * a reset racing 20 writers leaves no half state (every row refers to rows that exist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { tokenFor } from '../helpers/fixtures.js'
import { exportState } from '../../src/state/export-state.js'

const STATE = '/_projectplane/state'
const ACCOUNTS = '/_projectplane/accounts'
const iamError = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const withoutTime = (doc: Record<string, unknown>) => ({ ...doc, exported_at: undefined })
const names = (list: { name: string }[]) => list.map((x) => x.name).sort()

describe('operator API: state', () => {
  let s: TestServer
  let operator: string
  const op = (method: string, path: string, body?: unknown, token = operator) => call(`${s.url}${path}`, { method, token, body })
  const newAccount = async (name: string) => {
    const created = (await op('POST', ACCOUNTS, { account: { name, access_key: true } })).body
    return { ...created, token: await tokenFor(s, 'admin', created.admin.password, name) }
  }
  const as = (token: string, method: string, path: string, body?: unknown) => call(`${s.url}${path}`, { method, token, body })

  beforeAll(async () => {
    s = await startServer()
    operator = await s.adminToken()
  })
  afterAll(() => s.close())

  it('exports the whole state as the CLI does, and one account with ?account=', async () => {
    const a = await newAccount('export-a')
    const whole = await op('GET', STATE)
    expect(whole.status).toBe(200)
    expect(withoutTime(whole.body)).toEqual(withoutTime(await exportState(s.server.db, { flavour: 'huaweicloud' }) as never))
    const one = await op('GET', `${STATE}?account=${a.account.id}`)
    expect(one.status).toBe(200)
    expect(one.body.accounts.map((x: { id: string }) => x.id)).toEqual([a.account.id])
    expect(one.body.accounts[0]).toEqual(whole.body.accounts.find((x: { id: string }) => x.id === a.account.id))
    const missing = await op('GET', `${STATE}?account=nope`)
    expect({ status: missing.status, body: missing.body }).toEqual({ status: 404, body: iamError(404, 'Not Found', 'Could not find account: nope.') })
    const typo = await op('GET', `${STATE}?acount=${a.account.id}`)
    expect(typo.status).toBe(400)
  })

  it("puts an account's snapshot back over it, leaving the other accounts alone", async () => {
    const a = await newAccount('snap-a')
    const b = await newAccount('snap-b')
    expect((await as(a.token, 'POST', '/v3/users', { user: { name: 'kept', password: 'Kept-Passw0rd!' } })).status).toBe(201)
    const snapshot = (await op('GET', `${STATE}?account=${a.account.id}`)).body
    expect((await as(a.token, 'POST', '/v3/users', { user: { name: 'later', password: 'Later-Passw0rd!' } })).status).toBe(201)
    expect((await as(b.token, 'POST', '/v3/users', { user: { name: 'b-user', password: 'B-user-Passw0rd!' } })).status).toBe(201)
    const bBefore = (await op('GET', `${STATE}?account=${b.account.id}`)).body.accounts

    const put = await op('PUT', `${STATE}?account=${a.account.id}`, snapshot)
    expect(put.status, put.text).toBe(200)
    expect(Object.keys(put.body)).toEqual(['imported'])
    expect(put.body.imported.accounts).toBe((await op('GET', ACCOUNTS)).body.accounts.length)
    const after = (await op('GET', `${STATE}?account=${a.account.id}`)).body
    expect(withoutTime(after)).toEqual(withoutTime(snapshot))
    expect((await op('GET', `${STATE}?account=${b.account.id}`)).body.accounts).toEqual(bBefore)
    // Sessions of the account issued before the import are over; its passwords and keys work.
    expect((await as(a.token, 'GET', '/v3/users')).status).toBe(401)
    const fresh = await tokenFor(s, 'admin', a.admin.password, 'snap-a')
    expect(names((await as(fresh, 'GET', '/v3/users')).body.users)).toEqual(['admin', 'kept'])
  })

  it('refuses a document that is not one account or not valid, naming every problem, and changes nothing', async () => {
    const a = await newAccount('bad-doc')
    const whole = (await op('GET', STATE)).body
    const two = await op('PUT', `${STATE}?account=${a.account.id}`, whole)
    expect(two.status).toBe(400)
    expect(two.body.error.message).toBe(`the state document has 1 problem:\n  accounts: an import of account '${a.account.id}' holds exactly that account, got ${whole.accounts.length}`)
    const doc = { format: 'projectplane-state', version: 1, flavour: 'huaweicloud', accounts: [{ name: 'bad-doc', users: [{ name: 'x', groups: ['nope'] }] }] }
    const bad = await op('PUT', `${STATE}?account=${a.account.id}`, doc)
    expect({ status: bad.status, body: bad.body }).toEqual({
      status: 400, body: iamError(400, 'Bad Request', "the state document has 1 problem:\n  accounts[0].users[0].groups[0]: no group 'nope' in account 'bad-doc'"),
    })
    expect((await as(a.token, 'GET', '/v3/users')).status).toBe(200)
  })

  it('resets one account to what a new account has, keeping its administrator, password, keys and sessions', async () => {
    const a = await newAccount('reset-a')
    const fresh = (await op('GET', `${STATE}?account=${a.account.id}`)).body
    const user = (await as(a.token, 'POST', '/v3/users', { user: { name: 'dev', password: 'Dev-Passw0rd!' } })).body.user.id
    const group = (await as(a.token, 'POST', '/v3/groups', { group: { name: 'devs' } })).body.group.id
    expect((await as(a.token, 'PUT', `/v3/groups/${group}/users/${user}`)).status).toBe(204)
    expect((await as(a.token, 'POST', '/v3/projects', { project: { name: 'cn-north-4_dev' } })).status).toBe(201)
    expect((await as(a.token, 'POST', '/v1.0/enterprise-projects', { name: 'team' })).status).toBe(201)
    const devToken = await tokenFor(s, 'dev', 'Dev-Passw0rd!', 'reset-a')

    const res = await op('DELETE', `${STATE}?account=${a.account.id}`)
    expect(res.status, res.text).toBe(204)
    expect(withoutTime((await op('GET', `${STATE}?account=${a.account.id}`)).body)).toEqual(withoutTime(fresh))
    expect((await as(a.token, 'GET', '/v3/users')).status).toBe(200)
    expect((await as(devToken, 'GET', '/v3/users')).status).toBe(401)
    const traces = await s.server.db.kysely.selectFrom('audit_traces').select('id').where('domain_id', '=', a.account.id).execute()
    expect(traces).toEqual([])
    const missing = await op('DELETE', `${STATE}?account=nope`)
    expect({ status: missing.status, body: missing.body }).toEqual({ status: 404, body: iamError(404, 'Not Found', 'Could not find account: nope.') })
  })

  it('replaces the whole state with a document', async () => {
    const before = (await op('GET', STATE)).body
    await newAccount('gone-after-put')
    const put = await op('PUT', STATE, before)
    expect(put.status, put.text).toBe(200)
    const operatorAgain = await s.adminToken()
    const after = (await call(`${s.url}${STATE}`, { token: operatorAgain })).body
    expect(withoutTime(after)).toEqual(withoutTime(before))
    operator = operatorAgain
  })

  it("resets the whole state: every other account goes, the caller's is new again and the caller stays", async () => {
    await newAccount('gone-after-reset')
    const res = await op('DELETE', STATE)
    expect(res.status, res.text).toBe(204)
    const listed = await op('GET', ACCOUNTS)
    expect(listed.status, listed.text).toBe(200)
    expect(listed.body.accounts.map((a: { id: string }) => a.id)).toEqual([s.account.id])
    const users = (await op('GET', '/v3/users')).body.users
    expect(names(users)).toEqual([s.adminUser])
  })

  it('keeps a reset whole while 20 writers race it: no row refers to a row that is gone', async () => {
    const a = await newAccount('race')
    const writers = Array.from({ length: 20 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 3))
      const created = await as(a.token, 'POST', '/v3/users', { user: { name: `w${i}`, password: 'Writer-Passw0rd!' } })
      if (created.status !== 201) return [created.status]
      const group = await as(a.token, 'POST', '/v3/groups', { group: { name: `g${i}` } })
      const joined = group.status === 201 ? (await as(a.token, 'PUT', `/v3/groups/${group.body.group.id}/users/${created.body.user.id}`)).status : group.status
      const key = await as(a.token, 'POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: created.body.user.id } })
      return [201, group.status, joined, key.status]
    })
    await new Promise((r) => setTimeout(r, 20))
    const reset = await op('DELETE', `${STATE}?account=${a.account.id}`)
    expect(reset.status, reset.text).toBe(204)
    const statuses = (await Promise.all(writers)).flat()
    // Each write happened before the reset (and went with it) or after it; none failed otherwise.
    expect(statuses.filter((x) => ![200, 201, 204, 404].includes(x))).toEqual([])
    const x = s.server.db.kysely
    const orphans = {
      memberships: await x.selectFrom('group_members').select('user_id').where((eb) => eb.or([
        eb('user_id', 'not in', eb.selectFrom('users').select('id')), eb('group_id', 'not in', eb.selectFrom('user_groups').select('id')),
      ])).execute(),
      credentials: await x.selectFrom('credentials').select('access').where('user_id', 'not in', x.selectFrom('users').select('id')).execute(),
      userGrants: await x.selectFrom('role_assignments').select('actor_id').where('actor_type', '=', 'user').where('actor_id', 'not in', x.selectFrom('users').select('id')).execute(),
      groupGrants: await x.selectFrom('role_assignments').select('actor_id').where('actor_type', '=', 'group').where('actor_id', 'not in', x.selectFrom('user_groups').select('id')).execute(),
    }
    expect(orphans).toEqual({ memberships: [], credentials: [], userGrants: [], groupGrants: [] })
    // The account holds what was written after the reset, whole: every user there has its key.
    const users = await x.selectFrom('users').select('id').where('domain_id', '=', a.account.id).where('name', 'like', 'w%').execute()
    for (const user of users) {
      const keys = await x.selectFrom('credentials').select('access').where('user_id', '=', user.id).execute()
      expect(keys.length).toBeLessThanOrEqual(1)
    }
  })
})
