/**
 * @module Request schemas of Keystone's credential routes (keystone flavour). The bodies are
 * loose on purpose: Keystone checks a credential after its policy, with words that name the
 * attribute inside `credential` (see rules.ts), so the service checks them.
 */
import { Type as T, type Static } from '@sinclair/typebox'

export const CredentialIdParamsSchema = T.Object({ credential_id: T.String() })

export const CredentialBodySchema = T.Object(
  { credential: T.Optional(T.Unknown({ description: 'user_id, type, blob (a JSON string for type ec2, with an access key), project_id (required for ec2), extra attributes' })) },
  { additionalProperties: true },
)
export type CredentialBody = Static<typeof CredentialBodySchema>

export const CredentialListQuerySchema = T.Object(
  { user_id: T.Optional(T.String()), type: T.Optional(T.String()) },
  // Keystone ignores query parameters it does not filter by.
  { additionalProperties: true },
)
export type CredentialListQuery = Static<typeof CredentialListQuerySchema>

export const Ec2UserParamsSchema = T.Object({ user_id: T.String() })
export const Ec2CredentialParamsSchema = T.Object({ user_id: T.String(), credential_id: T.String({ description: 'The access key' }) })

export const Ec2CreateBodySchema = T.Object(
  { tenant_id: T.Optional(T.Unknown({ description: 'The project the keys act in' })) },
  { additionalProperties: true },
)
export type Ec2CreateBody = Static<typeof Ec2CreateBodySchema>
