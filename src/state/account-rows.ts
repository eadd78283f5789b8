/**
 * @module One account's rows, or every account's but one, removed in set-based statements inside
 * the caller's transaction: whole (an account deleted, every other account in a state reset),
 * or down to what a new account has (an account reset). Used by the operator API; the CLI's
 * whole-store reset is `deleteStateRows`.
 *
 * What a reset keeps (its "baseline"): the account row, its administrators (`is_domain_owner`:
 * the users it was made with) and any user the caller names (the operator doing the reset),
 * with their passwords, permanent access keys and sessions; on the clouds its system projects
 * (one per region), the default enterprise project and the `admin` group holding those users
 * and its admin roles; in the keystone flavour the Default domain's `admin` project. Grants of
 * the kept users and groups with system roles on the account, the system or a kept project stay.
 * Everything else goes, the audit trail too.
 */
import { sql, type Kysely } from 'kysely'
import type { Db } from '../db/database.js'
import type { Database } from '../db/schema.js'
import { ADMIN_GROUP_NAME } from '../services/iam/identity/service.js'
import { DEFAULT_ENTERPRISE_PROJECT_ID } from '../shared/well-known-ids.js'

/** Which accounts a clearing touches: one, or all but one. */
export type AccountScope = { only: string } | { except: string }

export interface ClearOptions {
  /** Keep the baseline (see the module comment) instead of removing the accounts whole. */
  baseline?: { keepUsers?: readonly string[] }
}

/** Every table an account's rows live in: locked together so a reset never meets a writer halfway. */
const LOCKED_TABLES = [
  'domains', 'projects', 'users', 'user_groups', 'group_members', 'roles', 'role_assignments', 'credentials', 'agencies',
  'enterprise_projects', 'ep_resources', 'ep_migration_records', 'coc_favourites', 'audit_traces', 'regions', 'trusts',
] as const satisfies readonly (keyof Database)[]

/**
 * PostgreSQL: waits for the writers in flight, then holds every other writer (on any instance)
 * until this transaction ends; plain reads go on and see the state before. A writer's grant
 * naming a user being deleted has no foreign key to stop it, so row locks alone would let it
 * slip in between the statements. SQLite has one writer at a time already.
 */
export async function lockState(db: Db, x: Kysely<Database>): Promise<void> {
  if (db.dialect === 'postgres') await sql`lock table ${sql.join(LOCKED_TABLES.map((t) => sql.table(t)))} in exclusive mode`.execute(x)
}

/** The ids of the projects in scope, for the project cache (`projectsTransaction`). */
export async function projectIdsOf(x: Kysely<Database>, scope: AccountScope): Promise<string[]> {
  const [op, id] = scopeOf(scope)
  return (await x.selectFrom('projects').select('id').where('domain_id', op, id).execute()).map((r) => r.id)
}

const scopeOf = (scope: AccountScope): ['=' | '<>', string] => ('only' in scope ? ['=', scope.only] : ['<>', scope.except])

