/**
 * @module `ProjectStore` over Kysely, for every SQL dialect `db/` opens. Projects are read on
 * every project-scoped request, so where this process is the database's sole writer they are
 * cached by id; every write to a project drops its entry, and a transaction drops the entries
 * of the projects it wrote once it ends, committed or not.
 */
import { sql, type Expression, type SqlBool, type Transaction } from 'kysely'
import type { Db } from '../../../db/database.js'
import { countedPage, keysetBatches, keysetPage, listGeneration, pageStartsOf, primed, type SortColumn } from '../../../db/keyset-pages.js'
import type { Database, DomainRow, ProjectRow, RegionRow } from '../../../db/schema.js'
import { ConflictError, ProjectQuotaExceededError, RegionDeletionError } from '../../../errors/app-error.js'
import { DEFAULT_ENTERPRISE_PROJECT_ID, DEFAULT_ENTERPRISE_PROJECT_NAME } from '../../../shared/well-known-ids.js'
import { IamSqlStore, type IamSqlStoreOptions } from '../iam-sql-store.js'
import { ProjectNotLeafError, type DomainChanges, type Page, type ProjectChanges, type ProjectFilter, type ProjectStore, type ProjectUpdateGuard, type RegionChanges, type TagFilter } from './store.js'

const PROJECT_CACHE_MAX = 10_000
/** Rows a query while an unpaged list streams: ~300 kB of answer, a few ms of the event loop. */
const STREAM_BATCH = 1000

/** Region projects first, then by name: the order the clouds show and a stable one for paging (index of migration 0023). */
const PROJECT_ORDER: readonly SortColumn<ProjectRow>[] = [
  { column: 'kind', direction: 'desc' }, { column: 'name', direction: 'asc' }, { column: 'id', direction: 'asc' },
]

/** Projects by id, per database, only when it has a sole writer (see `Db.soleWriter`). */
const projectCaches = new WeakMap<Db, Map<string, Readonly<ProjectRow>> | undefined>()

function projectCacheOf(db: Db): Map<string, Readonly<ProjectRow>> | undefined {
  if (!projectCaches.has(db)) projectCaches.set(db, db.soleWriter ? new Map() : undefined)
  return projectCaches.get(db)
}

/**
 * Runs `work` in one write transaction (through the database's write path, so on SQLite it
 * shares a grouped commit with the writes around it). The projects written in it are collected
 * in `touched` and leave the cache when it ends: a reader must not be served a row cached while
 * it was open. Every IAM transaction that may write projects goes through here.
 */
export async function projectsTransaction<T>(db: Db, work: (trx: Transaction<Database>, touched: Set<string>) => Promise<T>): Promise<T> {
  const touched = new Set<string>()
  try {
    return await db.write((trx) => work(trx, touched))
  } finally {
    const cache = projectCacheOf(db)
    for (const id of touched) cache?.delete(id)
  }
}

export interface SqlProjectStoreOptions extends IamSqlStoreOptions {
  /** Inside a transaction: collects the projects it writes (see `projectsTransaction`). */
  touched?: Set<string>
}

export class SqlProjectStore extends IamSqlStore<ProjectStore> implements ProjectStore {
  private readonly projectCache: Map<string, Readonly<ProjectRow>> | undefined
  private readonly touchedProjects: Set<string> | undefined

  constructor(options: SqlProjectStoreOptions) {
    super(options)
    this.projectCache = projectCacheOf(this.db)
    this.touchedProjects = this.inTransaction ? options.touched ?? new Set() : undefined
  }

  protected bound(trx: Transaction<Database>): SqlProjectStore {
    return new SqlProjectStore({ db: this.db, x: trx })
  }

  override transaction<T>(work: (store: ProjectStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this)
    return projectsTransaction(this.db, (trx, touched) => work(new SqlProjectStore({ db: this.db, x: trx, touched })))
  }

  /** Reads inside a transaction may see uncommitted rows: they neither use nor fill the cache. */
  private get readCache() {
    return this.inTransaction ? undefined : this.projectCache
  }

  /**
   * Runs a write to project `id` with its cache entry dropped before (no one reads the old row
   * from memory meanwhile) and after (a read queued before the write may have cached the old row).
   */
  private async writingProject<T>(id: string, write: () => Promise<T>): Promise<T> {
    this.touchedProjects?.add(id)
    this.projectCache?.delete(id)
    try {
      return await write()
    } finally {
      this.projectCache?.delete(id)
    }
  }

