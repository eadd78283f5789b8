/**
 * @module PostgreSQL (or a Postgres-compatible database) shared by any number of stateless
 * instances. Uniqueness is left to constraints, counted rules to transaction-scoped advisory
 * locks, start-up work to a session advisory lock, and cache invalidation to LISTEN/NOTIFY.
 * An unreachable or restarting database fails requests fast (a bounded wait, then 503) and the
 * pool reconnects by itself when it returns.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Kysely, sql } from 'kysely'
import type { PostgresConfig } from '../config.js'
import type { Database } from './schema.js'
import type { Db } from './database.js'
import { QueryObserver } from './query-observer.js'
import { codeOf, isPostgresUnavailable } from './postgres-errors.js'
import { PipelinedPostgresDialect } from './postgres-driver.js'
import { GroupCommit } from './group-commit.js'

/** Per schema, so stores sharing a database (one schema each) do not wake each other. */
const changeChannel = (schema: string | undefined) => `projectplane_change${schema ? `_${schema}` : ''}`.slice(0, 63)
const INT8_OID = 20
/** A failed write is retried this many times when PostgreSQL chose it as a deadlock or serialization victim. */
const WRITE_ATTEMPTS = 3

/**
 * 40001 serialization failure, 40P01 deadlock: PostgreSQL rolled the transaction back; run it
 * again. Also a prepared statement whose plan a migration made stale (the driver forgot it, so
 * the next attempt prepares it anew).
 */
function isRetriedWriteError(error: unknown): boolean {
  const code = codeOf(error)
  return code === '40001' || code === '40P01' || (code === '0A000' && /cached plan/i.test((error as Error).message))
}
const LISTEN_RETRY_MS = 500

function clientConfig(config: PostgresConfig): pg.ClientConfig {
  return {
    connectionString: config.url,
    // Bounded waits everywhere: connecting, and each statement on both ends of the wire.
    connectionTimeoutMillis: config.timeoutMs,
    query_timeout: config.timeoutMs,
    statement_timeout: config.timeoutMs,
    keepAlive: true,
    application_name: 'projectplane',
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
    // COUNT(*) and other bigints arrive as numbers, as they do from SQLite.
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser },
  }
}

export async function openPostgres(config: PostgresConfig, observeQueries = false): Promise<Db> {
  if (config.schema) await createSchema(config)
  // Pipeline mode: the driver sends what it need not wait for ahead of what it does (postgres-driver.ts).
  const pool = new pg.Pool({ ...clientConfig(config), max: config.poolSize, idleTimeoutMillis: 30_000, pipeline: true })
  // A connection that dies (a restart, a cut network) errors its queries, which fail their
  // requests with 503, and also emits 'error': the pool listens only while a connection is idle,
  // and an unheard 'error' on a checked-out one would take the process down.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  const queries = observeQueries ? new QueryObserver() : undefined
  // Keyed reads outside transactions share one of the pool's connections (postgres-driver.ts);
  // a pool of one keeps its only connection for everything.
  const dialect = new PipelinedPostgresDialect(pool, config.preparedStatements !== false, config.poolSize >= 2)
  const kysely = new Kysely<Database>({ dialect, ...(queries ? { log: queries.log } : {}) })
  // Writes share commits, as on SQLite: at most two write transactions at a time, the writes that
  // arrive meanwhile forming the next batch. Concurrent writes to one row would otherwise queue on
  // its lock, each holding it through its own commit's WAL flush (bench/RESULTS.md, issue 19:
  // one at a time and two at a time measured alike, more at a time worse); two, so that one
  // write waiting on another instance's lock does not hold up every write of this one.
  const groupCommit = new GroupCommit(kysely, { maxInFlight: Math.min(2, config.poolSize) })
  const instanceId = randomBytes(8).toString('hex')
  const channel = changeChannel(config.schema)
  const changes = new ChangeListener(clientConfig(config), channel, instanceId)

  return {
    kysely,
    dialect: 'postgres',
    location: describe(config),
    soleWriter: false,
    async write(work) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await groupCommit.run(work)
        } catch (error) {
          if (attempt >= WRITE_ATTEMPTS || !isRetriedWriteError(error)) throw error
        }
      }
    },
    async serialize(trx, key) {
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx)
    },
    async exclusive(name, work) {
      // Its own connection, so the work may use the whole pool while the lock is held.
      // No statement timeout: waiting for another instance's migrations is the point.
      const client = new pg.Client({ ...clientConfig(config), query_timeout: undefined, statement_timeout: undefined })
      client.on('error', () => {})
      await client.connect()
      try {
        await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [`projectplane:${name}`])
        return await work()
      } finally {
        await client.end().catch(() => {})
      }
    },
    announceChange() {
      // After the change committed. Lost if the database is down; the 1 s cache lifetime bounds it.
      pool.query('select pg_notify($1, $2)', [channel, instanceId]).catch(() => {})
    },
    onChangeElsewhere(listener) {
      changes.add(listener)
    },
    isUniqueViolation: (error) => codeOf(error) === '23505',
    isForeignKeyViolation: (error) => codeOf(error) === '23503',
    isUnavailable: isPostgresUnavailable,
    onQuery: (listener) => queries?.listen(listener),
    async close() {
      await changes.close()
      await kysely.destroy()
    },
  }
}

/** The URL without its password, for the start-up banner. */
function describe(config: PostgresConfig): string {
  const url = new URL(config.url)
  url.password = ''
  return `${url.toString()}${config.schema ? ` (schema ${config.schema})` : ''}`
}

async function createSchema(config: PostgresConfig): Promise<void> {
  const client = new pg.Client(clientConfig({ ...config, schema: undefined }))
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query(`create schema if not exists ${config.schema}`)
  } catch (error) {
    // Two instances creating it at once: the loser finds it there.
    if (!['23505', '42P06'].includes(codeOf(error) ?? '')) throw error
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * One connection LISTENing for other instances' announcements. When it is lost it reconnects,
 * and tells its listeners, since announcements made meanwhile were missed.
 */
class ChangeListener {
  private readonly listeners: (() => void)[] = []
  private client: pg.Client | undefined
  private closed = false
  private retry: NodeJS.Timeout | undefined

  constructor(private readonly config: pg.ClientConfig, private readonly channel: string, private readonly instanceId: string) {}

  add(listener: () => void): void {
    this.listeners.push(listener)
    if (this.listeners.length === 1) void this.connect()
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }

  private async connect(): Promise<void> {
    if (this.closed) return
    const client = new pg.Client({ ...this.config, query_timeout: undefined, statement_timeout: undefined })
    this.client = client
    let failed = false
    const fail = () => {
      if (failed) return
      failed = true
      client.end().catch(() => {})
      if (this.closed) return
      this.notify()
      this.retry = setTimeout(() => void this.connect(), LISTEN_RETRY_MS)
      this.retry.unref()
    }
    client.on('error', fail)
    client.on('end', fail)
    client.on('notification', (message) => {
      if (message.payload !== this.instanceId) this.notify()
    })
    try {
      await client.connect()
      await client.query(`listen ${this.channel}`)
    } catch {
      fail()
    }
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.retry)
    await this.client?.end().catch(() => {})
  }
}
