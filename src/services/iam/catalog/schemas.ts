/**
 * @module Request schemas of the catalog routes. Filters Keystone does not know are ignored, as
 * Keystone ignores them (the SDK offers no `type` filter on endpoints).
 */
import { Type as T, type Static } from '@sinclair/typebox'

export const ServiceListQuerySchema = T.Object({ type: T.Optional(T.String()), name: T.Optional(T.String()) }, { additionalProperties: true })
export type ServiceListQuery = Static<typeof ServiceListQuerySchema>

export const ServiceIdParamsSchema = T.Object({ service_id: T.String() })

export const EndpointListQuerySchema = T.Object(
  { interface: T.Optional(T.String()), service_id: T.Optional(T.String()), region_id: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type EndpointListQuery = Static<typeof EndpointListQuerySchema>

export const EndpointIdParamsSchema = T.Object({ endpoint_id: T.String() })
