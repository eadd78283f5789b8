/**
 * POST /v3.0/OS-AUTH/securitytoken/logintokens (createLoginToken, Huawei Cloud only) over HTTP
 * and through the unmodified SDK: a temporary key made from a user's token buys a login ticket;
 * its lifetime rules, the refusals, and that a ticket is no token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createPlainUser, tokenFor } from '../helpers/fixtures.js'
import { globalCredentials, iam, iamClient } from '../helpers/huawei-sdk.js'

const PASSWORD = 'Login-Passw0rd!'
const UNAUTHORIZED = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } }
const PATH = '/v3.0/OS-AUTH/securitytoken/logintokens'

interface TemporaryKey { access: string; secret: string; securitytoken: string; expires_at: string }

describe('login tokens (huaweicloud)', () => {
  let s: TestServer
  let userId: string
  let userToken: string

  const temporaryKey = async (token = userToken, durationSeconds = 900): Promise<TemporaryKey> => {
    const res = await call(`${s.url}/v3.0/OS-CREDENTIAL/securitytokens`, { method: 'POST', token, body: { auth: { identity: { methods: ['token'], token: { duration_seconds: durationSeconds } } } } })
    expect(res.status, res.text).toBe(201)
    return res.body.credential
  }
  const login = (key: Pick<TemporaryKey, 'access' | 'secret' | 'securitytoken'>, extra: Record<string, unknown> = {}) =>
    call(`${s.url}${PATH}`, { method: 'POST', body: { auth: { securitytoken: { access: key.access, secret: key.secret, id: key.securitytoken, ...extra } } } })
  const lifetime = (res: { body: { logintoken: { expires_at: string } } }) => (Date.parse(res.body.logintoken.expires_at) - Date.now()) / 1000

  beforeAll(async () => {
    s = await startServer()
    userId = await createPlainUser(s, s.account.id, 'ticket-user', PASSWORD)
    userToken = await tokenFor(s, 'ticket-user', PASSWORD, s.account.name)
  })
  afterAll(() => s.close())

  it('201 with X-Subject-LoginToken and the user\'s ticket, 600 s by default, without any X-Auth-Token', async () => {
    const res = await login(await temporaryKey())
    expect(res.status).toBe(201)
    expect(res.headers.get('x-subject-logintoken')).toMatch(/^[A-Za-z0-9_-]{100,}$/)
    expect(res.body).toEqual({
      logintoken: {
        domain_id: s.account.id, expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), method: 'token',
        user_id: userId, user_name: 'ticket-user', session_id: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
      },
    })
    expect(lifetime(res)).toBeGreaterThan(595)
    expect(lifetime(res)).toBeLessThanOrEqual(600)
  })

  it('takes duration_seconds as a number or a numeric string; out of range is 600 s; never past the key, but at least 600 s', async () => {
    const key = await temporaryKey(userToken, 3600)
    expect(lifetime(await login(key, { duration_seconds: '1200' }))).toBeGreaterThan(1195)
    expect(lifetime(await login(key, { duration_seconds: 2400 }))).toBeGreaterThan(2395)
    expect(lifetime(await login(key, { duration_seconds: 43_201 }))).toBeLessThanOrEqual(600)
    expect(lifetime(await login(key, { duration_seconds: 599 }))).toBeLessThanOrEqual(600)
    // The key lives an hour: a 12 h ticket is cut to what the key has left.
    const capped = lifetime(await login(key, { duration_seconds: 43_200 }))
    expect(capped).toBeGreaterThan(3590)
    expect(capped).toBeLessThanOrEqual(3600)
    // A key with less than 600 s left still gives 600 s.
    const short = await temporaryKey()
    await s.server.db.kysely.updateTable('credentials').set({ expires_at: new Date(Date.now() + 120_000).toISOString().replace('Z', '000Z') }).where('access', '=', short.access).execute()
    const floor = lifetime(await login(short, { duration_seconds: 3600 }))
    expect(floor).toBeGreaterThan(595)
    expect(floor).toBeLessThanOrEqual(600)
  })

  it('401 for a wrong secret, a wrong security token, an unknown key, a permanent key, an expired key and a disabled user', async () => {
    const key = await temporaryKey()
    expect(await login({ ...key, secret: `${key.secret.slice(1)}x` })).toMatchObject({ status: 401, body: UNAUTHORIZED })
    expect(await login({ ...key, securitytoken: `${key.securitytoken}x` })).toMatchObject({ status: 401, body: UNAUTHORIZED })
    expect(await login({ ...key, access: 'NOSUCHKEY0000000000X' })).toMatchObject({ status: 401, body: UNAUTHORIZED })
    const admin = await s.adminToken()
    const permanent = (await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: userId } } })).body.credential
    expect(await login({ access: permanent.access, secret: permanent.secret, securitytoken: key.securitytoken })).toMatchObject({ status: 401, body: UNAUTHORIZED })
    const expired = await temporaryKey()
    await s.server.db.kysely.updateTable('credentials').set({ expires_at: '2000-01-01T00:00:00.000000Z' }).where('access', '=', expired.access).execute()
    expect(await login(expired)).toMatchObject({ status: 401, body: UNAUTHORIZED })

    const otherId = await createPlainUser(s, s.account.id, 'ticket-disabled', PASSWORD)
    const otherKey = await temporaryKey(await tokenFor(s, 'ticket-disabled', PASSWORD, s.account.name))
    expect((await call(`${s.url}/v3/users/${otherId}`, { method: 'PATCH', token: admin, body: { user: { enabled: false } } })).status).toBe(200)
    expect(await login(otherKey)).toMatchObject({ status: 401, body: UNAUTHORIZED })
  })

  it('400 for a missing field or a duration that is not a number', async () => {
    const key = await temporaryKey()
    const missing = await call(`${s.url}${PATH}`, { method: 'POST', body: { auth: { securitytoken: { access: key.access, secret: key.secret } } } })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({ code: 400, title: 'Bad Request' })
    expect((await login(key, { duration_seconds: 'ten minutes' })).status).toBe(400)
  })

  it('a ticket is no token: neither X-Auth-Token nor the token method accepts it', async () => {
    const ticket = (await login(await temporaryKey())).headers.get('x-subject-logintoken')!
    expect(await call(`${s.url}/v3/auth/projects`, { token: ticket })).toMatchObject({ status: 401, body: UNAUTHORIZED })
    const rescope = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['token'], token: { id: ticket } }, scope: { domain: { id: s.account.id } } } } })
    expect(rescope).toMatchObject({ status: 401, body: UNAUTHORIZED })
  })

  it('the SDK: createLoginToken with the temporary key, signed with it as the SDK always signs', async () => {
    const key = await temporaryKey()
    const client = iamClient(globalCredentials({ access: key.access, secret: key.secret, securityToken: key.securitytoken }, s.account.id), s.url)
    const option = new iam.LoginTokenSecurityToken(key.access, key.secret, key.securitytoken).withDurationSeconds(900)
    const res = await client.createLoginToken(new iam.CreateLoginTokenRequest().withBody(new iam.CreateLoginTokenRequestBody(new iam.LoginTokenAuth(option))))
    expect(res.httpStatusCode).toBe(201)
    const ticket = res['X-Subject-LoginToken']
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{100,}$/)
    expect(Object.assign(new iam.CreateLoginTokenResponse(), { 'X-Subject-LoginToken': ticket }).xSubjectLoginToken).toBe(ticket)
    const model = Object.assign(new iam.LoginToken(), res.logintoken)
    expect(Object.keys(res.logintoken).sort()).toEqual(['domain_id', 'expires_at', 'method', 'session_id', 'user_id', 'user_name'])
    expect(model).toMatchObject({ domain_id: s.account.id, method: 'token', user_id: userId, user_name: 'ticket-user', session_id: expect.any(String) })
    expect(model.expires_at).toEqual(expect.any(String))
    expect((Date.parse(model.expires_at) - Date.now()) / 1000).toBeGreaterThan(895)

    const refused = await client.createLoginToken(new iam.CreateLoginTokenRequest().withBody(new iam.CreateLoginTokenRequestBody(new iam.LoginTokenAuth(
      new iam.LoginTokenSecurityToken(key.access, 'wrong', key.securitytoken))))).then(() => undefined, (e: any) => e) // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(refused).toMatchObject({ httpStatusCode: 401, errorCode: 401, errorMsg: UNAUTHORIZED.error.message })
  })
})

describe('login tokens (opentelekomcloud)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'opentelekomcloud' }) })
  afterAll(() => s.close())

  it('do not exist there: 404', async () => {
    const res = await call(`${s.url}${PATH}`, { method: 'POST', body: { auth: { securitytoken: { access: 'a', secret: 'b', id: 'c' } } } })
    expect(res).toMatchObject({ status: 404, body: { error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } } })
  })
})
