/**
 * @module The traces API's wire: CTS's trace body and meta_data, and CTS's flat error body
 * `{"error_code":"CTS.xxxx","error_msg"}`. CTS documents the format but not one code per case, so
 * the codes below are projectplane's own (see docs/decisions.md). `resource_before` and
 * `resource_after` are projectplane's: the resource as stored before and after the change.
 */
import type { Readable } from 'node:stream'
import type { AuditTraceRow } from '../../db/schema.js'
import { ServiceCodedError, type AppError } from '../../errors/app-error.js'
import { codedFailure, type ServiceCodes } from '../../http/coded-errors.js'
import { jsonListStream } from '../../http/json-stream.js'
import type { TracePage } from './service.js'
import { beforeStateOf } from '../../audit/trace.js'

const CTS_INVALID_PARAMETER = 'CTS.0200'

export const CtsErrors = {
  invalidParameter: (reason: string) => new ServiceCodedError(400, CTS_INVALID_PARAMETER, `Invalid parameter. ${reason}`),
} as const

const CTS_CODES: ServiceCodes = {
  unauthorized: { status: 401, code: 'CTS.0001', message: 'Token missing or invalid.' },
  forbidden: { status: 403, code: 'CTS.0003', message: 'Permission denied.' },
  notFound: { status: 404, code: 'CTS.0004', message: 'Resource not found.' },
  internal: { status: 500, code: 'CTS.0005', message: 'Internal error.' },
  busy: { status: 503, code: 'CTS.0006', message: 'The system is busy, please try again later.' },
  badRequest: CtsErrors.invalidParameter,
}

export function renderCtsError(error: AppError): { status: number; body: unknown } {
  const failure = codedFailure(error, CTS_CODES)
  return { status: failure.status, body: { error_code: failure.code, error_msg: failure.message } }
}

export function traceBody(row: AuditTraceRow): Record<string, unknown> {
  const time = Date.parse(row.time)
  return {
    trace_id: row.id,
    trace_name: row.trace_name,
    trace_rating: 'normal',
    trace_type: row.trace_type,
    service_type: row.service_type,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    resource_name: row.resource_name,
    time,
    record_time: time,
    user: userOf(row),
    source_ip: row.source_ip,
    request_id: row.request_id,
    user_agent: row.user_agent,
    resource_before: beforeStateOf(row),
    resource_after: row.after_state === null ? null : JSON.parse(row.after_state),
  }
}

/**
 * Who made the change. Through an agency, CTS's `AssumedAgency` identity: the agency (named
 * `<account>/<agency>`) in the account that made it, and the user who assumed it.
 */
function userOf(row: AuditTraceRow): Record<string, unknown> {
  const user: Record<string, unknown> = { id: row.user_id, name: row.user_name, domain: { id: row.user_domain_id, name: row.user_domain_name } }
  if (row.assumed_by !== null) {
    user.type = 'AssumedAgency'
    user.assumed_by = JSON.parse(row.assumed_by)
  }
  return user
}

export function traceListBody(page: TracePage): unknown {
  return { traces: page.traces.map(traceBody), meta_data: metaData(page) }
}

/** The same answer as `traceListBody`, byte for byte, in small chunks (http/json-stream.ts): a page of 200 traces is ~150 kB. */
export function traceListStream(page: TracePage): Readable {
  return jsonListStream('{"traces":[', [page.traces], (row) => JSON.stringify(traceBody(row)), `],"meta_data":${JSON.stringify(metaData(page))}}`)
}

function metaData(page: TracePage): { count: number; marker: string | null } {
  return { count: page.traces.length, marker: page.marker }
}
