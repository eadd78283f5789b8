/**
 * @module Keystone's trust rules that need no storage: how `expires_at` is read, who counts as
 * the system's reader or administrator in the trust policies, and what a redelegated trust may
 * ask of the trusts it descends from (keystone/trust/core.py).
 */
import type { AuthContext } from '../../../auth/auth-context.js'
import { ForbiddenError, ValidationError } from '../../../errors/app-error.js'
import type { TrustRecord } from './store.js'

/** Keystone's `[trust] max_redelegation_count` default. */
export const MAX_REDELEGATION_COUNT = 3

/** Trust attributes Keystone stores in columns or computes; any other key of a body is an extra attribute. */
export const TRUST_KNOWN_KEYS: ReadonlySet<string> = new Set([
  'id', 'trustor_user_id', 'trustee_user_id', 'project_id', 'impersonation', 'expires_at', 'remaining_uses',
  'deleted_at', 'redelegated_trust_id', 'redelegation_count', 'roles', 'allow_redelegation', 'roles_links', 'links',
])

const BAD_REQUEST_TAIL = ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'

/**
 * `utils.parse_expiration_date`: a `Z` is appended unless the text ends in one, so a time with
 * any other offset is refused, and so is a date without a time (iso8601 wants the time before
 * the zone). Fractions keep their microseconds. A time already past is refused too.
 */
export function parseTrustExpiry(text: string, now: number): string {
  const zoned = text.endsWith('Z') ? text : `${text}Z`
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2})(?::?(\d{2}))?(?::?(\d{2})(?:[.,](\d+))?)?Z$/.exec(zoned)
  const [year, month, day, hour, minute = 0, second = 0] = m ? m.slice(1, 7).map((v) => Number(v ?? 0)) : []
  const ms = m ? Date.UTC(year!, month! - 1, day!, hour!, minute, second) : NaN
  const d = new Date(ms)
  if (!m || Number.isNaN(ms) || d.getUTCDate() !== day || d.getUTCMonth() !== month! - 1 || hour! > 23 || minute > 59 || second > 59) {
    throw new ValidationError(`Timestamp not in expected format.${BAD_REQUEST_TAIL}`)
  }
  const micros = (m[7] ?? '').padEnd(6, '0').slice(0, 6)
  if (ms + Number(micros) / 1000 < now) throw new ValidationError(`The 'expires_at' must not be before now.${BAD_REQUEST_TAIL}`)
  return `${d.toISOString().slice(0, 19)}.${micros}Z`
}

/** Whether a trust counts as expired at `now` (milliseconds). */
export function trustExpired(trust: Pick<TrustRecord, 'expires_at'>, now: number): boolean {
  return trust.expires_at !== null && Date.parse(trust.expires_at) <= now
}

/**
 * Keystone's `role:reader and system_scope:all`: a system-scoped token with a reader role. Roles
 * implied by others are not derived here, so `member` and `admin` count as implying `reader`.
 */
export function isSystemReader(ctx: AuthContext): boolean {
  return ctx.scope.type === 'system' && ctx.roles.some((r) => r.name === 'reader' || r.name === 'member' || r.name === 'admin')
}

/** Keystone's `role:admin and system_scope:all`. */
export function isSystemAdmin(ctx: AuthContext): boolean {
  return ctx.scope.type === 'system' && ctx.roles.some((r) => r.name === 'admin')
}

/** A trust being made from another one (a trust-scoped token creating a trust). */
export interface RedelegatedDraft {
  readonly remainingUses: number | null
  /** Taken from the parent when the new trust names none. */
  expiresAt: string | null
  readonly roleIds: readonly string[]
  readonly impersonation: boolean
}

/**
 * `_validate_redelegation`: every refusal is a plain 403 (Keystone's `Forbidden`, whose detail
 * only its debug mode shows). A parent that never expires sets no limit (Keystone compares with
 * None there and fails with a 500).
 */
export function validateRedelegation(parent: TrustRecord, draft: RedelegatedDraft): void {
  const depth = parent.redelegation_count ?? 0
  if (!(depth > 0 && depth <= MAX_REDELEGATION_COUNT)) throw new ForbiddenError()
  if (draft.remainingUses !== null) throw new ForbiddenError()
  if (draft.expiresAt !== null) {
    if (parent.expires_at !== null && parent.expires_at < draft.expiresAt) throw new ForbiddenError()
  } else {
    draft.expiresAt = parent.expires_at
  }
  const parentRoles = new Set(parent.roleIds)
  if (!draft.roleIds.every((id) => parentRoles.has(id))) throw new ForbiddenError()
  if (parent.impersonation !== 1 && draft.impersonation) throw new ForbiddenError()
}
