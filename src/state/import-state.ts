/**
 * @module Import of a state document: checked whole by `parseStateDocument` first, then written
 * in ONE transaction, so a failure anywhere (even one only the database sees) leaves the store as
 * it was. Exported documents are restored exactly, ids and times included; hand-written seeds
 * may leave out ids (generated), times (now), plain passwords (hashed here) and secret keys
 * (generated), and every cloud account gets what the bootstrap gives a new one (a system project
 * per region, the default enterprise project `0`, the `admin` group holding the admin roles),
 * through the bootstrap's own functions.
 */
import { importedPolicy } from '../services/iam/security/rules.js'
import { planFederation, type FederationPlan } from './federation-import.js'
import { storedTime } from './document-blocks.js'
import { USER_PROFILE_DEFAULTS } from '../services/iam/identity/user-profile.js'
import { randomUUID } from 'node:crypto'
import { newHexId } from '../shared/ids.js'
import type { Kysely } from 'kysely'
import type { Db } from '../db/database.js'
import type {
  AgencyRow, CocFavouritesRow, CredentialRow, Database, DomainRow, EnterpriseProjectRow, EpResourceRow, GroupRow, ProjectRow, RegionRow, RoleRow, UserRow,
} from '../db/schema.js'
import { flavourFor, type Flavour, type FlavourName } from '../flavours.js'
import type { PasswordPolicy } from '../config.js'
import { hashPassword } from '../auth/password.js'
import { loadSecretBox } from '../auth/keys.js'
import type { SecretBox } from '../auth/secret-box.js'
import { validateCustomPolicy } from '../auth/custom-policy.js'
import { DEFAULT_ENTERPRISE_PROJECT_ID, DEFAULT_ENTERPRISE_PROJECT_NAME } from '../shared/well-known-ids.js'
import { SqlIamStores } from '../services/iam/iam-stores-sql.js'
import { isoMicros } from '../shared/clock.js'
import { ADMIN_GROUP_NAME } from '../services/iam/identity/service.js'
import { ADMIN_GROUP_DESCRIPTION, createRegionProject, grantAdminRoles, syncSystemRoles } from '../services/iam/bootstrap.js'
import { seedCatalog } from '../services/iam/catalog/service.js'
import { newAccessKey, newSecretKey } from '../services/iam/credentials/service.js'
import { newFavouritesId, storedFavourites } from '../services/coc/rules.js'
import { resourceType } from '../services/eps/resource-types.js'
import { DEFAULT_ENTERPRISE_PROJECT_TYPE } from '../services/eps/rules.js'
import { parseStateDocument, type StateAccount, type StateDocument, type StateRegion, type StateUser } from './state-document.js'
import { resolveFavourite, resolveRole } from './state-checks.js'
import { regionOfProjectName } from '../services/iam/projects/rules.js'
import { customRoleName, nextCustomRoleNumber } from '../services/iam/roles/rules.js'
import { agencyExpiry, isServiceTrust, parseAgencyDuration } from '../services/iam/agencies/rules.js'
import { deleteStateRows } from './reset-state.js'
import { clearAccounts, lockState, projectIdsOf } from './account-rows.js'
import { projectsTransaction } from '../services/iam/projects/store-sql.js'
import { ValidationError } from '../errors/app-error.js'
import { StateDocumentError } from './state-document.js'
import type { StoreContext } from './keystone-checks.js'
import { domainRoleRows, hashApplicationSecrets, writeKeystoneAccount, writeKeystoneGlobals } from './keystone-import.js'

export interface ImportOptions {
  flavour: FlavourName
  /** Delete the current state first, in the same transaction. Without it a store holding accounts is refused. */
  replace?: boolean
  /** Epoch milliseconds for every time the document leaves out; `Date.now()` otherwise. */
  now?: number
  /** Rules for plain passwords; the flavour's defaults when left out. */
  passwordPolicy?: PasswordPolicy
  /**
   * Replace this account only (created when the store lacks it): the document holds exactly one
   * account, with this id or none. The store's regions and other accounts stay; the document's
   * regions are not used, and its agencies may trust the store's other accounts by name.
   */
  account?: string
}

