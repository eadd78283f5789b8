/**
 * @module `IdentityStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, GroupRow, UserRow } from '../../../db/schema.js'
import { ConflictError, GroupQuotaExceededError, MembershipLimitExceededError, NotFoundError, UserQuotaExceededError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import { USER_PROFILE_DEFAULTS, XUSER_TAKEN } from './user-profile.js'
import type { NameTaken, GroupChanges, GroupFilter, IdentityStore, LoginFailure, LoginFailureOutcome, NewUser, UserChanges, UserFilter } from './store.js'

const NEW_USER_DEFAULTS = {
  description: '', email: null, extra: '{}', default_project_id: null, password_expires_at: null,
  tokens_valid_after: '', failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: null, last_project_id: null,
  ...USER_PROFILE_DEFAULTS,
} satisfies Omit<UserRow, keyof NewUser | 'password_hash' | 'enabled'> & Partial<UserRow>

const NOT_LOCKED: LoginFailureOutcome = { locked: false }

export class SqlIdentityStore extends IamSqlStore<IdentityStore> implements IdentityStore {
  protected bound(trx: Transaction<Database>): SqlIdentityStore {
    return new SqlIdentityStore({ db: this.db, x: trx })
  }

  // ---- users
  findUser(id: string) {
    return this.locked(this.x.selectFrom('users').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  findUserByName(domainId: string, name: string) {
    return this.x.selectFrom('users').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
  }

  createUser(row: NewUser, limit?: number, nameTaken?: NameTaken) {
    return this.constrained(
      () => this.write(async (x) => {
        if (limit !== undefined) {
          await this.assertBelowLimit(x, `user:${row.domain_id}`, limit, async (q) => (await q.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))
            .where('domain_id', '=', row.domain_id).executeTakeFirstOrThrow()).n, () => new UserQuotaExceededError(limit))
        }
        const user: UserRow = { ...NEW_USER_DEFAULTS, ...row }
        await x.insertInto('users').values(user).execute()
        return user
      }),
      { unique: (error) => userConflict(error, row.name, row.domain_id, nameTaken), missing: () => new NotFoundError('domain', row.domain_id) },
    )
  }

  async findUserByContact(domainId: string, contact: { email: string } | { areacode: string; phone: string }) {
    if (this.inTransaction) await this.db.serialize(this.x as Transaction<Database>, `iam-user-contacts:${domainId}`)
    let q = this.x.selectFrom('users').selectAll().where('domain_id', '=', domainId)
    q = 'email' in contact ? q.where('email', '=', contact.email) : q.where('areacode', '=', contact.areacode).where('phone', '=', contact.phone)
    return q.orderBy('id').limit(1).executeTakeFirst()
  }

  listUsers(filter: UserFilter) {
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

  updateUser(domainId: string, id: string, changes: UserChanges, now: string, nameTaken?: NameTaken) {
    return this.constrained(
      () => this.write((x) => x.updateTable('users').set({ ...changes, updated_at: now })
        .where('id', '=', id).where('domain_id', '=', domainId).returningAll().executeTakeFirst()),
      { unique: (error) => userConflict(error, changes.name, domainId, nameTaken) },
    )
  }

  deleteUser(domainId: string, id: string) {
    return this.transaction(async (tx) => (tx as SqlIdentityStore).deleteUserRows(domainId, id))
  }

  private async deleteUserRows(domainId: string, id: string): Promise<boolean> {
    const user = await this.x.selectFrom('users').select('id').where('id', '=', id).where('domain_id', '=', domainId).executeTakeFirst()
    if (!user) return false
    // Rows of other capabilities that name the user go with it, in this transaction: grants
    // name their actor by id only, so the schema cannot cascade them.
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

  async recordLoginFailure(f: LoginFailure): Promise<LoginFailureOutcome> {
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
    return row?.locked_until === f.lockUntil ? { locked: true, until: f.lockUntil } : NOT_LOCKED
  }

  async recordLogin(userId: string, now: string, projectId?: string) {
    await this.write((x) => x.updateTable('users')
      .set({ failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: now, ...(projectId === undefined ? {} : { last_project_id: projectId }) })
      .where('id', '=', userId).execute())
  }

  // ---- groups
  findGroup(id: string) {
    return this.locked(this.x.selectFrom('user_groups').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  findGroupByName(domainId: string, name: string) {
    return this.x.selectFrom('user_groups').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
  }

  listGroups(filter: GroupFilter) {
    let q = this.x.selectFrom('user_groups').selectAll()
    if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId)
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    if (filter.userId !== undefined) {
      const userId = filter.userId
      q = q.where('id', 'in', (eb) => eb.selectFrom('group_members').select('group_id').where('user_id', '=', userId))
    }
    return q.orderBy('name').orderBy('id').execute()
  }

  createGroup(row: GroupRow, limit?: number) {
    return this.constrained(
      () => this.write(async (x) => {
        if (limit !== undefined) {
          await this.assertBelowLimit(x, `group:${row.domain_id}`, limit, async (q) => (await q.selectFrom('user_groups').select((eb) => eb.fn.countAll<number>().as('n'))
            .where('domain_id', '=', row.domain_id).executeTakeFirstOrThrow()).n, () => new GroupQuotaExceededError(limit))
        }
        await x.insertInto('user_groups').values(row).execute()
        return row
      }),
      { unique: () => groupNameConflict(row.name, row.domain_id), missing: () => new NotFoundError('domain', row.domain_id) },
    )
  }

  updateGroup(domainId: string, id: string, changes: GroupChanges) {
    return this.constrained(
      () => this.write((x) => x.updateTable('user_groups').set(changes)
        .where('id', '=', id).where('domain_id', '=', domainId).returningAll().executeTakeFirst()),
      { unique: () => groupNameConflict(changes.name, domainId) },
    )
  }

  deleteGroup(domainId: string, id: string) {
    return this.transaction(async (tx) => (tx as SqlIdentityStore).deleteGroupRows(domainId, id))
  }

  private async deleteGroupRows(domainId: string, id: string): Promise<boolean> {
    const group = await this.x.selectFrom('user_groups').select('id').where('id', '=', id).where('domain_id', '=', domainId).executeTakeFirst()
    if (!group) return false
    await this.x.deleteFrom('group_members').where('group_id', '=', id).execute()
    // Grants name their actor by id only, so the schema cannot cascade them: they go here.
    await this.x.deleteFrom('role_assignments').where('actor_type', '=', 'group').where('actor_id', '=', id).execute()
    await this.x.deleteFrom('user_groups').where('id', '=', id).execute()
    return true
  }

  async addGroupMember(groupId: string, userId: string, limit?: number) {
    await this.constrained(() => this.write(async (x) => {
      if (limit !== undefined) {
        // This group does not count: adding a member again stays idempotent at the limit.
        await this.assertBelowLimit(x, `membership:${userId}`, limit, async (q) => (await q.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', userId).where('group_id', '<>', groupId).executeTakeFirstOrThrow()).n, () => new MembershipLimitExceededError(limit))
      }
      await x.insertInto('group_members').values({ group_id: groupId, user_id: userId }).onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute()
    }), { missing: () => new NotFoundError('user', userId) })
  }

  async removeGroupMember(groupId: string, userId: string) {
    const result = await this.write((x) => x.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  }

  async isGroupMember(groupId: string, userId: string) {
    return (await this.x.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst()) !== undefined
  }
}

/** The one unique index on users besides the name is the external identity pair's. */
function userConflict(error: unknown, name: string | undefined, domainId: string, nameTaken: NameTaken | undefined) {
  if (String((error as Error | undefined)?.message).includes('xuser')) return XUSER_TAKEN()
  return nameTaken ? nameTaken(name ?? '', domainId) : new ConflictError('user', `Duplicate entry found with name ${name} at domain ID ${domainId}`)
}

function groupNameConflict(name: string | undefined, domainId: string): ConflictError {
  return new ConflictError('group', `Duplicate entry found with name ${name} at domain ID ${domainId}`)
}
