/**
 * @module Who may call which IAM route, as data. Every route names its action; `enforce()` looks
 * the action up here and, for `permission` rules, asks the caller's permission documents about the
 * action under its Keystone name and the clouds' fine-grained names (`cloudActions`).
 */
import type { PolicyEntry } from '../policy.js'

export const IAM_POLICIES: readonly PolicyEntry[] = [
  { action: 'identity:get_version', method: 'GET', path: '/', rule: 'public', description: 'List API versions' },
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
]
