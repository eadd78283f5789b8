/**
 * @module `IamStore` over Kysely; one implementation for every SQL dialect `db/` opens.
 * Unique violations become `ConflictError` here and nowhere else.
 */
import { sql, type Transaction } from 'kysely'
import type { Db } from '../../db/database.js'
import { SqlTextCache } from '../../db/sql-text-cache.js'
import type { CredentialRow, Database, DomainRow, GroupRow, ProjectRow, RegionRow, RoleRow, UserRow } from '../../db/schema.js'
import { ConflictError, NotFoundError } from '../../errors/app-error.js'
import { SqlStore, type Executor } from '../sql-store.js'
import { DEFAULT_ENTERPRISE_PROJECT_ID, DEFAULT_ENTERPRISE_PROJECT_NAME } from '../../shared/well-known-ids.js'
import type { TokenScope } from '../../auth/token-codec.js'
import type { Assignment, AssignmentFilter, AssignmentRecord, CallerRecord, IamStore, LoginFailure, NewUser, UserChanges, Page, ProjectChanges, ProjectFilter, ProjectUpdateGuard } from './store.js'

const PROJECT_CACHE_MAX = 10_000

const NEW_USER_DEFAULTS = {
  description: '', email: null, extra: '{}', default_project_id: null, password_expires_at: null,
  tokens_valid_after: '', failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: null,
} satisfies Omit<UserRow, keyof NewUser | 'password_hash' | 'enabled'> & Partial<UserRow>

/** What the stores of one database share, whichever store object or transaction uses it. */
interface PerDatabase {
  /** Projects by id, only when the database has a sole writer (see `Db.soleWriter`). */
  projects: Map<string, Readonly<ProjectRow>> | undefined
  /**
   * SQL of the hot queries (the project UPDATE per shape, the project read of audited changes).
   * Building and compiling one with Kysely costs ~10 µs, more than running it. Kept per
   * database: the text is the dialect's.
   */
  sqlTexts: SqlTextCache
}
const perDatabase = new WeakMap<Db, PerDatabase>()

function stateOf(db: Db): PerDatabase {
  let state = perDatabase.get(db)
  if (!state) perDatabase.set(db, (state = { projects: db.soleWriter ? new Map() : undefined, sqlTexts: new SqlTextCache() }))
  return state
}

export class SqlIamStore extends SqlStore<IamStore> implements IamStore {
  private readonly shared: PerDatabase

  /** Inside a transaction: the projects it wrote, whose cache entries go when it ends. */
  private readonly touchedProjects: Set<string> | undefined

  constructor(db: Db, x: Executor = db.kysely) {
    // The SQL text cache is the database's, so every store object of it shares one.
    super(db, x, stateOf(db).sqlTexts)
    this.shared = stateOf(db)
    this.touchedProjects = x === db.kysely ? undefined : new Set()
  }

  protected bound(trx: Transaction<Database>): SqlIamStore {
    return new SqlIamStore(this.db, trx)
  }

