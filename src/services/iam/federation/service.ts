/**
 * @module Identity providers, mappings, protocols and OIDC configurations (spec
 * iam-federation.md §1–3, §5.1, §7), each change traced; and the OIDC ID-token exchanges (§5.2,
 * §5.3), which verify the token (oidc.ts) and sign in through `FederatedTokenService`. All
 * management is within the caller's account; a provider of another account is not found (its
 * id is taken, though: ids are server-wide, OQ-2). No SQL and no HTTP here.
 */
import type { AuthContext, RequestOrigin } from '../../../auth/auth-context.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import type { FederationMappingRow, FederationProtocolRow, IdentityProviderRow, OidcConfigRow } from '../../../db/schema.js'
import {
  ConflictError, InvalidFieldError, NotFoundError, ServiceCodedError, UnauthorizedError, ValidationError,
} from '../../../errors/app-error.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import type { ProjectStore } from '../projects/store.js'
import type { IssuedToken } from '../tokens/service.js'
import { defaultMappingId, type FederatedTokenService, type RequestedScope } from './federated-tokens.js'
import { claimsAsAttributes, validateMappingRules } from './mapping-rules.js'
import { signingKeyProblem, verifyIdToken } from './oidc.js'
import type {
  MappingBody, OidcConfigCreateBody, OidcConfigUpdateBody, ProtocolBody, ProviderCreateInput, ProviderUpdateInput,
} from './schemas.js'
import type { FederationStore } from './store.js'

export interface FederationServiceOptions {
  store: FederationStore
  domains: Pick<ProjectStore, 'findDomain'>
  tokens: FederatedTokenService
  clock: Clock
  /** Keystone's OS-FEDERATION (spec §7) instead of the clouds' (sso_type, saml/oidc protocols, limits). */
  keystone: boolean
  /** Called after a provider is disabled or deleted: its tokens stop working at once. */
  invalidateAuthCache(): void
}

/** Spec §1.1: provider ids (terraform's `^[\w-]{1,64}$`). */
const PROVIDER_ID = /^[\w-]{1,64}$/
/** Spec §2.1: mapping ids. */
const MAPPING_ID = /^[\w.-]{1,64}$/
/** Spec §3: the clouds' protocols. */
const CLOUD_PROTOCOLS = new Set(['saml', 'oidc'])
/** Spec §1.1, OQ-12: providers per account on the clouds. */
const CLOUD_PROVIDER_LIMIT = 10
/** Spec §5.1 ¹: fields `program_console` needs. */
const CONSOLE_FIELDS = ['authorization_endpoint', 'scope', 'response_type', 'response_mode'] as const

const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id
const named = <T extends { id: string }>(row: T) => ({ ...row, name: row.id })
const protocolNamed = (row: FederationProtocolRow) => ({ ...row, name: `${row.idp_id}/${row.id}` })
const oidcNamed = (row: OidcConfigRow) => ({ ...row, id: row.idp_id, name: row.idp_id })

/** The flat routes' body error (spec §0.3): IAM.0011 `Request body is invalid.` */
export const invalidBody = () => new ServiceCodedError(400, 'IAM.0011', 'Request body is invalid.')

/** An ID-token exchange: which route asked decides the errors for an unknown provider (spec §5.2, §5.3). */
export interface IdTokenExchange {
  readonly idpId: string
  /** `/v3/OS-FEDERATION/…/protocols/{protocol}/auth` names it; the `id-token` route uses `oidc`. */
  readonly protocolId: string
  readonly idToken: string
  readonly scope?: RequestedScope | undefined
  readonly action: string
  readonly origin?: RequestOrigin | undefined
  /** The route's refusal for an unknown provider or one without an OIDC configuration. */
  readonly notFound: (what: 'idp' | 'config') => Error
}

export class FederationService {
  constructor(private readonly deps: FederationServiceOptions) {}

  /** A refused OIDC body: the clouds' flat code, or Keystone's shape in the keystone flavour (spec OQ-17). */
  private bodyRefusal(code = 'IAM.0011', message = 'Request body is invalid.'): Error {
    return this.deps.keystone ? new ValidationError(message) : new ServiceCodedError(400, code, message)
  }

  private now(): string {
    return isoMicros(this.deps.clock.now())
  }

