/**
 * @module Routes of Huawei's user API (`/v3.0/OS-USER/users`), registered only where the flavour
 * has it; their errors are flat (`error_msg`, `error_code`). Each: path, schema, action, one
 * service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import type { OsUserFlavour } from '../../../flavours.js'
import { iamFlatAction, type IamRouteOptions } from '../iam-route-options.js'
import type { OsUserService } from './os-user-service.js'
import type { IdentityWire } from './wire.js'
import { UserIdParamsSchema } from './schemas.js'
import { OsUserCreateBodySchema, OsUserInformationBodySchema, OsUserUpdateBodySchema } from './os-user-schemas.js'

export interface OsUserRouteOptions extends IamRouteOptions {
  service: OsUserService
  wire: IdentityWire
  flavour: OsUserFlavour
}

export function osUserRoutes({ service, wire, baseUrl, flavour }: OsUserRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v3.0/OS-USER/users', { schema: { body: OsUserCreateBodySchema }, config: iamFlatAction('identity:create_os_user') }, async (request, reply) => {
      reply.status(201)
      return wire.osUserCreated(await service.createUser(caller(request), request.body))
    })
    app.get('/v3.0/OS-USER/users/:user_id', { schema: { params: UserIdParamsSchema }, config: iamFlatAction('identity:get_os_user') },
      async (request) => wire.osUserShown(baseUrl(request), await service.showUser(caller(request), request.params.user_id)))
    app.put('/v3.0/OS-USER/users/:user_id', { schema: { params: UserIdParamsSchema, body: OsUserUpdateBodySchema }, config: iamFlatAction('identity:update_os_user') },
      async (request) => wire.osUserUpdated(baseUrl(request), await service.updateUser(caller(request), request.params.user_id, request.body)))
    if (flavour.selfInformation) {
      app.put('/v3.0/OS-USER/users/:user_id/info', { schema: { params: UserIdParamsSchema, body: OsUserInformationBodySchema }, config: iamFlatAction('identity:update_user_information') },
        async (request, reply) => {
          await service.updateUserInformation(caller(request), request.params.user_id, request.body)
          return reply.status(204).send()
        })
    }
  }
}
