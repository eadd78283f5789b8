/**
 * @module What the traces API needs from storage. Traces are written by the other services'
 * stores, inside the transaction of each change (see trace.ts); this interface only reads them,
 * always within one account.
 */
import type { AuditTraceRow } from '../../db/schema.js'

export interface TraceFilter {
  /** Only traces with an id below this one (the previous page's marker): older ones. */
  readonly beforeId?: string
  /** Only ids at or above / below these bounds: the time range as id bounds (ids are UUIDv7). */
  readonly fromId?: string
  readonly toId?: string
  readonly serviceType?: string
  readonly userName?: string
  readonly resourceId?: string
  readonly resourceName?: string
  readonly resourceType?: string
  readonly traceId?: string
  readonly traceName?: string
  readonly requestId?: string
  readonly limit: number
}

export interface CtsStore {
  /** The account's traces matching the filter, newest first. */
  listTraces(accountId: string, filter: TraceFilter): Promise<AuditTraceRow[]>
}
