/**
 * @module Keystone's rules for application credentials that are neither storage nor HTTP: the
 * secret it generates, how it reads and writes `expires_at`, and the refusals only this
 * capability words.
 */
import { randomBytes } from 'node:crypto'
import { AppError, ValidationError } from '../../../errors/app-error.js'

/** Keystone's generated secret: 64 random bytes, URL-safe base64 without padding. */
export function newApplicationCredentialSecret(): string {
  return randomBytes(64).toString('base64url')
}

/** Keystone 22's validation errors for `expires_at` (ValidationTimeStampError, ValidationExpirationError). */
const BAD_TIMESTAMP = 'Timestamp not in expected format. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'
const EXPIRED = "The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."

/**
 * An expiry as Keystone keeps it: UTC to the microsecond, written `YYYY-MM-DDTHH:MM:SS.ffffff`
 * (no zone: Tempest compares it with Python's `isoformat()` of what it sent). Keystone appends a
 * `Z` to what lacks one and parses it as ISO 8601, so a time with another offset is refused.
 * Throws ValidationError for a malformed or past time.
 */
export function parseExpiry(text: string, now: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?Z?$/i.exec(text)
  if (!m) throw new ValidationError(BAD_TIMESTAMP)
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = ''] = m
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const check = new Date(ms)
  // Date.UTC rolls 2026-02-31 over into March; ISO 8601 refuses it.
  if (Number.isNaN(ms) || check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || Number(mi) > 59 || Number(s) > 59) {
    throw new ValidationError(BAD_TIMESTAMP)
  }
  const micros = frac.padEnd(6, '0').slice(0, 6)
  if (ms + Number(micros) / 1000 < now) throw new ValidationError(EXPIRED)
  return `${check.toISOString().slice(0, 19)}.${micros}`
}

/** Milliseconds since the epoch of a stored expiry (the microseconds beyond are dropped). */
export function expiryMs(expiresAt: string): number {
  return Date.parse(`${expiresAt.slice(0, 23)}Z`)
}

/** Keystone's ForbiddenNotSecurity: the message alone, without the "not authorized" preamble. */
export class AccessRuleInUseError extends AppError {
  readonly status = 403
  readonly code = 'access_rule_in_use'
  constructor() {
    super('May not delete access rule in use')
  }
}
