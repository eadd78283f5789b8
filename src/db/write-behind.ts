/**
 * @module Statements whose answer nobody reads: the audit trace a change writes beside itself.
 * Marked, such a statement inside a write may be sent without waiting for its answer (PostgreSQL:
 * see postgres-driver.ts); its failure still fails the transaction, at the next statement or at
 * the commit, so a change is never acknowledged without it. The embedded store ignores the mark.
 */
import type { CompiledQuery } from 'kysely'

const marked = new WeakSet<CompiledQuery>()
const checkpoints = new WeakSet<CompiledQuery>()

/** Marks `query` as one whose rows and count the caller will not read. */
export function writeBehind<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  marked.add(query)
  return query
}

export function isWriteBehind(query: CompiledQuery): boolean {
  return marked.has(query)
}

/**
 * Marks `query` as a checkpoint: it is answered, with everything sent before it, before the
 * caller goes on. Group commit ends each write's savepoint with one, so a write-behind failure is
 * charged to the write that made it, not to the next one in the batch.
 */
export function checkpoint<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  checkpoints.add(query)
  return query
}

export function isCheckpoint(query: CompiledQuery): boolean {
  return checkpoints.has(query)
}
