/**
 * Virtual MFA devices and login protection (spec iam-security.md §6, §7): the nine operations
 * through the unmodified Huawei SDK (each answer checked against its response model, what was
 * written read back), then over HTTP what the SDK cannot show — the flat error codes, the rules
 * of binding, unbinding and deleting, replay, the emulator's API login-protection switch, another
 * account's reach and the rows going with their user. OTC as its docs have it; Keystone has none.
 * Runs on SQLite and on PostgreSQL (vitest projects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { globalCredentials, iam, iamClient, modelMismatches } from '../helpers/huawei-sdk.js'
import { base32Decode, hotp, totpStep } from '../../src/services/iam/mfa/totp.js'
import { bindDevice, mfaTokenBody, newUser } from '../helpers/mfa.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
const PASSWORD = 'Mfa-Passw0rd!'
const flat = (code: string, msg: string) => ({ error_msg: msg, error_code: code })
/** What the SDK rejects with, or undefined when the call succeeded. */
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: any) => e)
const now = () => totpStep(Date.now())

describe('virtual MFA and login protection (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let adminId: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token: admin, ...init })
  /** The SDK signing with an access key of the user. */
  const sdkOf = async (userId: string) => {
    const created = await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: userId } } })
    expect(created.status, created.text).toBe(201)
    return iamClient(globalCredentials({ access: created.body.credential.access, secret: created.body.credential.secret }, s.account.id), s.url)
  }

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
    adminId = (await api('/v3/users?name=admin')).body.users[0].id
  })
  afterAll(() => s.close())

  it('all nine operations through the SDK, and the password+totp token (keystoneCreateUserTokenByPasswordAndMfa)', async () => {
    const alice = await newUser(s, admin, 'sdk-alice')
    const sdkAlice = await sdkOf(alice.id)
    const sdkAdmin = await sdkOf(adminId)

    // createMfaDevice: the seed once, 32 base32 characters, and the otpauth URI (the emulator's extra field).
    const created = await sdkAlice.createMfaDevice(new iam.CreateMfaDeviceRequest().withBody(new iam.CreateMfaDeviceReq(new iam.CreateMfaDevice('alice-phone', alice.id))))
    expect(created.httpStatusCode).toBe(201)
    expect(modelMismatches(created, 'CreateMfaDeviceResponse', { extra: ['virtual_mfa_device.otpauth_uri'] })).toEqual([])
    const seed = created.virtual_mfa_device.base32_string_seed as string
    expect(seed).toMatch(/^[A-Z2-7]{32}$/)
    expect(created.virtual_mfa_device.serial_number).toBe(`iam:${s.account.id}:mfa/alice-phone`)
    expect(created.virtual_mfa_device.otpauth_uri).toBe(`otpauth://totp/huawei:${s.account.name}@sdk-alice?secret=${seed}&issuer=huawei&algorithm=SHA1&digits=6&period=30`)
    const serial = created.virtual_mfa_device.serial_number as string
    const key = base32Decode(seed)!

    // showUserMfaDevice / listUserMfaDevices: a created device shows before it is bound, never with its seed.
    const shown = await sdkAlice.showUserMfaDevice(new iam.ShowUserMfaDeviceRequest(alice.id))
    expect(modelMismatches(shown, 'ShowUserMfaDeviceResponse')).toEqual([])
    expect(shown.virtual_mfa_device).toEqual({ user_id: alice.id, serial_number: serial })
    const listed = await sdkAdmin.listUserMfaDevices(new iam.ListUserMfaDevicesRequest())
    expect(modelMismatches(listed, 'ListUserMfaDevicesResponse')).toEqual([])
    expect(listed.virtual_mfa_devices).toContainEqual({ user_id: alice.id, serial_number: serial })

    // createBindingDevice: two consecutive codes.
    const bad = await failure(sdkAlice.createBindingDevice(new iam.CreateBindingDeviceRequest().withBody(new iam.BindMfaDevice(alice.id, serial, hotp(key, now()), hotp(key, now())))))
    expect(bad).toMatchObject({ httpStatusCode: 400, errorCode: 'IAM.1061', errorMsg: 'Invalid TOTP passcode.' })
    const bound = await sdkAlice.createBindingDevice(new iam.CreateBindingDeviceRequest().withBody(new iam.BindMfaDevice(alice.id, serial, hotp(key, now() - 1), hotp(key, now()))))
    expect(bound.httpStatusCode).toBe(204)

    // updateLoginProtect / showUserLoginProtect / listUserLoginProtects.
    const updated = await sdkAdmin.updateLoginProtect(new iam.UpdateLoginProtectRequest(alice.id).withBody(new iam.UpdateLoginProjectReq(new iam.UpdateLoginProject(true, 'vmfa'))))
    expect(updated.httpStatusCode).toBe(200)
    expect(modelMismatches(updated, 'UpdateLoginProtectResponse', { extra: ['login_protect.api_login_protection'] })).toEqual([])
    expect(updated.login_protect).toEqual({ user_id: alice.id, enabled: true, verification_method: 'vmfa', api_login_protection: false })
    const protect = await sdkAlice.showUserLoginProtect(new iam.ShowUserLoginProtectRequest(alice.id))
    expect(modelMismatches(protect, 'ShowUserLoginProtectResponse', { extra: ['login_protect.api_login_protection'] })).toEqual([])
    expect(protect.login_protect).toEqual(updated.login_protect)
    const protects = await sdkAdmin.listUserLoginProtects(new iam.ListUserLoginProtectsRequest())
    expect(modelMismatches(protects, 'ListUserLoginProtectsResponse', { extra: ['login_protects[].api_login_protection'] })).toEqual([])
    expect(protects.login_protects).toEqual([updated.login_protect])

    // keystoneCreateUserTokenByPasswordAndMfa, with the SDK's own " totp" method name.
    const identity = new iam.MfaIdentity([iam.MfaIdentityMethodsEnum.PASSWORD, iam.MfaIdentityMethodsEnum.TOTP],
      new iam.PwdPassword(new iam.PwdPasswordUser(new iam.PwdPasswordUserDomain(s.account.name), 'sdk-alice', PASSWORD)),
      new iam.MfaTotp(new iam.MfaTotpUser(alice.id, hotp(key, now() + 1))))
    const scope = new iam.AuthScope().withDomain(new iam.AuthScopeDomain().withName(s.account.name))
    const token = await sdkAlice.keystoneCreateUserTokenByPasswordAndMfa(new iam.KeystoneCreateUserTokenByPasswordAndMfaRequest()
      .withBody(new iam.KeystoneCreateUserTokenByPasswordAndMfaRequestBody(new iam.MfaAuth(identity, scope))))
    expect(token.httpStatusCode).toBe(201)
    expect(token.token.methods).toEqual(['password', 'totp'])
    expect(token.token.mfa_authn_at).toBe(token.token.issued_at)
    expect(token.token.domain.id).toBe(s.account.id)

    // deleteBindingDevice: refused while login protection uses the device, then with a current code.
    const held = await failure(sdkAlice.deleteBindingDevice(new iam.DeleteBindingDeviceRequest().withBody(new iam.UnbindMfaDevice(alice.id, hotp(key, now() + 1), serial))))
    expect(held).toMatchObject({ httpStatusCode: 400, errorCode: 'IAM.1062', errorMsg: 'Login protection has been bound to mfa, the unbinding operation cannot be performed.' })
    const off = await sdkAdmin.updateLoginProtect(new iam.UpdateLoginProtectRequest(alice.id).withBody(new iam.UpdateLoginProjectReq(new iam.UpdateLoginProject(false, 'sms'))))
    expect(off.login_protect).toMatchObject({ enabled: false, verification_method: 'none' })
    // The token took step now+1: that code is spent, and so it cannot unbind.
    const spent = await failure(sdkAlice.deleteBindingDevice(new iam.DeleteBindingDeviceRequest().withBody(new iam.UnbindMfaDevice(alice.id, hotp(key, now() + 1), serial))))
    expect(spent).toMatchObject({ httpStatusCode: 400, errorCode: 'IAM.1061' })
    // An administrator unbinds another user's device without a code.
    const unbound = await sdkAdmin.deleteBindingDevice(new iam.DeleteBindingDeviceRequest().withBody(new iam.UnbindMfaDevice(alice.id, 'any', serial)))
    expect(unbound.httpStatusCode).toBe(204)
    // Unbound, the device is created again: shown, and a password+totp sign-in is refused.
    expect((await api(`/v3.0/OS-MFA/users/${alice.id}/virtual-mfa-device`)).body.virtual_mfa_device).toEqual({ user_id: alice.id, serial_number: serial })
    expect((await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: mfaTokenBody(s, 'sdk-alice', { id: alice.id, passcode: hotp(key, now()) }) })).status).toBe(401)

    // deleteMfaDevice: then the device is gone.
    const deleted = await sdkAlice.deleteMfaDevice(new iam.DeleteMfaDeviceRequest(alice.id, serial))
    expect(deleted.httpStatusCode).toBe(204)
    expect(await failure(sdkAlice.showUserMfaDevice(new iam.ShowUserMfaDeviceRequest(alice.id)))).toMatchObject({
      httpStatusCode: 404, errorCode: 'IAM.0004', errorMsg: `Could not find virtual mfa device: ${alice.id}.`,
    })
  })

  it('create: one device per user (409 IAM.0005), the clouds’ codes for a bad body, another user’s only with the permission', async () => {
    const bob = await newUser(s, admin, 'bob')
    const create = (body: unknown, token = bob.token) => api('/v3.0/OS-MFA/virtual-mfa-devices', { method: 'POST', token, body })
    expect((await create({ virtual_mfa_device: { name: 'b1', user_id: bob.id } })).status).toBe(201)
    const twice = await create({ virtual_mfa_device: { name: 'b2', user_id: bob.id } })
    expect([twice.status, twice.body]).toEqual([409, flat('IAM.0005', `Conflict occurred attempting to store virtual mfa device - user ${bob.id} already has a virtual MFA device.`)])
    expect((await create({ virtual_mfa_device: { user_id: bob.id } })).body).toEqual(flat('IAM.0072', "'virtual_mfa_device.name' is a required property."))
    expect((await create({ virtual_mfa_device: { name: 'bad name', user_id: bob.id } })).body).toEqual(flat('IAM.0073', "Invalid input for field 'virtual_mfa_device.name'. The value is 'bad name'."))
    expect((await create({})).body).toEqual(flat('IAM.0072', "'virtual_mfa_device' is a required property."))
    // A user without a permission cannot make one for someone else; the administrator can.
    const carol = await newUser(s, admin, 'carol')
    const refused = await create({ virtual_mfa_device: { name: 'c', user_id: carol.id } })
    expect([refused.status, refused.body]).toEqual([403, flat('IAM.0002', 'You are not authorized to perform the requested action: identity:create_mfa_device.')])
    expect((await create({ virtual_mfa_device: { name: 'c', user_id: carol.id } }, admin)).status).toBe(201)
    // Creating one for a user that does not exist.
    const ghost = 'f'.repeat(32)
    expect((await create({ virtual_mfa_device: { name: 'g', user_id: ghost } }, admin)).body).toEqual(flat('IAM.0004', `Could not find user: ${ghost}.`))
  })

  it('bind: one’s own only, two consecutive codes, never twice; unbind and delete with a wrong serial', async () => {
    const dave = await newUser(s, admin, 'dave')
    const created = await api('/v3.0/OS-MFA/virtual-mfa-devices', { method: 'POST', token: dave.token, body: { virtual_mfa_device: { name: 'd', user_id: dave.id } } })
    const key = base32Decode(created.body.virtual_mfa_device.base32_string_seed)!
    const serial = created.body.virtual_mfa_device.serial_number
    const bind = (body: Record<string, string>, token = dave.token) => api('/v3.0/OS-MFA/mfa-devices/bind', { method: 'PUT', token, body: { user_id: dave.id, serial_number: serial, ...body } })
    const codes = { authentication_code_first: hotp(key, now() - 1), authentication_code_second: hotp(key, now()) }
    expect((await bind(codes, admin)).body).toEqual(flat('IAM.0002', 'You are not authorized to perform the requested action: identity:bind_mfa_device.'))
    expect((await bind({ ...codes, serial_number: 'iam:x:mfa/other' })).body).toEqual(flat('IAM.0004', 'Could not find virtual mfa device: iam:x:mfa/other.'))
    expect((await bind({ authentication_code_first: codes.authentication_code_second, authentication_code_second: codes.authentication_code_first })).body).toEqual(flat('IAM.1061', 'Invalid TOTP passcode.'))
    expect((await bind({ authentication_code_first: hotp(key, now() - 5), authentication_code_second: hotp(key, now() - 4) })).body).toEqual(flat('IAM.1061', 'Invalid TOTP passcode.'))
    expect((await bind(codes)).status).toBe(204)
    const again = await bind(codes)
    expect([again.status, again.body]).toEqual([409, flat('IAM.0005', `Conflict occurred when attempting to store virtual mfa device - user ${dave.id} has a bound virtual MFA device.`)])
    // Unbind: the serial must match (404); the code must be current (IAM.1061).
    const unbind = (body: Record<string, string>) => api('/v3.0/OS-MFA/mfa-devices/unbind', { method: 'PUT', token: dave.token, body: { user_id: dave.id, serial_number: serial, ...body } })
    expect((await unbind({ authentication_code: hotp(key, now() + 1), serial_number: 'nope' })).status).toBe(404)
    expect((await unbind({ authentication_code: hotp(key, now() - 3) })).body).toEqual(flat('IAM.1061', 'Invalid TOTP passcode.'))
    expect((await unbind({ authentication_code: '12345' })).body).toEqual(flat('IAM.1061', 'Invalid TOTP passcode.'))
    // Delete with another serial number is a no-op (the clouds answer any with success).
    expect((await api(`/v3.0/OS-MFA/virtual-mfa-devices?user_id=${dave.id}&serial_number=nope`, { method: 'DELETE', token: dave.token })).status).toBe(204)
    expect((await api(`/v3.0/OS-MFA/users/${dave.id}/virtual-mfa-device`)).status).toBe(200)
    expect((await api(`/v3.0/OS-MFA/virtual-mfa-devices?user_id=${dave.id}`, { method: 'DELETE', token: dave.token })).body).toEqual(flat('IAM.0072', "'serial_number' is a required property."))
    // A bound device not held by login protection is deleted (unbound on the way).
    expect((await api(`/v3.0/OS-MFA/virtual-mfa-devices?user_id=${dave.id}&serial_number=${encodeURIComponent(serial)}`, { method: 'DELETE', token: dave.token })).status).toBe(204)
    expect((await api(`/v3.0/OS-MFA/users/${dave.id}/virtual-mfa-device`)).status).toBe(404)
  })

  it('login protection: the method must reach the user; HWC refuses one’s own; disabled reads none', async () => {
    const erin = await newUser(s, admin, 'erin')
    const put = (body: unknown, user = erin.id, token = admin) => api(`/v3.0/OS-USER/users/${user}/login-protect`, { method: 'PUT', token, body })
    expect((await api(`/v3.0/OS-USER/users/${erin.id}/login-protect`)).body).toEqual(flat('IAM.0004', `Could not find login protect: ${erin.id}.`))
    expect((await put({ login_protect: { enabled: true, verification_method: 'sms' } })).body).toEqual(flat('IAM.0007', 'Request parameter verification_method is invalid.'))
    expect((await put({ login_protect: { enabled: true, verification_method: 'email' } })).body).toEqual(flat('IAM.0007', 'Request parameter verification_method is invalid.'))
    expect((await put({ login_protect: { enabled: true, verification_method: 'vmfa' } })).body).toEqual(flat('IAM.0007', 'Request parameter verification_method is invalid.'))
    expect((await put({ login_protect: { enabled: true, verification_method: 'pigeon' } })).body).toEqual(flat('IAM.0073', "Invalid input for field 'verification_method'. The value is 'pigeon'."))
    expect((await put({ login_protect: { verification_method: 'sms' } })).body).toEqual(flat('IAM.0072', "'login_protect.enabled' is a required property."))
    expect((await put({ login_protect: { enabled: 'yes', verification_method: 'sms' } })).body).toEqual(flat('IAM.0073', "Invalid input for field 'login_protect.enabled'. The value is 'yes'."))
    // With an e-mail address, e-mail works; switched off it reads `none`.
    expect((await api(`/v3.0/OS-USER/users/${erin.id}`, { method: 'PUT', body: { user: { email: 'erin@example.com' } } })).status).toBe(200)
    expect((await put({ login_protect: { enabled: true, verification_method: 'email' } })).body).toEqual({ login_protect: { user_id: erin.id, enabled: true, verification_method: 'email', api_login_protection: false } })
    expect((await put({ login_protect: { enabled: false, verification_method: 'email' } })).body.login_protect).toMatchObject({ enabled: false, verification_method: 'none' })
    // The administrator's own: refused on HWC; another user may not set anyone's; another account's user is not found.
    const own = await put({ login_protect: { enabled: false, verification_method: 'sms' } }, adminId)
    expect([own.status, own.body]).toEqual([403, flat('IAM.0002', 'You are not authorized to perform the requested action: identity:update_login_protect.')])
    expect((await put({ login_protect: { enabled: false, verification_method: 'sms' } }, erin.id, erin.token)).status).toBe(403)
    const other = await createAccount(s, 'mfa-other', PASSWORD)
    const otherAdmin = await tokenFor(s, 'admin', PASSWORD, other.name)
    expect((await put({ login_protect: { enabled: false, verification_method: 'sms' } }, erin.id, otherAdmin)).body).toEqual(flat('IAM.0004', `Could not find user: ${erin.id}.`))
    expect((await api(`/v3.0/OS-MFA/users/${erin.id}/virtual-mfa-device`, { token: otherAdmin })).body).toEqual(flat('IAM.0004', `Could not find user: ${erin.id}.`))
    expect((await api('/v3.0/OS-USER/login-protects', { token: otherAdmin })).body).toEqual({ login_protects: [] })
    // The user reads its own; listing needs the permission.
    expect((await api(`/v3.0/OS-USER/users/${erin.id}/login-protect`, { token: erin.token })).status).toBe(200)
    expect((await api('/v3.0/OS-USER/login-protects', { token: erin.token })).body).toEqual(flat('IAM.0002', 'You are not authorized to perform the requested action: identity:list_login_protects.'))
  })

  it('the API login-protection switch: a vmfa user then needs password and totp; password alone stays valid without it', async () => {
    const fay = await newUser(s, admin, 'fay')
    const { key, serial } = await bindDevice(s, fay)
    const passwordOnly = () => call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'fay', password: PASSWORD, domain: { name: s.account.name } } } } } } })
    const put = (body: Record<string, unknown>) => api(`/v3.0/OS-USER/users/${fay.id}/login-protect`, { method: 'PUT', body: { login_protect: body } })
    expect((await put({ enabled: true, verification_method: 'vmfa' })).status).toBe(200)
    expect((await passwordOnly()).status).toBe(201)
    expect((await put({ enabled: true, verification_method: 'vmfa', api_login_protection: true })).body.login_protect.api_login_protection).toBe(true)
    const refused = await passwordOnly()
    expect([refused.status, refused.body]).toEqual([401, { error: { code: 401, title: 'Unauthorized', message: `Insufficient auth methods received for ${fay.id}. Auth Methods Provided: [password].` } }])
    expect((await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: mfaTokenBody(s, 'fay', { id: fay.id, passcode: hotp(key, now() + 1) }) })).status).toBe(201)
    // Left out, the switch keeps its value; with login protection off it no longer bites.
    expect((await put({ enabled: true, verification_method: 'vmfa' })).body.login_protect.api_login_protection).toBe(true)
    expect((await put({ enabled: false, verification_method: 'vmfa' })).status).toBe(200)
    expect((await passwordOnly()).status).toBe(201)
    // A deleted user's device and login protection go with it.
    expect((await api(`/v3/users/${fay.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await api('/v3.0/OS-MFA/virtual-mfa-devices')).body.virtual_mfa_devices.map((d: any) => d.serial_number)).not.toContain(serial)
    expect((await api('/v3.0/OS-USER/login-protects')).body.login_protects.map((p: any) => p.user_id)).not.toContain(fay.id)
  })
})

describe('the console sign-in\'s second step and the outbox (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token: admin, ...init })
  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
  })
  afterAll(() => s.close())

  it('e-mail login protection: a code goes to the outbox, the operator reads it, it works once', async () => {
    const gus = await newUser(s, admin, 'gus')
    const send = () => api(`/v3.0/OS-USER/users/${gus.id}/login-protect/verification-code`, { method: 'POST', token: gus.token })
    const verify = (code: string) => api(`/v3.0/OS-USER/users/${gus.id}/login-protect/verification`, { method: 'PUT', token: gus.token, body: { verification_code: code } })
    // Without login protection there is no second step.
    expect((await send()).body).toEqual(flat('IAM.0004', `Could not find login protect: ${gus.id}.`))
    await api(`/v3.0/OS-USER/users/${gus.id}`, { method: 'PUT', body: { user: { email: 'gus@example.com' } } })
    expect((await api(`/v3.0/OS-USER/users/${gus.id}/login-protect`, { method: 'PUT', body: { login_protect: { enabled: true, verification_method: 'email' } } })).status).toBe(200)
    const sent = await send()
    expect([sent.status, sent.body]).toEqual([201, { verification: { verification_method: 'email', destination: 'gus@example.com', expires_at: expect.stringMatching(/Z$/) } }])
    const outbox = await api(`/_projectplane/outbox?user_id=${gus.id}`)
    expect(outbox.status).toBe(200)
    expect(outbox.body.messages).toEqual([{
      id: expect.any(String), user_id: gus.id, channel: 'email', destination: 'gus@example.com', purpose: 'login_verification',
      code: expect.stringMatching(/^\d{6}$/), created_at: expect.any(String), expires_at: sent.body.verification.expires_at, used: false,
    }])
    const code = outbox.body.messages[0].code as string
    const wrong = code === '000000' ? '000001' : '000000'
    expect((await verify(wrong)).body).toEqual(flat('IAM.1061', 'Invalid verification code.'))
    expect((await verify(code)).status).toBe(204)
    expect((await verify(code)).body).toEqual(flat('IAM.1061', 'Invalid verification code.'))
    expect((await api(`/_projectplane/outbox?user_id=${gus.id}`)).body.messages[0].used).toBe(true)
    // Only oneself asks, and only the operator reads the outbox.
    expect((await api(`/v3.0/OS-USER/users/${gus.id}/login-protect/verification-code`, { method: 'POST' })).status).toBe(403)
    const denied = await api('/_projectplane/outbox', { token: gus.token })
    expect([denied.status, denied.body]).toEqual([403, { error: { code: 403, title: 'Forbidden', message: 'You are not authorized to perform the requested action: projectplane:list_outbox.' } }])
  })

  it('vmfa login protection: the app shows the code, which works once; nothing goes to the outbox', async () => {
    const hal = await newUser(s, admin, 'hal')
    const { key } = await bindDevice(s, hal)
    await api(`/v3.0/OS-USER/users/${hal.id}/login-protect`, { method: 'PUT', body: { login_protect: { enabled: true, verification_method: 'vmfa' } } })
    const sent = await api(`/v3.0/OS-USER/users/${hal.id}/login-protect/verification-code`, { method: 'POST', token: hal.token })
    expect([sent.status, sent.body]).toEqual([201, { verification: { verification_method: 'vmfa' } }])
    const verify = (code: string) => api(`/v3.0/OS-USER/users/${hal.id}/login-protect/verification`, { method: 'PUT', token: hal.token, body: { verification_code: code } })
    const code = hotp(key, now() + 1)
    expect((await verify(code)).status).toBe(204)
    expect((await verify(code)).body).toEqual(flat('IAM.1061', 'Invalid TOTP passcode.'))
    expect((await api(`/_projectplane/outbox?user_id=${hal.id}`)).body).toEqual({ messages: [] })
  })
})

describe('account reset and deletion (huaweicloud)', () => {
  let s: TestServer
  let operator: string
  beforeAll(async () => {
    s = await startServer()
    operator = await s.adminToken()
  })
  afterAll(() => s.close())

  it('a reset leaves the account, its administrator too, without devices, login protection or outbox codes', async () => {
    const made = await call(`${s.url}/_projectplane/accounts`, { method: 'POST', token: operator, body: { account: { name: 'mfa-reset', admin: { password: PASSWORD } } } })
    expect(made.status, made.text).toBe(201)
    const accountAdmin = { id: made.body.admin.id as string, token: await tokenFor(s, 'admin', PASSWORD, 'mfa-reset') }
    await bindDevice(s, accountAdmin)
    const user = await call(`${s.url}/v3/users`, { method: 'POST', token: accountAdmin.token, body: { user: { name: 'ivy', password: PASSWORD, email: 'ivy@example.com' } } })
    const ivy = { id: user.body.user.id as string, token: await tokenFor(s, 'ivy', PASSWORD, 'mfa-reset') }
    await call(`${s.url}/v3.0/OS-USER/users/${ivy.id}/login-protect`, { method: 'PUT', token: accountAdmin.token, body: { login_protect: { enabled: true, verification_method: 'email' } } })
    expect((await call(`${s.url}/v3.0/OS-USER/users/${ivy.id}/login-protect/verification-code`, { method: 'POST', token: ivy.token })).status).toBe(201)
    const rows = async () => Promise.all((['mfa_devices', 'login_protects', 'outbox_messages'] as const).map(async (t) =>
      Number((await s.server.db.kysely.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).where('domain_id', '=', made.body.account.id).executeTakeFirstOrThrow()).n)))
    expect(await rows()).toEqual([1, 1, 1])
    expect((await call(`${s.url}/_projectplane/state?account=${made.body.account.id}`, { method: 'DELETE', token: operator })).status).toBe(204)
    expect(await rows()).toEqual([0, 0, 0])
    const adminToken = await tokenFor(s, 'admin', PASSWORD, 'mfa-reset')
    expect((await call(`${s.url}/v3.0/OS-MFA/users/${accountAdmin.id}/virtual-mfa-device`, { token: adminToken })).status).toBe(404)
    // Deleting the account leaves none either.
    await bindDevice(s, { id: accountAdmin.id, token: adminToken })
    expect((await call(`${s.url}/_projectplane/accounts/${made.body.account.id}`, { method: 'DELETE', token: operator })).status).toBe(204)
    expect(await rows()).toEqual([0, 0, 0])
  })
})

describe('virtual MFA and login protection (opentelekomcloud)', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ flavour: 'opentelekomcloud' })
  })
  afterAll(() => s.close())

  it('the same operations; an administrator may set its own login protection (OTC is silent)', async () => {
    const admin = await s.adminToken()
    const adminUser = { id: (await call(`${s.url}/v3/users?name=admin`, { token: admin })).body.users[0].id, token: admin }
    await bindDevice(s, adminUser)
    const own = await call(`${s.url}/v3.0/OS-USER/users/${adminUser.id}/login-protect`, { method: 'PUT', token: admin, body: { login_protect: { enabled: true, verification_method: 'vmfa' } } })
    expect([own.status, own.body]).toEqual([200, { login_protect: { user_id: adminUser.id, enabled: true, verification_method: 'vmfa', api_login_protection: false } }])
  })
})

describe('virtual MFA and login protection (keystone)', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
  })
  afterAll(() => s.close())

  it('has none of it', async () => {
    const admin = await s.adminToken()
    for (const [method, path] of [['GET', '/v3.0/OS-MFA/virtual-mfa-devices'], ['POST', '/v3.0/OS-MFA/virtual-mfa-devices'], ['GET', '/v3.0/OS-USER/login-protects']]) {
      expect((await call(`${s.url}${path}`, { method, token: admin, body: method === 'POST' ? {} : undefined })).status).toBe(404)
    }
  })
})
