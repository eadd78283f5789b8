/**
 * The `password` + `totp` sign-in (spec iam-security.md §8) over HTTP: the code is checked
 * against the user's bound virtual MFA device — a user with none is refused whatever the
 * passcode, a wrong or reused code is refused and counts toward the lock-out — and the token
 * says both methods. Keystone 22 has no `totp` method by default: refused there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { tokenFor } from '../helpers/fixtures.js'
import { hotp, totpStep } from '../../src/services/iam/mfa/totp.js'
import { bindDevice, MFA_PASSWORD as PASSWORD, mfaTokenBody, newUser } from '../helpers/mfa.js'

const UNAUTHORIZED = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }

describe('password + totp sign-in (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  const signIn = (body: unknown) => call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body })

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
  })
  afterAll(() => s.close())

  it('refuses a user without an MFA device whatever the passcode, and a password alone still works', async () => {
    const user = await newUser(s, admin, 'no-device')
    const res = await signIn(mfaTokenBody(s, 'no-device', { id: user.id, passcode: '123456' }))
    expect([res.status, res.body]).toEqual([401, UNAUTHORIZED])
    expect(res.headers.get('x-subject-token')).toBeNull()
    // The SDK's enum spells the method " totp": it is the same method.
    const spaced = mfaTokenBody(s, 'no-device', { id: user.id, passcode: '123456' })
    spaced.auth.identity.methods = ['password', ' totp']
    expect((await signIn(spaced)).status).toBe(401)
    // totp listed, its object missing: Keystone's 400.
    const { totp: _omitted, ...identity } = mfaTokenBody(s, 'no-device', { id: user.id, passcode: '1' }).auth.identity
    const missing = await signIn({ auth: { identity, scope: { domain: { name: s.account.name } } } })
    expect(missing.status).toBe(400)
    expect(missing.body.error.message).toMatch(/^Expecting to find totp in identity\./)
    expect((await tokenFor(s, 'no-device', PASSWORD, s.account.name)).length).toBeGreaterThan(0)
  })

  it('checks the code against the bound device: a fresh code signs in once, with both methods in the token', async () => {
    const user = await newUser(s, admin, 'with-device')
    const { key } = await bindDevice(s, user)
    // A device created but not bound proves nothing either.
    const unbound = await newUser(s, admin, 'unbound')
    await call(`${s.url}/v3.0/OS-MFA/virtual-mfa-devices`, { method: 'POST', token: unbound.token, body: { virtual_mfa_device: { name: 'p', user_id: unbound.id } } })
    expect((await signIn(mfaTokenBody(s, 'unbound', { id: unbound.id, passcode: '000000' }))).status).toBe(401)

    const wrong = hotp(key, totpStep(Date.now()) + 1) === '000000' ? '000001' : '000000'
    expect([(await signIn(mfaTokenBody(s, 'with-device', { id: user.id, passcode: wrong }))).status]).toEqual([401])
    // The bind took the codes up to now: the next step's code is the first one left.
    const code = hotp(key, totpStep(Date.now()) + 1)
    const ok = await signIn(mfaTokenBody(s, 'with-device', { id: user.id, passcode: code }))
    expect(ok.status, ok.text).toBe(201)
    expect(ok.body.token.methods).toEqual(['password', 'totp'])
    expect(ok.body.token.mfa_authn_at).toBe(ok.body.token.issued_at)
    expect(ok.body.token.user.id).toBe(user.id)
    // The token works.
    expect((await call(`${s.url}/v3/auth/projects`, { token: ok.headers.get('x-subject-token')! })).status).toBe(200)
    // Replayed: refused, as is a code of the bind (an older step).
    expect([(await signIn(mfaTokenBody(s, 'with-device', { id: user.id, passcode: code }))).status]).toEqual([401])
    expect([(await signIn(mfaTokenBody(s, 'with-device', { id: user.id, passcode: hotp(key, totpStep(Date.now()) - 1) }))).status]).toEqual([401])
    // The totp part must name the password's user: by id, or by name (OTC's example).
    const other = await newUser(s, admin, 'someone-else')
    expect((await signIn(mfaTokenBody(s, 'with-device', { id: other.id, passcode: code }))).status).toBe(401)
    expect((await signIn(mfaTokenBody(s, 'with-device', { name: 'someone-else', passcode: code }))).status).toBe(401)
  })

  it('counts wrong and reused codes toward the lock-out; then even the right password is refused', async () => {
    const user = await newUser(s, admin, 'locks')
    const { key } = await bindDevice(s, user)
    const used = hotp(key, totpStep(Date.now()))
    const bad = ['000000', '999999', used].filter((c) => c !== hotp(key, totpStep(Date.now()) + 1))
    // Five failures in the window lock (the default rule): a reused code is one of them.
    const answers: number[] = []
    for (let i = 0; i < 5; i++) answers.push((await signIn(mfaTokenBody(s, 'locks', { id: user.id, passcode: bad[i % bad.length]! }))).status)
    expect(answers).toEqual([401, 401, 401, 401, 401])
    const locked = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'locks', password: PASSWORD, domain: { name: s.account.name } } } } } },
    })
    expect([locked.status, locked.body]).toEqual([401, { error: { code: 401, title: 'Unauthorized', message: 'The account is locked.' } }])
  })
})

describe('password + totp sign-in (keystone)', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
  })
  afterAll(() => s.close())

  it('refuses the totp method, which Keystone 22 does not enable by default', async () => {
    const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      body: { auth: { identity: { methods: ['password', 'totp'], password: { user: { name: s.adminUser, password: s.adminPassword, domain: { id: s.account.id } } }, totp: { user: { id: 'x', passcode: '123456' } } } } },
    })
    expect([res.status, res.body]).toEqual([401, { error: { code: 401, title: 'Unauthorized', message: 'Attempted to authenticate with an unsupported method.' } }])
  })
})
