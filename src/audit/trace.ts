/**
 * @module What a change leaves in the audit trail, and the one writer of it. Stores call
 * `TraceWriter.record` inside the transaction of the change they make, so a change and its trace
 * commit together or not at all; services only describe the change (`TraceContext`), built from
 * the caller with `traceContext`.
 */
import { randomFillSync } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { AssumedBy, AuthContext, RequestOrigin } from '../auth/auth-context.js'
import type { Db } from '../db/database.js'
import type { AuditTraceRow, Database } from '../db/schema.js'
import { SqlTextCache } from '../db/sql-text-cache.js'

/** The services whose changes are traced, as CTS spells their `service_type`. */
export type TracedService = 'IAM' | 'EPS' | 'COC'

/** Who changes what, known before the change; the store adds the resource and its states. */
export interface TraceContext {
  readonly accountId: string
  readonly service: TracedService
  /** CTS's `trace_name`, an operation name such as `updateProject`. */
  readonly action: string
  readonly user: { readonly id: string; readonly name: string }
  readonly userDomain: { readonly id: string; readonly name: string }
  readonly origin: RequestOrigin | undefined
  /** The user behind an agency the change was made through (`user` is then the agency). */
  readonly assumedBy?: AssumedBy
  /** ISO time with microseconds, the same instant the change stamps on its rows. */
  readonly time: string
}

export interface TracedChange {
  readonly resourceType: string
  readonly resourceId: string
  readonly resourceName: string
  /** The resource as stored before (undefined/null: it did not exist) and after (null: deleted). */
  readonly before: object | null | undefined
  readonly after: object | null | undefined
}

type Executor = Kysely<Database> | Transaction<Database>

/**
 * Columns that hold secrets or volatile login bookkeeping: never in a trace, whatever table a
 * state comes from (a trace is readable by anyone who may read the account's traces).
 */
const OMITTED_COLUMNS: ReadonlySet<string> = new Set([
  'password_hash', 'secret', 'security_token_hash', 'tokens_valid_after', 'failed_logins', 'failure_window_started_at',
  'locked_until', 'last_login_at', 'last_project_id', 'last_used_at',
])

function visibleState(row: object): Record<string, unknown> {
  const state: Record<string, unknown> = {}
  // for…in over a row's own columns: Object.entries would allocate a pair per column.
  for (const key in row) if (!OMITTED_COLUMNS.has(key)) state[key] = (row as Record<string, unknown>)[key]
  return state
}

/**
 * The stored pair: the after state whole, the before state as the columns whose values differ
 * (what `beforeStateOf` puts back together). Every row written is then stored once, not twice.
 */
function storedStates(before: object | null | undefined, after: object | null | undefined): { before: string | null; after: string | null } {
  if (!after) return { before: before ? JSON.stringify(visibleState(before)) : null, after: null }
  const afterState = visibleState(after)
  if (!before) return { before: null, after: JSON.stringify(afterState) }
  const changed: Record<string, unknown> = {}
  const old = before as Record<string, unknown>
  for (const key in old) {
    if (OMITTED_COLUMNS.has(key)) continue
    const value = old[key]
    const now = afterState[key]
    if (value === now && (now !== undefined || key in afterState)) continue
    // Columns hold strings, numbers and null; anything else (a joined object) is compared as JSON.
    if (typeof value === 'object' && value !== null && key in afterState && JSON.stringify(value) === JSON.stringify(now)) continue
    changed[key] = value
  }
  return { before: JSON.stringify(changed), after: JSON.stringify(afterState) }
}

/** The whole before state of a stored trace: its after state with the replaced values put back. */
export function beforeStateOf(row: Pick<AuditTraceRow, 'before_state' | 'after_state'>): unknown {
  if (row.before_state === null) return null
  const changed = JSON.parse(row.before_state) as Record<string, unknown>
  return row.after_state === null ? changed : { ...(JSON.parse(row.after_state) as Record<string, unknown>), ...changed }
}

export function traceContext(ctx: AuthContext, accountId: string, service: TracedService, action: string, time: string): TraceContext {
  return { accountId, service, action, user: ctx.user, userDomain: ctx.userDomain, origin: ctx.origin, time, assumedBy: ctx.assumedBy }
}

/** The trace context of an IAM change, whichever IAM service makes it. */
export function iamTrace(ctx: AuthContext, accountId: string, action: string, time: string): TraceContext {
  return traceContext(ctx, accountId, 'IAM', action, time)
}

