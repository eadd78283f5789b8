/**
 * @module SAML for federated sign-in (spec iam-federation §4.2–4.4): importing an identity
 * provider's metadata for its `saml` protocol, showing it, and the IdP-initiated sign-in that
 * turns a signed response into an unscoped federated token. What the response asserted goes to
 * the federation service's `federatedSignIn`, which maps it through the protocol's mapping.
 */
import type { AuthContext, RequestOrigin } from '../../../../auth/auth-context.js'
import { iamTrace } from '../../../../audit/trace.js'
import type { SamlMetadataRow } from '../../../../db/schema.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../../../errors/app-error.js'
import { isoMicros, type Clock } from '../../../../shared/clock.js'
import { newHexId } from '../../../../shared/ids.js'
import { parseIdpMetadata } from './metadata.js'
import { SamlResponseRejectedError, verifySamlResponse, type VerifiedAssertion } from './response.js'
import type { SamlStore } from './store.js'

/** The only protocol id SAML metadata and sign-in use on the clouds (spec §3). */
export const SAML_PROTOCOL = 'saml'
/** Where the IdP posts (the SP metadata's AssertionConsumerService, spec §4.1) and the API path. */
export const ACS_POST_PATH = '/v3-ext/auth/OS-FEDERATION/SSO/SAML2/POST'
export const ACS_ECP_PATH = '/v3-ext/auth/OS-FEDERATION/SSO/SAML2/ECP'
export const IDP_INITIATED_PATH = '/v3.0/OS-FEDERATION/tokens'
/** Reserved HWC/OTC assertion attributes that, when present, must name this provider (spec §4.4 #11, OQ-6). */
export const IDP_ID_ATTRIBUTE = 'IAM_SAML_Attributes_idp_id'
export const DOMAIN_ID_ATTRIBUTE = 'IAM_SAML_Attributes_domain_id'

/** The provider fields SAML reads. */
export interface SamlProvider { readonly id: string; readonly domain_id: string; readonly enabled: number | boolean }

/** What SAML needs of the federation capability: its providers and protocols, and its sign-in. */
export interface SamlFederation<Token> {
  findIdentityProvider(id: string): Promise<SamlProvider | undefined>
  findProtocol(idpId: string, protocolId: string): Promise<object | undefined>
  /** Maps the attributes through the protocol's mapping and issues the unscoped token; refuses a disabled provider. */
  signIn(request: { idpId: string; protocolId: string; attributes: VerifiedAssertion['attributes']; action: string; origin: RequestOrigin | undefined }): Promise<Token>
}

export interface SamlServiceOptions<Token> {
  store: SamlStore
  federation: SamlFederation<Token>
  clock: Clock
  /** Allowed difference between the IdP's clock and ours (spec OQ-4). */
  skewMs: number
}

/** The request's log: why a response was refused (the client only hears the generic 401, spec OQ-3), and warnings. */
export interface SamlLog { warn(fields: object, message: string): void }

interface SignInInput {
  readonly samlResponse: string
  readonly spEntityId: string
  readonly recipients: readonly string[]
  readonly origin: RequestOrigin | undefined
  readonly log?: SamlLog
}

export interface MetadataImport { readonly domain_id: string; readonly xaccount_type: string; readonly metadata: string }

export class SamlService<Token> {
  constructor(private readonly deps: SamlServiceOptions<Token>) {}

