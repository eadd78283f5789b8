/**
 * @module Users and groups of an account (Keystone v3 users and groups APIs). Every read and
 * write is bounded by the caller's account: another account's user or group is "not found".
 * Changes that must end a user's sessions (disable, password, group membership) cut its tokens
 * in the same transaction, and the per-instance auth cache is cleared after each of them.
 */
import { newHexId } from '../../../shared/ids.js'
import type { GroupRow, UserRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { hashPassword, verifyPassword } from '../../../auth/password.js'
import type { Lockout } from '../security/lockout.js'
import type { PasswordRefusal, PasswordSetter, SecurityService } from '../security/service.js'
import { ForbiddenError, InvalidFieldError, NotFoundError, UnauthorizedError, ValidationError } from '../../../errors/app-error.js'
import type { IamServiceOptions } from '../iam-service-options.js'
import type { ProjectStore } from '../projects/store.js'
import type { GroupChanges, IdentityStore, UserChanges } from './store.js'
import { creationOf, deletionOf, iamTrace, updateOf, type TracedChange } from '../../../audit/trace.js'
import { isoMicros } from '../../../shared/clock.js'
import { parseBoolean } from '../iam-query.js'
import { passwordStrength } from './user-profile.js'
import type {
  GroupCreateBody, GroupListQuery, GroupUpdateBody, PasswordChangeBody, UserCreateBody, UserListQuery, UserUpdateBody,
} from './schemas.js'

/** Keystone user attributes that are columns; anything else in the body is an extra attribute. */
const USER_KNOWN_KEYS = new Set(['name', 'domain_id', 'password', 'enabled', 'description', 'default_project_id', 'email', 'id'])
/** The group every account is born with; its members administer the account. */
export const ADMIN_GROUP_NAME = 'admin'

/** Keystone's PasswordRequirementsValidationError text; the clouds answer a weak password with 400 too. */
export class PasswordValidationError extends ValidationError {
  constructor(detail: string) {
    super(`The password does not match the requirements: ${detail}`)
  }
}

/** A refused password in Keystone's words (spec §1.5); rule 6 on a self change as the clouds' API words it. */
function passwordRefusalError(refusal: PasswordRefusal, by: PasswordSetter): ValidationError {
  switch (refusal.kind) {
    case 'weak': return new PasswordValidationError(refusal.detail)
    case 'same':
      if (by === 'self') return new ValidationError('Password validation error: The new password must be different from the old password.')
      return new ValidationError(`The new password cannot be identical to a previous password. The total number which includes the new password must be unique is ${refusal.count}.`)
    case 'history':
      return new ValidationError(`The new password cannot be identical to a previous password. The total number which includes the new password must be unique is ${refusal.count}.`)
    case 'age':
      return new ValidationError(`You cannot change your password at this time due to the minimum password age. Once you change your password, it must be used for ${refusal.minutes} minute(s) before it can be changed. Please try again in ${refusal.minutesLeft} minute(s) or contact your administrator to reset your password.`)
  }
}

export interface IdentityServiceOptions extends IamServiceOptions {
  store: IdentityStore
  /** The projects a user's default project must be one of its account's. */
  projects: Pick<ProjectStore, 'findProject'>
  /** The account's password rules, history and expiry, and its self-service switches (security/service.ts). */
  security: Pick<SecurityService, 'passwordRefusal' | 'passwordExpiresAt' | 'rememberPassword' | 'assertSelfService'>
  /** A wrong original password in a self change counts toward the lock-out (spec open question 6). */
  lockout: Lockout
  /** The clouds: `pwd_status` in a PATCH body is the user's flag (spec §3.5), not a Keystone extra attribute. */
  pwdStatusField?: boolean
  /** Keystone 22's password change, cross-domain memberships and token cuts (`Flavour.iam.keystoneIdentityRules`). */
  keystoneRules?: boolean
}

export class IdentityService {
  constructor(private readonly deps: IdentityServiceOptions) {}

  private now(): string {
    return isoMicros(this.deps.clock.now())
  }

  /** The account whose users and groups the caller manages. */
  private account(ctx: AuthContext): string {
    return ctx.accountId ?? ctx.userDomain.id
  }

  /** Another account's id in a body or filter: refused for writes, matches nothing for reads. */
  private assertOwnAccount(ctx: AuthContext, domainId: string | null | undefined, field: string): string {
    const account = this.account(ctx)
    if (domainId === undefined || domainId === null || domainId === account || ctx.systemAdmin) return domainId ?? account
    throw new ForbiddenError(`${field} must be the account of the token (${account})`)
  }

  /**
   * The hash of a password the account's rules let be set, and when it expires; the refusal in
   * Keystone's words otherwise (spec §1.5).
   */
  async checkedPassword(domainId: string, by: PasswordSetter, user: { name: string; email?: string | null } & Partial<Pick<UserRow, 'id' | 'password_hash' | 'password_changed_at'>>, password: string, now: string):
    Promise<{ password_hash: string; password_expires_at: string | null }> {
    const stored = user.id !== undefined ? { id: user.id, password_hash: user.password_hash ?? null, password_changed_at: user.password_changed_at ?? null } : undefined
    const refusal = await this.deps.security.passwordRefusal({ domainId, user: stored, name: user.name, email: user.email, password, by })
    if (refusal) throw passwordRefusalError(refusal, by)
    return { password_hash: await hashPassword(password), password_expires_at: await this.deps.security.passwordExpiresAt(domainId, now) }
  }

  // ------------------------------------------------------------------ users

  async listUsers(ctx: AuthContext, query: UserListQuery): Promise<UserRow[]> {
    const enabled = parseBoolean('enabled', query.enabled)
    const account = ctx.systemAdmin ? query.domain_id : this.account(ctx)
    if (query.domain_id !== undefined && account !== query.domain_id) return []
    return this.deps.store.listUsers({ domainId: account, name: query.name, enabled })
  }

  async getUser(ctx: AuthContext, id: string): Promise<UserRow> {
    const user = await this.deps.store.findUser(id)
    if (!user || !this.sees(ctx, user.domain_id)) throw new NotFoundError('user', id)
    return user
  }

  private sees(ctx: AuthContext, domainId: string): boolean {
    return ctx.systemAdmin || domainId === this.account(ctx)
  }

  async createUser(ctx: AuthContext, body: UserCreateBody): Promise<UserRow> {
    const input = body.user
    const domainId = this.assertOwnAccount(ctx, input.domain_id, 'user/domain_id')
    const now = this.now()
    if (input.default_project_id) await this.assertProjectInAccount(input.default_project_id, domainId)
    const checked = input.password === undefined || input.password === null ? undefined : await this.checkedPassword(domainId, 'create', { name: input.name, email: input.email }, input.password, now)
    const passwordHash = checked?.password_hash ?? null
    // The clouds: a user given its password by someone else must change it at first login (spec §3.5).
    const password = checked === undefined ? {} : { ...checked, pwd_strength: passwordStrength(input.password!), password_changed_at: now, pwd_status: 1 }
    const created = await this.deps.store.transaction(async (tx) => {
      const user = await tx.createUser({
        id: newHexId(), domain_id: domainId, name: input.name, password_hash: passwordHash,
        enabled: input.enabled === false ? 0 : 1,
        description: input.description ?? '', email: input.email ?? null, default_project_id: input.default_project_id ?? null,
        extra: JSON.stringify(extrasOf(input)), created_at: now, updated_at: now, ...password,
      }, this.deps.quota?.('user'))
      await tx.recordChange(iamTrace(ctx, domainId, 'createUser', now), creationOf('user', user))
      return user
    })
    if (passwordHash !== null) await this.deps.security.rememberPassword(created.id, passwordHash, now)
    return created
  }

  async updateUser(ctx: AuthContext, id: string, body: UserUpdateBody): Promise<UserRow> {
    const input = body.user
    const user = await this.getUser(ctx, id)
    if (input.domain_id !== undefined && input.domain_id !== user.domain_id) {
      throw new InvalidFieldError('user/domain_id', 'a user cannot move to another account')
    }
    const now = this.now()
    const changes: UserChanges = {}
    if (input.name !== undefined) changes.name = input.name
    if (input.description !== undefined) changes.description = input.description ?? ''
    if (input.email !== undefined) changes.email = input.email
    if (input.default_project_id !== undefined) {
      if (input.default_project_id) await this.assertProjectInAccount(input.default_project_id, user.domain_id)
      changes.default_project_id = input.default_project_id
    }
    if (input.enabled !== undefined) changes.enabled = input.enabled ? 1 : 0
    if (input.password !== undefined && input.password !== null) {
      Object.assign(changes, await this.checkedPassword(user.domain_id, 'admin', { ...user, name: input.name ?? user.name }, input.password, now))
      Object.assign(changes, { pwd_strength: passwordStrength(input.password), password_changed_at: now })
    }
    const extras = extrasOf(input)
    if (this.deps.pwdStatusField && 'pwd_status' in extras) {
      if (typeof extras.pwd_status !== 'boolean') throw new InvalidFieldError('user/pwd_status', `${JSON.stringify(extras.pwd_status)} is not of type 'boolean'`)
      changes.pwd_status = extras.pwd_status ? 1 : 0
      delete extras.pwd_status
    }
    if (Object.keys(extras).length > 0) changes.extra = JSON.stringify({ ...JSON.parse(user.extra), ...extras })
    // A disabled user's tokens must not come back when it is enabled again; a reset password ends every session.
    if (changes.enabled === 0 || changes.password_hash !== undefined) changes.tokens_valid_after = now
    const updated = await this.updateUserTraced(ctx, user.domain_id, id, changes, now, 'updateUser')
    if (changes.password_hash) await this.deps.security.rememberPassword(id, changes.password_hash, now)
    this.deps.invalidateAuthCache()
    return updated
  }

  private updateUserTraced(ctx: AuthContext, domainId: string, id: string, changes: UserChanges, now: string, action: string): Promise<UserRow> {
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.findUser(id)
      const after = before && await tx.updateUser(domainId, id, changes, now)
      if (!after) throw new NotFoundError('user', id)
      await tx.recordChange(iamTrace(ctx, domainId, action, now), updateOf('user', before, after))
      return after
    })
  }

  async deleteUser(ctx: AuthContext, id: string): Promise<void> {
    const user = await this.getUser(ctx, id)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findUser(id)
      if (!before || !(await tx.deleteUser(user.domain_id, id))) throw new NotFoundError('user', id)
      await tx.recordChange(iamTrace(ctx, user.domain_id, 'deleteUser', now), deletionOf('user', before))
    })
    this.deps.invalidateAuthCache()
  }

  /**
   * POST /v3/users/{id}/password, proving the old password: the clouds let only the user itself;
   * Keystone enforces no policy (the original password is the proof), and answers an unknown user
   * or a wrong password alike, so the route tells nothing about which users exist.
   */
  async changePassword(ctx: AuthContext, id: string, body: PasswordChangeBody): Promise<void> {
    const keystone = this.deps.keystoneRules === true
    if (!keystone && ctx.user.id !== id) throw new ForbiddenError('identity:change_password')
    await this.deps.security.assertSelfService(ctx, id, 'manage_password', 'identity:update_user')
    const user = await this.deps.store.findUser(id)
    if (!user && !keystone) throw new NotFoundError('user', id)
    // Proving the original password is a password sign-in: refused while locked, and a failure counts.
    if (user && this.deps.lockout.isLocked(user)) throw new UnauthorizedError()
    // Keystone's reason ("Invalid user / password") is a security error's detail: hidden outside insecure_debug.
    if (!user || !(await verifyPassword(user.password_hash, body.user.original_password))) {
      if (user) await this.deps.lockout.recordFailure(user)
      throw new UnauthorizedError()
    }
    // Keystone keeps no password history by default (unique_last_password_count is 0).
    if (!keystone && body.user.password === body.user.original_password) {
      throw new ValidationError('Password validation error: The new password must be different from the old password.')
    }
    const now = this.now()
    const checked = await this.checkedPassword(user.domain_id, 'self', user, body.user.password, now)
    await this.updateUserTraced(ctx, user.domain_id, id, {
      ...checked, tokens_valid_after: now, password_changed_at: now, pwd_strength: passwordStrength(body.user.password), pwd_status: 0,
    }, now, 'changePassword')
    await this.deps.security.rememberPassword(id, checked.password_hash, now)
    this.deps.invalidateAuthCache()
  }

  async listGroupsOfUser(ctx: AuthContext, userId: string): Promise<GroupRow[]> {
    const user = await this.findUserSeenBy(ctx, userId)
    return this.deps.store.listGroups({ userId: user.id })
  }

  /** The caller itself always; other users of the account for those allowed to ask. */
  private async findUserSeenBy(ctx: AuthContext, userId: string): Promise<UserRow> {
    const user = await this.deps.store.findUser(userId)
    if (!user || (user.id !== ctx.user.id && !this.sees(ctx, user.domain_id))) throw new NotFoundError('user', userId)
    return user
  }

  private async assertProjectInAccount(projectId: string, domainId: string): Promise<void> {
    const project = await this.deps.projects.findProject(projectId)
    if (!project || project.domain_id !== domainId) throw new NotFoundError('project', projectId)
  }

  // ------------------------------------------------------------------ groups

  async listGroups(ctx: AuthContext, query: GroupListQuery): Promise<GroupRow[]> {
    const account = ctx.systemAdmin ? query.domain_id : this.account(ctx)
    if (query.domain_id !== undefined && account !== query.domain_id) return []
    return this.deps.store.listGroups({ domainId: account, name: query.name })
  }

  async getGroup(ctx: AuthContext, id: string): Promise<GroupRow> {
    const group = await this.deps.store.findGroup(id)
    if (!group || !this.sees(ctx, group.domain_id)) throw new NotFoundError('group', id)
    return group
  }

  createGroup(ctx: AuthContext, body: GroupCreateBody): Promise<GroupRow> {
    const input = body.group
    const domainId = this.assertOwnAccount(ctx, input.domain_id, 'group/domain_id')
    const now = this.now()
    return this.deps.store.transaction(async (tx) => {
      const group = await tx.createGroup({ id: newHexId(), domain_id: domainId, name: input.name, description: input.description ?? '', created_at: now }, this.deps.quota?.('group'))
      await tx.recordChange(iamTrace(ctx, domainId, 'createGroup', now), creationOf('group', group))
      return group
    })
  }

  async updateGroup(ctx: AuthContext, id: string, body: GroupUpdateBody): Promise<GroupRow> {
    const group = await this.getGroup(ctx, id)
    const input = body.group
    if (input.domain_id !== undefined && input.domain_id !== group.domain_id) {
      throw new InvalidFieldError('group/domain_id', 'a group cannot move to another account')
    }
    if (group.name === ADMIN_GROUP_NAME && input.name !== undefined && input.name !== ADMIN_GROUP_NAME) {
      throw new ForbiddenError(`the built-in group '${ADMIN_GROUP_NAME}' cannot be renamed`)
    }
    const changes: GroupChanges = {}
    if (input.name !== undefined) changes.name = input.name
    if (input.description !== undefined) changes.description = input.description ?? ''
    const now = this.now()
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.findGroup(id)
      const after = before && await tx.updateGroup(group.domain_id, id, changes)
      if (!after) throw new NotFoundError('group', id)
      await tx.recordChange(iamTrace(ctx, group.domain_id, 'updateGroup', now), updateOf('group', before, after))
      return after
    })
  }

  async deleteGroup(ctx: AuthContext, id: string): Promise<void> {
    const group = await this.getGroup(ctx, id)
    if (group.name === ADMIN_GROUP_NAME) throw new ForbiddenError(`the built-in group '${ADMIN_GROUP_NAME}' cannot be deleted`)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findGroup(id)
      const members = await tx.listUsers({ groupId: id })
      if (!before || !(await tx.deleteGroup(group.domain_id, id))) throw new NotFoundError('group', id)
      await tx.cutUserTokens(members.map((m) => m.id), now)
      await tx.recordChange(iamTrace(ctx, group.domain_id, 'deleteGroup', now), deletionOf('group', before))
    })
    this.deps.invalidateAuthCache()
  }

  async listGroupMembers(ctx: AuthContext, groupId: string): Promise<UserRow[]> {
    const group = await this.getGroup(ctx, groupId)
    return this.deps.store.listUsers({ groupId: group.id })
  }

  /**
   * The group must be one the caller sees. The clouds: a user joins only groups of its own
   * account. Keystone: any user the caller sees joins any group (domains do not bound membership).
   */
  private async memberPair(ctx: AuthContext, groupId: string, userId: string): Promise<{ group: GroupRow; user: UserRow }> {
    const group = await this.getGroup(ctx, groupId)
    const user = await this.deps.store.findUser(userId)
    const reachable = this.deps.keystoneRules ? user !== undefined && this.sees(ctx, user.domain_id) : user?.domain_id === group.domain_id
    if (!user || !reachable) throw new NotFoundError('user', userId)
    return { group, user }
  }

  async addGroupMember(ctx: AuthContext, groupId: string, userId: string): Promise<void> {
    const { group, user } = await this.memberPair(ctx, groupId, userId)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      await tx.addGroupMember(group.id, user.id, this.deps.quota?.('groups_per_user'))
      // Keystone's tokens take their roles from the assignments at validation, so gaining a group's
      // roles leaves them valid (the auth cache is cleared below); the clouds' end.
      if (!this.deps.keystoneRules) await tx.cutUserTokens([user.id], now)
      await tx.recordChange(iamTrace(ctx, group.domain_id, 'addUserToGroup', now), membershipChange(group, user, 'added'))
    })
    this.deps.invalidateAuthCache()
  }

  async checkGroupMember(ctx: AuthContext, groupId: string, userId: string): Promise<void> {
    const { group, user } = await this.memberPair(ctx, groupId, userId)
    if (!(await this.deps.store.isGroupMember(group.id, user.id))) throw membershipNotFound(user.id, group.id)
  }

  async removeGroupMember(ctx: AuthContext, groupId: string, userId: string): Promise<void> {
    const { group, user } = await this.memberPair(ctx, groupId, userId)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.removeGroupMember(group.id, user.id))) throw membershipNotFound(user.id, group.id)
      await tx.cutUserTokens([user.id], now)
      await tx.recordChange(iamTrace(ctx, group.domain_id, 'removeUserFromGroup', now), membershipChange(group, user, 'removed'))
    })
    this.deps.invalidateAuthCache()
  }
}

/** A membership is traced on its group, the member named in the state. */
function membershipChange(group: GroupRow, user: UserRow, change: 'added' | 'removed'): TracedChange {
  const membership = { group_id: group.id, user_id: user.id, user_name: user.name }
  return { resourceType: 'group', resourceId: group.id, resourceName: group.name, before: change === 'added' ? null : membership, after: change === 'added' ? membership : null }
}

/** Keystone's words for a user that is not in the group. */
function membershipNotFound(userId: string, groupId: string): NotFoundError {
  return new NotFoundError('user', userId, `User '${userId}' not found in group '${groupId}'`)
}

function extrasOf(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !USER_KNOWN_KEYS.has(k)))
}
