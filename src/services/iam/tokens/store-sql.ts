/**
 * @module `TokenStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database } from '../../../db/schema.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { CallerRecord, TokenStore } from './store.js'

export class SqlTokenStore extends IamSqlStore<TokenStore> implements TokenStore {
  protected bound(trx: Transaction<Database>): SqlTokenStore {
    return new SqlTokenStore({ db: this.db, x: trx })
  }

  async findCaller(userId: string, auditId: string): Promise<CallerRecord | undefined> {
    const row = await this.x
      .selectFrom('users')
      .innerJoin('domains', 'domains.id', 'users.domain_id')
      .selectAll('users')
      .select((eb) => [
        'domains.name as domain_name',
        'domains.enabled as domain_enabled',
        eb.exists(eb.selectFrom('revoked_tokens').select('audit_id').where('audit_id', '=', auditId)).as('revoked'),
      ])
      .where('users.id', '=', userId)
      .executeTakeFirst()
    if (!row) return undefined
    const { domain_name, domain_enabled, revoked, ...user } = row
    return { user, domain: { id: user.domain_id, name: domain_name, enabled: domain_enabled }, revoked: Boolean(revoked) }
  }

  listTokenKeys() {
    return this.x.selectFrom('token_keys').select(['id', 'secret']).orderBy('created_at', 'desc').orderBy('id').execute()
  }

  async ensureTokenKey(row: { id: string; secret: string; created_at: string }) {
    await this.x.insertInto('token_keys').values(row).onConflict((oc) => oc.column('id').doNothing()).execute()
  }

  async revokeToken(auditId: string, expiresAt: string, now: string) {
    await this.write((x) => x.insertInto('revoked_tokens').values({ audit_id: auditId, expires_at: expiresAt, revoked_at: now })
      .onConflict((oc) => oc.column('audit_id').doNothing()).execute())
  }
}