/** Removes the rows of the accounts in scope; with `baseline`, down to the baseline (the accounts stay). */
export async function clearAccounts(x: Kysely<Database>, scope: AccountScope, options: ClearOptions = {}): Promise<void> {
  const [op, id] = scopeOf(scope)
  const keep = options.baseline
  const users = () => x.selectFrom('users').select('id').where('domain_id', op, id)
  const groups = () => x.selectFrom('user_groups').select('id').where('domain_id', op, id)
  const agencies = () => x.selectFrom('agencies').select('id').where('domain_id', op, id)
  const projects = () => x.selectFrom('projects').select('id').where('domain_id', op, id)
  // System roles have domain_key '': never an account's, whichever the scope.
  const customRoles = () => x.selectFrom('roles').select('id').where('domain_key', op, id).where('domain_key', '<>', '')
  const eps = () => x.selectFrom('enterprise_projects').select('id').where('domain_id', op, id).where('id', '<>', DEFAULT_ENTERPRISE_PROJECT_ID)
  const domains = () => x.selectFrom('domains').select('id').where('id', op, id)

  // What a reset keeps, as subqueries (nothing when the accounts go whole).
  const keptUsers = () => x.selectFrom('users').select('id').where('domain_id', op, id)
    .where((eb) => eb.or([eb('is_domain_owner', '=', 1), eb('id', 'in', keep?.keepUsers?.length ? [...keep.keepUsers] : [''])]))
  const keptGroups = () => x.selectFrom('user_groups').select('id').where('domain_id', op, id).where('name', '=', ADMIN_GROUP_NAME)
  const keptProjects = () => x.selectFrom('projects').select('id').where('domain_id', op, id)
    .where((eb) => eb.or([eb('kind', '=', 'region'), eb.and([eb('domain_id', '=', 'default'), eb('name', '=', 'admin'), eb('region_id', 'is', null)])]))

  for (const table of ['coc_favourites', 'ep_migration_records', 'ep_resources'] as const) await x.deleteFrom(table).where('domain_id', op, id).execute()
  // A new account has no MFA device, login protection or outbox code, its administrators neither
  // (the rows of users that go would go with them: ON DELETE CASCADE, whose foreign keys also
  // hold off a writer racing the reset, so these tables need no place in LOCKED_TABLES).
  for (const table of ['outbox_messages', 'login_protects', 'mfa_devices'] as const) await x.deleteFrom(table).where('domain_id', op, id).execute()
  // Identity federation (migration 0021): a new account has none. Protocols and OIDC configurations go with their provider.
  for (const table of ['federated_users', 'identity_providers', 'federation_mappings'] as const) await x.deleteFrom(table).where('domain_id', op, id).execute()
  // SAML metadata (migration 0022) goes with its account; the replay cache names no account and empties itself as assertions expire.
  await x.deleteFrom('saml_metadata').where('domain_id', op, id).execute()

  await x.deleteFrom('credentials').where((eb) => eb.or([
    eb.and([eb('user_id', 'in', users()), ...(keep ? [eb.or([eb('user_id', 'not in', keptUsers()), eb('kind', '=', 'temporary')])] : [])]),
    eb('agency_id', 'in', agencies()),
  ])).execute()

  await x.deleteFrom('role_assignments').where((eb) => {
    const inScope = eb.or([
      eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', users())]),
      eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', groups())]),
      eb.and([eb('actor_type', '=', 'agency'), eb('actor_id', 'in', agencies())]),
      eb.and([eb('target_type', '=', 'domain'), eb('target_id', 'in', domains())]),
      eb.and([eb('target_type', '=', 'project'), eb('target_id', 'in', projects())]),
      eb.and([eb('target_type', '=', 'enterprise_project'), eb('target_id', 'in', eps())]),
      eb('role_id', 'in', customRoles()),
    ])
    if (!keep) return inScope
    const kept = eb.and([
      eb.or([
        eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', keptUsers())]),
        eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', keptGroups())]),
      ]),
      eb('role_id', 'not in', customRoles()),
      eb.or([
        eb.and([eb('target_type', '=', 'domain'), eb('target_id', 'in', domains())]),
        eb('target_type', '=', 'system'),
        eb.and([eb('target_type', '=', 'project'), eb('target_id', 'in', keptProjects())]),
      ]),
    ])
    return eb.and([inScope, eb.not(kept)])
  }).execute()

  await x.deleteFrom('agencies').where('domain_id', op, id).execute()
  // Trusts name their users and project without foreign keys (a trust outlives neither in
  // Keystone); a new account has none, so a reset takes the kept users' too.
  await x.deleteFrom('trusts').where((eb) => eb.or([
    eb('trustor_user_id', 'in', users()), eb('trustee_user_id', 'in', users()), eb('project_id', 'in', projects()),
  ])).execute()
  await x.deleteFrom('group_members').where((eb) => {
    const inScope = eb.or([eb('group_id', 'in', groups()), eb('user_id', 'in', users())])
    return keep ? eb.and([inScope, eb.not(eb.and([eb('group_id', 'in', keptGroups()), eb('user_id', 'in', keptUsers())]))]) : inScope
  }).execute()
  await x.deleteFrom('roles').where('domain_key', op, id).where('domain_key', '<>', '').execute()
  if (keep) {
    await x.deleteFrom('user_groups').where('domain_id', op, id).where('id', 'not in', keptGroups()).execute()
    await x.deleteFrom('users').where('domain_id', op, id).where('id', 'not in', keptUsers()).execute()
    // The kept users (a few, after the deletion) point at no project that goes.
    await x.updateTable('users').set({ default_project_id: null }).where('domain_id', op, id).where('default_project_id', 'not in', keptProjects()).execute()
    await x.updateTable('users').set({ last_project_id: null }).where('domain_id', op, id).where('last_project_id', 'not in', keptProjects()).execute()
    await x.deleteFrom('projects').where('domain_id', op, id).where('id', 'not in', keptProjects()).execute()
    await x.deleteFrom('enterprise_projects').where('domain_id', op, id).where('id', '<>', DEFAULT_ENTERPRISE_PROJECT_ID).execute()
    await x.deleteFrom('audit_traces').where('domain_id', op, id).execute()
    // Account security (migration 0019): a reset account has its flavour's default policies again.
    await x.deleteFrom('security_policies').where('domain_id', op, id).execute()
    return
  }
  for (const table of ['user_groups', 'users', 'projects', 'enterprise_projects', 'audit_traces'] as const) await x.deleteFrom(table).where('domain_id', op, id).execute()
  await x.deleteFrom('domains').where('id', op, id).execute()
  // Last: deleting the lists' rows above bumped their generations (migration 0023).
  await x.deleteFrom('list_generations').where('domain_id', op, id).execute()
  // Emptied by the deletions above (migration 0024's triggers); gone whatever they left.
  await x.deleteFrom('project_buckets').where('domain_id', op, id).execute()
  await x.deleteFrom('enterprise_project_buckets').where('domain_id', op, id).execute()
}
