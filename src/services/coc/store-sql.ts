/**
 * @module `CocStore` over Kysely, for every SQL dialect `db/` opens. The list is kept as JSON
 * text (portable column types); it is read whole and replaced whole, never queried inside.
 * Each write is one statement, so the database, not this code, settles races between saves.
 */
import type { Db } from '../../db/database.js'
import type { Transaction } from 'kysely'
import type { CocFavouritesRow, Database } from '../../db/schema.js'
import { NotFoundError } from '../../errors/app-error.js'
import { FavouritesIdMismatchError } from '../../errors/coc-codes.js'
import { SqlStore, type Executor } from '../sql-store.js'
import type { CocStore, FavouritesQuery, FavouritesRecord } from './store.js'

function toRecord(row: Pick<CocFavouritesRow, 'id' | 'user_id' | 'ep_ids'>): FavouritesRecord {
  return { id: row.id, userId: row.user_id, epIds: JSON.parse(row.ep_ids) as string[] }
}

export class SqlCocStore extends SqlStore<CocStore> implements CocStore {
  protected bound(trx: Transaction<Database>): CocStore {
    return new SqlCocStore(this.db, trx, this.sqlTexts)
  }

  async saveFavourites(domainId: string, userId: string, epIds: readonly string[], newId: string, now: string): Promise<string> {
    const epIdsJson = JSON.stringify(epIds)
    try {
      // NOTE: one statement. A read-then-insert would let two first saves race to two records
      // (or one unique violation); here the second becomes an update of the first's row.
      // The seed's PUT is a hot path: compiled once (see sql-text-cache.ts).
      const [row] = await this.write((x) => this.sqlTexts.run(x, 'favourites-upsert', [newId, domainId, userId, epIdsJson, now, now, epIdsJson, now], () =>
        x.insertInto('coc_favourites')
          .values({ id: newId, domain_id: domainId, user_id: userId, ep_ids: epIdsJson, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['domain_id', 'user_id']).doUpdateSet({ ep_ids: epIdsJson, updated_at: now }))
          .returning('id')
          .compile()))
      return row!.id
    } catch (error) {
      // The user was deleted between authentication and this write.
      if (this.db.isForeignKeyViolation(error)) throw new NotFoundError('user', userId)
      throw error
    }
  }

  async updateFavourites(domainId: string, userId: string, id: string, epIds: readonly string[], now: string): Promise<void> {
    const result = await this.write((x) => x.updateTable('coc_favourites')
      .set({ ep_ids: JSON.stringify(epIds), updated_at: now })
      .where('domain_id', '=', domainId).where('user_id', '=', userId).where('id', '=', id)
      .executeTakeFirst())
    if (Number(result.numUpdatedRows) === 0) throw new FavouritesIdMismatchError(id)
  }

  async findFavourites(domainId: string, userId: string): Promise<FavouritesRecord | undefined> {
    // Read before every save, for its trace: compiled once (see sql-text-cache.ts).
    const [row] = await this.sqlTexts.run(this.x, `favourites-of-user:${this.locksReads}`, [domainId, userId], () => {
      const q = this.x.selectFrom('coc_favourites').select(['id', 'user_id', 'ep_ids']).where('domain_id', '=', domainId).where('user_id', '=', userId)
      return (this.locksReads ? q.forUpdate() : q).compile()
    })
    return row && toRecord(row)
  }

  async listFavourites(domainId: string, userId: string, query: FavouritesQuery): Promise<FavouritesRecord[]> {
    let q = this.x.selectFrom('coc_favourites').select(['id', 'user_id', 'ep_ids'])
      .where('domain_id', '=', domainId).where('user_id', '=', userId)
    if (query.afterId !== undefined) q = q.where('id', '>', query.afterId)
    if (query.id !== undefined) q = q.where('id', '=', query.id)
    const rows = await q.orderBy('id').limit(query.limit).execute()
    return rows.map(toRecord)
  }
}
