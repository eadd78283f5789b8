/**
 * @module EPS routes: path, schema, action (the hook in http/authenticate.ts authenticates and enforces it), one
 * service call, one envelope. Static paths (`quotas`, `providers`, …) win over `{id}` in the
 * router. Routes the flavour's cloud lacks are not registered, so they answer 404 (405 where the
 * path exists with other methods) in EPS's format. Bodies are capped at EPS's 200 KB (EPS.0042).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { EpsFlavour } from '../../flavours.js'
import { caller } from '../../http/caller.js'
import type { EpsService } from './service.js'
import {
  AssociatedResourcesParamsSchema, AssociatedResourcesQuerySchema, EnterpriseProjectActionBodySchema, EnterpriseProjectBodySchema,
  EnterpriseProjectListQuerySchema, EnterpriseProjectParamsSchema, MigrationRecordQuerySchema, ProviderListQuerySchema,
  ResourceFilterBodySchema, ResourceKeyParamsSchema, ResourceMigrateBodySchema, ResourceRegisterBodySchema,
} from './schemas.js'
import {
  associatedResourcesBody, configsEnvelope, enterpriseProjectEnvelope, enterpriseProjectList, migrationRecordList, providersBody, quotaEnvelope,
  registeredResourceEnvelope, registeredResourceList, resourceList, resourceMappingEnvelope, versionEnvelope, versionList,
} from './wire.js'
import { RESOURCE_MAPPING } from './resource-types.js'

export const EPS_BODY_LIMIT_BYTES = 200 * 1024
const EP = '/v1.0/enterprise-projects'

export interface EpsRouteDeps {
  service: EpsService
  flavour: EpsFlavour
  baseUrl(request: FastifyRequest): string
}

/** EPS's version list, as `GET /` answers it on the clouds' EPS endpoints. */
export const epsVersions = versionList

