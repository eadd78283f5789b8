/**
 * @module Request schemas of the traces API (CTS v3 "Querying a Trace List"). Query values stay
 * strings (ajv does not coerce); the service checks ranges and numbers, so a bad one is refused
 * with a sentence naming it, in CTS's error format.
 */
import { Type as T, type Static } from '@sinclair/typebox'

export const TraceListParamsSchema = T.Object({ project_id: T.String({ minLength: 1, maxLength: 64 }) })
export type TraceListParams = Static<typeof TraceListParamsSchema>

/** Unknown query parameters are ignored, as the clouds' gateways do. */
export const TraceListQuerySchema = T.Object({
  trace_type: T.Optional(T.String()),
  limit: T.Optional(T.String()),
  from: T.Optional(T.String()),
  to: T.Optional(T.String()),
  next: T.Optional(T.String()),
  service_type: T.Optional(T.String()),
  user: T.Optional(T.String()),
  resource_id: T.Optional(T.String()),
  resource_name: T.Optional(T.String()),
  resource_type: T.Optional(T.String()),
  trace_id: T.Optional(T.String()),
  trace_name: T.Optional(T.String()),
  trace_rating: T.Optional(T.String()),
  request_id: T.Optional(T.String()),
})
export type TraceListQuery = Static<typeof TraceListQuerySchema>