/** Rows in the store after the import, per kind (including what every new account gets without the document naming it). */
export interface ImportSummary {
  regions: number
  accounts: number
  users: number
  groups: number
  memberships: number
  custom_policies: number
  projects: number
  enterprise_projects: number
  resources: number
  agencies: number
  grants: number
  access_keys: number
  favourites: number
}

/** The store already holds accounts and `replace` was not asked for. */
export class StateNotEmptyError extends Error {
  constructor() {
    super('the store already holds accounts; import into an empty store, or replace its state (the CLI: --replace)')
    this.name = 'StateNotEmptyError'
  }
}

/** The import was valid but the database refused it; nothing was written. */
export class StateImportError extends Error {
  constructor(cause: unknown) {
    super(`the import failed and nothing was written: ${(cause as Error).message ?? String(cause)}`, { cause })
    this.name = 'StateImportError'
  }
}

/** Rows per INSERT: far below SQLite's and PostgreSQL's limits on bound parameters. */
const INSERT_CHUNK = 200


/** A grant whose role is resolved by name once system roles are in the store. */
interface PlannedGrant {
  actor_type: 'user' | 'group' | 'agency'; actor_id: string; target_type: 'domain' | 'project' | 'system' | 'enterprise_project'; target_id: string
  role: { kind: 'system' | 'custom'; name: string }; inherited: number
}

/** Every row one account's part of the document becomes, ids settled before the transaction. */
interface AccountPlan {
  /** The account as the document has it: its keystone kinds are written from it, after every account. */
  source: StateAccount
  domain: DomainRow
  /** Regions whose system project the document leaves out, with the id it will have. */
  missingRegionProjects: [regionId: string, projectId: string][]
  projects: ProjectRow[]
  enterpriseProjects: EnterpriseProjectRow[]
  users: UserRow[]
  groups: GroupRow[]
  adminGroupId: string | undefined
  members: { group_id: string; user_id: string }[]
  roles: RoleRow[]
  /** `trust_domain_id` is settled once every account's id is (`settleTrust`). */
  agencies: AgencyRow[]
  grants: PlannedGrant[]
  credentials: (CredentialRow & { plainSecret: string })[]
  resources: EpResourceRow[]
  favourites: CocFavouritesRow[]
  /** Identity federation (issue 20). */
  federation: FederationPlan
}

export async function importState(db: Db, input: unknown, options: ImportOptions): Promise<ImportSummary> {
  const one = options.account === undefined ? undefined : await oneAccountContext(db, input, options.account)
  const doc = parseStateDocument(one?.input ?? input, {
    flavour: options.flavour, passwordPolicy: options.passwordPolicy, otherAccounts: one && [...one.others.keys()], store: one?.store,
  })
  const flavour = flavourFor(options.flavour)
  const nowMs = options.now ?? Date.now()
  const now = isoMicros(nowMs)
  // argon2 takes ~28 ms a password: hashed before the transaction, so the write lock is not held meanwhile.
  const hashes = new Map<StateUser, string>()
  await Promise.all(doc.accounts.flatMap((a) => a.users ?? []).filter((u) => u.password !== undefined)
    .map(async (u) => hashes.set(u, await hashPassword(u.password!))))
  const secretHashes = await hashApplicationSecrets(doc)
  const regions = planRegions(doc, flavour)
  const regionIds = new Set(regions.map((r) => r.id))
  const claimedIds = new Set(doc.accounts.flatMap((a) => (a.id === undefined ? [] : [a.id])))
  const globalRoles = one?.store?.globalRoles ?? (doc.roles ?? []).map((r) => r.name)
  const plans = doc.accounts.map((account) => planAccount(account, { flavour, now, regionIds, hashes, claimedIds, globalRoles }))
  settleTrust(plans, one?.others)

  let refused: StateNotEmptyError | undefined
  try {
    const summary = await projectsTransaction(db, async (trx, touched) => {
      await lockState(db, trx)
      if (one) {
        for (const id of await projectIdsOf(trx, { only: one.accountId })) touched.add(id)
        await clearAccounts(trx, { only: one.accountId })
      } else {
        if (await trx.selectFrom('domains').select('id').limit(1).executeTakeFirst()) {
          if (!options.replace) {
            refused = new StateNotEmptyError()
            throw refused
          }
        }
        for (const project of await trx.selectFrom('projects').select('id').execute()) touched.add(project.id)
        await deleteStateRows(trx)
      }
      const store = new SqlIamStores({ db, x: trx, touchedProjects: touched })
      // A store that no server has started yet has no system roles; grants need them.
      await syncSystemRoles(store, flavour, nowMs)
      const box = await loadSecretBox(store.tokens, now)
      const keystone = { box, now, secretHashes, stamp: storedTime }
      if (!one) {
        await insertMany(trx, 'regions', regions)
        // The reset above dropped the catalog with the regions: the document's, or the flavour's for its regions.
        const seed = () => seedCatalog(store, flavour, nowMs)
        if (flavour.iam.regionProjects) await seed()
        else await writeKeystoneGlobals(trx, doc, flavour, keystone, seed)
      }
      // Keystone's global roles included (written just above), which grants name as the flavour's own.
      const systemRoleIds = new Map((await trx.selectFrom('roles').select(['id', 'name']).where('domain_key', '=', '').execute()).map((r) => [r.name, r.id]))
      for (const plan of plans) await writeAccount(trx, store, flavour, plan, { box, systemRoleIds })
      if (!flavour.iam.regionProjects) for (const plan of plans) await writeKeystoneAccount(trx, plan.source, plan.domain.id, keystone)
      for (const plan of plans) for (const project of plan.projects) touched.add(project.id)
      return countState(trx)
    })
    db.announceChange()
    return summary
  } catch (error) {
    if (error === refused) throw error
    throw new StateImportError(error)
  }
}

