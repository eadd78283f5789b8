/**
 * @module Routes of access keys (`OS-CREDENTIAL`): permanent keys and temporary ones with a
 * security token. Each handler is: path, schema, action (the hook in http/authenticate.ts authenticates and
 * enforces it), one service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction } from '../iam-route-options.js'
import type { CredentialService } from './service.js'
import type { CredentialWire } from './wire.js'
import {
  AccessKeyParamsSchema, CredentialCreateBodySchema, CredentialListQuerySchema, CredentialUpdateBodySchema, SecurityTokenBodySchema,
} from './schemas.js'

export interface CredentialRouteOptions {
  service: CredentialService
  wire: CredentialWire
}

export function credentialRoutes({ service, wire }: CredentialRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v3.0/OS-CREDENTIAL/credentials', { schema: { body: CredentialCreateBodySchema }, config: iamAction('identity:create_credential') },
      async (request, reply) => {
        reply.status(201)
        return wire.created(await service.create(caller(request), request.body))
      })
    app.get('/v3.0/OS-CREDENTIAL/credentials', { schema: { querystring: CredentialListQuerySchema }, config: iamAction('identity:list_credentials') },
      async (request) => wire.credentialList(await service.list(caller(request), request.query.user_id)))
    app.get('/v3.0/OS-CREDENTIAL/credentials/:access_key', { schema: { params: AccessKeyParamsSchema }, config: iamAction('identity:get_credential') },
      async (request) => wire.credentialWithLastUse(await service.get(caller(request), request.params.access_key)))
    app.put('/v3.0/OS-CREDENTIAL/credentials/:access_key', { schema: { params: AccessKeyParamsSchema, body: CredentialUpdateBodySchema }, config: iamAction('identity:update_credential') },
      async (request) => wire.credential(await service.update(caller(request), request.params.access_key, request.body)))
    app.delete('/v3.0/OS-CREDENTIAL/credentials/:access_key', { schema: { params: AccessKeyParamsSchema }, config: iamAction('identity:delete_credential') },
      async (request, reply) => {
        await service.delete(caller(request), request.params.access_key)
        return reply.status(204).send()
      })
    app.post('/v3.0/OS-CREDENTIAL/securitytokens', { schema: { body: SecurityTokenBodySchema }, config: iamAction('identity:create_security_token') },
      async (request, reply) => {
        reply.status(201)
        return wire.temporaryCreated(await service.createTemporary(caller(request), request.body))
      })
  }
}
