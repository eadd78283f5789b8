/**
 * @module What Keystone's credentials need from storage (migration 0015): rows by id, listed by
 * owner and type. `find*` returns undefined when nothing matches; a write that matches no row
 * says so in its result. Refusals are thrown, as each method says.
 */
import type { KeystoneCredentialRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

export type KeystoneCredentialChanges = Partial<Pick<KeystoneCredentialRow, 'user_id' | 'project_id' | 'type' | 'blob' | 'extra'>>

export interface KeystoneCredentialFilter {
  readonly userId?: string | undefined
  readonly type?: string | undefined
}

export interface KeystoneCredentialStore extends TracedStore<KeystoneCredentialStore> {
  /**
   * Throws ConflictError when the id is taken (an EC2 access key already stored), NotFoundError
   * naming the user when the user or the project is gone.
   */
  createCredential(row: KeystoneCredentialRow): Promise<KeystoneCredentialRow>
  findCredential(id: string): Promise<KeystoneCredentialRow | undefined>
  /** Oldest first. */
  listCredentials(filter: KeystoneCredentialFilter): Promise<KeystoneCredentialRow[]>
  /** Undefined when no row matched; NotFoundError naming the user when the new owner or project is gone. */
  updateCredential(id: string, changes: KeystoneCredentialChanges): Promise<KeystoneCredentialRow | undefined>
  /** False when no row matched. */
  deleteCredential(id: string): Promise<boolean>
}
