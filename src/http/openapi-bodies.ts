/**
 * @module Success bodies of the OpenAPI document, for the routes whose answers the wire code
 * shapes from a few entities (projects, domains, regions, users, groups, enterprise projects,
 * tokens, access keys). Documentation only: the routes keep no response schema, because
 * fast-json-stringify would drop every field a schema does not name and the wire must stay byte
 * for byte as it is. Entities admit more properties than listed, as each flavour adds its own
 * (`extra` on a Huawei Cloud PATCH, Keystone's `tags` and `options`); the test checks real answers
 * against these schemas.
 */
import { Type as T, type TSchema } from '@sinclair/typebox'

const NullableString = T.Union([T.String(), T.Null()])
const SelfLink = T.Object({ self: T.String() })
const open = { additionalProperties: true }

/** Component schemas, by name, as `#/components/schemas/<name>` refers to them. */
export const BODY_COMPONENTS: Record<string, TSchema> = {
  CollectionLinks: T.Object({ self: T.String(), previous: NullableString, next: NullableString }),
  Version: T.Object({ id: T.String(), status: T.String(), updated: T.String(), links: T.Array(T.Object({ rel: T.String(), href: T.String() })) }, open),
  Project: T.Object({
    is_domain: T.Boolean(), description: NullableString, links: SelfLink, enabled: T.Boolean(),
    id: T.String(), parent_id: NullableString, domain_id: NullableString, name: T.String(),
  }, open),
  Domain: T.Object({ id: T.String(), name: T.String(), description: NullableString, enabled: T.Boolean(), links: SelfLink }, open),
  Region: T.Object({ id: T.String(), description: T.String(), parent_region_id: NullableString, links: SelfLink }, open),
  User: T.Object({
    id: T.String(), name: T.String(), domain_id: T.String(), enabled: T.Boolean(), password_expires_at: NullableString, links: SelfLink,
  }, open),
  Group: T.Object({ id: T.String(), name: T.String(), domain_id: T.String(), description: T.String(), links: SelfLink }, open),
  EnterpriseProject: T.Object({
    id: T.String(), name: T.String(), description: T.String(), status: T.Integer({ description: '1 enabled, 2 disabled' }), type: T.String(),
    created_at: T.String({ description: 'UTC, second precision: 2018-05-18T06:49:06Z' }), updated_at: T.String(), delete_flag: T.Boolean(),
  }, open),
  Token: T.Object({
    methods: T.Array(T.String()),
    user: T.Object({ domain: T.Object({ id: T.String(), name: T.String() }), id: T.String(), name: T.String(), password_expires_at: NullableString }),
    expires_at: T.String(), issued_at: T.String(),
  }, { ...open, description: 'Scoped tokens add `domain` or `project`, `roles` and (unless `nocatalog`) `catalog`. The token itself is the X-Subject-Token header.' }),
  AccessKey: T.Object({
    access: T.String(), status: T.String(), user_id: T.String(), description: T.String(), create_time: T.String(),
  }, { ...open, description: 'Creation adds `secret` (shown once); a single key adds `last_use_time`.' }),
}

const ref = (name: string): TSchema => T.Unsafe({ $ref: `#/components/schemas/${name}` })
const one = (key: string, name: string) => T.Object({ [key]: ref(name) })
const linkedList = (key: string, name: string) => T.Object({ links: ref('CollectionLinks'), [key]: T.Array(ref(name)) }, open)

const project = one('project', 'Project')
const projects = linkedList('projects', 'Project')
const domain = one('domain', 'Domain')
const user = one('user', 'User')
const users = linkedList('users', 'User')
const group = one('group', 'Group')
const groups = linkedList('groups', 'Group')
const enterpriseProject = one('enterprise_project', 'EnterpriseProject')
const token = one('token', 'Token')
const accessKey = one('credential', 'AccessKey')
// Keystone flavour's stored-only APIs: consumers, domain configuration, policy blobs (extra attributes kept).
const consumer = T.Object({ id: T.String(), description: NullableString, links: SelfLink }, { ...open, description: 'Creation adds `secret` (shown once).' })
const policyBlob = T.Object({ id: T.String(), blob: T.String(), type: T.String(), links: SelfLink }, open)
const domainConfig = T.Object({ config: T.Record(T.String(), T.Unknown(), { description: '{group: {option: value}}, or {option: value} for one option' }) })

/** The success body of an action, where it is one of the shapes above. */
export const SUCCESS_BODIES: Record<string, TSchema> = {
  'identity:get_version': T.Object({ versions: T.Object({ values: T.Array(ref('Version')) }) }),
  'identity:get_version_v3': one('version', 'Version'),
  'eps:get_api_version': one('version', 'Version'),
  'identity:issue_token': token,
  'identity:validate_token': token,
  'identity:list_projects': projects,
  'identity:get_auth_projects': projects,
  'identity:list_user_projects': projects,
  'identity:create_project': project,
  'identity:get_project': project,
  'identity:update_project': project,
  'identity:get_project_status': T.Object({ project: T.Intersect([ref('Project'), T.Object({ status: T.String() })]) }),
  'identity:list_domains': linkedList('domains', 'Domain'),
  'identity:get_auth_domains': linkedList('domains', 'Domain'),
  'identity:get_domain': domain,
  'identity:create_domain': domain,
  'identity:update_domain': domain,
  'identity:list_regions': linkedList('regions', 'Region'),
  'identity:get_region': one('region', 'Region'),
  'identity:list_users': users,
  'identity:list_users_in_group': users,
  'identity:get_user': user,
  'identity:create_user': user,
  'identity:update_user': user,
  'identity:list_groups': groups,
  'identity:list_groups_for_user': groups,
  'identity:get_group': group,
  'identity:create_group': group,
  'identity:update_group': group,
  'identity:delete_custom_policy': T.Object({ message: T.Literal('Delete success') }),
  'identity:create_credential': accessKey,
  'identity:get_credential': accessKey,
  'identity:update_credential': accessKey,
  'identity:list_credentials': T.Object({ credentials: T.Array(ref('AccessKey')) }),
  'eps:list_enterprise_projects': T.Object({ enterprise_projects: T.Array(ref('EnterpriseProject')), total_count: T.Integer() }),
  'eps:create_enterprise_project': enterpriseProject,
  'eps:get_enterprise_project': enterpriseProject,
  'eps:update_enterprise_project': enterpriseProject,
  'eps:get_quotas': T.Object({ quotas: T.Object({ resources: T.Array(T.Object({ type: T.Literal('enterprise_project'), used: T.Integer(), quota: T.Integer() })) }) }),
  ...Object.fromEntries(['create_consumer', 'get_consumer', 'update_consumer'].map((a) => [`identity:${a}`, T.Object({ consumer })])),
  'identity:list_consumers': T.Object({ consumers: T.Array(consumer), links: ref('CollectionLinks') }),
  ...Object.fromEntries(['create_policy', 'get_policy', 'update_policy'].map((a) => [`identity:${a}`, T.Object({ policy: policyBlob })])),
  'identity:list_policies': T.Object({ policies: T.Array(policyBlob), links: ref('CollectionLinks') }),
  ...Object.fromEntries([
    'get_domain_config_default', 'get_domain_config_group_default', 'get_domain_config_option_default', 'create_domain_config', 'get_domain_config',
    'update_domain_config', 'get_domain_config_group', 'update_domain_config_group', 'get_domain_config_option', 'update_domain_config_option',
  ].map((a) => [`identity:${a}`, domainConfig])),
}
