/**
 * Huawei's user API (`/v3.0/OS-USER/users`) over HTTP and through the unmodified Huawei SDK:
 * create, show, the administrator's update, one's own `/info` (HWC only); its flat errors with
 * the numbered codes of spec §8; the profile read back on show and the clouds' fields on
 * `/v3/users`; the audit trail of each change, never with a password in it. OTC as its docs
 * have it; Keystone has none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { tokenFor } from '../helpers/fixtures.js'
import type { FlavourName } from '../../src/flavours.js'
import { globalCredentials, iam, iamClient } from '../helpers/huawei-sdk.js'

const PASSWORD = 'User-Passw0rd!'
const HEX32 = /^[0-9a-f]{32}$/
/** The show form of a time: `2020-07-08 02:19:03.0`. */
const JAVA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{1,3}$/
const flat = (code: string, msg: string) => ({ error_msg: msg, error_code: code })

describe('OS-USER users (huaweicloud)', () => {
  let s: TestServer
  let token: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token, ...init })
  const create = (user: Record<string, unknown>) => api('/v3.0/OS-USER/users', { method: 'POST', body: { user: { domain_id: s.account.id, ...user } } })

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
  })
  afterAll(() => s.close())

  it('POST creates a user with its whole profile (201), and GET shows it back with its times', async () => {
    const res = await create({
      name: 'alice', password: PASSWORD, email: 'alice@example.com', areacode: '0086', phone: '13800000001',
      description: 'ops', access_mode: 'programmatic', xuser_type: 'TenantIdp', xuser_id: 'ext-1', enabled: true,
    })
    expect(res.status, res.text).toBe(201)
    expect(res.text).not.toContain(PASSWORD)
    const id = res.body.user.id
    expect(res.body).toEqual({
      user: {
        id: expect.stringMatching(HEX32), name: 'alice', domain_id: s.account.id, enabled: true, description: 'ops',
        pwd_status: true, access_mode: 'programmatic', email: 'alice@example.com', areacode: '0086', phone: '13800000001',
        xuser_id: 'ext-1', xuser_type: 'TenantIdp', is_domain_owner: false, xdomain_id: '', xdomain_type: '',
        create_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/),
      },
    })
    const shown = await api(`/v3.0/OS-USER/users/${id}`)
    expect(shown.status).toBe(200)
    expect(shown.body).toEqual({
      user: {
        id, name: 'alice', domain_id: s.account.id, enabled: true, description: 'ops', pwd_status: true, access_mode: 'programmatic',
        email: 'alice@example.com', areacode: '0086', phone: '13800000001', xuser_id: 'ext-1', xuser_type: 'TenantIdp',
        links: { self: `${s.url}/v3.0/OS-USER/users/${id}`, previous: null, next: null },
        is_domain_owner: false, pwd_strength: 'Strong', last_login_time: null,
        create_time: expect.stringMatching(JAVA_TIME), update_time: expect.stringMatching(JAVA_TIME),
        pwd_create_time: expect.stringMatching(JAVA_TIME), modify_pwd_time: expect.stringMatching(JAVA_TIME),
      },
    })
  })

  it('last_login_time is the last successful login; is_domain_owner marks the account\'s own administrator only', async () => {
    const bob = (await create({ name: 'bob', password: PASSWORD })).body.user
    expect((await api(`/v3.0/OS-USER/users/${bob.id}`)).body.user.last_login_time).toBeNull()
    // The right password with a scope bob may not use is no login: the token is refused and nothing is recorded.
    const refused = await tokenFor(s, 'bob', PASSWORD, s.account.name, { project: { id: 'f'.repeat(32) } }).catch((e: Error) => e.message)
    expect(refused).toMatch(/^token for bob: 401 /)
    expect((await api(`/v3.0/OS-USER/users/${bob.id}`)).body.user.last_login_time).toBeNull()
    await tokenFor(s, 'bob', PASSWORD, s.account.name)
    const after = (await api(`/v3.0/OS-USER/users/${bob.id}`)).body.user
    expect(after.last_login_time).toMatch(JAVA_TIME)
    const adminId = (await api('/v3/users?name=admin')).body.users[0].id
    const admin = (await api(`/v3.0/OS-USER/users/${adminId}`)).body.user
    expect(admin.is_domain_owner).toBe(true)
    expect(admin.last_login_time).toMatch(JAVA_TIME)
    // A user reads itself without any permission.
    const own = await api(`/v3.0/OS-USER/users/${bob.id}`, { token: await tokenFor(s, 'bob', PASSWORD, s.account.name) })
    expect(own.status).toBe(200)
  })

  it('refuses with the flat numbered errors of the API', async () => {
    await create({ name: 'carol', password: PASSWORD, email: 'carol@example.com', areacode: '0049', phone: '1555' })
    const cases: [Record<string, unknown>, unknown][] = [
      [{ name: 'carol' }, flat('1109', 'The username already exists.')],
      [{ name: 'c2', email: 'carol@example.com' }, flat('1110', 'The email address has already been used.')],
      [{ name: 'c3', areacode: '0049', phone: '1555' }, flat('1111', 'The mobile number has already been used.')],
      [{ name: 'c4', phone: '1556' }, flat('1106', 'The country code and mobile number must be set at the same time.')],
      [{ name: 'c5', password: 'short' }, flat('1103', 'Incorrect password.')],
      [{ name: 'c6', password: 'c6@example.com', email: 'c6@example.com' }, flat('1103', 'Incorrect password.')],
      [{ name: '1digit' }, flat('1101', 'Invalid username.')],
      [{ name: 'c7', email: 'not-an-address' }, flat('1102', 'Invalid email address.')],
      [{ name: 'c8', areacode: '0086', phone: '12a' }, flat('1104', 'Invalid mobile number.')],
      [{ name: 'c9', description: 'x'.repeat(256) }, flat('1117', 'Invalid user description.')],
      [{ name: 'c10', xuser_type: 'TenantIdp' }, flat('1100', 'Mandatory parameters are not specified.')],
      [{ name: 'c11', access_mode: 'everything' }, flat('IAM.0007', 'Request parameter access_mode is invalid.')],
    ]
    for (const [user, body] of cases) {
      const res = await create(user)
      expect([res.status, res.body], JSON.stringify(user)).toEqual([400, body])
    }
    await create({ name: 'x1', xuser_type: 'TenantIdp', xuser_id: 'same' })
    expect((await create({ name: 'x2', xuser_type: 'TenantIdp', xuser_id: 'same' })).body).toEqual(flat('1113', 'The values of xuser_id and xuser_type already exist.'))
    const elsewhere = await create({ name: 'c12', domain_id: '0'.repeat(32) })
    expect([elsewhere.status, elsewhere.body]).toEqual([403, flat('IAM.0002', `You are not authorized to perform the requested action: user/domain_id must be the account of the token (${s.account.id}).`)])
    const missing = await api(`/v3.0/OS-USER/users/${'f'.repeat(32)}`)
    expect([missing.status, missing.body]).toEqual([404, flat('IAM.0004', `Could not find user: ${'f'.repeat(32)}.`)])
    const noToken = await call(`${s.url}/v3.0/OS-USER/users/${'f'.repeat(32)}`, {})
    expect([noToken.status, noToken.body]).toEqual([401, flat('IAM.0001', 'The request you have made requires authentication.')])
    // The flat format changes the body only: the headers every IAM refusal carries are there too.
    expect(noToken.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(noToken.headers.get('www-authenticate')).toBe(`Keystone uri="${s.url}/v3"`)
    expect(noToken.headers.get('x-openstack-request-id')).toBe(`req-${noToken.headers.get('x-request-id')}`)
    expect(noToken.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
  })

  it('racing creations with one e-mail and one mobile number: exactly one of each wins, the rest get 1110 and 1111', async () => {
    const racers = Array.from({ length: 8 }, (_, i) => i)
    const byEmail = await Promise.all(racers.map((i) => create({ name: `race-mail-${i}`, email: 'race@example.com' })))
    expect(byEmail.filter((r) => r.status === 201)).toHaveLength(1)
    for (const r of byEmail.filter((r) => r.status !== 201)) expect([r.status, r.body]).toEqual([400, flat('1110', 'The email address has already been used.')])
    const byPhone = await Promise.all(racers.map((i) => create({ name: `race-phone-${i}`, areacode: '0049', phone: '1777' })))
    expect(byPhone.filter((r) => r.status === 201)).toHaveLength(1)
    for (const r of byPhone.filter((r) => r.status !== 201)) expect([r.status, r.body]).toEqual([400, flat('1111', 'The mobile number has already been used.')])
    const holders = (await api('/v3/users')).body.users.filter((u: { name: string }) => u.name.startsWith('race-'))
    expect(holders).toHaveLength(2)
  })

  it('PUT updates the profile; a new password ends the user\'s sessions; the owner cannot be disabled; each change is traced without secrets', async () => {
    const dave = (await create({ name: 'dave', password: PASSWORD })).body.user
    const daveToken = await tokenFor(s, 'dave', PASSWORD, s.account.name)
    const same = await api(`/v3.0/OS-USER/users/${dave.id}`, { method: 'PUT', body: { user: { password: PASSWORD } } })
    expect([same.status, same.body]).toEqual([400, flat('1108', 'The new password must be different from the old password.')])
    const res = await api(`/v3.0/OS-USER/users/${dave.id}`, {
      method: 'PUT', body: { user: { name: 'dave2', password: 'Otherpass12', email: 'dave@example.com', areacode: '0031', phone: '612', pwd_status: false, access_mode: 'console', description: 'moved' } },
    })
    expect(res.status, res.text).toBe(200)
    expect(res.body).toEqual({
      user: {
        id: dave.id, name: 'dave2', domain_id: s.account.id, enabled: true, description: 'moved', pwd_status: false, access_mode: 'console',
        email: 'dave@example.com', areacode: '0031', phone: '612', xuser_id: '', xuser_type: '', links: { self: `${s.url}/v3.0/OS-USER/users/${dave.id}` },
        is_domain_owner: false, xdomain_id: '', xdomain_type: '', create_time: dave.create_time,
      },
    })
    expect((await api(`/v3.0/OS-USER/users/${dave.id}`)).body.user.pwd_strength).toBe('Medium')
    expect((await call(`${s.url}/v3/auth/tokens`, { method: 'HEAD', token: daveToken, headers: { 'x-subject-token': daveToken } })).status).toBe(401)
    expect((await tokenFor(s, 'dave2', 'Otherpass12', s.account.name)).length).toBeGreaterThan(0)

    const adminId = (await api('/v3/users?name=admin')).body.users[0].id
    const owner = await api(`/v3.0/OS-USER/users/${adminId}`, { method: 'PUT', body: { user: { enabled: false } } })
    expect([owner.status, owner.body]).toEqual([400, flat('IAM.0007', 'Request parameter enabled is invalid.')])

    const traces = await s.server.db.kysely.selectFrom('audit_traces').selectAll().where('resource_id', '=', dave.id).orderBy('id').execute()
    expect(traces.map((t) => t.trace_name)).toEqual(['createUser', 'updateUser'])
    const update = JSON.parse(traces[1]!.after_state!)
    expect(update).toMatchObject({ name: 'dave2', email: 'dave@example.com', areacode: '0031', phone: '612', access_mode: 'console', pwd_status: 0, pwd_strength: 'medium' })
    for (const t of traces) {
      expect(t.after_state).not.toContain('password_hash')
      expect(`${t.before_state}${t.after_state}`).not.toContain('Otherpass12')
    }
  })

  it('PUT …/info changes one\'s own e-mail and mobile (204), for oneself only', async () => {
    const erin = (await create({ name: 'erin', password: PASSWORD })).body.user
    const own = await tokenFor(s, 'erin', PASSWORD, s.account.name)
    const res = await api(`/v3.0/OS-USER/users/${erin.id}/info`, { method: 'PUT', token: own, body: { user: { email: 'erin@example.com', mobile: '0086-13900000000' } } })
    expect([res.status, res.text]).toEqual([204, ''])
    expect((await api(`/v3.0/OS-USER/users/${erin.id}`)).body.user).toMatchObject({ email: 'erin@example.com', areacode: '0086', phone: '13900000000' })
    const empty = await api(`/v3.0/OS-USER/users/${erin.id}/info`, { method: 'PUT', token: own, body: { user: {} } })
    expect([empty.status, empty.body]).toEqual([400, flat('1100', 'Mandatory parameters are not specified.')])
    const bad = await api(`/v3.0/OS-USER/users/${erin.id}/info`, { method: 'PUT', token: own, body: { user: { mobile: '13900000000' } } })
    expect([bad.status, bad.body]).toEqual([400, flat('1104', 'Invalid mobile number.')])
    const other = await api(`/v3.0/OS-USER/users/${erin.id}/info`, { method: 'PUT', body: { user: { email: 'x@example.com' } } })
    expect([other.status, other.body]).toEqual([403, flat('IAM.0002', 'You are not authorized to perform the requested action: identity:update_user_information.')])
    const trace = await s.server.db.kysely.selectFrom('audit_traces').select('trace_name').where('resource_id', '=', erin.id).where('trace_name', '=', 'updateUserInformation').execute()
    expect(trace).toHaveLength(1)
  })

  it('/v3/users carries the clouds\' fields: pwd_status and access_mode, and pwd_strength in the list', async () => {
    const frank = (await create({ name: 'frank', password: PASSWORD, pwd_status: false })).body.user
    const shown = (await api(`/v3/users/${frank.id}`)).body.user
    expect(shown).toMatchObject({ pwd_status: false, access_mode: 'default' })
    expect(shown).not.toHaveProperty('pwd_strength')
    const listed = (await api('/v3/users?name=frank')).body.users[0]
    expect(listed).toMatchObject({ pwd_status: false, access_mode: 'default', pwd_strength: 'high' })
    expect(listed).not.toHaveProperty('is_domain_owner')
    // keystoneUpdateUserByAdmin may carry pwd_status: the flag, not an extra attribute.
    const patched = await api(`/v3/users/${frank.id}`, { method: 'PATCH', body: { user: { pwd_status: true } } })
    expect(patched.status).toBe(200)
    expect(patched.body.user.pwd_status).toBe(true)
    expect((await api(`/v3.0/OS-USER/users/${frank.id}`)).body.user.pwd_status).toBe(true)
    const bad = await api(`/v3/users/${frank.id}`, { method: 'PATCH', body: { user: { pwd_status: 'yes' } } })
    expect([bad.status, bad.body.error.message]).toEqual([400, `Invalid input for field 'user/pwd_status': "yes" is not of type 'boolean'`])

    // last_project_id: absent until the user logs in to a project, then that project.
    expect(shown).not.toHaveProperty('last_project_id')
    const project = (await api('/v3/projects?name=cn-north-4')).body.projects[0].id
    await tokenFor(s, 'frank', PASSWORD, s.account.name, { project: { id: project } })
    expect((await api(`/v3/users/${frank.id}`)).body.user.last_project_id).toBe(project)
    await tokenFor(s, 'frank', PASSWORD, s.account.name)
    expect((await api(`/v3/users/${frank.id}`)).body.user.last_project_id).toBe(project)
  })

  it('through the unmodified SDK: createUser, showUser, updateUser, updateUserInformation parse into their models', async () => {
    const adminId = (await api('/v3/users?name=admin')).body.users[0].id
    const ak = (await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: adminId } } })).body.credential
    const client = iamClient(globalCredentials({ access: ak.access, secret: ak.secret }, s.account.id), s.url)
    const option = new iam.CreateUserOption().withName('sdk-os').withDomainId(s.account.id).withPassword('Sdk-Passw0rd!').withEmail('sdk@example.com')
      .withAreacode('0086').withPhone('13700000000').withEnabled(true).withDescription('via SDK').withAccessMode('default').withPwdStatus(false)
    const created = await client.createUser(new iam.CreateUserRequest().withBody(new iam.CreateUserRequestBody().withUser(option)))
    expect(created.httpStatusCode).toBe(201)
    const u = created.user
    expect(u).toMatchObject({ name: 'sdk-os', domain_id: s.account.id, enabled: true, email: 'sdk@example.com', areacode: '0086', phone: '13700000000', description: 'via SDK', pwd_status: false, access_mode: 'default', is_domain_owner: false })
    for (const [field, type] of Object.entries({ id: 'string', name: 'string', domain_id: 'string', enabled: 'boolean', description: 'string', pwd_status: 'boolean', access_mode: 'string', email: 'string', areacode: 'string', phone: 'string', is_domain_owner: 'boolean', xuser_id: 'string', xuser_type: 'string', xdomain_id: 'string', xdomain_type: 'string', create_time: 'string' })) {
      expect(typeof u[field], field).toBe(type)
    }

    const shown = await client.showUser(new iam.ShowUserRequest().withUserId(u.id))
    expect(shown.httpStatusCode).toBe(200)
    for (const [field, type] of Object.entries({ id: 'string', name: 'string', domain_id: 'string', enabled: 'boolean', is_domain_owner: 'boolean', access_mode: 'string', description: 'string', email: 'string', areacode: 'string', phone: 'string', pwd_status: 'boolean', pwd_strength: 'string', create_time: 'string', update_time: 'string', xuser_id: 'string', xuser_type: 'string', links: 'object' })) {
      expect(typeof shown.user[field], field).toBe(type)
    }
    expect(shown.user.last_login_time).toBeNull()

    const update = new iam.UpdateUserOption().withDescription('updated via SDK').withEnabled(false)
    const updated = await client.updateUser(new iam.UpdateUserRequest().withUserId(u.id).withBody(new iam.UpdateUserRequestBody().withUser(update)))
    expect(updated.httpStatusCode).toBe(200)
    expect(updated.user).toMatchObject({ id: u.id, description: 'updated via SDK', enabled: false, links: { self: `${s.url}/v3.0/OS-USER/users/${u.id}` } })
    expect((await api(`/v3.0/OS-USER/users/${u.id}`)).body.user).toMatchObject({ description: 'updated via SDK', enabled: false })

    // The Keystone user APIs carry the clouds' fields too (KeystoneShowUserResult, KeystoneUpdateUserByAdminResult).
    const ksOption = new iam.KeystoneUpdateUserOption().withPwdStatus(true)
    const ks = await client.keystoneUpdateUserByAdmin(new iam.KeystoneUpdateUserByAdminRequest().withUserId(u.id).withBody(new iam.KeystoneUpdateUserByAdminRequestBody(ksOption)))
    expect(ks.httpStatusCode).toBe(200)
    expect(ks.user).toMatchObject({ id: u.id, pwd_status: true, password_expires_at: null, description: 'updated via SDK' })
    const ksShown = await client.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(u.id))
    for (const [field, type] of Object.entries({ id: 'string', name: 'string', domain_id: 'string', enabled: 'boolean', description: 'string', pwd_status: 'boolean', access_mode: 'string', links: 'object' })) {
      expect(typeof ksShown.user[field], field).toBe(type)
    }

    // One's own information, signed with one's own key.
    await api(`/v3.0/OS-USER/users/${u.id}`, { method: 'PUT', body: { user: { enabled: true } } })
    const ownKey = (await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: u.id } } })).body.credential
    const own = iamClient(globalCredentials({ access: ownKey.access, secret: ownKey.secret }, s.account.id), s.url)
    const info = new iam.UpdateUserInformationOption().withEmail('sdk2@example.com').withMobile('0086-13600000000')
    const res = await own.updateUserInformation(new iam.UpdateUserInformationRequest().withUserId(u.id).withBody(new iam.UpdateUserInformationRequestBody().withUser(info)))
    expect(res.httpStatusCode).toBe(204)
    expect((await api(`/v3.0/OS-USER/users/${u.id}`)).body.user).toMatchObject({ email: 'sdk2@example.com', areacode: '0086', phone: '13600000000' })

    // The SDK reads our flat errors.
    const failure = await client.createUser(new iam.CreateUserRequest().withBody(new iam.CreateUserRequestBody().withUser(new iam.CreateUserOption().withName('sdk-os').withDomainId(s.account.id))))
      .then(() => undefined, (e: unknown) => e)
    expect(failure).toMatchObject({ httpStatusCode: 400, errorCode: '1109', errorMsg: 'The username already exists.' })
  })
})

