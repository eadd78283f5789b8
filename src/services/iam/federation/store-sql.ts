/**
 * @module `FederationStore` over Kysely, for every SQL dialect `db/` opens. Lists are sorted here
 * by id in code order, so both dialects list alike whatever the database's collation.
 */
import { sql, type Transaction } from 'kysely'
import type { Database, FederatedUserRow, FederationMappingRow, FederationProtocolRow, IdentityProviderRow, OidcConfigRow, ProjectRow, UserRow } from '../../../db/schema.js'
import { ConflictError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { FederationStore, ProviderLimits } from './store.js'

const byId = <T extends { id: string }>(rows: T[]): T[] => rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

export class SqlFederationStore extends IamSqlStore<FederationStore> implements FederationStore {
  protected bound(trx: Transaction<Database>): SqlFederationStore {
    return new SqlFederationStore({ db: this.db, x: trx })
  }

  createIdentityProvider(row: IdentityProviderRow, limits: ProviderLimits): Promise<IdentityProviderRow> {
    return this.transaction(async (tx) => {
      const x = (tx as SqlFederationStore).x
      // The account's providers are counted and compared under its lock, so racing creates
      // cannot together break a limit (spec §1.1, OQ-12).
      await this.db.serialize(x as Transaction<Database>, `iam-idp:${row.domain_id}`)
      const others = await x.selectFrom('identity_providers').select(['sso_type']).where('domain_id', '=', row.domain_id).execute()
      if (others.some((o) => o.sso_type !== row.sso_type)) throw new ConflictError('identity_provider', 'sso_type conflict')
      if (row.sso_type === 'iam_user_sso' && others.length > 0) throw new ConflictError('identity_provider', 'sso_type conflict')
      if (others.length >= limits.perAccount) throw new ConflictError('identity_provider', 'identity provider quota exceeded')
      return (tx as SqlFederationStore).constrained(
        async () => {
          await x.insertInto('identity_providers').values(row).execute()
          return row
        },
        { unique: () => new ConflictError('identity_provider', `Duplicate entry: ${row.id}`) },
      )
    })
  }

  findIdentityProvider(id: string): Promise<IdentityProviderRow | undefined> {
    return this.x.selectFrom('identity_providers').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async listIdentityProviders(domainId: string): Promise<IdentityProviderRow[]> {
    return byId(await this.x.selectFrom('identity_providers').selectAll().where('domain_id', '=', domainId).execute())
  }

  async updateIdentityProvider(id: string, patch: Partial<Pick<IdentityProviderRow, 'description' | 'enabled' | 'remote_ids' | 'updated_at'>>) {
    await this.write((x) => x.updateTable('identity_providers').set(patch).where('id', '=', id).execute())
    return this.findIdentityProvider(id)
  }

  async deleteIdentityProvider(id: string): Promise<boolean> {
    // Protocols and the OIDC configuration follow by their foreign keys' cascade.
    const result = await this.write((x) => x.deleteFrom('identity_providers').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  createMapping(row: FederationMappingRow): Promise<FederationMappingRow> {
    return this.constrained(
      async () => {
        await this.write((x) => x.insertInto('federation_mappings').values(row).execute())
        return row
      },
      { unique: () => new ConflictError('mapping', `Duplicate entry: ${row.id}`) },
    )
  }

  findMapping(domainId: string, id: string): Promise<FederationMappingRow | undefined> {
    return this.x.selectFrom('federation_mappings').selectAll().where('domain_id', '=', domainId).where('id', '=', id).executeTakeFirst()
  }

  async listMappings(domainId: string): Promise<FederationMappingRow[]> {
    return byId(await this.x.selectFrom('federation_mappings').selectAll().where('domain_id', '=', domainId).execute())
  }

  async updateMapping(domainId: string, id: string, patch: Pick<FederationMappingRow, 'rules' | 'updated_at'> & Partial<Pick<FederationMappingRow, 'schema_version'>>) {
    await this.write((x) => x.updateTable('federation_mappings').set(patch).where('domain_id', '=', domainId).where('id', '=', id).execute())
    return this.findMapping(domainId, id)
  }

  async deleteMapping(domainId: string, id: string): Promise<boolean> {
    const result = await this.write((x) => x.deleteFrom('federation_mappings').where('domain_id', '=', domainId).where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  protocolsUsingMapping(domainId: string, mappingId: string): Promise<FederationProtocolRow[]> {
    return this.x.selectFrom('federation_protocols').innerJoin('identity_providers', 'identity_providers.id', 'federation_protocols.idp_id')
      .selectAll('federation_protocols')
      .where('identity_providers.domain_id', '=', domainId).where('federation_protocols.mapping_id', '=', mappingId).execute()
  }

  createProtocol(row: FederationProtocolRow, onlyOne: boolean): Promise<FederationProtocolRow> {
    return this.transaction(async (tx) => {
      const x = (tx as SqlFederationStore).x
      await this.db.serialize(x as Transaction<Database>, `iam-idp-protocol:${row.idp_id}`)
      if (onlyOne) {
        const existing = await x.selectFrom('federation_protocols').select('id').where('idp_id', '=', row.idp_id).executeTakeFirst()
        if (existing) throw new ConflictError('federation_protocol', `Duplicate entry: the identity provider ${row.idp_id} has the protocol ${existing.id}`)
      }
      return (tx as SqlFederationStore).constrained(
        async () => {
          await x.insertInto('federation_protocols').values(row).execute()
          return row
        },
        { unique: () => new ConflictError('federation_protocol', `Duplicate entry: ${row.id}`) },
      )
    })
  }

  findProtocol(idpId: string, id: string): Promise<FederationProtocolRow | undefined> {
    return this.x.selectFrom('federation_protocols').selectAll().where('idp_id', '=', idpId).where('id', '=', id).executeTakeFirst()
  }

  async listProtocols(idpId: string): Promise<FederationProtocolRow[]> {
    return byId(await this.x.selectFrom('federation_protocols').selectAll().where('idp_id', '=', idpId).execute())
  }

  async updateProtocol(idpId: string, id: string, mappingId: string | null) {
    await this.write((x) => x.updateTable('federation_protocols').set({ mapping_id: mappingId }).where('idp_id', '=', idpId).where('id', '=', id).execute())
    return this.findProtocol(idpId, id)
  }

  async deleteProtocol(idpId: string, id: string): Promise<boolean> {
    const result = await this.write((x) => x.deleteFrom('federation_protocols').where('idp_id', '=', idpId).where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  createOidcConfig(row: OidcConfigRow): Promise<OidcConfigRow> {
    return this.constrained(
      async () => {
        await this.write((x) => x.insertInto('oidc_configs').values(row).execute())
        return row
      },
      { unique: () => new ConflictError('openid_connect_config', `Duplicate entry: ${row.idp_id}`) },
    )
  }

  findOidcConfig(idpId: string): Promise<OidcConfigRow | undefined> {
    return this.x.selectFrom('oidc_configs').selectAll().where('idp_id', '=', idpId).executeTakeFirst()
  }

  async updateOidcConfig(idpId: string, patch: Partial<Omit<OidcConfigRow, 'idp_id' | 'created_at'>>) {
    await this.write((x) => x.updateTable('oidc_configs').set(patch).where('idp_id', '=', idpId).execute())
    return this.findOidcConfig(idpId)
  }

  async upsertFederatedUser(row: FederatedUserRow): Promise<FederatedUserRow> {
    // The id is derived from (account, name), so a conflict on either key is the same user.
    await this.write((x) => x.insertInto('federated_users').values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ last_login_at: row.last_login_at, idp_id: row.idp_id, protocol_id: row.protocol_id })).execute())
    return (await this.findFederatedUser(row.id)) ?? row
  }

  findFederatedUser(id: string): Promise<FederatedUserRow | undefined> {
    return this.x.selectFrom('federated_users').selectAll().where('id', '=', id).executeTakeFirst()
  }

  findUserByExternalId(domainId: string, xuserId: string): Promise<UserRow | undefined> {
    return this.x.selectFrom('users').selectAll().where('domain_id', '=', domainId).where('xuser_type', '=', 'TenantIdp').where('xuser_id', '=', xuserId).executeTakeFirst()
  }

  async listProjectsForGroups(domainId: string, groupIds: readonly string[]): Promise<ProjectRow[]> {
    if (groupIds.length === 0) return []
    const grants = await this.x.selectFrom('role_assignments').select(['target_type', 'target_id', 'inherited'])
      .where('actor_type', '=', 'group').where('actor_id', 'in', [...groupIds])
      .where((eb) => eb.or([eb('target_type', '=', 'project'), eb.and([eb('target_type', '=', 'domain'), eb('target_id', '=', domainId)])]))
      .execute()
    const projects = await this.x.selectFrom('projects').selectAll().where('domain_id', '=', domainId).execute()
    const everywhere = grants.some((g) => g.target_type === 'domain' && g.inherited === 1)
    const direct = new Set(grants.filter((g) => g.target_type === 'project' && g.inherited === 0).map((g) => g.target_id))
    const below = new Set(grants.filter((g) => g.target_type === 'project' && g.inherited === 1).map((g) => g.target_id))
    const byId = new Map(projects.map((p) => [p.id, p]))
    const underInherited = (p: ProjectRow): boolean => {
      const seen = new Set<string>()
      for (let up: string | undefined = p.parent_id; up !== undefined && !seen.has(up); up = byId.get(up)?.parent_id) {
        if (below.has(up)) return true
        seen.add(up)
      }
      return false
    }
    return projects.filter((p) => everywhere || direct.has(p.id) || underInherited(p))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async isRevoked(auditId: string): Promise<boolean> {
    const row = await this.x.selectFrom('revoked_tokens').select(sql<number>`1`.as('one')).where('audit_id', '=', auditId).executeTakeFirst()
    return row !== undefined
  }
}
