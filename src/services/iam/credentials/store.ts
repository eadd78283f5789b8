/**
 * @module What access keys need from storage: permanent keys in two slots per user and temporary
 * ones that expire. `find*` returns undefined when nothing matches; a write that matches no row
 * says so in its result. Refusals are thrown, as each method says: `AccessKeyQuotaExceededError` when
 * both slots are taken, `NotFoundError` when the user was deleted meanwhile.
 */
import type { CredentialRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

/** A key as the caller makes it; the store assigns kind and slot. */
export type NewCredential = Omit<CredentialRow, 'slot' | 'kind'>

export type CredentialChanges = Partial<Pick<CredentialRow, 'status' | 'description'>>

export interface CredentialStore extends TracedStore<CredentialStore> {
  /**
   * Takes a free slot (1 or 2) for a permanent key. Throws AccessKeyQuotaExceededError when both are
   * taken, NotFoundError when the user was deleted meanwhile.
   */
  createPermanentCredential(row: NewCredential): Promise<CredentialRow>
  /** Throws NotFoundError when the user was deleted meanwhile. */
  createTemporaryCredential(row: NewCredential): Promise<CredentialRow>
  /** A permanent or a temporary key. */
  findCredential(access: string): Promise<CredentialRow | undefined>
  /** The user's permanent keys, oldest first. */
  listCredentials(userId: string): Promise<CredentialRow[]>
  /** Only a permanent key; undefined when none matched. */
  updateCredential(access: string, changes: CredentialChanges): Promise<CredentialRow | undefined>
  /** Only a permanent key; false when none matched. */
  deleteCredential(access: string): Promise<boolean>
  markCredentialUsed(access: string, now: string): Promise<void>
  /** Temporary keys that expired before `now`. */
  deleteExpiredCredentials(now: string): Promise<void>
}
