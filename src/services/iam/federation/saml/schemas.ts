/**
 * @module Request schemas of the SAML routes (SDK `CreateMetadataRequestBody`,
 * `CreateUnscopeTokenByIdpInitiatedRequestBody`); handler types derive from them.
 */
import { Type as T, type Static } from '@sinclair/typebox'

export const MetadataParamsSchema = T.Object({ idp_id: T.String({ minLength: 1, maxLength: 64 }), protocol_id: T.String({ minLength: 1, maxLength: 64 }) })
export type MetadataParams = Static<typeof MetadataParamsSchema>

/** Not wrapped (spec §4.2). `xaccount_type` may be empty; the document's own rules are the service's. */
export const MetadataImportBodySchema = T.Object({
  domain_id: T.String({ minLength: 1, maxLength: 64 }),
  xaccount_type: T.String({ maxLength: 64 }),
  metadata: T.String({ minLength: 1 }),
}, { additionalProperties: true })
export type MetadataImportBody = Static<typeof MetadataImportBodySchema>

/** The HTTP-POST binding's form (url-encoded): the one field an IdP posts that matters here. */
export const IdpInitiatedFormSchema = T.Object({
  SAMLResponse: T.String({ minLength: 1 }),
  RelayState: T.Optional(T.String()),
}, { additionalProperties: true })
export type IdpInitiatedForm = Static<typeof IdpInitiatedFormSchema>
