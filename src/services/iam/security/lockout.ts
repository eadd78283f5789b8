/**
 * @module The lock-out, one small piece every password check calls (token sign-in, self
 * password change, and the `totp` factor of a `password`+`totp` sign-in): failures counted in
 * the account's window lock the user for the account's duration (its login policy on the
 * clouds, the configuration's `LOGIN_LOCKOUT_*` in the keystone flavour). While locked, even the
 * right password is refused; the lock runs out, nobody lifts it early; a success clears the count.
 */
import type { UserRow } from '../../../db/schema.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import type { IdentityStore } from '../identity/store.js'
import type { LockoutSettings } from './service.js'

export interface LockoutOptions {
  users: Pick<IdentityStore, 'recordLoginFailure'>
  /** The lock-out the user's account sets. */
  settings(domainId: string): Promise<LockoutSettings>
  /** Forgets the failures (a successful sign-in). */
  clearFailures(userId: string): Promise<void>
  clock: Clock
}

export class Lockout {
  constructor(private readonly deps: LockoutOptions) {}

  /** Whether the user is locked out now. */
  isLocked(user: Pick<UserRow, 'locked_until'>, now = this.deps.clock.now()): boolean {
    return user.locked_until !== null && user.locked_until > isoMicros(now)
  }

  /**
   * Counts one failure of the user; true when this one reached the limit and locked it.
   * Failures while locked are not counted by callers (the lock is checked first), so they do
   * not extend it (spec §3.2, Rec.).
   */
  async recordFailure(user: Pick<UserRow, 'id' | 'domain_id'>, now = this.deps.clock.now()): Promise<boolean> {
    const { attempts, windowSeconds, durationSeconds } = await this.deps.settings(user.domain_id)
    if (attempts === 0) return false
    const outcome = await this.deps.users.recordLoginFailure({
      userId: user.id, now: isoMicros(now), windowStart: isoMicros(now - windowSeconds * 1000), attempts, lockUntil: isoMicros(now + durationSeconds * 1000),
    })
    return outcome.locked
  }

  clear(userId: string): Promise<void> {
    return this.deps.clearFailures(userId)
  }
}
