/**
 * @module The embedded store: one SQLite file written by one server process (the store lock
 * beside it), in WAL mode, with its writes grouped into shared commits; other processes may read
 * it meanwhile (export, backup).
 */
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely'
import type { Database } from './schema.js'
import type { Db, DbConfig } from './database.js'
import type { DirectSql } from './direct-sql.js'
import { GroupCommit } from './group-commit.js'
import { QueryObserver } from './query-observer.js'
import { WalCheckpointer } from './wal-checkpointer.js'

export class StoreLockedError extends Error {}

export interface SqliteOpenOptions {
  /**
   * Read only, beside a running server (`projectplane export`, `backup`): no lock taken, no
   * migration, writes refused by SQLite itself. Reads in a transaction see one committed state.
   */
  readOnly?: boolean
}

/** The file beside the store whose exclusive lock says "a server (or a writing command) has this store". */
export const LOCK_FILE = 'projectplane.lock'

export function openSqlite(config: DbConfig, options: SqliteOpenOptions = {}): Db {
  let location = ':memory:'
  if (!config.inMemory) {
    if (!options.readOnly) fs.mkdirSync(config.dataDir, { recursive: true })
    location = path.join(config.dataDir, 'projectplane.sqlite')
  }
  if (options.readOnly) return wrap(openReader(location), config, location, true)
  const lock = config.inMemory ? undefined : takeStoreLock(path.join(config.dataDir, LOCK_FILE), location)
  // A second server on the same file waits at most a second for the lock, then says why.
  const sqlite = new SQLite(location, { timeout: 1000 })
  try {
    // WAL: readers never block the writer, and a reader in another process (export, backup) sees
    // a committed state. NORMAL: a commit is in the WAL before the response, so it survives a
    // killed process; FULL also fsyncs every commit to survive a power cut.
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma(`synchronous = ${config.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    sqlite.pragma('foreign_keys = ON')
  } catch (error) {
    sqlite.close()
    lock?.close()
    throw error
  }
  sqlite.pragma('busy_timeout = 5000')
  return wrap(sqlite, config, location, false, lock)
}

/**
 * The lock that makes one process the store's only writer: an exclusive lock, held until close,
 * on a small SQLite file beside the store. The store file itself stays in WAL's shared mode, so
 * `projectplane export` and `backup` can read it beside a running server; every writer (the
 * server, the CLI's writing commands) takes this lock first, so a second one stops within a
 * second with the message below.
 */
function takeStoreLock(lockPath: string, location: string): SQLite.Database {
  const lock = new SQLite(lockPath, { timeout: 1000 })
  try {
    lock.pragma('locking_mode = EXCLUSIVE')
    lock.exec('BEGIN EXCLUSIVE; COMMIT')
    return lock
  } catch (error) {
    lock.close()
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StoreLockedError(`Another projectplane server is using ${location}; stop it or choose another DATA_DIR.`)
    }
    throw error
  }
}

function openReader(location: string): SQLite.Database {
  if (location !== ':memory:' && !fs.existsSync(location)) throw new Error(`no store at ${location}`)
  const sqlite = new SQLite(location, { readonly: true, fileMustExist: true, timeout: 5000 })
  sqlite.pragma('busy_timeout = 5000')
  return sqlite
}

function wrap(sqlite: SQLite.Database, config: DbConfig, location: string, readOnly: boolean, lock?: SQLite.Database): Db {
  const queries = config.metrics ? new QueryObserver() : undefined
  const statements = withStatementCache(sqlite)
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }), ...(queries ? { log: queries.log } : {}) })
  // A throwaway store in memory has no WAL; a reader checkpoints nothing.
  const checkpointer = readOnly || config.inMemory || config.sqliteCheckpoints === 'inline'
    ? undefined
    : new WalCheckpointer(sqlite, location, (seconds, failure) => {
      if (failure) process.emitWarning(`background WAL checkpoint failed: ${failure}`)
      else queries?.observeOperation('checkpoint', seconds)
    })
  const groupCommit = new GroupCommit(kysely, readOnly ? {} : { direct: directSql(statements, queries), afterCommit: checkpointer && (() => checkpointer.committed()) })
  return {
    kysely,
    dialect: 'sqlite',
    location: config.inMemory ? 'in memory' : location,
    // The store lock keeps every other writer out; a reader writes nothing.
    soleWriter: !readOnly,
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
    close: async () => {
      await checkpointer?.close()
      await kysely.destroy()
      lock?.close()
    },
  }
}

const STATEMENT_CACHE_SIZE = 512

/** Runs SQL text on the connection, as Kysely's driver would (direct-sql.ts says when it may). */
function directSql(statements: SqliteDatabase, queries: QueryObserver | undefined): DirectSql {
  const run: DirectSql = (sql, parameters) => {
    const statement = statements.prepare(sql)
    if (statement.reader) return statement.all(parameters)
    statement.run(parameters)
    return []
  }
  if (!queries) return run
  return (sql, parameters) => {
    const started = performance.now()
    try {
      return run(sql, parameters)
    } finally {
      queries.observe(sql, (performance.now() - started) / 1000)
    }
  }
}

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
