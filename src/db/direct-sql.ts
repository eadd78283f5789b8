/**
 * @module Inside a grouped write on the embedded store, statements whose SQL text is known
 * (sql-text-cache.ts, the savepoints of group-commit.ts) run straight on better-sqlite3 instead of
 * through Kysely's connection provider, mutex and driver: five promise hops per statement cost
 * more than SQLite takes to run a keyed UPDATE. Only a transaction's executor is registered: it
 * holds Kysely's connection mutex, so nothing else runs on the connection meanwhile. Outside one,
 * a direct read could see another write's uncommitted rows, so reads there go through Kysely.
 */

/** Runs `sql` with `parameters` now and returns its rows (none for a statement that returns none). */
export type DirectSql = (sql: string, parameters: readonly unknown[]) => unknown[]

const runners = new WeakMap<object, DirectSql>()

/** Lets the statements run through `executor` (a transaction) go straight to the connection. */
export function runDirectlyIn(executor: object, run: DirectSql): void {
  runners.set(executor, run)
}

export function directSqlOf(executor: object): DirectSql | undefined {
  return runners.get(executor)
}
