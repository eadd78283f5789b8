/**
 * @module Request schemas of the IAM routes; the handler types are derived from them. Wrappers
 * are strict; the `project` object admits extra keys because Keystone stores them as attributes,
 * and the service decides per flavour whether an extra key is an error.
 */
import { Type as T, type Static } from '@sinclair/typebox'

const NullableString = T.Union([T.String(), T.Null()])
const Ref = T.Object({ id: T.Optional(T.String()), name: T.Optional(T.String()) })

export const TokenRequestSchema = T.Object(
  {
    auth: T.Object({
      identity: T.Object({
        methods: T.Array(T.String(), { minItems: 1 }),
        password: T.Optional(
          T.Object({
            user: T.Object({
              id: T.Optional(T.String()),
              name: T.Optional(T.String()),
              password: T.String(),
              domain: T.Optional(Ref),
            }),
          }),
        ),
      }),
      scope: T.Optional(
        T.Union([
          T.Object({
            domain: T.Optional(Ref),
            project: T.Optional(T.Object({ id: T.Optional(T.String()), name: T.Optional(T.String()), domain: T.Optional(Ref) })),
          }),
          // keystoneauth sends "unscoped" for an explicitly unscoped request.
          T.Literal('unscoped'),
        ]),
      ),
    }),
  },
  { additionalProperties: false },
)
export type TokenRequest = Static<typeof TokenRequestSchema>

export const NocatalogQuerySchema = T.Object({ nocatalog: T.Optional(T.String()) })

const ProjectAttributes = {
  name: T.String({ minLength: 1, maxLength: 64 }),
  description: NullableString,
  domain_id: NullableString,
  parent_id: NullableString,
  enabled: T.Boolean(),
  is_domain: T.Boolean(),
  tags: T.Array(T.String({ minLength: 1, maxLength: 255 }), { maxItems: 80 }),
  options: T.Record(T.String(), T.Unknown()),
}

