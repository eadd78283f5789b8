/**
 * @module Reads of one row (or a handful) by its key, outside any transaction: they answer in
 * microseconds and take no locks, so on PostgreSQL those of all requests may share one pipelined
 * connection (postgres-driver.ts) without one waiting behind a slow statement. Inside a
 * transaction the mark is ignored, and the embedded store ignores it everywhere.
 */
import type { CompiledQuery } from 'kysely'

const marked = new WeakSet<CompiledQuery>()

/** Marks `query` as a keyed read: an index lookup by key, never a scan or a lock. */
export function keyedRead<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  marked.add(query)
  return query
}

export function isKeyedRead(query: CompiledQuery): boolean {
  return marked.has(query)
}
