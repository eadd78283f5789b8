/**
 * A test OpenID Connect identity provider (spec iam-federation.md §9): keys generated with jose
 * when a suite starts, its JWKS as the `signing_key` the server is given, and ID tokens signed
 * by jose — never fixtures. Key A signs by default; B is a rotated key also in the JWKS; the
 * rogue key is in no JWKS; the EC key signs ES256 tokens for an RSA-only JWKS.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

export interface SigningKey { readonly kid: string; readonly alg: string; readonly privateKey: CryptoKey; readonly jwk: JWK }

export interface TestOidcIdp {
  readonly issuer: string
  readonly clientId: string
  readonly keyA: SigningKey
  readonly keyB: SigningKey
  readonly rogue: SigningKey
  readonly ec: SigningKey
  /** `{"keys":[A,B]}`, as the provider publishes it. */
  readonly signingKey: string
  /** The baseline claims at `nowSeconds` (iss, aud, sub, iat, exp = iat + 600, email, name, groups: ci-deployers), with `claims` laid over. */
  claims(nowSeconds: number, claims?: Record<string, unknown>): JWTPayload
  /** An ID token signed with `key` (A unless said), header `{alg, kid}` (`kid: null` leaves it out). */
  idToken(nowSeconds: number, claims?: Record<string, unknown>, options?: { key?: SigningKey; kid?: string | null; alg?: string }): Promise<string>
}

async function signingKey(kid: string, alg: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

export async function createOidcIdp(options: { issuer?: string; clientId?: string } = {}): Promise<TestOidcIdp> {
  const issuer = options.issuer ?? 'https://idp.test/realms/ci'
  const clientId = options.clientId ?? 'projectplane-ci'
  const [keyA, keyB, rogue, ec] = await Promise.all([signingKey('A', 'RS256'), signingKey('B', 'RS256'), signingKey('A', 'RS256'), signingKey('E', 'ES256')])
  const claims = (now: number, extra: Record<string, unknown> = {}): JWTPayload => ({
    iss: issuer, aud: clientId, sub: 'workload-1', iat: now, exp: now + 600, email: 'ci@example.test', name: 'CI workload', groups: ['ci-deployers'], ...extra,
  })
  return {
    issuer, clientId, keyA, keyB, rogue, ec,
    signingKey: JSON.stringify({ keys: [keyA.jwk, keyB.jwk] }),
    claims,
    idToken: async (now, extra, opts = {}) => {
      const key = opts.key ?? keyA
      const header: { alg: string; kid?: string } = { alg: opts.alg ?? key.alg }
      if (opts.kid !== null) header.kid = opts.kid ?? key.kid
      // The payload goes as built: absent claims stay absent (SignJWT adds none by itself).
      return new SignJWT(claims(now, extra)).setProtectedHeader(header).sign(key.privateKey)
    },
  }
}
