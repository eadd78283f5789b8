/**
 * @module `ApplicationCredentialStore` over Kysely, for every SQL dialect `db/` opens. Each
 * credential is read with its roles and access rules (three queries for any number of them).
 */
import type { Transaction } from 'kysely'
import type { AccessRuleRow, ApplicationCredentialRow, Database } from '../../../db/schema.js'
import { ConflictError, NotFoundError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import { AccessRuleInUseError } from './rules.js'
import type { AccessRuleFilter, AccessRuleRequest, ApplicationCredentialRecord, ApplicationCredentialStore } from './store.js'

export class SqlApplicationCredentialStore extends IamSqlStore<ApplicationCredentialStore> implements ApplicationCredentialStore {
  protected bound(trx: Transaction<Database>): SqlApplicationCredentialStore {
    return new SqlApplicationCredentialStore({ db: this.db, x: trx })
  }

  createApplicationCredential(row: ApplicationCredentialRow, roleIds: readonly string[], rules: readonly AccessRuleRequest[]) {
    return this.transaction(async (tx) => (tx as SqlApplicationCredentialStore).createRows(row, roleIds, rules))
  }

  private async createRows(row: ApplicationCredentialRow, roleIds: readonly string[], rules: readonly AccessRuleRequest[]): Promise<ApplicationCredentialRecord> {
    await this.constrained(() => this.x.insertInto('application_credentials').values(row).execute(), {
      unique: () => new ConflictError('application_credential', `Duplicate entry found with name ${row.name}`),
      missing: () => new NotFoundError('user', row.user_id),
    })
    for (const roleId of new Set(roleIds)) {
      await this.constrained(() => this.x.insertInto('application_credential_roles').values({ application_credential_id: row.id, role_id: roleId }).execute(), {
        missing: () => new NotFoundError('role', roleId),
      })
    }
    for (const request of rules) {
      const rule = await this.resolveAccessRule(row.user_id, request, row.created_at)
      await this.x.insertInto('application_credential_access_rules').values({ application_credential_id: row.id, access_rule_id: rule.id })
        .onConflict((oc) => oc.columns(['application_credential_id', 'access_rule_id']).doNothing()).execute()
    }
    return (await this.findApplicationCredential(row.id))!
  }

  /**
   * Keystone's order: the user's rule with that id, else the user's equal rule, else a new one.
   * Two creates racing to make the same rule both end on the one the unique index let in.
   */
  private async resolveAccessRule(userId: string, request: AccessRuleRequest, now: string): Promise<AccessRuleRow> {
    if (request.id !== undefined) {
      const own = await this.x.selectFrom('access_rules').selectAll().where('id', '=', request.id).where('user_id', '=', userId).executeTakeFirst()
      if (own) return own
    }
    const { service, path, method } = request
    if (service === undefined || path === undefined || method === undefined) throw new NotFoundError('Access Rule', request.id ?? '')
    const byContent = () => this.x.selectFrom('access_rules').selectAll()
      .where('user_id', '=', userId).where('service', '=', service).where('path', '=', path).where('method', '=', method).executeTakeFirst()
    const existing = await byContent()
    if (existing) return existing
    const id = request.id ?? request.newId
    await this.constrained(() => this.x.insertInto('access_rules').values({ id, user_id: userId, service, path, method, created_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'service', 'path', 'method']).doNothing()).execute(), {
      unique: () => new ConflictError('access_rule', `Duplicate entry found with ID ${id}`),
      missing: () => new NotFoundError('user', userId),
    })
    return (await byContent())!
  }

  async findApplicationCredential(id: string) {
    const row = await this.x.selectFrom('application_credentials').selectAll().where('id', '=', id).executeTakeFirst()
    return row && (await this.withLinks([row]))[0]
  }

  async listApplicationCredentials(userId: string, name?: string) {
    let q = this.x.selectFrom('application_credentials').selectAll().where('user_id', '=', userId)
    if (name !== undefined) q = q.where('name', '=', name)
    return this.withLinks(await q.orderBy('created_at').orderBy('id').execute())
  }

  private async withLinks(rows: ApplicationCredentialRow[]): Promise<ApplicationCredentialRecord[]> {
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.id)
    const roles = await this.x.selectFrom('application_credential_roles as l').innerJoin('roles as r', 'r.id', 'l.role_id')
      .selectAll('r').select('l.application_credential_id as credential_id').where('l.application_credential_id', 'in', ids).orderBy('r.name').orderBy('r.id').execute()
    const rules = await this.x.selectFrom('application_credential_access_rules as l').innerJoin('access_rules as a', 'a.id', 'l.access_rule_id')
      .selectAll('a').select('l.application_credential_id as credential_id').where('l.application_credential_id', 'in', ids).orderBy('a.created_at').orderBy('a.id').execute()
    return rows.map((credential) => ({
      credential,
      roles: roles.filter((r) => r.credential_id === credential.id).map(({ credential_id: _, ...role }) => role),
      accessRules: rules.filter((r) => r.credential_id === credential.id).map(({ credential_id: _, ...rule }) => rule),
    }))
  }

  async deleteApplicationCredential(id: string) {
    const result = await this.write((x) => x.deleteFrom('application_credentials').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  findAccessRule(id: string) {
    return this.x.selectFrom('access_rules').selectAll().where('id', '=', id).executeTakeFirst()
  }

  listAccessRules(userId: string, filter: AccessRuleFilter) {
    let q = this.x.selectFrom('access_rules').selectAll().where('user_id', '=', userId)
    if (filter.service !== undefined) q = q.where('service', '=', filter.service)
    if (filter.path !== undefined) q = q.where('path', '=', filter.path)
    if (filter.method !== undefined) q = q.where('method', '=', filter.method)
    return q.orderBy('created_at').orderBy('id').execute()
  }

  async deleteAccessRule(id: string) {
    // The credentials' link to the rule has no cascade: the foreign key refuses while one uses it.
    const result = await this.constrained(() => this.write((x) => x.deleteFrom('access_rules').where('id', '=', id).executeTakeFirst()), {
      missing: () => new AccessRuleInUseError(),
    })
    return Number(result.numDeletedRows) > 0
  }
}
