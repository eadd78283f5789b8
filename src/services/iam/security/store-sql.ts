/**
 * @module `SecurityStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database } from '../../../db/schema.js'
import { NotFoundError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { PolicyKind } from './rules.js'
import type { SecurityStore } from './store.js'

export class SqlSecurityStore extends IamSqlStore<SecurityStore> implements SecurityStore {
  protected bound(trx: Transaction<Database>): SqlSecurityStore {
    return new SqlSecurityStore({ db: this.db, x: trx })
  }

  async findPolicy(domainId: string, kind: PolicyKind) {
    const row = await this.x.selectFrom('security_policies').select('body').where('domain_id', '=', domainId).where('kind', '=', kind).executeTakeFirst()
    return row ? JSON.parse(row.body) as unknown : undefined
  }

  async putPolicy(domainId: string, kind: PolicyKind, body: unknown, now: string) {
    const text = JSON.stringify(body)
    await this.constrained(() => this.write((x) => x.insertInto('security_policies').values({ domain_id: domainId, kind, body: text, updated_at: now })
      .onConflict((oc) => oc.columns(['domain_id', 'kind']).doUpdateSet({ body: text, updated_at: now }))
      .execute()), { missing: () => new NotFoundError('domain', domainId) })
  }

  async deletePolicies(domainId: string) {
    await this.write((x) => x.deleteFrom('security_policies').where('domain_id', '=', domainId).execute())
  }

  async listPasswordHashes(userId: string, limit: number) {
    if (limit <= 0) return []
    const rows = await this.x.selectFrom('password_history').select('password_hash').where('user_id', '=', userId)
      .orderBy('set_at', 'desc').limit(limit).execute()
    return rows.map((r) => r.password_hash)
  }

  async rememberPassword(userId: string, hash: string, at: string) {
    // A user deleted meanwhile has no history to keep: the foreign key refuses, and that is fine.
    await this.constrained(() => this.write((x) => x.insertInto('password_history').values({ user_id: userId, set_at: at, password_hash: hash }).execute()),
      { missing: () => new NotFoundError('user', userId) }).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error
    })
  }

  listUsersWithPassword(domainId: string) {
    return this.x.selectFrom('users').select(['id', 'password_changed_at', 'created_at']).where('domain_id', '=', domainId).where('password_hash', 'is not', null).execute()
  }

  async setPasswordExpiry(userId: string, expiresAt: string | null) {
    await this.write((x) => x.updateTable('users').set({ password_expires_at: expiresAt }).where('id', '=', userId).execute())
  }

  async clearLoginFailures(userId: string) {
    await this.write((x) => x.updateTable('users').set({ failed_logins: 0, failure_window_started_at: null, locked_until: null }).where('id', '=', userId).execute())
  }

  async lastAccessKeyUse(userId: string) {
    const row = await this.x.selectFrom('credentials').select((eb) => eb.fn.max('last_used_at').as('last')).where('user_id', '=', userId).executeTakeFirst()
    return row?.last ?? undefined
  }

  async disableUser(userId: string, now: string) {
    await this.write((x) => x.updateTable('users').set({ enabled: 0, tokens_valid_after: now, updated_at: now }).where('id', '=', userId).execute())
  }

  async listOwnerIds(domainId: string) {
    return (await this.x.selectFrom('users').select('id').where('domain_id', '=', domainId).where('is_domain_owner', '=', 1).execute()).map((r) => r.id)
  }
}