export const ProjectCreateBodySchema = T.Object(
  {
    project: T.Object(
      {
        name: ProjectAttributes.name,
        description: T.Optional(ProjectAttributes.description),
        domain_id: T.Optional(ProjectAttributes.domain_id),
        parent_id: T.Optional(ProjectAttributes.parent_id),
        enabled: T.Optional(ProjectAttributes.enabled),
        is_domain: T.Optional(ProjectAttributes.is_domain),
        tags: T.Optional(ProjectAttributes.tags),
        options: T.Optional(ProjectAttributes.options),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: false },
)
export type ProjectCreateBody = Static<typeof ProjectCreateBodySchema>

export const ProjectUpdateBodySchema = T.Object(
  {
    project: T.Object(
      {
        name: T.Optional(ProjectAttributes.name),
        description: T.Optional(ProjectAttributes.description),
        domain_id: T.Optional(ProjectAttributes.domain_id),
        parent_id: T.Optional(ProjectAttributes.parent_id),
        enabled: T.Optional(ProjectAttributes.enabled),
        is_domain: T.Optional(ProjectAttributes.is_domain),
        tags: T.Optional(ProjectAttributes.tags),
        options: T.Optional(ProjectAttributes.options),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: false },
)
export type ProjectUpdateBody = Static<typeof ProjectUpdateBodySchema>

/** A JSON-schema `enum`, so a refusal can list the allowed values. */
function StringEnum<V extends string>(values: readonly V[]) {
  return T.Unsafe<V>({ type: 'string', enum: values })
}

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
    page: T.Optional(T.String()),
    per_page: T.Optional(T.String()),
  },
  { additionalProperties: true },
)
export type ProjectListQuery = Static<typeof ProjectListQuerySchema>

export const DomainListQuerySchema = T.Object(
  { name: T.Optional(T.String()), enabled: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type DomainListQuery = Static<typeof DomainListQuerySchema>

export const DomainCreateBodySchema = T.Object(
  {
    domain: T.Object(
      {
        name: T.String({ minLength: 1, maxLength: 64, pattern: '\\S' }),
        description: T.Optional(NullableString),
        enabled: T.Optional(T.Boolean()),
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
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
)
export type DomainUpdateBody = Static<typeof DomainUpdateBodySchema>

export const ProjectIdParamsSchema = T.Object({ project_id: T.String() })
export const DomainIdParamsSchema = T.Object({ domain_id: T.String() })
export const RegionIdParamsSchema = T.Object({ region_id: T.String() })
export const UserIdParamsSchema = T.Object({ user_id: T.String() })
export const GroupIdParamsSchema = T.Object({ group_id: T.String() })
export const GroupMemberParamsSchema = T.Object({ group_id: T.String(), user_id: T.String() })

// ---- users: Keystone's schema (identity/schema.py), which admits extra attributes.
const UserName = T.String({ minLength: 1, maxLength: 255, pattern: '\\S' })
const UserAttributes = {
  domain_id: T.Optional(NullableString),
  password: T.Optional(NullableString),
  enabled: T.Optional(T.Boolean()),
  description: T.Optional(NullableString),
  email: T.Optional(T.Union([T.String({ maxLength: 255 }), T.Null()])),
  default_project_id: T.Optional(NullableString),
}

export const UserCreateBodySchema = T.Object(
  { user: T.Object({ name: UserName, ...UserAttributes }, { additionalProperties: true }) },
  { additionalProperties: false },
)
export type UserCreateBody = Static<typeof UserCreateBodySchema>

export const UserUpdateBodySchema = T.Object(
  { user: T.Object({ name: T.Optional(UserName), ...UserAttributes }, { additionalProperties: true, minProperties: 1 }) },
  { additionalProperties: false },
)
export type UserUpdateBody = Static<typeof UserUpdateBodySchema>

export const PasswordChangeBodySchema = T.Object(
  { user: T.Object({ password: T.String({ minLength: 1 }), original_password: T.String() }, { additionalProperties: false }) },
  { additionalProperties: false },
)
export type PasswordChangeBody = Static<typeof PasswordChangeBodySchema>

export const UserListQuerySchema = T.Object(
  { domain_id: T.Optional(T.String()), name: T.Optional(T.String()), enabled: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type UserListQuery = Static<typeof UserListQuerySchema>

// ---- groups
const GroupName = T.String({ minLength: 1, maxLength: 64, pattern: '\\S' })
export const GroupCreateBodySchema = T.Object(
  {
    group: T.Object(
      { name: GroupName, description: T.Optional(T.Union([T.String({ maxLength: 255 }), T.Null()])), domain_id: T.Optional(NullableString) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type GroupCreateBody = Static<typeof GroupCreateBodySchema>

export const GroupUpdateBodySchema = T.Object(
  {
    group: T.Object(
      { name: T.Optional(GroupName), description: T.Optional(T.Union([T.String({ maxLength: 255 }), T.Null()])), domain_id: T.Optional(NullableString) },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
)
export type GroupUpdateBody = Static<typeof GroupUpdateBodySchema>

export const GroupListQuerySchema = T.Object(
  { domain_id: T.Optional(T.String()), name: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type GroupListQuery = Static<typeof GroupListQuerySchema>

// ---- roles and custom policies
export const RoleIdParamsSchema = T.Object({ role_id: T.String() })

export const RoleListQuerySchema = T.Object(
  {
    name: T.Optional(T.String()),
    domain_id: T.Optional(T.String()),
    display_name: T.Optional(T.String()),
    type: T.Optional(T.String()),
    catalog: T.Optional(T.String()),
    permission_type: T.Optional(T.String()),
    page: T.Optional(T.String()),
    per_page: T.Optional(T.String()),
  },
  { additionalProperties: true },
)
export type RoleListQuery = Static<typeof RoleListQuerySchema>

export const PagingQuerySchema = T.Object({ page: T.Optional(T.String()), per_page: T.Optional(T.String()) }, { additionalProperties: true })
export type PagingQuery = Static<typeof PagingQuerySchema>

/** The clouds' custom policy: every field but description_cn is required, on create and on replace. */
const CustomRoleSchema = T.Object(
  {
    role: T.Object(
      {
        display_name: T.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' }),
        type: StringEnum(['AX', 'XA'] as const),
        description: T.String({ maxLength: 256 }),
        description_cn: T.Optional(T.String({ maxLength: 256 })),
        // Checked by auth/custom-policy.ts, which names the offending statement and action.
        policy: T.Unknown(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export const CustomRoleCreateBodySchema = CustomRoleSchema
export type CustomRoleCreateBody = Static<typeof CustomRoleSchema>
export const CustomRoleUpdateBodySchema = CustomRoleSchema
export type CustomRoleUpdateBody = Static<typeof CustomRoleSchema>

export const RoleAssignmentQuerySchema = T.Object(
  {
    'user.id': T.Optional(T.String()),
    'group.id': T.Optional(T.String()),
    'role.id': T.Optional(T.String()),
    'scope.domain.id': T.Optional(T.String()),
    'scope.project.id': T.Optional(T.String()),
    'scope.OS-INHERIT:inherited_to': T.Optional(T.String()),
    effective: T.Optional(T.String()),
    include_names: T.Optional(T.String()),
  },
  { additionalProperties: true },
)
export type RoleAssignmentQuery = Static<typeof RoleAssignmentQuerySchema>

export const EnterpriseProjectParamsSchema = T.Object({ enterprise_project_id: T.String() })
/** Every grant path: a target, an actor and, except on lists, a role. */
export const GrantParamsSchema = T.Object(
  {
    domain_id: T.Optional(T.String()),
    project_id: T.Optional(T.String()),
    enterprise_project_id: T.Optional(T.String()),
    group_id: T.Optional(T.String()),
    user_id: T.Optional(T.String()),
    role_id: T.Optional(T.String()),
  },
)
export type GrantParams = Static<typeof GrantParamsSchema>

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
        // A policy narrowing the keys; checked by the service (the clouds apply it to OBS only).
        policy: T.Optional(T.Unknown()),
      }, { additionalProperties: false }),
    }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
export type SecurityTokenBody = Static<typeof SecurityTokenBodySchema>
