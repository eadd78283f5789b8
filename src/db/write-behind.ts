/**
 * @module Statements whose answer nobody reads: the audit trace a change writes beside itself.
 * Marked, such a statement inside a write may be sent without waiting for its answer (PostgreSQL:
 * see postgres-driver.ts); its failure still fails the transaction, at the next statement or at
 * the commit, so a change is never acknowledged without it. The embedded store ignores the mark.
 */
import type { CompiledQuery } from 'kysely'

const marked = new WeakSet<CompiledQuery>()

/** Marks `query` as one whose rows and count the caller will not read. */
export function writeBehind<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  marked.add(query)
  return query
}

export function isWriteBehind(query: CompiledQuery): boolean {
  return marked.has(query)
}
