/**
 * @module Reset: every state row deleted in one transaction, so a store is either as it was or
 * empty. Kept: the schema and its migrations, the token keys (tokens and sealed secrets stay
 * readable by other instances on the store) and the system roles, which are code and are
 * brought up to date at every start. The CLI's `reset` bootstraps again afterwards.
 */
import type { Kysely } from 'kysely'
import type { Db } from '../db/database.js'
import type { Database } from '../db/schema.js'

/**
 * Every table holding state, children before parents, so foreign keys never see an orphan.
 * `roles` is cleared of custom policies only (see above). Agencies go after the grants and the
 * temporary keys that name them, and before their account (`agencies.domain_id`). The audit
 * trail goes too: its traces name accounts, users and resources that no longer exist. The
 * catalog goes first (its endpoints name regions); the next start or import seeds it again.
 */
const STATE_TABLES = [
  'project_endpoint_groups', 'project_endpoints', 'endpoint_groups', 'catalog_endpoints', 'catalog_services', 'catalog_seed',
  'coc_favourites', 'ep_migration_records', 'ep_resources', 'credentials', 'role_assignments', 'agencies', 'group_members',
  'roles', 'user_groups', 'users', 'projects', 'enterprise_projects', 'domains', 'regions', 'revoked_tokens', 'audit_traces',
  // Trusts name users and projects without foreign keys (migration 0016); their roles go with them by theirs.
  'trusts',
  // The keystone flavour's stored-only APIs (migration 0018); a domain's configuration has gone with its domain already.
  'oauth_consumers', 'domain_config_options', 'policy_blobs',
  // Issue 18 (migration 0020): gone with their users already (ON DELETE CASCADE); named so a reset says so.
  'outbox_messages', 'login_protects', 'mfa_devices',
  // Identity federation (migration 0021): the domains' cascade has taken them already; listed so no row can outlive a reset.
  'federated_users', 'oidc_configs', 'federation_protocols', 'identity_providers', 'federation_mappings',
  // SAML metadata and the replay cache (migration 0022).
  'saml_metadata', 'saml_assertions',
  // List generations (migration 0023), after the lists whose deletion bumps them.
  'list_generations',
  // The lists' counts (migration 0024): emptied by the lists' deletion already; named so a reset says so.
  'project_buckets', 'enterprise_project_buckets',
] as const satisfies readonly (keyof Database)[]

/** The deletions of a reset, inside the caller's transaction (an import with `replace` runs them first). */
export async function deleteStateRows(x: Kysely<Database>): Promise<void> {
  for (const table of STATE_TABLES) {
    if (table === 'roles') await x.deleteFrom('roles').where('domain_key', '<>', '').execute()
    else await x.deleteFrom(table).execute()
  }
}

export async function resetState(db: Db): Promise<void> {
  await db.write((trx) => deleteStateRows(trx))
  // Other instances on the store must not keep serving callers that no longer exist.
  db.announceChange()
}
