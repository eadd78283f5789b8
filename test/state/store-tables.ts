import { sql } from 'kysely'
import type { TestServer } from '../helpers/server.js'

/**
 * The tables of the server's own store. On PostgreSQL introspection lists every schema's tables,
 * and other test servers (other branches' migrations too) share the database in schemas of their own.
 */
export async function storeTables(s: TestServer): Promise<string[]> {
  const db = s.server.db.kysely
  const current = s.server.db.dialect === 'postgres'
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema
    : undefined
  return (await db.introspection.getTables())
    .filter((t) => !t.isView && (current === undefined || t.schema === current))
    .map((t) => t.name)
    .filter((name) => name !== 'schema_migrations' && !name.startsWith('kysely_'))
}
