/**
 * @module Routes of domain-specific configuration (keystone flavour): path, schema, action
 * (enforced by the hook in http/authenticate.ts), one service call, one envelope from wire.ts.
 * The defaults' routes (`/v3/domains/config/…/default`) share their first segments with a
 * domain's (`/v3/domains/{id}/config…`); the router prefers the literal `config`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction } from '../iam-route-options.js'
import type { DomainConfigService } from './service.js'
import type { DomainConfigWire } from './wire.js'
import {
  DefaultConfigGroupParamsSchema, DefaultConfigOptionParamsSchema, DomainConfigBodySchema, DomainConfigGroupParamsSchema,
  DomainConfigOptionParamsSchema, DomainConfigParamsSchema,
} from './schemas.js'

export interface DomainConfigRouteOptions {
  service: DomainConfigService
  wire: DomainConfigWire
}

export function domainConfigRoutes({ service, wire }: DomainConfigRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    const body = DomainConfigBodySchema

    app.get('/v3/domains/config/default', { config: iamAction('identity:get_domain_config_default') }, async () => wire.config(service.getDefaultConfig()))
    app.get('/v3/domains/config/:group/default', { schema: { params: DefaultConfigGroupParamsSchema }, config: iamAction('identity:get_domain_config_group_default') },
      async (request) => wire.config(service.getDefaultConfig(request.params)))
    app.get('/v3/domains/config/:group/:option/default', { schema: { params: DefaultConfigOptionParamsSchema }, config: iamAction('identity:get_domain_config_option_default') },
      async (request) => wire.config(service.getDefaultConfig(request.params)))

    app.put('/v3/domains/:domain_id/config', { schema: { params: DomainConfigParamsSchema, body }, config: iamAction('identity:create_domain_config') },
      async (request, reply) => {
        const { config, created } = await service.createConfig(caller(request), request.params.domain_id, request.body.config ?? {})
        reply.status(created ? 201 : 200)
        return wire.config(config)
      })
    app.get('/v3/domains/:domain_id/config', { schema: { params: DomainConfigParamsSchema }, config: iamAction('identity:get_domain_config') },
      async (request) => wire.config(await service.getConfig(request.params.domain_id)))
    app.patch('/v3/domains/:domain_id/config', { schema: { params: DomainConfigParamsSchema, body }, config: iamAction('identity:update_domain_config') },
      async (request) => wire.config(await service.updateConfig(caller(request), request.params.domain_id, request.body.config ?? {})))
    app.delete('/v3/domains/:domain_id/config', { schema: { params: DomainConfigParamsSchema }, config: iamAction('identity:delete_domain_config') }, async (request, reply) => {
      await service.deleteConfig(caller(request), request.params.domain_id)
      return reply.status(204).send()
    })

    // A group and an option: the same three operations, each under its own action.
    for (const [path, params, level] of [
      ['/v3/domains/:domain_id/config/:group', DomainConfigGroupParamsSchema, 'group'],
      ['/v3/domains/:domain_id/config/:group/:option', DomainConfigOptionParamsSchema, 'option'],
    ] as const) {
      app.get(path, { schema: { params }, config: iamAction(`identity:get_domain_config_${level}`) }, async (request) => {
        const { domain_id: domainId, ...selection } = request.params
        return wire.config(await service.getConfig(domainId, selection))
      })
      app.patch(path, { schema: { params, body }, config: iamAction(`identity:update_domain_config_${level}`) }, async (request) => {
        const { domain_id: domainId, ...selection } = request.params
        return wire.config(await service.updateConfig(caller(request), domainId, request.body.config ?? {}, selection))
      })
      app.delete(path, { schema: { params }, config: iamAction(`identity:delete_domain_config_${level}`) }, async (request, reply) => {
        const { domain_id: domainId, ...selection } = request.params
        await service.deleteConfig(caller(request), domainId, selection)
        return reply.status(204).send()
      })
    }
  }
}
