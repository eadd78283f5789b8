/**
 * @module Routes of roles, custom policies (OS-ROLE), grants on the account, its projects and
 * enterprise projects (OS-INHERIT, OS-PERMISSION) and Keystone's role assignments. Each handler
 * is: path, schema, action (the hook in http/authenticate.ts authenticates and enforces it), one service call,
 * one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { GRANT_ROUTE_FAMILIES, grantOperations, type GrantRouteFamily } from '../../../auth/policies/iam.js'
import { caller } from '../../../http/caller.js'
import { iamAction, iamFlatAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import { GroupIdParamsSchema, UserIdParamsSchema } from '../identity/schemas.js'
import { SYSTEM_TARGET_ID, type GrantRef, type RoleService } from './service.js'
import type { RoleWire } from './wire.js'
import {
  AgencyEnterpriseProjectGrantsBodySchema, CustomRoleCreateBodySchema, KeystoneRoleCreateBodySchema, KeystoneRoleUpdateBodySchema, CustomRoleUpdateBodySchema, DomainRoleAssignmentQuerySchema, EnterpriseProjectParamsSchema, GrantParamsSchema,
  ImpliedRoleParamsSchema, PagingQuerySchema, PriorRoleParamsSchema, RoleAssignmentQuerySchema, RoleIdParamsSchema, RoleListQuerySchema, type GrantParams,
} from './schemas.js'

export interface RoleRouteOptions extends IamRouteOptions {
  service: RoleService
  wire: RoleWire
  /** The clouds' own routes beyond Keystone's (the role assignment query); off in the keystone flavour. */
  cloudExtensions: boolean
  /** Keystone's role writes (POST, PATCH, DELETE /v3/roles); the clouds answer 405 there. */
  roleWrites: boolean
}

function grantRef(f: GrantRouteFamily, params: GrantParams): GrantRef {
  return {
    actorType: f.actorType,
    actorId: (f.actorType === 'group' ? params.group_id : f.actorType === 'agency' ? params.agency_id : params.user_id) ?? '',
    targetType: f.targetType,
    targetId: f.targetParam === undefined ? SYSTEM_TARGET_ID : params[f.targetParam] ?? '',
    inherited: f.inherited,
  }
}

const noContent = (reply: FastifyReply) => reply.status(204).send()

