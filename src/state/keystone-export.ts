/**
 * @module The keystone flavour's stored kinds in an export: per account its domain roles, trusts,
 * access rules, application credentials, Keystone credentials and domain configuration; for the
 * whole store the global roles an administrator made, the rules between global roles, the
 * catalog, OAuth1 consumers and policy blobs. Sealed values (credential blobs, consumer secrets,
 * an LDAP password) are written in plain text, as access keys' secrets are; application
 * credentials' secrets as their argon2 hashes, as passwords are.
 */
import type { Kysely } from 'kysely'
import type {
  Database, DomainRow, ProjectRow, RoleRow, UserRow,
} from '../db/schema.js'
import type { Flavour } from '../flavours.js'
import { isDomainSpecificRole } from '../services/iam/roles/rules.js'
import type { StateAccount, StateDocument } from './state-document.js'
import { byCodeUnit } from '../shared/compare.js'

const byName = <T extends { name: string }>(a: T, b: T) => byCodeUnit(a.name, b.name) || byCodeUnit((a as { id?: string }).id ?? '', (b as { id?: string }).id ?? '')
const json = (text: string) => JSON.parse(text) as Record<string, unknown>

export type KeystoneRows = Awaited<ReturnType<typeof readKeystoneRows>>

export async function readKeystoneRows(x: Kysely<Database>) {
  return {
    implied: await x.selectFrom('implied_roles').selectAll().execute(),
    trusts: await x.selectFrom('trusts').selectAll().orderBy('created_at').orderBy('id').execute(),
    trustRoles: await x.selectFrom('trust_roles').selectAll().execute(),
    accessRules: await x.selectFrom('access_rules').selectAll().orderBy('id').execute(),
    appCredentials: await x.selectFrom('application_credentials').selectAll().execute(),
    appCredentialRoles: await x.selectFrom('application_credential_roles').selectAll().execute(),
    appCredentialRules: await x.selectFrom('application_credential_access_rules').selectAll().execute(),
    credentials: await x.selectFrom('keystone_credentials').selectAll().orderBy('id').execute(),
    config: await x.selectFrom('domain_config_options').selectAll().orderBy('group_name').orderBy('option_name').execute(),
    projectEndpoints: await x.selectFrom('project_endpoints').selectAll().execute(),
    projectEndpointGroups: await x.selectFrom('project_endpoint_groups').selectAll().execute(),
    services: await x.selectFrom('catalog_services').selectAll().orderBy('created_at').orderBy('id').execute(),
    endpoints: await x.selectFrom('catalog_endpoints').selectAll().orderBy('created_at').orderBy('id').execute(),
    endpointGroups: await x.selectFrom('endpoint_groups').selectAll().orderBy('created_at').orderBy('id').execute(),
    consumers: await x.selectFrom('oauth_consumers').selectAll().orderBy('id').execute(),
    policies: await x.selectFrom('policy_blobs').selectAll().orderBy('id').execute(),
  }
}

interface AccountContext {
  roles: readonly RoleRow[]
  users: readonly UserRow[]
  projects: readonly ProjectRow[]
  domains: readonly DomainRow[]
  /** A sealed value opened, or an error naming `what`. */
  opened: (sealed: string, what: string) => string
}

