/**
 * @module Routes of application credentials and access rules (keystone flavour), under the user.
 * Each handler is: path, schema, action (the hook in http/authenticate.ts authenticates and, unless
 * the service must first find the credential's owner, enforces it), one service call, one envelope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { ApplicationCredentialService } from './service.js'
import type { ApplicationCredentialWire } from './wire.js'
import {
  AccessRuleListQuerySchema, AccessRuleParamsSchema, ApplicationCredentialCreateBodySchema, ApplicationCredentialListQuerySchema,
  ApplicationCredentialParamsSchema, UserParamsSchema,
} from './schemas.js'

export interface ApplicationCredentialRouteOptions extends IamRouteOptions {
  service: ApplicationCredentialService
  wire: ApplicationCredentialWire
}

export function applicationCredentialRoutes({ service, wire, baseUrl }: ApplicationCredentialRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    const credentials = '/v3/users/:user_id/application_credentials'
    app.post(credentials, { schema: { params: UserParamsSchema, body: ApplicationCredentialCreateBodySchema }, config: iamAction('identity:create_application_credential') },
      async (request, reply) => {
        const created = await service.createApplicationCredential(caller(request), request.params.user_id, request.body)
        reply.status(201)
        return wire.created(baseUrl(request), created)
      })
    app.get(credentials, { schema: { params: UserParamsSchema, querystring: ApplicationCredentialListQuerySchema }, config: iamAction('identity:list_application_credentials') },
      async (request) => wire.applicationCredentialList(baseUrl(request), selfUrl(baseUrl(request), request),
        await service.listApplicationCredentials(request.params.user_id, request.query.name)))
    app.get(`${credentials}/:application_credential_id`, { schema: { params: ApplicationCredentialParamsSchema }, config: iamAction('identity:get_application_credential') },
      async (request) => wire.applicationCredential(baseUrl(request),
        await service.getApplicationCredential(caller(request), request.params.user_id, request.params.application_credential_id)))
    app.delete(`${credentials}/:application_credential_id`, { schema: { params: ApplicationCredentialParamsSchema }, config: iamAction('identity:delete_application_credential') },
      async (request, reply) => {
        await service.deleteApplicationCredential(caller(request), request.params.user_id, request.params.application_credential_id)
        return reply.status(204).send()
      })

    const rules = '/v3/users/:user_id/access_rules'
    app.get(rules, { schema: { params: UserParamsSchema, querystring: AccessRuleListQuerySchema }, config: iamAction('identity:list_access_rules') },
      async (request) => wire.accessRuleList(baseUrl(request), selfUrl(baseUrl(request), request),
        await service.listAccessRules(caller(request), request.params.user_id, request.query)))
    app.get(`${rules}/:access_rule_id`, { schema: { params: AccessRuleParamsSchema }, config: iamAction('identity:get_access_rule') },
      async (request) => wire.accessRule(baseUrl(request), await service.getAccessRule(caller(request), request.params.user_id, request.params.access_rule_id)))
    app.delete(`${rules}/:access_rule_id`, { schema: { params: AccessRuleParamsSchema }, config: iamAction('identity:delete_access_rule') },
      async (request, reply) => {
        await service.deleteAccessRule(caller(request), request.params.user_id, request.params.access_rule_id)
        return reply.status(204).send()
      })
  }
}
