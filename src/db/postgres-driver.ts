/**
 * @module Kysely's PostgreSQL driver, rebuilt to spend fewer round trips and less parsing per
 * request (issue 19: a PATCH was seven round trips — BEGIN, SELECT … FOR UPDATE, SAVEPOINT,
 * UPDATE, RELEASE, the audit INSERT, COMMIT — each waited for before the next was sent).
 *
 * - Named prepared statements: a parameterised statement is parsed and planned once per
 *   connection, then only bound and executed. A statement's name is a hash of its text (and of a
 *   per-connection generation, bumped when a plan goes stale under a migration), so a
 *   name can only ever mean that text, whichever connection (or pooling proxy) it meets; each
 *   connection keeps at most `STATEMENT_LIMIT` of them, the least recently used deallocated.
 *   `DATABASE_PREPARED_STATEMENTS=off` runs every statement unnamed (a transaction-pooling proxy
 *   that cannot follow named statements).
 * - Pipelining (the pool's clients run in pg's pipeline mode): statements whose answer the
 *   caller does not wait for — BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO, and write-behind inserts
 *   (query-marks.ts) — are sent at once and answered in order with the next statement the caller
 *   does wait for; a failure among them fails that statement (or the COMMIT) with its own error.
 *   So a PATCH is three round trips: BEGIN+SELECT, SAVEPOINT+UPDATE, RELEASE+INSERT+COMMIT.
 *
 * - Shared keyed reads: outside a transaction, the hot keyed reads (`sql-text-cache.ts`: a row
 *   by its key, e.g. the project of `GET /v3/projects/{id}`) of all requests share one pipelined
 *   connection, and those sent in one turn of the event loop leave in one write: the backend
 *   reads them together instead of waking once per request on each of the pool's connections.
 *   Everything else — transactions, lists, any statement not so marked — checks out a pool
 *   connection of its own, so a slow statement never queues behind or ahead of these reads.
 *
 * Nothing is acknowledged early: COMMIT is always waited for, after everything sent before it
 * has answered without error.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'
import { PostgresDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely'
import { codeOf } from './postgres-errors.js'
import { isMarked } from './query-marks.js'

/** Prepared statements kept per connection; Kysely's hot shapes are a few dozen. */
export const STATEMENT_LIMIT = 256

/** Transaction control that answers nothing worth waiting for (`sql` templates of the stores). */
const SENT_AHEAD = /^\s*(savepoint|release(\s+savepoint)?|rollback\s+to(\s+savepoint)?)\s+"?\w+"?\s*$/i

/**
 * The prepared statement went stale: a migration changed a table under a plan (0A000 "cached
 * plan must not change result type"), or the server lost it (26000). It is forgotten, so the
 * next run of that text prepares it anew.
 */
const STALE_STATEMENT = new Set(['0A000', '26000'])

export class PipelinedPostgresDialect extends PostgresDialect {
  constructor(private readonly pool: pg.Pool, private readonly prepare: boolean, private readonly shareKeyedReads: boolean) {
    super({ pool })
  }

  override createDriver(): Driver {
    return new PipelinedPostgresDriver(this.pool, this.prepare, this.shareKeyedReads)
  }
}

class PipelinedPostgresDriver implements Driver {
  private readonly connections = new WeakMap<pg.PoolClient, PipelinedConnection>()
  private pool: pg.Pool | undefined
  private readonly shared: SharedReads | undefined