export function keystoneAccount(rows: KeystoneRows, domainId: string, ctx: AccountContext): Partial<StateAccount> {
  const roleById = new Map(ctx.roles.map((r) => [r.id, r]))
  const userById = new Map(ctx.users.map((u) => [u.id, u]))
  const projectById = new Map(ctx.projects.map((p) => [p.id, p]))
  const domainName = (id: string) => ctx.domains.find((d) => d.id === id)?.name
  const roleNames = (ids: readonly string[]) => ids.flatMap((id) => roleById.get(id)?.name ?? []).sort(byCodeUnit)
  const mine = (userId: string) => userById.get(userId)?.domain_id === domainId
  const projectName = (id: string) => projectById.get(id)?.name

  const domainRoles = ctx.roles.filter((r) => r.domain_key === domainId && isDomainSpecificRole(r)).sort(byName).map((r) => ({
    id: r.id, name: r.name, description: r.description,
    implies: roleNames(rows.implied.filter((i) => i.prior_role_id === r.id).map((i) => i.implied_role_id)),
    created_at: r.created_at, updated_at: r.updated_at,
  }))

  // A trust whose trustor, trustee or project is gone counts as deleted (migration 0016): it has no place.
  const trusts = rows.trusts.filter((t) => mine(t.trustor_user_id) && userById.has(t.trustee_user_id) && (t.project_id === null || projectById.has(t.project_id)))
    .map((t) => {
      const trustee = userById.get(t.trustee_user_id)!
      const project = t.project_id === null ? null : projectById.get(t.project_id)!
      return {
        id: t.id, trustor: userById.get(t.trustor_user_id)!.name, trustee: trustee.name,
        ...(trustee.domain_id === domainId ? {} : { trustee_account: domainName(trustee.domain_id)! }),
        project: project?.name ?? null,
        ...(project === null || project.domain_id === domainId ? {} : { project_account: domainName(project.domain_id)! }),
        impersonation: t.impersonation === 1, expires_at: t.expires_at, remaining_uses: t.remaining_uses,
        redelegated_trust_id: t.redelegated_trust_id, redelegation_count: t.redelegation_count,
        roles: roleNames(rows.trustRoles.filter((r) => r.trust_id === t.id).map((r) => r.role_id)),
        extra: json(t.extra), created_at: t.created_at,
      }
    })

  const accessRules = rows.accessRules.filter((r) => mine(r.user_id)).map((r) => ({
    id: r.id, user: userById.get(r.user_id)!.name, service: r.service, path: r.path, method: r.method, created_at: r.created_at,
  }))

  const applicationCredentials = rows.appCredentials.filter((c) => mine(c.user_id))
    .map((c) => ({
      id: c.id, user: userById.get(c.user_id)!.name, project: projectName(c.project_id)!, name: c.name, description: c.description,
      secret_hash: c.secret_hash, expires_at: c.expires_at, unrestricted: c.unrestricted === null ? null : c.unrestricted === 1,
      roles: roleNames(rows.appCredentialRoles.filter((r) => r.application_credential_id === c.id).map((r) => r.role_id)),
      access_rules: rows.appCredentialRules.filter((r) => r.application_credential_id === c.id).map((r) => r.access_rule_id).sort(byCodeUnit),
      created_at: c.created_at,
    }))
    .sort((a, b) => byCodeUnit(a.user, b.user) || byCodeUnit(a.name, b.name))

  const credentials = rows.credentials.filter((c) => mine(c.user_id)).map((c) => ({
    id: c.id, user: userById.get(c.user_id)!.name, project: c.project_id === null ? null : projectName(c.project_id) ?? null,
    type: c.type, blob: ctx.opened(c.blob, `the blob of credential ${c.id}`), extra: json(c.extra), created_at: c.created_at,
  }))

  const config: Record<string, Record<string, unknown>> = {}
  for (const o of rows.config.filter((r) => r.domain_id === domainId)) {
    const value = o.sensitive === 1 ? ctx.opened(o.value, `the ${o.group_name}.${o.option_name} option of domain ${domainId}`) : o.value
    ;(config[o.group_name] ??= {})[o.option_name] = JSON.parse(value) as unknown
  }

  return {
    roles: domainRoles, trusts, access_rules: accessRules, application_credentials: applicationCredentials, credentials,
    domain_config: config,
  }
}

export function keystoneGlobals(rows: KeystoneRows, flavour: Flavour, roles: readonly RoleRow[], opened: AccountContext['opened']): Partial<StateDocument> {
  const system = new Set(flavour.systemRoles.map((r) => r.name))
  const globals = roles.filter((r) => r.domain_key === '')
  const roleById = new Map(globals.map((r) => [r.id, r]))
  return {
    roles: globals.filter((r) => !system.has(r.name)).sort(byName).map((r) => ({
      id: r.id, name: r.name, description: r.description, created_at: r.created_at, updated_at: r.updated_at,
    })),
    implied_roles: rows.implied.flatMap((i) => {
      const prior = roleById.get(i.prior_role_id)
      const implied = roleById.get(i.implied_role_id)
      return prior && implied ? [{ prior: prior.name, implied: implied.name }] : []
    }).sort((a, b) => byCodeUnit(a.prior, b.prior) || byCodeUnit(a.implied, b.implied)),
    catalog: {
      services: rows.services.map((s) => ({
        id: s.id, type: s.type, name: s.name, enabled: s.enabled === 1, extra: json(s.extra), created_at: s.created_at,
        endpoints: rows.endpoints.filter((e) => e.service_id === s.id).map((e) => ({
          id: e.id, interface: e.interface as 'public' | 'internal' | 'admin', region: e.region_id, url: e.url, enabled: e.enabled === 1,
          extra: json(e.extra), created_at: e.created_at,
        })),
      })),
      endpoint_groups: rows.endpointGroups.map((g) => ({ id: g.id, name: g.name, description: g.description, filters: json(g.filters), created_at: g.created_at })),
    },
    oauth_consumers: rows.consumers.map((c) => ({
      id: c.id, description: c.description, secret: opened(c.secret, `the secret of OAuth1 consumer ${c.id}`), extra: json(c.extra), created_at: c.created_at,
    })),
    policies: rows.policies.map((p) => ({ id: p.id, type: p.type, blob: p.blob, extra: json(p.extra), created_at: p.created_at })),
  }
}
