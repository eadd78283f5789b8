/**
 * @module Request schemas of the access key routes (`OS-CREDENTIAL`); the handler types are
 * derived from them. Strict: the clouds refuse unknown keys here.
 */
import { Type as T, type Static } from '@sinclair/typebox'
import { StringEnum } from '../iam-schemas.js'

// ---- access keys
export const AccessKeyParamsSchema = T.Object({ access_key: T.String() })

export const CredentialCreateBodySchema = T.Object(
  {
    credential: T.Object(
      { user_id: T.String({ minLength: 1 }), description: T.Optional(T.String({ maxLength: 255 })) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type CredentialCreateBody = Static<typeof CredentialCreateBodySchema>

export const CredentialUpdateBodySchema = T.Object(
  {
    credential: T.Object(
      { status: T.Optional(StringEnum(['active', 'inactive'] as const)), description: T.Optional(T.String({ maxLength: 255 })) },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
)
export type CredentialUpdateBody = Static<typeof CredentialUpdateBodySchema>

export const CredentialListQuerySchema = T.Object({ user_id: T.Optional(T.String()) }, { additionalProperties: true })

export const SecurityTokenBodySchema = T.Object(
  {
    auth: T.Object({
      identity: T.Object({
        methods: T.Array(T.String(), { minItems: 1 }),
        token: T.Optional(T.Object({
          id: T.Optional(T.String()),
          duration_seconds: T.Optional(T.Integer({ minimum: 900, maximum: 86_400 })),
        }, { additionalProperties: false })),
        // Keys that act as an agency (createTemporaryAccessKeyByAgency); `xrole_name` is OTC's word.
        assume_role: T.Optional(T.Object({
          domain_id: T.Optional(T.String({ minLength: 1 })),
          domain_name: T.Optional(T.String({ minLength: 1 })),
          agency_name: T.Optional(T.String({ minLength: 1 })),
          xrole_name: T.Optional(T.String({ minLength: 1 })),
          duration_seconds: T.Optional(T.Integer({ minimum: 900, maximum: 86_400 })),
          // Spec open question 13: 1–32 characters, letters, digits, spaces, -_. , a letter first.
          session_user: T.Optional(T.Object({ name: T.Optional(T.String({ pattern: '^[A-Za-z][A-Za-z0-9 ._-]{0,31}$' })) }, { additionalProperties: false })),
          // OTC: where the keys act; keys act account-wide here, so only the account is checked.
          scope: T.Optional(T.Unknown()),
        }, { additionalProperties: false })),
        // A policy narrowing the keys; checked by the service (the clouds apply it to OBS only).
        policy: T.Optional(T.Unknown()),
      }, { additionalProperties: false }),
    }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
export type SecurityTokenBody = Static<typeof SecurityTokenBodySchema>
