/**
 * @module Who may call which IAM route, as data. Every route names its action; `enforce()` looks
 * the action up here and, for `permission` rules, asks the caller's permission documents about the
 * action under its Keystone name and the clouds' fine-grained names (`cloudActions`).
 */
import type { PolicyEntry } from '../policy.js'

/**
 * Where roles are granted: one family of routes per (target, actor), each with PUT (grant),
 * HEAD (check), DELETE (revoke) under `…/roles/:role_id` and GET (list) under `…/roles`.
 * The routes and their policy entries are both generated from this list.
 */
export interface GrantRouteFamily {
  /** Path up to and including the actor id, e.g. `/v3/domains/:domain_id/groups/:group_id`. */
  readonly base: string
  /** After `/roles` or `/roles/:role_id`, e.g. `/inherited_to_projects`. */
  readonly suffix: string
  readonly targetType: 'domain' | 'project' | 'enterprise_project' | 'system'
  /** The path parameter naming the target; none for the system, Keystone's one target `all`. */
  readonly targetParam?: 'domain_id' | 'project_id' | 'enterprise_project_id'
  readonly actorType: 'group' | 'user' | 'agency'
  readonly inherited: boolean
  /** Keystone-style action stem, e.g. `domain_group` → `identity:create_domain_group_grant`. */
  readonly stem: string
  /** The clouds' names for grant, check, revoke and list; undefined where the clouds have none. */
  readonly cloud?: { readonly grant: string; readonly check?: string; readonly revoke: string; readonly list: string }
  /** The clouds' enterprise-project APIs have no HEAD. */
  readonly noCheck?: boolean
  /** Only on the clouds (agencies): Keystone has no such routes. */
  readonly cloudOnly?: boolean
  /** Only in the keystone flavour: the clouds' OS-INHERIT is for groups on domains alone. */
  readonly keystoneOnly?: boolean
  /** No GET list (Keystone's OS-INHERIT grants on projects). */
  readonly noList?: boolean
  /** The list has no top-level `links` (the clouds' enterprise-project and agency lists). */
  readonly listWithoutLinks?: boolean
  /**
   * The list shows each role short, `{id, name, links: {self}}`, under a `links` of `{self}` alone:
   * the clouds' all-projects list for agencies (spec §1.9; SDK `AgencyAllProjectRole`, `LinksSelf`).
   */
  readonly shortList?: boolean
}

export const GRANT_ROUTE_FAMILIES: readonly GrantRouteFamily[] = [
  {
    base: '/v3/domains/:domain_id/groups/:group_id', suffix: '', targetType: 'domain', targetParam: 'domain_id', actorType: 'group', inherited: false, stem: 'domain_group',
    cloud: { grant: 'iam:permissions:grantRoleToGroupOnDomain', check: 'iam:permissions:checkRoleForGroupOnDomain', revoke: 'iam:permissions:revokeRoleFromGroupOnDomain', list: 'iam:permissions:listRolesForGroupOnDomain' },
  },
  { base: '/v3/domains/:domain_id/users/:user_id', suffix: '', targetType: 'domain', targetParam: 'domain_id', actorType: 'user', inherited: false, stem: 'domain_user' },
  {
    base: '/v3/projects/:project_id/groups/:group_id', suffix: '', targetType: 'project', targetParam: 'project_id', actorType: 'group', inherited: false, stem: 'project_group',
    cloud: { grant: 'iam:permissions:grantRoleToGroupOnProject', check: 'iam:permissions:checkRoleForGroupOnProject', revoke: 'iam:permissions:revokeRoleFromGroupOnProject', list: 'iam:permissions:listRolesForGroupOnProject' },
  },
  { base: '/v3/projects/:project_id/users/:user_id', suffix: '', targetType: 'project', targetParam: 'project_id', actorType: 'user', inherited: false, stem: 'project_user' },
  {
    base: '/v3/OS-INHERIT/domains/:domain_id/groups/:group_id', suffix: '/inherited_to_projects', targetType: 'domain', targetParam: 'domain_id', actorType: 'group', inherited: true, stem: 'inherited_group',
    cloud: { grant: 'iam:permissions:grantRoleToGroup', check: 'iam:permissions:checkRoleForGroup', revoke: 'iam:permissions:revokeRoleFromGroup', list: 'iam:permissions:listRolesForGroup' },
  },
  {
    base: '/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/groups/:group_id', suffix: '', targetType: 'enterprise_project', targetParam: 'enterprise_project_id', actorType: 'group', inherited: false, stem: 'enterprise_project_group', noCheck: true,
    cloud: { grant: 'iam:permissions:grantRoleToGroupOnEnterpriseProject', revoke: 'iam:permissions:revokeRoleFromGroupOnEnterpriseProject', list: 'iam:permissions:listRolesForGroupOnEnterpriseProject' },
    listWithoutLinks: true,
  },
  {
    base: '/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/users/:user_id', suffix: '', targetType: 'enterprise_project', targetParam: 'enterprise_project_id', actorType: 'user', inherited: false, stem: 'enterprise_project_user', noCheck: true,
    cloud: { grant: 'iam:permissions:grantRoleToUserOnEnterpriseProject', revoke: 'iam:permissions:revokeRoleFromUserOnEnterpriseProject', list: 'iam:permissions:listRolesForUserOnEnterpriseProject' },
    listWithoutLinks: true,
  },
  // ---- issue 15: grants to agencies (spec §1.8, §1.9)
  {
    base: '/v3.0/OS-AGENCY/domains/:domain_id/agencies/:agency_id', suffix: '', targetType: 'domain', targetParam: 'domain_id', actorType: 'agency', inherited: false, stem: 'domain_agency', cloudOnly: true, listWithoutLinks: true,
    cloud: { grant: 'iam:permissions:grantRoleToAgencyOnDomain', check: 'iam:permissions:checkRoleForAgencyOnDomain', revoke: 'iam:permissions:revokeRoleFromAgencyOnDomain', list: 'iam:permissions:listRolesForAgencyOnDomain' },
  },
  {
    base: '/v3.0/OS-AGENCY/projects/:project_id/agencies/:agency_id', suffix: '', targetType: 'project', targetParam: 'project_id', actorType: 'agency', inherited: false, stem: 'project_agency', cloudOnly: true, listWithoutLinks: true,
    cloud: { grant: 'iam:permissions:grantRoleToAgencyOnProject', check: 'iam:permissions:checkRoleForAgencyOnProject', revoke: 'iam:permissions:revokeRoleFromAgencyOnProject', list: 'iam:permissions:listRolesForAgencyOnProject' },
  },
  {
    base: '/v3.0/OS-INHERIT/domains/:domain_id/agencies/:agency_id', suffix: '/inherited_to_projects', targetType: 'domain', targetParam: 'domain_id', actorType: 'agency', inherited: true, stem: 'inherited_agency', cloudOnly: true, shortList: true,
    cloud: { grant: 'iam:permissions:grantRoleToAgency', check: 'iam:permissions:checkRoleForAgency', revoke: 'iam:permissions:revokeRoleFromAgency', list: 'iam:permissions:listRolesForAgency' },
  },
  // ---- issue 16: Keystone's other OS-INHERIT grants (keystone flavour)
  { base: '/v3/OS-INHERIT/domains/:domain_id/users/:user_id', suffix: '/inherited_to_projects', targetType: 'domain', targetParam: 'domain_id', actorType: 'user', inherited: true, stem: 'inherited_user', keystoneOnly: true },
  { base: '/v3/OS-INHERIT/projects/:project_id/groups/:group_id', suffix: '/inherited_to_projects', targetType: 'project', targetParam: 'project_id', actorType: 'group', inherited: true, stem: 'inherited_project_group', keystoneOnly: true, noList: true },
  { base: '/v3/OS-INHERIT/projects/:project_id/users/:user_id', suffix: '/inherited_to_projects', targetType: 'project', targetParam: 'project_id', actorType: 'user', inherited: true, stem: 'inherited_project_user', keystoneOnly: true, noList: true },
  // Keystone's system grants (keystone flavour): Keystone names their actions `*_system_grant_for_user`.
  { base: '/v3/system/users/:user_id', suffix: '', targetType: 'system', actorType: 'user', inherited: false, stem: 'system_user', keystoneOnly: true },
  { base: '/v3/system/groups/:group_id', suffix: '', targetType: 'system', actorType: 'group', inherited: false, stem: 'system_group', keystoneOnly: true },
]

