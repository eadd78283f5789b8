/**
 * @module Request schemas of domain-specific configuration. Keystone checks the configuration
 * itself in its manager (rules.ts), with its own 403 texts; the schema only needs `config` to be
 * an object (Keystone, given anything else, fails with a 500), and takes a missing one as `{}`.
 */
import { Type as T, type Static } from '@sinclair/typebox'

export const DomainConfigParamsSchema = T.Object({ domain_id: T.String() })
export const DomainConfigGroupParamsSchema = T.Object({ domain_id: T.String(), group: T.String() })
export const DomainConfigOptionParamsSchema = T.Object({ domain_id: T.String(), group: T.String(), option: T.String() })
export const DefaultConfigGroupParamsSchema = T.Object({ group: T.String() })
export const DefaultConfigOptionParamsSchema = T.Object({ group: T.String(), option: T.String() })

export const DomainConfigBodySchema = T.Object({
  config: T.Optional(T.Record(T.String(), T.Unknown())),
}, { additionalProperties: true })
export type DomainConfigBody = Static<typeof DomainConfigBodySchema>
