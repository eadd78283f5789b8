/**
 * @module Kysely builds and compiles a query in ~10 µs, more than SQLite takes to run a keyed
 * UPDATE. Hot writes are built from a few fixed shapes, so each shape's SQL text is compiled once
 * (per store object, hence per database and dialect) and then run with fresh parameters. The text
 * is kept only when Kysely's parameters are exactly the caller's, in order: a reordering by a
 * Kysely upgrade makes it compile every time, never bind values to the wrong columns.
 * These shapes are keyed statements, so outside a transaction (where only their reads run) they
 * are marked as keyed reads (query-marks.ts).
 */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely'
import { directSqlOf } from './direct-sql.js'
import type { Database } from './schema.js'
import { marked } from './query-marks.js'

export class SqlTextCache {
  private readonly texts = new Map<string, string>()

  /**
   * Runs the query of shape `key` with `parameters`; `build` makes it (with those same parameters)
   * the first time. `behind`: nobody reads the answer, so inside a write it may be sent without
   * waiting for it (query-marks.ts); it then returns no rows.
   */
  async run<R>(x: Kysely<Database> | Transaction<Database>, key: string, parameters: readonly unknown[], build: () => CompiledQuery<R>, behind = false): Promise<R[]> {
    let text = this.texts.get(key)
    if (text === undefined) {
      const compiled = build()
      const sameOrder = compiled.parameters.length === parameters.length && compiled.parameters.every((p, i) => p === parameters[i])
      if (!sameOrder) return (await x.executeQuery(marked(compiled, behind ? 'writeBehind' : 'keyedRead'))).rows
      this.texts.set(key, (text = compiled.sql))
    }
    // The embedded store runs it now, on the connection (it ignores the write-behind mark).
    const direct = directSqlOf(x)
    if (direct) return direct(text, parameters) as R[]
    const query = CompiledQuery.raw(text, [...parameters]) as CompiledQuery<R>
    return (await x.executeQuery<R>(marked(query, behind ? 'writeBehind' : 'keyedRead'))).rows
  }
}
