/**
 * @module The store as the rest of the code sees it: a Kysely instance plus the few things that
 * differ between SQLite and PostgreSQL (how writes commit, locks, how a violation or an outage
 * looks, how instances tell each other to drop caches). Everything above this file speaks Kysely
 * and never names a driver.
 */
import type { Kysely, Transaction } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from './schema.js'
import { openSqlite } from './sqlite.js'
import type { QueryListener } from './query-observer.js'

export { StoreLockedError } from './sqlite.js'

export interface Db {
  readonly kysely: Kysely<Database>
  readonly dialect: 'sqlite' | 'postgres'
  /** Where the data lives, for the start-up banner ("in memory" for a throwaway store). */
  readonly location: string
  /**
   * True when this process is the only writer of the store (SQLite under its exclusive lock), so
   * rows may be cached in memory and invalidated on write with no risk of a stale read.
   */
  readonly soleWriter: boolean
  /**
   * Runs a write in its own transaction, committed before the promise settles. The embedded
   * store groups concurrent writes into one commit (see group-commit.ts).
   */
  write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  /**
   * Inside a write: waits until no other transaction, on any instance, holds `key`, and holds it
   * until this one ends. For the few rules no constraint can state (a quota, a cap): count and
   * insert under the same key. SQLite has one writer at a time already, so it does nothing there.
   */
  serialize(trx: Kysely<Database>, key: string): Promise<void>
  /** Runs `work` while no other instance runs an `exclusive` of the same name (start-up: migrate, bootstrap). */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T>
  /** Tells the other instances on this store to drop what they cache about callers. */
  announceChange(): void
  /** Called when another instance announced a change, or when announcements may have been missed. */
  onChangeElsewhere(listener: () => void): void
  isUniqueViolation(error: unknown): boolean
  /** A row referred to something deleted meanwhile (a race the caller answers with 404). */
  isForeignKeyViolation(error: unknown): boolean
  /** The database cannot be reached or is restarting: the request may succeed later (503). */
  isUnavailable(error: unknown): boolean
  /** Reports each query's duration; does nothing on a store opened without `metrics`. */
  onQuery(listener: QueryListener): void
  close(): Promise<void>
}

export type DbConfig = Pick<Config, 'dataDir' | 'inMemory' | 'sqliteSynchronous' | 'database'> & Partial<Pick<Config, 'metrics' | 'sqliteCheckpoints'>>

/**
 * The embedded store opened read only, with no lock: beside a running server, for `export` and
 * `backup`. Its reads in one transaction see one committed state (WAL).
 */
export function openSqliteReader(config: DbConfig): Db {
  return openSqlite(config, { readOnly: true })
}

/**
 * PostgreSQL when `DATABASE_URL` is set, the embedded SQLite file otherwise. The PostgreSQL code
 * and its driver are imported only here, when asked for: `pg` alone costs ~15 MB of RSS, which a
 * server on SQLite should not carry.
 */
export async function openDatabase(config: DbConfig): Promise<Db> {
  if (!config.database) return openSqlite(config)
  const { openPostgres } = await import('./postgres.js')
  return openPostgres(config.database, config.metrics ?? false)
}
