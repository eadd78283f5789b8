/**
 * The console's own sign-in and verification routes over HTTP, on both stores (so here: the
 * console's folder, with the browser suite test/console/security.test.ts, runs on SQLite): the server hands out no token outside the
 * console ACL or before the login protection's second step, a TOTP code works once, the
 * protect-policy decides whether a critical operation needs a code, and none of it touches the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { recordSecret } from '../helpers/secrets.js'
import { base32Decode, hotp, totpStep } from '../../src/services/iam/mfa/totp.js'

const PASSWORD = 'Routes-Passw0rd!'
const STEP_MS = 30_000
const ACL_REFUSAL = { error_code: 'IAM.0002', error_msg: "Console access from your IP address is not allowed by the account's console ACL." }

let s: TestServer
let admin: string
let now = Date.now()
const clock = { now: () => now }

const consoleSignIn = (user: string, extra: Record<string, string> = {}, password = PASSWORD) =>
  call(`${s.url}/console/api/sign-in`, { method: 'POST', body: { account: s.account.name, user, password, ...extra } })
const apiSignIn = (user: string) =>
  call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: user, password: PASSWORD, domain: { name: s.account.name } } } } } } })
const setPolicy = async (kind: string, body: unknown) => {
  const res = await call(`${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}/${kind}`, { method: 'PUT', token: admin, body })
  expect(res.status, res.text).toBe(200)
}

async function newUser(name: string): Promise<{ id: string; token: string }> {
  const res = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password: PASSWORD, domain_id: s.account.id } } })
  expect(res.status, res.text).toBe(201)
  const signedIn = await apiSignIn(name)
  return { id: res.body.user.id, token: signedIn.headers.get('x-subject-token')! }
}

async function bindDevice(user: { id: string; token: string }): Promise<Buffer> {
  const created = await call(`${s.url}/v3.0/OS-MFA/virtual-mfa-devices`, { method: 'POST', token: user.token, body: { virtual_mfa_device: { name: 'phone', user_id: user.id } } })
  expect(created.status, created.text).toBe(201)
  const key = base32Decode(created.body.virtual_mfa_device.base32_string_seed)!
  const step = totpStep(now)
  const bound = await call(`${s.url}/v3.0/OS-MFA/mfa-devices/bind`, {
    method: 'PUT', token: user.token,
    body: { user_id: user.id, serial_number: created.body.virtual_mfa_device.serial_number, authentication_code_first: hotp(key, step - 1), authentication_code_second: hotp(key, step) },
  })
  expect(bound.status, bound.text).toBe(204)
  return key
}

beforeAll(async () => {
  recordSecret('password', PASSWORD)
  s = await startServer({ clock })
  admin = await s.adminToken()
})
afterAll(() => s?.close())

describe('POST /console/api/sign-in', () => {
  it('answers a token and the account\'s session timeout; a wrong password is the API\'s 401', async () => {
    await newUser('plain')
    await setPolicy('login-policy', { login_policy: { session_timeout: 30 } })
    const res = await consoleSignIn('plain')
    expect(res.status, res.text).toBe(201)
    expect(res.body).toMatchObject({ token: { user: { name: 'plain' }, account: { id: s.account.id, name: s.account.name } }, console: { session_timeout_minutes: 30 } })
    const token = res.headers.get('x-subject-token')!
    expect((await call(`${s.url}/v3/auth/tokens`, { token, headers: { 'x-subject-token': token } })).status).toBe(200)
    expect((await consoleSignIn('plain', {}, 'Wrong-Passw0rd!')).status).toBe(401)
  })

  it('refuses an IAM user outside the console ACL without a token; the owner and the API are unaffected', async () => {
    await newUser('outside')
    await setPolicy('console-acl-policy', { console_acl_policy: { allow_ip_ranges: [{ ip_range: '10.0.0.1-10.0.0.9' }] } })
    const refused = await consoleSignIn('outside')
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual(ACL_REFUSAL)
    expect(refused.headers.get('x-subject-token')).toBeNull()
    expect((await apiSignIn('outside')).status).toBe(201)
    expect((await consoleSignIn(s.adminUser, {}, s.adminPassword)).status).toBe(201)
    // A wrong password is told as such, not as the ACL (nothing about the account before the password).
    expect((await consoleSignIn('outside', {}, 'Wrong-Passw0rd!')).status).toBe(401)
    await setPolicy('console-acl-policy', { console_acl_policy: { allow_address_netmasks: [{ address_netmask: '127.0.0.0/8' }] } })
    expect((await consoleSignIn('outside')).status).toBe(201)
  })

  it('asks a vmfa-protected user for the device\'s code; a code works once, a wrong one is refused', async () => {
    const user = await newUser('protected')
    const key = await bindDevice(user)
    const set = await call(`${s.url}/v3.0/OS-USER/users/${user.id}/login-protect`, { method: 'PUT', token: admin, body: { login_protect: { enabled: true, verification_method: 'vmfa' } } })
    expect(set.status, set.text).toBe(200)
    const first = await consoleSignIn('protected')
    expect(first.status).toBe(200)
    expect(first.body).toEqual({ verification: { method: 'vmfa' } })
    expect(first.headers.get('x-subject-token')).toBeNull()
    now += STEP_MS
    const code = hotp(key, totpStep(now))
    expect((await consoleSignIn('protected', { code: code === '000000' ? '999999' : '000000' })).status).toBe(401)
    const signedIn = await consoleSignIn('protected', { code })
    expect(signedIn.status, signedIn.text).toBe(201)
    expect((await consoleSignIn('protected', { code })).status).toBe(401)
    // The API's password sign-in is unaffected (spec §7.3).
    expect((await apiSignIn('protected')).status).toBe(201)
  })
})

describe('POST /console/api/verification and GET /console/api/mfa-device', () => {
  it('asks for the device\'s code under operation protection, checks it once, and says nothing when protection is off', async () => {
    const user = await newUser('operator')
    expect((await call(`${s.url}/console/api/mfa-device`, { token: user.token })).body).toEqual({ virtual_mfa_device: null })
    const verify = (body: unknown = {}) => call(`${s.url}/console/api/verification`, { method: 'POST', token: user.token, body })
    // On (a new account's default) with nowhere to send a code: refused, saying what to do.
    const nowhere = await verify()
    expect(nowhere.status).toBe(403)
    expect(nowhere.body.error_code).toBe('IAM.0002')

    const key = await bindDevice(user)
    const device = await call(`${s.url}/console/api/mfa-device`, { token: user.token })
    expect(device.body).toEqual({ virtual_mfa_device: { serial_number: expect.any(String), bound: true } })
    expect((await verify()).body).toEqual({ required: true, method: 'vmfa' })
    now += STEP_MS
    const code = hotp(key, totpStep(now))
    const wrong = await verify({ code: code === '000000' ? '999999' : '000000' })
    expect(wrong.status).toBe(400)
    expect(wrong.body).toEqual({ error_code: 'IAM.1061', error_msg: 'The verification code is wrong or has expired.' })
    expect((await verify({ code })).body).toEqual({ required: true, method: 'vmfa', verified: true })
    expect((await verify({ code })).status).toBe(400)

    await setPolicy('protect-policy', { protect_policy: { operation_protection: false } })
    expect((await verify()).body).toEqual({ required: false })
    // Both need a live token (the hook's 401 in IAM's body), and act on the caller only.
    const UNAUTHORIZED = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }
    expect(await call(`${s.url}/console/api/verification`, { method: 'POST', body: {} })).toMatchObject({ status: 401, body: UNAUTHORIZED })
    expect(await call(`${s.url}/console/api/mfa-device`)).toMatchObject({ status: 401, body: UNAUTHORIZED })
  })
})

describe('console routes in the keystone flavour (no security policies, no MFA)', () => {
  let ks: TestServer
  beforeAll(async () => { ks = await startServer({ flavour: 'keystone' }) })
  afterAll(() => ks?.close())

  it('signs in with the password alone and never asks to verify an operation', async () => {
    const signedIn = await call(`${ks.url}/console/api/sign-in`, { method: 'POST', body: { account: ks.account.name, user: ks.adminUser, password: ks.adminPassword } })
    expect(signedIn.status, signedIn.text).toBe(201)
    const token = signedIn.headers.get('x-subject-token')!
    expect((await call(`${ks.url}/console/api/verification`, { method: 'POST', token, body: {} })).body).toEqual({ required: false })
    expect((await call(`${ks.url}/console/api/mfa-device`, { token })).body).toEqual({ virtual_mfa_device: null })
  })
})