export function roleRoutes({ service, wire, baseUrl, cloudExtensions, roleWrites }: RoleRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- roles
    app.get('/v3/roles', { schema: { querystring: RoleListQuerySchema }, config: iamAction('identity:list_roles') }, async (request) => {
      const base = baseUrl(request)
      return wire.roleList(base, selfUrl(base, request), await service.listRoles(caller(request), request.query))
    })
    app.get('/v3/roles/:role_id', { schema: { params: RoleIdParamsSchema }, config: iamAction('identity:get_role') },
      async (request) => wire.role(baseUrl(request), await service.getRole(caller(request), request.params.role_id)))

    if (roleWrites) {
      app.post('/v3/roles', { schema: { body: KeystoneRoleCreateBodySchema }, config: iamAction('identity:create_role') }, async (request, reply) => {
        reply.status(201)
        return wire.role(baseUrl(request), await service.createRole(caller(request), request.body))
      })
      app.patch('/v3/roles/:role_id', { schema: { params: RoleIdParamsSchema, body: KeystoneRoleUpdateBodySchema }, config: iamAction('identity:update_role') },
        async (request) => wire.role(baseUrl(request), await service.updateRole(caller(request), request.params.role_id, request.body)))
      app.delete('/v3/roles/:role_id', { schema: { params: RoleIdParamsSchema }, config: iamAction('identity:delete_role') }, async (request, reply) => {
        await service.deleteRole(caller(request), request.params.role_id)
        return noContent(reply)
      })
    }

    // ---- Keystone's implied roles (keystone flavour)
    if (roleWrites) {
      const rule = '/v3/roles/:prior_role_id/implies/:implied_role_id'
      app.get('/v3/roles/:prior_role_id/implies', { schema: { params: PriorRoleParamsSchema }, config: iamAction('identity:list_implied_roles') }, async (request) => {
        const base = baseUrl(request)
        return wire.impliedRoles(base, selfUrl(base, request), await service.listImpliedRoles(request.params.prior_role_id))
      })
      app.put(rule, { schema: { params: ImpliedRoleParamsSchema }, config: iamAction('identity:create_implied_role') }, async (request, reply) => {
        const { prior_role_id: prior, implied_role_id: implied } = request.params
        reply.status(201)
        const base = baseUrl(request)
        return wire.impliedRole(base, selfUrl(base, request), await service.createImpliedRole(caller(request), prior, implied))
      })
      // Keystone answers this HEAD with 204, not with the GET's 200 (its NOTE: kept for the API contract);
      // declared before the GET, so Fastify makes no HEAD of its own from that.
      app.head(rule, { schema: { params: ImpliedRoleParamsSchema }, config: iamAction('identity:check_implied_role') }, async (request, reply) => {
        await service.getImpliedRole(request.params.prior_role_id, request.params.implied_role_id)
        return noContent(reply)
      })
      app.get(rule, { schema: { params: ImpliedRoleParamsSchema }, config: iamAction('identity:get_implied_role') }, async (request) => {
        const base = baseUrl(request)
        return wire.impliedRole(base, selfUrl(base, request), await service.getImpliedRole(request.params.prior_role_id, request.params.implied_role_id))
      })
      app.delete(rule, { schema: { params: ImpliedRoleParamsSchema }, config: iamAction('identity:delete_implied_role') }, async (request, reply) => {
        await service.deleteImpliedRole(caller(request), request.params.prior_role_id, request.params.implied_role_id)
        return noContent(reply)
      })
      app.get('/v3/role_inferences', { config: iamAction('identity:list_role_inference_rules') },
        async (request) => wire.roleInferences(baseUrl(request), await service.listRoleInferences()))
    }

    // ---- custom policies
    app.get('/v3.0/OS-ROLE/roles', { schema: { querystring: PagingQuerySchema }, config: iamAction('identity:list_custom_policies') }, async (request) => {
      const base = baseUrl(request)
      return wire.roleList(base, selfUrl(base, request), await service.listCustomRoles(caller(request), request.query))
    })
    app.post('/v3.0/OS-ROLE/roles', { schema: { body: CustomRoleCreateBodySchema }, config: iamAction('identity:create_custom_policy') },
      async (request, reply) => {
        reply.status(201)
        return wire.role(baseUrl(request), await service.createCustomRole(caller(request), request.body))
      })
    app.get('/v3.0/OS-ROLE/roles/:role_id', { schema: { params: RoleIdParamsSchema }, config: iamAction('identity:get_custom_policy') }, async (request) => {
      const view = await service.showCustomRole(caller(request), request.params.role_id)
      return wire.role(baseUrl(request), view.role, view.references)
    })
    app.patch('/v3.0/OS-ROLE/roles/:role_id', { schema: { params: RoleIdParamsSchema, body: CustomRoleUpdateBodySchema }, config: iamAction('identity:update_custom_policy') },
      async (request) => wire.role(baseUrl(request), await service.updateCustomRole(caller(request), request.params.role_id, request.body)))
    app.delete('/v3.0/OS-ROLE/roles/:role_id', { schema: { params: RoleIdParamsSchema }, config: iamAction('identity:delete_custom_policy') }, async (request) => {
      await service.deleteCustomRole(caller(request), request.params.role_id)
      return wire.customRoleDeleted()
    })

    // ---- grants: every family's PUT, HEAD, DELETE and GET, generated from the policy data
    for (const family of GRANT_ROUTE_FAMILIES) {
      if (family.cloudOnly && !cloudExtensions) continue
      if (family.keystoneOnly && cloudExtensions) continue
      for (const op of grantOperations(family)) {
        const config = iamAction(op.action)
        const schema = { params: GrantParamsSchema }
        switch (op.op) {
          case 'grant':
            app.put(op.path, { schema, config }, async (request, reply) => {
              await service.grant(caller(request), grantRef(family, request.params), request.params.role_id ?? '')
              return noContent(reply)
            })
            break
          case 'check':
            app.head(op.path, { schema, config }, async (request, reply) => {
              await service.checkGrant(caller(request), grantRef(family, request.params), request.params.role_id ?? '')
              return noContent(reply)
            })
            break
          case 'revoke':
            app.delete(op.path, { schema, config }, async (request, reply) => {
              await service.revoke(caller(request), grantRef(family, request.params), request.params.role_id ?? '')
              return noContent(reply)
            })
            break
          case 'list':
            app.get(op.path, { schema, config }, async (request) => {
              const base = baseUrl(request)
              const granted = await service.listGranted(caller(request), grantRef(family, request.params))
              if (family.shortList) return wire.shortGrantedRoles(base, selfUrl(base, request), granted)
              return wire.grantedRoles(base, selfUrl(base, request), granted, !family.listWithoutLinks)
            })
            break
        }
      }
    }

    // ---- enterprise projects (OS-PERMISSION)
    app.get('/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/groups',
      { schema: { params: EnterpriseProjectParamsSchema }, config: iamAction('identity:list_enterprise_project_groups') },
      async (request) => wire.enterpriseProjectGroups(await service.groupsOnEnterpriseProject(caller(request), request.params.enterprise_project_id)))
    app.get('/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/users',
      { schema: { params: EnterpriseProjectParamsSchema }, config: iamAction('identity:list_enterprise_project_users') },
      async (request) => wire.enterpriseProjectUsers(await service.usersOnEnterpriseProject(caller(request), request.params.enterprise_project_id)))
    app.get('/v3.0/OS-PERMISSION/groups/:group_id/enterprise-projects',
      { schema: { params: GroupIdParamsSchema }, config: iamAction('identity:list_enterprise_projects_for_group') },
      async (request) => wire.enterpriseProjects(await service.enterpriseProjectsOf(caller(request), 'group', request.params.group_id)))
    app.get('/v3.0/OS-PERMISSION/users/:user_id/enterprise-projects',
      { schema: { params: UserIdParamsSchema }, config: iamAction('identity:list_enterprise_projects_for_user') },
      async (request) => wire.enterpriseProjects(await service.enterpriseProjectsOf(caller(request), 'user', request.params.user_id)))

    // ---- the clouds' role assignment query and agency grants on enterprise projects (not in Keystone)
    if (cloudExtensions) {
      const agencyEnterpriseProjectGrants = '/v3.0/OS-PERMISSION/subjects/agency/scopes/enterprise-project/role-assignments'
      // The schema documents the body; a body that fails it is the service's `Illegal request`, not a schema message.
      const batch = { schema: { body: AgencyEnterpriseProjectGrantsBodySchema }, attachValidation: true }
      app.put(agencyEnterpriseProjectGrants, { ...batch, config: iamAction('identity:grant_agency_enterprise_project_roles') },
        async (request, reply) => {
          await service.changeAgencyEnterpriseProjectGrants(caller(request), request.body, true)
          // The clouds answer this PUT with 200 and no body.
          return reply.status(200).send()
        })
      app.delete(agencyEnterpriseProjectGrants, { ...batch, config: iamAction('identity:revoke_agency_enterprise_project_roles') },
        async (request, reply) => {
          await service.changeAgencyEnterpriseProjectGrants(caller(request), request.body, false)
          return noContent(reply)
        })
      app.get('/v3.0/OS-PERMISSION/role-assignments', { schema: { querystring: DomainRoleAssignmentQuerySchema }, config: iamFlatAction('identity:list_domain_role_assignments') },
        async (request) => wire.domainRoleAssignments(await service.listDomainAssignments(caller(request), request.query)))
    }

    // ---- Keystone role assignments (what `openstack role assignment list` reads)
    app.get('/v3/role_assignments', { schema: { querystring: RoleAssignmentQuerySchema }, config: iamAction('identity:list_role_assignments') },
      async (request) => {
        const base = baseUrl(request)
        return wire.roleAssignments(base, selfUrl(base, request), await service.listAssignments(caller(request), request.query))
      })
  }
}
