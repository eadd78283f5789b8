/**
 * @module Routes of Keystone's credentials and EC2 credentials (keystone flavour only; the clouds'
 * access keys are `/v3.0/OS-CREDENTIAL`). Each handler is: path, schema, action (the hook in
 * http/authenticate.ts authenticates; the service enforces Keystone's owner rules, as they need
 * the stored credential), one service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { KeystoneCredentialService } from './service.js'
import type { KeystoneCredentialWire } from './wire.js'
import {
  CredentialBodySchema, CredentialIdParamsSchema, CredentialListQuerySchema, Ec2CreateBodySchema, Ec2CredentialParamsSchema, Ec2UserParamsSchema,
} from './schemas.js'

export interface KeystoneCredentialRouteOptions extends IamRouteOptions {
  service: KeystoneCredentialService
  wire: KeystoneCredentialWire
}

export function keystoneCredentialRoutes({ service, wire, baseUrl }: KeystoneCredentialRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v3/credentials', { schema: { body: CredentialBodySchema }, config: iamAction('identity:create_keystone_credential') }, async (request, reply) => {
      const created = await service.createCredential(caller(request), request.body)
      reply.status(201)
      return wire.credential(baseUrl(request), created)
    })
    app.get('/v3/credentials', { schema: { querystring: CredentialListQuerySchema }, config: iamAction('identity:list_keystone_credentials') }, async (request) => {
      const base = baseUrl(request)
      return wire.credentialList(base, selfUrl(base, request), await service.listCredentials(caller(request), request.query))
    })
    app.get('/v3/credentials/:credential_id', { schema: { params: CredentialIdParamsSchema }, config: iamAction('identity:get_keystone_credential') },
      async (request) => wire.credential(baseUrl(request), await service.getCredential(caller(request), request.params.credential_id)))
    app.patch('/v3/credentials/:credential_id', { schema: { params: CredentialIdParamsSchema, body: CredentialBodySchema }, config: iamAction('identity:update_keystone_credential') },
      async (request) => wire.credential(baseUrl(request), await service.updateCredential(caller(request), request.params.credential_id, request.body)))
    app.delete('/v3/credentials/:credential_id', { schema: { params: CredentialIdParamsSchema }, config: iamAction('identity:delete_keystone_credential') }, async (request, reply) => {
      await service.deleteCredential(caller(request), request.params.credential_id)
      return reply.status(204).send()
    })

    app.post('/v3/users/:user_id/credentials/OS-EC2', { schema: { params: Ec2UserParamsSchema, body: Ec2CreateBodySchema }, config: iamAction('identity:ec2_create_credential') },
      async (request, reply) => {
        const created = await service.createEc2Credential(caller(request), request.params.user_id, request.body)
        reply.status(201)
        return wire.ec2Credential(baseUrl(request), created)
      })
    app.get('/v3/users/:user_id/credentials/OS-EC2', { schema: { params: Ec2UserParamsSchema }, config: iamAction('identity:ec2_list_credentials') }, async (request) => {
      const base = baseUrl(request)
      return wire.ec2CredentialList(base, selfUrl(base, request), await service.listEc2Credentials(caller(request), request.params.user_id))
    })
    app.get('/v3/users/:user_id/credentials/OS-EC2/:credential_id', { schema: { params: Ec2CredentialParamsSchema }, config: iamAction('identity:ec2_get_credential') },
      async (request) => wire.ec2Credential(baseUrl(request), await service.getEc2Credential(caller(request), request.params.user_id, request.params.credential_id)))
    app.delete('/v3/users/:user_id/credentials/OS-EC2/:credential_id', { schema: { params: Ec2CredentialParamsSchema }, config: iamAction('identity:ec2_delete_credential') },
      async (request, reply) => {
        await service.deleteEc2Credential(caller(request), request.params.user_id, request.params.credential_id)
        return reply.status(204).send()
      })
  }
}