/** The four operations of a grant family, as method, path, action and the clouds' names. */
export function grantOperations(f: GrantRouteFamily) {
  const role = `${f.base}/roles/:role_id${f.suffix}`
  const ops = [
    { op: 'grant' as const, method: 'PUT', path: role, action: `identity:create_${f.stem}_grant`, cloudAction: f.cloud?.grant, description: `Grant a role to a ${f.actorType} on ${describeTarget(f)}` },
    { op: 'check' as const, method: 'HEAD', path: role, action: `identity:check_${f.stem}_grant`, cloudAction: f.cloud?.check, description: `Check a ${f.actorType}'s role on ${describeTarget(f)}` },
    { op: 'revoke' as const, method: 'DELETE', path: role, action: `identity:revoke_${f.stem}_grant`, cloudAction: f.cloud?.revoke, description: `Revoke a ${f.actorType}'s role on ${describeTarget(f)}` },
    { op: 'list' as const, method: 'GET', path: `${f.base}/roles${f.suffix}`, action: `identity:list_${f.stem}_grants`, cloudAction: f.cloud?.list, description: `List a ${f.actorType}'s roles on ${describeTarget(f)}` },
  ]
  return ops.filter((o) => !(f.noCheck && o.op === 'check') && !(f.noList && o.op === 'list'))
}

function describeTarget(f: GrantRouteFamily): string {
  if (f.inherited && f.targetType === 'project') return 'every project below a project'
  if (f.inherited) return 'every project of the account'
  if (f.targetType === 'system') return 'the system'
  return f.targetType === 'enterprise_project' ? 'an enterprise project' : `a ${f.targetType}`
}

const GRANT_POLICIES: PolicyEntry[] = GRANT_ROUTE_FAMILIES.flatMap((f) => grantOperations(f).map((o) => ({
  action: o.action, method: o.method, path: o.path, rule: 'permission' as const, description: o.description,
  ...(o.cloudAction ? { cloudActions: [o.cloudAction] } : {}),
  ...(f.keystoneOnly ? { keystoneOnly: true } : {}),
})))

