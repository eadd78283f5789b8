/**
 * The backends every store contract suite runs against: the embedded SQLite file and a fresh
 * schema on the machine's PostgreSQL. Each `open()` gives an empty, migrated store of its own.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { dropPostgresSchema, newPostgresSchema, TEST_POSTGRES_URL } from '../helpers/server.js'

export interface OpenStore {
  db: Db
  close(): Promise<void>
}

export interface Backend {
  name: 'sqlite' | 'postgres'
  open(): Promise<OpenStore>
}

export const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-contract-'))
      const db = await openDatabase({ dataDir, inMemory: false, sqliteSynchronous: 'normal', database: undefined })
      await migrate(db)
      return {
        db,
        close: async () => {
          await db.close()
          fs.rmSync(dataDir, { recursive: true, force: true })
        },
      }
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = newPostgresSchema()
      const db = await openDatabase({
        dataDir: '', inMemory: false, sqliteSynchronous: 'normal',
        database: { url: TEST_POSTGRES_URL, schema, poolSize: 5, timeoutMs: 10_000 },
      })
      await migrate(db)
      return {
        db,
        close: async () => {
          await db.close()
          await dropPostgresSchema(schema)
        },
      }
    },
  },
]
