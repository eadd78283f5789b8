/**
 * @module Kysely builds and compiles a query in ~10 µs, more than SQLite takes to run a keyed
 * UPDATE. Hot writes are built from a few fixed shapes, so each shape's SQL text is compiled once
 * (per store object, hence per database and dialect) and then run with fresh parameters. The text
 * is kept only when Kysely's parameters are exactly the caller's, in order: a reordering by a
 * Kysely upgrade makes it compile every time, never bind values to the wrong columns.
 */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely'
import { directSqlOf } from './direct-sql.js'
import type { Database } from './schema.js'

export class SqlTextCache {
  private readonly texts = new Map<string, string>()

  /**
   * Runs the query of shape `key` with `parameters`; `build` makes it (with those same parameters)
   * the first time.
   */
  async run<R>(x: Kysely<Database> | Transaction<Database>, key: string, parameters: readonly unknown[], build: () => CompiledQuery<R>): Promise<R[]> {
    let text = this.texts.get(key)
    if (text === undefined) {
      const compiled = build()
      const sameOrder = compiled.parameters.length === parameters.length && compiled.parameters.every((p, i) => p === parameters[i])
      if (!sameOrder) return (await x.executeQuery(compiled)).rows
      this.texts.set(key, (text = compiled.sql))
    }
    const direct = directSqlOf(x)
    if (direct) return direct(text, parameters) as R[]
    return (await x.executeQuery<R>(CompiledQuery.raw(text, [...parameters]))).rows
  }
}
