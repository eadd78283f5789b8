/**
 * @module The state document's identity federation (issue 20): an account's mappings and
 * identity providers with their protocols and OpenID Connect configuration.
 */
import { Type as T } from '@sinclair/typebox'
import { Enum, Text, Id, Nullable, Time, Times, closed } from './document-blocks.js'

/** A mapping of identity federation (issue 20): its rules as the API takes them (checked on import). */
export const MappingSchema = T.Object({
  id: Id,
  rules: T.Array(T.Unknown(), { minItems: 1, expected: 'a non-empty list of rules' }),
  schema_version: T.Optional(Enum(['1.0', '2.0', '3.0'])),
  ...Times,
}, closed)

/** An identity provider (OS-FEDERATION) with its protocols and OpenID Connect configuration (issue 20). */
export const IdentityProviderSchema = T.Object({
  id: Id,
  description: T.Optional(Text(255)),
  enabled: T.Optional(T.Boolean()),
  sso_type: T.Optional(Enum(['virtual_user_sso', 'iam_user_sso'])),
  remote_ids: T.Optional(T.Array(T.String({ minLength: 1, maxLength: 255 }))),
  protocols: T.Optional(T.Array(T.Object({
    id: Id,
    mapping_id: T.Optional(Nullable(Id)),
    /** A saml protocol's imported IdP metadata, read again on import as the API reads it. */
    saml_metadata: T.Optional(T.Object({ id: T.Optional(Id), xaccount_type: T.String({ maxLength: 64 }), data: T.String({ minLength: 1 }), update_time: T.Optional(Time) }, closed)),
  }, closed))),
  openid_connect_config: T.Optional(T.Object({
    access_mode: Enum(['program', 'program_console']),
    idp_url: T.String({ minLength: 1, maxLength: 255 }),
    client_id: T.String({ minLength: 1, maxLength: 255 }),
    authorization_endpoint: T.Optional(Nullable(T.String({ maxLength: 255 }))),
    scope: T.Optional(Nullable(T.String({ maxLength: 255 }))),
    response_type: T.Optional(Nullable(T.String({ maxLength: 32 }))),
    response_mode: T.Optional(Nullable(T.String({ maxLength: 32 }))),
    signing_key: T.String({ minLength: 1, maxLength: 30000 }),
  }, closed)),
  ...Times,
}, closed)
