/**
 * @module Routes of regions, domains (accounts) and projects, and of what the caller can reach.
 * Each handler is: path, schema, action (the hook in http/authenticate.ts authenticates and enforces it), one
 * service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import { UserIdParamsSchema } from '../identity/schemas.js'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ProjectPage, ProjectService } from './service.js'
import type { RegionService } from './region-service.js'
import type { ProjectWire } from './wire.js'
import {
  DomainCreateBodySchema, DomainIdParamsSchema, DomainListQuerySchema, DomainUpdateBodySchema,
  ProjectCreateBodySchema, ProjectIdParamsSchema, ProjectListQuerySchema, ProjectShowQuerySchema, ProjectStatusBodySchema, ProjectTagParamsSchema, ProjectTagsBodySchema,
  ProjectUpdateBodySchema, RegionCreateBodySchema, RegionIdParamsSchema, RegionListQuerySchema, RegionUpdateBodySchema,
} from './schemas.js'

export interface ProjectRouteOptions extends IamRouteOptions {
  service: ProjectService
  regions: RegionService
  wire: ProjectWire
  /** Keystone's region writes (keystone flavour only; the clouds' regions are read-only). */
  regionWrites: boolean
  /** Keystone's project tag routes (keystone flavour only). */
  projectTags: boolean
  /** Keystone's `GET /v3/auth/system` (where tokens have a system scope). */
  authSystem?: boolean
}