/** CTS's `trace_type`: the console and the CLI say who they are in their User-Agent. */
function traceType(userAgent: string): string {
  if (userAgent.startsWith('projectplane-console')) return 'ConsoleAction'
  if (userAgent.startsWith('projectplane-cli')) return 'SystemAction'
  return 'ApiCall'
}

let lastMs = 0
let counter = 0

/** Random bytes drawn 4 KiB at a time: one system call per ~400 traces instead of one each. */
const RANDOM_POOL = Buffer.alloc(4096)
let poolOffset = RANDOM_POOL.length

function randomInto(target: Buffer, offset: number, length: number): void {
  if (poolOffset + length > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL)
    poolOffset = 0
  }
  RANDOM_POOL.copy(target, offset, poolOffset, poolOffset + length)
  poolOffset += length
}

/**
 * A UUIDv7 (RFC 9562) whose 12-bit `rand_a` is a counter within the millisecond, so the ids of
 * one process sort in the order they were made, and ids of all processes sort by time.
 */
export function newTraceId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    counter = 0
  } else if (++counter > 0xfff) {
    // Over 4096 in one millisecond: borrow the next one, so the order still holds.
    lastMs += 1
    counter = 0
  }
  const bytes = Buffer.allocUnsafe(16)
  randomInto(bytes, 6, 10)
  bytes.writeUIntBE(lastMs, 0, 6)
  bytes[6] = 0x70 | (counter >> 8)
  bytes[7] = counter & 0xff
  bytes[8] = 0x80 | (bytes[8]! & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The smallest trace id of a millisecond, for time bounds over the id index. */
export function traceIdFloor(ms: number): string {
  const hex = Math.max(0, Math.min(ms, 2 ** 48 - 1)).toString(16).padStart(12, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`
}

const COLUMNS = [
  'id', 'domain_id', 'time', 'service_type', 'trace_name', 'trace_type', 'resource_type', 'resource_id', 'resource_name',
  'user_id', 'user_name', 'user_domain_id', 'user_domain_name', 'source_ip', 'request_id', 'user_agent', 'before_state', 'after_state', 'assumed_by',
] as const satisfies readonly (keyof AuditTraceRow)[]

/**
 * Writes traces for one database. Every change pays for this insert, so its SQL text is compiled
 * once per database (the text is the dialect's), as the hot writes do.
 */
export class TraceWriter {
  private readonly sqlTexts = new SqlTextCache()

  /** Writes the trace of a change; `x` must be the transaction that makes the change. */
  async record(x: Executor, trace: TraceContext, change: TracedChange): Promise<void> {
    const userAgent = trace.origin?.userAgent ?? ''
    const states = storedStates(change.before, change.after)
    const row: AuditTraceRow = {
      id: newTraceId(Date.parse(trace.time)),
      domain_id: trace.accountId,
      time: trace.time,
      service_type: trace.service,
      trace_name: trace.action,
      trace_type: traceType(userAgent),
      resource_type: change.resourceType,
      resource_id: change.resourceId,
      resource_name: change.resourceName,
      user_id: trace.user.id,
      user_name: trace.user.name,
      user_domain_id: trace.userDomain.id,
      user_domain_name: trace.userDomain.name,
      source_ip: trace.origin?.sourceIp ?? '',
      request_id: trace.origin?.requestId ?? '',
      user_agent: userAgent.slice(0, 512),
      before_state: states.before,
      after_state: states.after,
      assumed_by: trace.assumedBy ? JSON.stringify({ user: trace.assumedBy.user, domain: trace.assumedBy.domain }) : null,
    }
    const parameters = COLUMNS.map((column) => row[column])
    // Behind: its answer is not needed, and a failure still fails the change's commit.
    await this.sqlTexts.run(x, 'trace-insert', parameters, () => x.insertInto('audit_traces').values(row).compile(), true)
  }
}

const writers = new WeakMap<Db, TraceWriter>()

/** The one writer of a database, shared by its stores. */
export function traceWriterFor(db: Db): TraceWriter {
  let writer = writers.get(db)
  if (!writer) writers.set(db, (writer = new TraceWriter()))
  return writer
}

interface NamedRow { readonly id: string; readonly name: string }

/** The trace of a creation, an update and a deletion of a row that has an id and a name. */
export function creationOf(resourceType: string, after: NamedRow): TracedChange {
  return { resourceType, resourceId: after.id, resourceName: after.name, before: null, after }
}

export function updateOf(resourceType: string, before: NamedRow | undefined, after: NamedRow): TracedChange {
  return { resourceType, resourceId: after.id, resourceName: after.name, before, after }
}

export function deletionOf(resourceType: string, before: NamedRow): TracedChange {
  return { resourceType, resourceId: before.id, resourceName: before.name, before, after: null }
}
