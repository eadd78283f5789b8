/**
 * @module IAM routes. Each handler is: path, schema, action (the hook in app.ts authenticates
 * and enforces it), one service call, one envelope. Nothing else belongs here.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { caller } from '../../http/caller.js'
import type { IamService } from './service.js'
import { collectionLinks, type IamWire } from './wire.js'
import {
  DomainCreateBodySchema, DomainIdParamsSchema, DomainListQuerySchema, DomainUpdateBodySchema, NocatalogQuerySchema,
  ProjectCreateBodySchema, ProjectIdParamsSchema, ProjectListQuerySchema, ProjectStatusBodySchema, ProjectUpdateBodySchema,
  RegionIdParamsSchema, TokenRequestSchema, UserIdParamsSchema,
} from './schemas.js'

export interface IamRouteDeps {
  service: IamService
  wire: IamWire
  baseUrl(request: FastifyRequest): string
  /** What `GET /` answers for an `eps.*` host name (EPS has its own endpoint on the clouds). */
  epsVersions?(base: string): unknown
}

export function selfUrl(base: string, request: FastifyRequest): string {
  return `${base}${request.url}`
}

export function iamRoutes({ service, wire, baseUrl, epsVersions }: IamRouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const iam = { service: 'iam' as const }

    // ---- versions: keystoneauth discovers the identity API here before anything else.
    app.get('/', { config: { ...iam, action: 'identity:get_version' } }, async (request, reply) => {
      if (epsVersions && /^eps\./i.test(request.host)) return epsVersions(baseUrl(request))
      reply.status(300)
      return { versions: { values: [wire.version(baseUrl(request))] } }
    })
    app.get('/v3', { config: { ...iam, action: 'identity:get_version_v3' } }, async (request) => ({ version: wire.version(baseUrl(request)) }))

    // ---- tokens
    app.post('/v3/auth/tokens', { schema: { body: TokenRequestSchema, querystring: NocatalogQuerySchema }, config: { ...iam, action: 'identity:issue_token' } },
      async (request, reply) => {
        const issued = await service.issueToken(request.body)
        const regions = await service.listRegions()
        reply.status(201).header('x-subject-token', issued.token)
        return wire.token(baseUrl(request), issued.ctx, regions, !request.query.nocatalog)
      })
    app.head('/v3/auth/tokens', { config: { ...iam, action: 'identity:check_token' } }, async (request, reply) => {
      const subject = request.headers['x-subject-token'] as string | undefined
      await service.validateSubjectToken(caller(request), subject, 'identity:check_token')
      reply.status(200).header('x-subject-token', subject)
      return reply.send()
    })
    app.get('/v3/auth/tokens', { schema: { querystring: NocatalogQuerySchema }, config: { ...iam, action: 'identity:validate_token' } },
      async (request, reply) => {
        const subject = request.headers['x-subject-token'] as string | undefined
        const ctx = await service.validateSubjectToken(caller(request), subject, 'identity:validate_token')
        reply.header('x-subject-token', subject)
        return wire.token(baseUrl(request), ctx, await service.listRegions(), !request.query.nocatalog)
      })
    app.delete('/v3/auth/tokens', { config: { ...iam, action: 'identity:revoke_token' } }, async (request, reply) => {
      await service.revokeSubjectToken(caller(request), request.headers['x-subject-token'] as string | undefined)
      return reply.status(204).send()
    })

    // ---- regions
    app.get('/v3/regions', { config: { ...iam, action: 'identity:list_regions' } }, async (request) => {
      const base = baseUrl(request)
      return { links: collectionLinks(base, selfUrl(base, request)), regions: (await service.listRegions()).map((r) => wire.region(base, r)) }
    })
    app.get('/v3/regions/:region_id', { schema: { params: RegionIdParamsSchema }, config: { ...iam, action: 'identity:get_region' } },
      async (request) => ({ region: wire.region(baseUrl(request), await service.getRegion(request.params.region_id)) }))

    // ---- what the caller can reach
    app.get('/v3/auth/domains', { config: { ...iam, action: 'identity:get_auth_domains' } }, async (request) => {
      const base = baseUrl(request)
      return { links: collectionLinks(base, selfUrl(base, request)), domains: (await service.listAuthDomains(caller(request))).map((d) => wire.domain(base, d)) }
    })
    app.get('/v3/auth/projects', { config: { ...iam, action: 'identity:get_auth_projects' } }, async (request) => {
      const base = baseUrl(request)
      return wire.projectList(base, selfUrl(base, request), { projects: await service.listAuthProjects(caller(request)) })
    })
    app.get('/v3/users/:user_id/projects', { schema: { params: UserIdParamsSchema }, config: { ...iam, action: 'identity:list_user_projects' } },
      async (request) => {
        const base = baseUrl(request)
        return wire.projectList(base, selfUrl(base, request), { projects: await service.listUserProjects(caller(request), request.params.user_id) })
      })

    // ---- domains (accounts)
    app.get('/v3/domains', { schema: { querystring: DomainListQuerySchema }, config: { ...iam, action: 'identity:list_domains' } }, async (request) => {
      const base = baseUrl(request)
      const domains = await service.listDomains(caller(request), request.query)
      return { links: collectionLinks(base, selfUrl(base, request)), domains: domains.map((d) => wire.domain(base, d)) }
    })
    app.get('/v3/domains/:domain_id', { schema: { params: DomainIdParamsSchema }, config: { ...iam, action: 'identity:get_domain' } },
      async (request) => ({ domain: wire.domain(baseUrl(request), await service.getDomain(caller(request), request.params.domain_id)) }))
    app.post('/v3/domains', { schema: { body: DomainCreateBodySchema }, config: { ...iam, action: 'identity:create_domain' } }, async (request, reply) => {
      reply.status(201)
      return { domain: wire.domain(baseUrl(request), await service.createDomain(caller(request), request.body)) }
    })
    app.patch('/v3/domains/:domain_id', { schema: { params: DomainIdParamsSchema, body: DomainUpdateBodySchema }, config: { ...iam, action: 'identity:update_domain' } },
      async (request) => ({ domain: wire.domain(baseUrl(request), await service.updateDomain(caller(request), request.params.domain_id, request.body)) }))
    app.delete('/v3/domains/:domain_id', { schema: { params: DomainIdParamsSchema }, config: { ...iam, action: 'identity:delete_domain' } }, async (request, reply) => {
      await service.deleteDomain(caller(request), request.params.domain_id)
      return reply.status(204).send()
    })

    // ---- projects
    app.get('/v3/projects', { schema: { querystring: ProjectListQuerySchema }, config: { ...iam, action: 'identity:list_projects' } }, async (request) => {
      const base = baseUrl(request)
      return wire.projectList(base, selfUrl(base, request), await service.listProjects(caller(request), request.query))
    })
    app.post('/v3/projects', { schema: { body: ProjectCreateBodySchema }, config: { ...iam, action: 'identity:create_project' } }, async (request, reply) => {
      reply.status(201)
      return { project: wire.project(baseUrl(request), await service.createProject(caller(request), request.body)) }
    })
    app.get('/v3/projects/:project_id', { schema: { params: ProjectIdParamsSchema }, config: { ...iam, action: 'identity:get_project' } },
      async (request) => ({ project: wire.project(baseUrl(request), await service.getProject(caller(request), request.params.project_id)) }))
    app.patch('/v3/projects/:project_id', { schema: { params: ProjectIdParamsSchema, body: ProjectUpdateBodySchema }, config: { ...iam, action: 'identity:update_project' } },
      async (request) => {
        const updated = await service.updateProject(caller(request), request.params.project_id, request.body)
        return { project: wire.project(baseUrl(request), updated, { patchResponse: true }) }
      })
    app.delete('/v3/projects/:project_id', { schema: { params: ProjectIdParamsSchema }, config: { ...iam, action: 'identity:delete_project' } }, async (request, reply) => {
      await service.deleteProject(caller(request), request.params.project_id)
      return reply.status(204).send()
    })
    app.get('/v3-ext/projects/:project_id', { schema: { params: ProjectIdParamsSchema }, config: { ...iam, action: 'identity:get_project_status' } },
      async (request) => ({ project: wire.project(baseUrl(request), await service.getProject(caller(request), request.params.project_id), { withStatus: true }) }))
    app.put('/v3-ext/projects/:project_id', { schema: { params: ProjectIdParamsSchema, body: ProjectStatusBodySchema }, config: { ...iam, action: 'identity:update_project_status' } },
      async (request, reply) => {
        await service.setProjectStatus(caller(request), request.params.project_id, request.body)
        return reply.status(204).send()
      })
  }
}
