/**
 * @module Request schemas of the application credential and access rule routes, and of the
 * `application_credential` auth method; the handler types are derived from them. Keystone's
 * own (keystone/application_credential/schema.py): extra keys allowed on a create.
 */
import { Type as T, type Static } from '@sinclair/typebox'
import { RefSchema } from '../iam-schemas.js'

const IdString = T.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })
const Name = T.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' })

export const UserParamsSchema = T.Object({ user_id: T.String() })
export const ApplicationCredentialParamsSchema = T.Object({ user_id: T.String(), application_credential_id: T.String() })
export const AccessRuleParamsSchema = T.Object({ user_id: T.String(), access_rule_id: T.String() })

/** A role the credential delegates: by id or by name, exactly one of them. */
const RoleRefSchema = T.Object({ id: T.Optional(IdString), name: T.Optional(Name) }, { minProperties: 1, maxProperties: 1, additionalProperties: false })

export const AccessRuleInputSchema = T.Object(
  {
    path: T.Optional(T.String({ minLength: 0, maxLength: 225, pattern: '^\\/.*' })),
    method: T.Optional(T.String({ pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' })),
    service: T.Optional(IdString),
    id: T.Optional(IdString),
  },
  { additionalProperties: false },
)
export type AccessRuleInput = Static<typeof AccessRuleInputSchema>

export const ApplicationCredentialCreateBodySchema = T.Object({
  application_credential: T.Object(
    {
      name: Name,
      description: T.Optional(T.Union([T.String(), T.Null()])),
      secret: T.Optional(T.Union([T.String(), T.Null()])),
      expires_at: T.Optional(T.Union([T.String(), T.Null()])),
      roles: T.Optional(T.Array(RoleRefSchema)),
      unrestricted: T.Optional(T.Boolean()),
      access_rules: T.Optional(T.Array(AccessRuleInputSchema)),
    },
    { additionalProperties: true },
  ),
})
export type ApplicationCredentialCreateBody = Static<typeof ApplicationCredentialCreateBodySchema>

/** Keystone filters the list by `name` only; other keys are ignored. */
export const ApplicationCredentialListQuerySchema = T.Object({ name: T.Optional(T.String()) }, { additionalProperties: true })
export type ApplicationCredentialListQuery = Static<typeof ApplicationCredentialListQuerySchema>

export const AccessRuleListQuerySchema = T.Object(
  { service: T.Optional(T.String()), path: T.Optional(T.String()), method: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type AccessRuleListQuery = Static<typeof AccessRuleListQuerySchema>

/**
 * `identity.application_credential` of a token request: the credential by id, or by name with
 * its user (by id, or by name with the user's domain), and the secret.
 */
export const ApplicationCredentialAuthSchema = T.Object({
  id: T.Optional(T.String()),
  name: T.Optional(T.String()),
  secret: T.Optional(T.String()),
  user: T.Optional(T.Object({ id: T.Optional(T.String()), name: T.Optional(T.String()), domain: T.Optional(RefSchema) })),
})
export type ApplicationCredentialAuth = Static<typeof ApplicationCredentialAuthSchema>
