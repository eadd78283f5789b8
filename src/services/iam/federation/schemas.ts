/**
 * @module Request schemas of the federation routes (spec iam-federation.md §1–3, §5; SDK models
 * `IdentityproviderOption`, `MappingOption`, `ProtocolOption`, `CreateOpenIdConnectConfig`,
 * `GetIdTokenRequestBody`). Mapping rules are checked by `mapping-rules.ts`, which knows the
 * language; here they are only an array. Keystone's flavour takes its own fields (spec §7).
 */
import { Type as T, type Static } from '@sinclair/typebox'

const Description = T.String({ maxLength: 255 })

/** HWC/OTC: `sso_type`, `description`, `enabled`; anything else is refused (spec §1.2). */
export const CloudProviderCreateSchema = T.Object({
  identity_provider: T.Object({
    sso_type: T.Optional(T.Union([T.Literal('virtual_user_sso'), T.Literal('iam_user_sso')])),
    description: T.Optional(Description),
    enabled: T.Optional(T.Boolean()),
  }, { additionalProperties: false }),
}, { additionalProperties: false })

/** Keystone: `remote_ids`, `domain_id`, `authorization_ttl`, a nullable description (spec §7.1). */
export const KeystoneProviderCreateSchema = T.Object({
  identity_provider: T.Object({
    description: T.Optional(T.Union([Description, T.Null()])),
    enabled: T.Optional(T.Boolean()),
    remote_ids: T.Optional(T.Union([T.Array(T.String({ minLength: 1, maxLength: 255 }), { uniqueItems: true }), T.Null()])),
    domain_id: T.Optional(T.Union([T.String({ minLength: 1, maxLength: 64 }), T.Null()])),
    authorization_ttl: T.Optional(T.Union([T.Integer({ minimum: 0 }), T.Null()])),
  }, { additionalProperties: false }),
}, { additionalProperties: false })

export interface ProviderCreateInput {
  sso_type?: 'virtual_user_sso' | 'iam_user_sso'
  description?: string | null
  enabled?: boolean
  remote_ids?: string[] | null
  domain_id?: string | null
  authorization_ttl?: number | null
}

/** At least one field (Keystone's `minProperties: 1`); `sso_type` is immutable (spec §1.5). */
export const CloudProviderUpdateSchema = T.Object({
  identity_provider: T.Object({
    description: T.Optional(Description),
    enabled: T.Optional(T.Boolean()),
  }, { additionalProperties: false, minProperties: 1 }),
}, { additionalProperties: false })

export const KeystoneProviderUpdateSchema = T.Object({
  identity_provider: T.Object({
    description: T.Optional(T.Union([Description, T.Null()])),
    enabled: T.Optional(T.Boolean()),
    remote_ids: T.Optional(T.Union([T.Array(T.String({ minLength: 1, maxLength: 255 }), { uniqueItems: true }), T.Null()])),
    authorization_ttl: T.Optional(T.Union([T.Integer({ minimum: 0 }), T.Null()])),
  }, { additionalProperties: false, minProperties: 1 }),
}, { additionalProperties: false })

export interface ProviderUpdateInput {
  description?: string | null
  enabled?: boolean
  remote_ids?: string[] | null
  authorization_ttl?: number | null
}

export const MappingBodySchema = T.Object({
  mapping: T.Object({
    rules: T.Unknown(),
    schema_version: T.Optional(T.Union([T.Literal('1.0'), T.Literal('2.0'), T.Literal('3.0')])),
  }, { additionalProperties: false, required: ['rules'] }),
}, { additionalProperties: false })
export type MappingBody = Static<typeof MappingBodySchema>

export const ProtocolBodySchema = T.Object({
  protocol: T.Object({
    mapping_id: T.Optional(T.String({ minLength: 1, maxLength: 64 })),
    remote_id_attribute: T.Optional(T.Union([T.String({ maxLength: 64 }), T.Null()])),
  }, { additionalProperties: false }),
}, { additionalProperties: false })
export type ProtocolBody = Static<typeof ProtocolBodySchema>

export const IdParamsSchema = T.Object({ id: T.String() })
export const ProtocolParamsSchema = T.Object({ idp_id: T.String(), protocol_id: T.String() })
export const IdpParamsSchema = T.Object({ idp_id: T.String() })

/** Spec §5.1 field rules; `required` differs between create and update, so it is left to `oidcConfigSchema`. */
const OIDC_FIELDS = {
  access_mode: T.Union([T.Literal('program'), T.Literal('program_console')]),
  idp_url: T.String({ minLength: 10, maxLength: 255 }),
  client_id: T.String({ minLength: 5, maxLength: 255 }),
  authorization_endpoint: T.String({ minLength: 10, maxLength: 255 }),
  scope: T.String({ minLength: 1, maxLength: 255 }),
  response_type: T.Literal('id_token'),
  response_mode: T.Union([T.Literal('fragment'), T.Literal('form_post')]),
  signing_key: T.String({ minLength: 10, maxLength: 30000 }),
}

export const OidcConfigCreateSchema = T.Object({
  openid_connect_config: T.Object({
    access_mode: OIDC_FIELDS.access_mode,
    idp_url: OIDC_FIELDS.idp_url,
    client_id: OIDC_FIELDS.client_id,
    signing_key: OIDC_FIELDS.signing_key,
    authorization_endpoint: T.Optional(OIDC_FIELDS.authorization_endpoint),
    scope: T.Optional(OIDC_FIELDS.scope),
    response_type: T.Optional(OIDC_FIELDS.response_type),
    response_mode: T.Optional(OIDC_FIELDS.response_mode),
  }, { additionalProperties: false }),
}, { additionalProperties: false })
export type OidcConfigCreateBody = Static<typeof OidcConfigCreateSchema>

export const OidcConfigUpdateSchema = T.Object({
  openid_connect_config: T.Partial(OidcConfigCreateSchema.properties.openid_connect_config, { additionalProperties: false }),
}, { additionalProperties: false })
export type OidcConfigUpdateBody = Static<typeof OidcConfigUpdateSchema>
export type OidcConfigInput = OidcConfigUpdateBody['openid_connect_config']

const ScopeTarget = T.Object({ id: T.Optional(T.String({ minLength: 1 })), name: T.Optional(T.String({ minLength: 1 })) }, { additionalProperties: false, minProperties: 1 })

/** SDK `GetIdTokenRequestBody` (spec §5.2). */
export const IdTokenExchangeSchema = T.Object({
  auth: T.Object({
    id_token: T.Object({ id: T.String({ minLength: 1 }) }, { additionalProperties: false }),
    scope: T.Optional(T.Object({ domain: T.Optional(ScopeTarget), project: T.Optional(ScopeTarget) }, { additionalProperties: false })),
  }, { additionalProperties: false }),
}, { additionalProperties: false })
export type IdTokenExchangeBody = Static<typeof IdTokenExchangeSchema>
