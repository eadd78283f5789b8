/**
 * @module Request schemas of the EPS routes; handler types derive from them. Bodies are flat (not
 * wrapped as IAM's are) and strict. Field rules that differ per flavour (name length, charset,
 * reserved name) are checked by the service; a schema failure on a field with its own EPS code
 * (name, description, limit, …) is answered with that code by `wire.ts`. Query values arrive as
 * strings and are parsed by the service, which knows EPS's codes for bad ones.
 */
import { Type as T, type Static } from '@sinclair/typebox'
import { RESOURCE_ID_CHARACTERS, RESOURCE_ID_MAX_LENGTH, RESOURCE_NAME_MAX_LENGTH } from './rules.js'

export const EnterpriseProjectParamsSchema = T.Object({ enterprise_project_id: T.String() })
export const ApiVersionParamsSchema = T.Object({ api_version: T.String() })

export const EnterpriseProjectListQuerySchema = T.Object(
  {
    id: T.Optional(T.String()),
    name: T.Optional(T.String()),
    status: T.Optional(T.String()),
    type: T.Optional(T.String()),
    offset: T.Optional(T.String()),
    limit: T.Optional(T.String()),
    sort_key: T.Optional(T.String()),
    sort_dir: T.Optional(T.String()),
  },
  { additionalProperties: true },
)
export type EnterpriseProjectListQuery = Static<typeof EnterpriseProjectListQuerySchema>

export const EnterpriseProjectBodySchema = T.Object(
  {
    name: T.String(),
    description: T.Optional(T.String()),
    type: T.Optional(T.String()),
  },
  { additionalProperties: false },
)
export type EnterpriseProjectBody = Static<typeof EnterpriseProjectBodySchema>

export const EnterpriseProjectActionBodySchema = T.Object({ action: T.String() }, { additionalProperties: false })
export type EnterpriseProjectActionBody = Static<typeof EnterpriseProjectActionBodySchema>

export const ResourceFilterBodySchema = T.Object(
  {
    resource_types: T.Array(T.String(), { minItems: 1 }),
    projects: T.Optional(T.Array(T.String())),
    offset: T.Optional(T.Integer({ minimum: 0 })),
    limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000 })),
    matches: T.Optional(T.Array(T.Object({ key: T.String(), value: T.String() }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
)
export type ResourceFilterBody = Static<typeof ResourceFilterBodySchema>

export const ResourceMigrateBodySchema = T.Object(
  {
    resource_id: T.String({ minLength: 1 }),
    resource_type: T.String({ minLength: 1 }),
    project_id: T.Optional(T.String()),
    region_id: T.Optional(T.String()),
    associated: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
)
export type ResourceMigrateBody = Static<typeof ResourceMigrateBodySchema>

export const ProviderListQuerySchema = T.Object(
  { locale: T.Optional(T.String()), limit: T.Optional(T.String()), offset: T.Optional(T.String()), provider: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type ProviderListQuery = Static<typeof ProviderListQuerySchema>

export const MigrationRecordQuerySchema = T.Object(
  {
    start_time: T.Optional(T.String()),
    end_time: T.Optional(T.String()),
    offset: T.Optional(T.String()),
    limit: T.Optional(T.String()),
    resource_id: T.Optional(T.String()),
  },
  { additionalProperties: true },
)
export type MigrationRecordQuery = Static<typeof MigrationRecordQuerySchema>

export const AssociatedResourcesParamsSchema = T.Object({ resource_id: T.String() })
export const AssociatedResourcesQuerySchema = T.Object(
  { project_id: T.String(), region_id: T.String(), resource_type: T.String() },
  { additionalProperties: true },
)
export type AssociatedResourcesQuery = Static<typeof AssociatedResourcesQuerySchema>

// ---- projectplane admin API: registering resources
export const ResourceRegisterBodySchema = T.Object(
  {
    resource_type: T.String({ minLength: 1 }),
    resource_id: T.Optional(T.String({ minLength: 1, maxLength: RESOURCE_ID_MAX_LENGTH, pattern: `^[${RESOURCE_ID_CHARACTERS}]+$` })),
    resource_name: T.Optional(T.String({ maxLength: RESOURCE_NAME_MAX_LENGTH })),
    project_id: T.Optional(T.String()),
    region_id: T.Optional(T.String()),
    enterprise_project_id: T.Optional(T.String()),
    attached_to: T.Optional(T.String()),
    resource_detail: T.Optional(T.Union([T.Record(T.String(), T.Unknown()), T.Null()])),
  },
  { additionalProperties: false },
)
export type ResourceRegisterBody = Static<typeof ResourceRegisterBodySchema>

export const ResourceKeyParamsSchema = T.Object({ resource_type: T.String(), resource_id: T.String() })
