/**
 * @module The traces API's rules: which account's traces a caller reads (the one its token is
 * for; the path's project must be that account or one of its projects), and CTS's query rules:
 * `limit` 1–200 (10 by default), `from`/`to` as 13-digit millisecond times with `from` one hour
 * back by default, `next` as the previous page's marker. Only management traces exist here.
 */
import type { AuthContext } from '../../auth/auth-context.js'
import type { AuditTraceRow } from '../../db/schema.js'
import { ForbiddenError, NotFoundError } from '../../errors/app-error.js'
import type { Clock } from '../../shared/clock.js'
import { CtsErrors } from './wire.js'
import type { TraceListQuery } from './schemas.js'
import type { CtsStore, TraceFilter } from './store.js'
import { traceIdFloor } from '../../audit/trace.js'

const DEFAULT_LIMIT = 10
const MAX_LIMIT = 200
const DEFAULT_WINDOW_MS = 60 * 60 * 1000
const TRACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export interface TracePage {
  readonly traces: readonly AuditTraceRow[]
  /** The last trace's id when older traces match too: `next` for the following page. */
  readonly marker: string | null
}

export interface CtsServiceDeps {
  store: CtsStore
  clock: Clock
  /** Whether `projectId` is a project of the account. */
  projectInAccount(projectId: string, accountId: string): Promise<boolean>
}

function milliseconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{13}$/.test(value)) throw CtsErrors.invalidParameter(`${name} must be a UTC time in milliseconds (13 digits).`)
  return Number(value)
}

export class CtsService {
  constructor(private readonly deps: CtsServiceDeps) {}

  async listTraces(ctx: AuthContext, projectId: string, query: TraceListQuery): Promise<TracePage> {
    const accountId = ctx.accountId
    if (accountId === undefined) throw new ForbiddenError('an unscoped token cannot read traces; request a domain- or project-scoped token')
    if (projectId !== accountId && !(await this.deps.projectInAccount(projectId, accountId))) throw new NotFoundError('project', projectId)

    const traceType = query.trace_type ?? 'system'
    if (traceType !== 'system' && traceType !== 'data') throw CtsErrors.invalidParameter("trace_type must be 'system' or 'data'.")
    const rating = query.trace_rating
    if (rating !== undefined && !['normal', 'warning', 'incident'].includes(rating)) {
      throw CtsErrors.invalidParameter("trace_rating must be 'normal', 'warning' or 'incident'.")
    }
    let limit = DEFAULT_LIMIT
    if (query.limit !== undefined) {
      if (!/^\d{1,3}$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > MAX_LIMIT) {
        throw CtsErrors.invalidParameter(`limit must be a whole number from 1 to ${MAX_LIMIT}.`)
      }
      limit = Number(query.limit)
    }
    const to = milliseconds('to', query.to)
    const from = milliseconds('from', query.from) ?? (to ?? this.deps.clock.now()) - DEFAULT_WINDOW_MS
    if (to !== undefined && from > to) throw CtsErrors.invalidParameter('from must not be later than to.')
    if (query.next !== undefined && !TRACE_ID.test(query.next)) throw CtsErrors.invalidParameter('next must be the marker of a previous page.')
    if (query.trace_id !== undefined && !TRACE_ID.test(query.trace_id)) return { traces: [], marker: null }
    // Data traces (OBS object access) and warnings or incidents: none are recorded here.
    if (traceType === 'data' || (rating !== undefined && rating !== 'normal')) return { traces: [], marker: null }

    const filter: TraceFilter = {
      beforeId: query.next,
      fromId: traceIdFloor(from),
      // `to` is inclusive of its millisecond.
      toId: to === undefined ? undefined : traceIdFloor(to + 1),
      serviceType: query.service_type,
      userName: query.user,
      resourceId: query.resource_id,
      resourceName: query.resource_name,
      resourceType: query.resource_type,
      traceId: query.trace_id,
      traceName: query.trace_name,
      requestId: query.request_id,
      limit: limit + 1,
    }
    const rows = await this.deps.store.listTraces(accountId, filter)
    const traces = rows.slice(0, limit)
    return { traces, marker: rows.length > limit ? traces[traces.length - 1]!.id : null }
  }
}
