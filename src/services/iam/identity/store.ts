/**
 * @module What users, groups and their memberships need from storage. `find*` returns undefined
 * when nothing matches; a write that matches no row says so in its result (undefined or false).
 * Refusals are thrown, as each method says: a taken name is `ConflictError`, a reference to a
 * row deleted meanwhile is `NotFoundError`. Reads of tenant data take the account (domain) id.
 */
import type { GroupRow, UserRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'
import type { AppError } from '../../../errors/app-error.js'

/** What creating a user needs; the store fills the rest with its defaults. */
export type NewUser = Pick<UserRow, 'id' | 'domain_id' | 'name' | 'password_hash' | 'enabled' | 'created_at' | 'updated_at'>
  & Partial<Pick<UserRow, 'description' | 'email' | 'extra' | 'default_project_id' | 'password_expires_at' | UserProfileColumn>>

/** Huawei's profile columns (OS-USER), and what the clouds say about a user's password. */
export type UserProfileColumn =
  'areacode' | 'phone' | 'access_mode' | 'pwd_status' | 'xuser_type' | 'xuser_id' | 'password_changed_at' | 'pwd_strength' | 'is_domain_owner'

/** Which refusal a taken name is: Keystone's 409, or the 400 `1109` of the OS-USER API. */
export type NameTaken = (name: string, domainId: string) => AppError

export type UserChanges = Partial<Pick<UserRow,
  'name' | 'enabled' | 'description' | 'email' | 'default_project_id' | 'extra' | 'password_hash' | 'password_expires_at' | 'tokens_valid_after'
  | Exclude<UserProfileColumn, 'is_domain_owner'>>>

export type GroupChanges = Partial<Pick<GroupRow, 'name' | 'description'>>

export interface LoginFailure {
  userId: string
  now: string
  /** Failures before this time no longer count. */
  windowStart: string
  /** The failure that reaches this count locks the user... */
  attempts: number
  /** ...until this time. */
  lockUntil: string
}

/** What counting a failed login did: whether this very failure locked the user, and until when. */
export type LoginFailureOutcome = { readonly locked: false } | { readonly locked: true; readonly until: string }

export interface UserFilter { domainId?: string; name?: string; enabled?: boolean; groupId?: string }
export interface GroupFilter { domainId?: string; name?: string; userId?: string }

export interface IdentityStore extends TracedStore<IdentityStore> {
  // users
  findUser(id: string): Promise<UserRow | undefined>
  findUserByName(domainId: string, name: string): Promise<UserRow | undefined>
  listUsers(filter: UserFilter): Promise<UserRow[]>
  /**
   * Throws NotFoundError when there is no such domain (a system administrator names any),
   * ConflictError (or `nameTaken`'s error) when the name is taken in the account,
   * UserQuotaExceededError when `limit` is given and the account already holds that many users
   * (counted under a lock), and the 400 `1113` ServiceCodedError when the account has the
   * `xuser_type`/`xuser_id` pair already.
   */
  createUser(row: NewUser, limit?: number, nameTaken?: NameTaken): Promise<UserRow>
  /** Updates only inside `domainId`; undefined when no such user. Refuses a taken name or pair as `createUser` does. */
  updateUser(domainId: string, id: string, changes: UserChanges, now: string, nameTaken?: NameTaken): Promise<UserRow | undefined>
  /**
   * Another user of the account with this e-mail address, or this phone number (area code and
   * number). Inside a transaction it first takes the account's contacts lock, held to the end:
   * no index can keep contacts unique (`/v3/users` lets users share an e-mail address), so
   * OS-USER writes that check them take turns instead of both passing the check.
   */
  findUserByContact(domainId: string, contact: { email: string } | { areacode: string; phone: string }): Promise<UserRow | undefined>
  /** Also ends its group memberships, access keys and role assignments; false when the account has no such user. */
  deleteUser(domainId: string, id: string): Promise<boolean>
  /** Kills every token the users hold now (they were issued at or before `now`). */
  cutUserTokens(userIds: readonly string[], now: string): Promise<void>
  /** Counts a failed login in one statement, so concurrent failures all count; a missing user counts nothing. */
  recordLoginFailure(failure: LoginFailure): Promise<LoginFailureOutcome>
  /** A successful login: the failure count starts again. */
  recordLogin(userId: string, now: string, projectId?: string): Promise<void>

  // groups
  findGroup(id: string): Promise<GroupRow | undefined>
  findGroupByName(domainId: string, name: string): Promise<GroupRow | undefined>
  listGroups(filter: GroupFilter): Promise<GroupRow[]>
  /**
   * Throws NotFoundError when there is no such domain, ConflictError when the name is taken in
   * the account, GroupQuotaExceededError when
   * `limit` is given and the account already holds that many groups (counted under a lock).
   */
  createGroup(row: GroupRow, limit?: number): Promise<GroupRow>
  /** Updates only inside `domainId`; undefined when no such group. Throws ConflictError on a taken name. */
  updateGroup(domainId: string, id: string, changes: GroupChanges): Promise<GroupRow | undefined>
  /** Also ends its memberships and role assignments; false when the account has no such group. */
  deleteGroup(domainId: string, id: string): Promise<boolean>
  /**
   * Idempotent. Throws NotFoundError when the user was deleted meanwhile; MembershipLimitExceededError
   * when `limit` is given and the user already belongs to that many other groups (counted under a lock).
   */
  addGroupMember(groupId: string, userId: string, limit?: number): Promise<void>
  /** False when the user was not a member. */
  removeGroupMember(groupId: string, userId: string): Promise<boolean>
  isGroupMember(groupId: string, userId: string): Promise<boolean>
}
