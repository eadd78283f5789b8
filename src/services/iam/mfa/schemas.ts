/**
 * @module Request schemas of the virtual MFA and login-protection routes (SDK `CreateMfaDeviceReq`,
 * `BindMfaDevice`, `UnbindMfaDevice`, `DeleteMfaDeviceRequest`, `UpdateLoginProjectReq`); the
 * handler types are derived from them. Unknown keys are ignored, as the clouds ignore them. A
 * failure is answered with the clouds' codes (routes.ts: `IAM.0072` missing, `IAM.0073` wrong).
 */
import { Type as T, type Static } from '@sinclair/typebox'

/** The console's rule for a device name (spec §6.1): 1–64 letters, digits, `-` and `_`. */
const DeviceName = T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })
const Code = T.String()

export const MfaDeviceCreateBodySchema = T.Object({
  virtual_mfa_device: T.Object({ name: DeviceName, user_id: T.String({ minLength: 1 }) }),
})
export type MfaDeviceCreateBody = Static<typeof MfaDeviceCreateBodySchema>

export const MfaDeviceBindBodySchema = T.Object({
  user_id: T.String({ minLength: 1 }),
  serial_number: T.String({ minLength: 1 }),
  authentication_code_first: Code,
  authentication_code_second: Code,
})
export type MfaDeviceBindBody = Static<typeof MfaDeviceBindBodySchema>

export const MfaDeviceUnbindBodySchema = T.Object({
  user_id: T.String({ minLength: 1 }),
  authentication_code: Code,
  serial_number: T.String({ minLength: 1 }),
})
export type MfaDeviceUnbindBody = Static<typeof MfaDeviceUnbindBodySchema>

export const MfaDeviceDeleteQuerySchema = T.Object({ user_id: T.String({ minLength: 1 }), serial_number: T.String({ minLength: 1 }) })
export type MfaDeviceDeleteQuery = Static<typeof MfaDeviceDeleteQuerySchema>

export const VERIFICATION_METHODS = ['sms', 'email', 'vmfa'] as const
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number]

export const LoginProtectUpdateBodySchema = T.Object({
  login_protect: T.Object({
    enabled: T.Boolean(),
    // Any string: an unknown method is the clouds' IAM.0073 with the value, said by the service.
    verification_method: T.String(),
    // The emulator's own switch (spec §7.3, OTC's console-only "API login protection"); kept when left out.
    api_login_protection: T.Optional(T.Boolean()),
  }),
})
export type LoginProtectUpdateBody = Static<typeof LoginProtectUpdateBodySchema>

export const MfaUserParamsSchema = T.Object({ user_id: T.String() })

/** The operator's outbox: one user's codes, or every user's. */
export const OutboxQuerySchema = T.Object({ user_id: T.Optional(T.String({ minLength: 1 })) })
export type OutboxQuery = Static<typeof OutboxQuerySchema>

/** The console's second step: the code the user received or read from the app. */
export const LoginVerifyBodySchema = T.Object({ verification_code: T.String() })
export type LoginVerifyBody = Static<typeof LoginVerifyBodySchema>
