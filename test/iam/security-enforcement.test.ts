/**
 * Where each account security setting bites, and where it must not (spec iam-security.md,
 * enforcement summary), over HTTP on a clock the test moves: the password policy on creation,
 * admin reset and self change (history, minimum age, expiry that leaves the token API alone); the
 * login policy's lock-out and account validity period (the session timeout leaves tokens alone);
 * the `allow_user` self-service switches; the API ACL on token and AK/SK calls (the password
 * token request, the owner on Huawei Cloud, trusted proxies), and that the console ACL and
 * operation protection have no API effect. Runs on SQLite and on PostgreSQL (vitest projects).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createPlainUser, tokenFor } from '../helpers/fixtures.js'
import { signRequest, type AccessKey } from '../helpers/huawei-sdk.js'

const PASSWORD = 'Enforce-Passw0rd!'
const MINUTE = 60_000
const DAY = 1440 * MINUTE
const ks = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const flat = (code: string, message: string) => ({ error_msg: message, error_code: code })

/** A clock the test moves; the server reads it for every time it stores or compares. */
function testClock() {
  let now = Date.now()
  return { now: () => now, advance: (ms: number) => { now += ms } }
}

describe('account security enforcement (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  const clock = testClock()
  let counter = 0
  const unique = (prefix: string) => `${prefix}${++counter}`
  const policyPath = (name: string) => `${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}/${name}`
  const setPolicy = async (name: string, body: unknown) => {
    // A fresh token: the clock may have moved past the last one's day.
    admin = await s.adminToken()
    const res = await call(policyPath(name), { method: 'PUT', token: admin, body })
    expect(res.status, res.text).toBe(200)
    return res.body
  }
  const signIn = (name: string, password: string) => call(`${s.url}/v3/auth/tokens?nocatalog`, {
    method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name, password, domain: { name: s.account.name } } } }, scope: { domain: { name: s.account.name } } } },
  })
  const newUser = async (password = PASSWORD) => {
    const name = unique('u')
    const res = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password } } })
    expect(res.status, res.text).toBe(201)
    return { id: res.body.user.id as string, name, token: async (pw = password) => (await signIn(name, pw)).headers.get('x-subject-token')! }
  }
  const selfChange = (id: string, token: string, original: string, password: string) =>
    call(`${s.url}/v3/users/${id}/password`, { method: 'POST', token, body: { user: { original_password: original, password } } })
  const adminReset = (id: string, password: string) => call(`${s.url}/v3/users/${id}`, { method: 'PATCH', token: admin, body: { user: { password } } })

  beforeAll(async () => {
    s = await startServer({ clock })
    admin = await s.adminToken()
  })
  afterAll(async () => { await s.close() })
  // Tests move the clock by days: the administrator's token would expire.
  beforeEach(async () => { admin = await s.adminToken() })

  describe('password policy', () => {
    beforeEach(async () => {
      await setPolicy('password-policy', { password_policy: { minimum_password_length: 8, password_char_combination: 2, maximum_consecutive_identical_chars: 0, number_of_recent_passwords_disallowed: 1, minimum_password_age: 0, password_validity_period: 0, password_not_username_or_invert: true } })
    })

    it('length, kinds, runs, the name and contact data bite on creation, admin reset and self change (Keystone text on /v3, 1103 on OS-USER)', async () => {
      await setPolicy('password-policy', { password_policy: { minimum_password_length: 10, password_char_combination: 3, maximum_consecutive_identical_chars: 2 } })
      const weak = (detail: string) => ({ status: 400, body: ks(400, 'Bad Request', `The password does not match the requirements: ${detail}`) })
      const create = (name: string, password: string, email?: string) => call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password, ...(email ? { email } : {}) } } })
      expect(await create('shorty', 'Abc-12345')).toMatchObject(weak('The password must be at least 10 characters long.'))
      expect(await create('kinds', 'abcdefgh12')).toMatchObject(weak('The password must contain at least 3 of: lowercase letters, uppercase letters, digits and special characters.'))
      expect(await create('runs', 'Abc-1111234')).toMatchObject(weak('The password cannot repeat a character more than 2 times in a row.'))
      expect(await create('Abc-123456x', 'x654321-cbA')).toMatchObject(weak('The password cannot be the user name or the user name spelled backwards.'))
      expect(await create('mailer', 'Mail-me@example.com', 'me@example.com')).toMatchObject(weak('The password cannot contain the e-mail address or mobile number.'))
      expect(await create('spaced', 'Abc 1234567')).toMatchObject(weak('The password cannot contain spaces.'))
      expect(await create('toolong', `Abc-${'x1'.repeat(15)}`)).toMatchObject(weak('The password must be at most 32 characters long.'))
      const os = await call(`${s.url}/v3.0/OS-USER/users`, { method: 'POST', token: admin, body: { user: { name: 'osweak', domain_id: s.account.id, password: 'Abc-12345' } } })
      expect(os).toMatchObject({ status: 400, body: flat('1103', 'Incorrect password.') })
      // A user created before the policy tightened keeps its password and signs in; a new one must meet it.
      await setPolicy('password-policy', { password_policy: { minimum_password_length: 8, password_char_combination: 2, maximum_consecutive_identical_chars: 0 } })
      const old = await newUser('Old-pass1')
      await setPolicy('password-policy', { password_policy: { minimum_password_length: 12 } })
      expect((await signIn(old.name, 'Old-pass1')).status).toBe(201)
      expect(await adminReset(old.id, 'Short-pw1')).toMatchObject(weak('The password must be at least 12 characters long.'))
      expect(await selfChange(old.id, await old.token('Old-pass1'), 'Old-pass1', 'Short-pw2')).toMatchObject(weak('The password must be at least 12 characters long.'))
      expect((await selfChange(old.id, await old.token('Old-pass1'), 'Old-pass1', 'Long-enough-pw2')).status).toBe(204)
    })

    it('history: the last N passwords are refused (self change and admin reset; 1108/1118 on OS-USER); older ones come back', async () => {
      await setPolicy('password-policy', { password_policy: { number_of_recent_passwords_disallowed: 2 } })
      const u = await newUser('First-pass1')
      expect((await selfChange(u.id, await u.token('First-pass1'), 'First-pass1', 'Second-pass2')).status).toBe(204)
      const history = (n: number) => ({ status: 400, body: ks(400, 'Bad Request', `The new password cannot be identical to a previous password. The total number which includes the new password must be unique is ${n}.`) })
      expect(await selfChange(u.id, await u.token('Second-pass2'), 'Second-pass2', 'First-pass1')).toMatchObject(history(2))
      expect(await selfChange(u.id, await u.token('Second-pass2'), 'Second-pass2', 'Second-pass2'))
        .toMatchObject({ status: 400, body: ks(400, 'Bad Request', 'Password validation error: The new password must be different from the old password.') })
      expect(await adminReset(u.id, 'First-pass1')).toMatchObject(history(2))
      expect(await adminReset(u.id, 'Second-pass2')).toMatchObject(history(2))
      const osPut = (password: string) => call(`${s.url}/v3.0/OS-USER/users/${u.id}`, { method: 'PUT', token: admin, body: { user: { password } } })
      expect(await osPut('Second-pass2')).toMatchObject({ status: 400, body: flat('1108', 'The new password must be different from the old password.') })
      expect(await osPut('First-pass1')).toMatchObject({ status: 400, body: flat('1118', 'The password is weak.') })
      expect((await osPut('Third-pass3')).status).toBe(200)
      // Now First-pass1 is third from the top: allowed again with N = 2.
      expect((await adminReset(u.id, 'First-pass1')).status).toBe(200)
      expect((await signIn(u.name, 'First-pass1')).status).toBe(201)
    })

    it('minimum age: a self change waits the minutes out; an admin reset does not', async () => {
      await setPolicy('password-policy', { password_policy: { minimum_password_age: 30 } })
      const u = await newUser('Aged-pass1')
      const token = await u.token('Aged-pass1')
      const tooSoon = await selfChange(u.id, token, 'Aged-pass1', 'Aged-pass2')
      expect(tooSoon.status).toBe(400)
      expect(tooSoon.body.error.message).toBe('You cannot change your password at this time due to the minimum password age. Once you change your password, it must be used for 30 minute(s) before it can be changed. Please try again in 30 minute(s) or contact your administrator to reset your password.')
      expect((await adminReset(u.id, 'Aged-pass3')).status).toBe(200)
      clock.advance(31 * MINUTE)
      expect((await selfChange(u.id, await u.token('Aged-pass3'), 'Aged-pass3', 'Aged-pass4')).status).toBe(204)
    })

    it('validity period: password_expires_at for everyone at once, recomputed or cleared; the token API keeps answering 201 after expiry', async () => {
      const changedAt = clock.now()
      const u = await newUser('Valid-pass1')
      const shown = async () => (await call(`${s.url}/v3/users/${u.id}`, { token: admin })).body.user
      expect((await shown()).password_expires_at ?? null).toBeNull()
      await setPolicy('password-policy', { password_policy: { password_validity_period: 30 } })
      const expires = (await shown()).password_expires_at as string
      expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}/)
      expect(Date.parse(expires.replace(/Z?$/, 'Z')) - changedAt).toBe(30 * DAY)
      // A new password counts from its change.
      expect((await adminReset(u.id, 'Valid-pass2')).status).toBe(200)
      expect(Date.parse(((await shown()).password_expires_at as string).replace(/Z?$/, 'Z'))).toBe(clock.now() + 30 * DAY)
      clock.advance(31 * DAY)
      const late = await signIn(u.name, 'Valid-pass2')
      expect(late.status).toBe(201)
      expect(late.body.token.user.password_expires_at).toBeDefined()
      await setPolicy('password-policy', { password_policy: { password_validity_period: 0 } })
      expect((await shown()).password_expires_at ?? null).toBeNull()
    })
  })

  describe('login policy', () => {
    beforeEach(async () => {
      await setPolicy('login-policy', { login_policy: { login_failed_times: 5, period_with_login_failures: 15, lockout_duration: 15, account_validity_period: 0, session_timeout: 60 } })
    })

    it("locks after the account's failures within its window, refuses even the right password, and unlocks when the duration is over", async () => {
      await setPolicy('login-policy', { login_policy: { login_failed_times: 3, period_with_login_failures: 20, lockout_duration: 15 } })
      const u = await newUser()
      const locked = { status: 401, body: ks(401, 'Unauthorized', 'The account is locked.') }
      expect((await signIn(u.name, 'Wrong-pass1')).status).toBe(401)
      expect((await signIn(u.name, 'Wrong-pass1')).status).toBe(401)
      expect(await signIn(u.name, 'Wrong-pass1')).toMatchObject(locked)
      expect(await signIn(u.name, PASSWORD)).toMatchObject(locked)
      clock.advance(14 * MINUTE)
      expect(await signIn(u.name, PASSWORD)).toMatchObject(locked)
      clock.advance(2 * MINUTE)
      expect((await signIn(u.name, PASSWORD)).status).toBe(201)
    })

    it('failures spread wider than the window never lock; a wrong original password in a self change counts', async () => {
      await setPolicy('login-policy', { login_policy: { login_failed_times: 3, period_with_login_failures: 15 } })
      const u = await newUser()
      for (let i = 0; i < 4; i++) {
        expect((await signIn(u.name, 'Wrong-pass1')).status).toBe(401)
        expect((await signIn(u.name, 'Wrong-pass1')).status).toBe(401)
        clock.advance(16 * MINUTE)
      }
      const token = await u.token()
      expect(token).toBeTruthy()
      for (let i = 0; i < 3; i++) expect((await selfChange(u.id, token, 'Wrong-pass1', 'Newer-pass1')).status).toBe(401)
      expect(await signIn(u.name, PASSWORD)).toMatchObject({ status: 401, body: ks(401, 'Unauthorized', 'The account is locked.') })
    })

    it("the session timeout leaves tokens at the server's lifetime", async () => {
      await setPolicy('login-policy', { login_policy: { session_timeout: 15 } })
      const res = await signIn(s.adminUser, s.adminPassword)
      expect(Date.parse(res.body.token.expires_at) - Date.parse(res.body.token.issued_at)).toBe(DAY)
    })

    it('account validity period: an IAM user idle longer is disabled at its next sign-in; the owner never; re-enabled it signs in', async () => {
      const u = await newUser()
      const active = await newUser()
      await setPolicy('login-policy', { login_policy: { account_validity_period: 10 } })
      clock.advance(6 * DAY)
      expect((await signIn(active.name, PASSWORD)).status).toBe(201)
      clock.advance(6 * DAY)
      expect(await signIn(u.name, PASSWORD)).toMatchObject({ status: 401, body: ks(401, 'Unauthorized', 'The request you have made requires authentication.') })
      admin = await s.adminToken()
      expect((await call(`${s.url}/v3/users/${u.id}`, { token: admin })).body.user.enabled).toBe(false)
      expect((await signIn(active.name, PASSWORD)).status).toBe(201)
      expect((await signIn(s.adminUser, s.adminPassword)).status).toBe(201)
      admin = await s.adminToken()
      expect((await call(`${s.url}/v3/users/${u.id}`, { method: 'PATCH', token: admin, body: { user: { enabled: true } } })).status).toBe(200)
      // Re-enabled, it is idle still: the administrator's act does not count as its access.
      await setPolicy('login-policy', { login_policy: { account_validity_period: 0 } })
      expect((await signIn(u.name, PASSWORD)).status).toBe(201)
    })
  })

  it('account validity period: an AK/SK call is access too, so a user who only calls with keys is not idle', async () => {
    const u = await newUser()
    const key = (await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: u.id } } })).body.credential
    const accessKey: AccessKey = { access: key.access, secret: key.secret }
    await setPolicy('login-policy', { login_policy: { account_validity_period: 10 } })
    clock.advance(6 * DAY)
    // The SDK signs with the wall clock; the server checks against the moved one.
    vi.useFakeTimers({ toFake: ['Date'], now: clock.now() })
    const signed = signRequest({ endpoint: s.url, method: 'GET', path: '/v3/auth/projects', key: accessKey, domainId: s.account.id })
    vi.useRealTimers()
    expect((await fetch(signed.url, signed.init)).status).toBe(200)
    clock.advance(6 * DAY)
    expect((await signIn(u.name, PASSWORD)).status).toBe(201)
    await setPolicy('login-policy', { login_policy: { account_validity_period: 0 } })
  })

  describe('allow_user self-service switches', () => {
    afterAll(async () => {
      await setPolicy('protect-policy', { protect_policy: { operation_protection: true, allow_user: { manage_accesskey: true, manage_email: true, manage_mobile: true, manage_password: true } } })
    })

    it('switched off, a user may not change its own password, keys or e-mail (403 IAM.0002); administrators still may; what stays on works', async () => {
      const u = await newUser()
      const token = await u.token()
      await setPolicy('protect-policy', { protect_policy: { operation_protection: false, allow_user: { manage_password: false, manage_accesskey: false, manage_email: false, manage_mobile: true } } })
      const refused = { status: 403, body: flat('IAM.0002', 'You are not authorized to perform the requested action.') }
      expect(await selfChange(u.id, token, PASSWORD, 'Other-pass1')).toMatchObject(refused)
      expect(await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: u.id } } })).toMatchObject(refused)
      expect(await call(`${s.url}/v3.0/OS-USER/users/${u.id}/info`, { method: 'PUT', token, body: { user: { email: 'me@example.com' } } })).toMatchObject(refused)
      expect((await call(`${s.url}/v3.0/OS-USER/users/${u.id}/info`, { method: 'PUT', token, body: { user: { mobile: '0049-123456789' } } })).status).toBe(204)
      // The administrator acts for the user.
      expect((await adminReset(u.id, 'Admin-set-pw1')).status).toBe(200)
      const key = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: u.id } } })
      expect(key.status).toBe(201)
      // The administrator's own self-service is never switched off.
      const adminId = (await call(`${s.url}/v3/users?name=${s.adminUser}`, { token: admin })).body.users[0].id
      expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: adminId } } })).status).toBe(201)
      // Switched back on, the user manages itself again.
      await setPolicy('protect-policy', { protect_policy: { operation_protection: false, allow_user: { manage_password: true } } })
      expect((await selfChange(u.id, await u.token('Admin-set-pw1'), 'Admin-set-pw1', 'Users-own-pw1')).status).toBe(204)
    })
  })

  describe('ACLs', () => {
    const allowAll = { allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255' }] }
    afterAll(async () => {
      await setPolicy('api-acl-policy', { api_acl_policy: allowAll })
      await setPolicy('console-acl-policy', { console_acl_policy: allowAll })
    })

    it('API ACL: token and AK/SK calls of IAM users from outside are refused with APIGW.0302; the password token request and the owner pass', async () => {
      const u = await newUser()
      const userToken = await u.token()
      await setPolicy('api-acl-policy', { api_acl_policy: { allow_address_netmasks: [{ address_netmask: '10.0.0.0/8' }] } })
      const refusedBody = (res: { body: any }) => {
        expect(res.body).toEqual({ error_msg: 'The IAM user is not authorized to access the API.', error_code: 'APIGW.0302', request_id: expect.any(String) })
      }
      const byToken = await call(`${s.url}/v3/users/${u.id}`, { token: userToken })
      expect(byToken.status).toBe(403)
      refusedBody(byToken)
      // Another service's API is behind the same gateway.
      const eps = await call(`${s.url}/v1.0/enterprise-projects`, { token: userToken })
      expect(eps.status).toBe(403)
      refusedBody(eps)
      // The password token request is outside the ACL; the owner is exempt on Huawei Cloud.
      expect((await signIn(u.name, PASSWORD)).status).toBe(201)
      expect((await call(`${s.url}/v3/projects`, { token: admin })).status).toBe(200)
      // Allowed again from here (127.0.0.1), the user's calls work at once.
      await setPolicy('api-acl-policy', { api_acl_policy: { allow_address_netmasks: [{ address_netmask: '127.0.0.0/8' }] } })
      expect((await call(`${s.url}/v3/users/${u.id}`, { token: userToken })).status).toBe(200)
    })

    it('console ACL and operation protection have no API effect', async () => {
      const u = await newUser()
      await setPolicy('console-acl-policy', { console_acl_policy: { allow_address_netmasks: [{ address_netmask: '10.0.0.0/8' }] } })
      await setPolicy('protect-policy', { protect_policy: { operation_protection: true, admin_check: 'on', scene: 'email', email: 'guard@example.com' } })
      const token = await u.token()
      expect((await call(`${s.url}/v3/users/${u.id}`, { token })).status).toBe(200)
      expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: u.id } } })).status).toBe(201)
    })
  })
})

