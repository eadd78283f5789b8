/**
 * @module `RoleStore` over Kysely, for every SQL dialect `db/` opens.
 */
import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Database, RoleRow } from '../../../db/schema.js'
import { ConflictError, CustomRoleQuotaExceededError, GrantQuotaExceededError, NotFoundError, RoleInUseError } from '../../../errors/app-error.js'
import type { TokenScope } from '../../../auth/token-codec.js'
import { IamSqlStore } from '../iam-sql-store.js'
import { DOMAIN_ROLE_CATALOG } from './rules.js'
import type { Assignment, AssignmentFilter, AssignmentRecord, CustomRoleChanges, RoleFilter, RoleStore } from './store.js'

export class SqlRoleStore extends IamSqlStore<RoleStore> implements RoleStore {
  protected bound(trx: Transaction<Database>): SqlRoleStore {
    return new SqlRoleStore({ db: this.db, x: trx })
  }

  // ---- roles
  findRoleByName(name: string) {
    return this.x.selectFrom('roles').selectAll().where('domain_key', '=', '').where('name', '=', name).executeTakeFirst()
  }

  findRole(id: string) {
    return this.locked(this.x.selectFrom('roles').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  listRoles(f: RoleFilter) {
    if (f.customOnly && f.customOf === undefined) return Promise.resolve([])
    const owners = f.customOnly ? [f.customOf!] : f.customOf !== undefined ? ['', f.customOf] : ['']
    let q = this.x.selectFrom('roles').selectAll().where('domain_key', 'in', owners)
    if (f.name !== undefined) q = q.where('name', '=', f.name)
    if (f.displayName !== undefined) q = q.where('display_name', '=', f.displayName)
    if (f.type !== undefined) q = q.where('type', '=', f.type as RoleRow['type'])
    if (f.catalog !== undefined) q = q.where('catalog', '=', f.catalog)
    return q.orderBy('domain_key').orderBy('name').execute()
  }

  createCustomRole(row: RoleRow, cap: number) {
    return this.constrained(
      () => this.write(async (x) => {
        await this.assertBelowLimit(x, `policy:${row.domain_key}`, cap, async (q) => (await q.selectFrom('roles').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('domain_key', '=', row.domain_key).executeTakeFirstOrThrow()).n, () => new CustomRoleQuotaExceededError(cap))
        await x.insertInto('roles').values(row).execute()
        return row
      }),
      { unique: () => new ConflictError('role', `Duplicate entry found with name ${row.name}`) },
    )
  }

  updateCustomRole(domainKey: string, id: string, changes: CustomRoleChanges, now: string) {
    return this.write((x) => x.updateTable('roles').set({ ...changes, updated_at: now })
      .where('id', '=', id).where('domain_key', '=', domainKey).where('domain_key', '<>', '').returningAll().executeTakeFirst())
  }

  deleteCustomRole(domainKey: string, id: string) {
    return this.transaction(async (tx) => (tx as SqlRoleStore).deleteCustomRoleRow(domainKey, id))
  }

  private async deleteCustomRoleRow(domainKey: string, id: string): Promise<boolean> {
    if (domainKey === '') return false
    const role = await this.x.selectFrom('roles').select('id').where('id', '=', id).where('domain_key', '=', domainKey).executeTakeFirst()
    if (!role) return false
    const uses = (await this.countAssignmentsByRole([id])).get(id) ?? 0
    if (uses > 0) throw new RoleInUseError(id, uses)
    await this.x.deleteFrom('roles').where('id', '=', id).execute()
    return true
  }

  async countAssignmentsByRole(roleIds: readonly string[]) {
    if (roleIds.length === 0) return new Map<string, number>()
    const rows = await this.x.selectFrom('role_assignments').select((eb) => ['role_id', eb.fn.countAll<number>().as('uses')])
      .where('role_id', 'in', roleIds).groupBy('role_id').execute()
    return new Map(rows.map((r) => [r.role_id, Number(r.uses)]))
  }

  createRole(row: RoleRow) {
    return this.constrained(
      () => this.write(async (x) => {
        await x.insertInto('roles').values(row).execute()
        return row
      }),
      { unique: () => new ConflictError('role', duplicateRoleName(row.name, row.domain_key)) },
    )
  }

  async updateRole(id: string, changes: Partial<Pick<RoleRow, 'name' | 'display_name' | 'description'>>, now: string) {
    const before = await this.findRole(id)
    return this.constrained(
      () => this.write((x) => x.updateTable('roles').set({ ...changes, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirst()),
      { unique: () => new ConflictError('role', duplicateRoleName(changes.name ?? '', before?.domain_key ?? '')) },
    )
  }

  deleteRole(id: string) {
    return this.write(async (x) => {
      // Keystone deletes the role's assignments with it.
      await x.deleteFrom('role_assignments').where('role_id', '=', id).execute()
      const result = await x.deleteFrom('roles').where('id', '=', id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    })
  }

  async upsertSystemRole(row: RoleRow) {
    const { id: _id, created_at: _created, updated_at: _updated, ...definition } = row
    const fields = Object.keys(definition) as (keyof typeof definition)[]
    // Only a changed definition is written, so `updated_at` says when it last changed, not when the server last started.
    await this.x.insertInto('roles').values(row)
      .onConflict((oc) => oc.columns(['domain_key', 'name']).doUpdateSet({ ...definition, updated_at: row.updated_at })
        .where((eb) => eb.or(fields.map((f) => eb(`roles.${f}`, '<>', eb.ref(`excluded.${f}`))))))
      .execute()
  }

  // ---- grants
  async assignRole(a: Assignment, limit?: number) {
    await this.constrained(() => this.write(async (x) => {
      // An agency's quota counts its grants on the account and its projects together.
      const agencyWide = a.actorType === 'agency' && a.targetType !== 'enterprise_project'
      if (limit !== undefined && (agencyWide || a.targetType === 'project' || a.targetType === 'enterprise_project')) {
        const target = agencyWide ? undefined : a.targetType as 'project' | 'enterprise_project'
        // The grant itself does not count: granting it again stays idempotent at the limit.
        await this.assertBelowLimit(x, `grant:${a.actorType}:${a.actorId}:${target ?? 'all'}`, limit, async (q) => (await q.selectFrom('role_assignments').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('actor_type', '=', a.actorType).where('actor_id', '=', a.actorId)
          .where((eb) => target === undefined ? eb('target_type', '<>', 'enterprise_project') : eb('target_type', '=', target))
          .where((eb) => eb.not(eb.and(assignmentRow(a)))).executeTakeFirstOrThrow()).n, () => new GrantQuotaExceededError(limit, a.actorType, target))
      }
      await x.insertInto('role_assignments').values(assignmentRow(a))
        .onConflict((oc) => oc.columns(['actor_type', 'actor_id', 'target_type', 'target_id', 'role_id', 'inherited']).doNothing()).execute()
    }), { missing: () => new NotFoundError('role', a.roleId) })
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
        ...(f.withEnterpriseProjects ? [eb.and([eb('target_type', '=', 'enterprise_project'), eb.or([
          eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', eb.selectFrom('users').select('id').where('domain_id', '=', account))]),
          eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', eb.selectFrom('user_groups').select('id').where('domain_id', '=', account))]),
          eb.and([eb('actor_type', '=', 'agency'), eb('actor_id', 'in', eb.selectFrom('agencies').select('id').where('domain_id', '=', account))]),
        ])])] : []),
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

  async effectiveRoles(userId: string, scope: TokenScope, projectDomainId?: string) {
    if (scope.type === 'system') return this.systemRoles(userId)
    return this.scopedRoles(sql`SELECT group_id FROM group_members WHERE user_id = ${userId} UNION SELECT ${userId}`, scope, projectDomainId)
  }

  async groupsEffectiveRoles(groupIds: readonly string[], scope: TokenScope, projectDomainId?: string) {
    if (groupIds.length === 0 || scope.type === 'system') return []
    return this.scopedRoles(sql.join(groupIds.map((id) => sql`SELECT ${id}`), sql` UNION `), scope, projectDomainId)
  }

  private scopedRoles(actors: RawBuilder<unknown>, scope: TokenScope, projectDomainId?: string) {
    if (scope.type === 'unscoped' || scope.type === 'system') return Promise.resolve([])
    const where = scope.type === 'domain'
      ? sql`target_type = 'domain' AND target_id = ${scope.id} AND inherited = 0`
      : sql`(target_type = 'project' AND target_id = ${scope.id} AND inherited = 0)
          OR (target_type = 'domain' AND target_id = ${projectDomainId ?? ''} AND inherited = 1)
          OR (target_type = 'project' AND inherited = 1 AND target_id IN (SELECT id FROM ancestors))`
    return this.heldRoles(actors, where, scope.type === 'project' ? scope.id : '')
  }

  systemRoles(userId: string) {
    return this.heldRoles(sql`SELECT group_id FROM group_members WHERE user_id = ${userId} UNION SELECT ${userId}`, sql`target_type = 'system'`, '')
  }

  /**
   * The roles of the actors' assignments matching `where` (`actors` selects ids: a user and its
   * groups, or a federated token's groups), closed over the inference rules (UNION stops at a
   * cycle), without domain-specific roles. `ancestors` are the parents of `projectId` up to its
   * domain, for grants inherited from a parent project.
   */
  private async heldRoles(actors: RawBuilder<unknown>, where: RawBuilder<unknown>, projectId: string): Promise<RoleRow[]> {
    const result = await sql<RoleRow>`
      WITH RECURSIVE ancestors (id) AS (
        SELECT parent_id FROM projects WHERE id = ${projectId}
        UNION SELECT p.parent_id FROM projects p JOIN ancestors a ON p.id = a.id
      ), held (role_id) AS (
        SELECT role_id FROM role_assignments
        WHERE actor_id IN (${actors}) AND (${where})
        UNION SELECT i.implied_role_id FROM implied_roles i JOIN held h ON i.prior_role_id = h.role_id
      )
      SELECT * FROM roles WHERE id IN (SELECT role_id FROM held) AND NOT (domain_key <> '' AND catalog = ${DOMAIN_ROLE_CATALOG})
      ORDER BY name`.execute(this.x)
    return result.rows
  }

  // ---- implied roles
  async createImpliedRole(priorRoleId: string, impliedRoleId: string) {
    await this.constrained(
      () => this.write((x) => x.insertInto('implied_roles').values({ prior_role_id: priorRoleId, implied_role_id: impliedRoleId }).execute()),
      // keystone/common/sql/core.py handle_conflicts names no entry: its arguments are two ids, not a dict.
      { unique: () => new ConflictError('implied_role', 'Duplicate entry'), missing: () => new NotFoundError('role', priorRoleId) },
    )
  }

  async deleteImpliedRole(priorRoleId: string, impliedRoleId: string) {
    const result = await this.write((x) => x.deleteFrom('implied_roles')
      .where('prior_role_id', '=', priorRoleId).where('implied_role_id', '=', impliedRoleId).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  listImpliedRoles(priorRoleId?: string) {
    let q = this.x.selectFrom('implied_roles').selectAll()
    if (priorRoleId !== undefined) q = q.where('prior_role_id', '=', priorRoleId)
    return q.orderBy('prior_role_id').orderBy('implied_role_id').execute()
  }
}

function assignmentRow(a: Assignment) {
  return { actor_type: a.actorType, actor_id: a.actorId, target_type: a.targetType, target_id: a.targetId, role_id: a.roleId, inherited: a.inherited ? 1 : 0 }
}

/** keystone/common/sql/core.py handle_conflicts' words for a taken role name. */
function duplicateRoleName(name: string, domainKey: string): string {
  return domainKey === '' ? `Duplicate entry found with name ${name}` : `Duplicate entry found with name ${name} at domain ID ${domainKey}`
}
