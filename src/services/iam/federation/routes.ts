/**
 * @module Routes of identity federation (spec iam-federation.md): OS-FEDERATION's providers,
 * mappings and protocols and the scoping lists in Keystone's error shape; the clouds' OIDC
 * configuration and ID-token exchange in the flat one (`{"error_msg","error_code"}`, spec §0.3).
 * The exchanges are public: the ID token is the credential.
 */
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { DomainRow, ProjectRow } from '../../../db/schema.js'
import { NotFoundError, ServiceCodedError, UnauthorizedError, ValidationError } from '../../../errors/app-error.js'
import { originOf } from '../../../http/authenticate.js'
import { caller } from '../../../http/caller.js'
import type { CatalogEntry } from '../catalog/catalog.js'
import { iamAction, iamFlatAction, type IamRouteOptions } from '../iam-route-options.js'
import { selfUrl } from '../iam-wire.js'
import type { ProjectWire } from '../projects/wire.js'
import type { IssuedToken } from '../tokens/service.js'
import type { TokenWire } from '../tokens/wire.js'
import { invalidBody, type FederationService } from './service.js'
import type { FederationWire } from './wire.js'
import {
  CloudProviderCreateSchema, CloudProviderUpdateSchema, IdpParamsSchema, IdTokenExchangeSchema, KeystoneProviderCreateSchema, KeystoneProviderUpdateSchema,
  MappingBodySchema, OidcConfigCreateSchema, OidcConfigUpdateSchema, ProtocolBodySchema, ProtocolParamsSchema, IdParamsSchema,
  type IdTokenExchangeBody, type OidcConfigCreateBody, type OidcConfigUpdateBody, type ProviderCreateInput, type ProviderUpdateInput,
} from './schemas.js'
import { Type as T } from '@sinclair/typebox'

export interface FederationRouteOptions extends IamRouteOptions {
  service: FederationService
  wire: FederationWire
  keystone: boolean
  tokenWire: TokenWire
  projectWire: ProjectWire
  catalog(ctx: AuthContext): Promise<readonly CatalogEntry[]>
  /** What `GET /v3/OS-FEDERATION/domains` and `/projects` list: the IdP's account and its groups' projects for a federated token, `/v3/auth/…`'s otherwise. */
  scopes: { domains(ctx: AuthContext): Promise<DomainRow[]>; projects(ctx: AuthContext): Promise<ProjectRow[]> }
}

const IDPS = '/v3/OS-FEDERATION/identity_providers'
const MAPPINGS = '/v3/OS-FEDERATION/mappings'
const PROTOCOLS = `${IDPS}/:idp_id/protocols`
const OIDC_CONFIG = '/v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config'

/** Spec §0.3: `Request parameter 'idp id' is invalid.`, flat (IAM.0007) or Keystone-shaped. */
const idpParameterInvalid = (flat: boolean) => {
  const message = "Request parameter 'idp id' is invalid."
  return flat ? new ServiceCodedError(400, 'IAM.0007', message) : new ValidationError(message)
}

/** A flat route's schema failure is the clouds' one text (spec §5.1); the keystone flavour says it in Keystone's shape. */
function flatBody<B>(request: FastifyRequest & { validationError?: Error }, keystone: boolean): B {
  if (request.validationError) throw keystone ? new ValidationError('Request body is invalid.') : invalidBody()
  return request.body as B
}

