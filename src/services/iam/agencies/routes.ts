/**
 * @module Routes of agencies (`OS-AGENCY`), on the clouds only (Keystone has none: its 404).
 * Each handler is: path, schema, action (the hook in http/authenticate.ts authenticates and
 * enforces it), one service call, one envelope from wire.ts. Grants to agencies are the roles
 * capability's routes; using an agency is the token and credential routes'.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction } from '../iam-route-options.js'
import type { AgencyService } from './service.js'
import type { AgencyWire } from './wire.js'
import { AgencyCreateBodySchema, AgencyIdParamsSchema, AgencyListQuerySchema, AgencyUpdateBodySchema } from './schemas.js'

export interface AgencyRouteOptions {
  service: AgencyService
  wire: AgencyWire
}

export function agencyRoutes({ service, wire }: AgencyRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v3.0/OS-AGENCY/agencies', { schema: { querystring: AgencyListQuerySchema }, config: iamAction('identity:list_agencies') },
      async (request) => wire.agencies(await service.list(caller(request), request.query)))
    app.post('/v3.0/OS-AGENCY/agencies', { schema: { body: AgencyCreateBodySchema }, config: iamAction('identity:create_agency') },
      async (request, reply) => {
        reply.status(201)
        return wire.agency(await service.create(caller(request), request.body), 'write')
      })
    app.get('/v3.0/OS-AGENCY/agencies/:agency_id', { schema: { params: AgencyIdParamsSchema }, config: iamAction('identity:get_agency') },
      async (request) => wire.agency(await service.get(caller(request), request.params.agency_id), 'read'))
    app.put('/v3.0/OS-AGENCY/agencies/:agency_id', { schema: { params: AgencyIdParamsSchema, body: AgencyUpdateBodySchema }, config: iamAction('identity:update_agency') },
      async (request) => wire.agency(await service.update(caller(request), request.params.agency_id, request.body), 'write'))
    app.delete('/v3.0/OS-AGENCY/agencies/:agency_id', { schema: { params: AgencyIdParamsSchema }, config: iamAction('identity:delete_agency') },
      async (request, reply) => {
        await service.delete(caller(request), request.params.agency_id)
        return reply.status(204).send()
      })
  }
}