/** An import of one account: the document must hold exactly it; the store's regions and other accounts frame it. */
async function oneAccountContext(db: Db, input: unknown, accountId: string): Promise<{ input: unknown; accountId: string; others: Map<string, string>; store: StoreContext }> {
  const accounts = (input as { accounts?: unknown } | null)?.accounts
  if (Array.isArray(accounts)) {
    const problems: string[] = []
    if (accounts.length !== 1) problems.push(`accounts: an import of account '${accountId}' holds exactly that account, got ${accounts.length}`)
    const id = (accounts[0] as { id?: unknown } | undefined)?.id
    if (accounts.length === 1 && id !== undefined && id !== accountId) problems.push(`accounts[0].id: an import of account '${accountId}' holds that account, got '${String(id)}'`)
    if (problems.length > 0) throw new StateDocumentError(problems)
  }
  const regions = (await db.kysely.selectFrom('regions').select('id').orderBy('id').execute()).map((r) => ({ id: r.id }))
  const others = new Map((await db.kysely.selectFrom('domains').select(['id', 'name']).where('id', '<>', accountId).execute()).map((d) => [d.name, d.id]))
  const withId = Array.isArray(accounts) && accounts.length === 1 && typeof accounts[0] === 'object' && accounts[0] !== null
    ? { ...(input as object), regions, accounts: [{ ...(accounts[0] as object), id: accountId }] }
    : input
  return { input: withId, accountId, others, store: await storeContext(db, accountId) }
}

/** What an account's keystone kinds may name outside it: other accounts' users and projects, global roles, the catalog. */
async function storeContext(db: Db, accountId: string): Promise<StoreContext> {
  const x = db.kysely
  const byAccount = async (table: 'users' | 'projects') => {
    const rows = await x.selectFrom(table).innerJoin('domains', 'domains.id', `${table}.domain_id`)
      .select(['domains.name as account', `${table}.name as name`]).where('domains.id', '<>', accountId).execute()
    const map = new Map<string, Set<string>>()
    for (const r of rows) (map.get(r.account) ?? map.set(r.account, new Set()).get(r.account)!).add(r.name)
    return map
  }
  return {
    users: await byAccount('users'), projects: await byAccount('projects'),
    globalRoles: (await x.selectFrom('roles').select('name').where('domain_key', '=', '').execute()).map((r) => r.name),
    endpoints: new Set((await x.selectFrom('catalog_endpoints').select('id').execute()).map((r) => r.id)),
    endpointGroups: new Set((await x.selectFrom('endpoint_groups').select('id').execute()).map((r) => r.id)),
  }
}

