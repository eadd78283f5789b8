/**
 * /v3/users and /v3/groups over HTTP: create, list with filters, show, update, delete, own
 * password change, membership; the password policy, lock-out, and every way a token dies
 * (disable, password change, group change, delete). Another account sees none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'

const PASSWORD = 'User-Passw0rd!'
const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })

describe('users and groups (huaweicloud)', () => {
  let s: TestServer
  let token: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
    call(`${s.url}${path}`, { token, ...init })
  const createUser = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await api('/v3/users', { method: 'POST', body: { user: { name, password: PASSWORD, ...extra } } })
    expect(res.status, res.text).toBe(201)
    return res.body.user as { id: string; name: string }
  }
  const userToken = (name: string, password = PASSWORD) => tokenFor(s, name, password, s.account.name)
  /** The token checking itself: 200 while it lives, 401 once it is dead. */
  const validates = async (subject: string) =>
    (await call(`${s.url}/v3/auth/tokens`, { method: 'HEAD', token: subject, headers: { 'x-subject-token': subject } })).status

  beforeAll(async () => {
    s = await startServer({ env: { LOGIN_LOCKOUT_ATTEMPTS: '3', LOGIN_LOCKOUT_WINDOW: '60', LOGIN_LOCKOUT_DURATION: '60' } })
    token = await s.adminToken()
  })
  afterAll(() => s.close())

  describe('users', () => {
    it('POST creates a user in the caller\'s account and never echoes the password', async () => {
      const res = await api('/v3/users', { method: 'POST', body: { user: { name: 'alice', password: PASSWORD, description: 'ops', email: 'a@example.com', enabled: true } } })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        user: {
          id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'alice', domain_id: s.account.id, enabled: true, password_expires_at: null,
          description: 'ops', email: 'a@example.com', links: { self: `${s.url}/v3/users/${res.body.user.id}` },
          // The clouds' additions (spec §3.5): a user created with a password changes it at first login.
          pwd_status: true, access_mode: 'default',
        },
      })
      expect(res.text).not.toContain(PASSWORD)
      const show = await api(`/v3/users/${res.body.user.id}`)
      expect(show.status).toBe(200)
      expect(show.body).toEqual(res.body)
    })

    it('refuses a taken name with 409 and a weak password with 400, naming the rule', async () => {
      await createUser('bob')
      const dup = await api('/v3/users', { method: 'POST', body: { user: { name: 'bob', password: PASSWORD } } })
      expect(dup.status).toBe(409)
      expect(dup.body).toEqual(error(409, 'Conflict', `Conflict occurred attempting to store user - Duplicate entry found with name bob at domain ID ${s.account.id}.`))
      const short = await api('/v3/users', { method: 'POST', body: { user: { name: 'carol', password: 'Ab1!' } } })
      expect(short.status).toBe(400)
      expect(short.body).toEqual(error(400, 'Bad Request', 'The password does not match the requirements: The password must be at least 8 characters long.'))
      const oneKind = await api('/v3/users', { method: 'POST', body: { user: { name: 'carol', password: 'abcdefghij' } } })
      expect(oneKind.body.error.message).toBe('The password does not match the requirements: The password must contain at least 2 of: lowercase letters, uppercase letters, digits and special characters.')
      const ownName = await api('/v3/users', { method: 'POST', body: { user: { name: 'Carol-2024', password: '4202-loraC' } } })
      expect(ownName.body.error.message).toBe('The password does not match the requirements: The password cannot be the user name or the user name spelled backwards.')
      expect((await api('/v3/users?name=carol')).body.users).toEqual([])
    })

    it('refuses a body without a name and one naming another account', async () => {
      const noName = await api('/v3/users', { method: 'POST', body: { user: { password: PASSWORD } } })
      expect(noName.status).toBe(400)
      expect(noName.body.error.message).toBe("Invalid input for field 'user': 'name' is a required property")
      const other = await api('/v3/users', { method: 'POST', body: { user: { name: 'mallory', domain_id: 'f'.repeat(32), password: PASSWORD } } })
      expect(other.status).toBe(403)
      expect(other.body).toEqual(error(403, 'Forbidden', `You are not authorized to perform the requested action: user/domain_id must be the account of the token (${s.account.id}).`))
    })

    it('GET /v3/users lists the account\'s users with name and enabled filters', async () => {
      await createUser('dave', { enabled: false })
      const all = await api('/v3/users')
      expect(all.status).toBe(200)
      expect(all.body.links).toEqual({ self: `${s.url}/v3/users`, previous: null, next: null })
      expect(all.body.users.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['admin', 'alice', 'bob', 'dave']))
      expect((await api('/v3/users?name=dave')).body.users.map((u: { name: string }) => u.name)).toEqual(['dave'])
      const disabled = (await api('/v3/users?enabled=false')).body.users.map((u: { name: string }) => u.name)
      expect(disabled).toEqual(['dave'])
      const badFilter = await api('/v3/users?enabled=maybe')
      expect(badFilter.status).toBe(400)
      expect(badFilter.body.error.message).toBe("Invalid input for field 'enabled': 'maybe' is not a boolean; use true or false")
    })

    it('PATCH updates fields, and disabling kills the user\'s tokens for good (also after re-enabling)', async () => {
      const erin = await createUser('erin')
      const erinToken = await userToken('erin')
      expect(await validates(erinToken)).toBe(200)
      const res = await api(`/v3/users/${erin.id}`, { method: 'PATCH', body: { user: { description: 'now on call', enabled: false } } })
      expect(res.status).toBe(200)
      expect(res.body.user).toMatchObject({ id: erin.id, name: 'erin', description: 'now on call', enabled: false })
      expect(await validates(erinToken)).toBe(401)
      const login = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'erin', password: PASSWORD, domain: { name: s.account.name } } } } } } })
      expect(login.status).toBe(401)
      await api(`/v3/users/${erin.id}`, { method: 'PATCH', body: { user: { enabled: true } } })
      expect(await validates(erinToken)).toBe(401)
      expect(await validates(await userToken('erin'))).toBe(200)
    })

    it('PATCH refuses an empty body, a taken name and moving the user to another account', async () => {
      const frank = await createUser('frank')
      const empty = await api(`/v3/users/${frank.id}`, { method: 'PATCH', body: { user: {} } })
      expect(empty.status).toBe(400)
      const taken = await api(`/v3/users/${frank.id}`, { method: 'PATCH', body: { user: { name: 'bob' } } })
      expect(taken.status).toBe(409)
      const move = await api(`/v3/users/${frank.id}`, { method: 'PATCH', body: { user: { domain_id: 'f'.repeat(32) } } })
      expect(move.status).toBe(400)
      expect(move.body.error.message).toBe("Invalid input for field 'user/domain_id': a user cannot move to another account")
    })

    it('an administrator resetting a password ends the user\'s sessions', async () => {
      const gina = await createUser('gina')
      const old = await userToken('gina')
      const res = await api(`/v3/users/${gina.id}`, { method: 'PATCH', body: { user: { password: 'Reset-Passw0rd!' } } })
      expect(res.status).toBe(200)
      expect(await validates(old)).toBe(401)
      expect(await validates(await userToken('gina', 'Reset-Passw0rd!'))).toBe(200)
    })

    it('POST /v3/users/{id}/password: the user changes its own password with the old one; its old tokens die', async () => {
      const hank = await createUser('hank')
      const hankToken = await userToken('hank')
      const change = (body: unknown, as = hankToken, id = hank.id) => call(`${s.url}/v3/users/${id}/password`, { method: 'POST', token: as, body })
      const wrong = await change({ user: { original_password: 'Not-His-0ne!', password: 'New-Passw0rd!' } })
      expect(wrong.status).toBe(401)
      expect(wrong.body).toEqual(error(401, 'Unauthorized', 'The request you have made requires authentication.'))
      const weak = await change({ user: { original_password: PASSWORD, password: 'weak' } })
      expect(weak.status).toBe(400)
      const same = await change({ user: { original_password: PASSWORD, password: PASSWORD } })
      expect(same.body.error.message).toBe('Password validation error: The new password must be different from the old password.')
      const bob = (await api('/v3/users?name=bob')).body.users[0]
      const forSomeoneElse = await change({ user: { original_password: PASSWORD, password: 'New-Passw0rd!' } }, hankToken, bob.id)
      expect(forSomeoneElse.status).toBe(403)
      expect(forSomeoneElse.body).toEqual(error(403, 'Forbidden', 'You are not authorized to perform the requested action: identity:change_password.'))
      const ok = await change({ user: { original_password: PASSWORD, password: 'New-Passw0rd!' } })
      expect(ok.status).toBe(204)
      expect(ok.text).toBe('')
      expect(await validates(hankToken)).toBe(401)
      await expect(userToken('hank')).rejects.toThrow(/401/)
      expect(await validates(await userToken('hank', 'New-Passw0rd!'))).toBe(200)
    })

    it('DELETE removes the user, its memberships and its tokens; a second DELETE is 404', async () => {
      const ivan = await createUser('ivan')
      const ivanToken = await userToken('ivan')
      const group = (await api('/v3/groups', { method: 'POST', body: { group: { name: 'ivan-team' } } })).body.group
      expect((await api(`/v3/groups/${group.id}/users/${ivan.id}`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`/v3/users/${ivan.id}`, { method: 'DELETE' })).status).toBe(204)
      expect(await validates(ivanToken)).toBe(401)
      const again = await api(`/v3/users/${ivan.id}`, { method: 'DELETE' })
      expect(again.status).toBe(404)
      expect(again.body).toEqual(error(404, 'Not Found', `Could not find user: ${ivan.id}.`))
      expect((await api(`/v3/groups/${group.id}/users`)).body.users).toEqual([])
    })

    it('a user sees itself but may not list or manage others', async () => {
      const judy = await createUser('judy')
      const judyToken = await userToken('judy')
      const self = await call(`${s.url}/v3/users/${judy.id}`, { token: judyToken })
      expect(self.status).toBe(200)
      expect(self.body.user.name).toBe('judy')
      const list = await call(`${s.url}/v3/users`, { token: judyToken })
      expect(list.status).toBe(403)
      expect(list.body).toEqual(error(403, 'Forbidden', 'You are not authorized to perform the requested action: identity:list_users.'))
      const create = await call(`${s.url}/v3/users`, { method: 'POST', token: judyToken, body: { user: { name: 'judy2', password: PASSWORD } } })
      expect(create.status).toBe(403)
      expect((await call(`${s.url}/v3/users/${judy.id}/groups`, { token: judyToken })).status).toBe(200)
    })
  })

  describe('lock-out', () => {
    it('locks the user after the configured failures in the window, even for the right password, and says so', async () => {
      await createUser('kate')
      const attempt = (password: string) => call(`${s.url}/v3/auth/tokens`, {
        method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'kate', password, domain: { name: s.account.name } } } } } },
      })
      expect((await attempt('Wrong-Passw0rd1')).body).toEqual(error(401, 'Unauthorized', 'The request you have made requires authentication.'))
      expect((await attempt('Wrong-Passw0rd2')).status).toBe(401)
      const third = await attempt('Wrong-Passw0rd3')
      expect(third.status).toBe(401)
      expect(third.body).toEqual(error(401, 'Unauthorized', 'The account is locked.'))
      const right = await attempt(PASSWORD)
      expect(right.status).toBe(401)
      expect(right.body).toEqual(error(401, 'Unauthorized', 'The account is locked.'))
    })

    it('counts failures that arrive at the same moment, so parallel guessing locks too', async () => {
      await createUser('liam')
      const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => call(`${s.url}/v3/auth/tokens`, {
        method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'liam', password: `Wrong-Passw0rd${i}`, domain: { name: s.account.name } } } } } },
      })))
      expect(attempts.every((a) => a.status === 401)).toBe(true)
      await expect(userToken('liam')).rejects.toThrow(/The account is locked/)
    })

    it('a success before the limit starts the count again', async () => {
      await createUser('mia')
      const fail = () => userToken('mia', 'Wrong-Passw0rd!').catch(() => undefined)
      await fail(); await fail()
      await userToken('mia')
      await fail(); await fail()
      expect(await validates(await userToken('mia'))).toBe(200)
    })
  })

  describe('groups', () => {
    it('POST, GET, PATCH, DELETE a group with Keystone bodies', async () => {
      const created = await api('/v3/groups', { method: 'POST', body: { group: { name: 'ops', description: 'operators' } } })
      expect(created.status).toBe(201)
      const id = created.body.group.id
      expect(created.body).toEqual({
        group: {
          id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'ops', domain_id: s.account.id, description: 'operators',
          links: { self: `${s.url}/v3/groups/${id}` }, create_time: expect.any(Number),
        },
      })
      expect(Math.abs(created.body.group.create_time - Date.now())).toBeLessThan(60_000)
      expect((await api(`/v3/groups/${id}`)).body).toEqual(created.body)
      const dup = await api('/v3/groups', { method: 'POST', body: { group: { name: 'ops' } } })
      expect(dup.status).toBe(409)
      expect(dup.body).toEqual(error(409, 'Conflict', `Conflict occurred attempting to store group - Duplicate entry found with name ops at domain ID ${s.account.id}.`))
      const renamed = await api(`/v3/groups/${id}`, { method: 'PATCH', body: { group: { name: 'operators', description: null } } })
      expect(renamed.status).toBe(200)
      expect(renamed.body.group).toMatchObject({ id, name: 'operators', description: '' })
      expect((await api('/v3/groups?name=operators')).body.groups.map((g: { id: string }) => g.id)).toEqual([id])
      expect((await api(`/v3/groups/${id}`, { method: 'DELETE' })).status).toBe(204)
      expect((await api(`/v3/groups/${id}`)).body).toEqual(error(404, 'Not Found', `Could not find group: ${id}.`))
    })

    it('the built-in admin group cannot be deleted or renamed', async () => {
      const admin = (await api('/v3/groups?name=admin')).body.groups[0]
      const del = await api(`/v3/groups/${admin.id}`, { method: 'DELETE' })
      expect(del.status).toBe(403)
      expect(del.body).toEqual(error(403, 'Forbidden', "You are not authorized to perform the requested action: the built-in group 'admin' cannot be deleted."))
      expect((await api(`/v3/groups/${admin.id}`, { method: 'PATCH', body: { group: { name: 'root' } } })).status).toBe(403)
    })

    it('membership: PUT adds, HEAD checks, GET lists both ways, DELETE removes; each change ends the member\'s tokens', async () => {
      const nina = await createUser('nina')
      const group = (await api('/v3/groups', { method: 'POST', body: { group: { name: 'dev' } } })).body.group
      const before = await userToken('nina')
      expect((await api(`/v3/groups/${group.id}/users/${nina.id}`, { method: 'HEAD' })).status).toBe(404)
      expect((await api(`/v3/groups/${group.id}/users/${nina.id}`, { method: 'PUT' })).status).toBe(204)
      expect(await validates(before)).toBe(401)
      expect((await api(`/v3/groups/${group.id}/users/${nina.id}`, { method: 'HEAD' })).status).toBe(204)
      expect((await api(`/v3/groups/${group.id}/users`)).body.users.map((u: { id: string }) => u.id)).toEqual([nina.id])
      expect((await api(`/v3/users/${nina.id}/groups`)).body.groups.map((g: { id: string }) => g.id)).toEqual([group.id])
      const during = await userToken('nina')
      expect((await api(`/v3/groups/${group.id}/users/${nina.id}`, { method: 'DELETE' })).status).toBe(204)
      expect(await validates(during)).toBe(401)
      const again = await api(`/v3/groups/${group.id}/users/${nina.id}`, { method: 'DELETE' })
      expect(again.status).toBe(404)
      expect(again.body).toEqual(error(404, 'Not Found', `User '${nina.id}' not found in group '${group.id}'`))
    })

    it('joining the admin group makes a user an administrator (with a new token)', async () => {
      const oscar = await createUser('oscar')
      const admin = (await api('/v3/groups?name=admin')).body.groups[0]
      expect((await call(`${s.url}/v3/users`, { token: await userToken('oscar') })).status).toBe(403)
      await api(`/v3/groups/${admin.id}/users/${oscar.id}`, { method: 'PUT' })
      expect((await call(`${s.url}/v3/users`, { token: await userToken('oscar') })).status).toBe(200)
    })
  })

  describe('isolation between accounts', () => {
    it("another account's administrator finds none of this account's users or groups", async () => {
      const other = await createAccount(s, 'other-account', PASSWORD)
      const otherToken = await tokenFor(s, 'admin', PASSWORD, other.name)
      const alice = (await api('/v3/users?name=alice')).body.users[0]
      const group = (await api('/v3/groups', { method: 'POST', body: { group: { name: 'secret-team' } } })).body.group
      const as = (path: string, method = 'GET', body?: unknown) => call(`${s.url}${path}`, { method, token: otherToken, body })
      expect((await as(`/v3/users/${alice.id}`)).body).toEqual(error(404, 'Not Found', `Could not find user: ${alice.id}.`))
      expect((await as(`/v3/users/${alice.id}`, 'PATCH', { user: { enabled: false } })).status).toBe(404)
      expect((await as(`/v3/users/${alice.id}`, 'DELETE')).status).toBe(404)
      expect((await as(`/v3/users/${alice.id}/groups`)).status).toBe(404)
      expect((await as(`/v3/groups/${group.id}`)).status).toBe(404)
      expect((await as(`/v3/groups/${group.id}/users`)).status).toBe(404)
      expect((await as(`/v3/groups/${group.id}/users/${alice.id}`, 'PUT')).status).toBe(404)
      expect((await as(`/v3/users?domain_id=${s.account.id}`)).body.users).toEqual([])
      expect((await as(`/v3/groups?domain_id=${s.account.id}`)).body.groups).toEqual([])
      const names = (await as('/v3/users')).body.users.map((u: { name: string }) => u.name)
      expect(names).toEqual(['admin'])
      // Nothing changed here.
      expect((await api(`/v3/users/${alice.id}`)).body.user.enabled).toBe(true)
    })
  })
})
