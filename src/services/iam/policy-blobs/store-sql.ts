/**
 * @module `PolicyBlobStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, PolicyBlobRow } from '../../../db/schema.js'
import { ConflictError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { PolicyBlobChanges, PolicyBlobStore } from './store.js'

export class SqlPolicyBlobStore extends IamSqlStore<PolicyBlobStore> implements PolicyBlobStore {
  protected bound(trx: Transaction<Database>): SqlPolicyBlobStore {
    return new SqlPolicyBlobStore({ db: this.db, x: trx })
  }

  async createPolicy(row: PolicyBlobRow) {
    await this.constrained(() => this.write((x) => x.insertInto('policy_blobs').values(row).execute()),
      { unique: () => new ConflictError('policy', `Duplicate ID, ${row.id}`) })
    return row
  }

  findPolicy(id: string) {
    return this.locked(this.x.selectFrom('policy_blobs').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  listPolicies(filter: { type?: string }) {
    let q = this.x.selectFrom('policy_blobs').selectAll().orderBy('created_at').orderBy('id')
    if (filter.type !== undefined) q = q.where('type', '=', filter.type)
    return q.execute()
  }

  updatePolicy(id: string, changes: PolicyBlobChanges) {
    return this.write((x) => x.updateTable('policy_blobs').set(changes).where('id', '=', id).returningAll().executeTakeFirst())
  }

  async deletePolicy(id: string) {
    const result = await this.write((x) => x.deleteFrom('policy_blobs').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }
}
