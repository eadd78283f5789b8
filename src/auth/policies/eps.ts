/**
 * @module Who may call which EPS route, as data, with the clouds' fine-grained action names from
 * the EPS permissions table. Entries marked `enterpriseProjectScoped` also count policies granted
 * on the one enterprise project in the path (OS-PERMISSION grants). Enable/disable and resource
 * moves pick their action from the body, so the service enforces those (`partOf` names the route).
 * The projectplane admin API for registering resources (there are no compute services here) is
 * listed last; it renders errors as EPS does.
 */
import type { PolicyEntry } from '../policy.js'

const EP = '/v1.0/enterprise-projects'

export const EPS_POLICIES: readonly PolicyEntry[] = [
  { action: 'eps:get_api_version', method: 'GET', path: '/v1.0', rule: 'public', description: 'Show the v1.0 API version' },
  { action: 'eps:list_enterprise_projects', method: 'GET', path: EP, rule: 'permission', enforcedBy: 'service', description: 'List the enterprise projects the caller may list (all, or those granted to it)', cloudActions: ['eps:enterpriseProjects:list'] },
  { action: 'eps:create_enterprise_project', method: 'POST', path: EP, rule: 'permission', description: 'Create an enterprise project', cloudActions: ['eps:enterpriseProjects:create'] },
  { action: 'eps:get_enterprise_project', method: 'GET', path: `${EP}/:enterprise_project_id`, rule: 'permission', enterpriseProjectScoped: true, description: 'Show an enterprise project', cloudActions: ['eps:enterpriseProjects:get'] },
  { action: 'eps:update_enterprise_project', method: 'PUT', path: `${EP}/:enterprise_project_id`, rule: 'permission', enterpriseProjectScoped: true, description: 'Rename or describe an enterprise project (poc → prod too)', cloudActions: ['eps:enterpriseProjects:update'] },
  { action: 'eps:enable_or_disable_enterprise_project', method: 'POST', path: `${EP}/:enterprise_project_id/action`, rule: 'permission', enforcedBy: 'service', description: 'Enable or disable an enterprise project (the action in the body picks the permission)' },
  { action: 'eps:enable_enterprise_project', method: 'POST', path: `${EP}/:enterprise_project_id/action`, partOf: 'eps:enable_or_disable_enterprise_project', rule: 'permission', enterpriseProjectScoped: true, description: 'Enable an enterprise project', cloudActions: ['eps:enterpriseProjects:enable'] },
  { action: 'eps:disable_enterprise_project', method: 'POST', path: `${EP}/:enterprise_project_id/action`, partOf: 'eps:enable_or_disable_enterprise_project', rule: 'permission', enterpriseProjectScoped: true, description: 'Disable an enterprise project', cloudActions: ['eps:enterpriseProjects:disable'] },
  { action: 'eps:delete_enterprise_project', method: 'DELETE', path: `${EP}/:enterprise_project_id`, rule: 'permission', enterpriseProjectScoped: true, description: 'Delete an enterprise project that holds no resources (huaweicloud)', cloudActions: ['eps:enterpriseProjects:delete'] },
  { action: 'eps:get_quotas', method: 'GET', path: `${EP}/quotas`, rule: 'permission', description: 'Enterprise project quota and usage', cloudActions: ['eps:enterpriseProjects:list'] },
  { action: 'eps:filter_resources', method: 'POST', path: `${EP}/:enterprise_project_id/resources/filter`, rule: 'permission', enterpriseProjectScoped: true, description: 'List the resources of an enterprise project', cloudActions: ['eps:resources:list'] },
  { action: 'eps:migrate_resource', method: 'POST', path: `${EP}/:enterprise_project_id/resources-migrate`, rule: 'permission', enforcedBy: 'service', description: 'Move a resource into the enterprise project (add on the target, remove on the source)' },
  { action: 'eps:add_resource', method: 'POST', path: `${EP}/:enterprise_project_id/resources-migrate`, partOf: 'eps:migrate_resource', rule: 'permission', enterpriseProjectScoped: true, description: 'Add a resource to an enterprise project (the target of a move)', cloudActions: ['eps:resources:add'] },
  { action: 'eps:remove_resource', method: 'POST', path: `${EP}/:enterprise_project_id/resources-migrate`, partOf: 'eps:migrate_resource', rule: 'permission', enterpriseProjectScoped: true, description: 'Remove a resource from an enterprise project (the source of a move)', cloudActions: ['eps:resources:remove'] },
  { action: 'eps:list_providers', method: 'GET', path: `${EP}/providers`, rule: 'authenticated', description: 'Services and resource types EPS supports' },
  { action: 'eps:list_migration_records', method: 'GET', path: `${EP}/migrate-record/list`, rule: 'permission', description: 'Resource move records of the account (huaweicloud)', cloudActions: ['eps:resources:list'] },
  { action: 'eps:list_resource_mapping', method: 'GET', path: `${EP}/resources-mapping`, rule: 'authenticated', description: 'Resource type to service mapping (huaweicloud)' },
  { action: 'eps:get_associated_resources', method: 'GET', path: '/v1.0/associated-resources/:resource_id', rule: 'permission', description: 'Resources attached to a resource (huaweicloud)', cloudActions: ['eps:resources:list'] },
  { action: 'eps:get_configs', method: 'GET', path: '/v1/enterprise-projects/configs', rule: 'authenticated', description: 'EPS service configuration (huaweicloud)' },
  { action: 'eps:enable_enterprise_project_feature', method: 'POST', path: '/v2/enterprises/enterprise-projects/authority', rule: 'permission', description: 'Turn on enterprise projects for the account (always on here)' },
  { action: 'projectplane:register_resource', method: 'POST', path: '/_projectplane/resources', rule: 'permission', description: 'Register a resource in an enterprise project (projectplane admin API)' },
  { action: 'projectplane:list_resources', method: 'GET', path: '/_projectplane/resources', rule: 'permission', description: 'List registered resources (projectplane admin API)' },
  { action: 'projectplane:delete_resource', method: 'DELETE', path: '/_projectplane/resources/:resource_type/:resource_id', rule: 'permission', description: 'Forget a registered resource (projectplane admin API)' },
]