  // ---- domains
  findDomain(id: string) {
    return this.locked(this.x.selectFrom('domains').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  findDomainByName(name: string) {
    return this.x.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst()
  }

  listDomains(filter: { ids?: readonly string[]; name?: string; enabled?: boolean }) {
    let q = this.x.selectFrom('domains').selectAll().orderBy('name')
    if (filter.ids) q = filter.ids.length ? q.where('id', 'in', filter.ids) : q.where('id', '=', '')
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled ? 1 : 0)
    return q.execute()
  }

  async createDefaultEnterpriseProject(domainId: string, now: string) {
    await this.write((x) => x.insertInto('enterprise_projects')
      .values({ domain_id: domainId, id: DEFAULT_ENTERPRISE_PROJECT_ID, name: DEFAULT_ENTERPRISE_PROJECT_NAME, description: '', status: 1, type: 'prod', created_at: now, updated_at: now }).execute())
  }

  createDomain(row: DomainRow) {
    return this.constrained(
      async () => (await this.x.insertInto('domains').values(row).execute(), row),
      { unique: () => new ConflictError('domain', `Duplicate entry found with name ${row.name}`) },
    )
  }

  updateDomain(id: string, changes: DomainChanges, now: string) {
    return this.constrained(
      () => this.x.updateTable('domains').set({ ...changes, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirst(),
      { unique: () => new ConflictError('domain', `Duplicate entry found with name ${changes.name}`) },
    )
  }

  deleteDomain(id: string) {
    return this.transaction((tx) => (tx as SqlProjectStore).deleteDomainRows(id))
  }

  private async deleteDomainRows(id: string): Promise<boolean> {
    const domain = await this.x.selectFrom('domains').select('id').where('id', '=', id).executeTakeFirst()
    if (!domain) return false
    // Keystone deletes what the domain owns with it: its projects, users and groups, and every
    // row that names them. Grants, memberships and keys name their subject by id only, so the
    // schema cannot cascade them: they go here, in the caller's transaction.
    const projects = (await this.x.selectFrom('projects').select('id').where('domain_id', '=', id).execute()).map((p) => p.id)
    for (const projectId of projects) {
      this.touchedProjects?.add(projectId)
      this.projectCache?.delete(projectId)
    }
    const users = this.x.selectFrom('users').select('id').where('domain_id', '=', id)
    const groups = this.x.selectFrom('user_groups').select('id').where('domain_id', '=', id)
    await this.x.deleteFrom('role_assignments').where((eb) => eb.or([
      eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', users)]),
      eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', groups)]),
      eb.and([eb('target_type', '=', 'project'), eb('target_id', 'in', this.x.selectFrom('projects').select('id').where('domain_id', '=', id))]),
      eb.and([eb('target_type', '=', 'domain'), eb('target_id', '=', id)]),
    ])).execute()
    await this.x.deleteFrom('group_members').where((eb) => eb.or([eb('user_id', 'in', users), eb('group_id', 'in', groups)])).execute()
    await this.x.deleteFrom('credentials').where('user_id', 'in', users).execute()
    await this.x.deleteFrom('user_groups').where('domain_id', '=', id).execute()
    await this.x.deleteFrom('users').where('domain_id', '=', id).execute()
    await this.x.deleteFrom('projects').where('domain_id', '=', id).execute()
    for (const projectId of projects) this.projectCache?.delete(projectId)
    const result = await this.x.deleteFrom('domains').where('id', '=', id).executeTakeFirst()
    // Last: deleting its lists' rows bumped their generations (migration 0023).
    await this.x.deleteFrom('list_generations').where('domain_id', '=', id).execute()
    return result.numDeletedRows > 0n
  }

  listDomainsForUser(userId: string) {
    return this.x
      .selectFrom('domains')
      .selectAll()
      .where('id', 'in', (eb) =>
        eb.selectFrom('role_assignments').select('target_id')
          .where('target_type', '=', 'domain').where('inherited', '=', 0).where('actor_id', 'in', this.actorIds(userId)),
      )
      .orderBy('name')
      .execute()
  }

  async holdsSystemRole(userId: string) {
    const grant = await this.x.selectFrom('role_assignments').select('role_id')
      .where('target_type', '=', 'system').where('actor_id', 'in', this.actorIds(userId)).limit(1).executeTakeFirst()
    return grant !== undefined
  }

  // ---- regions
  listRegions(filter: { parentRegionId?: string } = {}) {
    let q = this.x.selectFrom('regions').selectAll().orderBy('id')
    if (filter.parentRegionId !== undefined) q = q.where('parent_region_id', '=', filter.parentRegionId)
    return q.execute()
  }

  findRegion(id: string) {
    return this.x.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async upsertRegion(row: RegionRow) {
    await this.x.insertInto('regions').values(row).onConflict((oc) => oc.column('id').doNothing()).execute()
  }

  createRegion(row: RegionRow) {
    return this.constrained(
      async () => (await this.write((x) => x.insertInto('regions').values(row).execute()), row),
      { unique: () => new ConflictError('region', `Duplicate ID, ${row.id}.`) },
    )
  }

  updateRegion(id: string, changes: RegionChanges) {
    if (Object.keys(changes).length === 0) return this.findRegion(id)
    return this.write((x) => x.updateTable('regions').set(changes).where('id', '=', id).returningAll().executeTakeFirst())
  }

  async deleteRegions(ids: readonly string[]) {
    if (ids.length === 0) return 0
    // An endpoint naming one of them holds it (migration 0014), however recently it was created.
    const result = await this.constrained(
      () => this.write((x) => x.deleteFrom('regions').where('id', 'in', ids).executeTakeFirst()),
      { missing: () => new RegionDeletionError(ids[0]!) },
    )
    return Number(result.numDeletedRows)
  }

  // ---- projects
  async findProject(id: string) {
    const cache = this.readCache
    const cached = cache?.get(id)
    if (cached) return cached
    // Audited changes read the project first in their transaction: compiled once (sql-text-cache.ts).
    const [row] = await this.sqlTexts.run(this.x, `project-by-id:${this.locksReads}`, [id], () =>
      this.locked(this.x.selectFrom('projects').selectAll().where('id', '=', id)).compile())
    if (row && cache) {
      if (cache.size >= PROJECT_CACHE_MAX) cache.delete(cache.keys().next().value!)
      cache.set(id, Object.freeze(row))
    }
    return row
  }

  findProjectByName(domainId: string, name: string) {
    return this.x.selectFrom('projects').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
  }

  /** The filtered list, unordered (`PROJECT_ORDER` orders it). */
  private projectQuery(filter: ProjectFilter) {
    let q = this.x.selectFrom('projects').selectAll()
    if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId)
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    if (filter.parentId !== undefined) q = q.where('parent_id', '=', filter.parentId)
    if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled ? 1 : 0)
    if (filter.ids) q = filter.ids.length ? q.where('id', 'in', filter.ids) : q.where('id', '=', '')
    if (filter.tags) q = q.where(this.tagCondition(filter.tags))
    return q
  }

  async listProjects(filter: ProjectFilter, page?: Page) {
    const query = this.projectQuery(filter)
    if (!page) return query.orderBy('kind', 'desc').orderBy('name').orderBy('id').execute()
    const { domainId, ...narrowing } = filter
    // An account's whole list: its rows are counted in ranges (migration 0024), so any page is
    // found from the counts (db/keyset-pages.ts).
    if (domainId !== undefined && Object.values(narrowing).every((v) => v === undefined)) {
      return (await countedPage(this.x, { buckets: 'project_buckets', domainId }, query, PROJECT_ORDER, page.offset, page.limit)).rows
    }
    // A filtered view's deep pages are seeks (db/keyset-pages.ts); an account's list has a generation to check
    // remembered starts against, a cloud-wide one (keystone's administrator) has not. Inside a
    // transaction the rows may never commit: nothing is remembered from them.
    const memory = filter.domainId === undefined || this.inTransaction ? undefined : {
      starts: pageStartsOf(this.db),
      view: JSON.stringify(filter),
      generation: await listGeneration(this.x, 'projects', filter.domainId),
    }
    return keysetPage({ query, order: PROJECT_ORDER, offset: page.offset, limit: page.limit, memory })
  }

  iterateProjects(filter: ProjectFilter) {
    return primed(keysetBatches(this.projectQuery(filter), PROJECT_ORDER, STREAM_BATCH))
  }

  createProject(row: ProjectRow, limit?: number) {
    return this.constrained(
      () => this.write(async (x) => {
        if (limit !== undefined) {
          await this.assertBelowLimit(x, `project:${row.parent_id}`, limit, async (q) => (await q.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n'))
            .where('parent_id', '=', row.parent_id).where('kind', '=', 'custom').executeTakeFirstOrThrow()).n, () => new ProjectQuotaExceededError(limit))
        }
        await x.insertInto('projects').values(row).execute()
        return row
      }),
      { unique: () => projectNameConflict(row.name, row.domain_id) },
    )
  }

  updateProject(domainId: string, id: string, changes: ProjectChanges, now: string, guard: ProjectUpdateGuard = {}) {
    const { set, parameters, shape } = projectUpdateOf(domainId, id, changes, now, guard)
    return this.writingProject(id, () =>
      this.constrained(
        () => this.write(async (x) => (await this.sqlTexts.run(x, shape, parameters, () => {
          let q = x.updateTable('projects').set(set).where('id', '=', id).where('domain_id', '=', domainId)
          if (guard.kind !== undefined) q = q.where('kind', '=', guard.kind)
          if (guard.regionId !== undefined) q = q.where('region_id', '=', guard.regionId)
          return q.returningAll().compile()
        }))[0]),
        { unique: () => projectNameConflict(changes.name ?? '', domainId) },
      ),
    )
  }

  async updateProjectWithBefore(domainId: string, id: string, changes: ProjectChanges, now: string, guard: ProjectUpdateGuard = {}) {
    if (this.db.dialect !== 'postgres') {
      const before = await this.findProject(id)
      const after = before && await this.updateProject(domainId, id, changes, now, guard)
      return after && { before: before!, after }
    }
    // NOTE: one statement, so one round trip where findProject + updateProject were two (issue
    // 19: a PATCH inside a group commit waits for each in turn). The FROM subquery locks the row
    // as findProject did and its columns are the values before this UPDATE (under READ COMMITTED
    // the lock waits for a concurrent writer and then reads what it committed). Its parameters
    // come in the same order as updateProject's: SET values, id, domain, guards.
    const { set, parameters, shape } = projectUpdateOf(domainId, id, changes, now, guard)
    return this.writingProject(id, () =>
      this.constrained(
        () => this.write(async (x) => {
          const [row] = await this.sqlTexts.run(x, `with-before:${shape}`, parameters, () => {
            const guards = [sql`"projects"."domain_id" = ${domainId}`]
            if (guard.kind !== undefined) guards.push(sql`"projects"."kind" = ${guard.kind}`)
            if (guard.regionId !== undefined) guards.push(sql`"projects"."region_id" = ${guard.regionId}`)
            return sql<ProjectRow & { before: ProjectRow }>`update "projects" set ${sql.join(Object.entries(set).map(([column, value]) => sql`${sql.ref(column)} = ${value}`))}
              from (select * from "projects" where "id" = ${id} for update) as "before"
              where "projects"."id" = "before"."id" and ${sql.join(guards, sql` and `)}
              returning to_jsonb("before") as "before", "projects".*`.compile(x)
          })
          if (!row) return undefined
          const { before: json, ...after } = row
          // jsonb orders keys its own way; the trace keeps the row's column order, as on SQLite.
          const before = Object.fromEntries(Object.keys(after).map((column) => [column, json[column as keyof ProjectRow]])) as unknown as ProjectRow
          return { before, after }
        }),
        { unique: () => projectNameConflict(changes.name ?? '', domainId) },
      ),
    )
  }

  async setProjectStatus(domainId: string, id: string, status: ProjectRow['status'], now: string) {
    const result = await this.writingProject(id, () => this.write((x) => x
      .updateTable('projects')
      // Keep the first suspension time while a suspended project is suspended again.
      .set((eb) => ({
        status,
        updated_at: now,
        suspended_at: status === 'suspended' ? eb.fn.coalesce('suspended_at', eb.val(now)) : null,
      }))
      .where('id', '=', id)
      .where('domain_id', '=', domainId)
      .executeTakeFirst()))
    return result.numUpdatedRows > 0n
  }

  async deleteProject(domainId: string, id: string) {
    const result = await this.writingProject(id, () => this.write(async (x) => {
      // Another account's project id must neither lose its grants nor reveal its children.
      const own = await x.selectFrom('projects').select('id').where('id', '=', id).where('domain_id', '=', domainId).executeTakeFirst()
      if (!own) return { numDeletedRows: 0n }
      const child = await x.selectFrom('projects').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst()
      if (child) throw new ProjectNotLeafError(id)
      // Grants name their target by id only, so the schema cannot cascade them: they go here.
      await x.deleteFrom('role_assignments').where('target_type', '=', 'project').where('target_id', '=', id).execute()
      return x.deleteFrom('projects').where('id', '=', id).where('domain_id', '=', domainId).executeTakeFirst()
    }))
    return result.numDeletedRows > 0n
  }

  /**
   * Keystone's four tag filters over the JSON array in `projects.tags`. Whether a project has a
   * tag is a dialect's JSON question: SQLite walks the array with `json_each`, PostgreSQL asks
   * `jsonb` containment. Tags are bound as parameters, never spliced into the text.
   */
  private tagCondition(filter: TagFilter): Expression<SqlBool> {
    const has = (tag: string) => this.db.dialect === 'postgres'
      ? sql<SqlBool>`(projects.tags::jsonb @> jsonb_build_array(${tag}::text))`
      : sql<SqlBool>`exists (select 1 from json_each(projects.tags) where json_each.value = ${tag})`
    const all = (tags: readonly string[]) => sql<SqlBool>`(${sql.join(tags.map(has), sql` and `)})`
    const any = (tags: readonly string[]) => sql<SqlBool>`(${sql.join(tags.map(has), sql` or `)})`
    const parts: Expression<SqlBool>[] = []
    if (filter.all?.length) parts.push(all(filter.all))
    if (filter.any?.length) parts.push(any(filter.any))
    if (filter.notAll?.length) parts.push(sql<SqlBool>`not ${all(filter.notAll)}`)
    if (filter.notAny?.length) parts.push(sql<SqlBool>`not ${any(filter.notAny)}`)
    return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`1 = 1`
  }

  /** Projects the user holds a role on, directly or through a group, or inherited from their domain. */
  private projectsForUserQuery(userId: string, domainId?: string) {
    const actorIds = this.actorIds(userId)
    let q = this.x
      .selectFrom('projects')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('id', 'in', eb.selectFrom('role_assignments').select('target_id')
            .where('target_type', '=', 'project').where('actor_id', 'in', actorIds)),
          eb('domain_id', 'in', eb.selectFrom('role_assignments').select('target_id')
            .where('target_type', '=', 'domain').where('inherited', '=', 1).where('actor_id', 'in', actorIds)),
        ]),
      )
    if (domainId !== undefined) q = q.where('domain_id', '=', domainId)
    return q
  }

  listProjectsForUser(userId: string, domainId?: string) {
    return this.projectsForUserQuery(userId, domainId).orderBy('kind', 'desc').orderBy('name').orderBy('id').execute()
  }

  iterateProjectsForUser(userId: string, domainId?: string) {
    return primed(keysetBatches(this.projectsForUserQuery(userId, domainId), PROJECT_ORDER, STREAM_BATCH))
  }
}

function projectNameConflict(name: string, domainId: string): ConflictError {
  return new ConflictError('project', `Duplicate entry found with name ${name} at domain ID ${domainId}`)
}

/**
 * The SET of a project update, its parameters in the order Kysely emits them (SET values, then
 * WHERE values in call order: id, domain, guards) and the shape that names its compiled text.
 */
function projectUpdateOf(domainId: string, id: string, changes: ProjectChanges, now: string, guard: ProjectUpdateGuard) {
  const set: Partial<ProjectRow> = { updated_at: now }
  if (changes.name !== undefined) set.name = changes.name
  if (changes.description !== undefined) set.description = changes.description
  if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0
  if (changes.tags !== undefined) set.tags = changes.tags
  if (changes.options !== undefined) set.options = changes.options
  if (changes.extra !== undefined) set.extra = changes.extra
  const parameters: unknown[] = [...Object.values(set), id, domainId]
  if (guard.kind !== undefined) parameters.push(guard.kind)
  if (guard.regionId !== undefined) parameters.push(guard.regionId)
  const shape = `${Object.keys(set).join(',')}|${guard.kind !== undefined}|${guard.regionId !== undefined}`
  return { set, parameters, shape }
}
