/**
 * @module Request schemas of the agency routes (`OS-AGENCY`). `duration` is typed loosely, as the
 * SDK types it (`object`): the service reads it (rules.ts) and names the field it refuses.
 */
import { Type as T, type Static } from '@sinclair/typebox'

const Duration = T.Union([T.String(), T.Number(), T.Null()])

export const AgencyCreateBodySchema = T.Object({
  agency: T.Object({
    name: T.String({ minLength: 1, maxLength: 64 }),
    domain_id: T.String({ minLength: 1 }),
    trust_domain_id: T.Optional(T.String({ minLength: 1 })),
    trust_domain_name: T.Optional(T.String({ minLength: 1 })),
    description: T.Optional(T.String({ maxLength: 255 })),
    duration: T.Optional(Duration),
  }),
})
export type AgencyCreateBody = Static<typeof AgencyCreateBodySchema>

export const AgencyUpdateBodySchema = T.Object({
  agency: T.Object({
    trust_domain_id: T.Optional(T.String({ minLength: 1 })),
    trust_domain_name: T.Optional(T.String({ minLength: 1 })),
    description: T.Optional(T.String({ maxLength: 255 })),
    duration: T.Optional(Duration),
    // Not changeable; accepted when they repeat the stored values (open question 15).
    name: T.Optional(T.String()),
    domain_id: T.Optional(T.String()),
  }),
})
export type AgencyUpdateBody = Static<typeof AgencyUpdateBodySchema>

export const AgencyListQuerySchema = T.Object({
  domain_id: T.Optional(T.String()),
  name: T.Optional(T.String()),
  trust_domain_id: T.Optional(T.String()),
  page: T.Optional(T.String()),
  per_page: T.Optional(T.String()),
})
export type AgencyListQuery = Static<typeof AgencyListQuerySchema>

export const AgencyIdParamsSchema = T.Object({ agency_id: T.String() })
