/**
 * @module Routes of the catalog: `GET /v3/auth/catalog`, `/v3/services` and `/v3/endpoints`.
 * Each handler is: path, schema, action (the hook in http/authenticate.ts authenticates and
 * enforces it), one service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { CatalogService } from './service.js'
import type { CatalogWire } from './wire.js'
import { EndpointIdParamsSchema, EndpointListQuerySchema, ServiceIdParamsSchema, ServiceListQuerySchema } from './schemas.js'

export interface CatalogRouteOptions extends IamRouteOptions {
  service: CatalogService
  wire: CatalogWire
}

export function catalogRoutes({ service, wire, baseUrl }: CatalogRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v3/auth/catalog', { config: iamAction('identity:get_auth_catalog') },
      async (request) => wire.catalog(baseUrl(request), await service.catalog(caller(request))))
    app.get('/v3/services', { schema: { querystring: ServiceListQuerySchema }, config: iamAction('identity:list_services') }, async (request) => {
      const base = baseUrl(request)
      return wire.serviceList(base, selfUrl(base, request), await service.listServices(caller(request), request.query))
    })
    app.get('/v3/services/:service_id', { schema: { params: ServiceIdParamsSchema }, config: iamAction('identity:get_service') },
      async (request) => wire.service(baseUrl(request), await service.getService(caller(request), request.params.service_id)))
    app.get('/v3/endpoints', { schema: { querystring: EndpointListQuerySchema }, config: iamAction('identity:list_endpoints') }, async (request) => {
      const base = baseUrl(request)
      return wire.endpointList(base, selfUrl(base, request), await service.listEndpoints(caller(request), request.query))
    })
    app.get('/v3/endpoints/:endpoint_id', { schema: { params: EndpointIdParamsSchema }, config: iamAction('identity:get_endpoint') },
      async (request) => wire.endpoint(baseUrl(request), await service.getEndpoint(caller(request), request.params.endpoint_id)))
  }
}
