/**
 * @module Request schemas of the catalog routes, as keystone/catalog/schema.py (Keystone 22)
 * words them: services and endpoints keep extra attributes (`additionalProperties`), `enabled` is
 * a boolean only (a string `"False"` is refused). List filters Keystone does not know are
 * ignored, as Keystone ignores them.
 */
import { Type as T, type Static } from '@sinclair/typebox'
import { StringEnum } from '../iam-schemas.js'

const INTERFACES = ['admin', 'internal', 'public'] as const

export const ServiceListQuerySchema = T.Object({ type: T.Optional(T.String()), name: T.Optional(T.String()) }, { additionalProperties: true })
export type ServiceListQuery = Static<typeof ServiceListQuerySchema>

export const ServiceIdParamsSchema = T.Object({ service_id: T.String() })

export const EndpointListQuerySchema = T.Object(
  { interface: T.Optional(T.String()), service_id: T.Optional(T.String()), region_id: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type EndpointListQuery = Static<typeof EndpointListQuerySchema>

export const EndpointIdParamsSchema = T.Object({ endpoint_id: T.String() })

// ---- writes (keystone flavour)
const ServicePropertiesSchema = {
  type: T.Optional(T.String({ minLength: 1, maxLength: 255 })),
  name: T.Optional(T.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' })),
  enabled: T.Optional(T.Boolean()),
}

export const ServiceCreateBodySchema = T.Object({
  service: T.Object({ ...ServicePropertiesSchema, type: T.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: true }),
})
export type ServiceCreateBody = Static<typeof ServiceCreateBodySchema>

export const ServiceUpdateBodySchema = T.Object({
  service: T.Object({ ...ServicePropertiesSchema, id: T.Optional(T.Unknown()) }, { additionalProperties: true, minProperties: 1 }),
})
export type ServiceUpdateBody = Static<typeof ServiceUpdateBodySchema>

const EndpointPropertiesSchema = {
  enabled: T.Optional(T.Boolean()),
  interface: T.Optional(StringEnum(INTERFACES)),
  region_id: T.Optional(T.String()),
  region: T.Optional(T.String()),
  service_id: T.Optional(T.String()),
  url: T.Optional(T.String({ minLength: 0, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' })),
}

export const EndpointCreateBodySchema = T.Object({
  endpoint: T.Object({
    ...EndpointPropertiesSchema,
    interface: StringEnum(INTERFACES),
    service_id: T.String(),
    url: T.String({ minLength: 0, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' }),
  }, { additionalProperties: true }),
})
export type EndpointCreateBody = Static<typeof EndpointCreateBodySchema>

export const EndpointUpdateBodySchema = T.Object({
  endpoint: T.Object({ ...EndpointPropertiesSchema, id: T.Optional(T.Unknown()) }, { additionalProperties: true, minProperties: 1 }),
})
export type EndpointUpdateBody = Static<typeof EndpointUpdateBodySchema>

// ---- OS-EP-FILTER
const EndpointGroupPropertiesSchema = {
  description: T.Optional(T.Union([T.String(), T.Null()])),
  // Keystone 22 checks the keys (service_id, region_id, interface) itself, with its own message.
  filters: T.Optional(T.Record(T.String(), T.Unknown())),
  name: T.Optional(T.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' })),
}

export const EndpointGroupCreateBodySchema = T.Object({
  endpoint_group: T.Object({
    ...EndpointGroupPropertiesSchema,
    name: T.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' }),
    filters: T.Record(T.String(), T.Unknown()),
  }, { additionalProperties: true }),
})
export type EndpointGroupCreateBody = Static<typeof EndpointGroupCreateBodySchema>

export const EndpointGroupUpdateBodySchema = T.Object({
  endpoint_group: T.Object({ ...EndpointGroupPropertiesSchema, id: T.Optional(T.Unknown()) }, { additionalProperties: true, minProperties: 1 }),
})
export type EndpointGroupUpdateBody = Static<typeof EndpointGroupUpdateBodySchema>

export const EndpointGroupListQuerySchema = T.Object({ name: T.Optional(T.String()) }, { additionalProperties: true })
export type EndpointGroupListQuery = Static<typeof EndpointGroupListQuerySchema>

export const EndpointGroupIdParamsSchema = T.Object({ endpoint_group_id: T.String() })
export const ProjectIdParamsSchema = T.Object({ project_id: T.String() })
export const ProjectEndpointParamsSchema = T.Object({ project_id: T.String(), endpoint_id: T.String() })
export const EndpointGroupProjectParamsSchema = T.Object({ endpoint_group_id: T.String(), project_id: T.String() })