export function epsRoutes({ service, flavour, baseUrl }: EpsRouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const eps = { service: 'eps' as const }
    const bodyLimit = EPS_BODY_LIMIT_BYTES

    // ---- versions. `GET /` is IAM's route, which answers `epsVersions` for `eps.*` host names: a
    // host constraint on a route makes the router derive constraints for every request (it cost
    // a fifth of GET throughput, measured).
    app.get('/v1.0', { config: { ...eps, action: 'eps:get_api_version' } }, async (request) => versionEnvelope(baseUrl(request)))

    // ---- enterprise projects
    app.get(EP, { schema: { querystring: EnterpriseProjectListQuerySchema }, config: { ...eps, action: 'eps:list_enterprise_projects' } }, async (request) => {
      return enterpriseProjectList(await service.listEnterpriseProjects(caller(request), request.query))
    })
    app.post(EP, { bodyLimit, schema: { body: EnterpriseProjectBodySchema }, config: { ...eps, action: 'eps:create_enterprise_project' } }, async (request, reply) => {
      reply.status(201)
      return enterpriseProjectEnvelope(await service.createEnterpriseProject(caller(request), request.body))
    })
    app.get(`${EP}/quotas`, { config: { ...eps, action: 'eps:get_quotas' } }, async (request) => {
      const { used, quota } = await service.quota(caller(request))
      return quotaEnvelope(used, quota)
    })
    app.get(`${EP}/providers`, { schema: { querystring: ProviderListQuerySchema }, config: { ...eps, action: 'eps:list_providers' } },
      async (request) => providersBody(await service.listProviders(request.query)))
    app.get(`${EP}/:enterprise_project_id`, { schema: { params: EnterpriseProjectParamsSchema }, config: { ...eps, action: 'eps:get_enterprise_project' } },
      async (request) => enterpriseProjectEnvelope(await service.getEnterpriseProject(caller(request), request.params.enterprise_project_id)))
    app.put(`${EP}/:enterprise_project_id`, { bodyLimit, schema: { params: EnterpriseProjectParamsSchema, body: EnterpriseProjectBodySchema }, config: { ...eps, action: 'eps:update_enterprise_project' } },
      async (request) => enterpriseProjectEnvelope(await service.updateEnterpriseProject(caller(request), request.params.enterprise_project_id, request.body)))
    app.post(`${EP}/:enterprise_project_id/action`, { bodyLimit, schema: { params: EnterpriseProjectParamsSchema, body: EnterpriseProjectActionBodySchema }, config: { ...eps, action: 'eps:enable_or_disable_enterprise_project' } },
      async (request, reply) => {
        await service.enableOrDisable(caller(request), request.params.enterprise_project_id, request.body)
        return reply.status(204).send()
      })
    if (flavour.deleteSupported) {
      app.delete(`${EP}/:enterprise_project_id`, { schema: { params: EnterpriseProjectParamsSchema }, config: { ...eps, action: 'eps:delete_enterprise_project' } }, async (request, reply) => {
        await service.deleteEnterpriseProject(caller(request), request.params.enterprise_project_id)
        return reply.status(204).send()
      })
    }

    // ---- resources
    app.post(`${EP}/:enterprise_project_id/resources/filter`, { bodyLimit, schema: { params: EnterpriseProjectParamsSchema, body: ResourceFilterBodySchema }, config: { ...eps, action: 'eps:filter_resources' } },
      async (request) => {
        return resourceList(await service.filterResources(caller(request), request.params.enterprise_project_id, request.body))
      })
    app.post(`${EP}/:enterprise_project_id/resources-migrate`, { bodyLimit, schema: { params: EnterpriseProjectParamsSchema, body: ResourceMigrateBodySchema }, config: { ...eps, action: 'eps:migrate_resource' } },
      async (request, reply) => {
        await service.migrateResource(caller(request), request.params.enterprise_project_id, request.body)
        return reply.status(204).send()
      })

    // ---- Huawei Cloud's extra read APIs
    if (flavour.huaweiReadApis) {
      app.get(`${EP}/migrate-record/list`, { schema: { querystring: MigrationRecordQuerySchema }, config: { ...eps, action: 'eps:list_migration_records' } },
        async (request) => migrationRecordList(await service.listMigrationRecords(caller(request), request.query)))
      app.get(`${EP}/resources-mapping`, { config: { ...eps, action: 'eps:list_resource_mapping' } }, async () => resourceMappingEnvelope(RESOURCE_MAPPING))
      app.get('/v1.0/associated-resources/:resource_id', { schema: { params: AssociatedResourcesParamsSchema, querystring: AssociatedResourcesQuerySchema }, config: { ...eps, action: 'eps:get_associated_resources' } },
        async (request) => {
          const { resource, attached } = await service.associatedResources(caller(request), request.params.resource_id, request.query)
          return associatedResourcesBody(resource, attached)
        })
      app.get('/v1/enterprise-projects/configs', { config: { ...eps, action: 'eps:get_configs' } }, async () => configsEnvelope(flavour.deleteSupported))
    }
    // The BSS call that turns enterprise projects on for an account: here they always are.
    app.post('/v2/enterprises/enterprise-projects/authority', { bodyLimit, config: { ...eps, action: 'eps:enable_enterprise_project_feature' } }, async (_request, reply) => reply.status(204).send())

    // ---- projectplane admin API: resources live in enterprise projects, but no service here makes them.
    app.post('/_projectplane/resources', { bodyLimit, schema: { body: ResourceRegisterBodySchema }, config: { ...eps, action: 'projectplane:register_resource' } }, async (request, reply) => {
      reply.status(201)
      return registeredResourceEnvelope(await service.registerResource(caller(request), request.body))
    })
    app.get('/_projectplane/resources', { config: { ...eps, action: 'projectplane:list_resources' } },
      async (request) => registeredResourceList(await service.listRegisteredResources(caller(request))))
    app.delete('/_projectplane/resources/:resource_type/:resource_id', { schema: { params: ResourceKeyParamsSchema }, config: { ...eps, action: 'projectplane:delete_resource' } },
      async (request, reply) => {
        await service.deleteRegisteredResource(caller(request), request.params.resource_type, request.params.resource_id)
        return reply.status(204).send()
      })
  }
}
