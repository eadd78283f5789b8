/**
 * @module Callers who sign requests with an access key (the Huawei SDKs never send a token).
 * Checks the signature (auth/aksk-signature.ts) against the key's secret, the key's state, the
 * security token of a temporary key, and the scope headers; then builds the same AuthContext a
 * token gives. Every refusal is a 401 whose message says what was wrong, in the words of the
 * clouds' API gateway. Signed calls are account-wide: IAM, EPS and COC are global services.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { CredentialRow } from '../db/schema.js'
import { UnauthorizedError } from '../errors/app-error.js'
import type { AuthContext } from './auth-context.js'
import {
  parseSdkAuthorization, verifySdkSignature, type SdkAuthorization, type SignatureFailure, type SignedRequest,
} from './aksk-signature.js'

const PREFIX = 'Incorrect IAM authentication information: '
const FAILURE_TEXT: Record<SignatureFailure, string> = {
  malformed: 'the Authorization header is malformed',
  unsupported_algorithm: 'the signing algorithm is not supported (use SDK-HMAC-SHA256 or V11-HMAC-SHA256)',
  date_missing: 'X-Sdk-Date is missing, unsigned or not in the form YYYYMMDDTHHMMSSZ',
  date_skew: 'X-Sdk-Date is more than 15 minutes away from the server time',
  host_not_signed: 'the host header is not signed',
  signature_mismatch: 'verify aksk signature fail',
}
const CACHE_TTL_MS = 1000

/** A signing caller's audit id names the key it signed with (no token, so nothing to revoke). */
const accessKeyAuditId = (access: string) => `ak-${access}`
export const isAccessKeyCaller = (ctx: AuthContext) => ctx.auditId.startsWith('ak-')

/** Temporary keys' security tokens are stored as this hash only. */
export const hashSecurityToken = (token: string) => createHash('sha256').update(token).digest('hex')

export interface AccessKeyAuthDeps {
  signingKey(access: string): Promise<{ row: CredentialRow; secret: string } | undefined>
  /**
   * The caller for a key: its user (or, for a key made through an agency, that agency), scoped
   * to the account `domainId` (the user's or agency's own when undefined), re-checking user,
   * account and agency as for tokens; undefined when the caller may not act there.
   */
  contextFor(key: CredentialRow, domainId: string | undefined, auditId: string): Promise<AuthContext | undefined>
  /** Whether the project belongs to the account, for X-Project-Id. */
  projectInAccount(projectId: string, accountId: string): Promise<boolean>
  markUsed(access: string): Promise<void>
  now(): number
}

/** A signature whose key checks out, waiting for the body before it can be verified. */
export interface PendingSignature {
  readonly auth: SdkAuthorization
  readonly key: { row: CredentialRow; secret: string }
}

export class AccessKeyAuthenticator {
  private readonly keys = new Map<string, { key: { row: CredentialRow; secret: string } | undefined; until: number }>()
  private readonly contexts = new Map<string, { ctx: AuthContext; until: number }>()

  constructor(private readonly deps: AccessKeyAuthDeps) {}

  /**
   * Everything that can be checked before the body is read: header shape, key, key state.
   * Undefined when the request is not signed at all (the caller then looks for a token).
   */
  async prepare(authorization: string | undefined, securityToken: string | undefined): Promise<PendingSignature | undefined> {
    const auth = parseSdkAuthorization(authorization)
    if (auth === undefined) return undefined
    if ('error' in auth) throw new UnauthorizedError(PREFIX + FAILURE_TEXT[auth.error])
    const key = await this.key(auth.accessKey)
    if (!key) throw new UnauthorizedError(`${PREFIX}the access key ${auth.accessKey} does not exist`)
    const { row } = key
    if (row.status !== 'active') throw new UnauthorizedError(`${PREFIX}the access key ${row.access} is inactive`)
    if (row.kind === 'temporary') {
      if (row.expires_at === null || Date.parse(row.expires_at) <= this.deps.now()) {
        throw new UnauthorizedError(`${PREFIX}the securitytoken has expired`)
      }
      if (!securityToken || !auth.signedHeaders.includes('x-security-token') || !sameHash(hashSecurityToken(securityToken), row.security_token_hash)) {
        throw new UnauthorizedError(`${PREFIX}a temporary access key needs its signed X-Security-Token`)
      }
    }
    return { auth, key }
  }

  /** Verifies the signature over the whole request and returns the caller. */
  async authenticate(request: SignedRequest, pending: PendingSignature): Promise<AuthContext> {
    const result = verifySdkSignature(request, pending.auth, pending.key.secret, { now: this.deps.now() })
    if (!result.ok) throw new UnauthorizedError(PREFIX + FAILURE_TEXT[result.reason])
    const header = (name: string) => {
      const value = request.headers[name]
      return Array.isArray(value) ? value[0] : value
    }
    const { row } = pending.key
    const domainHeader = header('x-domain-id')
    const projectHeader = header('x-project-id')
    // An empty scope header names nothing (the SDK leaves the header out when it has no id), so
    // it is refused, here, before the cache: keyed below, '' and absent would share one entry.
    if (domainHeader === '') throw new UnauthorizedError(`${PREFIX}the X-Domain-Id header is empty: send the id, or leave the header out`)
    if (projectHeader === '') throw new UnauthorizedError(`${PREFIX}the X-Project-Id header is empty: send the id, or leave the header out`)
    const cacheKey = `${row.access}\n${domainHeader ?? ''}\n${projectHeader ?? ''}`
    const now = this.deps.now()
    const cached = this.contexts.get(cacheKey)
    let ctx = cached && cached.until > now ? cached.ctx : undefined
    if (!ctx) {
      ctx = await this.deps.contextFor(row, domainHeader, accessKeyAuditId(row.access))
      if (!ctx || ctx.accountId === undefined) throw new UnauthorizedError(`${PREFIX}the user of access key ${row.access} cannot act in this account`)
      if (projectHeader !== undefined) {
        if (!(await this.deps.projectInAccount(projectHeader, ctx.accountId))) throw new UnauthorizedError(`${PREFIX}the project ${projectHeader} in X-Project-Id is not in the account`)
        ctx = { ...ctx, signedProjectId: projectHeader }
      }
      if (this.contexts.size > 10_000) this.contexts.clear()
      this.contexts.set(cacheKey, { ctx, until: now + CACHE_TTL_MS })
    }
    await this.deps.markUsed(row.access)
    return ctx
  }

  private async key(access: string) {
    const now = this.deps.now()
    const cached = this.keys.get(access)
    if (cached && cached.until > now) return cached.key
    const key = await this.deps.signingKey(access)
    if (this.keys.size > 10_000) this.keys.clear()
    this.keys.set(access, { key, until: now + CACHE_TTL_MS })
    return key
  }

  /** After any change to keys, users or grants. */
  clear(): void {
    this.keys.clear()
    this.contexts.clear()
  }
}

function sameHash(a: string, b: string | null): boolean {
  return b !== null && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
}
