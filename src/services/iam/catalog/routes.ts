/**
 * @module Routes of the catalog: `GET /v3/auth/catalog`, `/v3/services` and `/v3/endpoints` on
 * every flavour; their writes and OS-EP-FILTER in the keystone flavour only. Each handler is:
 * path, schema, action (the hook in http/authenticate.ts authenticates and enforces it), one
 * service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { CatalogService } from './service.js'
import type { EndpointFilterService } from './endpoint-filter.js'
import type { CatalogWire } from './wire.js'
import {
  EndpointCreateBodySchema, EndpointGroupCreateBodySchema, EndpointGroupIdParamsSchema, EndpointGroupListQuerySchema, EndpointGroupProjectParamsSchema,
  EndpointGroupUpdateBodySchema, EndpointIdParamsSchema, EndpointListQuerySchema, EndpointUpdateBodySchema, ProjectEndpointParamsSchema, ProjectIdParamsSchema,
  ServiceCreateBodySchema, ServiceIdParamsSchema, ServiceListQuerySchema, ServiceUpdateBodySchema,
} from './schemas.js'

export interface CatalogRouteOptions extends IamRouteOptions {
  service: CatalogService
  wire: CatalogWire
  /** Keystone's catalog writes and OS-EP-FILTER; undefined where the catalog is read-only (the clouds). */
  endpointFilter: EndpointFilterService | undefined
}

const noContent = (reply: FastifyReply) => reply.status(204).send()
const EP_FILTER = '/v3/OS-EP-FILTER'

