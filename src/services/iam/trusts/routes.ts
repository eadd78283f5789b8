/**
 * @module Routes of trusts (OS-TRUST), registered in the keystone flavour only. The policies
 * depend on the trust (its trustor and trustee), so the service checks them; the routes' rule
 * only asks for a token.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { TrustService } from './service.js'
import type { TrustWire } from './wire.js'
import { TrustCreateBodySchema, TrustIdParamsSchema, TrustListQuerySchema, TrustRoleParamsSchema } from './schemas.js'

export interface TrustRouteOptions extends IamRouteOptions {
  service: TrustService
  wire: TrustWire
}

const TRUSTS = '/v3/OS-TRUST/trusts'

export function trustRoutes({ service, wire, baseUrl }: TrustRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(TRUSTS, {
      schema: { body: TrustCreateBodySchema }, config: iamAction('identity:create_trust'),
      // Keystone refuses a caller who is not the trustor before it looks at the rest of the body.
      preValidation: async (request) => service.assertTrustor(caller(request), request.body),
    }, async (request, reply) => {
      const created = await service.createTrust(caller(request), request.body)
      reply.status(201)
      return wire.trust(baseUrl(request), created)
    })
    app.get(TRUSTS, { schema: { querystring: TrustListQuerySchema }, config: iamAction('identity:list_trusts') }, async (request) => {
      const base = baseUrl(request)
      return wire.trustList(base, selfUrl(base, request), await service.listTrusts(caller(request), request.query))
    })
    app.get(`${TRUSTS}/:trust_id`, { schema: { params: TrustIdParamsSchema }, config: iamAction('identity:get_trust') },
      async (request) => wire.trust(baseUrl(request), await service.getTrust(caller(request), request.params.trust_id)))
    app.delete(`${TRUSTS}/:trust_id`, { schema: { params: TrustIdParamsSchema }, config: iamAction('identity:delete_trust') }, async (request, reply) => {
      await service.deleteTrust(caller(request), request.params.trust_id)
      return reply.status(204).send()
    })
    app.get(`${TRUSTS}/:trust_id/roles`, { schema: { params: TrustIdParamsSchema }, config: iamAction('identity:list_roles_for_trust') },
      async (request) => wire.trustRoles(baseUrl(request), await service.listTrustRoles(caller(request), request.params.trust_id)))
    app.get(`${TRUSTS}/:trust_id/roles/:role_id`, { schema: { params: TrustRoleParamsSchema }, config: iamAction('identity:get_role_for_trust') },
      async (request) => wire.role(baseUrl(request), await service.getTrustRole(caller(request), request.params.trust_id, request.params.role_id)))
  }
}
