/**
 * @module `AgencyStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { AgencyRow, Database } from '../../../db/schema.js'
import { AgencyQuotaExceededError, ConflictError, NotFoundError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { AgencyChanges, AgencyFilter, AgencyStore } from './store.js'

export class SqlAgencyStore extends IamSqlStore<AgencyStore> implements AgencyStore {
  protected bound(trx: Transaction<Database>): SqlAgencyStore {
    return new SqlAgencyStore({ db: this.db, x: trx })
  }

  findAgency(id: string) {
    return this.locked(this.x.selectFrom('agencies').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  findAgencyByName(domainId: string, name: string) {
    return this.x.selectFrom('agencies').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
  }

  listAgencies(filter: AgencyFilter) {
    let q = this.x.selectFrom('agencies').selectAll().where('domain_id', '=', filter.domainId)
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    if (filter.trustDomainId !== undefined) q = q.where('trust_domain_id', '=', filter.trustDomainId)
    return q.orderBy('created_at').orderBy('id').execute()
  }

  createAgency(row: AgencyRow, cap: number | undefined) {
    return this.constrained(
      () => this.write(async (x) => {
        if (cap !== undefined) {
          await this.assertBelowLimit(x, `agency:${row.domain_id}`, cap, async (q) => (await q.selectFrom('agencies').select((eb) => eb.fn.countAll<number>().as('n'))
            .where('domain_id', '=', row.domain_id).executeTakeFirstOrThrow()).n, () => new AgencyQuotaExceededError(cap))
        }
        await x.insertInto('agencies').values(row).execute()
        return row
      }),
      { unique: () => new ConflictError('agency', 'Duplicate entry'), missing: () => new NotFoundError('domain', row.domain_id) },
    )
  }

  updateAgency(id: string, changes: AgencyChanges, now: string) {
    return this.write((x) => x.updateTable('agencies').set({ ...changes, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirst())
  }

  deleteAgency(id: string) {
    return this.transaction(async (tx) => (tx as SqlAgencyStore).deleteAgencyRows(id))
  }

  private async deleteAgencyRows(id: string): Promise<boolean> {
    await this.x.deleteFrom('role_assignments').where('actor_type', '=', 'agency').where('actor_id', '=', id).execute()
    await this.x.deleteFrom('credentials').where('agency_id', '=', id).execute()
    const result = await this.x.deleteFrom('agencies').where('id', '=', id).executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }
}
