/**
 * @module `EpsStore` over Kysely, for every dialect `db/` opens. Guarded writes are single
 * conditional statements (or one transaction): when one changes nothing, the row is read to say
 * why, and the refusal thrown. Unique and foreign-key violations become the client's errors
 * here only (EnterpriseProjectNameTakenError, EnterpriseProjectHoldsResourcesError, …).
 */
import { sql, type SqlBool, type Transaction } from 'kysely'
import type { Db } from '../../db/database.js'
import { countedPage, countedTotal, keysetPage, listGeneration, pageStartsOf } from '../../db/keyset-pages.js'
import type { Database, EnterpriseProjectRow, EpMigrationRecordRow, EpResourceRow } from '../../db/schema.js'
import { ConflictError, NotFoundError } from '../../errors/app-error.js'
import {
  EnterpriseProjectDisabledError, EnterpriseProjectHoldsResourcesError, EnterpriseProjectHoldsScalingGroupsError, EnterpriseProjectNameTakenError,
  EnterpriseProjectQuotaExceededError, EnterpriseProjectTypeDowngradeError, MoveTargetDisabledError, ResourceMovedMeanwhileError,
} from '../../errors/eps-codes.js'
import { DEFAULT_ENTERPRISE_PROJECT_ID } from '../../shared/well-known-ids.js'
import { SqlStore, type Executor } from '../sql-store.js'
import type {
  EnterpriseProjectChanges, EnterpriseProjectFilter, EpsStore, MigrationRecordFilter, ResourceFilter, ResourceMove, ResourceWithProject,
} from './store.js'


/**
 * LIKE pattern matching `text` anywhere, with the pattern's own wildcards escaped. Only ASCII
 * letters are folded, as the column side folds them (see `nameContains`).
 */
