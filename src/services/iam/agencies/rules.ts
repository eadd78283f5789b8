/**
 * @module How long an agency lasts (spec §1.2, open question 2): the client's `duration` is kept
 * as it was sent and echoed back as a string, and the expiry counts whole days from when it was
 * set. Shared by the API and by anything that writes agencies from elsewhere.
 */
import { InvalidFieldError } from '../../../errors/app-error.js'

const DAY_MS = 86_400_000
/** Far beyond any agency a client means; keeps the expiry a valid date. */
const MAX_DAYS = 36_500

export interface AgencyValidity {
  /** What responses show: `FOREVER`, `ONEDAY`, a number of days as text, or null when never given. */
  readonly duration: string | null
  /** Days from now until it expires; null when it never does. */
  readonly days: number | null
}

/**
 * `FOREVER` and `ONEDAY` (as spelled), or a whole number of days ≥ 1 sent as a number or as
 * text; null or absent means never expires. Anything else is refused, naming the field.
 */
export function parseAgencyDuration(value: unknown, field: string): AgencyValidity {
  if (value === undefined || value === null) return { duration: null, days: null }
  if (value === 'FOREVER') return { duration: 'FOREVER', days: null }
  if (value === 'ONEDAY') return { duration: 'ONEDAY', days: 1 }
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined
  if (text !== undefined && /^[1-9][0-9]{0,4}$/.test(text) && Number(text) <= MAX_DAYS) return { duration: text, days: Number(text) }
  throw new InvalidFieldError(field, `'${typeof value === 'string' ? value : JSON.stringify(value)}' is not FOREVER, ONEDAY or a number of days from 1 to ${MAX_DAYS}`)
}

/** The expiry of a validity set at `now`, or null. */
export function agencyExpiry(validity: AgencyValidity, now: number): number | null {
  return validity.days === null ? null : now + validity.days * DAY_MS
}

/** A cloud-service agency names the service it trusts, `op_svc_<service>`, instead of an account. */
export function isServiceTrust(trustDomainName: string): boolean {
  return /^op_svc_[A-Za-z0-9_]+$/.test(trustDomainName)
}

/** An agency whose expiry has passed works no more, though it still exists until deleted. */
export function agencyExpired(expireTime: string | null, now: number): boolean {
  return expireTime !== null && Date.parse(expireTime) <= now
}
