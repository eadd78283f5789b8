/**
 * @module Routes of quotas (`OS-QUOTA`), on the clouds only (Keystone has none: its 404). Each
 * handler is: path, schema, action (the hook in http/authenticate.ts authenticates and enforces
 * it), one service call, one envelope from wire.ts. Errors here are the clouds' flat
 * `{"error_msg", "error_code"}`, which the service throws as coded errors.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction } from '../iam-route-options.js'
import type { QuotaService } from './service.js'
import type { QuotaWire } from './wire.js'
import { DomainQuotaParamsSchema, DomainQuotaQuerySchema, ProjectQuotaParamsSchema } from './schemas.js'

export interface QuotaRouteOptions {
  service: QuotaService
  wire: QuotaWire
  /** Whether the flavour has OS-QUOTA at all. */
  enabled: boolean
}

export function quotaRoutes({ service, wire, enabled }: QuotaRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    if (!enabled) return
    app.get('/v3.0/OS-QUOTA/domains/:domain_id', { schema: { params: DomainQuotaParamsSchema, querystring: DomainQuotaQuerySchema }, config: iamAction('identity:show_domain_quota') },
      async (request) => wire.quotas(await service.domainQuota(caller(request), request.params.domain_id, request.query.type)))
    app.get('/v3.0/OS-QUOTA/projects/:project_id', { schema: { params: ProjectQuotaParamsSchema }, config: iamAction('identity:show_project_quota') },
      async (request) => wire.quotas(await service.projectQuota(caller(request), request.params.project_id)))
  }
}