  constructor(pool: pg.Pool, private readonly prepare: boolean, shareKeyedReads: boolean) {
    this.pool = pool
    this.shared = shareKeyedReads ? new SharedReads(() => this.checkOut()) : undefined
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<LazyConnection> {
    if (!this.pool) throw new Error('driver has already been destroyed')
    return new LazyConnection(() => this.checkOut(), this.shared)
  }

  async checkOut(): Promise<PipelinedConnection> {
    if (!this.pool) throw new Error('driver has already been destroyed')
    const client = await this.pool.connect()
    let connection = this.connections.get(client)
    if (!connection) this.connections.set(client, (connection = new PipelinedConnection(client, this.prepare)))
    return connection
  }

  async beginTransaction(connection: LazyConnection, settings: TransactionSettings): Promise<void> {
    let text = 'begin'
    if (settings.isolationLevel || settings.accessMode) {
      text = ['start transaction', settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(' ')
    }
    ;(await connection.held()).begin(text)
  }

  async commitTransaction(connection: LazyConnection): Promise<void> {
    await (await connection.held()).commit()
  }

  async rollbackTransaction(connection: LazyConnection): Promise<void> {
    await (await connection.held()).rollback()
  }

  async savepoint(connection: LazyConnection, name: string): Promise<void> {
    ;(await connection.held()).sendAhead(`savepoint ${quoteIdentifier(name)}`)
  }

  async rollbackToSavepoint(connection: LazyConnection, name: string): Promise<void> {
    ;(await connection.held()).sendAhead(`rollback to savepoint ${quoteIdentifier(name)}`)
  }

  async releaseSavepoint(connection: LazyConnection, name: string): Promise<void> {
    ;(await connection.held()).sendAhead(`release savepoint ${quoteIdentifier(name)}`)
  }

  async releaseConnection(connection: LazyConnection): Promise<void> {
    connection.release()
  }

  async destroy(): Promise<void> {
    const pool = this.pool
    this.pool = undefined
    this.shared?.close()
    await pool?.end()
  }
}

/**
 * What Kysely holds for a query or a transaction. A pool connection is checked out only when
 * something needs one: a keyed read outside a transaction goes to the shared connection instead.
 */
class LazyConnection implements DatabaseConnection {
  private connection: PipelinedConnection | undefined
  private checkingOut: Promise<PipelinedConnection> | undefined

  constructor(private readonly checkOut: () => Promise<PipelinedConnection>, private readonly shared: SharedReads | undefined) {}

  held(): Promise<PipelinedConnection> {
    if (this.connection) return Promise.resolve(this.connection)
    return (this.checkingOut ??= this.checkOut().then((connection) => (this.connection = connection)))
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.connection && this.shared && isMarked(compiled, 'keyedRead')) return this.shared.executeQuery<R>(compiled)
    return (await this.held()).executeQuery<R>(compiled)
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // pg's cursors keep a portal open across round trips, which a pipelined connection cannot.
    throw new Error('streaming queries is not supported on PostgreSQL here')
  }

  release(): void {
    this.connection?.release()
    this.connection = undefined
    this.checkingOut = undefined
  }
}

/**
 * The pool connection keyed reads share, checked out for good (so it is one of the pool's
 * `DATABASE_POOL_SIZE`). One that broke (a restart, a killed backend) fails the reads then on it,
 * as a broken pool connection fails its query, and is replaced for the next.
 */
class SharedReads {
  private connection: PipelinedConnection | undefined
  private checkingOut: Promise<PipelinedConnection> | undefined
  private closed = false

  constructor(private readonly checkOut: () => Promise<PipelinedConnection>) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    let connection = this.connection
    if (!connection?.usable) connection = await this.replace()
    connection.batchThisTurn()
    return connection.executeQuery<R>(compiled)
  }

  private replace(): Promise<PipelinedConnection> {
    if (this.closed) return Promise.reject(new Error('driver has already been destroyed'))
    this.connection?.release(true)
    this.connection = undefined
    return (this.checkingOut ??= this.checkOut().then(
      (connection) => {
        this.checkingOut = undefined
        if (this.closed) connection.release()
        return (this.connection = connection)
      },
      (error) => {
        this.checkingOut = undefined
        throw error
      },
    ))
  }

  close(): void {
    this.closed = true
    this.connection?.release()
    this.connection = undefined
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** A pool connection, pipelined; `LazyConnection` is what Kysely holds. */
class PipelinedConnection {
  /** Sent, not yet waited for; answered before anything sent after them. */
  private ahead: Promise<unknown>[] = []
  private inTransaction = false
  /** SQL text → statement name, least recently used first. */
  private readonly statements = new Map<string, string>()
  /** Evicted or stale names, deallocated once no transaction is open (a failed one would refuse it). */
  private stale = new Set<string>()
  /** Bumped when a plan went stale, so the text is prepared again under a new name. */
  private generation = 0
  /**
   * The socket is corked while statements sent ahead wait for the next awaited one: they leave
   * together in one write (one syscall here, one wake-up of the backend) instead of one each.
   */
  private corked = false
  /** Corked until the end of this event-loop turn (shared keyed reads, `batchThisTurn`). */
  private batching = false

  constructor(private readonly client: pg.PoolClient, private readonly prepare: boolean) {}

  begin(text: string): void {
    this.deallocateStale()
    this.inTransaction = true
    this.sendAhead(text)
  }

  /** Sends `text` (no parameters) without waiting; its outcome joins the next awaited statement's. */
  sendAhead(text: string, values?: readonly unknown[]): void {
    if (!this.corked) {
      this.corked = true
      this.stream.cork()
    }
    const sent = values ? this.run(text, values) : this.client.query(text)
    // Observed here so an early failure is never "unhandled"; reported by `settle`.
    sent.catch(() => {})
    this.ahead.push(sent)
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction && compiled.parameters.length === 0 && SENT_AHEAD.test(compiled.sql) && !isMarked(compiled, 'checkpoint')) {
      this.sendAhead(compiled.sql)
      return { rows: [] }
    }
    if (this.inTransaction && isMarked(compiled, 'writeBehind')) {
      this.sendAhead(compiled.sql, compiled.parameters)
      return { rows: [] }
    }
    if (!this.inTransaction) this.deallocateStale()
    let result: pg.QueryResult
    try {
      result = await this.settle(this.sent(this.run(compiled.sql, compiled.parameters)))
    } catch (error) {
      // Outside a transaction nothing else is affected: run the statement again, freshly prepared.
      if (this.inTransaction || !STALE_STATEMENT.has(codeOf(error) ?? '')) throw error
      result = await this.run(compiled.sql, compiled.parameters)
    }
    const { command, rowCount, rows } = result
    return {
      numAffectedRows: ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command) ? BigInt(rowCount ?? 0) : undefined,
      rows: (rows ?? []) as R[],
    }
  }

