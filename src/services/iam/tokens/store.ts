/**
 * @module What tokens need from storage: the caller behind a token in one round trip, the keys
 * tokens are signed with, and revocations. Nothing here refuses: every method either finds,
 * records or does nothing, so none throws an `AppError`.
 */
import type { DomainRow, UserRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

/** A token's user with its account, and whether that token was revoked. */
export interface CallerRecord {
  user: UserRow
  domain: Pick<DomainRow, 'id' | 'name' | 'enabled'>
  revoked: boolean
}

export interface TokenStore extends TracedStore<TokenStore> {
  /** The user, its account and whether the token is revoked, in one round trip; undefined when no such user. */
  findCaller(userId: string, auditId: string): Promise<CallerRecord | undefined>
  /** Newest first. */
  listTokenKeys(): Promise<{ id: string; secret: string }[]>
  /** Inserts unless a key with that id exists: instances starting together settle on one key by the primary key. */
  ensureTokenKey(row: { id: string; secret: string; created_at: string }): Promise<void>
  /** Idempotent: revoking a revoked token changes nothing. */
  revokeToken(auditId: string, expiresAt: string, now: string): Promise<void>
}