/** A server of the flavour for the describe block, with its administrator's token. */
function serverOf(flavour: FlavourName, env?: Record<string, string>): { s: TestServer; token: string } {
  const h = {} as { s: TestServer; token: string }
  beforeAll(async () => {
    h.s = await startServer({ flavour, env })
    h.token = await h.s.adminToken()
  })
  afterAll(() => h.s.close())
  return h
}

describe('OS-USER users (opentelekomcloud)', () => {
  // Four users: the administrator and the three below.
  const h = serverOf('opentelekomcloud', { IAM_QUOTAS: 'user=4' })

  it('pwd_status defaults to whether a password is given; strength words are OTC\'s; no /info', async () => {
    const { s, token } = h
    const post = (user: Record<string, unknown>) => call(`${s.url}/v3.0/OS-USER/users`, { method: 'POST', token, body: { user: { domain_id: s.account.id, ...user } } })
    const withPw = (await post({ name: 'o1', password: 'Otcpass12' })).body.user
    const without = (await post({ name: 'o2' })).body.user
    expect([withPw.pwd_status, without.pwd_status]).toEqual([true, false])
    expect((await call(`${s.url}/v3.0/OS-USER/users/${withPw.id}`, { token })).body.user.pwd_strength).toBe('Middle')
    expect((await call(`${s.url}/v3.0/OS-USER/users/${without.id}`, { token })).body.user.pwd_strength).toBe('None')
    expect((await call(`${s.url}/v3/users/${withPw.id}`, { token })).body.user.pwd_strength).toBe('mid')
    await post({ name: 'o3' })
    const over = await post({ name: 'o4' })
    expect([over.status, over.body]).toEqual([400, { error_msg: 'The number of IAM users has reached the maximum allowed limit.', error_code: '1115' }])
    const info = await call(`${s.url}/v3.0/OS-USER/users/${withPw.id}/info`, { method: 'PUT', token, body: { user: { email: 'a@example.com' } } })
    expect(info.status).toBe(404)
  })
})

describe('OS-USER users (keystone)', () => {
  const h = serverOf('keystone')

  it('has no OS-USER routes, and its user body stays Keystone\'s', async () => {
    const { s, token } = h
    const res = await call(`${s.url}/v3.0/OS-USER/users`, { method: 'POST', token, body: { user: { name: 'k' } } })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: { code: 404, title: 'Not Found', message: expect.any(String) } })
    const user = (await call(`${s.url}/v3/users`, { method: 'POST', token, body: { user: { name: 'k1', password: 'k' } } })).body.user
    expect(Object.keys(user).sort()).toEqual(['domain_id', 'enabled', 'id', 'links', 'name', 'options', 'password_expires_at'])
  })
})
