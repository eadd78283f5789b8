/**
 * @module The traces API (CTS v3), projectplane's audit trail over HTTP: path, schema, action
 * (the hook in http/authenticate.ts authenticates and enforces it), one service call, one envelope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../http/caller.js'
import type { CtsService } from './service.js'
import { TraceListParamsSchema, TraceListQuerySchema } from './schemas.js'
import { traceListBody, traceListStream } from './wire.js'

export function ctsRoutes({ service }: { service: CtsService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v3/:project_id/traces', {
      schema: { params: TraceListParamsSchema, querystring: TraceListQuerySchema },
      config: { service: 'cts', action: 'cts:list_traces' },
    }, async (request, reply) => {
      const page = await service.listTraces(caller(request), request.params.project_id, request.query)
      if (page.traces.length < STREAMED_PAGE_TRACES) return traceListBody(page)
      return reply.type('application/json; charset=utf-8').send(traceListStream(page))
    })
  }
}

/** ~800 bytes a trace: from this many, a page's answer as one string would pass V8's 128 KiB large-object size. */
const STREAMED_PAGE_TRACES = 150
