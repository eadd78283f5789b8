/**
 * @module What the COC favourites service needs from storage. A favourites record belongs to one
 * user in one account, so every method takes both: no query can reach another user's record.
 * Writes are single statements (no read-then-write), so concurrent saves by one user settle on
 * one record and on exactly one of the lists sent, whichever storage backs the interface.
 * A refused write throws the error named on its method; none returns an outcome to decode.
 */

import type { TraceContext, TracedChange } from '../../audit/trace.js'

/** One user's favourites, as stored. */
export interface FavouritesRecord {
  /** 24 lowercase hex characters, allocated when the record is first saved and never changed. */
  readonly id: string
  readonly userId: string
  /** Enterprise project ids in the user's order; never checked against EPS. */
  readonly epIds: readonly string[]
}

export interface FavouritesQuery {
  /** Only records whose id sorts after this one (the previous page's last id). */
  readonly afterId?: string
  /** Only the record with this id. */
  readonly id?: string
  readonly limit: number
}

export interface CocStore {
  /**
   * Creates the user's record with id `newId`, or replaces the list of the record it already has
   * (keeping that record's id). Returns the id of the record written.
   * Throws `NotFoundError('user')` when the user (or its account) no longer exists.
   */
  saveFavourites(domainId: string, userId: string, epIds: readonly string[], newId: string, now: string): Promise<string>
  /**
   * Replaces the list of the user's record only if that record has id `id`. Throws
   * FavouritesIdMismatchError, and writes nothing, when the user has no record or its record has another id.
   */
  updateFavourites(domainId: string, userId: string, id: string, epIds: readonly string[], now: string): Promise<void>
  /** The user's record, if it has one; inside a transaction on PostgreSQL it stays locked until the end. */
  findFavourites(domainId: string, userId: string): Promise<FavouritesRecord | undefined>
  /** The user's records matching the query, ordered by id: zero or one, as a user has at most one. */
  listFavourites(domainId: string, userId: string, query: FavouritesQuery): Promise<FavouritesRecord[]>
  /** Writes the trace of a change; call it on the store `transaction` passes in, beside the change. */
  recordChange(trace: TraceContext, change: TracedChange): Promise<void>
  /** Runs `work` in one transaction; the store passed in sees and writes only inside it. */
  transaction<T>(work: (store: CocStore) => Promise<T>): Promise<T>
}
