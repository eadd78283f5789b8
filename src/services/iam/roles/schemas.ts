/**
 * @module Request schemas of the role, custom policy, grant and role assignment routes; the
 * handler types are derived from them. Query values arrive as text and the service parses them.
 */
import { Type as T, type Static, type TOptional, type TString } from '@sinclair/typebox'
import { StringEnum } from '../iam-schemas.js'

// ---- roles and custom policies
export const RoleIdParamsSchema = T.Object({ role_id: T.String() })
export const PriorRoleParamsSchema = T.Object({ prior_role_id: T.String() })
export const ImpliedRoleParamsSchema = T.Object({ prior_role_id: T.String(), implied_role_id: T.String() })

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

// ---- Keystone's roles (keystone flavour, issue 16): keystone/assignment/schema.py
const KeystoneRolePropertiesSchema = {
  // parameter_types.name
  name: T.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' }),
  description: T.Optional(T.Union([T.String(), T.Null()])),
  options: T.Optional(T.Object({}, { additionalProperties: true })),
}
/** Keystone allows extra attributes on roles (`additionalProperties: True`). */
export const KeystoneRoleCreateBodySchema = T.Object({
  role: T.Object({ ...KeystoneRolePropertiesSchema, domain_id: T.Optional(T.Union([T.String(), T.Null()])) }, { additionalProperties: true }),
})
export type KeystoneRoleCreateBody = Static<typeof KeystoneRoleCreateBodySchema>
export const KeystoneRoleUpdateBodySchema = T.Object({
  role: T.Object(
    { name: T.Optional(KeystoneRolePropertiesSchema.name), description: KeystoneRolePropertiesSchema.description, options: KeystoneRolePropertiesSchema.options, domain_id: T.Optional(T.Union([T.String(), T.Null()])) },
    { additionalProperties: true, minProperties: 1 },
  ),
})
export type KeystoneRoleUpdateBody = Static<typeof KeystoneRoleUpdateBodySchema>

export const RoleAssignmentQuerySchema = T.Object(
  {
    'user.id': T.Optional(T.String()),
    'group.id': T.Optional(T.String()),
    'role.id': T.Optional(T.String()),
    'scope.domain.id': T.Optional(T.String()),
    'scope.project.id': T.Optional(T.String()),
    'scope.OS-INHERIT:inherited_to': T.Optional(T.String()),
    'scope.system': T.Optional(T.String()),
    effective: T.Optional(T.String()),
    include_names: T.Optional(T.String()),
    include_subtree: T.Optional(T.String()),
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
    agency_id: T.Optional(T.String()),
    role_id: T.Optional(T.String()),
  },
)
export type GrantParams = Static<typeof GrantParamsSchema>


/** The clouds' role-assignment query; every value is text, read by assignment-query.ts. */
const DOMAIN_ROLE_ASSIGNMENT_PARAMS = [
  'domain_id', 'role_id', 'subject', 'subject.user_id', 'subject.group_id', 'subject.agency_id',
  'scope', 'scope.project_id', 'scope.domain_id', 'scope.enterprise_projects_id', 'scope.enterprise_project_id',
  'is_inherited', 'include_group', 'page', 'per_page',
] as const
type DomainRoleAssignmentParam = (typeof DOMAIN_ROLE_ASSIGNMENT_PARAMS)[number]
export const DomainRoleAssignmentQuerySchema = T.Object(
  Object.fromEntries(DOMAIN_ROLE_ASSIGNMENT_PARAMS.map((k) => [k, T.Optional(T.String())])) as Record<DomainRoleAssignmentParam, TOptional<TString>>,
  { additionalProperties: true },
)
export type DomainRoleAssignmentQuery = Static<typeof DomainRoleAssignmentQuerySchema>

/** One entry of an agency enterprise-project grant batch (spec §1.10). */
export const AgencyEnterpriseProjectGrantSchema = T.Object({ agency_id: T.String({ minLength: 1 }), enterprise_project_id: T.String({ minLength: 1 }), role_id: T.String({ minLength: 1 }) })
export type AgencyEnterpriseProjectGrant = Static<typeof AgencyEnterpriseProjectGrantSchema>

/**
 * The batch body. The route only documents it (`attachValidation`); the service checks it, so
 * any bad body gets the clouds' fixed `Illegal request` rather than a schema message.
 */
export const AgencyEnterpriseProjectGrantsBodySchema = T.Object({ role_assignments: T.Array(AgencyEnterpriseProjectGrantSchema, { minItems: 1, maxItems: 250 }) })