  async importMetadata(ctx: AuthContext, idpId: string, protocolId: string, body: MetadataImport, log?: SamlLog): Promise<SamlMetadataRow> {
    const accountId = ctx.accountId ?? ctx.userDomain.id
    await this.samlProtocolOf(accountId, idpId, protocolId)
    // The body names the account it is for; importing into another account is not this caller's to do.
    if (body.domain_id !== accountId) throw new ForbiddenError(`domain_id ${body.domain_id} is not the account of the token`)
    const now = this.deps.clock.now()
    const metadata = parseIdpMetadata(body.metadata, now)
    for (const warning of metadata.warnings) log?.warn({ idpId, warning }, 'SAML metadata imported with a warning')
    const row: SamlMetadataRow = {
      idp_id: idpId, protocol_id: protocolId, id: newHexId(), domain_id: accountId, entity_id: metadata.entityId,
      xaccount_type: body.xaccount_type, data: body.metadata, signing_certificates: JSON.stringify(metadata.signingCertificates),
      update_time: isoMicros(now),
    }
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findMetadata(idpId, protocolId)
      await tx.putMetadata(row)
      await tx.recordChange(iamTrace(ctx, accountId, 'createMetadata', row.update_time), {
        resourceType: 'identity_provider_metadata', resourceId: row.id, resourceName: `${idpId}/${protocolId}`,
        before: before ? traced(before) : null, after: traced(row),
      })
    })
    return row
  }

  async showMetadata(ctx: AuthContext, idpId: string, protocolId: string): Promise<SamlMetadataRow> {
    await this.samlProtocolOf(ctx.accountId ?? ctx.userDomain.id, idpId, protocolId)
    const row = await this.deps.store.findMetadata(idpId, protocolId)
    if (!row) throw new NotFoundError('metadata', `${idpId}/${protocolId}`)
    return row
  }

  /**
   * IdP-initiated sign-in: the response is verified against the provider's imported metadata,
   * its assertion id is taken from the replay cache's pool (once only), and what it asserted is
   * mapped into an unscoped token. `recipients` are the URLs this server answers the POST on.
   */
  async signIn(input: SignInInput & { idpId: string | undefined }): Promise<Token> {
    const provider = input.idpId ? await this.deps.federation.findIdentityProvider(input.idpId) : undefined
    if (!provider) throw new ValidationError("Request parameter 'idp id' is invalid.")
    try {
      return await this.verifiedSignIn(provider, input)
    } catch (error) {
      if (error instanceof SamlResponseRejectedError) input.log?.warn({ idpId: provider.id, reason: error.reason }, 'SAML response refused')
      throw error
    }
  }

  private async verifiedSignIn(provider: SamlProvider, input: SignInInput): Promise<Token> {
    // A disabled provider is refused before anything of the response is looked at (spec §4.3: 403).
    if (!provider.enabled) throw new ForbiddenError()
    const protocol = await this.deps.federation.findProtocol(provider.id, SAML_PROTOCOL)
    const metadata = protocol && await this.deps.store.findMetadata(provider.id, SAML_PROTOCOL)
    if (!metadata) throw new SamlResponseRejectedError(protocol ? 'no metadata imported for the saml protocol' : 'the provider has no saml protocol')
    const now = this.deps.clock.now()
    const verified = verifySamlResponse(input.samlResponse, {
      idpEntityId: metadata.entity_id, certificates: JSON.parse(metadata.signing_certificates) as string[],
      spEntityId: input.spEntityId, acceptedRecipients: input.recipients, now, skewMs: this.deps.skewMs,
    })
    for (const warning of verified.warnings) input.log?.warn({ idpId: provider.id, warning }, 'SAML response accepted with a warning')
    const named = (attribute: string, expected: string) => {
      const values = verified.attributes[attribute]
      if (values !== undefined && (values.length !== 1 || values[0] !== expected)) throw new SamlResponseRejectedError(`${attribute} ${values.join(', ')} is not ${expected}`)
    }
    named(IDP_ID_ATTRIBUTE, provider.id)
    named(DOMAIN_ID_ATTRIBUTE, provider.domain_id)
    await this.deps.store.recordAssertion(provider.id, verified.assertionId, isoMicros(verified.acceptableUntil), isoMicros(now))
    return this.deps.federation.signIn({ idpId: provider.id, protocolId: SAML_PROTOCOL, attributes: verified.attributes, action: 'createUnscopeTokenByIdpInitiated', origin: input.origin })
  }

  /** The provider of the account (404 otherwise, spec §0.1) and its protocol, which must be `saml`. */
  private async samlProtocolOf(accountId: string, idpId: string, protocolId: string): Promise<void> {
    const provider = await this.deps.federation.findIdentityProvider(idpId)
    if (!provider || provider.domain_id !== accountId) throw new NotFoundError('Identity Provider', idpId)
    if (!(await this.deps.federation.findProtocol(idpId, protocolId))) {
      throw new NotFoundError('federated protocol', protocolId, `Could not find federated protocol ${protocolId} for Identity Provider: ${idpId}.`)
    }
    if (protocolId !== SAML_PROTOCOL) throw new ValidationError(`Protocol ${protocolId} is not saml: metadata is imported for a saml protocol.`)
  }
}

/** The metadata row as the audit trail keeps it: without the document, which can be 500 KB. */
function traced(row: SamlMetadataRow): object {
  const { data: _data, signing_certificates: _certificates, ...rest } = row
  return rest
}
