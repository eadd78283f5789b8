/**
 * @module Routes of Keystone's policy blobs (`/v3/policies`, keystone flavour): path, schema,
 * action (enforced by the hook in http/authenticate.ts), one service call, one envelope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { PolicyBlobService } from './service.js'
import type { PolicyBlobWire } from './wire.js'
import { PolicyCreateBodySchema, PolicyIdParamsSchema, PolicyListQuerySchema, PolicyUpdateBodySchema } from './schemas.js'

export interface PolicyBlobRouteOptions extends IamRouteOptions {
  service: PolicyBlobService
  wire: PolicyBlobWire
}

export function policyBlobRoutes({ service, wire, baseUrl }: PolicyBlobRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v3/policies', { schema: { body: PolicyCreateBodySchema }, config: iamAction('identity:create_policy') }, async (request, reply) => {
      const created = await service.createPolicy(caller(request), request.body)
      reply.status(201)
      return wire.policy(baseUrl(request), created)
    })
    app.get('/v3/policies', { schema: { querystring: PolicyListQuerySchema }, config: iamAction('identity:list_policies') }, async (request) => {
      const base = baseUrl(request)
      return wire.policyList(base, selfUrl(base, request), await service.listPolicies(request.query))
    })
    app.get('/v3/policies/:policy_id', { schema: { params: PolicyIdParamsSchema }, config: iamAction('identity:get_policy') },
      async (request) => wire.policy(baseUrl(request), await service.getPolicy(request.params.policy_id)))
    app.patch('/v3/policies/:policy_id', { schema: { params: PolicyIdParamsSchema, body: PolicyUpdateBodySchema }, config: iamAction('identity:update_policy') },
      async (request) => wire.policy(baseUrl(request), await service.updatePolicy(caller(request), request.params.policy_id, request.body)))
    app.delete('/v3/policies/:policy_id', { schema: { params: PolicyIdParamsSchema }, config: iamAction('identity:delete_policy') }, async (request, reply) => {
      await service.deletePolicy(caller(request), request.params.policy_id)
      return reply.status(204).send()
    })
  }
}
