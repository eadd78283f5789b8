/**
 * @module Applies the ordered SQL files in `migrations/` that the store has not seen, each in its
 * own transaction, and records them in `schema_migrations`. Files are immutable once released.
 */
import fs from 'node:fs'
import { sql } from 'kysely'
import { byCodeUnit } from '../shared/compare.js'
import { MIGRATIONS_DIR } from '../shared/package-files.js'
import type { Db } from './database.js'

export interface Migration { version: string; statements: string[] }

/**
 * `NNNN_name.sql` runs on every dialect; `NNNN_name.postgres.sql` or `NNNN_name.sqlite.sql` only
 * on that one, after the common file of the same version if there is one. A version with no file
 * for a dialect is still recorded there, so every store knows the same versions.
 */
export function readMigrations(dialect: Db['dialect'], dir = MIGRATIONS_DIR): Migration[] {
  const byVersion = new Map<string, string[]>()
  for (const file of fs.readdirSync(dir).sort()) {
    const match = /^(\d{4}_[a-z0-9_]+)(?:\.(sqlite|postgres))?\.sql$/.exec(file)
    if (!match) continue
    const [, version, only] = match as unknown as [string, string, Db['dialect'] | undefined]
    const statements = byVersion.get(version) ?? []
    byVersion.set(version, statements)
    if (only !== undefined && only !== dialect) continue
    // One statement per execute: drivers prepare a single statement at a time.
    statements.push(...fs
      .readFileSync(`${dir}/${file}`, 'utf8')
      .replace(/--.*$/gm, '')
      .split(/;\s*$/m)
      .map((s) => s.trim())
      .filter(Boolean))
  }
  return [...byVersion].sort(([a], [b]) => byCodeUnit(a, b)).map(([version, statements]) => ({ version, statements }))
}

export class SchemaTooNewError extends Error {}

/** Returns the versions it applied. */
export async function migrate(db: Db, migrations = readMigrations(db.dialect)): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`.execute(db.kysely)
  const applied = new Set((await db.kysely.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version))
  const known = new Set(migrations.map((m) => m.version))
  const unknown = [...applied].filter((v) => !known.has(v))
  if (unknown.length > 0) {
    throw new SchemaTooNewError(
      `The store has migrations this version of projectplane does not know (${unknown.join(', ')}): ` +
        'it was written by a newer release. Upgrade projectplane or point it at another store.',
    )
  }
  const done: string[] = []
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue
    await db.kysely.transaction().execute(async (trx) => {
      for (const statement of migration.statements) await sql.raw(statement).execute(trx)
      await trx.insertInto('schema_migrations').values({ version: migration.version, applied_at: new Date().toISOString() }).execute()
    })
    done.push(migration.version)
  }
  return done
}