export function catalogRoutes({ service, wire, baseUrl, endpointFilter }: CatalogRouteOptions): FastifyPluginAsyncTypebox {
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

    if (!endpointFilter) return
    const filter = endpointFilter

    // ---- service and endpoint writes
    app.post('/v3/services', { schema: { body: ServiceCreateBodySchema }, config: iamAction('identity:create_service') }, async (request, reply) => {
      reply.status(201)
      return wire.service(baseUrl(request), await service.createService(caller(request), request.body))
    })
    app.patch('/v3/services/:service_id', { schema: { params: ServiceIdParamsSchema, body: ServiceUpdateBodySchema }, config: iamAction('identity:update_service') },
      async (request) => wire.service(baseUrl(request), await service.updateService(caller(request), request.params.service_id, request.body)))
    app.delete('/v3/services/:service_id', { schema: { params: ServiceIdParamsSchema }, config: iamAction('identity:delete_service') }, async (request, reply) => {
      await service.deleteService(caller(request), request.params.service_id)
      return noContent(reply)
    })
    app.post('/v3/endpoints', { schema: { body: EndpointCreateBodySchema }, config: iamAction('identity:create_endpoint') }, async (request, reply) => {
      reply.status(201)
      return wire.endpoint(baseUrl(request), await service.createEndpoint(caller(request), request.body))
    })
    app.patch('/v3/endpoints/:endpoint_id', { schema: { params: EndpointIdParamsSchema, body: EndpointUpdateBodySchema }, config: iamAction('identity:update_endpoint') },
      async (request) => wire.endpoint(baseUrl(request), await service.updateEndpoint(caller(request), request.params.endpoint_id, request.body)))
    app.delete('/v3/endpoints/:endpoint_id', { schema: { params: EndpointIdParamsSchema }, config: iamAction('identity:delete_endpoint') }, async (request, reply) => {
      await service.deleteEndpoint(caller(request), request.params.endpoint_id)
      return noContent(reply)
    })

    // ---- OS-EP-FILTER: endpoint groups
    app.get(`${EP_FILTER}/endpoint_groups`, { schema: { querystring: EndpointGroupListQuerySchema }, config: iamAction('identity:list_endpoint_groups') }, async (request) => {
      const base = baseUrl(request)
      return wire.endpointGroupList(base, selfUrl(base, request), await filter.listEndpointGroups(request.query))
    })
    app.post(`${EP_FILTER}/endpoint_groups`, { schema: { body: EndpointGroupCreateBodySchema }, config: iamAction('identity:create_endpoint_group') }, async (request, reply) => {
      reply.status(201)
      return wire.endpointGroup(baseUrl(request), await filter.createEndpointGroup(caller(request), request.body))
    })
    app.get(`${EP_FILTER}/endpoint_groups/:endpoint_group_id`, { schema: { params: EndpointGroupIdParamsSchema }, config: iamAction('identity:get_endpoint_group') },
      async (request) => wire.endpointGroup(baseUrl(request), await filter.getEndpointGroup(request.params.endpoint_group_id)))
    app.patch(`${EP_FILTER}/endpoint_groups/:endpoint_group_id`, { schema: { params: EndpointGroupIdParamsSchema, body: EndpointGroupUpdateBodySchema }, config: iamAction('identity:update_endpoint_group') },
      async (request) => wire.endpointGroup(baseUrl(request), await filter.updateEndpointGroup(caller(request), request.params.endpoint_group_id, request.body)))
    app.delete(`${EP_FILTER}/endpoint_groups/:endpoint_group_id`, { schema: { params: EndpointGroupIdParamsSchema }, config: iamAction('identity:delete_endpoint_group') }, async (request, reply) => {
      await filter.deleteEndpointGroup(caller(request), request.params.endpoint_group_id)
      return noContent(reply)
    })
    app.get(`${EP_FILTER}/endpoint_groups/:endpoint_group_id/endpoints`, { schema: { params: EndpointGroupIdParamsSchema }, config: iamAction('identity:list_endpoints_associated_with_endpoint_group') }, async (request) => {
      const base = baseUrl(request)
      return wire.endpointList(base, selfUrl(base, request), await filter.listEndpointsInGroup(request.params.endpoint_group_id))
    })
    app.get(`${EP_FILTER}/endpoint_groups/:endpoint_group_id/projects`, { schema: { params: EndpointGroupIdParamsSchema }, config: iamAction('identity:list_projects_associated_with_endpoint_group') }, async (request) => {
      const base = baseUrl(request)
      return wire.projectList(base, selfUrl(base, request), await filter.listProjectsForEndpointGroup(request.params.endpoint_group_id))
    })

    // ---- OS-EP-FILTER: endpoint group ↔ project
    const groupProject = `${EP_FILTER}/endpoint_groups/:endpoint_group_id/projects/:project_id`
    app.put(groupProject, { schema: { params: EndpointGroupProjectParamsSchema }, config: iamAction('identity:add_endpoint_group_to_project') }, async (request, reply) => {
      await filter.addEndpointGroupToProject(request.params.endpoint_group_id, request.params.project_id)
      return noContent(reply)
    })
    app.get(groupProject, { schema: { params: EndpointGroupProjectParamsSchema }, config: iamAction('identity:get_endpoint_group_in_project') },
      async (request) => wire.projectEndpointGroup(await filter.getEndpointGroupInProject(request.params.endpoint_group_id, request.params.project_id)))
    app.delete(groupProject, { schema: { params: EndpointGroupProjectParamsSchema }, config: iamAction('identity:remove_endpoint_group_from_project') }, async (request, reply) => {
      await filter.removeEndpointGroupFromProject(request.params.endpoint_group_id, request.params.project_id)
      return noContent(reply)
    })
    app.get(`${EP_FILTER}/projects/:project_id/endpoint_groups`, { schema: { params: ProjectIdParamsSchema }, config: iamAction('identity:list_endpoint_groups_for_project') }, async (request) => {
      const base = baseUrl(request)
      return wire.endpointGroupList(base, selfUrl(base, request), await filter.listEndpointGroupsForProject(request.params.project_id))
    })

    // ---- OS-EP-FILTER: endpoint ↔ project
    const projectEndpoint = `${EP_FILTER}/projects/:project_id/endpoints/:endpoint_id`
    app.put(projectEndpoint, { schema: { params: ProjectEndpointParamsSchema }, config: iamAction('identity:add_endpoint_to_project') }, async (request, reply) => {
      await filter.addEndpointToProject(request.params.project_id, request.params.endpoint_id)
      return noContent(reply)
    })
    app.get(projectEndpoint, { schema: { params: ProjectEndpointParamsSchema }, config: iamAction('identity:check_endpoint_in_project') }, async (request, reply) => {
      await filter.checkEndpointInProject(request.params.project_id, request.params.endpoint_id)
      return noContent(reply)
    })
    app.delete(projectEndpoint, { schema: { params: ProjectEndpointParamsSchema }, config: iamAction('identity:remove_endpoint_from_project') }, async (request, reply) => {
      await filter.removeEndpointFromProject(request.params.project_id, request.params.endpoint_id)
      return noContent(reply)
    })
    app.get(`${EP_FILTER}/projects/:project_id/endpoints`, { schema: { params: ProjectIdParamsSchema }, config: iamAction('identity:list_endpoints_for_project') }, async (request) => {
      const base = baseUrl(request)
      return wire.endpointList(base, selfUrl(base, request), await filter.listEndpointsForProject(request.params.project_id))
    })
    app.get(`${EP_FILTER}/endpoints/:endpoint_id/projects`, { schema: { params: EndpointIdParamsSchema }, config: iamAction('identity:list_projects_for_endpoint') }, async (request) => {
      const base = baseUrl(request)
      return wire.projectList(base, selfUrl(base, request), await filter.listProjectsForEndpoint(request.params.endpoint_id))
    })
  }
}
