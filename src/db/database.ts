/**
 * @module Opens the store named by the configuration and hides dialect quirks (pragmas, how a
 * unique violation looks). Everything above this file speaks Kysely and never names a driver.
 */
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement, type Transaction } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from './schema.js'
import { GroupCommit } from './group-commit.js'

export class StoreLockedError extends Error {}

export interface Db {
  readonly kysely: Kysely<Database>
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
  isUniqueViolation(error: unknown): boolean
  /** A row referred to something deleted meanwhile (a race the caller answers with 404). */
  isForeignKeyViolation(error: unknown): boolean
  close(): Promise<void>
}

export function openDatabase(config: Pick<Config, 'dataDir' | 'inMemory' | 'sqliteSynchronous'>): Db {
  let location = ':memory:'
  if (!config.inMemory) {
    fs.mkdirSync(config.dataDir, { recursive: true })
    location = path.join(config.dataDir, 'projectplane.sqlite')
  }
  // A second server on the same file waits at most a second for the lock, then says why.
  const sqlite = new SQLite(location, { timeout: 1000 })
  try {
    // WAL: readers never block the writer. NORMAL: a commit is in the WAL before the response, so
    // it survives a killed process; FULL also fsyncs every commit to survive a power cut.
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma(`synchronous = ${config.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    sqlite.pragma('foreign_keys = ON')
    // One server owns the file: the lock is taken once instead of twice per statement (two fcntl
    // calls and a getpid each time otherwise), and a second server on the same DATA_DIR fails at
    // start instead of sharing it. Several instances are what PostgreSQL is for.
    sqlite.pragma('locking_mode = EXCLUSIVE')
    sqlite.exec('BEGIN EXCLUSIVE; COMMIT')
  } catch (error) {
    sqlite.close()
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StoreLockedError(`Another projectplane server is using ${location}; stop it or choose another DATA_DIR.`)
    }
    throw error
  }
  sqlite.pragma('busy_timeout = 5000')
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
  const groupCommit = new GroupCommit(kysely)
  return {
    kysely,
    location: config.inMemory ? 'in memory' : location,
    soleWriter: true,
    write: (work) => groupCommit.run(work),
    isUniqueViolation: (error) =>
      typeof error === 'object' && error !== null &&
      ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes((error as { code?: string }).code ?? ''),
    isForeignKeyViolation: (error) =>
      typeof error === 'object' && error !== null && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY',
    close: () => kysely.destroy(),
  }
}

const STATEMENT_CACHE_SIZE = 512

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running a
 * primary-key lookup. Queries are built from a fixed set of shapes, so a bounded cache keyed by
 * SQL text holds every one of them after warm-up.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>()
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql)
      if (!statement) {
        statement = sqlite.prepare(sql) as unknown as SqliteStatement
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
        cache.set(sql, statement)
      }
      return statement
    },
  }
}
