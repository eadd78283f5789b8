/**
 * @module OpenID Connect ID tokens (spec iam-federation.md §5.1, §5.4): checking a provider's
 * `signing_key` (a JWKS) when it is written, and verifying an ID token against the provider's
 * configuration when it is exchanged. Every cryptographic step is `jose`'s; what is decided here
 * is which key and which algorithms count, and the claims the clouds check. Every failure of an
 * ID token is the same 401 (spec OQ-3); the reason goes in the error's details for the log.
 */
import type { JWK, JWTPayload, ProtectedHeaderParameters } from 'jose'
import type { OidcConfigRow } from '../../../db/schema.js'
import { UnauthorizedError } from '../../../errors/app-error.js'

/** Loaded on the first OIDC exchange: most servers never federate, and `jose` costs memory in every one. */
let joseModule: Promise<typeof import('jose')> | undefined
const jose = () => (joseModule ??= import('jose'))

/** Spec §5.4 #2: the asymmetric algorithms the clouds accept; `none` and every `HS*` are refused. */
export const ID_TOKEN_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']
/** Spec OQ-4: how far the provider's clock may be from ours. */
export const CLOCK_SKEW_SECONDS = 300

/** Members only a private or symmetric key has: a JWKS holding one is refused on write. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
const EC_ALGORITHMS: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }

/** Why a `signing_key` was refused; undefined when it is a usable JWKS of public signature keys. */
export async function signingKeyProblem(text: string): Promise<string | undefined> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return 'signing_key is not JSON'
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || keys.length === 0) return 'signing_key has no keys'
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return `key ${i} is not an object`
    const jwk = key as JWK
    if (PRIVATE_MEMBERS.some((m) => m in jwk)) return `key ${i} holds private or secret members`
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') return `key ${i} is neither an RSA nor an EC key`
    if (jwk.alg !== undefined && !ID_TOKEN_ALGORITHMS.includes(jwk.alg)) return `key ${i} has an algorithm the clouds do not accept (${jwk.alg})`
    try {
      await (await jose()).importJWK(jwk, jwk.alg ?? defaultAlgorithm(jwk))
    } catch {
      return `key ${i} cannot be imported as a public key`
    }
  }
  return undefined
}

function defaultAlgorithm(jwk: JWK): string {
  return jwk.kty === 'EC' ? EC_ALGORITHMS[jwk.crv ?? ''] ?? 'ES256' : 'RS256'
}

function refused(reason: string): UnauthorizedError {
  return new UnauthorizedError(undefined, { reason })
}

/**
 * Spec §5.4 checks 1–10, in order: form, algorithm, key (by `kid`, or the only signature key),
 * signature, issuer (one trailing `/` tolerated), audience (and `azp` when several), `exp`, `iat`,
 * `nbf`, `sub`. Returns the claims. `now` is the server clock, in milliseconds.
 */
export async function verifyIdToken(token: string, config: Pick<OidcConfigRow, 'idp_url' | 'client_id' | 'signing_key'>, now: number): Promise<JWTPayload> {
  const { decodeProtectedHeader, errors: joseErrors, importJWK, jwtVerify } = await jose()
  let header: ProtectedHeaderParameters
  try {
    header = decodeProtectedHeader(token)
  } catch {
    throw refused('not a compact JWS')
  }
  if (token.split('.').length !== 3) throw refused('not a compact JWS')
  const alg = header.alg
  if (alg === undefined || !ID_TOKEN_ALGORITHMS.includes(alg)) throw refused(`algorithm ${String(alg)} is not accepted`)
  const jwk = chooseKey(config.signing_key, header.kid, alg)
  let verified: JWTPayload
  try {
    const key = await importJWK(jwk, alg)
    const result = await jwtVerify(token, key, {
      algorithms: [alg], currentDate: new Date(now), clockTolerance: CLOCK_SKEW_SECONDS, requiredClaims: ['exp', 'iat', 'sub'],
    })
    verified = result.payload
  } catch (error) {
    throw refused(error instanceof joseErrors.JOSEError ? `${error.code}: ${error.message}` : 'the key does not fit the algorithm')
  }
  if (typeof verified.iss !== 'string' || trimSlash(verified.iss) !== trimSlash(config.idp_url)) throw refused('issuer differs')
  const audiences = Array.isArray(verified.aud) ? verified.aud : verified.aud === undefined ? [] : [verified.aud]
  if (!audiences.includes(config.client_id)) throw refused('audience differs')
  if (audiences.length > 1 && verified.azp !== undefined && verified.azp !== config.client_id) throw refused('azp differs')
  // jose checks `iat` is a number; an ID token issued in the future (beyond the skew) is refused too.
  if (typeof verified.iat !== 'number' || verified.iat > now / 1000 + CLOCK_SKEW_SECONDS) throw refused('issued in the future')
  if (typeof verified.sub !== 'string' || verified.sub === '') throw refused('no subject')
  return verified
}

const trimSlash = (url: string) => (url.endsWith('/') ? url.slice(0, -1) : url)

/**
 * Spec §5.4 #3: the key named by `kid`; without `kid`, the one signature key when there is only
 * one. Keys for another use are skipped; a key's own `alg`, when set, must be the token's.
 */
function chooseKey(signingKey: string, kid: string | undefined, alg: string): JWK {
  let keys: JWK[]
  try {
    keys = ((JSON.parse(signingKey) as { keys?: JWK[] }).keys ?? []).filter((k) => k.use === undefined || k.use === 'sig')
  } catch {
    throw refused('the stored signing_key is not JSON')
  }
  const candidates = kid === undefined ? (keys.length === 1 ? keys : []) : keys.filter((k) => k.kid === kid)
  const key = candidates[0]
  if (!key) throw refused(kid === undefined ? 'no kid, and not exactly one signature key' : `no key ${kid}`)
  if (key.alg !== undefined && key.alg !== alg) throw refused(`key ${kid ?? ''} is for ${key.alg}, not ${alg}`)
  return key
}
