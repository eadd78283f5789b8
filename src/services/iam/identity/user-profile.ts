/**
 * @module Pure rules of Huawei's user profile (`/v3.0/OS-USER`): the columns' defaults, the
 * API's numbered refusals (spec §8: a flat `error_code` such as `"1109"`), how strong a password
 * is, and the checks of names, contacts and descriptions.
 */
import type { UserRow } from '../../../db/schema.js'
import { ServiceCodedError } from '../../../errors/app-error.js'
import type { UserProfileColumn } from './store.js'

export const USER_PROFILE_DEFAULTS = {
  areacode: null, phone: null, access_mode: 'default', pwd_status: 0, xuser_type: null, xuser_id: null,
  password_changed_at: null, pwd_strength: null, is_domain_owner: 0,
} satisfies Pick<UserRow, UserProfileColumn>

export const ACCESS_MODES: readonly UserRow['access_mode'][] = ['default', 'programmatic', 'console']

/** The OS-USER refusals, as the clouds number and word them. */
export const OS_USER_ERRORS = {
  mandatory: () => new ServiceCodedError(400, '1100', 'Mandatory parameters are not specified.'),
  name: () => new ServiceCodedError(400, '1101', 'Invalid username.'),
  email: () => new ServiceCodedError(400, '1102', 'Invalid email address.'),
  password: () => new ServiceCodedError(400, '1103', 'Incorrect password.'),
  mobile: () => new ServiceCodedError(400, '1104', 'Invalid mobile number.'),
  areacodeAndPhone: () => new ServiceCodedError(400, '1106', 'The country code and mobile number must be set at the same time.'),
  samePassword: () => new ServiceCodedError(400, '1108', 'The new password must be different from the old password.'),
  nameTaken: () => new ServiceCodedError(400, '1109', 'The username already exists.'),
  emailTaken: () => new ServiceCodedError(400, '1110', 'The email address has already been used.'),
  phoneTaken: () => new ServiceCodedError(400, '1111', 'The mobile number has already been used.'),
  description: () => new ServiceCodedError(400, '1117', 'Invalid user description.'),
  /** IAM.0007, the clouds' "Request parameter %(key)s is invalid." */
  parameter: (key: string) => new ServiceCodedError(400, 'IAM.0007', `Request parameter ${key} is invalid.`),
}

export const XUSER_TAKEN = () => new ServiceCodedError(400, '1113', 'The values of xuser_id and xuser_type already exist.')

/** Letters, digits, spaces and `-_.`, 1–64, not starting with a digit or a space (spec open question 14). */
const NAME = /^[A-Za-z_.-][A-Za-z0-9 _.-]{0,63}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const AREACODE = /^\+?\d{1,8}$/
const PHONE = /^\d{1,32}$/

export function checkUserName(name: string): void {
  if (!NAME.test(name)) throw OS_USER_ERRORS.name()
}

export function checkEmail(email: string): void {
  if (email.length > 255 || !EMAIL.test(email)) throw OS_USER_ERRORS.email()
}

export function checkPhone(areacode: string, phone: string): void {
  if (!AREACODE.test(areacode) || !PHONE.test(phone)) throw OS_USER_ERRORS.mobile()
}

export function checkDescription(description: string): void {
  if (description.length > 255) throw OS_USER_ERRORS.description()
}

/** `mobile` of the self-service update: `<areacode>-<digits>`, e.g. `0086-123456789`. */
export function parseMobile(mobile: string): { areacode: string; phone: string } {
  const match = /^([^-]+)-(.+)$/.exec(mobile)
  if (!match) throw OS_USER_ERRORS.mobile()
  checkPhone(match[1]!, match[2]!)
  return { areacode: match[1]!, phone: match[2]! }
}

/**
 * Judged when a password is set, since only its hash is kept: character kinds, one more for 12
 * characters or longer; up to 2 is low, 3 medium, 4 or more strong.
 */
export function passwordStrength(password: string): 'low' | 'medium' | 'strong' {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((k) => k.test(password)).length
  const score = kinds + (password.length >= 12 ? 1 : 0)
  return score <= 2 ? 'low' : score === 3 ? 'medium' : 'strong'
}
