/**
 * @module `CtsStore` over Kysely, for every dialect `db/` opens. Pages walk the
 * (domain_id, id) index backwards; ids sort by time, so no separate time index is needed.
 */
import type { Db } from '../../db/database.js'
import type { CtsStore, TraceFilter } from './store.js'

export class SqlCtsStore implements CtsStore {
  constructor(private readonly db: Db) {}

  listTraces(accountId: string, f: TraceFilter) {
    let q = this.db.kysely.selectFrom('audit_traces').selectAll().where('domain_id', '=', accountId)
    if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId)
    if (f.fromId !== undefined) q = q.where('id', '>=', f.fromId)
    if (f.toId !== undefined) q = q.where('id', '<', f.toId)
    if (f.serviceType !== undefined) q = q.where('service_type', '=', f.serviceType)
    if (f.userName !== undefined) q = q.where('user_name', '=', f.userName)
    if (f.resourceId !== undefined) q = q.where('resource_id', '=', f.resourceId)
    if (f.resourceName !== undefined) q = q.where('resource_name', '=', f.resourceName)
    if (f.resourceType !== undefined) q = q.where('resource_type', '=', f.resourceType)
    if (f.traceId !== undefined) q = q.where('id', '=', f.traceId)
    if (f.traceName !== undefined) q = q.where('trace_name', '=', f.traceName)
    if (f.requestId !== undefined) q = q.where('request_id', '=', f.requestId)
    return q.orderBy('id', 'desc').limit(f.limit).execute()
  }
}