  private get projectCache() {
    return this.shared.projects
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

  private async insertUnique<T>(work: () => Promise<T>, conflict: () => ConflictError): Promise<T> {
    try {
      return await this.undoable(work)
    } catch (error) {
      if (this.db.isUniqueViolation(error)) throw conflict()
      throw error
    }
  }

  /** A write whose references may have been deleted since they were checked: 404, not 500. */
  private async referencing<T>(work: () => Promise<T>, gone: () => NotFoundError): Promise<T> {
    try {
      return await this.undoable(work)
    } catch (error) {
      if (this.db.isForeignKeyViolation(error)) throw gone()
      throw error
    }
  }

  /**
   * Inside a transaction, a write that may fail on a constraint runs under a savepoint: the
   * failure undoes that write alone and the caller's transaction goes on. PostgreSQL would
   * otherwise abort the whole transaction where SQLite only undoes the statement.
   */
  private async undoable<T>(work: () => Promise<T>): Promise<T> {
    // SQLite backs out only the failing statement and the transaction goes on: every `work`
    // here fails, if at all, on its one (or last) statement, so no savepoint is needed there.
    if (!this.inTransaction || this.db.dialect === 'sqlite') return work()
    await sql`savepoint iam_store_write`.execute(this.x)
    let result: T
    try {
      result = await work()
    } catch (error) {
      await sql`rollback to savepoint iam_store_write`.execute(this.x)
      await sql`release savepoint iam_store_write`.execute(this.x)
      throw error
    }
    await sql`release savepoint iam_store_write`.execute(this.x)
    return result
  }

  /**
   * Through the store's write path, so on SQLite a transaction shares a grouped commit with the
   * writes around it, as a single write does (every audited change is a transaction).
   */
  override async transaction<T>(work: (store: IamStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this)
    const touched = new Set<string>()
    try {
      return await this.db.write((trx) => {
        const store = this.bound(trx)
        return work(store).finally(() => store.touchedProjects!.forEach((id) => touched.add(id)))
      })
    } finally {
      // Committed or rolled back: a reader must not be served a row cached while it was open.
      for (const id of touched) this.projectCache?.delete(id)
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
    return this.insertUnique(
      async () => (await this.x.insertInto('domains').values(row).execute(), row),
      () => new ConflictError('domain', `Duplicate entry found with name ${row.name}`),
    )
  }

  updateDomain(id: string, changes: Partial<Pick<DomainRow, 'name' | 'description' | 'enabled'>>, now: string) {
    return this.insertUnique(
      () => this.x.updateTable('domains').set({ ...changes, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirst(),
      () => new ConflictError('domain', `Duplicate entry found with name ${changes.name}`),
    )
  }

  async deleteDomain(id: string) {
    for (const table of ['projects', 'users', 'user_groups'] as const) {
      const owned = await this.x.selectFrom(table).select('id').where('domain_id', '=', id).limit(1).executeTakeFirst()
      if (owned) throw new ConflictError('domain', `Domain ${id} still owns ${table === 'user_groups' ? 'groups' : table}`)
    }
    await this.x.deleteFrom('role_assignments').where('target_type', '=', 'domain').where('target_id', '=', id).execute()
    const result = await this.x.deleteFrom('domains').where('id', '=', id).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  // ---- regions
  listRegions() {
    return this.x.selectFrom('regions').selectAll().orderBy('id').execute()
  }

  findRegion(id: string) {
    return this.x.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async upsertRegion(row: RegionRow) {
    await this.x.insertInto('regions').values(row).onConflict((oc) => oc.column('id').doNothing()).execute()
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

  listProjects(filter: ProjectFilter, page?: Page) {
    let q = this.x.selectFrom('projects').selectAll()
    if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId)
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    if (filter.parentId !== undefined) q = q.where('parent_id', '=', filter.parentId)
    if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled ? 1 : 0)
    if (filter.ids) q = filter.ids.length ? q.where('id', 'in', filter.ids) : q.where('id', '=', '')
    // Region projects first, then by name: the order the clouds show and a stable one for paging.
    q = q.orderBy('kind', 'desc').orderBy('name').orderBy('id')
    if (page) q = q.limit(page.limit).offset(page.offset)
    return q.execute()
  }

  createProject(row: ProjectRow) {
    return this.insertUnique(
      async () => (await this.write((x) => x.insertInto('projects').values(row).execute()), row),
      () => projectNameConflict(row.name, row.domain_id),
    )
  }

  updateProject(domainId: string, id: string, changes: ProjectChanges, now: string, guard: ProjectUpdateGuard = {}) {
    const set: Partial<ProjectRow> = { updated_at: now }
    if (changes.name !== undefined) set.name = changes.name
    if (changes.description !== undefined) set.description = changes.description
    if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0
    if (changes.tags !== undefined) set.tags = changes.tags
    if (changes.options !== undefined) set.options = changes.options
    if (changes.extra !== undefined) set.extra = changes.extra
    // Parameters in the order Kysely emits them: SET values, then WHERE values in call order.
    const parameters = [...Object.values(set), id, domainId]
    if (guard.kind !== undefined) parameters.push(guard.kind)
    if (guard.regionId !== undefined) parameters.push(guard.regionId)
    const shape = `${Object.keys(set).join(',')}|${guard.kind !== undefined}|${guard.regionId !== undefined}`
    return this.writingProject(id, () =>
      this.insertUnique(
        () => this.write(async (x) => (await this.sqlTexts.run(x, shape, parameters, () => {
          let q = x.updateTable('projects').set(set).where('id', '=', id).where('domain_id', '=', domainId)
          if (guard.kind !== undefined) q = q.where('kind', '=', guard.kind)
          if (guard.regionId !== undefined) q = q.where('region_id', '=', guard.regionId)
          return q.returningAll().compile()
        }))[0]),
        () => projectNameConflict(changes.name ?? '', domainId),
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
      if (child) throw new ConflictError('project', `Cannot delete project ${id}: it is the parent of other projects`)
      await x.deleteFrom('role_assignments').where('target_type', '=', 'project').where('target_id', '=', id).execute()
      return x.deleteFrom('projects').where('id', '=', id).where('domain_id', '=', domainId).executeTakeFirst()
    }))
    return result.numDeletedRows > 0n
  }

  listProjectsForUser(userId: string, domainId: string) {
    const actorIds = this.actorIds(userId)
    return this.x
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
      .where('domain_id', '=', domainId)
      .orderBy('kind', 'desc').orderBy('name').orderBy('id')
      .execute()
  }

  // ---- users, groups, roles
  findUser(id: string) {
    return this.locked(this.x.selectFrom('users').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  findUserByName(domainId: string, name: string) {
    return this.x.selectFrom('users').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
  }

  createUser(row: NewUser) {
    return this.insertUnique(
      async () => {
        const user: UserRow = { ...NEW_USER_DEFAULTS, ...row }
        await this.x.insertInto('users').values(user).execute()
        return user
      },
      () => new ConflictError('user', `Duplicate entry found with name ${row.name} at domain ID ${row.domain_id}`),
    )
  }

  listUsers(filter: { domainId?: string; name?: string; enabled?: boolean; groupId?: string }) {
    let q = this.x.selectFrom('users').selectAll()
    if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId)
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled ? 1 : 0)
    if (filter.groupId !== undefined) {
      const groupId = filter.groupId
      q = q.where('id', 'in', (eb) => eb.selectFrom('group_members').select('user_id').where('group_id', '=', groupId))
    }
    return q.orderBy('name').orderBy('id').execute()
  }

  updateUser(domainId: string, id: string, changes: UserChanges, now: string) {
    return this.insertUnique(
      () => this.write((x) => x.updateTable('users').set({ ...changes, updated_at: now })
        .where('id', '=', id).where('domain_id', '=', domainId).returningAll().executeTakeFirst()),
      () => new ConflictError('user', `Duplicate entry found with name ${changes.name} at domain ID ${domainId}`),
    )
  }

  deleteUser(domainId: string, id: string) {
    return this.transaction(async (tx) => (tx as SqlIamStore).deleteUserRows(domainId, id))
  }

  private async deleteUserRows(domainId: string, id: string): Promise<boolean> {
    const user = await this.x.selectFrom('users').select('id').where('id', '=', id).where('domain_id', '=', domainId).executeTakeFirst()
    if (!user) return false
    await this.x.deleteFrom('group_members').where('user_id', '=', id).execute()
    await this.x.deleteFrom('credentials').where('user_id', '=', id).execute()
    await this.x.deleteFrom('role_assignments').where('actor_type', '=', 'user').where('actor_id', '=', id).execute()
    await this.x.deleteFrom('users').where('id', '=', id).execute()
    return true
  }

  async cutUserTokens(userIds: readonly string[], now: string) {
    if (userIds.length === 0) return
    await this.write((x) => x.updateTable('users').set({ tokens_valid_after: now }).where('id', 'in', userIds).execute())
  }

  async recordLoginFailure(f: LoginFailure) {
    // One statement, so concurrent failures all count: SET sees the row as it was before it.
    const row = await this.write((x) => x.updateTable('users')
      .set((eb) => {
        const windowExpired = eb.or([eb('failure_window_started_at', 'is', null), eb('failure_window_started_at', '<', f.windowStart)])
        const count = eb.case().when(windowExpired).then(1).else(eb('failed_logins', '+', 1)).end()
        return {
          failed_logins: count,
          failure_window_started_at: eb.case().when(windowExpired).then(f.now).else(eb.ref('failure_window_started_at')).end(),
          locked_until: eb.case().when(count, '>=', f.attempts).then(f.lockUntil).else(eb.ref('locked_until')).end(),
        }
      })
      .where('id', '=', f.userId)
      .returning(['locked_until'])
      .executeTakeFirst())
    return row?.locked_until === f.lockUntil ? f.lockUntil : undefined
  }

  async recordLogin(userId: string, now: string) {
    await this.write((x) => x.updateTable('users')
      .set({ failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: now })
      .where('id', '=', userId).execute())
  }

  findGroup(id: string) {
    return this.locked(this.x.selectFrom('user_groups').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  listGroups(filter: { domainId?: string; name?: string; userId?: string }) {
    let q = this.x.selectFrom('user_groups').selectAll()
    if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId)
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    if (filter.userId !== undefined) {
      const userId = filter.userId
      q = q.where('id', 'in', (eb) => eb.selectFrom('group_members').select('group_id').where('user_id', '=', userId))
    }
    return q.orderBy('name').orderBy('id').execute()
  }

  updateGroup(domainId: string, id: string, changes: Partial<Pick<GroupRow, 'name' | 'description'>>) {
    return this.insertUnique(
      () => this.write((x) => x.updateTable('user_groups').set(changes)
        .where('id', '=', id).where('domain_id', '=', domainId).returningAll().executeTakeFirst()),
      () => new ConflictError('group', `Duplicate entry found with name ${changes.name} at domain ID ${domainId}`),
    )
  }

  deleteGroup(domainId: string, id: string) {
    return this.transaction(async (tx) => (tx as SqlIamStore).deleteGroupRows(domainId, id))
  }

  private async deleteGroupRows(domainId: string, id: string): Promise<boolean> {
    const group = await this.x.selectFrom('user_groups').select('id').where('id', '=', id).where('domain_id', '=', domainId).executeTakeFirst()
    if (!group) return false
    await this.x.deleteFrom('group_members').where('group_id', '=', id).execute()
    await this.x.deleteFrom('role_assignments').where('actor_type', '=', 'group').where('actor_id', '=', id).execute()
    await this.x.deleteFrom('user_groups').where('id', '=', id).execute()
    return true
  }

  async removeGroupMember(groupId: string, userId: string) {
    const result = await this.write((x) => x.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  async isGroupMember(groupId: string, userId: string) {
    return (await this.x.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst()) !== undefined
  }

  createGroup(row: GroupRow) {
    return this.insertUnique(
      async () => (await this.x.insertInto('user_groups').values(row).execute(), row),
      () => new ConflictError('group', `Duplicate entry found with name ${row.name} at domain ID ${row.domain_id}`),
    )
  }

  findGroupByName(domainId: string, name: string) {
    return this.x.selectFrom('user_groups').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
  }

  async addGroupMember(groupId: string, userId: string) {
    await this.referencing(() => this.x.insertInto('group_members').values({ group_id: groupId, user_id: userId })
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute(), () => new NotFoundError('user', userId))
  }

  findRoleByName(name: string) {
    return this.x.selectFrom('roles').selectAll().where('domain_key', '=', '').where('name', '=', name).executeTakeFirst()
  }

  createCustomRole(row: RoleRow, cap: number) {
    return this.insertUnique(
      () => this.write(async (x) => {
        await this.db.serialize(x, `custom-roles:${row.domain_key}`)
        const { n } = await x.selectFrom('roles').select((eb) => eb.fn.countAll<number>().as('n')).where('domain_key', '=', row.domain_key).executeTakeFirstOrThrow()
        if (Number(n) >= cap) return 'cap' as const
        await x.insertInto('roles').values(row).execute()
        return row
      }),
      () => new ConflictError('role', `Duplicate entry found with name ${row.name}`),
    )
  }

  async upsertSystemRole(row: RoleRow) {
    const { id: _id, created_at: _created, ...definition } = row
    await this.x.insertInto('roles').values(row)
      .onConflict((oc) => oc.columns(['domain_key', 'name']).doUpdateSet(definition)).execute()
  }

  async assignRole(a: Assignment) {
    await this.referencing(() => this.write((x) => x
      .insertInto('role_assignments')
      .values(assignmentRow(a))
      .onConflict((oc) => oc.columns(['actor_type', 'actor_id', 'target_type', 'target_id', 'role_id', 'inherited']).doNothing())
      .execute()), () => new NotFoundError('role', a.roleId))
  }

  async unassignRole(a: Assignment) {
    const result = await this.write((x) => x.deleteFrom('role_assignments').where((eb) => eb.and(assignmentRow(a))).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  async hasAssignment(a: Assignment) {
    return (await this.x.selectFrom('role_assignments').select('role_id').where((eb) => eb.and(assignmentRow(a))).executeTakeFirst()) !== undefined
  }

  listAssignedRoles(a: Omit<Assignment, 'roleId'>) {
    return this.x.selectFrom('roles').selectAll().where('id', 'in', (eb) => eb.selectFrom('role_assignments').select('role_id')
      .where('actor_type', '=', a.actorType).where('actor_id', '=', a.actorId).where('target_type', '=', a.targetType)
      .where('target_id', '=', a.targetId).where('inherited', '=', a.inherited ? 1 : 0))
      .orderBy('name').execute()
  }

  async listAssignments(f: AssignmentFilter): Promise<AssignmentRecord[]> {
    let q = this.x.selectFrom('role_assignments').innerJoin('roles', 'roles.id', 'role_assignments.role_id')
      .selectAll('roles').select(['actor_type', 'actor_id', 'target_type', 'target_id', 'inherited'])
    if (f.inAccount !== undefined) {
      const account = f.inAccount
      q = q.where((eb) => eb.or([
        eb.and([eb('target_type', '=', 'domain'), eb('target_id', '=', account)]),
        eb.and([eb('target_type', '=', 'project'), eb('target_id', 'in', eb.selectFrom('projects').select('id').where('domain_id', '=', account))]),
      ]))
    }
    if (f.actorType !== undefined) q = q.where('actor_type', '=', f.actorType)
    if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId)
    if (f.targetType !== undefined) q = q.where('target_type', '=', f.targetType)
    if (f.targetIds !== undefined) q = f.targetIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('target_id', 'in', f.targetIds)
    if (f.roleId !== undefined) q = q.where('role_id', '=', f.roleId)
    if (f.inherited !== undefined) q = q.where('inherited', '=', f.inherited ? 1 : 0)
    const rows = await q.orderBy('actor_type').orderBy('actor_id').orderBy('target_id').orderBy('roles.name').orderBy('target_type').orderBy('inherited').execute()
    return rows.map(({ actor_type, actor_id, target_type, target_id, inherited, ...role }) => ({
      actorType: actor_type, actorId: actor_id, targetType: target_type, targetId: target_id, roleId: role.id, inherited: inherited === 1, role,
    }))
  }

  async enterpriseProjectRoles(userId: string) {
    const rows = await this.x.selectFrom('role_assignments').innerJoin('roles', 'roles.id', 'role_assignments.role_id')
      .selectAll('roles').select('target_id')
      .where('target_type', '=', 'enterprise_project').where('actor_id', 'in', this.actorIds(userId))
      .execute()
    return rows.map(({ target_id, ...role }) => ({ enterpriseProjectId: target_id, role }))
  }

  findRole(id: string) {
    return this.locked(this.x.selectFrom('roles').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  listRoles(f: { customOf?: string; customOnly?: boolean; name?: string; displayName?: string; type?: string; catalog?: string }) {
    if (f.customOnly && f.customOf === undefined) return Promise.resolve([])
    const owners = f.customOnly ? [f.customOf!] : f.customOf !== undefined ? ['', f.customOf] : ['']
    let q = this.x.selectFrom('roles').selectAll().where('domain_key', 'in', owners)
    if (f.name !== undefined) q = q.where('name', '=', f.name)
    if (f.displayName !== undefined) q = q.where('display_name', '=', f.displayName)
    if (f.type !== undefined) q = q.where('type', '=', f.type as RoleRow['type'])
    if (f.catalog !== undefined) q = q.where('catalog', '=', f.catalog)
    return q.orderBy('domain_key').orderBy('name').execute()
  }

  updateCustomRole(domainKey: string, id: string, changes: Partial<Pick<RoleRow, 'display_name' | 'description' | 'description_cn' | 'type' | 'policy'>>, now: string) {
    return this.write((x) => x.updateTable('roles').set({ ...changes, updated_at: now })
      .where('id', '=', id).where('domain_key', '=', domainKey).where('domain_key', '<>', '').returningAll().executeTakeFirst())
  }

  deleteCustomRole(domainKey: string, id: string) {
    return this.transaction(async (tx) => (tx as SqlIamStore).deleteCustomRoleRows(domainKey, id))
  }

  private async deleteCustomRoleRows(domainKey: string, id: string): Promise<'deleted' | 'not_found' | number> {
    if (domainKey === '') return 'not_found'
    const role = await this.x.selectFrom('roles').select('id').where('id', '=', id).where('domain_key', '=', domainKey).executeTakeFirst()
    if (!role) return 'not_found'
    const uses = (await this.countAssignmentsByRole([id])).get(id) ?? 0
    if (uses > 0) return uses
    await this.x.deleteFrom('roles').where('id', '=', id).execute()
    return 'deleted'
  }

  async countAssignmentsByRole(roleIds: readonly string[]) {
    if (roleIds.length === 0) return new Map<string, number>()
    const rows = await this.x.selectFrom('role_assignments').select((eb) => ['role_id', eb.fn.countAll<number>().as('uses')])
      .where('role_id', 'in', roleIds).groupBy('role_id').execute()
    return new Map(rows.map((r) => [r.role_id, Number(r.uses)]))
  }

  /** The user itself and every group it belongs to: the actors whose assignments it holds. */
  private actorIds(userId: string) {
    return this.x
      .selectFrom('group_members').select('group_id as id').where('user_id', '=', userId)
      .union(this.x.selectNoFrom((eb) => eb.val(userId).as('id')))
  }

  effectiveRoles(userId: string, scope: TokenScope, projectDomainId?: string) {
    if (scope.type === 'unscoped') return Promise.resolve([])
    const actorIds = this.actorIds(userId)
    return this.x
      .selectFrom('roles')
      .selectAll()
      .where('id', 'in', (eb) =>
        eb.selectFrom('role_assignments').select('role_id').where('actor_id', 'in', actorIds).where((w) =>
          scope.type === 'domain'
            ? w.and([w('target_type', '=', 'domain'), w('target_id', '=', scope.id), w('inherited', '=', 0)])
            : w.or([
                w.and([w('target_type', '=', 'project'), w('target_id', '=', scope.id), w('inherited', '=', 0)]),
                w.and([w('target_type', '=', 'domain'), w('target_id', '=', projectDomainId ?? ''), w('inherited', '=', 1)]),
              ]),
        ),
      )
      .orderBy('name')
      .execute()
  }

  systemRoles(userId: string) {
    return this.x
      .selectFrom('roles')
      .selectAll()
      .where('id', 'in', (eb) =>
        eb.selectFrom('role_assignments').select('role_id')
          .where('actor_id', 'in', this.actorIds(userId)).where('target_type', '=', 'system'),
      )
      .execute()
  }

  listDomainsForUser(userId: string) {
    return this.x
      .selectFrom('domains')
      .selectAll()
      .where('id', 'in', (eb) =>
        eb.selectFrom('role_assignments').select('target_id')
          .where('target_type', '=', 'domain').where('actor_id', 'in', this.actorIds(userId)),
      )
      .orderBy('name')
      .execute()
  }

  // ---- access keys
  async createPermanentCredential(row: Omit<CredentialRow, 'slot' | 'kind'>) {
    for (const slot of [1, 2]) {
      try {
        const credential: CredentialRow = { ...row, kind: 'permanent', slot }
        await this.undoable(() => this.write((x) => x.insertInto('credentials').values(credential).execute()))
        return credential
      } catch (error) {
        // The slot is taken (maybe by a request racing this one): try the next.
        if (!this.db.isUniqueViolation(error)) {
          if (this.db.isForeignKeyViolation(error)) throw new NotFoundError('user', row.user_id)
          throw error
        }
      }
    }
    return undefined
  }

  async createTemporaryCredential(row: Omit<CredentialRow, 'slot' | 'kind'>) {
    const credential: CredentialRow = { ...row, kind: 'temporary', slot: null }
    await this.referencing(() => this.write((x) => x.insertInto('credentials').values(credential).execute()), () => new NotFoundError('user', row.user_id))
    return credential
  }

  findCredential(access: string) {
    return this.locked(this.x.selectFrom('credentials').selectAll().where('access', '=', access)).executeTakeFirst()
  }

  listCredentials(userId: string) {
    return this.x.selectFrom('credentials').selectAll().where('user_id', '=', userId).where('kind', '=', 'permanent').orderBy('created_at').execute()
  }

  updateCredential(access: string, changes: Partial<Pick<CredentialRow, 'status' | 'description'>>) {
    return this.write((x) => x.updateTable('credentials').set(changes).where('access', '=', access).where('kind', '=', 'permanent').returningAll().executeTakeFirst())
  }

  async deleteCredential(access: string) {
    const result = await this.write((x) => x.deleteFrom('credentials').where('access', '=', access).where('kind', '=', 'permanent').executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  async markCredentialUsed(access: string, now: string) {
    await this.write((x) => x.updateTable('credentials').set({ last_used_at: now }).where('access', '=', access).execute())
  }

  async deleteExpiredCredentials(now: string) {
    await this.write((x) => x.deleteFrom('credentials').where('kind', '=', 'temporary').where('expires_at', '<', now).execute())
  }

  // ---- tokens
  async findCaller(userId: string, auditId: string): Promise<CallerRecord | undefined> {
    const row = await this.x
      .selectFrom('users')
      .innerJoin('domains', 'domains.id', 'users.domain_id')
      .selectAll('users')
      .select((eb) => [
        'domains.name as domain_name',
        'domains.enabled as domain_enabled',
        eb.exists(eb.selectFrom('revoked_tokens').select('audit_id').where('audit_id', '=', auditId)).as('revoked'),
      ])
      .where('users.id', '=', userId)
      .executeTakeFirst()
    if (!row) return undefined
    const { domain_name, domain_enabled, revoked, ...user } = row
    return { user, domain: { id: user.domain_id, name: domain_name, enabled: domain_enabled }, revoked: Boolean(revoked) }
  }

  listTokenKeys() {
    return this.x.selectFrom('token_keys').select(['id', 'secret']).orderBy('created_at', 'desc').orderBy('id').execute()
  }

  async ensureTokenKey(row: { id: string; secret: string; created_at: string }) {
    await this.x.insertInto('token_keys').values(row).onConflict((oc) => oc.column('id').doNothing()).execute()
  }

  async revokeToken(auditId: string, expiresAt: string, now: string) {
    await this.write((x) => x.insertInto('revoked_tokens').values({ audit_id: auditId, expires_at: expiresAt, revoked_at: now })
      .onConflict((oc) => oc.column('audit_id').doNothing()).execute())
  }
}

function assignmentRow(a: Assignment) {
  return { actor_type: a.actorType, actor_id: a.actorId, target_type: a.targetType, target_id: a.targetId, role_id: a.roleId, inherited: a.inherited ? 1 : 0 }
}

function projectNameConflict(name: string, domainId: string): ConflictError {
  return new ConflictError('project', `Duplicate entry found with name ${name} at domain ID ${domainId}`)
}
