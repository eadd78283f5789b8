/**
 * @module Tokens in the manner of Keystone's Fernet tokens: the token *is* its payload, encrypted
 * and authenticated with AES-256-GCM under a key kept in the store. Nobody without the key can
 * forge or read one, every instance that shares the store accepts it, and nothing is written per
 * token. Revocation is the one thing that needs state (`revoked_tokens`, keyed by audit id).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

export type TokenScope =
  | { readonly type: 'domain'; readonly id: string }
  | { readonly type: 'project'; readonly id: string }
  | { readonly type: 'unscoped' }
  /** Keystone's system scope (`{"system": {"all": true}}`), the only system there is. */
  | { readonly type: 'system' }

export interface TokenPayload {
  readonly userId: string
  readonly scope: TokenScope
  /** Milliseconds since the epoch. */
  readonly issuedAt: number
  readonly expiresAt: number
  /** Random id that names this token in revocations and audit records (never the token itself). */
  readonly auditId: string
  /** Absent for a password login (`["password"]`); set on a token made from another token. */
  readonly methods?: readonly string[]
  /** Keystone's audit chain: the audit id of the first token a rescoped one descends from. */
  readonly parentAuditId?: string
  /** An agency token: the agency `userId` (the user who assumed it) acts as. */
  readonly agencyId?: string
  /** An agency token limited to these of the agency's roles (otcextensions' `restrict.roles`). */
  readonly restrictRoles?: readonly string[]
  /** A trust-scoped token (OS-TRUST): the trust whose roles and project it carries. */
  readonly trustId?: string
  /** A token made with the `application_credential` method: the credential whose roles it carries. */
  readonly applicationCredentialId?: string
  /** A federated token (OS-FEDERATION): the provider, protocol and mapped groups frozen at sign-in. */
  readonly federation?: FederationClaims
}

/** What a federated token carries: membership is frozen at sign-in (spec iam-federation §6.1). */
export interface FederationClaims {
  readonly idpId: string
  readonly protocolId: string
  readonly groupIds: readonly string[]
}

export interface TokenKey { readonly id: string; readonly secret: Buffer }

const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_TAG_BYTES = 4

export function newTokenKeySecret(): string {
  return randomBytes(32).toString('base64')
}

export function newAuditId(): string {
  return randomBytes(16).toString('base64url')
}

function keyTag(key: TokenKey): Buffer {
  return createHash('sha256').update(key.id).digest().subarray(0, KEY_TAG_BYTES)
}

export class TokenCodec {
  private readonly byTag = new Map<string, TokenKey>()

  /** `keys[0]` encrypts; all of them decrypt, so a rotated key keeps its tokens valid. */
  constructor(private readonly keys: readonly TokenKey[]) {
    if (keys.length === 0) throw new Error('TokenCodec needs at least one key')
    for (const key of keys) this.byTag.set(keyTag(key).toString('hex'), key)
  }

  encode(payload: TokenPayload): string {
    const key = this.keys[0]!
    const scope = payload.scope.type === 'unscoped' ? ['u'] : payload.scope.type === 'system' ? ['s'] : [payload.scope.type[0], payload.scope.id]
    const fields: Record<string, unknown> = { u: payload.userId, s: scope, i: payload.issuedAt, e: payload.expiresAt, a: payload.auditId }
    if (payload.methods) fields.m = payload.methods
    if (payload.parentAuditId !== undefined) fields.p = payload.parentAuditId
    if (payload.agencyId !== undefined) fields.g = payload.agencyId
    if (payload.restrictRoles !== undefined) fields.r = payload.restrictRoles
    if (payload.trustId !== undefined) fields.t = payload.trustId
    if (payload.applicationCredentialId !== undefined) fields.c = payload.applicationCredentialId
    if (payload.federation !== undefined) fields.f = [payload.federation.idpId, payload.federation.protocolId, payload.federation.groupIds]
    const plain = Buffer.from(JSON.stringify(fields))
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key.secret, iv)
    const header = Buffer.concat([Buffer.from([VERSION]), keyTag(key)])
    cipher.setAAD(header)
    const body = Buffer.concat([cipher.update(plain), cipher.final()])
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** Returns undefined for anything that is not a token this store's keys made, whatever the reason. */
  decode(token: string): TokenPayload | undefined {
    if (token.length < 40 || token.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined
    const raw = Buffer.from(token, 'base64url')
    if (raw[0] !== VERSION) return undefined
    const header = raw.subarray(0, 1 + KEY_TAG_BYTES)
    const key = this.byTag.get(header.subarray(1).toString('hex'))
    if (!key) return undefined
    const ivEnd = header.length + IV_BYTES
    const tagEnd = ivEnd + TAG_BYTES
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.secret, raw.subarray(header.length, ivEnd))
      decipher.setAAD(header)
      decipher.setAuthTag(raw.subarray(ivEnd, tagEnd))
      const plain = Buffer.concat([decipher.update(raw.subarray(tagEnd)), decipher.final()])
      const p = JSON.parse(plain.toString('utf8')) as {
        u: string; s: string[]; i: number; e: number; a: string; m?: string[]; p?: string; g?: string; r?: string[]; t?: string; c?: string; f?: [string, string, string[]]
      }
      const scope: TokenScope =
        p.s[0] === 'd' ? { type: 'domain', id: p.s[1]! } : p.s[0] === 'p' ? { type: 'project', id: p.s[1]! } : p.s[0] === 's' ? { type: 'system' } : { type: 'unscoped' }
      // Optional fields are copied only when present, so a decoded payload equals the encoded one.
      return {
        userId: p.u, scope, issuedAt: p.i, expiresAt: p.e, auditId: p.a,
        ...(p.m === undefined ? {} : { methods: p.m, parentAuditId: p.p }),
        ...(p.g === undefined ? {} : { agencyId: p.g }),
        ...(p.r === undefined ? {} : { restrictRoles: p.r }),
        ...(p.t === undefined ? {} : { trustId: p.t }),
        ...(p.c === undefined ? {} : { applicationCredentialId: p.c }),
        ...(p.f === undefined ? {} : { federation: { idpId: p.f[0], protocolId: p.f[1], groupIds: p.f[2] } }),
      }
    } catch {
      return undefined
    }
  }
}
