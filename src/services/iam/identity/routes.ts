/**
 * @module Routes of users, groups, group memberships and password changes. Each handler is:
 * path, schema, action (the hook in http/authenticate.ts authenticates and enforces it), one service call, one
 * envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { IdentityService } from './service.js'
import type { IdentityWire } from './wire.js'
import type { OsUserFlavour } from '../../../flavours.js'
import type { OsUserService } from './os-user-service.js'
import { osUserRoutes } from './os-user-routes.js'
import {
  GroupCreateBodySchema, GroupIdParamsSchema, GroupListQuerySchema, GroupMemberParamsSchema, GroupUpdateBodySchema,
  PasswordChangeBodySchema, UserCreateBodySchema, UserIdParamsSchema, UserListQuerySchema, UserUpdateBodySchema,
} from './schemas.js'

export interface IdentityRouteOptions extends IamRouteOptions {
  service: IdentityService
  wire: IdentityWire
  /** Huawei's user API, where the flavour has it. */
  osUser?: { service: OsUserService; flavour: OsUserFlavour }
}

export function identityRoutes({ service, wire, baseUrl, osUser }: IdentityRouteOptions): FastifyPluginAsyncTypebox {
  return async (app, options) => {
    if (osUser) await osUserRoutes({ ...osUser, wire, baseUrl })(app, options)

    // ---- users
    app.get('/v3/users', { schema: { querystring: UserListQuerySchema }, config: iamAction('identity:list_users') }, async (request) => {
      const base = baseUrl(request)
      return wire.userList(base, selfUrl(base, request), await service.listUsers(caller(request), request.query))
    })
    app.post('/v3/users', { schema: { body: UserCreateBodySchema }, config: iamAction('identity:create_user') }, async (request, reply) => {
      reply.status(201)
      return wire.user(baseUrl(request), await service.createUser(caller(request), request.body))
    })
    app.get('/v3/users/:user_id', { schema: { params: UserIdParamsSchema }, config: iamAction('identity:get_user') },
      async (request) => wire.user(baseUrl(request), await service.getUser(caller(request), request.params.user_id)))
    app.patch('/v3/users/:user_id', { schema: { params: UserIdParamsSchema, body: UserUpdateBodySchema }, config: iamAction('identity:update_user') },
      async (request) => wire.user(baseUrl(request), await service.updateUser(caller(request), request.params.user_id, request.body)))
    app.delete('/v3/users/:user_id', { schema: { params: UserIdParamsSchema }, config: iamAction('identity:delete_user') }, async (request, reply) => {
      await service.deleteUser(caller(request), request.params.user_id)
      return reply.status(204).send()
    })
    app.post('/v3/users/:user_id/password', { schema: { params: UserIdParamsSchema, body: PasswordChangeBodySchema }, config: iamAction('identity:change_password') },
      async (request, reply) => {
        await service.changePassword(caller(request), request.params.user_id, request.body)
        return reply.status(204).send()
      })
    app.get('/v3/users/:user_id/groups', { schema: { params: UserIdParamsSchema }, config: iamAction('identity:list_groups_for_user') }, async (request) => {
      const base = baseUrl(request)
      return wire.groupList(base, selfUrl(base, request), await service.listGroupsOfUser(caller(request), request.params.user_id))
    })

    // ---- groups
    app.get('/v3/groups', { schema: { querystring: GroupListQuerySchema }, config: iamAction('identity:list_groups') }, async (request) => {
      const base = baseUrl(request)
      return wire.groupList(base, selfUrl(base, request), await service.listGroups(caller(request), request.query))
    })
    app.post('/v3/groups', { schema: { body: GroupCreateBodySchema }, config: iamAction('identity:create_group') }, async (request, reply) => {
      reply.status(201)
      return wire.group(baseUrl(request), await service.createGroup(caller(request), request.body))
    })
    app.get('/v3/groups/:group_id', { schema: { params: GroupIdParamsSchema }, config: iamAction('identity:get_group') },
      async (request) => wire.group(baseUrl(request), await service.getGroup(caller(request), request.params.group_id)))
    app.patch('/v3/groups/:group_id', { schema: { params: GroupIdParamsSchema, body: GroupUpdateBodySchema }, config: iamAction('identity:update_group') },
      async (request) => wire.group(baseUrl(request), await service.updateGroup(caller(request), request.params.group_id, request.body)))
    app.delete('/v3/groups/:group_id', { schema: { params: GroupIdParamsSchema }, config: iamAction('identity:delete_group') }, async (request, reply) => {
      await service.deleteGroup(caller(request), request.params.group_id)
      return reply.status(204).send()
    })

    // ---- memberships
    app.get('/v3/groups/:group_id/users', { schema: { params: GroupIdParamsSchema }, config: iamAction('identity:list_users_in_group') }, async (request) => {
      const base = baseUrl(request)
      return wire.userList(base, selfUrl(base, request), await service.listGroupMembers(caller(request), request.params.group_id))
    })
    app.put('/v3/groups/:group_id/users/:user_id', { schema: { params: GroupMemberParamsSchema }, config: iamAction('identity:add_user_to_group') },
      async (request, reply) => {
        await service.addGroupMember(caller(request), request.params.group_id, request.params.user_id)
        return reply.status(204).send()
      })
    app.head('/v3/groups/:group_id/users/:user_id', { schema: { params: GroupMemberParamsSchema }, config: iamAction('identity:check_user_in_group') },
      async (request, reply) => {
        await service.checkGroupMember(caller(request), request.params.group_id, request.params.user_id)
        return reply.status(204).send()
      })
    app.delete('/v3/groups/:group_id/users/:user_id', { schema: { params: GroupMemberParamsSchema }, config: iamAction('identity:remove_user_from_group') },
      async (request, reply) => {
        await service.removeGroupMember(caller(request), request.params.group_id, request.params.user_id)
        return reply.status(204).send()
      })
  }
}
