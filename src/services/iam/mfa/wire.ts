/**
 * @module Bodies of the virtual MFA and login-protection routes (SDK `CreateMfaDeviceRespon`,
 * `MfaDeviceResult`, `LoginProtectResult`). A device's seed leaves only in the creation's answer.
 */
import type { LoginProtectRow, MfaDeviceRow, OutboxMessageRow } from '../../../db/schema.js'
import type { CreatedMfaDevice, LoginChallenge } from './service.js'

const device = (row: MfaDeviceRow) => ({ user_id: row.user_id, serial_number: row.serial_number })

const loginProtect = (row: LoginProtectRow) => ({
  user_id: row.user_id, enabled: row.enabled === 1, verification_method: row.verification_method,
  // The emulator's own switch (spec §7.3), shown so that what was set reads back; SDK clients ignore it.
  api_login_protection: row.api_login_protection === 1,
})

export class MfaWire {
  /** `otpauth_uri` is the emulator's addition: what an authenticator app scans, built from the seed. */
  created({ row, seed, otpauthUri }: CreatedMfaDevice) {
    return { virtual_mfa_device: { serial_number: row.serial_number, base32_string_seed: seed, otpauth_uri: otpauthUri } }
  }

  device(row: MfaDeviceRow) {
    return { virtual_mfa_device: device(row) }
  }

  devices(rows: readonly MfaDeviceRow[]) {
    return { virtual_mfa_devices: rows.map(device) }
  }

  loginProtect(row: LoginProtectRow) {
    return { login_protect: loginProtect(row) }
  }

  loginProtects(rows: readonly LoginProtectRow[]) {
    return { login_protects: rows.map(loginProtect) }
  }

  loginChallenge(c: LoginChallenge) {
    return { verification: { verification_method: c.method, ...(c.destination === undefined ? {} : { destination: c.destination, expires_at: c.expiresAt }) } }
  }

  outbox(rows: readonly OutboxMessageRow[]) {
    return {
      messages: rows.map((m) => ({
        id: m.id, user_id: m.user_id, channel: m.channel, destination: m.destination, purpose: m.purpose, code: m.code,
        created_at: m.created_at, expires_at: m.expires_at, used: m.used_at !== null,
      })),
    }
  }
}