function containsPattern(text: string): string {
  return `%${text.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * `column` contains `text`, ASCII letters in any case, everything else as it is. SQLite's lower()
 * folds ASCII only; PostgreSQL's folds as the column's collation says, so it is pinned to "C",
 * which folds ASCII only too: both stores find the same rows whatever the database's locale.
 */
function nameContains(db: Db, column: 'name' | 'ep_resources.resource_name', text: string) {
  const folded = db.dialect === 'postgres' ? sql`lower(${sql.ref(column)} collate "C")` : sql`lower(${sql.ref(column)})`
  return sql<SqlBool>`${folded} like ${containsPattern(text)} escape '\\'`
}

export class SqlEpsStore extends SqlStore<EpsStore> implements EpsStore {
  // NOTE: refusals are thrown from inside `write`, so whatever part of the write ran (a move that
  // found its third resource moved meanwhile) is undone: on its own by the write's transaction (a
  // savepoint in SQLite's group commit), inside `transaction` by the whole transaction it leaves.
  protected bound(trx: Transaction<Database>): EpsStore {
    return new SqlEpsStore(this.db, trx, this.sqlTexts)
  }

  async findEnterpriseProject(domainId: string, id: string) {
    // Every audited change reads it first: compiled once (see sql-text-cache.ts).
    const [row] = await this.sqlTexts.run(this.x, `ep-by-id:${this.locksReads}`, [domainId, id], () =>
      this.locked(this.x.selectFrom('enterprise_projects').selectAll().where('domain_id', '=', domainId).where('id', '=', id)).compile())
    return row
  }

  async listEnterpriseProjects(domainId: string, f: EnterpriseProjectFilter) {
    let query = this.x.selectFrom('enterprise_projects').where('domain_id', '=', domainId)
    if (f.id !== undefined) query = query.where('id', '=', f.id)
    if (f.nameContains !== undefined) query = query.where(nameContains(this.db, 'name', f.nameContains))
    if (f.status !== undefined) query = query.where('status', '=', f.status)
    if (f.type !== undefined) query = query.where('type', '=', f.type as EnterpriseProjectRow['type'])
    if (f.onlyIds !== undefined) {
      if (f.onlyIds.length === 0) return { rows: [], total: 0 }
      query = query.where('id', 'in', f.onlyIds)
    }
    const { offset, limit, ...view } = f
    const { sortKey, sortDir, ...narrowing } = view
    const order = [{ column: sortKey, direction: sortDir }, { column: 'id', direction: sortDir }] as const
    // The account's whole list is counted in created_at order (migration 0024): the page and
    // total_count come from the counts, not from counting 100k rows per page.
    const whole = Object.values(narrowing).every((v) => v === undefined)
    const counted = { buckets: 'enterprise_project_buckets', domainId } as const
    if (whole && sortKey === 'created_at') return countedPage(this.x, counted, query.selectAll(), order, offset, limit)
    const total = whole ? await countedTotal(this.x, counted)
      : Number((await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()).total)
    // Deep offsets are seeks from remembered page starts (db/keyset-pages.ts), checked against the
    // account's list generation; inside a transaction the rows may never commit, so none are kept.
    const memory = this.inTransaction ? undefined : {
      starts: pageStartsOf(this.db), view: JSON.stringify({ domainId, ...view }), generation: await listGeneration(this.x, 'enterprise_projects', domainId),
    }
    const rows = await keysetPage({ query: query.selectAll(), order, offset, limit, memory })
    return { rows, total }
  }

  async countEnterpriseProjects(domainId: string) {
    return countOf(this.x, domainId)
  }

  async createEnterpriseProject(row: EnterpriseProjectRow, quota: number) {
    try {
      // NOTE: count-then-insert holds only while no other creation in the account runs between
      // the two, on any instance: both happen under the account's quota key.
      return await this.write(async (trx) => {
        await this.db.serialize(trx, `eps-quota:${row.domain_id}`)
        if ((await countOf(trx, row.domain_id)) >= quota) throw new EnterpriseProjectQuotaExceededError()
        await trx.insertInto('enterprise_projects').values(row).execute()
        return row
      })
    } catch (error) {
      if (this.db.isUniqueViolation(error)) throw new EnterpriseProjectNameTakenError({ cause: error })
      throw error
    }
  }

  async updateEnterpriseProject(domainId: string, id: string, changes: EnterpriseProjectChanges) {
    try {
      return await this.write(async (trx) => {
        // The seed's PUT is a hot path: its few shapes are compiled once (see sql-text-cache.ts).
        const shape = `ep-update:${changes.description !== undefined}:${changes.type ?? ''}`
        const parameters = [
          changes.name, ...(changes.description !== undefined ? [changes.description] : []), ...(changes.type !== undefined ? [changes.type] : []),
          changes.updatedAt, domainId, id, 1, ...(changes.type === 'poc' ? ['poc'] : []),
        ]
        const [updated] = await this.sqlTexts.run(trx, shape, parameters, () => {
          let update = trx.updateTable('enterprise_projects')
            .set({
              name: changes.name,
              ...(changes.description !== undefined ? { description: changes.description } : {}),
              ...(changes.type !== undefined ? { type: changes.type } : {}),
              updated_at: changes.updatedAt,
            })
            .where('domain_id', '=', domainId).where('id', '=', id).where('status', '=', 1)
          // A project may become `prod`, never go back to `poc`.
          if (changes.type === 'poc') update = update.where('type', '=', 'poc')
          return update.returningAll().compile()
        })
        if (updated) return updated
        const current = await trx.selectFrom('enterprise_projects').select(['status', 'type']).where('domain_id', '=', domainId).where('id', '=', id).executeTakeFirst()
        if (!current) throw new NotFoundError('enterprise project', id)
        throw current.status !== 1 ? new EnterpriseProjectDisabledError() : new EnterpriseProjectTypeDowngradeError()
      })
    } catch (error) {
      if (this.db.isUniqueViolation(error)) throw new EnterpriseProjectNameTakenError({ cause: error })
      throw error
    }
  }

  setEnterpriseProjectStatus(domainId: string, id: string, status: 1 | 2, updatedAt: string): Promise<void> {
    return this.write(async (trx) => {
      let update = trx.updateTable('enterprise_projects').set({ status, updated_at: updatedAt })
        .where('domain_id', '=', domainId).where('id', '=', id)
      // EPS refuses to disable a project that holds Auto Scaling groups (EPS.0016).
      if (status === 2) {
        update = update.where(({ not, exists, selectFrom }) => not(exists(
          selectFrom('ep_resources').select('resource_id')
            .where('ep_resources.domain_id', '=', domainId).where('ep_resources.enterprise_project_id', '=', id).where('ep_resources.resource_type', '=', 'scaling_group'),
        )))
      }
      const result = await update.executeTakeFirst()
      if (Number(result.numUpdatedRows) > 0) return
      const exists = await trx.selectFrom('enterprise_projects').select('id').where('domain_id', '=', domainId).where('id', '=', id).executeTakeFirst()
      throw exists ? new EnterpriseProjectHoldsScalingGroupsError() : new NotFoundError('enterprise project', id)
    })
  }

  async deleteEnterpriseProject(domainId: string, id: string): Promise<void> {
    try {
      await this.write(async (trx) => {
        const result = await trx.deleteFrom('enterprise_projects').where('domain_id', '=', domainId).where('id', '=', id).executeTakeFirst()
        if (Number(result.numDeletedRows) === 0) throw new NotFoundError('enterprise project', id)
        // Grants on it go with it; role_assignments has no foreign key to enterprise projects.
        await trx.deleteFrom('role_assignments').where('target_type', '=', 'enterprise_project').where('target_id', '=', id)
          .where((eb) => eb.or([
            eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', eb.selectFrom('users').select('id').where('domain_id', '=', domainId))]),
            eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', eb.selectFrom('user_groups').select('id').where('domain_id', '=', domainId))]),
          ]))
          .execute()
      })
    } catch (error) {
      // The resources' foreign key: the project still holds some.
      if (this.db.isForeignKeyViolation(error)) throw new EnterpriseProjectHoldsResourcesError({ cause: error })
      throw error
    }
  }

  async registerResource(row: EpResourceRow) {
    try {
      await this.write((trx) => trx.insertInto('ep_resources').values(row).execute())
      return row
    } catch (error) {
      if (this.db.isUniqueViolation(error)) throw new ConflictError('resource', `${row.resource_type} ${row.resource_id} is registered already`)
      if (this.db.isForeignKeyViolation(error)) throw new NotFoundError('enterprise project', row.enterprise_project_id)
      throw error
    }
  }

  private withProject() {
    return this.x.selectFrom('ep_resources')
      .leftJoin('projects', (join) => join.onRef('projects.id', '=', 'ep_resources.project_id').onRef('projects.domain_id', '=', 'ep_resources.domain_id'))
      .selectAll('ep_resources')
      .select(sql<string>`coalesce(projects.name, '')`.as('project_name'))
  }

  findResource(domainId: string, resourceType: string, resourceId: string) {
    let query = this.withProject().where('ep_resources.domain_id', '=', domainId)
      .where('ep_resources.resource_type', '=', resourceType).where('ep_resources.resource_id', '=', resourceId)
    // The project is outer-joined: only the resource row can be locked.
    if (this.locksReads) query = query.forUpdate('ep_resources')
    return query.executeTakeFirst() as Promise<ResourceWithProject | undefined>
  }

  async listResources(domainId: string, f: ResourceFilter) {
    if (f.types.length === 0) return { rows: [], total: 0 }
    let query = this.x.selectFrom('ep_resources').where('ep_resources.domain_id', '=', domainId).where('ep_resources.resource_type', 'in', f.types)
    if (f.enterpriseProjectId !== undefined) query = query.where('ep_resources.enterprise_project_id', '=', f.enterpriseProjectId)
    query = query.where((eb) => f.projectIds.length > 0
      ? eb.or([eb('ep_resources.project_id', '=', ''), eb('ep_resources.project_id', 'in', f.projectIds)])
      : eb('ep_resources.project_id', '=', ''))
    if (f.nameContains !== undefined) query = query.where(nameContains(this.db, 'ep_resources.resource_name', f.nameContains))
    const [{ total }] = await query.select((eb) => eb.fn.countAll<number>().as('total')).execute() as [{ total: number }]
    const rows = await query
      .leftJoin('projects', (join) => join.onRef('projects.id', '=', 'ep_resources.project_id').onRef('projects.domain_id', '=', 'ep_resources.domain_id'))
      .selectAll('ep_resources').select(sql<string>`coalesce(projects.name, '')`.as('project_name'))
      .orderBy('ep_resources.created_at').orderBy('ep_resources.resource_type').orderBy('ep_resources.resource_id')
      .limit(f.limit).offset(f.offset).execute()
    return { rows: rows as ResourceWithProject[], total: Number(total) }
  }

  async listAllResources(domainId: string) {
    return await this.withProject().where('ep_resources.domain_id', '=', domainId)
      .orderBy('ep_resources.created_at').orderBy('ep_resources.resource_type').orderBy('ep_resources.resource_id').execute() as ResourceWithProject[]
  }

  attachedResources(domainId: string, resourceId: string) {
    return this.x.selectFrom('ep_resources').selectAll().where('domain_id', '=', domainId).where('attached_to', '=', resourceId)
      .orderBy('resource_type').orderBy('resource_id').execute()
  }

  async deleteResource(domainId: string, resourceType: string, resourceId: string): Promise<void> {
    const result = await this.write((trx) => trx.deleteFrom('ep_resources')
      .where('domain_id', '=', domainId).where('resource_type', '=', resourceType).where('resource_id', '=', resourceId).executeTakeFirst())
    if (Number(result.numDeletedRows) === 0) throw new NotFoundError('resource', `${resourceType}/${resourceId}`)
  }

  async moveResources(m: ResourceMove): Promise<void> {
    await this.write(async (trx) => {
      const target = await trx.selectFrom('enterprise_projects').select(['status']).where('domain_id', '=', m.domainId).where('id', '=', m.toEnterpriseProjectId).executeTakeFirst()
      if (!target) throw new NotFoundError('enterprise project', m.toEnterpriseProjectId)
      if (target.status !== 1) throw new MoveTargetDisabledError()
      for (const { resource, originName, associated } of m.moving) {
        // Guarded by the enterprise project the caller's permission was checked on.
        const moved = await trx.updateTable('ep_resources').set({ enterprise_project_id: m.toEnterpriseProjectId, updated_at: m.record.event_time })
          .where('domain_id', '=', m.domainId).where('resource_type', '=', resource.resource_type).where('resource_id', '=', resource.resource_id)
          .where('enterprise_project_id', '=', resource.enterprise_project_id)
          .executeTakeFirst()
        // Thrown inside the write, so that its savepoint rolls every row of the move back.
        if (Number(moved.numUpdatedRows) === 0) throw new ResourceMovedMeanwhileError()
        await trx.insertInto('ep_migration_records').values({
          ...m.record, id: m.newRecordId(), origin_ep_id: resource.enterprise_project_id, origin_ep_name: originName,
          resource_type: resource.resource_type, resource_id: resource.resource_id, resource_name: resource.resource_name,
          project_id: resource.project_id, project_name: resource.project_name, region_id: resource.region_id, associated: associated ? 1 : 0,
        } satisfies EpMigrationRecordRow).execute()
      }
    })
  }

  async listMigrationRecords(domainId: string, f: MigrationRecordFilter) {
    let query = this.x.selectFrom('ep_migration_records').selectAll().where('domain_id', '=', domainId)
    if (f.from !== undefined) query = query.where('event_time', '>=', f.from)
    if (f.to !== undefined) query = query.where('event_time', '<=', f.to)
    if (f.resourceId !== undefined) query = query.where('resource_id', '=', f.resourceId)
    return query.orderBy('event_time', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute()
  }
}

/**
 * The account's enterprise projects but the default one, from the list's counts (migration 0024):
 * a sum over one row per ~1,000 projects instead of a COUNT over them all (9 ms at 100k).
 */
async function countOf(x: Executor, domainId: string): Promise<number> {
  const total = await countedTotal(x, { buckets: 'enterprise_project_buckets', domainId })
  const withDefault = await x.selectFrom('enterprise_projects').select('id')
    .where('domain_id', '=', domainId).where('id', '=', DEFAULT_ENTERPRISE_PROJECT_ID).executeTakeFirst()
  return total - (withDefault ? 1 : 0)
}