export const IAM_POLICIES: readonly PolicyEntry[] = [
  { action: 'identity:get_version', method: 'GET', path: '/', rule: 'public', description: "List API versions (EPS's list for an eps.* host name)" },
  { action: 'identity:get_version_v3', method: 'GET', path: '/v3', rule: 'public', description: 'Show the v3 API version' },
  { action: 'identity:issue_token', method: 'POST', path: '/v3/auth/tokens', rule: 'public', description: 'Obtain a token with a password' },
  { action: 'identity:validate_token', method: 'GET', path: '/v3/auth/tokens', rule: 'permission_or_self', enforcedBy: 'service', description: 'Validate a token (own, or any in the account for an administrator)', cloudActions: ['iam:tokens:validate'] },
  { action: 'identity:check_token', method: 'HEAD', path: '/v3/auth/tokens', rule: 'permission_or_self', enforcedBy: 'service', description: 'Check a token (own, or any in the account for an administrator)', cloudActions: ['iam:tokens:validate'] },
  { action: 'identity:revoke_token', method: 'DELETE', path: '/v3/auth/tokens', rule: 'permission_or_self', enforcedBy: 'service', description: 'Revoke a token (own, or any in the account for an administrator)', cloudActions: ['iam:tokens:revoke'] },
  { action: 'identity:list_regions', method: 'GET', path: '/v3/regions', rule: 'authenticated', description: 'List regions' },
  { action: 'identity:get_region', method: 'GET', path: '/v3/regions/:region_id', rule: 'authenticated', description: 'Show a region' },
  { action: 'identity:get_auth_domains', method: 'GET', path: '/v3/auth/domains', rule: 'authenticated', description: 'Domains the caller can access' },
  { action: 'identity:get_auth_projects', method: 'GET', path: '/v3/auth/projects', rule: 'authenticated', description: 'Projects the caller can access' },
  { action: 'identity:list_user_projects', method: 'GET', path: '/v3/users/:user_id/projects', rule: 'permission_or_self', description: "Projects of a user", cloudActions: ['iam:projects:listProjectsForUser'] },
  { action: 'identity:list_domains', method: 'GET', path: '/v3/domains', rule: 'authenticated', description: 'List domains (accounts)' },
  { action: 'identity:get_domain', method: 'GET', path: '/v3/domains/:domain_id', rule: 'authenticated', description: 'Show a domain' },
  { action: 'identity:create_domain', method: 'POST', path: '/v3/domains', rule: 'system_admin', description: 'Create a domain (keystone flavour)' },
  { action: 'identity:update_domain', method: 'PATCH', path: '/v3/domains/:domain_id', rule: 'system_admin', description: 'Update a domain (keystone flavour)' },
  { action: 'identity:delete_domain', method: 'DELETE', path: '/v3/domains/:domain_id', rule: 'system_admin', description: 'Delete a disabled domain (keystone flavour)' },
  { action: 'identity:list_projects', method: 'GET', path: '/v3/projects', rule: 'authenticated', description: 'List projects of the account', cloudActions: ['iam:projects:listProjects', 'iam:projects:list'] },
  { action: 'identity:create_project', method: 'POST', path: '/v3/projects', rule: 'permission', description: 'Create a project', cloudActions: ['iam:projects:createProject', 'iam:projects:create'] },
  { action: 'identity:get_project', method: 'GET', path: '/v3/projects/:project_id', rule: 'authenticated', description: 'Show a project', cloudActions: ['iam:projects:get'] },
  { action: 'identity:update_project', method: 'PATCH', path: '/v3/projects/:project_id', rule: 'permission', description: 'Modify a project name, description or enabled flag', cloudActions: ['iam:projects:updateProject', 'iam:projects:update'] },
  { action: 'identity:delete_project', method: 'DELETE', path: '/v3/projects/:project_id', rule: 'permission', description: 'Delete a project (OTC and keystone flavours)', cloudActions: ['iam:projects:deleteProject'] },
  { action: 'identity:get_project_status', method: 'GET', path: '/v3-ext/projects/:project_id', rule: 'permission', description: 'Show a project with its status', cloudActions: ['iam:projects:get'] },
  { action: 'identity:update_project_status', method: 'PUT', path: '/v3-ext/projects/:project_id', rule: 'permission', description: 'Suspend or resume a project', cloudActions: ['iam:projects:updateProject', 'iam:projects:update'] },
  { action: 'identity:list_users', method: 'GET', path: '/v3/users', rule: 'permission', description: 'List users of the account', cloudActions: ['iam:users:listUsers'] },
  { action: 'identity:create_user', method: 'POST', path: '/v3/users', rule: 'permission', description: 'Create a user', cloudActions: ['iam:users:createUser'] },
  { action: 'identity:get_user', method: 'GET', path: '/v3/users/:user_id', rule: 'permission_or_self', description: 'Show a user', cloudActions: ['iam:users:getUser'] },
  { action: 'identity:update_user', method: 'PATCH', path: '/v3/users/:user_id', rule: 'permission', description: 'Update, enable or disable a user, or reset its password', cloudActions: ['iam:users:updateUser'] },
  { action: 'identity:delete_user', method: 'DELETE', path: '/v3/users/:user_id', rule: 'permission', description: 'Delete a user', cloudActions: ['iam:users:deleteUser'] },
  { action: 'identity:change_password', method: 'POST', path: '/v3/users/:user_id/password', rule: 'authenticated', description: 'Change one\'s own password (the service checks it is the caller\'s)' },
  { action: 'identity:list_groups_for_user', method: 'GET', path: '/v3/users/:user_id/groups', rule: 'permission_or_self', description: 'Groups of a user', cloudActions: ['iam:groups:listGroupsForUser'] },
  { action: 'identity:list_groups', method: 'GET', path: '/v3/groups', rule: 'permission', description: 'List groups of the account', cloudActions: ['iam:groups:listGroups'] },
  { action: 'identity:create_group', method: 'POST', path: '/v3/groups', rule: 'permission', description: 'Create a group', cloudActions: ['iam:groups:createGroup'] },
  { action: 'identity:get_group', method: 'GET', path: '/v3/groups/:group_id', rule: 'permission', description: 'Show a group', cloudActions: ['iam:groups:getGroup'] },
  { action: 'identity:update_group', method: 'PATCH', path: '/v3/groups/:group_id', rule: 'permission', description: 'Rename or describe a group', cloudActions: ['iam:groups:updateGroup'] },
  { action: 'identity:delete_group', method: 'DELETE', path: '/v3/groups/:group_id', rule: 'permission', description: "Delete a group (not the account's admin group)", cloudActions: ['iam:groups:deleteGroup'] },
  { action: 'identity:list_users_in_group', method: 'GET', path: '/v3/groups/:group_id/users', rule: 'permission', description: 'Members of a group', cloudActions: ['iam:users:listUsersForGroup'] },
  { action: 'identity:add_user_to_group', method: 'PUT', path: '/v3/groups/:group_id/users/:user_id', rule: 'permission', description: 'Add a user to a group', cloudActions: ['iam:groups:addUserToGroup'] },
  { action: 'identity:check_user_in_group', method: 'HEAD', path: '/v3/groups/:group_id/users/:user_id', rule: 'permission', description: 'Check group membership', cloudActions: ['iam:groups:checkUserInGroup'] },
  { action: 'identity:remove_user_from_group', method: 'DELETE', path: '/v3/groups/:group_id/users/:user_id', rule: 'permission', description: 'Remove a user from a group', cloudActions: ['iam:groups:removeUserFromGroup'] },
  { action: 'identity:list_roles', method: 'GET', path: '/v3/roles', rule: 'permission', description: 'List system roles and policies, or (domain_id) the account\'s custom policies', cloudActions: ['iam:roles:listRoles'] },
  { action: 'identity:get_role', method: 'GET', path: '/v3/roles/:role_id', rule: 'permission', description: 'Show a role or policy', cloudActions: ['iam:roles:getRole'] },
  { action: 'identity:list_custom_policies', method: 'GET', path: '/v3.0/OS-ROLE/roles', rule: 'permission', description: 'List the account\'s custom policies', cloudActions: ['iam:roles:listRoles'] },
  { action: 'identity:create_custom_policy', method: 'POST', path: '/v3.0/OS-ROLE/roles', rule: 'permission', description: 'Create a custom policy', cloudActions: ['iam:roles:createRole'] },
  { action: 'identity:get_custom_policy', method: 'GET', path: '/v3.0/OS-ROLE/roles/:role_id', rule: 'permission', description: 'Show a custom policy', cloudActions: ['iam:roles:getRole'] },
  { action: 'identity:update_custom_policy', method: 'PATCH', path: '/v3.0/OS-ROLE/roles/:role_id', rule: 'permission', description: 'Replace a custom policy', cloudActions: ['iam:roles:updateRole'] },
  { action: 'identity:delete_custom_policy', method: 'DELETE', path: '/v3.0/OS-ROLE/roles/:role_id', rule: 'permission', description: 'Delete a custom policy that no grant uses', cloudActions: ['iam:roles:deleteRole'] },
  { action: 'identity:list_role_assignments', method: 'GET', path: '/v3/role_assignments', rule: 'permission', description: 'List role assignments of the account', cloudActions: ['iam:permissions:listRoleAssignments'] },
  { action: 'identity:list_enterprise_project_groups', method: 'GET', path: '/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/groups', rule: 'permission', description: 'Groups holding roles on an enterprise project', cloudActions: ['iam:permissions:listGroupsOnEnterpriseProject'] },
  { action: 'identity:list_enterprise_project_users', method: 'GET', path: '/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/users', rule: 'permission', description: 'Users holding roles on an enterprise project', cloudActions: ['iam:permissions:listUsersOnEnterpriseProject'] },
  { action: 'identity:list_enterprise_projects_for_group', method: 'GET', path: '/v3.0/OS-PERMISSION/groups/:group_id/enterprise-projects', rule: 'permission', description: 'Enterprise projects on which a group holds roles', cloudActions: ['iam:permissions:listEnterpriseProjectsForGroup'] },
  { action: 'identity:list_enterprise_projects_for_user', method: 'GET', path: '/v3.0/OS-PERMISSION/users/:user_id/enterprise-projects', rule: 'permission_or_self', description: 'Enterprise projects on which a user holds roles', cloudActions: ['iam:permissions:listEnterpriseProjectsForUser'] },
  ...GRANT_POLICIES,
  { action: 'identity:create_credential', method: 'POST', path: '/v3.0/OS-CREDENTIAL/credentials', rule: 'permission_or_self', enforcedBy: 'service', description: 'Create a permanent access key (own, or any user of the account with the permission)', cloudActions: ['iam:credentials:createCredential'] },
  { action: 'identity:list_credentials', method: 'GET', path: '/v3.0/OS-CREDENTIAL/credentials', rule: 'permission_or_self', enforcedBy: 'service', description: 'List permanent access keys of a user', cloudActions: ['iam:credentials:listCredentials'] },
  { action: 'identity:get_credential', method: 'GET', path: '/v3.0/OS-CREDENTIAL/credentials/:access_key', rule: 'permission_or_self', enforcedBy: 'service', description: 'Show a permanent access key (never its secret)', cloudActions: ['iam:credentials:getCredential'] },
  { action: 'identity:update_credential', method: 'PUT', path: '/v3.0/OS-CREDENTIAL/credentials/:access_key', rule: 'permission_or_self', enforcedBy: 'service', description: 'Enable, disable or describe a permanent access key', cloudActions: ['iam:credentials:updateCredential'] },
  { action: 'identity:delete_credential', method: 'DELETE', path: '/v3.0/OS-CREDENTIAL/credentials/:access_key', rule: 'permission_or_self', enforcedBy: 'service', description: 'Delete a permanent access key', cloudActions: ['iam:credentials:deleteCredential'] },
  { action: 'identity:create_security_token', method: 'POST', path: '/v3.0/OS-CREDENTIAL/securitytokens', rule: 'authenticated', description: 'Temporary access keys with a security token, for the caller' },
  // ---- issue 15: catalog and login tokens
  { action: 'identity:get_auth_catalog', method: 'GET', path: '/v3/auth/catalog', rule: 'authenticated', description: 'The service catalog of a project-scoped token' },
  { action: 'identity:list_services', method: 'GET', path: '/v3/services', rule: 'authenticated', description: 'List services (Keystone: administrators only, checked by the service)' },
  { action: 'identity:get_service', method: 'GET', path: '/v3/services/:service_id', rule: 'authenticated', description: 'Show a service (Keystone: administrators only, checked by the service)' },
  { action: 'identity:list_endpoints', method: 'GET', path: '/v3/endpoints', rule: 'authenticated', description: 'List endpoints (Keystone: administrators only, checked by the service)' },
  { action: 'identity:get_endpoint', method: 'GET', path: '/v3/endpoints/:endpoint_id', rule: 'authenticated', description: 'Show an endpoint (Keystone: administrators only, checked by the service)' },
  { action: 'identity:create_login_token', method: 'POST', path: '/v3.0/OS-AUTH/securitytoken/logintokens', rule: 'public', description: 'A console login ticket for a temporary access key (Huawei Cloud)' },
  // ---- issue 15: role fields + OS-PERMISSION role-assignments
  { action: 'identity:list_domain_role_assignments', method: 'GET', path: '/v3.0/OS-PERMISSION/role-assignments', rule: 'permission', description: "The account's grants, by subject, scope and role (the clouds' query)", cloudActions: ['iam:permissions:listRoleAssignments'] },
  // ---- issue 15: quotas
  { action: 'identity:show_domain_quota', method: 'GET', path: '/v3.0/OS-QUOTA/domains/:domain_id', rule: 'authenticated', description: "Show the account's IAM quotas and their use (any user of the account)", cloudActions: ['iam:quotas:listQuotas'] },
  { action: 'identity:show_project_quota', method: 'GET', path: '/v3.0/OS-QUOTA/projects/:project_id', rule: 'permission', enforcedBy: 'service', description: "Show a region's sub-project quota (a token scoped to the project, or the permission)", cloudActions: ['iam:quotas:listQuotasForProject'] },
  // ---- issue 15: Huawei's user API (/v3.0/OS-USER)
  { action: 'identity:create_os_user', method: 'POST', path: '/v3.0/OS-USER/users', rule: 'permission', description: 'Create a user with its profile (e-mail, phone, access mode, external identity)', cloudActions: ['iam:users:createUser'] },
  { action: 'identity:get_os_user', method: 'GET', path: '/v3.0/OS-USER/users/:user_id', rule: 'permission_or_self', description: 'Show a user with its profile and login times', cloudActions: ['iam:users:getUser'] },
  { action: 'identity:update_os_user', method: 'PUT', path: '/v3.0/OS-USER/users/:user_id', rule: 'permission', description: "Update a user's profile, status or password, as an administrator", cloudActions: ['iam:users:updateUser'] },
  { action: 'identity:update_user_information', method: 'PUT', path: '/v3.0/OS-USER/users/:user_id/info', rule: 'authenticated', description: "Change one's own e-mail address or mobile number (the service checks it is the caller's)" },
  // ---- issue 15: agencies (/v3.0/OS-AGENCY; grants to them are in GRANT_ROUTE_FAMILIES)
  { action: 'identity:list_agencies', method: 'GET', path: '/v3.0/OS-AGENCY/agencies', rule: 'permission', description: "List the account's agencies", cloudActions: ['iam:agencies:listAgencies'] },
  { action: 'identity:create_agency', method: 'POST', path: '/v3.0/OS-AGENCY/agencies', rule: 'permission', description: 'Create an agency trusting another account or a cloud service', cloudActions: ['iam:agencies:createAgency'] },
  { action: 'identity:get_agency', method: 'GET', path: '/v3.0/OS-AGENCY/agencies/:agency_id', rule: 'permission', description: 'Show an agency', cloudActions: ['iam:agencies:getAgency'] },
  { action: 'identity:update_agency', method: 'PUT', path: '/v3.0/OS-AGENCY/agencies/:agency_id', rule: 'permission', description: "Change an agency's trusted account, description or validity", cloudActions: ['iam:agencies:updateAgency'] },
  { action: 'identity:delete_agency', method: 'DELETE', path: '/v3.0/OS-AGENCY/agencies/:agency_id', rule: 'permission', description: 'Delete an agency with its grants; its tokens and keys stop working', cloudActions: ['iam:agencies:deleteAgency'] },
  { action: 'identity:grant_agency_enterprise_project_roles', method: 'PUT', path: '/v3.0/OS-PERMISSION/subjects/agency/scopes/enterprise-project/role-assignments', rule: 'permission', description: 'Grant policies to agencies on enterprise projects, as one batch', cloudActions: ['iam:permissions:grantRoleToAgencyOnEnterpriseProject'] },
  { action: 'identity:revoke_agency_enterprise_project_roles', method: 'DELETE', path: '/v3.0/OS-PERMISSION/subjects/agency/scopes/enterprise-project/role-assignments', rule: 'permission', description: 'Revoke policies of agencies on enterprise projects, as one batch', cloudActions: ['iam:permissions:revokeRoleFromAgencyOnEnterpriseProject'] },
  // ---- issue 16: regions and project tags (keystone flavour only: the routes exist there alone)
  { action: 'identity:create_region', method: 'POST', path: '/v3/regions', rule: 'system_admin', description: 'Create a region, its id given or generated (keystone flavour)' },
  { action: 'identity:create_region_with_id', method: 'PUT', path: '/v3/regions/:region_id', rule: 'system_admin', description: "Create a region with the path's id (keystone flavour; Keystone checks identity:create_region)" },
  { action: 'identity:update_region', method: 'PATCH', path: '/v3/regions/:region_id', rule: 'system_admin', description: "Change a region's description, parent or extra attributes (keystone flavour)" },
  { action: 'identity:delete_region', method: 'DELETE', path: '/v3/regions/:region_id', rule: 'system_admin', description: 'Delete a region and its child regions, unless one has endpoints (keystone flavour)' },
  { action: 'identity:list_project_tags', method: 'GET', path: '/v3/projects/:project_id/tags', rule: 'authenticated', description: "List a project's tags (keystone flavour; the service checks the project is visible)" },
  { action: 'identity:update_project_tags', method: 'PUT', path: '/v3/projects/:project_id/tags', rule: 'permission', description: "Replace a project's tags (keystone flavour)", cloudActions: ['iam:projects:updateProject'] },
  { action: 'identity:delete_project_tags', method: 'DELETE', path: '/v3/projects/:project_id/tags', rule: 'permission', description: "Remove all of a project's tags (keystone flavour)", cloudActions: ['iam:projects:updateProject'] },
  { action: 'identity:get_project_tag', method: 'GET', path: '/v3/projects/:project_id/tags/:value', rule: 'authenticated', description: 'Check that a project has a tag (keystone flavour; the service checks the project is visible)' },
  { action: 'identity:create_project_tag', method: 'PUT', path: '/v3/projects/:project_id/tags/:value', rule: 'permission', description: 'Add a tag to a project (keystone flavour)', cloudActions: ['iam:projects:updateProject'] },
  { action: 'identity:delete_project_tag', method: 'DELETE', path: '/v3/projects/:project_id/tags/:value', rule: 'permission', description: 'Remove a tag from a project (keystone flavour)', cloudActions: ['iam:projects:updateProject'] },
  // ---- issue 16: roles
  { action: 'identity:create_role', method: 'POST', path: '/v3/roles', rule: 'system_admin', keystoneOnly: true, description: 'Create a role, global or of a domain (keystone flavour; admin_required)' },
  { action: 'identity:update_role', method: 'PATCH', path: '/v3/roles/:role_id', rule: 'system_admin', keystoneOnly: true, description: "Rename or describe a role (keystone flavour; admin_required)" },
  { action: 'identity:delete_role', method: 'DELETE', path: '/v3/roles/:role_id', rule: 'system_admin', keystoneOnly: true, description: 'Delete a role with its assignments (keystone flavour; admin_required)' },
  // ---- catalog writes and OS-EP-FILTER (keystone flavour)
  { action: 'identity:create_service', method: 'POST', path: '/v3/services', rule: 'system_admin', keystoneOnly: true, description: "Create a service (keystone flavour; admin_required)" },
  { action: 'identity:update_service', method: 'PATCH', path: '/v3/services/:service_id', rule: 'system_admin', keystoneOnly: true, description: "Change a service's type, name, enabled or extra attributes (keystone flavour; admin_required)" },
  { action: 'identity:delete_service', method: 'DELETE', path: '/v3/services/:service_id', rule: 'system_admin', keystoneOnly: true, description: "Delete a service with its endpoints (keystone flavour; admin_required)" },
  { action: 'identity:create_endpoint', method: 'POST', path: '/v3/endpoints', rule: 'system_admin', keystoneOnly: true, description: "Create an endpoint; a legacy `region` is created when missing (keystone flavour; admin_required)" },
  { action: 'identity:update_endpoint', method: 'PATCH', path: '/v3/endpoints/:endpoint_id', rule: 'system_admin', keystoneOnly: true, description: "Change an endpoint (keystone flavour; admin_required)" },
  { action: 'identity:delete_endpoint', method: 'DELETE', path: '/v3/endpoints/:endpoint_id', rule: 'system_admin', keystoneOnly: true, description: "Delete an endpoint with its project associations (keystone flavour; admin_required)" },
  { action: 'identity:list_endpoint_groups', method: 'GET', path: '/v3/OS-EP-FILTER/endpoint_groups', rule: 'system_admin', keystoneOnly: true, description: "List endpoint groups, by name (keystone flavour; admin_required)" },
  { action: 'identity:create_endpoint_group', method: 'POST', path: '/v3/OS-EP-FILTER/endpoint_groups', rule: 'system_admin', keystoneOnly: true, description: "Create an endpoint group (keystone flavour; admin_required)" },
  { action: 'identity:get_endpoint_group', method: 'GET', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id', rule: 'system_admin', keystoneOnly: true, description: "Show (HEAD: check) an endpoint group (keystone flavour; admin_required)" },
  { action: 'identity:update_endpoint_group', method: 'PATCH', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id', rule: 'system_admin', keystoneOnly: true, description: "Change an endpoint group's name, description or filters (keystone flavour; admin_required)" },
  { action: 'identity:delete_endpoint_group', method: 'DELETE', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id', rule: 'system_admin', keystoneOnly: true, description: "Delete an endpoint group with its project associations (keystone flavour; admin_required)" },
  { action: 'identity:list_endpoints_associated_with_endpoint_group', method: 'GET', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/endpoints', rule: 'system_admin', keystoneOnly: true, description: "List the endpoints an endpoint group's filters match (keystone flavour; admin_required)" },
  { action: 'identity:list_projects_associated_with_endpoint_group', method: 'GET', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects', rule: 'system_admin', keystoneOnly: true, description: "List the projects associated with an endpoint group (keystone flavour; admin_required)" },
  { action: 'identity:add_endpoint_group_to_project', method: 'PUT', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects/:project_id', rule: 'system_admin', keystoneOnly: true, description: "Associate an endpoint group with a project (keystone flavour; admin_required)" },
  { action: 'identity:get_endpoint_group_in_project', method: 'GET', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects/:project_id', rule: 'system_admin', keystoneOnly: true, description: "Show (HEAD: check) an endpoint group's association with a project (keystone flavour; admin_required)" },
  { action: 'identity:remove_endpoint_group_from_project', method: 'DELETE', path: '/v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects/:project_id', rule: 'system_admin', keystoneOnly: true, description: "Remove an endpoint group's association with a project (keystone flavour; admin_required)" },
  { action: 'identity:list_endpoint_groups_for_project', method: 'GET', path: '/v3/OS-EP-FILTER/projects/:project_id/endpoint_groups', rule: 'system_admin', keystoneOnly: true, description: "List the endpoint groups associated with a project (keystone flavour; admin_required)" },
  { action: 'identity:add_endpoint_to_project', method: 'PUT', path: '/v3/OS-EP-FILTER/projects/:project_id/endpoints/:endpoint_id', rule: 'system_admin', keystoneOnly: true, description: "Associate an endpoint with a project (keystone flavour; admin_required)" },
  { action: 'identity:check_endpoint_in_project', method: 'GET', path: '/v3/OS-EP-FILTER/projects/:project_id/endpoints/:endpoint_id', rule: 'system_admin', keystoneOnly: true, description: "Check (GET or HEAD) an endpoint's association with a project (keystone flavour; admin_required)" },
  { action: 'identity:remove_endpoint_from_project', method: 'DELETE', path: '/v3/OS-EP-FILTER/projects/:project_id/endpoints/:endpoint_id', rule: 'system_admin', keystoneOnly: true, description: "Remove an endpoint's association with a project (keystone flavour; admin_required)" },
  { action: 'identity:list_endpoints_for_project', method: 'GET', path: '/v3/OS-EP-FILTER/projects/:project_id/endpoints', rule: 'system_admin', keystoneOnly: true, description: "List a project's endpoints, directly and through endpoint groups (keystone flavour; admin_required)" },
  { action: 'identity:list_projects_for_endpoint', method: 'GET', path: '/v3/OS-EP-FILTER/endpoints/:endpoint_id/projects', rule: 'system_admin', keystoneOnly: true, description: "List the projects associated with an endpoint (keystone flavour; admin_required)" },
  // ---- Keystone's credentials and EC2 credentials (keystone flavour). Keystone names the first five
  // identity:*_credential(s), which the clouds' access keys above already use here; refusals say Keystone's names.
  { action: 'identity:create_keystone_credential', method: 'POST', path: '/v3/credentials', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "Create a credential (own, or anyone's for an administrator; Keystone's identity:create_credential)" },
  { action: 'identity:list_keystone_credentials', method: 'GET', path: '/v3/credentials', rule: 'authenticated', enforcedBy: 'service', keystoneOnly: true, description: "List the credentials the caller may see (own; all for an administrator or system reader; Keystone's identity:list_credentials)" },
  { action: 'identity:get_keystone_credential', method: 'GET', path: '/v3/credentials/:credential_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "Show a credential with its blob (Keystone's identity:get_credential)" },
  { action: 'identity:update_keystone_credential', method: 'PATCH', path: '/v3/credentials/:credential_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "Update a credential's blob, type, project or owner (Keystone's identity:update_credential)" },
  { action: 'identity:delete_keystone_credential', method: 'DELETE', path: '/v3/credentials/:credential_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "Delete a credential (Keystone's identity:delete_credential)" },
  { action: 'identity:ec2_create_credential', method: 'POST', path: '/v3/users/:user_id/credentials/OS-EC2', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: 'Create EC2 keys for a user and project (own, or any user for an administrator)' },
  { action: 'identity:ec2_list_credentials', method: 'GET', path: '/v3/users/:user_id/credentials/OS-EC2', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "List a user's EC2 keys" },
  { action: 'identity:ec2_get_credential', method: 'GET', path: '/v3/users/:user_id/credentials/OS-EC2/:credential_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: 'Show EC2 keys by their access key' },
  { action: 'identity:ec2_delete_credential', method: 'DELETE', path: '/v3/users/:user_id/credentials/OS-EC2/:credential_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: 'Delete EC2 keys by their access key' },
  // ---- trusts (OS-TRUST, keystone flavour only): Keystone's rules name the trust's trustor and trustee, so the service checks them (trusts/service.ts)
  { action: 'identity:create_trust', method: 'POST', path: '/v3/OS-TRUST/trusts', rule: 'authenticated', enforcedBy: 'service', keystoneOnly: true, description: 'Create a trust: the caller must be its trustor (keystone flavour)' },
  { action: 'identity:list_trusts', method: 'GET', path: '/v3/OS-TRUST/trusts', rule: 'authenticated', enforcedBy: 'service', keystoneOnly: true, description: "List all trusts (admin), a trustor's (the trustor) or a trustee's (the trustee) (keystone flavour)" },
  { action: 'identity:get_trust', method: 'GET', path: '/v3/OS-TRUST/trusts/:trust_id', rule: 'authenticated', enforcedBy: 'service', keystoneOnly: true, description: "Show a trust to its trustor, its trustee or the system's reader (keystone flavour)" },
  { action: 'identity:delete_trust', method: 'DELETE', path: '/v3/OS-TRUST/trusts/:trust_id', rule: 'authenticated', enforcedBy: 'service', keystoneOnly: true, description: "Delete a trust and those redelegated from it: its trustor or the system's administrator (keystone flavour)" },
  { action: 'identity:list_roles_for_trust', method: 'GET', path: '/v3/OS-TRUST/trusts/:trust_id/roles', rule: 'authenticated', enforcedBy: 'service', keystoneOnly: true, description: "List a trust's delegated roles (trustor, trustee or the system's reader; keystone flavour)" },
  { action: 'identity:get_role_for_trust', method: 'GET', path: '/v3/OS-TRUST/trusts/:trust_id/roles/:role_id', rule: 'authenticated', enforcedBy: 'service', keystoneOnly: true, description: 'Show or check (HEAD) a role a trust delegates (trustor, trustee or the system\'s reader; keystone flavour)' },
  // ---- application credentials and access rules (keystone flavour)
  { action: 'identity:create_application_credential', method: 'POST', path: '/v3/users/:user_id/application_credentials', rule: 'permission_or_self', keystoneOnly: true, description: "Create an application credential for one's own user, in the token's project (the service refuses anyone else's)" },
  { action: 'identity:list_application_credentials', method: 'GET', path: '/v3/users/:user_id/application_credentials', rule: 'permission_or_self', keystoneOnly: true, description: "List a user's application credentials (own, or admin)" },
  { action: 'identity:get_application_credential', method: 'GET', path: '/v3/users/:user_id/application_credentials/:application_credential_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "Show an application credential (its owner's, or admin; the service finds the owner)" },
  { action: 'identity:delete_application_credential', method: 'DELETE', path: '/v3/users/:user_id/application_credentials/:application_credential_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "Delete an application credential; its tokens stop working (its owner's, or admin)" },
  { action: 'identity:list_access_rules', method: 'GET', path: '/v3/users/:user_id/access_rules', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: "List a user's access rules (own, or a system-scoped reader)" },
  { action: 'identity:get_access_rule', method: 'GET', path: '/v3/users/:user_id/access_rules/:access_rule_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: 'Show an access rule (own, or a system-scoped reader)' },
  { action: 'identity:delete_access_rule', method: 'DELETE', path: '/v3/users/:user_id/access_rules/:access_rule_id', rule: 'permission_or_self', enforcedBy: 'service', keystoneOnly: true, description: 'Delete an access rule no application credential uses (own, or a system-scoped admin)' },
  // ---- keystone flavour, stored-only APIs: OAuth1 consumers, domain configuration, policy blobs
  // (Keystone 22: system reader or admin_required, system admin or admin_required; see docs/decisions.md)
  { action: 'identity:create_consumer', method: 'POST', path: '/v3/OS-OAUTH1/consumers', rule: 'system_admin', keystoneOnly: true, description: 'Register an OAuth1 consumer; its secret is shown once (keystone flavour)' },
  { action: 'identity:list_consumers', method: 'GET', path: '/v3/OS-OAUTH1/consumers', rule: 'system_admin', keystoneOnly: true, description: 'List OAuth1 consumers (keystone flavour)' },
  { action: 'identity:get_consumer', method: 'GET', path: '/v3/OS-OAUTH1/consumers/:consumer_id', rule: 'system_admin', keystoneOnly: true, description: 'Show an OAuth1 consumer, without its secret (keystone flavour)' },
  { action: 'identity:update_consumer', method: 'PATCH', path: '/v3/OS-OAUTH1/consumers/:consumer_id', rule: 'system_admin', keystoneOnly: true, description: "Change an OAuth1 consumer's description or extra attributes, never its secret (keystone flavour)" },
  { action: 'identity:delete_consumer', method: 'DELETE', path: '/v3/OS-OAUTH1/consumers/:consumer_id', rule: 'system_admin', keystoneOnly: true, description: 'Delete an OAuth1 consumer (keystone flavour)' },
  { action: 'identity:get_domain_config_default', method: 'GET', path: '/v3/domains/config/default', rule: 'system_admin', keystoneOnly: true, description: 'Default domain-specific configuration (keystone flavour)' },
  { action: 'identity:get_domain_config_group_default', method: 'GET', path: '/v3/domains/config/:group/default', rule: 'system_admin', keystoneOnly: true, description: "Default configuration of a group (keystone flavour; Keystone checks identity:get_domain_config_default)" },
  { action: 'identity:get_domain_config_option_default', method: 'GET', path: '/v3/domains/config/:group/:option/default', rule: 'system_admin', keystoneOnly: true, description: "Default of one option (keystone flavour; Keystone checks identity:get_domain_config_default)" },
  { action: 'identity:create_domain_config', method: 'PUT', path: '/v3/domains/:domain_id/config', rule: 'system_admin', keystoneOnly: true, description: "Set a domain's whole configuration (keystone flavour)" },
  { action: 'identity:get_domain_config', method: 'GET', path: '/v3/domains/:domain_id/config', rule: 'system_admin', keystoneOnly: true, description: "Show a domain's configuration, sensitive options left out (keystone flavour)" },
  { action: 'identity:update_domain_config', method: 'PATCH', path: '/v3/domains/:domain_id/config', rule: 'system_admin', keystoneOnly: true, description: "Merge options into a domain's configuration (keystone flavour)" },
  { action: 'identity:delete_domain_config', method: 'DELETE', path: '/v3/domains/:domain_id/config', rule: 'system_admin', keystoneOnly: true, description: "Delete a domain's configuration (keystone flavour)" },
  { action: 'identity:get_domain_config_group', method: 'GET', path: '/v3/domains/:domain_id/config/:group', rule: 'system_admin', keystoneOnly: true, description: "Show a group of a domain's configuration (keystone flavour; Keystone checks identity:get_domain_config)" },
  { action: 'identity:update_domain_config_group', method: 'PATCH', path: '/v3/domains/:domain_id/config/:group', rule: 'system_admin', keystoneOnly: true, description: "Update a stored group of a domain's configuration (keystone flavour; Keystone checks identity:update_domain_config)" },
  { action: 'identity:delete_domain_config_group', method: 'DELETE', path: '/v3/domains/:domain_id/config/:group', rule: 'system_admin', keystoneOnly: true, description: "Delete a group of a domain's configuration (keystone flavour; Keystone checks identity:delete_domain_config)" },
  { action: 'identity:get_domain_config_option', method: 'GET', path: '/v3/domains/:domain_id/config/:group/:option', rule: 'system_admin', keystoneOnly: true, description: "Show one option of a domain's configuration (keystone flavour; Keystone checks identity:get_domain_config)" },
  { action: 'identity:update_domain_config_option', method: 'PATCH', path: '/v3/domains/:domain_id/config/:group/:option', rule: 'system_admin', keystoneOnly: true, description: "Update a stored option of a domain's configuration (keystone flavour; Keystone checks identity:update_domain_config)" },
  { action: 'identity:delete_domain_config_option', method: 'DELETE', path: '/v3/domains/:domain_id/config/:group/:option', rule: 'system_admin', keystoneOnly: true, description: "Delete one option of a domain's configuration (keystone flavour; Keystone checks identity:delete_domain_config)" },
  { action: 'identity:create_policy', method: 'POST', path: '/v3/policies', rule: 'system_admin', keystoneOnly: true, description: 'Store a policy blob (keystone flavour; deprecated in Keystone, never enforced)' },
  { action: 'identity:list_policies', method: 'GET', path: '/v3/policies', rule: 'system_admin', keystoneOnly: true, description: 'List policy blobs, by type (keystone flavour)' },
  { action: 'identity:get_policy', method: 'GET', path: '/v3/policies/:policy_id', rule: 'system_admin', keystoneOnly: true, description: 'Show a policy blob (keystone flavour)' },
  { action: 'identity:update_policy', method: 'PATCH', path: '/v3/policies/:policy_id', rule: 'system_admin', keystoneOnly: true, description: "Change a policy blob's blob, type or extra attributes (keystone flavour)" },
  { action: 'identity:delete_policy', method: 'DELETE', path: '/v3/policies/:policy_id', rule: 'system_admin', keystoneOnly: true, description: 'Delete a policy blob (keystone flavour)' },
  // ---- issue 16: implied roles (keystone flavour; Keystone: admin_required, reads also a system reader)
  { action: 'identity:list_implied_roles', method: 'GET', path: '/v3/roles/:prior_role_id/implies', rule: 'system_admin', keystoneOnly: true, description: 'List the roles a role implies directly (keystone flavour)' },
  { action: 'identity:create_implied_role', method: 'PUT', path: '/v3/roles/:prior_role_id/implies/:implied_role_id', rule: 'system_admin', keystoneOnly: true, description: 'Make a role imply another (keystone flavour; never admin, never a global role implying a domain one)' },
  { action: 'identity:get_implied_role', method: 'GET', path: '/v3/roles/:prior_role_id/implies/:implied_role_id', rule: 'system_admin', keystoneOnly: true, description: 'Show an inference rule (keystone flavour)' },
  { action: 'identity:check_implied_role', method: 'HEAD', path: '/v3/roles/:prior_role_id/implies/:implied_role_id', rule: 'system_admin', keystoneOnly: true, description: 'Check an inference rule (keystone flavour)' },
  { action: 'identity:delete_implied_role', method: 'DELETE', path: '/v3/roles/:prior_role_id/implies/:implied_role_id', rule: 'system_admin', keystoneOnly: true, description: 'Delete an inference rule (keystone flavour)' },
  { action: 'identity:list_role_inference_rules', method: 'GET', path: '/v3/role_inferences', rule: 'system_admin', keystoneOnly: true, description: 'List every inference rule, by prior role (keystone flavour)' },
  // ---- keystone core: projects, domains, users, groups and token scopes
  { action: 'identity:get_auth_system', method: 'GET', path: '/v3/auth/system', rule: 'authenticated', keystoneOnly: true, description: 'Whether the caller may scope a token to the system (keystone flavour)' },
  // ---- issue 18: account security policies (the clouds; HWC action names on both, spec §0.1) and
  // Keystone's security compliance read, which any token of the domain may make (every flavour)
  { action: 'identity:get_password_policy', method: 'GET', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/password-policy', rule: 'permission', description: "Show the account's password policy", cloudActions: ['iam:securitypolicies:getPasswordPolicy'] },
  { action: 'identity:update_password_policy', method: 'PUT', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/password-policy', rule: 'permission', description: "Change the account's password policy", cloudActions: ['iam:securitypolicies:updatePasswordPolicy'] },
  { action: 'identity:get_login_policy', method: 'GET', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/login-policy', rule: 'permission', description: "Show the account's login authentication policy", cloudActions: ['iam:securitypolicies:getLoginPolicy'] },
  { action: 'identity:update_login_policy', method: 'PUT', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/login-policy', rule: 'permission', description: "Change the account's login authentication policy", cloudActions: ['iam:securitypolicies:updateLoginPolicy'] },
  { action: 'identity:get_protect_policy', method: 'GET', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/protect-policy', rule: 'permission', description: "Show the account's operation protection policy", cloudActions: ['iam:securitypolicies:getProtectPolicy'] },
  { action: 'identity:update_protect_policy', method: 'PUT', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/protect-policy', rule: 'permission', description: "Change the account's operation protection policy", cloudActions: ['iam:securitypolicies:updateProtectPolicy'] },
  { action: 'identity:get_console_acl_policy', method: 'GET', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/console-acl-policy', rule: 'permission', description: "Show the account's console ACL", cloudActions: ['iam:securitypolicies:getConsoleAclPolicy'] },
  { action: 'identity:update_console_acl_policy', method: 'PUT', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/console-acl-policy', rule: 'permission', description: "Change the account's console ACL", cloudActions: ['iam:securitypolicies:updateConsoleAclPolicy'] },
  { action: 'identity:get_api_acl_policy', method: 'GET', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/api-acl-policy', rule: 'permission', description: "Show the account's API ACL", cloudActions: ['iam:securitypolicies:getApiAclPolicy'] },
  { action: 'identity:update_api_acl_policy', method: 'PUT', path: '/v3.0/OS-SECURITYPOLICY/domains/:domain_id/api-acl-policy', rule: 'permission', description: "Change the account's API ACL", cloudActions: ['iam:securitypolicies:updateApiAclPolicy'] },
  { action: 'identity:get_security_compliance_domain_config', method: 'GET', path: '/v3/domains/:domain_id/config/security_compliance', rule: 'authenticated', description: "The password rule as a regular expression and its description (Keystone's security compliance)" },
  { action: 'identity:get_security_compliance_domain_config_option', method: 'GET', path: '/v3/domains/:domain_id/config/security_compliance/:option', rule: 'authenticated', description: 'One option of the security compliance: password_regex or password_regex_description' },
  // ---- issue 18: virtual MFA devices and login protection (the clouds; spec iam-security.md §0.1).
  // A user acts on its own device without a permission; the service finds the target user first
  // (another account's is not found) and enforces with it.
  { action: 'identity:create_mfa_device', method: 'POST', path: '/v3.0/OS-MFA/virtual-mfa-devices', rule: 'permission_or_self', enforcedBy: 'service', description: "Create a virtual MFA device (own, or an account user's with the permission); its seed is shown once", cloudActions: ['iam:mfa:createVirtualMFADevice'] },
  { action: 'identity:bind_mfa_device', method: 'PUT', path: '/v3.0/OS-MFA/mfa-devices/bind', rule: 'permission_or_self', enforcedBy: 'service', description: "Bind one's own virtual MFA device with two consecutive codes", cloudActions: ['iam:mfa:bindMFADevice'] },
  { action: 'identity:unbind_mfa_device', method: 'PUT', path: '/v3.0/OS-MFA/mfa-devices/unbind', rule: 'permission_or_self', enforcedBy: 'service', description: "Unbind a virtual MFA device (own with a current code, or an account user's with the permission)", cloudActions: ['iam:mfa:unbindMFADevice'] },
  { action: 'identity:delete_mfa_device', method: 'DELETE', path: '/v3.0/OS-MFA/virtual-mfa-devices', rule: 'permission_or_self', enforcedBy: 'service', description: "Delete a virtual MFA device (own, or an account user's with the permission)", cloudActions: ['iam:mfa:deleteVirtualMFADevice'] },
  { action: 'identity:list_mfa_devices', method: 'GET', path: '/v3.0/OS-MFA/virtual-mfa-devices', rule: 'permission', description: "List the account's virtual MFA devices, bound or not", cloudActions: ['iam:mfa:listVirtualMFADevices'] },
  { action: 'identity:get_mfa_device', method: 'GET', path: '/v3.0/OS-MFA/users/:user_id/virtual-mfa-device', rule: 'permission_or_self', enforcedBy: 'service', description: "Show a user's virtual MFA device, never its seed", cloudActions: ['iam:mfa:getVirtualMFADevice'] },
  { action: 'identity:list_login_protects', method: 'GET', path: '/v3.0/OS-USER/login-protects', rule: 'permission', description: "List the login protection of the account's users that have one", cloudActions: ['iam:users:listUserLoginProtects'] },
  { action: 'identity:get_login_protect', method: 'GET', path: '/v3.0/OS-USER/users/:user_id/login-protect', rule: 'permission_or_self', enforcedBy: 'service', description: "Show a user's login protection", cloudActions: ['iam:users:getUserLoginProtect'] },
  { action: 'identity:update_login_protect', method: 'PUT', path: '/v3.0/OS-USER/users/:user_id/login-protect', rule: 'permission', enforcedBy: 'service', description: "Set a user's login protection (sms, email or vmfa)", cloudActions: ['iam:users:setUserLoginProtect'] },
  // The emulator's second step of a console sign-in with login protection (docs/mfa.md): oneself only.
  { action: 'identity:send_login_verification_code', method: 'POST', path: '/v3.0/OS-USER/users/:user_id/login-protect/verification-code', rule: 'permission_or_self', enforcedBy: 'service', description: "Send oneself a login code by one's login protection's SMS or e-mail (kept in the outbox; emulator only)" },
  { action: 'identity:verify_login', method: 'PUT', path: '/v3.0/OS-USER/users/:user_id/login-protect/verification', rule: 'permission_or_self', enforcedBy: 'service', description: "Check one's login code: from the outbox, or the MFA app's (emulator only)" },
  // ---- issue 20: identity federation (OS-FEDERATION; spec iam-federation §0.2: admin group, secu_admin or a custom policy allowing the action)
  { action: 'identity:list_identity_providers', method: 'GET', path: '/v3/OS-FEDERATION/identity_providers', rule: 'permission', description: "List the account's identity providers", cloudActions: ['iam:identityProviders:listIdentityProviders'] },
  { action: 'identity:get_identity_provider', method: 'GET', path: '/v3/OS-FEDERATION/identity_providers/:idp_id', rule: 'permission', description: 'Show an identity provider', cloudActions: ['iam:identityProviders:getIdentityProvider'] },
  { action: 'identity:create_identity_provider', method: 'PUT', path: '/v3/OS-FEDERATION/identity_providers/:idp_id', rule: 'permission', description: 'Create an identity provider (id unique server-wide)', cloudActions: ['iam:identityProviders:createIdentityProvider'] },
  { action: 'identity:update_identity_provider', method: 'PATCH', path: '/v3/OS-FEDERATION/identity_providers/:idp_id', rule: 'permission', description: 'Describe, enable or disable an identity provider (disabling ends its tokens)', cloudActions: ['iam:identityProviders:updateIdentityProvider'] },
  { action: 'identity:delete_identity_provider', method: 'DELETE', path: '/v3/OS-FEDERATION/identity_providers/:idp_id', rule: 'permission', description: 'Delete an identity provider with its protocols and OIDC configuration', cloudActions: ['iam:identityProviders:deleteIdentityProvider'] },
  { action: 'identity:list_mappings', method: 'GET', path: '/v3/OS-FEDERATION/mappings', rule: 'permission', description: "List the account's mappings", cloudActions: ['iam:identityProviders:listMappings'] },
  { action: 'identity:get_mapping', method: 'GET', path: '/v3/OS-FEDERATION/mappings/:id', rule: 'permission', description: 'Show a mapping and its rules', cloudActions: ['iam:identityProviders:getMapping'] },
  { action: 'identity:create_mapping', method: 'PUT', path: '/v3/OS-FEDERATION/mappings/:id', rule: 'permission', description: 'Create a mapping (identity conversion rules)', cloudActions: ['iam:identityProviders:createMapping'] },
  { action: 'identity:update_mapping', method: 'PATCH', path: '/v3/OS-FEDERATION/mappings/:id', rule: 'permission', description: "Replace a mapping's rules", cloudActions: ['iam:identityProviders:updateMapping'] },
  { action: 'identity:delete_mapping', method: 'DELETE', path: '/v3/OS-FEDERATION/mappings/:id', rule: 'permission', description: 'Delete a mapping no protocol uses', cloudActions: ['iam:identityProviders:deleteMapping'] },
  { action: 'identity:list_protocols', method: 'GET', path: '/v3/OS-FEDERATION/identity_providers/:idp_id/protocols', rule: 'permission', description: "List an identity provider's protocols", cloudActions: ['iam:identityProviders:listProtocols'] },
  { action: 'identity:get_protocol', method: 'GET', path: '/v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id', rule: 'permission', description: 'Show a protocol', cloudActions: ['iam:identityProviders:getProtocol'] },
  { action: 'identity:create_protocol', method: 'PUT', path: '/v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id', rule: 'permission', description: 'Register a protocol (saml, oidc) binding a mapping to an identity provider', cloudActions: ['iam:identityProviders:createProtocol'] },
  { action: 'identity:update_protocol', method: 'PATCH', path: '/v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id', rule: 'permission', description: "Change a protocol's mapping", cloudActions: ['iam:identityProviders:updateProtocol'] },
  { action: 'identity:delete_protocol', method: 'DELETE', path: '/v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id', rule: 'permission', description: 'Delete a protocol', cloudActions: ['iam:identityProviders:deleteProtocol'] },
  { action: 'identity:create_openid_connect_config', method: 'POST', path: '/v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config', rule: 'permission', description: "Configure an identity provider's OpenID Connect (issuer, client id, signing keys)", cloudActions: ['iam:identityProviders:createOpenIDConnectConfig'] },
  { action: 'identity:update_openid_connect_config', method: 'PUT', path: '/v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config', rule: 'permission', description: "Change an identity provider's OpenID Connect configuration", cloudActions: ['iam:identityProviders:updateOpenIDConnectConfig'] },
  { action: 'identity:get_openid_connect_config', method: 'GET', path: '/v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config', rule: 'permission', description: "Show an identity provider's OpenID Connect configuration", cloudActions: ['iam:identityProviders:getOpenIDConnectConfig'] },
  { action: 'identity:create_token_with_id_token', method: 'POST', path: '/v3.0/OS-AUTH/id-token/tokens', rule: 'public', description: 'Exchange an OpenID Connect ID token for a federated token, unscoped or scoped (X-Idp-Id names the provider)' },
  { action: 'identity:federated_authenticate', method: 'POST', path: '/v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id/auth', rule: 'public', description: 'Exchange an OpenID Connect ID token (Authorization: Bearer) for an unscoped federated token' },
  { action: 'identity:list_federation_domains', method: 'GET', path: '/v3/OS-FEDERATION/domains', rule: 'authenticated', description: 'Domains a federated token may be scoped to (else as /v3/auth/domains)' },
  { action: 'identity:list_federation_projects', method: 'GET', path: '/v3/OS-FEDERATION/projects', rule: 'authenticated', description: "Projects a federated token's groups hold roles on (else as /v3/auth/projects)" },
  // ---- issue 20: SAML on the clouds (spec iam-federation §4.2, §4.3; Keystone has neither API)
  { action: 'identity:create_idp_metadata', method: 'POST', path: '/v3-ext/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id/metadata', rule: 'permission', description: "Import an identity provider's SAML metadata for its saml protocol", cloudActions: ['iam:identityProviders:createIDPMetadata'] },
  { action: 'identity:get_idp_metadata', method: 'GET', path: '/v3-ext/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id/metadata', rule: 'permission', description: "Show an identity provider's imported SAML metadata", cloudActions: ['iam:identityProviders:getIDPMetadata'] },
  { action: 'identity:create_unscoped_token_by_idp_initiated', method: 'POST', path: '/v3.0/OS-FEDERATION/tokens', rule: 'public', description: 'Exchange a signed SAML response (IdP-initiated, X-Idp-Id names the provider) for an unscoped federated token' },
]
