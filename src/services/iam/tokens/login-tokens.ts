/**
 * @module Login tickets (Huawei Cloud `POST /v3.0/OS-AUTH/securitytoken/logintokens`,
 * createLoginToken): a temporary access key, its secret and its security token buy a short-lived
 * ticket for the console. The ticket is sealed like a token, with a method no other token has,
 * so it is never accepted as an `X-Auth-Token` nor rescoped. A key made from a user's token gives
 * `method: "token"`; one made through an agency, only if it was given a `session_user`, gives
 * `federation_proxy` with the session's name and the user who assumed the agency.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { CredentialRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { hashSecurityToken } from '../../../auth/access-key-auth.js'
import { newAuditId, type TokenCodec } from '../../../auth/token-codec.js'
import { UnauthorizedError, ValidationError } from '../../../errors/app-error.js'
import type { Clock } from '../../../shared/clock.js'
import type { LoginTokenRequest } from './schemas.js'

/** The method sealed into a login ticket; `TokenService` refuses every token that carries it. */
export const LOGIN_TOKEN_METHOD = 'logintoken'

/** 600 s to 12 h, 600 s unless asked; a value out of range silently becomes 600 s (HWC). */
export const LOGIN_TOKEN_SECONDS = { min: 600, max: 43_200, default: 600 }

export interface IssuedLoginToken {
  readonly token: string
  readonly ctx: AuthContext
  /** The method the ticket reports: `token` for a key made from a user's token, `federation_proxy` through an agency. */
  readonly method: 'token' | 'federation_proxy'
  /** The session name an agency key was given (`session_user.name`). */
  readonly sessionName?: string
  readonly sessionId: string
  readonly expiresAt: number
}

export interface LoginTokenServiceOptions {
  /** A key and its secret, from the access keys (credentials/). */
  signingKey(access: string): Promise<{ row: CredentialRow; secret: string } | undefined>
  /** The key's caller (its user, or the agency it was made through) with every check a token gets, account-wide. */
  keyContext(key: CredentialRow, auditId: string): Promise<AuthContext | undefined>
  codec: TokenCodec
  clock: Clock
}

const digest = (value: string) => createHash('sha256').update(value).digest()
const same = (a: string, b: string | null) => b !== null && timingSafeEqual(digest(a), digest(b))

export class LoginTokenService {
  constructor(private readonly deps: LoginTokenServiceOptions) {}

  /** 401 (Keystone's text) for a key that is unknown, permanent, inactive, expired or does not match. */
  async issue(body: LoginTokenRequest): Promise<IssuedLoginToken> {
    const given = body.auth.securitytoken
    const now = this.deps.clock.now()
    const key = await this.deps.signingKey(given.access)
    const row = key?.row
    if (!key || !row || row.kind !== 'temporary' || row.status !== 'active' || row.expires_at === null) throw new UnauthorizedError()
    const remaining = Math.floor((Date.parse(row.expires_at) - now) / 1000)
    if (remaining <= 0 || !same(given.secret, key.secret) || !same(hashSecurityToken(given.id), row.security_token_hash)) throw new UnauthorizedError()
    // The clouds: a key made through an agency buys a ticket only if its session was named (open question 16).
    if (row.agency_id !== null && row.session_user === null) throw new ValidationError('The request body is invalid')
    const auditId = newAuditId()
    const ctx = await this.deps.keyContext(row, auditId)
    if (!ctx) throw new UnauthorizedError()
    const seconds = Math.max(LOGIN_TOKEN_SECONDS.min, Math.min(requestedSeconds(given.duration_seconds), remaining))
    const expiresAt = now + seconds * 1000
    const token = this.deps.codec.encode({
      userId: ctx.user.id, scope: { type: 'domain', id: ctx.userDomain.id }, issuedAt: now, expiresAt, auditId, methods: [LOGIN_TOKEN_METHOD],
    })
    if (row.agency_id === null) return { token, ctx, method: 'token', sessionId: auditId, expiresAt }
    return { token, ctx, method: 'federation_proxy', sessionId: auditId, expiresAt, sessionName: row.session_user ?? undefined }
  }
}

/** The clouds' example sends `"600"`: numeric strings count; anything out of range is the default. */
function requestedSeconds(value: number | string | undefined): number {
  const seconds = typeof value === 'string' ? Number(value) : value
  if (seconds === undefined || !Number.isInteger(seconds) || seconds < LOGIN_TOKEN_SECONDS.min || seconds > LOGIN_TOKEN_SECONDS.max) return LOGIN_TOKEN_SECONDS.default
  return seconds
}