export function federationRoutes(options: FederationRouteOptions): FastifyPluginAsyncTypebox {
  const { service, wire, baseUrl, keystone, tokenWire, projectWire, catalog, scopes } = options
  const providerCreate = keystone ? KeystoneProviderCreateSchema : CloudProviderCreateSchema
  const providerUpdate = keystone ? KeystoneProviderUpdateSchema : CloudProviderUpdateSchema

  /** 201 with the token in `X-Subject-Token` and its body (roles and catalog when scoped). */
  const tokenReply = async (request: FastifyRequest, reply: { status(code: number): unknown; header(name: string, value: string): unknown }, issued: IssuedToken) => {
    reply.status(201)
    reply.header('x-subject-token', issued.token)
    const scoped = issued.ctx.scope.type !== 'unscoped'
    return tokenWire.token(baseUrl(request), issued.ctx, scoped ? await catalog(issued.ctx) : [], scoped)
  }

  // Spec OQ-17: the clouds' OIDC routes answer flat; the keystone flavour keeps Keystone's shape everywhere.
  const oidcAction = keystone ? iamAction : iamFlatAction
  return async (app) => {
    // ---- identity providers
    app.get(IDPS, {
      schema: { querystring: T.Object({ id: T.Optional(T.String()), enabled: T.Optional(T.String()) }, { additionalProperties: true }) },
      config: iamAction('identity:list_identity_providers'),
    }, async (request) => {
      const base = baseUrl(request)
      return wire.identityProviderList(base, selfUrl(base, request), await service.listIdentityProviders(caller(request), request.query))
    })
    app.get(`${IDPS}/:idp_id`, { schema: { params: IdpParamsSchema }, config: iamAction('identity:get_identity_provider') },
      async (request) => wire.identityProvider(baseUrl(request), await service.getIdentityProvider(caller(request), request.params.idp_id)))
    app.put(`${IDPS}/:idp_id`, { schema: { params: IdpParamsSchema, body: providerCreate }, config: iamAction('identity:create_identity_provider') }, async (request, reply) => {
      const input = (request.body as { identity_provider: ProviderCreateInput }).identity_provider
      const created = await service.createIdentityProvider(caller(request), request.params.idp_id, input)
      reply.status(201)
      return wire.identityProvider(baseUrl(request), created)
    })
    app.patch(`${IDPS}/:idp_id`, { schema: { params: IdpParamsSchema, body: providerUpdate }, config: iamAction('identity:update_identity_provider') }, async (request) => {
      const input = (request.body as { identity_provider: ProviderUpdateInput }).identity_provider
      return wire.identityProvider(baseUrl(request), await service.updateIdentityProvider(caller(request), request.params.idp_id, input))
    })
    app.delete(`${IDPS}/:idp_id`, { schema: { params: IdpParamsSchema }, config: iamAction('identity:delete_identity_provider') }, async (request, reply) => {
      await service.deleteIdentityProvider(caller(request), request.params.idp_id)
      return reply.status(204).send()
    })

    // ---- mappings
    app.get(MAPPINGS, { config: iamAction('identity:list_mappings') }, async (request) => {
      const base = baseUrl(request)
      return wire.mappingList(base, selfUrl(base, request), await service.listMappings(caller(request)))
    })
    app.get(`${MAPPINGS}/:id`, { schema: { params: IdParamsSchema }, config: iamAction('identity:get_mapping') },
      async (request) => wire.mapping(baseUrl(request), await service.getMapping(caller(request), request.params.id)))
    app.put(`${MAPPINGS}/:id`, { schema: { params: IdParamsSchema, body: MappingBodySchema }, config: iamAction('identity:create_mapping') }, async (request, reply) => {
      const created = await service.createMapping(caller(request), request.params.id, request.body)
      reply.status(201)
      return wire.mapping(baseUrl(request), created)
    })
    app.patch(`${MAPPINGS}/:id`, { schema: { params: IdParamsSchema, body: MappingBodySchema }, config: iamAction('identity:update_mapping') },
      async (request) => wire.mapping(baseUrl(request), await service.updateMapping(caller(request), request.params.id, request.body)))
    app.delete(`${MAPPINGS}/:id`, { schema: { params: IdParamsSchema }, config: iamAction('identity:delete_mapping') }, async (request, reply) => {
      await service.deleteMapping(caller(request), request.params.id)
      return reply.status(204).send()
    })

    // ---- protocols
    app.get(PROTOCOLS, { schema: { params: IdpParamsSchema }, config: iamAction('identity:list_protocols') }, async (request) => {
      const base = baseUrl(request)
      return wire.protocolList(base, selfUrl(base, request), await service.listProtocols(caller(request), request.params.idp_id))
    })
    app.get(`${PROTOCOLS}/:protocol_id`, { schema: { params: ProtocolParamsSchema }, config: iamAction('identity:get_protocol') },
      async (request) => wire.protocol(baseUrl(request), await service.getProtocol(caller(request), request.params.idp_id, request.params.protocol_id)))
    app.put(`${PROTOCOLS}/:protocol_id`, { schema: { params: ProtocolParamsSchema, body: ProtocolBodySchema }, config: iamAction('identity:create_protocol') }, async (request, reply) => {
      const created = await service.createProtocol(caller(request), request.params.idp_id, request.params.protocol_id, request.body)
      reply.status(201)
      return wire.protocol(baseUrl(request), created)
    })
    app.patch(`${PROTOCOLS}/:protocol_id`, { schema: { params: ProtocolParamsSchema, body: ProtocolBodySchema }, config: iamAction('identity:update_protocol') },
      async (request) => wire.protocol(baseUrl(request), await service.updateProtocol(caller(request), request.params.idp_id, request.params.protocol_id, request.body)))
    app.delete(`${PROTOCOLS}/:protocol_id`, { schema: { params: ProtocolParamsSchema }, config: iamAction('identity:delete_protocol') }, async (request, reply) => {
      await service.deleteProtocol(caller(request), request.params.idp_id, request.params.protocol_id)
      return reply.status(204).send()
    })

    // ---- ID token → unscoped token (createUnscopedTokenWithIdToken, spec §5.3): Keystone-shaped errors
    app.post(`${PROTOCOLS}/:protocol_id/auth`, { schema: { params: ProtocolParamsSchema }, config: iamAction('identity:federated_authenticate') }, async (request, reply) => {
      const authorization = request.headers.authorization
      if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ') || authorization.length <= 7) throw new UnauthorizedError()
      const issued = await service.exchangeIdToken({
        idpId: request.params.idp_id, protocolId: request.params.protocol_id, idToken: authorization.slice(7).trim(),
        action: 'createUnscopedTokenWithIdToken', origin: originOf(request),
        notFound: (what) => (what === 'idp' ? idpParameterInvalid(false) : new UnauthorizedError()),
      })
      return tokenReply(request, reply, issued)
    })

    // ---- scoping targets of a federated token (spec §6.3)
    app.get('/v3/OS-FEDERATION/domains', { config: iamAction('identity:list_federation_domains') }, async (request) => {
      const base = baseUrl(request)
      return projectWire.domainList(base, selfUrl(base, request), await scopes.domains(caller(request)))
    })
    app.get('/v3/OS-FEDERATION/projects', { config: iamAction('identity:list_federation_projects') }, async (request) => {
      const base = baseUrl(request)
      return projectWire.projectList(base, selfUrl(base, request), { projects: await scopes.projects(caller(request)) })
    })

    // ---- the clouds' OIDC configuration and ID-token exchange: flat errors. The keystone flavour
    // has them too: Keystone keeps no OIDC keys of its own (spec §7.4's emulator note).
    app.post(OIDC_CONFIG, { schema: { params: IdpParamsSchema, body: OidcConfigCreateSchema }, attachValidation: true, config: oidcAction('identity:create_openid_connect_config') }, async (request, reply) => {
      const created = await service.createOidcConfig(caller(request), request.params.idp_id, flatBody<OidcConfigCreateBody>(request, keystone))
      reply.status(201)
      return wire.oidcConfig(created)
    })
    app.put(OIDC_CONFIG, { schema: { params: IdpParamsSchema, body: OidcConfigUpdateSchema }, attachValidation: true, config: oidcAction('identity:update_openid_connect_config') },
      async (request) => wire.oidcConfig(await service.updateOidcConfig(caller(request), request.params.idp_id, flatBody<OidcConfigUpdateBody>(request, keystone))))
    app.get(OIDC_CONFIG, { schema: { params: IdpParamsSchema }, config: oidcAction('identity:get_openid_connect_config') },
      async (request) => wire.oidcConfig(await service.getOidcConfig(caller(request), request.params.idp_id), true))

    // createTokenWithIdToken (spec §5.2)
    app.post('/v3.0/OS-AUTH/id-token/tokens', { schema: { body: IdTokenExchangeSchema }, attachValidation: true, config: oidcAction('identity:create_token_with_id_token') }, async (request, reply) => {
      const idpId = request.headers['x-idp-id']
      if (typeof idpId !== 'string' || idpId === '') throw idpParameterInvalid(!keystone)
      const body = flatBody<IdTokenExchangeBody>(request, keystone)
      const issued = await service.exchangeIdToken({
        idpId, protocolId: 'oidc', idToken: body.auth.id_token.id, scope: body.auth.scope, action: 'createTokenWithIdToken', origin: originOf(request),
        notFound: (what) => (what === 'idp' ? new NotFoundError('Identity Provider', idpId) : new NotFoundError('openid_connect_config', idpId)),
      })
      return tokenReply(request, reply, issued)
    })
  }
}
