/**
 * What the virtual MFA suites share: users with their own token, a device created and bound as
 * an authenticator app's user would, and the `password` + `totp` token request.
 */
import { call, type TestServer } from './server.js'
import { tokenFor } from './fixtures.js'
import { base32Decode, hotp, totpStep } from '../../src/services/iam/mfa/totp.js'

export const MFA_PASSWORD = 'Mfa-Passw0rd!'
const PASSWORD = MFA_PASSWORD

/** A token request with password and TOTP, as the SDK's keystoneCreateUserTokenByPasswordAndMfa sends it. */
export function mfaTokenBody(s: TestServer, name: string, totpUser: Record<string, string>, password = PASSWORD) {
  return {
    auth: {
      identity: {
        methods: ['password', 'totp'],
        password: { user: { name, password, domain: { name: s.account.name } } },
        totp: { user: totpUser },
      },
      scope: { domain: { name: s.account.name } },
    },
  }
}

/** A user of the account with its own token. */
export async function newUser(s: TestServer, admin: string, name: string): Promise<{ id: string; token: string }> {
  const res = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password: PASSWORD } } })
  if (res.status !== 201) throw new Error(`user ${name}: ${res.status} ${res.text}`)
  return { id: res.body.user.id, token: await tokenFor(s, name, PASSWORD, s.account.name) }
}

/** Creates and binds the user's device with two consecutive codes (the step before now and now); its key back. */
export async function bindDevice(s: TestServer, user: { id: string; token: string }, name = 'phone'): Promise<{ key: Buffer; serial: string }> {
  const created = await call(`${s.url}/v3.0/OS-MFA/virtual-mfa-devices`, { method: 'POST', token: user.token, body: { virtual_mfa_device: { name, user_id: user.id } } })
  if (created.status !== 201) throw new Error(`create device: ${created.status} ${created.text}`)
  const key = base32Decode(created.body.virtual_mfa_device.base32_string_seed)!
  const serial = created.body.virtual_mfa_device.serial_number as string
  const step = totpStep(Date.now())
  const bound = await call(`${s.url}/v3.0/OS-MFA/mfa-devices/bind`, {
    method: 'PUT', token: user.token,
    body: { user_id: user.id, serial_number: serial, authentication_code_first: hotp(key, step - 1), authentication_code_second: hotp(key, step) },
  })
  if (bound.status !== 204) throw new Error(`bind device: ${bound.status} ${bound.text}`)
  return { key, serial }
}
