/**
 * @module Routes of SAML federation on the clouds (spec iam-federation §4.2, §4.3): metadata
 * import and show on a provider's protocol, and the IdP-initiated sign-in, which takes the
 * HTTP-POST binding's url-encoded form. Its form parser lives in a child context of its own, so
 * no other IAM route starts accepting form bodies.
 */
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { originOf } from '../../../../http/authenticate.js'
import { caller } from '../../../../http/caller.js'
import { BODY_LIMIT_BYTES } from '../../../../http/json-body.js'
import { iamAction, type IamRouteOptions } from '../../iam-route-options.js'
import type { IssuedToken } from '../../tokens/service.js'
import type { TokenWire } from '../../tokens/wire.js'
import { IdpInitiatedFormSchema, MetadataImportBodySchema, MetadataParamsSchema } from './schemas.js'
import { ACS_ECP_PATH, ACS_POST_PATH, IDP_INITIATED_PATH, type SamlService } from './service.js'
import { METADATA_IMPORTED, metadataBody } from './wire.js'

export interface SamlRouteOptions extends IamRouteOptions {
  service: SamlService<IssuedToken>
  /** `SAML_SP_ENTITY_ID`; the public base URL when unset. */
  spEntityId: string | undefined
  tokenWire: TokenWire
}

export const METADATA_PATH = '/v3-ext/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id/metadata'

export function samlRoutes({ service, baseUrl, spEntityId, tokenWire }: SamlRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(METADATA_PATH, { schema: { params: MetadataParamsSchema, body: MetadataImportBodySchema }, config: iamAction('identity:create_idp_metadata') }, async (request, reply) => {
      await service.importMetadata(caller(request), request.params.idp_id, request.params.protocol_id, request.body, request.log)
      reply.status(201)
      return METADATA_IMPORTED
    })
    app.get(METADATA_PATH, { schema: { params: MetadataParamsSchema }, config: iamAction('identity:get_idp_metadata') },
      async (request) => metadataBody(await service.showMetadata(caller(request), request.params.idp_id, request.params.protocol_id)))

    await app.register(async (form) => {
      form.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
        // A repeated field keeps its first value, as a browser's form post never repeats one.
        const fields: Record<string, string> = {}
        for (const [name, value] of new URLSearchParams(body as string)) if (!(name in fields)) fields[name] = value
        done(null, fields)
      })
      form.withTypeProvider<TypeBoxTypeProvider>().post(IDP_INITIATED_PATH, {
        schema: { body: IdpInitiatedFormSchema }, config: iamAction('identity:create_unscoped_token_by_idp_initiated'),
      }, async (request, reply) => {
        const base = baseUrl(request)
        const header = request.headers['x-idp-id']
        const issued = await service.signIn({
          idpId: typeof header === 'string' ? header : undefined,
          samlResponse: request.body.SAMLResponse,
          spEntityId: spEntityId ?? base,
          recipients: [ACS_POST_PATH, ACS_ECP_PATH, IDP_INITIATED_PATH].map((path) => `${base}${path}`),
          origin: originOf(request),
          log: request.log,
        })
        // Unscoped: no roles, no catalog (spec §4.3).
        reply.status(201).header('x-subject-token', issued.token)
        return tokenWire.token(base, issued.ctx, [], false)
      })
    })
  }
}
