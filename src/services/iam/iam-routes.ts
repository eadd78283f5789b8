/**
 * @module All of IAM's routes, one plugin per capability. A new capability (agencies, security
 * policies, federation, catalog) adds its plugin here and its services in `build-iam.ts`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { IamRouteOptions } from './iam-route-options.js'
import { credentialRoutes, type CredentialRouteOptions } from './credentials/routes.js'
import { identityRoutes, type IdentityRouteOptions } from './identity/routes.js'
import { projectRoutes, type ProjectRouteOptions } from './projects/routes.js'
import { roleRoutes, type RoleRouteOptions } from './roles/routes.js'
import { tokenRoutes, type TokenRouteOptions } from './tokens/routes.js'

type Capability<O> = Omit<O, keyof IamRouteOptions>

export interface IamRoutesOptions extends IamRouteOptions {
  tokens: Capability<TokenRouteOptions>
  projects: Capability<ProjectRouteOptions>
  identity: Capability<IdentityRouteOptions>
  roles: Capability<RoleRouteOptions>
  credentials: CredentialRouteOptions
}

export function iamRoutes({ baseUrl, tokens, projects, identity, roles, credentials }: IamRoutesOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(tokenRoutes({ ...tokens, baseUrl }))
    await app.register(projectRoutes({ ...projects, baseUrl }))
    await app.register(identityRoutes({ ...identity, baseUrl }))
    await app.register(roleRoutes({ ...roles, baseUrl }))
    await app.register(credentialRoutes(credentials))
  }
}
