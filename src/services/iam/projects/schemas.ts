/**
 * @module Request schemas of the region, domain and project routes; the handler types are derived
 * from them. Wrappers are strict; the `project` object admits extra keys because Keystone stores
 * them as attributes, and the service decides per flavour whether an extra key is an error.
 */
import { Type as T, type Static } from '@sinclair/typebox'
import { NullableString, StringEnum } from '../iam-schemas.js'

const ProjectAttributes = {
  name: T.String({ minLength: 1, maxLength: 64 }),
  description: NullableString,
  domain_id: NullableString,
  parent_id: NullableString,
  enabled: T.Boolean(),
  is_domain: T.Boolean(),
  tags: T.Array(T.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' }), { maxItems: 80, uniqueItems: true }),
  options: T.Record(T.String(), T.Unknown()),
}

/** What a project body may carry besides its name, on create and on update alike. */
const ProjectOptionalAttributes = {
  description: T.Optional(ProjectAttributes.description),
  domain_id: T.Optional(ProjectAttributes.domain_id),
  parent_id: T.Optional(ProjectAttributes.parent_id),
  enabled: T.Optional(ProjectAttributes.enabled),
  is_domain: T.Optional(ProjectAttributes.is_domain),
  tags: T.Optional(ProjectAttributes.tags),
  options: T.Optional(ProjectAttributes.options),
}

export const ProjectCreateBodySchema = T.Object(
  { project: T.Object({ name: ProjectAttributes.name, ...ProjectOptionalAttributes }, { additionalProperties: true }) },
  { additionalProperties: false },
)
export type ProjectCreateBody = Static<typeof ProjectCreateBodySchema>

export const ProjectUpdateBodySchema = T.Object(
  { project: T.Object({ name: T.Optional(ProjectAttributes.name), ...ProjectOptionalAttributes }, { additionalProperties: true }) },
  { additionalProperties: false },
)
export type ProjectUpdateBody = Static<typeof ProjectUpdateBodySchema>

export const ProjectStatusBodySchema = T.Object(
  { project: T.Object({ status: StringEnum(['normal', 'suspended'] as const) }, { additionalProperties: false }) },
  { additionalProperties: false },
)
export type ProjectStatusBody = Static<typeof ProjectStatusBodySchema>

/** Query values arrive as text; the service parses booleans and numbers and names the bad one. */
export const ProjectListQuerySchema = T.Object(
  {
    domain_id: T.Optional(T.String()),
    name: T.Optional(T.String()),
    parent_id: T.Optional(T.String()),
    enabled: T.Optional(T.String()),
    is_domain: T.Optional(T.String()),
    /** Keystone's tag filters: comma-separated tags (keystone flavour). */
    tags: T.Optional(T.String()),
    'tags-any': T.Optional(T.String()),
    'not-tags': T.Optional(T.String()),
    'not-tags-any': T.Optional(T.String()),
    page: T.Optional(T.String()),
    per_page: T.Optional(T.String()),
  },
  { additionalProperties: true },
)
export type ProjectListQuery = Static<typeof ProjectListQuerySchema>

/** Keystone's hierarchy flags on `GET /v3/projects/{id}`: present means true unless `0`. */
export const ProjectShowQuerySchema = T.Object(
  {
    parents_as_list: T.Optional(T.String()),
    parents_as_ids: T.Optional(T.String()),
    subtree_as_list: T.Optional(T.String()),
    subtree_as_ids: T.Optional(T.String()),
    include_limits: T.Optional(T.String()),
  },
  { additionalProperties: true },
)
export type ProjectShowQuery = Static<typeof ProjectShowQuerySchema>

export const DomainListQuerySchema = T.Object(
  { name: T.Optional(T.String()), enabled: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type DomainListQuery = Static<typeof DomainListQuerySchema>

/**
 * The `openstack` CLI sends `"options": {}` with every domain it creates or changes. Domains keep
 * no options here (Keystone's one is `immutable`), so only an empty set is taken.
 */
const DomainOptions = T.Object({}, { additionalProperties: false })

export const DomainCreateBodySchema = T.Object(
  {
    domain: T.Object(
      {
        name: T.String({ minLength: 1, maxLength: 64, pattern: '\\S' }),
        description: T.Optional(NullableString),
        enabled: T.Optional(T.Boolean()),
        options: T.Optional(DomainOptions),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type DomainCreateBody = Static<typeof DomainCreateBodySchema>

export const DomainUpdateBodySchema = T.Object(
  {
    domain: T.Object(
      {
        name: T.Optional(T.String({ minLength: 1, maxLength: 64, pattern: '\\S' })),
        description: T.Optional(NullableString),
        enabled: T.Optional(T.Boolean()),
        options: T.Optional(DomainOptions),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
)
export type DomainUpdateBody = Static<typeof DomainUpdateBodySchema>

/** Keystone's region bodies: every key optional, extra keys kept as attributes. */
const RegionAttributes = {
  id: T.Optional(T.String()),
  description: T.Optional(NullableString),
  parent_region_id: T.Optional(NullableString),
}
export const RegionCreateBodySchema = T.Object(
  { region: T.Object(RegionAttributes, { additionalProperties: true }) },
  { additionalProperties: true },
)
export type RegionCreateBody = Static<typeof RegionCreateBodySchema>
export const RegionUpdateBodySchema = T.Object(
  { region: T.Object({ ...RegionAttributes, id: T.Optional(NullableString) }, { additionalProperties: true, minProperties: 1 }) },
  { additionalProperties: true },
)
export type RegionUpdateBody = Static<typeof RegionUpdateBodySchema>
export const RegionListQuerySchema = T.Object({ parent_region_id: T.Optional(T.String()) }, { additionalProperties: true })
export type RegionListQuery = Static<typeof RegionListQuerySchema>

/** Keystone's tag: 1 to 255 characters, neither '/' nor ','. */
const ProjectTag = T.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' })
/** At most 80 tags, each once. */
export const ProjectTagList = T.Array(ProjectTag, { maxItems: 80, uniqueItems: true })
export const ProjectTagsBodySchema = T.Object({ tags: ProjectTagList }, { additionalProperties: true })
export type ProjectTagsBody = Static<typeof ProjectTagsBodySchema>
export const ProjectTagParamsSchema = T.Object({ project_id: T.String(), value: T.String() })

export const ProjectIdParamsSchema = T.Object({ project_id: T.String() })
export const DomainIdParamsSchema = T.Object({ domain_id: T.String() })
export const RegionIdParamsSchema = T.Object({ region_id: T.String() })
