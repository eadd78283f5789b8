/**
 * @module `DomainConfigStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, DomainConfigOptionRow } from '../../../db/schema.js'
import { NotFoundError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { ConfigSelection, DomainConfigStore } from './store.js'

export class SqlDomainConfigStore extends IamSqlStore<DomainConfigStore> implements DomainConfigStore {
  protected bound(trx: Transaction<Database>): SqlDomainConfigStore {
    return new SqlDomainConfigStore({ db: this.db, x: trx })
  }

  async lockDomainConfig(domainId: string) {
    // Outside a transaction there is nothing to hold the lock for.
    if (this.inTransaction) await this.db.serialize(this.x as Transaction<Database>, `domain-config:${domainId}`)
  }

  listOptions(domainId: string, { group, option }: ConfigSelection = {}) {
    let q = this.x.selectFrom('domain_config_options').selectAll().where('domain_id', '=', domainId)
    if (group !== undefined) q = q.where('group_name', '=', group)
    if (group !== undefined && option !== undefined) q = q.where('option_name', '=', option)
    return q.orderBy('group_name').orderBy('option_name').execute()
  }

  async putOptions(rows: readonly DomainConfigOptionRow[]) {
    for (const row of rows) {
      await this.constrained(() => this.write((x) => x.insertInto('domain_config_options').values(row)
        .onConflict((oc) => oc.columns(['domain_id', 'group_name', 'option_name']).doUpdateSet({ value: row.value, sensitive: row.sensitive }))
        .execute()), { missing: () => new NotFoundError('domain', row.domain_id) })
    }
  }

  async deleteOptions(domainId: string, { group, option }: ConfigSelection = {}) {
    const result = await this.write((x) => {
      let q = x.deleteFrom('domain_config_options').where('domain_id', '=', domainId)
      if (group !== undefined) q = q.where('group_name', '=', group)
      if (group !== undefined && option !== undefined) q = q.where('option_name', '=', option)
      return q.executeTakeFirst()
    })
    return Number(result.numDeletedRows)
  }
}