  async commit(): Promise<void> {
    try {
      const result = await this.settle(this.sent(this.client.query('commit')))
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not with an error.
      if (result.command === 'ROLLBACK') throw Object.assign(new Error('the transaction was rolled back instead of committed'), { code: '40000' })
    } finally {
      this.inTransaction = false
    }
  }

  async rollback(): Promise<void> {
    const ahead = this.ahead
    this.ahead = []
    this.inTransaction = false
    this.uncork()
    // Their failure is why the transaction is being rolled back; it was reported already.
    await Promise.allSettled(ahead)
    await this.client.query('rollback')
  }

  release(destroy = false): void {
    // A transaction always ends with COMMIT or ROLLBACK, both waited for: nothing is left ahead.
    this.ahead = []
    this.inTransaction = false
    this.uncork()
    this.client.release(destroy)
  }

  /** False once pg gave up on the connection (it errored, or it is being closed). */
  get usable(): boolean {
    const state = this.client as unknown as { _queryable?: boolean; _ending?: boolean }
    return state._queryable !== false && state._ending !== true
  }

  /** Holds what is sent until the end of this turn of the event loop, then sends it in one write. */
  batchThisTurn(): void {
    if (this.batching) return
    this.batching = true
    this.stream.cork()
    setImmediate(() => {
      this.batching = false
      this.stream.uncork()
    })
  }

  /** pg's socket to the server (pg writes each statement's messages to it corked). */
  private get stream(): { cork(): void; uncork(): void } {
    return (this.client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream
  }

  /** Called once the awaited statement is queued: everything corked behind it goes out in one write. */
  private sent<T>(statement: Promise<T>): Promise<T> {
    this.uncork()
    return statement
  }

  private uncork(): void {
    if (!this.corked) return
    this.corked = false
    this.stream.uncork()
  }

  /** Waits for `last` and everything sent before it; the first failure among them is the error. */
  private async settle<T>(last: Promise<T>): Promise<T> {
    if (this.ahead.length === 0) return last
    const ahead = this.ahead
    this.ahead = []
    last.catch(() => {})
    for (const sent of ahead) await sent
    return last
  }

  /** Runs a statement by name once it has parameters (a parameterless one may be several statements). */
  private async run(text: string, values: readonly unknown[]): Promise<pg.QueryResult> {
    if (values.length === 0) return this.client.query(text)
    if (!this.prepare) return this.client.query(text, [...values])
    const name = this.nameOf(text)
    try {
      return await this.client.query({ name, text, values: [...values] })
    } catch (error) {
      if (STALE_STATEMENT.has(codeOf(error) ?? '')) {
        // Its name must not come back for the same text until the stale plan is deallocated.
        this.generation++
        this.forget(text)
      }
      throw error
    }
  }

  private nameOf(text: string): string {
    let name = this.statements.get(text)
    if (name !== undefined) {
      // Most recently used last.
      this.statements.delete(text)
      this.statements.set(text, name)
      return name
    }
    if (this.statements.size >= STATEMENT_LIMIT) this.forget(this.statements.keys().next().value!)
    name = `pp_${createHash('sha256').update(text).digest('hex').slice(0, 32)}_${this.generation}`
    // Evicted but not deallocated yet: still prepared under this name, with this text.
    this.stale.delete(name)
    this.statements.set(text, name)
    return name
  }

  private forget(text: string): void {
    const name = this.statements.get(text)
    if (name === undefined) return
    this.statements.delete(text)
    this.stale.add(name)
  }

  private deallocateStale(): void {
    if (this.stale.size === 0) return
    const names = this.stale
    this.stale = new Set()
    // pg remembers what it parsed on this connection; a forgotten name is never sent again.
    const parsed = (this.client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements
    for (const name of names) {
      if (parsed) delete parsed[name]
      // Pipelined ahead of the statement that follows; a name the server lost already is no error worth reporting.
      this.client.query(`deallocate ${name}`).catch(() => {})
    }
  }
}
