/**
 * @module Export of the whole state as one document, read in one transaction (on PostgreSQL a
 * repeatable-read snapshot, so concurrent writes are either wholly in it or not at all). Ids
 * are kept, so an import restores them exactly; references between entries are by name, unique
 * in their account. Order is fixed (by name, then id) so two exports of one state are equal
 * byte for byte but for `exported_at`, and diffs between states stay small.
 *
 * NOTE: an export holds secrets: the argon2 hashes of passwords and the plain secret keys of
 * access keys (an import must restore them for signed requests to keep working). Keep it as a
 * password file is kept; in the keystone flavour also Keystone credentials' blobs, OAuth1
 * consumers' secrets and LDAP passwords of domain configurations (keystone-export.ts). Left out: token keys, revoked tokens, temporary access keys (those
 * made through agencies too), login failure counters, the migration records of EPS and the
 * audit trail.
 */
import type { Kysely } from 'kysely'
import type { Db } from '../db/database.js'
import type { Database, ProjectRow, RoleAssignmentRow } from '../db/schema.js'
import { flavourFor, type FlavourName } from '../flavours.js'
import { secretBoxOf } from '../auth/keys.js'
import { CREDENTIAL_KEY_ID, DEFAULT_ENTERPRISE_PROJECT_ID, DEFAULT_ENTERPRISE_PROJECT_NAME } from '../shared/well-known-ids.js'
import { isoMicros } from '../shared/clock.js'
import { NotFoundError } from '../errors/app-error.js'
import { resourceType } from '../services/eps/resource-types.js'
import { isDomainSpecificRole } from '../services/iam/roles/rules.js'
import { keystoneAccount, keystoneGlobals, readKeystoneRows } from './keystone-export.js'
import {
  STATE_FORMAT, STATE_VERSION, type StateAccount, type StateDocument, type StateGrant, type StateUser,
} from './state-document.js'
import { byCodeUnit } from '../shared/compare.js'

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
const json = (text: string) => JSON.parse(text) as Record<string, unknown>

/** A grant's target kind in the order grants are listed. */
const TARGET_ORDER = { domain: 0, system: 1, project: 2, enterprise_project: 3 } as const

export interface ExportOptions {
  flavour: FlavourName
  now?: number
  /** This account only (its document imports back with `account`); every account when left out. */
  accountId?: string
}

export async function exportState(db: Db, options: ExportOptions): Promise<StateDocument> {
  let snapshot = db.kysely.transaction()
  if (db.dialect === 'postgres') snapshot = snapshot.setIsolationLevel('repeatable read').setAccessMode('read only')
  return snapshot.execute((x) => readState(x, options.flavour, options.now ?? Date.now(), options.accountId))
}

