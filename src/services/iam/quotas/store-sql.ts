/**
 * @module `QuotaStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database } from '../../../db/schema.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { AccountUsage, QuotaStore } from './store.js'

export class SqlQuotaStore extends IamSqlStore<QuotaStore> implements QuotaStore {
  protected bound(trx: Transaction<Database>): SqlQuotaStore {
    return new SqlQuotaStore({ db: this.db, x: trx })
  }

  findDomain(id: string) {
    return this.x.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst()
  }

  findProject(id: string) {
    return this.x.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async accountUsage(domainId: string): Promise<AccountUsage> {
    const count = async (table: 'users' | 'user_groups' | 'agencies') =>
      Number((await this.x.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('domain_id', '=', domainId).executeTakeFirstOrThrow()).n)
    const policies = Number((await this.x.selectFrom('roles').select((eb) => eb.fn.countAll<number>().as('n')).where('domain_key', '=', domainId).executeTakeFirstOrThrow()).n)
    return {
      user: await count('users'),
      group: await count('user_groups'),
      policy: policies,
      assigment_group_mp: await this.mostGrants('group', domainId, 'project'),
      assigment_group_ep: await this.mostGrants('group', domainId, 'enterprise_project'),
      assigment_user_ep: await this.mostGrants('user', domainId, 'enterprise_project'),
      agency: await count('agencies'),
      assigment_agency_mp: await this.mostGrants('agency', domainId, 'domain', 'project'),
    }
  }

  /** The most grants of `targetType` that one actor of the account holds (open question 8). */
  private async mostGrants(actorType: 'user' | 'group' | 'agency', domainId: string, ...targetTypes: ('domain' | 'project' | 'enterprise_project')[]): Promise<number> {
    const table = actorType === 'user' ? 'users' : actorType === 'group' ? 'user_groups' : 'agencies'
    const actors = this.x.selectFrom(table).select('id').where('domain_id', '=', domainId)
    const row = await this.x.selectFrom('role_assignments').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('actor_type', '=', actorType).where('target_type', 'in', targetTypes).where('actor_id', 'in', actors)
      .groupBy('actor_id').orderBy('n', 'desc').limit(1).executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  async countSubProjects(parentId: string) {
    return Number((await this.x.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('parent_id', '=', parentId).where('kind', '=', 'custom').executeTakeFirstOrThrow()).n)
  }
}
