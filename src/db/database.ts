/**
 * @module Opens the store named by the configuration and hides dialect quirks (pragmas, how a
 * unique violation looks). Everything above this file speaks Kysely and never names a driver.
 */
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from './schema.js'

export interface Db {
  readonly kysely: Kysely<Database>
  readonly dialect: 'sqlite'
  /** Where the data lives, for the start-up banner ("in memory" for a throwaway store). */
  readonly location: string
  isUniqueViolation(error: unknown): boolean
  close(): Promise<void>
}

export function openDatabase(config: Pick<Config, 'dataDir' | 'inMemory' | 'sqliteSynchronous'>): Db {
  let location = ':memory:'
  if (!config.inMemory) {
    fs.mkdirSync(config.dataDir, { recursive: true })
    location = path.join(config.dataDir, 'projectplane.sqlite')
  }
  const sqlite = new SQLite(location)
  // WAL: readers never block the writer. NORMAL: a commit is in the WAL before the response, so
  // it survives a killed process; FULL also fsyncs every commit to survive a power cut.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`synchronous = ${config.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`)
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  return {
    kysely,
    dialect: 'sqlite',
    location: config.inMemory ? 'in memory' : location,
    isUniqueViolation: (error) =>
      typeof error === 'object' && error !== null &&
      ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes((error as { code?: string }).code ?? ''),
    close: () => kysely.destroy(),
  }
}
