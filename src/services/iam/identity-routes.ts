/**
 * @module Identity routes of IAM: users, groups, roles, custom policies (OS-ROLE), grants on the
 * account, projects and enterprise projects (OS-INHERIT, OS-PERMISSION), role assignments. Same
 * shape as routes.ts: path, schema, action, one service call, one envelope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { GRANT_ROUTE_FAMILIES, grantOperations, type GrantRouteFamily } from '../../auth/policies/iam.js'
import type { IdentityService } from './identity-service.js'
import type { RoleService, GrantRef } from './role-service.js'
import type { IamStore } from './store.js'
import type { CredentialService } from './credential-service.js'
import type { CredentialRow } from '../../db/schema.js'
import type { AuthContext } from '../../auth/auth-context.js'
import { collectionLinks, type AssignmentNames, type IamWire, type NamedEntity } from './wire.js'
import { caller } from '../../http/caller.js'
import { selfUrl } from './routes.js'
import {
  AccessKeyParamsSchema, CredentialCreateBodySchema, CredentialListQuerySchema, CredentialUpdateBodySchema, SecurityTokenBodySchema,
  CustomRoleCreateBodySchema, CustomRoleUpdateBodySchema, EnterpriseProjectParamsSchema, GrantParamsSchema,
  GroupCreateBodySchema, GroupIdParamsSchema, GroupListQuerySchema, GroupMemberParamsSchema, GroupUpdateBodySchema,
  PagingQuerySchema, PasswordChangeBodySchema, RoleAssignmentQuerySchema, RoleIdParamsSchema, RoleListQuerySchema,
  UserCreateBodySchema, UserIdParamsSchema, UserListQuerySchema, UserUpdateBodySchema, type GrantParams,
} from './schemas.js'

export interface IdentityRouteDeps {
  identity: IdentityService
  roles: RoleService
  credentials: CredentialService
  /** Validates a token given in a request body (temporary access keys). */
  checkToken(token: string): Promise<AuthContext>
  /** Names for `include_names` on role assignments. */
  store: IamStore
  wire: IamWire
  baseUrl(request: FastifyRequest): string
}

function grantRef(f: GrantRouteFamily, params: GrantParams): GrantRef {
  return {
    actorType: f.actorType,
    actorId: (f.actorType === 'group' ? params.group_id : params.user_id) ?? '',
    targetType: f.targetType,
    targetId: params[f.targetParam] ?? '',
    inherited: f.inherited,
  }
}

