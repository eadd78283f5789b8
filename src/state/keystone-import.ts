/**
 * @module The keystone flavour's stored kinds written by an import (see keystone-export.ts), in
 * the import's transaction, once every account of the document is in: a trust may name a user
 * or project of another account, so names are looked up in the store as it now is (the
 * document's accounts, and in an import of one account the store's others). The document was
 * checked whole before (keystone-checks.ts), so every name resolves.
 */
import type { Kysely } from 'kysely'
import type { Database, RoleRow } from '../db/schema.js'
import type { Flavour } from '../flavours.js'
import type { SecretBox } from '../auth/secret-box.js'
import { hashPassword } from '../auth/password.js'
import { newHexId } from '../shared/ids.js'
import { DOMAIN_ROLE_CATALOG } from '../services/iam/roles/rules.js'
import { isSensitive } from '../services/iam/domain-config/rules.js'
import { ec2CredentialId } from '../services/iam/keystone-credentials/rules.js'
import type { StateAccount, StateApplicationCredential, StateDocument } from './state-document.js'
import { ec2Access } from './keystone-checks.js'

/** The marker `seedCatalog` claims (catalog/store-sql.ts): a restored catalog is not seeded over. */
const CATALOG_SEEDED = 'seeded'
const NO_POLICY = JSON.stringify({ Version: '1.0', Statement: [] })

export interface KeystoneWriteContext {
  box: SecretBox
  now: string
  /** Plain secrets of application credentials, hashed before the transaction. */
  secretHashes: ReadonlyMap<StateApplicationCredential, string>
  stamp: (time: string | null | undefined) => string | undefined
}

/** argon2 hashes of the plain secrets the document's application credentials give. */
export async function hashApplicationSecrets(doc: StateDocument): Promise<Map<StateApplicationCredential, string>> {
  const hashes = new Map<StateApplicationCredential, string>()
  await Promise.all(doc.accounts.flatMap((a) => a.application_credentials ?? []).filter((c) => c.secret !== undefined)
    .map(async (c) => hashes.set(c, await hashPassword(c.secret!))))
  return hashes
}

/** A domain role as a row, written with the account's custom policies. */
export function domainRoleRows(account: StateAccount, accountId: string, now: string, stamp: KeystoneWriteContext['stamp']): RoleRow[] {
  return (account.roles ?? []).map((r) => {
    const created = stamp(r.created_at) ?? now
    return {
      id: r.id ?? newHexId(), domain_key: accountId, name: r.name, display_name: r.name, description: r.description ?? '', description_cn: '',
      type: 'AA', catalog: DOMAIN_ROLE_CATALOG, flag: '', policy: NO_POLICY, created_at: created, updated_at: stamp(r.updated_at) ?? created,
    }
  })
}

/**
 * A whole import's global kinds, before its accounts: the global roles an administrator made and
 * the rules between global roles replace the store's when the document has them (left out, the
 * store's stay); the catalog is the document's, or the flavour's seed when it has none.
 */
export async function writeKeystoneGlobals(
  x: Kysely<Database>, doc: StateDocument, flavour: Flavour, ctx: Pick<KeystoneWriteContext, 'box' | 'now' | 'stamp'>, seed: () => Promise<unknown>,
): Promise<void> {
  const { now, stamp } = ctx
  if (doc.roles !== undefined) {
    await x.deleteFrom('roles').where('domain_key', '=', '').where('name', 'not in', flavour.systemRoles.map((r) => r.name)).execute()
    for (const r of doc.roles) {
      const created = stamp(r.created_at) ?? now
      await x.insertInto('roles').values({
        id: r.id ?? newHexId(), domain_key: '', name: r.name, display_name: r.name, description: r.description ?? '', description_cn: '',
        type: 'AA', catalog: 'BASE', flag: '', policy: NO_POLICY, created_at: created, updated_at: stamp(r.updated_at) ?? created,
      }).execute()
    }
  }
  if (doc.implied_roles !== undefined) {
    await x.deleteFrom('implied_roles').execute()
    const ids = await globalRoleIds(x)
    for (const rule of doc.implied_roles) {
      await x.insertInto('implied_roles').values({ prior_role_id: ids.get(rule.prior)!, implied_role_id: ids.get(rule.implied)! }).execute()
    }
  }
  if (doc.catalog === undefined) {
    await seed()
  } else {
    await x.insertInto('catalog_seed').values({ id: CATALOG_SEEDED }).execute()
    for (const s of doc.catalog.services) {
      await x.insertInto('catalog_services').values({
        id: s.id, type: s.type, name: s.name ?? '', enabled: s.enabled === false ? 0 : 1, extra: JSON.stringify(s.extra ?? {}), created_at: stamp(s.created_at) ?? now,
      }).execute()
      for (const e of s.endpoints ?? []) {
        await x.insertInto('catalog_endpoints').values({
          id: e.id, service_id: s.id, interface: e.interface, region_id: e.region ?? null, url: e.url, enabled: e.enabled === false ? 0 : 1,
          extra: JSON.stringify(e.extra ?? {}), created_at: stamp(e.created_at) ?? now,
        }).execute()
      }
    }
    for (const g of doc.catalog.endpoint_groups ?? []) {
      await x.insertInto('endpoint_groups').values({
        id: g.id, name: g.name, description: g.description ?? null, filters: JSON.stringify(g.filters), created_at: stamp(g.created_at) ?? now,
      }).execute()
    }
  }
  for (const c of doc.oauth_consumers ?? []) {
    await x.insertInto('oauth_consumers').values({
      id: c.id, description: c.description ?? null, secret: ctx.box.seal(c.secret), extra: JSON.stringify(c.extra ?? {}), created_at: stamp(c.created_at) ?? now,
    }).execute()
  }
  for (const p of doc.policies ?? []) {
    await x.insertInto('policy_blobs').values({ id: p.id, type: p.type, blob: p.blob, extra: JSON.stringify(p.extra ?? {}), created_at: stamp(p.created_at) ?? now }).execute()
  }
}

