/**
 * @module Which configuration groups and options Keystone 22 keeps per domain
 * (`DomainConfigManager.whitelisted_options` / `sensitive_options` in keystone/resource/core.py),
 * their defaults (keystone/conf/identity.py and ldap.py as shipped: this server has no LDAP and
 * no keystone.conf, so its defaults are Keystone's), and Keystone's checks of a configuration,
 * with its refusal texts. Pure functions: no storage, no HTTP.
 */
import { InvalidDomainConfigError } from '../../../errors/app-error.js'

/** A configuration as the API shows it: group → option → value. */
export type DomainConfig = Record<string, Record<string, unknown>>

/** Options shown and stored plainly. Keystone lists each one explicitly, so that a new LDAP option is never exposed by accident. */
export const WHITELISTED_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  identity: ['driver', 'list_limit'],
  ldap: [
    'url', 'user', 'suffix', 'query_scope', 'page_size', 'alias_dereferencing', 'debug_level', 'chase_referrals',
    'user_tree_dn', 'user_filter', 'user_objectclass', 'user_id_attribute', 'user_name_attribute', 'user_mail_attribute',
    'user_description_attribute', 'user_pass_attribute', 'user_enabled_attribute', 'user_enabled_invert',
    'user_enabled_mask', 'user_enabled_default', 'user_attribute_ignore', 'user_default_project_id_attribute',
    'user_enabled_emulation', 'user_enabled_emulation_dn', 'user_enabled_emulation_use_group_config',
    'user_additional_attribute_mapping', 'group_tree_dn', 'group_filter', 'group_objectclass', 'group_id_attribute',
    'group_name_attribute', 'group_members_are_ids', 'group_member_attribute', 'group_desc_attribute',
    'group_attribute_ignore', 'group_additional_attribute_mapping', 'tls_cacertfile', 'tls_cacertdir', 'use_tls',
    'tls_req_cert', 'use_pool', 'pool_size', 'pool_retry_max', 'pool_retry_delay', 'pool_connection_timeout',
    'pool_connection_lifetime', 'use_auth_pool', 'auth_pool_size', 'auth_pool_connection_lifetime',
  ],
}

/** Options stored but never shown (nor their defaults). */
export const SENSITIVE_OPTIONS: Readonly<Record<string, readonly string[]>> = { identity: [], ldap: ['password'] }

/** Keystone 22's shipped defaults of the whitelisted options (`null` where it has none). */
const DEFAULTS: Readonly<Record<string, unknown>> = {
  'identity.driver': 'sql', 'identity.list_limit': null,
  'ldap.url': 'ldap://localhost', 'ldap.user': null, 'ldap.suffix': 'cn=example,cn=com', 'ldap.query_scope': 'one',
  'ldap.page_size': 0, 'ldap.alias_dereferencing': 'default', 'ldap.debug_level': null, 'ldap.chase_referrals': null,
  'ldap.user_tree_dn': null, 'ldap.user_filter': null, 'ldap.user_objectclass': 'inetOrgPerson', 'ldap.user_id_attribute': 'cn',
  'ldap.user_name_attribute': 'sn', 'ldap.user_mail_attribute': 'mail', 'ldap.user_description_attribute': 'description',
  'ldap.user_pass_attribute': 'userPassword', 'ldap.user_enabled_attribute': 'enabled', 'ldap.user_enabled_invert': false,
  'ldap.user_enabled_mask': 0, 'ldap.user_enabled_default': 'True', 'ldap.user_attribute_ignore': ['default_project_id'],
  'ldap.user_default_project_id_attribute': null, 'ldap.user_enabled_emulation': false, 'ldap.user_enabled_emulation_dn': null,
  'ldap.user_enabled_emulation_use_group_config': false, 'ldap.user_additional_attribute_mapping': [], 'ldap.group_tree_dn': null,
  'ldap.group_filter': null, 'ldap.group_objectclass': 'groupOfNames', 'ldap.group_id_attribute': 'cn', 'ldap.group_name_attribute': 'ou',
  'ldap.group_members_are_ids': false, 'ldap.group_member_attribute': 'member', 'ldap.group_desc_attribute': 'description',
  'ldap.group_attribute_ignore': [], 'ldap.group_additional_attribute_mapping': [], 'ldap.tls_cacertfile': null, 'ldap.tls_cacertdir': null,
  'ldap.use_tls': false, 'ldap.tls_req_cert': 'demand', 'ldap.use_pool': true, 'ldap.pool_size': 10, 'ldap.pool_retry_max': 3,
  'ldap.pool_retry_delay': 0.1, 'ldap.pool_connection_timeout': -1, 'ldap.pool_connection_lifetime': 600, 'ldap.use_auth_pool': true,
  'ldap.auth_pool_size': 100, 'ldap.auth_pool_connection_lifetime': 60,
}

