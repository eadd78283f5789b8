/**
 * @module `TrustStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, TrustRow } from '../../../db/schema.js'
import { ConflictError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { TrustFilter, TrustRecord, TrustStore, TrustUse } from './store.js'

/** Keystone gives up on a contended use count after this many tries (MAXIMUM_CONSUME_ATTEMPTS). */
const CONSUME_ATTEMPTS = 10

export class SqlTrustStore extends IamSqlStore<TrustStore> implements TrustStore {
  protected bound(trx: Transaction<Database>): SqlTrustStore {
    return new SqlTrustStore({ db: this.db, x: trx })
  }

  /** Trusts whose trustor, trustee and project (if any) still exist. */
  private liveTrusts() {
    return this.x.selectFrom('trusts').selectAll('trusts').where((eb) => eb.and([
      eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.id', '=', 'trusts.trustor_user_id')),
      eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.id', '=', 'trusts.trustee_user_id')),
      eb.or([
        eb('trusts.project_id', 'is', null),
        eb.exists(eb.selectFrom('projects').select('projects.id').whereRef('projects.id', '=', 'trusts.project_id')),
      ]),
    ]))
  }

  createTrust(row: TrustRow, roleIds: readonly string[]): Promise<TrustRecord> {
    return this.constrained(
      () => this.transaction(async (tx) => {
        const x = (tx as SqlTrustStore).x
        await x.insertInto('trusts').values(row).execute()
        if (roleIds.length > 0) await x.insertInto('trust_roles').values(roleIds.map((role_id) => ({ trust_id: row.id, role_id }))).execute()
        return { ...row, roleIds: [...roleIds] }
      }),
      // Keystone's handle_conflicts names the new trust's id (the only key of its arguments).
      { unique: () => new ConflictError('trust', `Duplicate entry found with ID ${row.id}`) },
    )
  }

  async findTrust(id: string): Promise<TrustRecord | undefined> {
    const row = await this.liveTrusts().where('trusts.id', '=', id).executeTakeFirst()
    if (!row) return undefined
    const roles = await this.x.selectFrom('trust_roles').select('role_id').where('trust_id', '=', id).orderBy('role_id').execute()
    return { ...row, roleIds: roles.map((r) => r.role_id) }
  }

  async listTrusts(filter: TrustFilter): Promise<TrustRecord[]> {
    let q = this.liveTrusts()
    if (filter.trustorUserId !== undefined) q = q.where('trusts.trustor_user_id', '=', filter.trustorUserId)
    if (filter.trusteeUserId !== undefined) q = q.where('trusts.trustee_user_id', '=', filter.trusteeUserId)
    if (filter.redelegatedTrustId !== undefined) q = q.where('trusts.redelegated_trust_id', '=', filter.redelegatedTrustId)
    const rows = await q.orderBy('trusts.created_at').orderBy('trusts.id').execute()
    return rows.map((row) => ({ ...row, roleIds: [] }))
  }

  async deleteTrust(id: string): Promise<boolean> {
    // trust_roles follow by their foreign key's cascade.
    const result = await this.write((x) => x.deleteFrom('trusts').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  async consumeUse(id: string): Promise<TrustUse> {
    for (let attempt = 0; attempt < CONSUME_ATTEMPTS; attempt++) {
      const row = await this.x.selectFrom('trusts').select('remaining_uses').where('id', '=', id).executeTakeFirst()
      if (!row) return 'missing'
      const left = row.remaining_uses
      if (left === null) return 'unlimited'
      if (left <= 0) return 'exhausted'
      const result = await this.write((x) => x.updateTable('trusts').set({ remaining_uses: left - 1 })
        .where('id', '=', id).where('remaining_uses', '=', left).executeTakeFirst())
      if (Number(result.numUpdatedRows) === 1) return 'consumed'
    }
    return 'exhausted'
  }
}
