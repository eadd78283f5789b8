import { sql } from 'kysely'
import type { TestServer } from '../helpers/server.js'

/**
 * The tables of the server's own store. Kysely's introspection lists every schema's tables on
 * PostgreSQL, and other test servers create and drop schemas of their own in the same database
 * meanwhile: a schema dropped during that scan failed it ("relation … does not exist"). So the
 * catalog is asked for this store's schema only.
 */
export async function storeTables(s: TestServer): Promise<string[]> {
  const db = s.server.db.kysely
  const rows = s.server.db.dialect === 'postgres'
    ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)).rows
    : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows
  return rows
    .map((t) => t.name)
    .filter((name) => name !== 'schema_migrations' && !name.startsWith('kysely_'))
    .sort()
}