function planRegions(doc: StateDocument, flavour: Flavour): RegionRow[] {
  const given: StateRegion[] = doc.regions ?? flavour.defaultRegions.map((r) => ({ id: r.id }))
  return given.map((r) => ({
    id: r.id, type: r.type ?? 'public', description: r.description ?? '', parent_region_id: r.parent_region_id ?? null,
    // A known region of the flavour keeps its display names unless the document gives others.
    locales: JSON.stringify(r.locales ?? flavour.defaultRegions.find((d) => d.id === r.id)?.locales ?? {}),
    extra: JSON.stringify(r.extra ?? {}), has_endpoints: r.has_endpoints === false ? 0 : 1,
  }))
}

interface PlanContext {
  flavour: Flavour
  now: string
  regionIds: ReadonlySet<string>
  hashes: ReadonlyMap<StateUser, string>
  claimedIds: Set<string>
  /** Keystone's global roles beyond the flavour's: the document's, or in an import of one account the store's. */
  globalRoles: readonly string[]
}

function planAccount(account: StateAccount, ctx: PlanContext): AccountPlan {
  const { flavour, now } = ctx
  const cloud = flavour.iam.regionProjects
  // keystone-manage bootstrap gives the `Default` domain the id `default`; a seed naming it gets the same.
  let accountId = account.id
  if (accountId === undefined && !cloud && account.name === flavour.defaultAccountName && !ctx.claimedIds.has('default')) accountId = 'default'
  accountId ??= newHexId()
  ctx.claimedIds.add(accountId)
  const created = storedTime(account.created_at) ?? now
  const domain: DomainRow = {
    id: accountId, name: account.name, description: account.description ?? '', enabled: account.enabled === false ? 0 : 1,
    created_at: created, updated_at: storedTime(account.updated_at) ?? created,
  }
  const times = (t: { created_at?: string; updated_at?: string }) => {
    const createdAt = storedTime(t.created_at) ?? now
    return { created_at: createdAt, updated_at: storedTime(t.updated_at) ?? createdAt }
  }

  // Projects: ids first, since parents and users' default projects point at them.
  const projectIds = new Map((account.projects ?? []).map((p) => [p.name, p.id ?? newHexId()]))
  const missingRegionProjects: [string, string][] = cloud
    ? [...ctx.regionIds].filter((r) => !projectIds.has(r)).map((r) => [r, newHexId()])
    : []
  const regionProjectId = (region: string) => projectIds.get(region) ?? missingRegionProjects.find(([r]) => r === region)![1]
  const projects: ProjectRow[] = (account.projects ?? []).map((p) => {
    const region = cloud ? regionOfProjectName(p.name, ctx.regionIds)! : null
    const kind = cloud && region === p.name ? 'region' : 'custom'
    const parent = kind === 'region' ? accountId : region !== null ? regionProjectId(region) : p.parent !== undefined ? projectIds.get(p.parent)! : accountId
    const status = p.status ?? 'normal'
    const stamps = times(p)
    return {
      id: projectIds.get(p.name)!, domain_id: accountId, name: p.name, description: p.description ?? '', parent_id: parent, kind,
      region_id: region, enabled: p.enabled === false ? 0 : 1, status,
      suspended_at: status === 'suspended' ? storedTime(p.suspended_at) ?? stamps.updated_at : null,
      tags: JSON.stringify(p.tags ?? []), options: JSON.stringify(p.options ?? {}), extra: JSON.stringify(p.extra ?? {}), ...stamps,
    }
  })
  const projectByName = new Map(projects.map((p) => [p.name, p]))

  const enterpriseProjects: EnterpriseProjectRow[] = (account.enterprise_projects ?? []).map((ep) => ({
    domain_id: accountId, id: ep.id ?? randomUUID(), name: ep.name, description: ep.description ?? '', status: ep.enabled === false ? 2 : 1,
    type: ep.type ?? DEFAULT_ENTERPRISE_PROJECT_TYPE, ...times(ep),
  }))
  const epId = (name: string | undefined) => (name === undefined || name === DEFAULT_ENTERPRISE_PROJECT_NAME ? DEFAULT_ENTERPRISE_PROJECT_ID : enterpriseProjects.find((ep) => ep.name === name)!.id)

  const groups: GroupRow[] = (account.groups ?? []).map((g) => ({
    id: g.id ?? newHexId(), domain_id: accountId, name: g.name, description: g.description ?? '', created_at: storedTime(g.created_at) ?? now,
  }))
  if (cloud && !groups.some((g) => g.name === ADMIN_GROUP_NAME)) {
    groups.push({ id: newHexId(), domain_id: accountId, name: ADMIN_GROUP_NAME, description: ADMIN_GROUP_DESCRIPTION, created_at: now })
  }
  const groupId = (name: string) => groups.find((g) => g.name === name)!.id

  const users: UserRow[] = []
  const members: AccountPlan['members'] = []
  const credentials: AccountPlan['credentials'] = []
  const favourites: CocFavouritesRow[] = []
  for (const u of account.users ?? []) {
    const id = u.id ?? newHexId()
    users.push({
      id, domain_id: accountId, name: u.name, password_hash: u.password_hash ?? ctx.hashes.get(u) ?? null, enabled: u.enabled === false ? 0 : 1,
      password_expires_at: storedTime(u.password_expires_at) ?? null,
      default_project_id: u.default_project == null ? null : projectByName.get(u.default_project)!.id,
      description: u.description ?? '', email: u.email ?? null, extra: JSON.stringify(u.extra ?? {}),
      // Sessions issued before the import belong to the state it replaced.
      tokens_valid_after: now,
      failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: null, last_project_id: null, ...userProfile(u), ...times(u),
    })
    for (const g of u.groups ?? []) members.push({ group_id: groupId(g), user_id: id })
    ;(u.access_keys ?? []).forEach((k, i) => {
      const createdAt = storedTime(k.created_at) ?? now
      credentials.push({
        access: k.access ?? newAccessKey(), user_id: id, secret: '', plainSecret: k.secret ?? newSecretKey(), status: k.status ?? 'active',
        description: k.description ?? '', kind: 'permanent', slot: i + 1, security_token_hash: null, expires_at: null,
        created_at: createdAt, last_used_at: storedTime(k.last_used_at) ?? null, agency_id: null, session_name: null,
      })
    })
    if (u.favourites) {
      // As COC stores a list: ids lower case (resolveFavourite), each once, in the user's order.
      const epIds = storedFavourites(u.favourites.enterprise_projects.map((e) => resolveFavourite(enterpriseProjects, e)!))
      favourites.push({ id: u.favourites.id ?? newFavouritesId(), domain_id: accountId, user_id: id, ep_ids: JSON.stringify(epIds), created_at: now, updated_at: now })
    }
  }
  const userId = (name: string) => users.find((u) => u.name === name)!.id

  // Custom policies are numbered as the clouds number them, after the highest number given.
  let next = nextCustomRoleNumber((account.custom_policies ?? []).map((p) => p.name))
  const roles: RoleRow[] = (account.custom_policies ?? []).map((p) => ({
    id: p.id ?? newHexId(), domain_key: accountId, name: p.name ?? customRoleName(accountId, next++), display_name: p.display_name,
    description: p.description ?? '', description_cn: p.description_cn ?? '', type: p.type, catalog: 'CUSTOMED', flag: '',
    policy: JSON.stringify(validateCustomPolicy(p.policy, 'policy')), ...times(p),
  }))
  const roleRefs = (account.custom_policies ?? []).map((p, i) => ({ name: roles[i]!.name, display_name: p.display_name, type: p.type }))
  // Keystone's domain roles: rows of `roles` as custom policies are, granted by name as they are.
  const domainRoles = domainRoleRows(account, accountId, now, storedTime)
  roles.push(...domainRoles)
  roleRefs.push(...domainRoles.map((r) => ({ name: r.name, display_name: r.name, type: r.type as 'AX' })))
  const globalRoles = ctx.globalRoles

  // The API's duration rule; an expiry the document leaves out counts from when the duration was set.
  const agencies: AgencyRow[] = (account.agencies ?? []).map((a) => {
    const stamps = times(a)
    const validity = parseAgencyDuration(a.duration, 'duration')
    const expiry = agencyExpiry(validity, Date.parse(stamps.updated_at))
    // Whole days later, to the microsecond: the digits below the millisecond are updated_at's.
    const counted = expiry === null ? null : `${isoMicros(expiry).slice(0, 23)}${stamps.updated_at.slice(23)}`
    return {
      id: a.id ?? newHexId(), domain_id: accountId, name: a.name, trust_domain_id: null, trust_domain_name: a.trust_account,
      description: a.description ?? '', duration: validity.duration,
      expire_time: a.expire_time !== undefined ? storedTime(a.expire_time) ?? null : counted, ...stamps,
    }
  })
  const agencyId = (name: string) => agencies.find((a) => a.name === name)!.id

  const grants: PlannedGrant[] = (account.grants ?? []).map((g) => {
    const role = resolveRole(flavour, roleRefs, g.role, globalRoles) as Exclude<ReturnType<typeof resolveRole>, string>
    const target = g.project !== undefined ? { target_type: 'project' as const, target_id: projectByName.get(g.project)!.id }
      : g.enterprise_project !== undefined ? { target_type: 'enterprise_project' as const, target_id: epId(g.enterprise_project) }
        : g.system === true ? { target_type: 'system' as const, target_id: 'all' }
          : { target_type: 'domain' as const, target_id: accountId }
    return {
      ...(g.user !== undefined ? { actor_type: 'user' as const, actor_id: userId(g.user) }
        : g.group !== undefined ? { actor_type: 'group' as const, actor_id: groupId(g.group) } : { actor_type: 'agency' as const, actor_id: agencyId(g.agency!) }),
      ...target, role: { kind: role.kind, name: role.name }, inherited: g.inherited === true ? 1 : 0,
    }
  })

  const resources: EpResourceRow[] = (account.resources ?? []).map((r) => {
    const type = resourceType(r.type)!
    const project = r.project === undefined ? undefined : projectByName.get(r.project)!
    return {
      domain_id: accountId, resource_type: type.type, resource_id: r.id ?? randomUUID(), resource_name: r.name ?? '',
      project_id: project?.id ?? '', region_id: project ? project.region_id ?? '' : r.region ?? '',
      enterprise_project_id: epId(r.enterprise_project), attached_to: r.attached_to ?? null,
      detail: r.detail == null ? null : JSON.stringify(r.detail), ...times(r),
    }
  })

  const federation = planFederation(account, accountId, times, ctx.now)

  return {
    source: account, domain, missingRegionProjects, projects, enterpriseProjects, users, groups,
    adminGroupId: cloud ? groupId(ADMIN_GROUP_NAME) : undefined, members, roles, agencies, grants, credentials, resources, favourites,
    federation,
  }
}

