/**
 * @module `KeystoneCredentialStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, KeystoneCredentialRow } from '../../../db/schema.js'
import { ConflictError, NotFoundError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { KeystoneCredentialChanges, KeystoneCredentialFilter, KeystoneCredentialStore } from './store.js'

export class SqlKeystoneCredentialStore extends IamSqlStore<KeystoneCredentialStore> implements KeystoneCredentialStore {
  protected bound(trx: Transaction<Database>): SqlKeystoneCredentialStore {
    return new SqlKeystoneCredentialStore({ db: this.db, x: trx })
  }

  async createCredential(row: KeystoneCredentialRow) {
    await this.constrained(() => this.write((x) => x.insertInto('keystone_credentials').values(row).execute()), {
      // Keystone's handle_conflicts words a taken id so.
      unique: () => new ConflictError('credential', `Duplicate entry found with ID ${row.id}`),
      missing: () => new NotFoundError('user', row.user_id),
    })
    return row
  }

  findCredential(id: string) {
    return this.locked(this.x.selectFrom('keystone_credentials').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  listCredentials({ userId, type }: KeystoneCredentialFilter) {
    let query = this.x.selectFrom('keystone_credentials').selectAll()
    if (userId !== undefined) query = query.where('user_id', '=', userId)
    if (type !== undefined) query = query.where('type', '=', type)
    return query.orderBy('created_at').orderBy('id').execute()
  }

  updateCredential(id: string, changes: KeystoneCredentialChanges) {
    return this.constrained(
      () => this.write((x) => x.updateTable('keystone_credentials').set(changes).where('id', '=', id).returningAll().executeTakeFirst()),
      { missing: () => new NotFoundError('user', changes.user_id ?? id) },
    )
  }

  async deleteCredential(id: string) {
    const result = await this.write((x) => x.deleteFrom('keystone_credentials').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }
}
