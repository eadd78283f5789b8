/**
 * @module `OauthConsumerStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, OauthConsumerRow } from '../../../db/schema.js'
import { ConflictError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { ConsumerChanges, OauthConsumerStore } from './store.js'

export class SqlOauthConsumerStore extends IamSqlStore<OauthConsumerStore> implements OauthConsumerStore {
  protected bound(trx: Transaction<Database>): SqlOauthConsumerStore {
    return new SqlOauthConsumerStore({ db: this.db, x: trx })
  }

  async createConsumer(row: OauthConsumerRow) {
    await this.constrained(() => this.write((x) => x.insertInto('oauth_consumers').values(row).execute()),
      { unique: () => new ConflictError('consumer', `Duplicate ID, ${row.id}`) })
    return row
  }

  findConsumer(id: string) {
    return this.locked(this.x.selectFrom('oauth_consumers').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  listConsumers() {
    return this.x.selectFrom('oauth_consumers').selectAll().orderBy('created_at').orderBy('id').execute()
  }

  updateConsumer(id: string, changes: ConsumerChanges) {
    return this.write((x) => x.updateTable('oauth_consumers').set(changes).where('id', '=', id).returningAll().executeTakeFirst())
  }

  async deleteConsumer(id: string) {
    const result = await this.write((x) => x.deleteFrom('oauth_consumers').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }
}