describe('API ACL on Open Telekom Cloud and behind a trusted proxy', () => {
  it('opentelekomcloud: the owner is subject to the ACL too', async () => {
    const s = await startServer({ flavour: 'opentelekomcloud' })
    try {
      const admin = await s.adminToken()
      const acl = `${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}/api-acl-policy`
      expect((await call(acl, { method: 'PUT', token: admin, body: { api_acl_policy: { allow_address_netmasks: [{ address_netmask: '10.0.0.0/8' }] } } })).status).toBe(200)
      const refused = await call(`${s.url}/v3/projects`, { token: admin })
      expect(refused.status).toBe(403)
      expect(refused.body.error_code).toBe('APIGW.0302')
      // The password token request still works, so the owner can never lock itself out of a fresh token; but only the ACL's addresses may use it.
      expect((await s.adminToken()).length).toBeGreaterThan(0)
    } finally {
      await s.close()
    }
  })

  it('AK/SK-signed calls of an IAM user from outside are refused as token calls are (a server on the real clock: signatures carry the time)', async () => {
    const s = await startServer()
    try {
      const admin = await s.adminToken()
      const userId = await createPlainUser(s, s.account.id, 'signer', PASSWORD)
      const key = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: userId } } })
      const accessKey: AccessKey = { access: key.body.credential.access, secret: key.body.credential.secret }
      const signedGet = () => {
        const signed = signRequest({ endpoint: s.url, method: 'GET', path: `/v3/users/${userId}`, key: accessKey, domainId: s.account.id })
        return fetch(signed.url, signed.init)
      }
      expect((await signedGet()).status).toBe(200)
      const acl = `${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}/api-acl-policy`
      expect((await call(acl, { method: 'PUT', token: admin, body: { api_acl_policy: { allow_ip_ranges: [{ ip_range: '10.0.0.1-10.0.0.200' }] } } })).status).toBe(200)
      const refused = await signedGet()
      expect(refused.status).toBe(403)
      expect(await refused.json()).toEqual({ error_msg: 'The IAM user is not authorized to access the API.', error_code: 'APIGW.0302', request_id: expect.any(String) })
    } finally {
      await s.close()
    }
  })

  it('the client address comes through trusted proxies only (TRUST_PROXY), as in the audit trail', async () => {
    const s = await startServer({ env: { TRUST_PROXY: 'loopback' } })
    try {
      const admin = await s.adminToken()
      const userId = await createPlainUser(s, s.account.id, 'proxied', PASSWORD)
      const token = await tokenFor(s, 'proxied', PASSWORD, s.account.name)
      const acl = `${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}/api-acl-policy`
      expect((await call(acl, { method: 'PUT', token: admin, body: { api_acl_policy: { allow_address_netmasks: [{ address_netmask: '203.0.113.0/24' }] } } })).status).toBe(200)
      // Each address twice, interleaved: verdicts are kept per address, never shared between them.
      for (let round = 0; round < 2; round++) {
        expect((await call(`${s.url}/v3/users/${userId}`, { token, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200)
        expect((await call(`${s.url}/v3/users/${userId}`, { token, headers: { 'x-forwarded-for': '198.51.100.7' } })).status).toBe(403)
        expect((await call(`${s.url}/v3/users/${userId}`, { token, headers: { 'x-forwarded-for': '203.0.113.250' } })).status).toBe(200)
        expect((await call(`${s.url}/v3/users/${userId}`, { token })).status).toBe(403)
      }
      // A new policy is a new verdict for an address already seen.
      expect((await call(acl, { method: 'PUT', token: admin, body: { api_acl_policy: { allow_address_netmasks: [{ address_netmask: '198.51.100.0/24' }] } } })).status).toBe(200)
      expect((await call(`${s.url}/v3/users/${userId}`, { token, headers: { 'x-forwarded-for': '198.51.100.7' } })).status).toBe(200)
      expect((await call(`${s.url}/v3/users/${userId}`, { token, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(403)
    } finally {
      await s.close()
    }
  })
})
