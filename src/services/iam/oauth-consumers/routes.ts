/**
 * @module Routes of OS-OAUTH1 consumers (keystone flavour): path, schema, action (enforced by
 * the hook in http/authenticate.ts), one service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { OauthConsumerService } from './service.js'
import type { OauthConsumerWire } from './wire.js'
import { ConsumerCreateBodySchema, ConsumerIdParamsSchema, ConsumerUpdateBodySchema } from './schemas.js'

export interface OauthConsumerRouteOptions extends IamRouteOptions {
  service: OauthConsumerService
  wire: OauthConsumerWire
}

export function oauthConsumerRoutes({ service, wire, baseUrl }: OauthConsumerRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v3/OS-OAUTH1/consumers', { schema: { body: ConsumerCreateBodySchema }, config: iamAction('identity:create_consumer') }, async (request, reply) => {
      const { row, secret } = await service.createConsumer(caller(request), request.body)
      reply.status(201)
      return wire.consumer(baseUrl(request), row, secret)
    })
    app.get('/v3/OS-OAUTH1/consumers', { config: iamAction('identity:list_consumers') }, async (request) => {
      const base = baseUrl(request)
      return wire.consumerList(base, selfUrl(base, request), await service.listConsumers())
    })
    app.get('/v3/OS-OAUTH1/consumers/:consumer_id', { schema: { params: ConsumerIdParamsSchema }, config: iamAction('identity:get_consumer') },
      async (request) => wire.consumer(baseUrl(request), await service.getConsumer(request.params.consumer_id)))
    app.patch('/v3/OS-OAUTH1/consumers/:consumer_id', { schema: { params: ConsumerIdParamsSchema, body: ConsumerUpdateBodySchema }, config: iamAction('identity:update_consumer') },
      async (request) => wire.consumer(baseUrl(request), await service.updateConsumer(caller(request), request.params.consumer_id, request.body)))
    app.delete('/v3/OS-OAUTH1/consumers/:consumer_id', { schema: { params: ConsumerIdParamsSchema }, config: iamAction('identity:delete_consumer') }, async (request, reply) => {
      await service.deleteConsumer(caller(request), request.params.consumer_id)
      return reply.status(204).send()
    })
  }
}