/** An agency trusts a cloud service, or an account of the document by name (checked): its id is known once all are planned. */
function settleTrust(plans: readonly AccountPlan[], others: ReadonlyMap<string, string> = new Map()): void {
  const accountIds = new Map([...others, ...plans.map((p) => [p.domain.name, p.domain.id] as const)])
  for (const agency of plans.flatMap((p) => p.agencies)) {
    if (!isServiceTrust(agency.trust_domain_name)) agency.trust_domain_id = accountIds.get(agency.trust_domain_name)!
  }
}

async function writeAccount(
  trx: Kysely<Database>, store: SqlIamStores, flavour: Flavour, plan: AccountPlan,
  deps: { box: SecretBox; systemRoleIds: ReadonlyMap<string, string> },
): Promise<void> {
  const accountId = plan.domain.id
  await insertMany(trx, 'domains', [plan.domain])
  if (flavour.eps) {
    await insertMany(trx, 'enterprise_projects', plan.enterpriseProjects)
    if (!plan.enterpriseProjects.some((ep) => ep.id === DEFAULT_ENTERPRISE_PROJECT_ID)) await store.projects.createDefaultEnterpriseProject(accountId, plan.domain.created_at)
  }
  for (const [region, id] of plan.missingRegionProjects) await createRegionProject(store, accountId, region, plan.domain.created_at, id)
  await insertMany(trx, 'projects', plan.projects)
  await insertMany(trx, 'users', plan.users)
  await insertMany(trx, 'user_groups', plan.groups)
  await insertMany(trx, 'group_members', plan.members)
  await insertMany(trx, 'roles', plan.roles)
  await insertMany(trx, 'agencies', plan.agencies)
  const customIds = new Map(plan.roles.map((r) => [r.name, r.id]))
  await insertMany(trx, 'role_assignments', plan.grants.map(({ role, ...g }) => ({
    ...g, role_id: role.kind === 'system' ? deps.systemRoleIds.get(role.name)! : customIds.get(role.name)!,
  })))
  // The built-in group always holds the admin roles, as in every new account (idempotent when the document lists them).
  if (plan.adminGroupId !== undefined) await grantAdminRoles(store, flavour, plan.adminGroupId, accountId)
  await insertMany(trx, 'credentials', plan.credentials.map(({ plainSecret, ...row }) => ({ ...row, secret: deps.box.seal(plainSecret) })))
  await insertMany(trx, 'ep_resources', plan.resources)
  await insertMany(trx, 'coc_favourites', plan.favourites)
  // Account security (issue 18): the policies as a PUT would store them, and each user's password history.
  await insertMany(trx, 'security_policies', Object.entries(plan.source.security_policies ?? {}).map(([kind, body]) => ({ domain_id: accountId, kind, body: JSON.stringify(importedPolicy(kind, body ?? {}, flavour.name)), updated_at: plan.domain.updated_at })))
  await insertMany(trx, 'password_history', (plan.source.users ?? []).flatMap((u, i) => (u.password_history ?? [])
    .map((h) => ({ user_id: plan.users[i]!.id, set_at: storedTime(h.set_at)!, password_hash: h.password_hash }))))
  // Identity federation (issue 20): providers before what hangs on them.
  await insertMany(trx, 'federation_mappings', plan.federation.mappings)
  await insertMany(trx, 'identity_providers', plan.federation.providers)
  await insertMany(trx, 'federation_protocols', plan.federation.protocols)
  await insertMany(trx, 'oidc_configs', plan.federation.configs)
  await insertMany(trx, 'saml_metadata', plan.federation.samlMetadata)
}

