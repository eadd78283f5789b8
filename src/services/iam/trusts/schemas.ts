/**
 * @module Request schemas of the trust routes (keystone/trust/schema.py); the handler types are
 * derived from them. Keystone keeps attributes it does not know (`additionalProperties`).
 */
import { Type as T, type Static } from '@sinclair/typebox'

// keystone/common/validation/parameter_types.py
const IdString = T.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })
const ExternalIdString = T.String({ minLength: 1, maxLength: 64 })
const Name = T.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' })

/** A delegated role, by id or by name: exactly one of the two. */
const TrustRoleRefSchema = T.Object({ id: T.Optional(IdString), name: T.Optional(Name) }, { minProperties: 1, maxProperties: 1, additionalProperties: false })

export const TrustCreateBodySchema = T.Object({
  trust: T.Object({
    trustor_user_id: ExternalIdString,
    trustee_user_id: ExternalIdString,
    impersonation: T.Boolean(),
    project_id: T.Optional(T.Union([IdString, T.Null()])),
    remaining_uses: T.Optional(T.Union([T.Integer({ minimum: 1 }), T.Null()])),
    expires_at: T.Optional(T.Union([T.String(), T.Null()])),
    allow_redelegation: T.Optional(T.Union([T.Boolean(), T.Null()])),
    redelegation_count: T.Optional(T.Union([T.Integer({ minimum: 0 }), T.Null()])),
    roles: T.Optional(T.Array(TrustRoleRefSchema)),
  }, { additionalProperties: true }),
})
export type TrustCreateBody = Static<typeof TrustCreateBodySchema>
export type TrustCreateInput = TrustCreateBody['trust']

/** Keystone reads these two; any other parameter makes the list empty (see the service). */
export const TrustListQuerySchema = T.Object(
  { trustor_user_id: T.Optional(T.String()), trustee_user_id: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type TrustListQuery = Static<typeof TrustListQuerySchema>

export const TrustIdParamsSchema = T.Object({ trust_id: T.String() })
export const TrustRoleParamsSchema = T.Object({ trust_id: T.String(), role_id: T.String() })