const has = (table: Readonly<Record<string, readonly string[]>>, group: string) => Object.hasOwn(table, group)

export function isSensitive(group: string, option: string): boolean {
  return SENSITIVE_OPTIONS[group]?.includes(option) ?? false
}

/** Python's truth value, which Keystone's checks of groups and values rely on. */
export function pythonFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true
  if (Array.isArray(value)) return value.length === 0
  return typeof value === 'object' && Object.keys(value).length === 0
}

/** Keystone's `_assert_valid_group_and_option`: a group it keeps per domain, an option of it. */
export function assertValidGroupAndOption(group?: string, option?: string): void {
  if (group === undefined) return
  if (!has(WHITELISTED_OPTIONS, group) && !has(SENSITIVE_OPTIONS, group)) {
    throw new InvalidDomainConfigError(`Group ${group} is not supported for domain specific configurations`)
  }
  if (option !== undefined && !WHITELISTED_OPTIONS[group]!.includes(option) && !isSensitive(group, option)) {
    throw new InvalidDomainConfigError(`Option ${option} in group ${group} is not supported for domain specific configurations`)
  }
}

/** Keystone's `_assert_valid_config`: something given, each group a non-empty object of known options. */
export function assertValidConfig(config: Readonly<Record<string, unknown>>): asserts config is DomainConfig {
  if (Object.keys(config).length === 0) throw new InvalidDomainConfigError('No options specified')
  for (const [group, options] of Object.entries(config)) {
    if (pythonFalsy(options) || typeof options !== 'object' || Array.isArray(options)) {
      throw new InvalidDomainConfigError(`The value of group ${group} specified in the config should be a dictionary of options`)
    }
    for (const option of Object.keys(options as object)) assertValidGroupAndOption(group, option)
  }
}

/**
 * Keystone's checks of a group or option PATCH: the body holds that group (and option) and
 * nothing else. Whether it exists is the caller's check (it needs the stored configuration).
 */
export function assertUpdateMatchesUrl(config: DomainConfig, group: string, option?: string): void {
  const groups = Object.keys(config)
  if (groups.length !== 1 || (option !== undefined && Object.keys(config[group] ?? config[groups[0]!]!).length !== 1)) {
    throw new InvalidDomainConfigError(option !== undefined
      ? `Trying to update option ${option} in group ${group}, so that, and only that, option must be specified  in the config`
      : `Trying to update group ${group}, so that, and only that, group must be specified in the config`)
  }
  if (!Object.hasOwn(config, group)) {
    throw new InvalidDomainConfigError(`request to update group ${group}, but config provided contains group ${groups[0]} instead`)
  }
  if (option !== undefined && !Object.hasOwn(config[group]!, option)) {
    throw new InvalidDomainConfigError(`Trying to update option ${option} in group ${group}, but config provided contains option ${Object.keys(config[group]!)[0]} instead`)
  }
}

/** `GET /v3/domains/config[/{group}[/{option}]]/default`: Keystone's defaults; a sensitive option has none to show. */
export function defaultConfig(group?: string, option?: string): DomainConfig | Record<string, unknown> {
  assertValidGroupAndOption(group, option)
  if (group !== undefined && option !== undefined) {
    if (!WHITELISTED_OPTIONS[group]!.includes(option)) {
      throw new InvalidDomainConfigError(`Reading the default for option ${option} in group ${group} is not supported`)
    }
    return { [option]: DEFAULTS[`${group}.${option}`] ?? null }
  }
  const groups = group === undefined ? Object.keys(WHITELISTED_OPTIONS) : [group]
  return Object.fromEntries(groups.map((g) => [g, Object.fromEntries(WHITELISTED_OPTIONS[g]!.map((o) => [o, DEFAULTS[`${g}.${o}`] ?? null]))]))
}
