/**
 * @module Ids with a meaning of their own, which several layers must agree on.
 */

/** Every account's default enterprise project: id `0`, name `default`, on both clouds. */
export const DEFAULT_ENTERPRISE_PROJECT_ID = '0'
export const DEFAULT_ENTERPRISE_PROJECT_NAME = 'default'

/** An enterprise project id as EPS spells it: `0`, or a lower-case UUID with dashes. */
export const ENTERPRISE_PROJECT_ID_PATTERN = '^(0|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$'
export const ENTERPRISE_PROJECT_ID = new RegExp(ENTERPRISE_PROJECT_ID_PATTERN)
/** A UUID with dashes, either case. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `token_keys` row whose key seals tokens; more rows may join it (rotation). */
export const PRIMARY_TOKEN_KEY_ID = 'primary'
/** `token_keys` row whose key seals stored secret keys (not a token key). */
export const CREDENTIAL_KEY_ID = 'credential-secrets'