async function readState(x: Kysely<Database>, flavourName: FlavourName, now: number, accountId: string | undefined): Promise<StateDocument> {
  const flavour = flavourFor(flavourName)
  const [regions, domains, projects, users, groups, members, roles, assignments, credentials, eps, resources, favourites, agencies, keys] = [
    await x.selectFrom('regions').selectAll().orderBy('id').execute(),
    await x.selectFrom('domains').selectAll().execute(),
    await x.selectFrom('projects').selectAll().execute(),
    await x.selectFrom('users').selectAll().execute(),
    await x.selectFrom('user_groups').selectAll().execute(),
    await x.selectFrom('group_members').selectAll().execute(),
    await x.selectFrom('roles').selectAll().execute(),
    await x.selectFrom('role_assignments').selectAll().execute(),
    await x.selectFrom('credentials').selectAll().where('kind', '=', 'permanent').orderBy('slot').execute(),
    await x.selectFrom('enterprise_projects').selectAll().execute(),
    await x.selectFrom('ep_resources').selectAll().execute(),
    await x.selectFrom('coc_favourites').selectAll().execute(),
    await x.selectFrom('agencies').selectAll().execute(),
    await x.selectFrom('token_keys').selectAll().where('id', '=', CREDENTIAL_KEY_ID).execute(),
  ]
  const box = keys[0] ? secretBoxOf(keys[0]) : undefined
  const stored = flavour.iam.regionProjects ? undefined : await readKeystoneRows(x)
  const opened = (sealed: string, what: string) => {
    const plain = box?.open(sealed)
    if (plain === undefined) throw new Error(`${what} cannot be read with this store's credential key`)
    return plain
  }
  const roleById = new Map(roles.map((r) => [r.id, r]))
  const userById = new Map(users.map((u) => [u.id, u]))
  const groupById = new Map(groups.map((g) => [g.id, g]))
  const projectById = new Map(projects.map((p) => [p.id, p]))
  const agencyById = new Map(agencies.map((a) => [a.id, a]))
  const domainById = new Map(domains.map((d) => [d.id, d]))
  // Account security (issue 18): the policies an account set and every user's password history.
  const securityPolicies = await x.selectFrom('security_policies').selectAll().orderBy('kind').execute()
  const passwordHistory = await x.selectFrom('password_history').selectAll().orderBy('set_at').execute()
  // Identity federation (issue 20): the virtual users are left out, as sign-ins make them again.
  const federation = {
    mappings: await x.selectFrom('federation_mappings').selectAll().execute(),
    providers: await x.selectFrom('identity_providers').selectAll().execute(),
    protocols: await x.selectFrom('federation_protocols').selectAll().execute(),
    configs: await x.selectFrom('oidc_configs').selectAll().execute(),
    saml: await x.selectFrom('saml_metadata').selectAll().execute(),
  }

  const chosen = accountId === undefined ? domains : domains.filter((d) => d.id === accountId)
  if (accountId !== undefined && chosen.length === 0) throw new NotFoundError('account', accountId)
  const accounts = chosen.sort(byName).map((domain): StateAccount => {
    const mine = <T extends { domain_id: string }>(rows: readonly T[]) => rows.filter((r) => r.domain_id === domain.id)
    const accountProjects = mine(projects).sort(byName)
    const accountGroups = mine(groups).sort(byName)
    const accountEps = mine(eps).sort(byName)
    const epName = (id: string) => accountEps.find((ep) => ep.id === id)?.name ?? (id === DEFAULT_ENTERPRISE_PROJECT_ID ? DEFAULT_ENTERPRISE_PROJECT_NAME : id)

    const accountUsers = mine(users).sort(byName).map((u): StateUser => {
      const favourite = favourites.find((f) => f.user_id === u.id && f.domain_id === domain.id)
      return {
        id: u.id, name: u.name, ...(u.password_hash === null ? {} : { password_hash: u.password_hash }),
        ...(passwordHistory.some((h) => h.user_id === u.id)
          ? { password_history: passwordHistory.filter((h) => h.user_id === u.id).map((h) => ({ password_hash: h.password_hash, set_at: h.set_at })) } : {}),
        enabled: u.enabled === 1, description: u.description, email: u.email,
        default_project: u.default_project_id === null ? null : projectById.get(u.default_project_id)?.name ?? null,
        password_expires_at: u.password_expires_at, extra: json(u.extra),
        profile: {
          areacode: u.areacode, phone: u.phone, access_mode: u.access_mode, pwd_status: u.pwd_status === 1, xuser_type: u.xuser_type, xuser_id: u.xuser_id,
          pwd_strength: u.pwd_strength, password_changed_at: u.password_changed_at, is_domain_owner: u.is_domain_owner === 1,
        },
        groups: members.filter((m) => m.user_id === u.id).map((m) => groupById.get(m.group_id)?.name).filter((n): n is string => n !== undefined).sort(byCodeUnit),
        access_keys: credentials.filter((c) => c.user_id === u.id).map((c) => {
          const secret = box?.open(c.secret)
          if (secret === undefined) throw new Error(`the secret key of access key ${c.access} cannot be read with this store's credential key`)
          return { access: c.access, secret, status: c.status, description: c.description, created_at: c.created_at, last_used_at: c.last_used_at }
        }),
        ...(flavour.coc && favourite ? { favourites: { id: favourite.id, enterprise_projects: JSON.parse(favourite.ep_ids) as string[] } } : {}),
        created_at: u.created_at, updated_at: u.updated_at,
      }
    })

    const customPolicies = roles.filter((r) => r.domain_key === domain.id && !isDomainSpecificRole(r)).sort(byName).map((r) => ({
      id: r.id, name: r.name, display_name: r.display_name, type: r.type as 'AX' | 'XA', description: r.description, description_cn: r.description_cn,
      policy: json(r.policy), created_at: r.created_at, updated_at: r.updated_at,
    }))

    const keystoneAttributes = flavour.iam.keystoneProjectAttributes
    const parentName = (p: ProjectRow) => (p.parent_id === domain.id ? undefined : projectById.get(p.parent_id)?.name)
    const stateProjects = accountProjects.map((p) => ({
      id: p.id, name: p.name, description: p.description, enabled: p.enabled === 1, status: p.status, suspended_at: p.suspended_at,
      ...(!flavour.iam.regionProjects && parentName(p) !== undefined ? { parent: parentName(p)! } : {}),
      ...(keystoneAttributes ? { tags: JSON.parse(p.tags) as string[], options: json(p.options), extra: json(p.extra) } : {}),
      ...(stored ? {
        endpoints: stored.projectEndpoints.filter((e) => e.project_id === p.id).map((e) => e.endpoint_id).sort(byCodeUnit),
        endpoint_groups: stored.projectEndpointGroups.filter((e) => e.project_id === p.id).map((e) => e.endpoint_group_id).sort(byCodeUnit),
      } : {}),
      created_at: p.created_at, updated_at: p.updated_at,
    }))

    const grants = assignments.flatMap((a) => grantOf(a, domain.id)).sort(grantOrder)
    function grantOf(a: RoleAssignmentRow, accountId: string): (StateGrant & { order: number; targetName: string })[] {
      const actor = a.actor_type === 'user' ? userById.get(a.actor_id) : a.actor_type === 'agency' ? agencyById.get(a.actor_id) : groupById.get(a.actor_id)
      const role = roleById.get(a.role_id)
      if (!actor || actor.domain_id !== accountId || !role) return []
      const grant: StateGrant = { [a.actor_type === 'user' ? 'user' : a.actor_type === 'agency' ? 'agency' : 'group']: actor.name, role: role.name }
      let targetName = ''
      if (a.target_type === 'project') {
        const project = projectById.get(a.target_id)
        if (!project) return []
        grant.project = targetName = project.name
      } else if (a.target_type === 'enterprise_project') {
        grant.enterprise_project = targetName = epName(a.target_id)
      } else if (a.target_type === 'system') {
        grant.system = true
      } else if (a.target_id !== accountId) {
        return []
      }
      grant.inherited = a.inherited === 1
      return [{ ...grant, order: TARGET_ORDER[a.target_type], targetName }]
    }

    const account: StateAccount = {
      id: domain.id, name: domain.name, description: domain.description, enabled: domain.enabled === 1,
      created_at: domain.created_at, updated_at: domain.updated_at,
      users: accountUsers,
      groups: accountGroups.map((g) => ({ id: g.id, name: g.name, description: g.description, created_at: g.created_at })),
      custom_policies: customPolicies,
      projects: stateProjects,
    }
    if (flavour.eps) {
      account.enterprise_projects = accountEps.map((ep) => ({
        id: ep.id, name: ep.name, description: ep.description, enabled: ep.status === 1, type: ep.type, created_at: ep.created_at, updated_at: ep.updated_at,
      }))
      account.resources = mine(resources)
        .sort((a, b) => byCodeUnit(a.resource_type, b.resource_type) || byCodeUnit(a.resource_id, b.resource_id))
        .map((r) => ({
          type: r.resource_type, id: r.resource_id, name: r.resource_name,
          ...(r.project_id === '' ? {} : { project: projectById.get(r.project_id)?.name ?? r.project_id }),
          ...(resourceType(r.resource_type)?.global && r.region_id !== '' ? { region: r.region_id } : {}),
          enterprise_project: epName(r.enterprise_project_id), attached_to: r.attached_to,
          detail: r.detail === null ? null : json(r.detail), created_at: r.created_at, updated_at: r.updated_at,
        }))
    }
    if (flavour.iam.agencies) {
      // The trusted account by its name now (the stored name is the one it had when trusted); a service as stored.
      account.agencies = mine(agencies).sort(byName).map((a) => ({
        id: a.id, name: a.name,
        trust_account: a.trust_domain_id === null ? a.trust_domain_name : domainById.get(a.trust_domain_id)?.name ?? a.trust_domain_name,
        description: a.description, duration: a.duration, expire_time: a.expire_time, created_at: a.created_at, updated_at: a.updated_at,
      }))
    }
    account.grants = grants.map(({ order: _order, targetName: _targetName, ...g }) => g)
    const policies = mine(securityPolicies)
    if (policies.length > 0) account.security_policies = Object.fromEntries(policies.map((p) => [p.kind, json(p.body)]))
    if (stored) Object.assign(account, keystoneAccount(stored, domain.id, { roles, users, projects, domains, opened }))
    // Identity federation (issue 20): only when the account has some, so documents without stay as they were.
    const myMappings = federation.mappings.filter((m) => m.domain_id === domain.id)
    if (myMappings.length > 0) {
      account.mappings = myMappings.sort((a, b) => byCodeUnit(a.id, b.id)).map((m) => ({ id: m.id, rules: JSON.parse(m.rules) as unknown[], schema_version: m.schema_version as '1.0', created_at: m.created_at, updated_at: m.updated_at }))
    }
    const myProviders = federation.providers.filter((p) => p.domain_id === domain.id)
    if (myProviders.length > 0) {
      account.identity_providers = myProviders.sort((a, b) => byCodeUnit(a.id, b.id)).map((p) => {
        const config = federation.configs.find((c) => c.idp_id === p.id)
        return {
          id: p.id, description: p.description, enabled: p.enabled === 1, sso_type: p.sso_type as 'virtual_user_sso', remote_ids: JSON.parse(p.remote_ids) as string[],
          protocols: federation.protocols.filter((r) => r.idp_id === p.id).sort((a, b) => byCodeUnit(a.id, b.id)).map((r) => {
            const saml = federation.saml.find((m) => m.idp_id === p.id && m.protocol_id === r.id)
            return { id: r.id, mapping_id: r.mapping_id, ...(saml ? { saml_metadata: { id: saml.id, xaccount_type: saml.xaccount_type, data: saml.data, update_time: saml.update_time } } : {}) }
          }),
          ...(config ? {
            openid_connect_config: {
              access_mode: config.access_mode as 'program', idp_url: config.idp_url, client_id: config.client_id, authorization_endpoint: config.authorization_endpoint,
              scope: config.scope, response_type: config.response_type, response_mode: config.response_mode, signing_key: config.signing_key,
            },
          } : {}),
          created_at: p.created_at, updated_at: p.updated_at,
        }
      })
    }
    return account
  })

  return {
    format: STATE_FORMAT, version: STATE_VERSION, flavour: flavourName, exported_at: isoMicros(now),
    regions: regions.map((r) => ({
      id: r.id, type: r.type, description: r.description, parent_region_id: r.parent_region_id, locales: JSON.parse(r.locales) as Record<string, string>,
      ...(flavour.iam.regionProjects ? {} : { extra: json(r.extra), has_endpoints: r.has_endpoints === 1 }),
    })),
    accounts,
    ...(stored && accountId === undefined ? keystoneGlobals(stored, flavour, roles, opened) : {}),
  }
}

/** Groups, users, then agencies. */
const actorRank = (g: StateGrant) => (g.group !== undefined ? 0 : g.user !== undefined ? 1 : 2)

/** Actor kind and name, then target kind and name, then role, then not inherited before inherited. */
function grantOrder(a: StateGrant & { order: number; targetName: string }, b: StateGrant & { order: number; targetName: string }): number {
  return actorRank(a) - actorRank(b)
    || byCodeUnit(a.user ?? a.group ?? a.agency ?? '', b.user ?? b.group ?? b.agency ?? '')
    || a.order - b.order || byCodeUnit(a.targetName, b.targetName) || byCodeUnit(a.role, b.role)
    || Number(a.inherited) - Number(b.inherited)
}
