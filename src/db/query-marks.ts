/**
 * @module What a store tells the PostgreSQL driver (postgres-driver.ts) about a compiled query it
 * runs, by marking the query object; the embedded store ignores every mark.
 * - `writeBehind`: nobody reads its answer (the audit trace a change writes beside itself), so
 *   inside a write it may be sent without waiting. Its failure still fails the transaction, at the
 *   next statement or at the commit, so a change is never acknowledged without it.
 * - `checkpoint`: it is answered, with everything sent before it, before the caller goes on. Group
 *   commit ends each write's savepoint with one, so a write-behind failure is charged to the write
 *   that made it, not to the next one in the batch.
 * - `keyedRead`: a read of one row (or a handful) by its key, which answers in microseconds and
 *   takes no locks; outside a transaction those of all requests may share one pipelined
 *   connection without one waiting behind a slow statement. Inside a transaction it means nothing.
 */
import type { CompiledQuery } from 'kysely'

export type QueryMark = 'writeBehind' | 'checkpoint' | 'keyedRead'

const marks = new WeakMap<CompiledQuery, QueryMark>()

/** Marks `query` (one mark a query) and returns it. */
export function marked<R>(query: CompiledQuery<R>, mark: QueryMark): CompiledQuery<R> {
  marks.set(query, mark)
  return query
}

export function isMarked(query: CompiledQuery, mark: QueryMark): boolean {
  return marks.get(query) === mark
}
