/**
 * @module What account security needs from storage: an account's stored policies (one JSON body
 * per kind; none stored = the defaults), the password history of users, the lock-out columns of
 * a user, and the users of an account whose password expiry a policy change recomputes.
 */
import type { UserRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'
import type { PolicyKind } from './rules.js'

export interface SecurityStore extends TracedStore<SecurityStore> {
  /** The stored body of the account's policy, parsed; undefined when the account never set it. */
  findPolicy(domainId: string, kind: PolicyKind): Promise<unknown>
  /** Writes the policy whole. Throws NotFoundError when the account is gone. */
  putPolicy(domainId: string, kind: PolicyKind, body: unknown, now: string): Promise<void>
  /** Forgets every stored policy of the account (an account reset). */
  deletePolicies(domainId: string): Promise<void>
  /** The newest `limit` hashes of the user's passwords, newest first. */
  listPasswordHashes(userId: string, limit: number): Promise<string[]>
  /** Adds a password the user now has; a user deleted meanwhile is ignored. */
  rememberPassword(userId: string, hash: string, at: string): Promise<void>
  /** The account's users with a password: `password_expires_at` follows their last change. */
  listUsersWithPassword(domainId: string): Promise<Pick<UserRow, 'id' | 'password_changed_at' | 'created_at'>[]>
  setPasswordExpiry(userId: string, expiresAt: string | null): Promise<void>
  /** Ends a lock-out and its failure count, as a successful sign-in does. */
  clearLoginFailures(userId: string): Promise<void>
  /** When the user's access keys were last used (an AK/SK call is access too), or undefined. */
  lastAccessKeyUse(userId: string): Promise<string | undefined>
  /** The account validity period's effect: the idle user is disabled and its sessions end. */
  disableUser(userId: string, now: string): Promise<void>
  /** The ids of the account's owners (`is_domain_owner`), for the ACL's owner exemption. */
  listOwnerIds(domainId: string): Promise<string[]>
}
