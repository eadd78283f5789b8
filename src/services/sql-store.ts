/**
 * @module What every service's SQL store shares. A store runs either on the database, where each
 * write is its own (on SQLite grouped) commit, or bound to one transaction, where writes join it;
 * `transaction` opens one and hands over a copy bound to it. Changes record their audit trace
 * on whichever the store is bound to, so the two commit together.
 */
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely'
import type { Db } from '../db/database.js'
import type { Database } from '../db/schema.js'
import { SqlTextCache } from '../db/sql-text-cache.js'
import { traceWriterFor, type TraceContext, type TracedChange } from '../audit/trace.js'

export type Executor = Kysely<Database> | Transaction<Database>

export abstract class SqlStore<Store> {
  constructor(
    protected readonly db: Db,
    protected readonly x: Executor = db.kysely,
    /** SQL text of the hot queries, shared with the copies bound to transactions: compiled once, not once per transaction. */
    protected readonly sqlTexts = new SqlTextCache(),
  ) {}

  /** A copy of this store that reads and writes only inside `trx`. */
  protected abstract bound(trx: Transaction<Database>): Store

  protected get inTransaction(): boolean {
    return this.x !== this.db.kysely
  }

  /** A write: inside a transaction, on it; otherwise through the database's (grouped) commit. */
  protected write<T>(work: (x: Executor) => Promise<T>): Promise<T> {
    return this.inTransaction ? work(this.x) : this.db.write(work)
  }

  /**
   * A row read inside a transaction on PostgreSQL is locked until it ends, so the state a trace
   * records as "before" is the one the change replaced, not one a concurrent commit outdated.
   * SQLite runs one write at a time already.
   */
  protected get locksReads(): boolean {
    return this.inTransaction && this.db.dialect === 'postgres'
  }

  protected locked<Q extends SelectQueryBuilder<Database, any, any>>(query: Q): Q {
    return this.locksReads ? query.forUpdate() as Q : query
  }

  /** Runs `work` in one transaction (the one this store is bound to, if it is). */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this as unknown as Store)
    return this.db.write((trx) => work(this.bound(trx)))
  }

  /** Writes the trace of a change; call it on the store `transaction` passes in, beside the change. */
  recordChange(trace: TraceContext, change: TracedChange): Promise<void> {
    return traceWriterFor(this.db).record(this.x, trace, change)
  }
}