async function insertMany<K extends 'domains' | 'regions' | 'projects' | 'users' | 'user_groups' | 'group_members' | 'roles' | 'role_assignments' | 'credentials' | 'agencies' | 'enterprise_projects' | 'ep_resources' | 'coc_favourites'
  | 'federation_mappings' | 'identity_providers' | 'federation_protocols' | 'oidc_configs' | 'security_policies' | 'password_history' | 'saml_metadata'>(
  trx: Kysely<Database>, table: K, rows: readonly Database[K][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one helper for every table; rows are typed by the caller
    await trx.insertInto(table).values(rows.slice(i, i + INSERT_CHUNK) as any).execute()
  }
}

async function countState(x: Kysely<Database>): Promise<ImportSummary> {
  const count = async (table: keyof Database, where?: [string, string, string]) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- counted the same way for every table
    let q: any = x.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n'))
    if (where) q = q.where(...where)
    return Number((await q.executeTakeFirstOrThrow()).n)
  }
  return {
    regions: await count('regions'), accounts: await count('domains'), users: await count('users'), groups: await count('user_groups'),
    memberships: await count('group_members'), custom_policies: await count('roles', ['domain_key', '<>', '']),
    projects: await count('projects'), enterprise_projects: await count('enterprise_projects'), resources: await count('ep_resources'),
    agencies: await count('agencies'), grants: await count('role_assignments'), access_keys: await count('credentials'), favourites: await count('coc_favourites'),
  }
}

/** The OS-USER profile columns of an imported user: as given, the defaults for what is left out. */
function userProfile(u: StateUser): Pick<UserRow, keyof typeof USER_PROFILE_DEFAULTS> {
  const p = u.profile ?? {}
  return {
    ...USER_PROFILE_DEFAULTS,
    ...Object.fromEntries(Object.entries(p).filter(([k]) => !['pwd_status', 'is_domain_owner', 'password_changed_at'].includes(k))),
    pwd_status: p.pwd_status ? 1 : 0, is_domain_owner: p.is_domain_owner ? 1 : 0,
    password_changed_at: storedTime(p.password_changed_at) ?? null,
  }
}