  // ------------------------------------------------------------------ identity providers

  async createIdentityProvider(ctx: AuthContext, id: string, input: ProviderCreateInput): Promise<IdentityProviderRow> {
    if (!PROVIDER_ID.test(id)) throw new InvalidFieldError('identity_provider/id', `'${id}' does not match '^[\\w-]{1,64}$'`)
    let account = accountOf(ctx)
    if (this.deps.keystone && input.domain_id != null) {
      if (input.domain_id !== account && !ctx.systemAdmin) throw new NotFoundError('domain', input.domain_id)
      if (!(await this.deps.domains.findDomain(input.domain_id))) throw new NotFoundError('domain', input.domain_id)
      account = input.domain_id
    }
    const now = this.now()
    const row: IdentityProviderRow = {
      id, domain_id: account, description: input.description ?? '', enabled: input.enabled ? 1 : 0,
      sso_type: input.sso_type ?? 'virtual_user_sso', remote_ids: JSON.stringify(input.remote_ids ?? []), created_at: now, updated_at: now,
    }
    return this.deps.store.transaction(async (tx) => {
      const created = await tx.createIdentityProvider(row, { perAccount: this.deps.keystone ? Number.POSITIVE_INFINITY : CLOUD_PROVIDER_LIMIT })
      await tx.recordChange(iamTrace(ctx, account, 'createIdentityProvider', now), creationOf('identity_provider', named(created)))
      return created
    })
  }

  /** A provider of the caller's account; another account's is not found. */
  async getIdentityProvider(ctx: AuthContext, id: string): Promise<IdentityProviderRow> {
    const idp = await this.deps.store.findIdentityProvider(id)
    if (!idp || (idp.domain_id !== accountOf(ctx) && !(this.deps.keystone && ctx.systemAdmin))) throw new NotFoundError('Identity Provider', id)
    return idp
  }

  async listIdentityProviders(ctx: AuthContext, filter: { id?: string; enabled?: string }): Promise<IdentityProviderRow[]> {
    const all = await this.deps.store.listIdentityProviders(accountOf(ctx))
    // Keystone's list filters; the clouds' SDK sends none.
    return all.filter((p) => (filter.id === undefined || p.id === filter.id)
      && (filter.enabled === undefined || (p.enabled === 1) === ['true', '1', 'yes', 'on'].includes(filter.enabled.toLowerCase())))
  }

  async updateIdentityProvider(ctx: AuthContext, id: string, input: ProviderUpdateInput): Promise<IdentityProviderRow> {
    const before = await this.getIdentityProvider(ctx, id)
    const now = this.now()
    const patch: Partial<IdentityProviderRow> = { updated_at: now }
    if (input.description !== undefined) patch.description = input.description ?? ''
    if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0
    if (input.remote_ids !== undefined) patch.remote_ids = JSON.stringify(input.remote_ids ?? [])
    const after = await this.deps.store.transaction(async (tx) => {
      const updated = await tx.updateIdentityProvider(id, patch)
      if (!updated) throw new NotFoundError('Identity Provider', id)
      await tx.recordChange(iamTrace(ctx, before.domain_id, 'updateIdentityProvider', now), updateOf('identity_provider', named(before), named(updated)))
      return updated
    })
    // Disabling a provider ends its tokens (spec §1.5).
    if (after.enabled !== before.enabled) this.deps.invalidateAuthCache()
    return after
  }