export function identityRoutes({ identity, roles, credentials, checkToken, store, wire, baseUrl }: IdentityRouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const iam = { service: 'iam' as const }
    const noContent = (reply: FastifyReply) => reply.status(204).send()
    // ---- users
    const list = (request: FastifyRequest, key: string, items: unknown[]) => ({ [key]: items, links: collectionLinks(baseUrl(request), selfUrl(baseUrl(request), request)) })
    app.get('/v3/users', { schema: { querystring: UserListQuerySchema }, config: { ...iam, action: 'identity:list_users' } },
      async (request) => list(request, 'users', (await identity.listUsers(caller(request), request.query)).map((u) => wire.user(baseUrl(request), u))))
    app.post('/v3/users', { schema: { body: UserCreateBodySchema }, config: { ...iam, action: 'identity:create_user' } }, async (request, reply) => {
      reply.status(201)
      return { user: wire.user(baseUrl(request), await identity.createUser(caller(request), request.body)) }
    })
    app.get('/v3/users/:user_id', { schema: { params: UserIdParamsSchema }, config: { ...iam, action: 'identity:get_user' } },
      async (request) => ({ user: wire.user(baseUrl(request), await identity.getUser(caller(request), request.params.user_id)) }))
    app.patch('/v3/users/:user_id', { schema: { params: UserIdParamsSchema, body: UserUpdateBodySchema }, config: { ...iam, action: 'identity:update_user' } },
      async (request) => ({ user: wire.user(baseUrl(request), await identity.updateUser(caller(request), request.params.user_id, request.body)) }))
    app.delete('/v3/users/:user_id', { schema: { params: UserIdParamsSchema }, config: { ...iam, action: 'identity:delete_user' } }, async (request, reply) => {
      await identity.deleteUser(caller(request), request.params.user_id)
      return reply.status(204).send()
    })
    app.post('/v3/users/:user_id/password', { schema: { params: UserIdParamsSchema, body: PasswordChangeBodySchema }, config: { ...iam, action: 'identity:change_password' } },
      async (request, reply) => {
        await identity.changePassword(caller(request), request.params.user_id, request.body)
        return reply.status(204).send()
      })
    app.get('/v3/users/:user_id/groups', { schema: { params: UserIdParamsSchema }, config: { ...iam, action: 'identity:list_groups_for_user' } },
      async (request) => list(request, 'groups', (await identity.listGroupsOfUser(caller(request), request.params.user_id)).map((g) => wire.group(baseUrl(request), g))))

    // ---- groups
    app.get('/v3/groups', { schema: { querystring: GroupListQuerySchema }, config: { ...iam, action: 'identity:list_groups' } },
      async (request) => list(request, 'groups', (await identity.listGroups(caller(request), request.query)).map((g) => wire.group(baseUrl(request), g))))
    app.post('/v3/groups', { schema: { body: GroupCreateBodySchema }, config: { ...iam, action: 'identity:create_group' } }, async (request, reply) => {
      reply.status(201)
      return { group: wire.group(baseUrl(request), await identity.createGroup(caller(request), request.body)) }
    })
    app.get('/v3/groups/:group_id', { schema: { params: GroupIdParamsSchema }, config: { ...iam, action: 'identity:get_group' } },
      async (request) => ({ group: wire.group(baseUrl(request), await identity.getGroup(caller(request), request.params.group_id)) }))
    app.patch('/v3/groups/:group_id', { schema: { params: GroupIdParamsSchema, body: GroupUpdateBodySchema }, config: { ...iam, action: 'identity:update_group' } },
      async (request) => ({ group: wire.group(baseUrl(request), await identity.updateGroup(caller(request), request.params.group_id, request.body)) }))
    app.delete('/v3/groups/:group_id', { schema: { params: GroupIdParamsSchema }, config: { ...iam, action: 'identity:delete_group' } }, async (request, reply) => {
      await identity.deleteGroup(caller(request), request.params.group_id)
      return reply.status(204).send()
    })
    app.get('/v3/groups/:group_id/users', { schema: { params: GroupIdParamsSchema }, config: { ...iam, action: 'identity:list_users_in_group' } },
      async (request) => list(request, 'users', (await identity.listGroupMembers(caller(request), request.params.group_id)).map((u) => wire.user(baseUrl(request), u))))
    app.put('/v3/groups/:group_id/users/:user_id', { schema: { params: GroupMemberParamsSchema }, config: { ...iam, action: 'identity:add_user_to_group' } },
      async (request, reply) => {
        await identity.addGroupMember(caller(request), request.params.group_id, request.params.user_id)
        return reply.status(204).send()
      })
    app.head('/v3/groups/:group_id/users/:user_id', { schema: { params: GroupMemberParamsSchema }, config: { ...iam, action: 'identity:check_user_in_group' } },
      async (request, reply) => {
        await identity.checkGroupMember(caller(request), request.params.group_id, request.params.user_id)
        return reply.status(204).send()
      })
    app.delete('/v3/groups/:group_id/users/:user_id', { schema: { params: GroupMemberParamsSchema }, config: { ...iam, action: 'identity:remove_user_from_group' } },
      async (request, reply) => {
        await identity.removeGroupMember(caller(request), request.params.group_id, request.params.user_id)
        return reply.status(204).send()
      })

    // ---- roles
    app.get('/v3/roles', { schema: { querystring: RoleListQuerySchema }, config: { ...iam, action: 'identity:list_roles' } }, async (request) => {
      const base = baseUrl(request)
      return wire.roleList(base, selfUrl(base, request), await roles.listRoles(caller(request), request.query))
    })
    app.get('/v3/roles/:role_id', { schema: { params: RoleIdParamsSchema }, config: { ...iam, action: 'identity:get_role' } },
      async (request) => ({ role: wire.role(baseUrl(request), await roles.getRole(caller(request), request.params.role_id)) }))

    // ---- custom policies
    app.get('/v3.0/OS-ROLE/roles', { schema: { querystring: PagingQuerySchema }, config: { ...iam, action: 'identity:list_custom_policies' } }, async (request) => {
      const base = baseUrl(request)
      const page = await roles.listCustomRoles(caller(request), request.query)
      return wire.roleList(base, selfUrl(base, request), page, await roles.references(page.roles.map((r) => r.id)))
    })
    app.post('/v3.0/OS-ROLE/roles', { schema: { body: CustomRoleCreateBodySchema }, config: { ...iam, action: 'identity:create_custom_policy' } },
      async (request, reply) => {
        reply.status(201)
        return { role: wire.role(baseUrl(request), await roles.createCustomRole(caller(request), request.body)) }
      })
    app.get('/v3.0/OS-ROLE/roles/:role_id', { schema: { params: RoleIdParamsSchema }, config: { ...iam, action: 'identity:get_custom_policy' } }, async (request) => {
      const role = await roles.getCustomRole(caller(request), request.params.role_id)
      return { role: wire.role(baseUrl(request), role, { references: (await roles.references([role.id])).get(role.id) ?? 0 }) }
    })
    app.patch('/v3.0/OS-ROLE/roles/:role_id', { schema: { params: RoleIdParamsSchema, body: CustomRoleUpdateBodySchema }, config: { ...iam, action: 'identity:update_custom_policy' } },
      async (request) => ({ role: wire.role(baseUrl(request), await roles.updateCustomRole(caller(request), request.params.role_id, request.body)) }))
    app.delete('/v3.0/OS-ROLE/roles/:role_id', { schema: { params: RoleIdParamsSchema }, config: { ...iam, action: 'identity:delete_custom_policy' } }, async (request) => {
      await roles.deleteCustomRole(caller(request), request.params.role_id)
      return { message: 'Delete success' }
    })

    // ---- grants: every family's PUT, HEAD, DELETE and GET, generated from the policy data
    for (const family of GRANT_ROUTE_FAMILIES) {
      for (const op of grantOperations(family)) {
        const config = { ...iam, action: op.action }
        const schema = { params: GrantParamsSchema }
        switch (op.op) {
          case 'grant':
            app.put(op.path, { schema, config }, async (request, reply) => {
              await roles.grant(caller(request), grantRef(family, request.params), request.params.role_id ?? '')
              return noContent(reply)
            })
            break
          case 'check':
            app.head(op.path, { schema, config }, async (request, reply) => {
              await roles.checkGrant(caller(request), grantRef(family, request.params), request.params.role_id ?? '')
              return noContent(reply)
            })
            break
          case 'revoke':
            app.delete(op.path, { schema, config }, async (request, reply) => {
              await roles.revoke(caller(request), grantRef(family, request.params), request.params.role_id ?? '')
              return noContent(reply)
            })
            break
          case 'list':
            app.get(op.path, { schema, config }, async (request) => {
              const base = baseUrl(request)
              const granted = (await roles.listGranted(caller(request), grantRef(family, request.params))).map((r) => wire.role(base, r))
              // The clouds' enterprise-project listings carry no links.
              return family.targetType === 'enterprise_project' ? { roles: granted } : { roles: granted, links: collectionLinks(base, selfUrl(base, request)) }
            })
            break
        }
      }
    }

    // ---- enterprise projects (OS-PERMISSION), in the clouds' own field spellings
    app.get('/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/groups',
      { schema: { params: EnterpriseProjectParamsSchema }, config: { ...iam, action: 'identity:list_enterprise_project_groups' } }, async (request) => {
        const groups = await roles.groupsOnEnterpriseProject(caller(request), request.params.enterprise_project_id)
        return { groups: groups.map((g) => ({ createTime: Date.parse(g.created_at), description: g.description, domainId: g.domain_id, id: g.id, name: g.name })) }
      })
    app.get('/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/users',
      { schema: { params: EnterpriseProjectParamsSchema }, config: { ...iam, action: 'identity:list_enterprise_project_users' } }, async (request) => {
        const users = await roles.usersOnEnterpriseProject(caller(request), request.params.enterprise_project_id)
        return { users: users.map((u) => ({ domain_id: u.domain_id, id: u.id, name: u.name, enabled: u.enabled === 1, description: u.description })) }
      })
    app.get('/v3.0/OS-PERMISSION/groups/:group_id/enterprise-projects',
      { schema: { params: GroupIdParamsSchema }, config: { ...iam, action: 'identity:list_enterprise_projects_for_group' } }, async (request) => ({
        'enterprise-projects': (await roles.enterpriseProjectsOf(caller(request), 'group', request.params.group_id)).map((projectId) => ({ projectId })),
      }))
    app.get('/v3.0/OS-PERMISSION/users/:user_id/enterprise-projects',
      { schema: { params: UserIdParamsSchema }, config: { ...iam, action: 'identity:list_enterprise_projects_for_user' } }, async (request) => ({
        'enterprise-projects': (await roles.enterpriseProjectsOf(caller(request), 'user', request.params.user_id)).map((projectId) => ({ projectId })),
      }))

    // ---- access keys
    const credentialOut = (row: CredentialRow, opts: { secret?: string; lastUse?: boolean } = {}) => ({
      access: row.access,
      ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
      status: row.status,
      user_id: row.user_id,
      description: row.description,
      create_time: row.created_at,
      // The clouds show the creation time for a key never used.
      ...(opts.lastUse ? { last_use_time: row.last_used_at ?? row.created_at } : {}),
    })
    app.post('/v3.0/OS-CREDENTIAL/credentials', { schema: { body: CredentialCreateBodySchema }, config: { ...iam, action: 'identity:create_credential' } },
      async (request, reply) => {
        const created = await credentials.create(caller(request), request.body)
        reply.status(201)
        return { credential: credentialOut(created.row, { secret: created.secret }) }
      })
    app.get('/v3.0/OS-CREDENTIAL/credentials', { schema: { querystring: CredentialListQuerySchema }, config: { ...iam, action: 'identity:list_credentials' } },
      async (request) => ({ credentials: (await credentials.list(caller(request), request.query.user_id)).map((c) => credentialOut(c)) }))
    app.get('/v3.0/OS-CREDENTIAL/credentials/:access_key', { schema: { params: AccessKeyParamsSchema }, config: { ...iam, action: 'identity:get_credential' } },
      async (request) => ({ credential: credentialOut(await credentials.get(caller(request), request.params.access_key), { lastUse: true }) }))
    app.put('/v3.0/OS-CREDENTIAL/credentials/:access_key', { schema: { params: AccessKeyParamsSchema, body: CredentialUpdateBodySchema }, config: { ...iam, action: 'identity:update_credential' } },
      async (request) => ({ credential: credentialOut(await credentials.update(caller(request), request.params.access_key, request.body)) }))
    app.delete('/v3.0/OS-CREDENTIAL/credentials/:access_key', { schema: { params: AccessKeyParamsSchema }, config: { ...iam, action: 'identity:delete_credential' } },
      async (request, reply) => {
        await credentials.delete(caller(request), request.params.access_key)
        return noContent(reply)
      })
    app.post('/v3.0/OS-CREDENTIAL/securitytokens', { schema: { body: SecurityTokenBodySchema }, config: { ...iam, action: 'identity:create_security_token' } },
      async (request, reply) => {
        const created = await credentials.createTemporary(caller(request), request.body, checkToken)
        reply.status(201)
        return { credential: { access: created.row.access, secret: created.secret, expires_at: created.row.expires_at, securitytoken: created.securityToken } }
      })

    // ---- Keystone role assignments (what `openstack role assignment list` reads)
    app.get('/v3/role_assignments', { schema: { querystring: RoleAssignmentQuerySchema }, config: { ...iam, action: 'identity:list_role_assignments' } },
      async (request) => {
        const base = baseUrl(request)
        const rows = await roles.listAssignments(caller(request), request.query)
        const withNames = request.query.include_names !== undefined && request.query.include_names.toLowerCase() !== 'false' && request.query.include_names !== '0'
        const names = withNames ? await assignmentNames(store, rows) : undefined
        return { role_assignments: rows.map((r) => wire.roleAssignment(base, r, names)), links: collectionLinks(base, selfUrl(base, request)) }
      })
  }
}

async function assignmentNames(store: IamStore, rows: readonly { actorType: string; actorId: string; targetType: string; targetId: string }[]): Promise<AssignmentNames> {
  const actors = new Map<string, NamedEntity>()
  const targets = new Map<string, NamedEntity>()
  const domains = new Map<string, { id: string; name: string }>()
  const domain = async (id: string) => {
    if (!domains.has(id)) domains.set(id, { id, name: (await store.findDomain(id))?.name ?? '' })
    return domains.get(id)!
  }
  for (const r of rows) {
    if (!actors.has(r.actorId)) {
      const actor = r.actorType === 'group' ? await store.findGroup(r.actorId) : await store.findUser(r.actorId)
      if (actor) actors.set(r.actorId, { name: actor.name, domain: await domain(actor.domain_id) })
    }
    if (!targets.has(r.targetId)) {
      if (r.targetType === 'domain') targets.set(r.targetId, { name: (await domain(r.targetId)).name })
      else {
        const project = await store.findProject(r.targetId)
        if (project) targets.set(r.targetId, { name: project.name, domain: await domain(project.domain_id) })
      }
    }
  }
  return { actors, targets }
}