export function projectRoutes({ service, regions, wire, baseUrl, regionWrites, projectTags, authSystem }: ProjectRouteOptions): FastifyPluginAsyncTypebox {
  /**
   * A project list's answer: streamed when the service gives its rows as batches, or when a page
   * is long enough that its answer as one string would be a large object (http/json-stream.ts).
   */
  const sendProjectList = (request: FastifyRequest, reply: FastifyReply, page: ProjectPage) => {
    const base = baseUrl(request)
    if (!page.batches && page.projects.length < STREAMED_PAGE_ROWS) return wire.projectList(base, selfUrl(base, request), page)
    return reply.type('application/json; charset=utf-8').send(wire.projectListStream(base, selfUrl(base, request), page.batches ?? [page.projects], page.paging))
  }
  return async (app) => {
    // ---- regions
    app.get('/v3/regions', { schema: { querystring: RegionListQuerySchema }, config: iamAction('identity:list_regions') }, async (request) => {
      const base = baseUrl(request)
      return wire.regionList(base, selfUrl(base, request), await regions.listRegions(request.query))
    })
    app.get('/v3/regions/:region_id', { schema: { params: RegionIdParamsSchema }, config: iamAction('identity:get_region') },
      async (request) => wire.region(baseUrl(request), await regions.getRegion(request.params.region_id)))
    if (regionWrites) {
      app.post('/v3/regions', { schema: { body: RegionCreateBodySchema }, config: iamAction('identity:create_region') }, async (request, reply) => {
        const region = await regions.createRegion(caller(request), request.body)
        reply.status(201)
        return wire.region(baseUrl(request), region)
      })
      app.put('/v3/regions/:region_id', { schema: { params: RegionIdParamsSchema, body: RegionCreateBodySchema }, config: iamAction('identity:create_region_with_id') },
        async (request, reply) => {
          const region = await regions.createRegion(caller(request), request.body, request.params.region_id)
          reply.status(201)
          return wire.region(baseUrl(request), region)
        })
      app.patch('/v3/regions/:region_id', { schema: { params: RegionIdParamsSchema, body: RegionUpdateBodySchema }, config: iamAction('identity:update_region') },
        async (request) => wire.region(baseUrl(request), await regions.updateRegion(caller(request), request.params.region_id, request.body)))
      app.delete('/v3/regions/:region_id', { schema: { params: RegionIdParamsSchema }, config: iamAction('identity:delete_region') }, async (request, reply) => {
        await regions.deleteRegion(caller(request), request.params.region_id)
        return reply.status(204).send()
      })
    }

    // ---- what the caller can reach
    app.get('/v3/auth/domains', { config: iamAction('identity:get_auth_domains') }, async (request) => {
      const base = baseUrl(request)
      return wire.domainList(base, selfUrl(base, request), await service.listAuthDomains(caller(request)))
    })
    app.get('/v3/auth/projects', { config: iamAction('identity:get_auth_projects') }, async (request, reply) =>
      sendProjectList(request, reply, await service.listAuthProjectPage(caller(request))))
    if (authSystem) {
      app.get('/v3/auth/system', { config: iamAction('identity:get_auth_system') },
        async (request) => wire.authSystem(baseUrl(request), await service.canScopeToSystem(caller(request))))
    }
    app.get('/v3/users/:user_id/projects', { schema: { params: UserIdParamsSchema }, config: iamAction('identity:list_user_projects') },
      async (request, reply) => sendProjectList(request, reply, await service.listUserProjects(caller(request), request.params.user_id)))

    // ---- domains (accounts)
    app.get('/v3/domains', { schema: { querystring: DomainListQuerySchema }, config: iamAction('identity:list_domains') }, async (request) => {
      const base = baseUrl(request)
      return wire.domainList(base, selfUrl(base, request), await service.listDomains(caller(request), request.query))
    })
    app.get('/v3/domains/:domain_id', { schema: { params: DomainIdParamsSchema }, config: iamAction('identity:get_domain') },
      async (request) => wire.domain(baseUrl(request), await service.getDomain(caller(request), request.params.domain_id)))
    app.post('/v3/domains', { schema: { body: DomainCreateBodySchema }, config: iamAction('identity:create_domain') }, async (request, reply) => {
      reply.status(201)
      return wire.domain(baseUrl(request), await service.createDomain(caller(request), request.body))
    })
    app.patch('/v3/domains/:domain_id', { schema: { params: DomainIdParamsSchema, body: DomainUpdateBodySchema }, config: iamAction('identity:update_domain') },
      async (request) => wire.domain(baseUrl(request), await service.updateDomain(caller(request), request.params.domain_id, request.body)))
    app.delete('/v3/domains/:domain_id', { schema: { params: DomainIdParamsSchema }, config: iamAction('identity:delete_domain') }, async (request, reply) => {
      await service.deleteDomain(caller(request), request.params.domain_id)
      return reply.status(204).send()
    })

    // ---- projects
    app.get('/v3/projects', { schema: { querystring: ProjectListQuerySchema }, config: iamAction('identity:list_projects') },
      async (request, reply) => sendProjectList(request, reply, await service.listProjects(caller(request), request.query)))
    app.post('/v3/projects', { schema: { body: ProjectCreateBodySchema }, config: iamAction('identity:create_project') }, async (request, reply) => {
      reply.status(201)
      return wire.project(baseUrl(request), await service.createProject(caller(request), request.body))
    })
    app.get('/v3/projects/:project_id', { schema: { params: ProjectIdParamsSchema, querystring: ProjectShowQuerySchema }, config: iamAction('identity:get_project') },
      async (request) => wire.projectView(baseUrl(request), await service.showProject(caller(request), request.params.project_id, request.query)))
    app.patch('/v3/projects/:project_id', { schema: { params: ProjectIdParamsSchema, body: ProjectUpdateBodySchema }, config: iamAction('identity:update_project') },
      async (request) => wire.project(baseUrl(request), await service.updateProject(caller(request), request.params.project_id, request.body), PATCH_SHAPE))
    app.delete('/v3/projects/:project_id', { schema: { params: ProjectIdParamsSchema }, config: iamAction('identity:delete_project') }, async (request, reply) => {
      await service.deleteProject(caller(request), request.params.project_id)
      return reply.status(204).send()
    })
    if (projectTags) {
      app.get('/v3/projects/:project_id/tags', { schema: { params: ProjectIdParamsSchema }, config: iamAction('identity:list_project_tags') }, async (request) => {
        const base = baseUrl(request)
        return wire.projectTags(selfUrl(base, request), await service.listProjectTags(caller(request), request.params.project_id))
      })
      app.put('/v3/projects/:project_id/tags', { schema: { params: ProjectIdParamsSchema, body: ProjectTagsBodySchema }, config: iamAction('identity:update_project_tags') },
        async (request) => {
          const base = baseUrl(request)
          return wire.projectTags(selfUrl(base, request), await service.replaceProjectTags(caller(request), request.params.project_id, request.body.tags))
        })
      app.delete('/v3/projects/:project_id/tags', { schema: { params: ProjectIdParamsSchema }, config: iamAction('identity:delete_project_tags') }, async (request, reply) => {
        await service.replaceProjectTags(caller(request), request.params.project_id, [])
        return reply.status(204).send()
      })
      app.get('/v3/projects/:project_id/tags/:value', { schema: { params: ProjectTagParamsSchema }, config: iamAction('identity:get_project_tag') }, async (request, reply) => {
        await service.checkProjectTag(caller(request), request.params.project_id, request.params.value)
        return reply.status(204).send()
      })
      app.put('/v3/projects/:project_id/tags/:value', { schema: { params: ProjectTagParamsSchema }, config: iamAction('identity:create_project_tag') }, async (request, reply) => {
        const tag = await service.addProjectTag(caller(request), request.params.project_id, request.params.value)
        reply.header('location', `${baseUrl(request)}/v3/projects/${request.params.project_id}/tags/${encodeURIComponent(tag)}`)
        return reply.status(201).send()
      })
      app.delete('/v3/projects/:project_id/tags/:value', { schema: { params: ProjectTagParamsSchema }, config: iamAction('identity:delete_project_tag') }, async (request, reply) => {
        await service.deleteProjectTag(caller(request), request.params.project_id, request.params.value)
        return reply.status(204).send()
      })
    }
    app.get('/v3-ext/projects/:project_id', { schema: { params: ProjectIdParamsSchema }, config: iamAction('identity:get_project_status') },
      async (request) => wire.project(baseUrl(request), await service.getProject(caller(request), request.params.project_id), STATUS_SHAPE))
    app.put('/v3-ext/projects/:project_id', { schema: { params: ProjectIdParamsSchema, body: ProjectStatusBodySchema }, config: iamAction('identity:update_project_status') },
      async (request, reply) => {
        await service.setProjectStatus(caller(request), request.params.project_id, request.body)
        return reply.status(204).send()
      })
  }
}

/** ~300 bytes a project: from this many, a page's answer would pass V8's 128 KiB large-object size. */
const STREAMED_PAGE_ROWS = 400

/** Fixed shapes, so a hot PATCH or status read allocates none. */
const PATCH_SHAPE = { patchResponse: true } as const
const STATUS_SHAPE = { withStatus: true } as const