async function globalRoleIds(x: Kysely<Database>): Promise<Map<string, string>> {
  return new Map((await x.selectFrom('roles').select(['id', 'name']).where('domain_key', '=', '').execute()).map((r) => [r.name, r.id]))
}

/** Name → id of one account's users or projects, by the account's name. */
async function idsIn(x: Kysely<Database>, table: 'users' | 'projects', accountName: string): Promise<Map<string, string>> {
  const rows = await x.selectFrom(table).innerJoin('domains', 'domains.id', `${table}.domain_id`)
    .select([`${table}.id as id`, `${table}.name as name`]).where('domains.name', '=', accountName).execute()
  return new Map(rows.map((r) => [r.name, r.id]))
}

/** One account's keystone kinds, once every account of the import is written. */
export async function writeKeystoneAccount(x: Kysely<Database>, account: StateAccount, accountId: string, ctx: KeystoneWriteContext): Promise<void> {
  const { now, stamp } = ctx
  const globals = await globalRoleIds(x)
  const domainRoles = new Map((await x.selectFrom('roles').select(['id', 'name']).where('domain_key', '=', accountId).execute()).map((r) => [r.name, r.id]))
  // As the checks and grants resolve them: a global role first, then the account's domain role.
  const roleId = (name: string) => globals.get(name) ?? domainRoles.get(name)!
  const users = await idsIn(x, 'users', account.name)
  const projects = await idsIn(x, 'projects', account.name)
  const userId = (name: string) => users.get(name)!
  const projectId = (name: string) => projects.get(name)!

  for (const role of account.roles ?? []) {
    for (const implied of role.implies ?? []) {
      await x.insertInto('implied_roles').values({ prior_role_id: domainRoles.get(role.name)!, implied_role_id: roleId(implied) }).execute()
    }
  }
  for (const p of account.projects ?? []) {
    for (const endpoint of p.endpoints ?? []) await x.insertInto('project_endpoints').values({ endpoint_id: endpoint, project_id: projectId(p.name) }).execute()
    for (const group of p.endpoint_groups ?? []) await x.insertInto('project_endpoint_groups').values({ endpoint_group_id: group, project_id: projectId(p.name) }).execute()
  }

  for (const t of account.trusts ?? []) {
    const trustee = t.trustee_account === undefined ? users : await idsIn(x, 'users', t.trustee_account)
    const trustProjects = t.project_account === undefined ? projects : await idsIn(x, 'projects', t.project_account)
    const id = t.id ?? newHexId()
    await x.insertInto('trusts').values({
      id, trustor_user_id: userId(t.trustor), trustee_user_id: trustee.get(t.trustee)!, project_id: t.project == null ? null : trustProjects.get(t.project)!,
      impersonation: t.impersonation ? 1 : 0, expires_at: stamp(t.expires_at) ?? null, remaining_uses: t.remaining_uses ?? null,
      redelegated_trust_id: t.redelegated_trust_id ?? null, redelegation_count: t.redelegation_count ?? null,
      extra: JSON.stringify(t.extra ?? {}), created_at: stamp(t.created_at) ?? now,
    }).execute()
    for (const name of new Set(t.roles)) await x.insertInto('trust_roles').values({ trust_id: id, role_id: roleId(name) }).execute()
  }

  for (const r of account.access_rules ?? []) {
    await x.insertInto('access_rules').values({ id: r.id, user_id: userId(r.user), service: r.service, path: r.path, method: r.method, created_at: stamp(r.created_at) ?? now }).execute()
  }
  for (const c of account.application_credentials ?? []) {
    const id = c.id ?? newHexId()
    await x.insertInto('application_credentials').values({
      id, user_id: userId(c.user), project_id: projectId(c.project), name: c.name, description: c.description ?? null,
      secret_hash: c.secret_hash ?? ctx.secretHashes.get(c)!, expires_at: stamp(c.expires_at) ?? null,
      unrestricted: c.unrestricted === undefined || c.unrestricted === null ? null : c.unrestricted ? 1 : 0, created_at: stamp(c.created_at) ?? now,
    }).execute()
    for (const name of new Set(c.roles)) await x.insertInto('application_credential_roles').values({ application_credential_id: id, role_id: roleId(name) }).execute()
    for (const rule of new Set(c.access_rules ?? [])) await x.insertInto('application_credential_access_rules').values({ application_credential_id: id, access_rule_id: rule }).execute()
  }

  for (const c of account.credentials ?? []) {
    const id = c.id ?? (c.type === 'ec2' ? ec2CredentialId(ec2Access(c.blob)!) : newHexId())
    await x.insertInto('keystone_credentials').values({
      id, user_id: userId(c.user), project_id: c.project == null ? null : projectId(c.project), type: c.type, blob: ctx.box.seal(c.blob),
      extra: JSON.stringify(c.extra ?? {}), created_at: stamp(c.created_at) ?? now,
    }).execute()
  }

  for (const [group, options] of Object.entries(account.domain_config ?? {})) {
    for (const [option, value] of Object.entries(options)) {
      const sensitive = isSensitive(group, option)
      const stored = JSON.stringify(value)
      await x.insertInto('domain_config_options').values({
        domain_id: accountId, group_name: group, option_name: option, value: sensitive ? ctx.box.seal(stored) : stored, sensitive: sensitive ? 1 : 0,
      }).execute()
    }
  }
}
