/**
 * @module `CredentialStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { CredentialRow, Database } from '../../../db/schema.js'
import { AccessKeyQuotaExceededError, NotFoundError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { CredentialChanges, CredentialStore, NewCredential } from './store.js'
import { PERMANENT_KEY_SLOTS } from './rules.js'

/** The clouds' two permanent keys per user. */

export class SqlCredentialStore extends IamSqlStore<CredentialStore> implements CredentialStore {
  protected bound(trx: Transaction<Database>): SqlCredentialStore {
    return new SqlCredentialStore({ db: this.db, x: trx })
  }

  async createPermanentCredential(row: NewCredential) {
    for (const slot of PERMANENT_KEY_SLOTS) {
      const credential: CredentialRow = { ...row, kind: 'permanent', slot }
      // A taken slot (maybe by a request racing this one) inserts nothing: try the next.
      const inserted = await this.constrained(() => this.write((x) => x.insertInto('credentials').values(credential)
        .onConflict((oc) => oc.columns(['user_id', 'slot']).doNothing()).returning('access').executeTakeFirst()), { missing: () => new NotFoundError('user', row.user_id) })
      if (inserted) return credential
    }
    throw new AccessKeyQuotaExceededError(PERMANENT_KEY_SLOTS.length)
  }

  async createTemporaryCredential(row: NewCredential) {
    const credential: CredentialRow = { ...row, kind: 'temporary', slot: null }
    await this.constrained(() => this.write((x) => x.insertInto('credentials').values(credential).execute()), { missing: () => new NotFoundError('user', row.user_id) })
    return credential
  }

  findCredential(access: string) {
    return this.locked(this.x.selectFrom('credentials').selectAll().where('access', '=', access)).executeTakeFirst()
  }

  listCredentials(userId: string) {
    return this.x.selectFrom('credentials').selectAll().where('user_id', '=', userId).where('kind', '=', 'permanent').orderBy('created_at').execute()
  }

  updateCredential(access: string, changes: CredentialChanges) {
    return this.write((x) => x.updateTable('credentials').set(changes).where('access', '=', access).where('kind', '=', 'permanent').returningAll().executeTakeFirst())
  }

  async deleteCredential(access: string) {
    const result = await this.write((x) => x.deleteFrom('credentials').where('access', '=', access).where('kind', '=', 'permanent').executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  async markCredentialUsed(access: string, now: string) {
    await this.write((x) => x.updateTable('credentials').set({ last_used_at: now }).where('access', '=', access).execute())
  }

  async deleteExpiredCredentials(now: string) {
    await this.write((x) => x.deleteFrom('credentials').where('kind', '=', 'temporary').where('expires_at', '<', now).execute())
  }
}
