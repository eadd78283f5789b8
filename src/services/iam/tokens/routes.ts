/**
 * @module Routes of the version documents and tokens. Each handler is: path, schema, action (the
 * hook in http/authenticate.ts authenticates and enforces it), one service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller, lazyCaller } from '../../../http/caller.js'
import { iamAction, type IamRouteOptions } from '../iam-route-options.js'
import type { TokenService } from './service.js'
import type { TokenWire } from './wire.js'
import type { LoginTokenService } from './login-tokens.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { CatalogEntry } from '../catalog/catalog.js'
import { LoginTokenRequestSchema, NocatalogQuerySchema, TokenRequestSchema } from './schemas.js'


/** Keystone leaves the catalog out when `nocatalog` is present at all (`?nocatalog`, `?nocatalog=1`), whatever its value. */
const withoutCatalog = (query: { nocatalog?: string }) => query.nocatalog !== undefined

export interface TokenRouteOptions extends IamRouteOptions {
  service: TokenService
  wire: TokenWire
  /** What `GET /` answers for an `eps.*` host name (EPS has its own endpoint on the clouds). */
  epsVersions?(base: string): unknown
  /** Login tickets, where the flavour has them (Huawei Cloud). */
  loginTokens?: LoginTokenService | undefined
  /** The catalog a token of this caller lists (catalog/), read only when the body shows it. */
  catalog(ctx: AuthContext): Promise<readonly CatalogEntry[]>
}

export function tokenRoutes({ service, wire, baseUrl, epsVersions, loginTokens, catalog }: TokenRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- versions: keystoneauth discovers the identity API here before anything else.
    app.get('/', { config: iamAction('identity:get_version') }, async (request, reply) => {
      if (epsVersions && /^eps\./i.test(request.host)) return epsVersions(baseUrl(request))
      reply.status(300)
      return wire.versions(baseUrl(request))
    })
    app.get('/v3', { config: iamAction('identity:get_version_v3') }, async (request) => wire.versionV3(baseUrl(request)))

    // ---- tokens
    app.post('/v3/auth/tokens', { schema: { body: TokenRequestSchema, querystring: NocatalogQuerySchema }, config: iamAction('identity:issue_token') },
      async (request, reply) => {
        const issued = await service.issueToken(request.body, () => lazyCaller(request))
        reply.status(201).header('x-subject-token', issued.token)
        return wire.token(baseUrl(request), issued.ctx, withoutCatalog(request.query) ? [] : await catalog(issued.ctx), !withoutCatalog(request.query))
      })
    app.head('/v3/auth/tokens', { config: iamAction('identity:check_token') }, async (request, reply) => {
      const subject = request.headers['x-subject-token'] as string | undefined
      await service.checkSubjectToken(caller(request), subject, 'identity:check_token')
      reply.status(200).header('x-subject-token', subject)
      return reply.send()
    })
    app.get('/v3/auth/tokens', { schema: { querystring: NocatalogQuerySchema }, config: iamAction('identity:validate_token') },
      async (request, reply) => {
        const subject = request.headers['x-subject-token'] as string | undefined
        const validated = await service.validateSubjectToken(caller(request), subject)
        reply.header('x-subject-token', subject)
        return wire.token(baseUrl(request), validated.ctx, withoutCatalog(request.query) ? [] : await catalog(validated.ctx), !withoutCatalog(request.query))
      })
    app.delete('/v3/auth/tokens', { config: iamAction('identity:revoke_token') }, async (request, reply) => {
      await service.revokeSubjectToken(caller(request), request.headers['x-subject-token'] as string | undefined)
      return reply.status(204).send()
    })

    // ---- login tickets (HWC): the key in the body is the credential; no X-Auth-Token.
    if (loginTokens) {
      app.post('/v3.0/OS-AUTH/securitytoken/logintokens', { schema: { body: LoginTokenRequestSchema }, config: iamAction('identity:create_login_token') },
        async (request, reply) => {
          const issued = await loginTokens.issue(request.body)
          reply.status(201).header('x-subject-logintoken', issued.token)
          return wire.loginToken(issued)
        })
    }
  }
}