  /**
   * Its protocols and OIDC configuration go with it, its tokens stop working, and on the clouds
   * the console's mapping `mapping_<id>` goes too when no other protocol uses it (spec OQ-9).
   */
  async deleteIdentityProvider(ctx: AuthContext, id: string): Promise<void> {
    const idp = await this.getIdentityProvider(ctx, id)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.deleteIdentityProvider(id))) throw new NotFoundError('Identity Provider', id)
      await tx.recordChange(iamTrace(ctx, idp.domain_id, 'deleteIdentityProvider', now), deletionOf('identity_provider', named(idp)))
      if (this.deps.keystone) return
      const mapping = await tx.findMapping(idp.domain_id, defaultMappingId(id))
      if (mapping && (await tx.protocolsUsingMapping(idp.domain_id, mapping.id)).length === 0 && await tx.deleteMapping(idp.domain_id, mapping.id)) {
        await tx.recordChange(iamTrace(ctx, idp.domain_id, 'deleteMapping', now), deletionOf('mapping', named(mapping)))
      }
    })
    this.deps.invalidateAuthCache()
  }

  // ------------------------------------------------------------------ mappings

  async createMapping(ctx: AuthContext, id: string, body: MappingBody): Promise<FederationMappingRow> {
    if (!MAPPING_ID.test(id)) throw new InvalidFieldError('mapping/id', `'${id}' does not match '^[\\w.-]{1,64}$'`)
    validateMappingRules(body.mapping.rules)
    const account = accountOf(ctx)
    const now = this.now()
    const row: FederationMappingRow = {
      domain_id: account, id, rules: JSON.stringify(body.mapping.rules), schema_version: body.mapping.schema_version ?? '1.0', created_at: now, updated_at: now,
    }
    return this.deps.store.transaction(async (tx) => {
      const created = await tx.createMapping(row)
      await tx.recordChange(iamTrace(ctx, account, 'createMapping', now), creationOf('mapping', named(created)))
      return created
    })
  }

  async getMapping(ctx: AuthContext, id: string): Promise<FederationMappingRow> {
    const mapping = await this.deps.store.findMapping(accountOf(ctx), id)
    if (!mapping) throw new NotFoundError('mapping', id)
    return mapping
  }

  listMappings(ctx: AuthContext): Promise<FederationMappingRow[]> {
    return this.deps.store.listMappings(accountOf(ctx))
  }

  /** `rules` replaces the whole list (spec §2.1); new rules apply from the next sign-in. */
  async updateMapping(ctx: AuthContext, id: string, body: MappingBody): Promise<FederationMappingRow> {
    const before = await this.getMapping(ctx, id)
    validateMappingRules(body.mapping.rules)
    const now = this.now()
    return this.deps.store.transaction(async (tx) => {
      const updated = await tx.updateMapping(before.domain_id, id, {
        rules: JSON.stringify(body.mapping.rules), updated_at: now, ...(body.mapping.schema_version ? { schema_version: body.mapping.schema_version } : {}),
      })
      if (!updated) throw new NotFoundError('mapping', id)
      await tx.recordChange(iamTrace(ctx, before.domain_id, 'updateMapping', now), updateOf('mapping', named(before), named(updated)))
      return updated
    })
  }

  /** The clouds refuse to delete a mapping a protocol uses (spec §2.1); Keystone lets it dangle. */
  async deleteMapping(ctx: AuthContext, id: string): Promise<void> {
    const mapping = await this.getMapping(ctx, id)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      if (!this.deps.keystone) {
        const users = await tx.protocolsUsingMapping(mapping.domain_id, id)
        if (users.length > 0) throw new ConflictError('mapping', `the mapping ${id} is used by the protocol ${users[0]!.id} of the identity provider ${users[0]!.idp_id}`)
      }
      if (!(await tx.deleteMapping(mapping.domain_id, id))) throw new NotFoundError('mapping', id)
      await tx.recordChange(iamTrace(ctx, mapping.domain_id, 'deleteMapping', now), deletionOf('mapping', named(mapping)))
    })
  }

  // ------------------------------------------------------------------ protocols

  private protocolNotFound(idpId: string, protocolId: string): NotFoundError {
    return new NotFoundError('federated protocol', protocolId, `Could not find federated protocol ${protocolId} for Identity Provider: ${idpId}.`)
  }

  /** Spec §3, §7.3: `mapping_id` required in Keystone, optional on the clouds; when given, a mapping of the account. */
  private async checkedMappingId(account: string, mappingId: string | undefined): Promise<string | null> {
    if (mappingId === undefined) {
      if (this.deps.keystone) throw new ValidationError("'mapping_id' is a required property")
      return null
    }
    if (!(await this.deps.store.findMapping(account, mappingId))) throw new ValidationError(`Invalid mapping id: ${mappingId}`)
    return mappingId
  }

  async createProtocol(ctx: AuthContext, idpId: string, protocolId: string, body: ProtocolBody): Promise<FederationProtocolRow> {
    const idp = await this.getIdentityProvider(ctx, idpId)
    if (protocolId.length < 1 || protocolId.length > 64) throw new InvalidFieldError('protocol/id', `'${protocolId}' is not 1 to 64 characters`)
    if (!this.deps.keystone) {
      if (!CLOUD_PROTOCOLS.has(protocolId)) throw new InvalidFieldError('protocol/id', `'${protocolId}' is not one of ['saml', 'oidc']`)
      if (idp.sso_type === 'iam_user_sso' && protocolId !== 'saml') throw new InvalidFieldError('protocol/id', 'an iam_user_sso identity provider signs in with saml only')
    }
    const row: FederationProtocolRow = { idp_id: idp.id, id: protocolId, mapping_id: await this.checkedMappingId(idp.domain_id, body.protocol.mapping_id), created_at: this.now() }
    return this.deps.store.transaction(async (tx) => {
      // Spec OQ-10: one protocol per provider on the clouds.
      const created = await tx.createProtocol(row, !this.deps.keystone)
      await tx.recordChange(iamTrace(ctx, idp.domain_id, 'createProtocol', row.created_at), creationOf('protocol', protocolNamed(created)))
      return created
    })
  }

  async getProtocol(ctx: AuthContext, idpId: string, protocolId: string): Promise<FederationProtocolRow> {
    const idp = await this.getIdentityProvider(ctx, idpId)
    const protocol = await this.deps.store.findProtocol(idp.id, protocolId)
    if (!protocol) throw this.protocolNotFound(idpId, protocolId)
    return protocol
  }

  async listProtocols(ctx: AuthContext, idpId: string): Promise<FederationProtocolRow[]> {
    const idp = await this.getIdentityProvider(ctx, idpId)
    return this.deps.store.listProtocols(idp.id)
  }

  async updateProtocol(ctx: AuthContext, idpId: string, protocolId: string, body: ProtocolBody): Promise<FederationProtocolRow> {
    const before = await this.getProtocol(ctx, idpId, protocolId)
    const idp = await this.getIdentityProvider(ctx, idpId)
    const mappingId = body.protocol.mapping_id === undefined && !this.deps.keystone
      ? before.mapping_id
      : await this.checkedMappingId(idp.domain_id, body.protocol.mapping_id)
    const now = this.now()
    return this.deps.store.transaction(async (tx) => {
      const updated = await tx.updateProtocol(idp.id, protocolId, mappingId)
      if (!updated) throw this.protocolNotFound(idpId, protocolId)
      await tx.recordChange(iamTrace(ctx, idp.domain_id, 'updateProtocol', now), updateOf('protocol', protocolNamed(before), protocolNamed(updated)))
      return updated
    })
  }

  async deleteProtocol(ctx: AuthContext, idpId: string, protocolId: string): Promise<void> {
    const protocol = await this.getProtocol(ctx, idpId, protocolId)
    const idp = await this.getIdentityProvider(ctx, idpId)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.deleteProtocol(idp.id, protocolId))) throw this.protocolNotFound(idpId, protocolId)
      await tx.recordChange(iamTrace(ctx, idp.domain_id, 'deleteProtocol', now), deletionOf('protocol', protocolNamed(protocol)))
    })
  }

  // ------------------------------------------------------------------ OIDC configuration (flat errors)

  /** The provider for the flat OIDC routes: not found is IAM.0004 with Keystone's text. */
  private async oidcProvider(ctx: AuthContext, idpId: string): Promise<IdentityProviderRow> {
    return this.getIdentityProvider(ctx, idpId)
  }

  /** Spec §5.1: the console-only fields when the mode needs them, `openid` among the scopes, a usable JWKS. */
  private async checkOidcConfig(config: { access_mode: string; scope?: string | null | undefined; signing_key?: string | undefined } & Partial<Record<(typeof CONSOLE_FIELDS)[number], string | null>>): Promise<void> {
    if (config.access_mode === 'program_console') {
      const missing = CONSOLE_FIELDS.find((f) => config[f] === undefined || config[f] === null)
      if (missing) throw this.bodyRefusal('IAM.0072', `'${missing}' is a required property.`)
    }
    if (config.scope !== undefined && config.scope !== null) {
      const scopes = config.scope.split(' ')
      if (!scopes.includes('openid') || scopes.length > 10 || scopes.some((s) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))) {
        throw this.bodyRefusal('IAM.0073', `Invalid input for field 'scope'. The value is '${config.scope}'.`)
      }
    }
    if (config.signing_key !== undefined && (await signingKeyProblem(config.signing_key)) !== undefined) throw this.bodyRefusal()
  }

  async createOidcConfig(ctx: AuthContext, idpId: string, body: OidcConfigCreateBody): Promise<OidcConfigRow> {
    const idp = await this.oidcProvider(ctx, idpId)
    const input = body.openid_connect_config
    // An IAM-user SSO provider, or one signing in with SAML, has no use for OIDC (spec §5.1).
    if (idp.sso_type === 'iam_user_sso' || (await this.deps.store.findProtocol(idp.id, 'saml'))) throw this.bodyRefusal()
    await this.checkOidcConfig(input)
    const now = this.now()
    const row: OidcConfigRow = {
      idp_id: idp.id, access_mode: input.access_mode, idp_url: input.idp_url, client_id: input.client_id,
      authorization_endpoint: input.authorization_endpoint ?? null, scope: input.scope ?? null, response_type: input.response_type ?? null,
      response_mode: input.response_mode ?? null, signing_key: input.signing_key, created_at: now, updated_at: now,
    }
    return this.deps.store.transaction(async (tx) => {
      const created = await tx.createOidcConfig(row)
      await tx.recordChange(iamTrace(ctx, idp.domain_id, 'createOpenIdConnectConfig', now), creationOf('openid_connect_config', oidcNamed(created)))
      return created
    })
  }

  async getOidcConfig(ctx: AuthContext, idpId: string): Promise<OidcConfigRow> {
    const idp = await this.oidcProvider(ctx, idpId)
    const config = await this.deps.store.findOidcConfig(idp.id)
    if (!config) throw new NotFoundError('openid_connect_config', idpId)
    return config
  }

  /** Partial bodies merge into the stored configuration, which is checked whole (spec §5.1). */
  async updateOidcConfig(ctx: AuthContext, idpId: string, body: OidcConfigUpdateBody): Promise<OidcConfigRow> {
    const before = await this.getOidcConfig(ctx, idpId)
    const input = body.openid_connect_config
    const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<OidcConfigRow>
    await this.checkOidcConfig({ ...before, ...patch })
    const now = this.now()
    return this.deps.store.transaction(async (tx) => {
      const updated = await tx.updateOidcConfig(before.idp_id, { ...patch, updated_at: now })
      if (!updated) throw new NotFoundError('openid_connect_config', idpId)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'updateOpenIdConnectConfig', now), updateOf('openid_connect_config', oidcNamed(before), oidcNamed(updated)))
      return updated
    })
  }

  // ------------------------------------------------------------------ ID-token exchange

  /**
   * Spec §5.2–5.4: the provider (route's error when unknown; disabled → 403), its OIDC
   * configuration (route's error when none), the ID token verified (any failure → 401), then
   * the claims signed in through the protocol's mapping.
   */
  async exchangeIdToken(request: IdTokenExchange): Promise<IssuedToken> {
    const idp = await this.deps.store.findIdentityProvider(request.idpId)
    if (!idp) throw request.notFound('idp')
    await this.deps.tokens.enabledProvider(idp.id)
    const config = await this.deps.store.findOidcConfig(idp.id)
    if (!config) throw request.notFound('config')
    if (!(await this.deps.store.findProtocol(idp.id, request.protocolId))) throw new UnauthorizedError()
    const claims = await verifyIdToken(request.idToken, config, this.deps.clock.now())
    const attributes = claimsAsAttributes(claims)
    if (this.deps.keystone) {
      // What mod_auth_openidc hands Keystone, which typical Keystone mappings name (spec §5.5).
      for (const [name, values] of Object.entries({ ...attributes })) attributes[`OIDC-${name}`] = values
      attributes.HTTP_OIDC_ISS = [String(claims.iss)]
    }
    return this.deps.tokens.federatedSignIn({
      idpId: idp.id, protocolId: request.protocolId, attributes, scope: request.scope, action: request.action, origin: request.origin,
    })
  }
}
