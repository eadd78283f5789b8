/**
 * @module The embedded store: one SQLite file owned by one server process, in WAL mode, with its
 * writes grouped into shared commits.
 */
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely'
import type { Database } from './schema.js'
import type { Db, DbConfig } from './database.js'
import { GroupCommit } from './group-commit.js'
import { QueryObserver } from './query-observer.js'

export class StoreLockedError extends Error {}

export function openSqlite(config: DbConfig): Db {
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
  const queries = config.metrics ? new QueryObserver() : undefined
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), ...(queries ? { log: queries.log } : {}) })
  const groupCommit = new GroupCommit(kysely)
  return {
    kysely,
    dialect: 'sqlite',
    location: config.inMemory ? 'in memory' : location,
    soleWriter: true,
    write: (work) => groupCommit.run(work),
    // One process, one writer at a time: there is nobody to wait for or to tell.
    serialize: async () => {},
    exclusive: (_name, work) => work(),
    announceChange: () => {},
    onChangeElsewhere: () => {},
    isUniqueViolation: (error) =>
      typeof error === 'object' && error !== null &&
      ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes((error as { code?: string }).code ?? ''),
    isForeignKeyViolation: (error) =>
      typeof error === 'object' && error !== null && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY',
    // A local file does not go away and come back; its errors are real failures.
    isUnavailable: () => false,
    onQuery: (listener) => queries?.listen(listener),
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
