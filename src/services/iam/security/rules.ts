/**
 * @module The five account security policies as data (spec iam-security.md §1, §3–§5): their
 * fields, each cloud's ranges and defaults, the checks of a PUT body with the clouds' codes
 * (`IAM.0072` missing, `IAM.0073` out of range), the password rules a policy makes, the
 * security-compliance strings derived from it (§2.3) and the address matching of the ACLs.
 * No storage, no HTTP.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import { ServiceCodedError } from '../../../errors/app-error.js'
import type { FlavourName } from '../../../flavours.js'

export const POLICY_KINDS = ['password', 'login', 'protect', 'console_acl', 'api_acl'] as const
export type PolicyKind = (typeof POLICY_KINDS)[number]

/** The clouds cap every password at 32 characters (`maximum_password_length`, read-only). */
export const CLOUD_PASSWORD_MAX_LENGTH = 32

export interface PasswordPolicy {
  minimum_password_length: number
  password_char_combination: number
  maximum_consecutive_identical_chars: number
  number_of_recent_passwords_disallowed: number
  minimum_password_age: number
  password_validity_period: number
  password_not_username_or_invert: boolean
}

export interface LoginPolicy {
  account_validity_period: number
  custom_info_for_login: string
  lockout_duration: number
  login_failed_times: number
  period_with_login_failures: number
  session_timeout: number
  show_recent_login_info: boolean
}

export interface AllowUser { manage_accesskey: boolean; manage_email: boolean; manage_mobile: boolean; manage_password: boolean }

export interface ProtectPolicy {
  operation_protection: boolean
  allow_user: AllowUser
  admin_check: 'on' | 'off'
  scene: '' | 'mobile' | 'email'
  mobile: string
  email: string
}

export interface NetmaskEntry { address_netmask: string; description: string }
export interface RangeEntry { ip_range: string; description: string }
export interface VpcEndpointEntry { vpc_endpoint_id: string; description: string }

export interface AclPolicy {
  allow_address_netmasks: NetmaskEntry[]
  allow_ip_ranges: RangeEntry[]
  /** Console ACL only; absent = every IPv6 address allowed. */
  allow_address_netmasks_ipv6?: NetmaskEntry[]
  allow_ip_ranges_ipv6?: RangeEntry[]
  /** API ACL only; absent = every endpoint allowed. */
  allow_vpc_endpoints?: VpcEndpointEntry[]
}

/** Where the clouds' ranges differ (spec §11, open questions 7 and 8). */
export interface SecurityRanges {
  readonly minPasswordLength: readonly [number, number]
  readonly recentPasswords: readonly [number, number]
  readonly lockoutDuration: readonly [number, number]
}

export function securityRanges(flavour: FlavourName): SecurityRanges {
  return flavour === 'opentelekomcloud'
    ? { minPasswordLength: [6, 32], recentPasswords: [0, 10], lockoutDuration: [15, 30] }
    : { minPasswordLength: [8, 32], recentPasswords: [0, 24], lockoutDuration: [15, 1440] }
}

/** What the server's configuration says where an account has set nothing (config values stay the defaults). */
export interface ConfiguredDefaults {
  readonly passwordPolicy: { readonly minLength: number; readonly minCharacterClasses: number }
  readonly lockout: { readonly attempts: number; readonly windowSeconds: number; readonly durationSeconds: number }
}

export function defaultPasswordPolicy(config: ConfiguredDefaults): PasswordPolicy {
  return {
    minimum_password_length: config.passwordPolicy.minLength,
    password_char_combination: config.passwordPolicy.minCharacterClasses,
    maximum_consecutive_identical_chars: 0,
    number_of_recent_passwords_disallowed: 1,
    minimum_password_age: 0,
    password_validity_period: 0,
    password_not_username_or_invert: true,
  }
}

/** Minutes, rounded up, of the configured lock-out: what an account shows before it sets its own. */
export function defaultLoginPolicy(config: ConfiguredDefaults): LoginPolicy {
  const minutes = (seconds: number) => Math.ceil(seconds / 60)
  return {
    account_validity_period: 0,
    custom_info_for_login: '',
    lockout_duration: minutes(config.lockout.durationSeconds),
    login_failed_times: config.lockout.attempts,
    period_with_login_failures: minutes(config.lockout.windowSeconds),
    session_timeout: 60,
    show_recent_login_info: false,
  }
}

/** Operation protection on (open question 17: it has no API effect), every self-service allowed. */
export const DEFAULT_PROTECT_POLICY: ProtectPolicy = {
  operation_protection: true,
  allow_user: { manage_accesskey: true, manage_email: true, manage_mobile: true, manage_password: true },
  admin_check: 'off', scene: '', mobile: '', email: '',
}

export const DEFAULT_ACL: AclPolicy = { allow_address_netmasks: [], allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255', description: '' }] }

// ------------------------------------------------------------------ refusals

export const required = (key: string) => new ServiceCodedError(400, 'IAM.0072', `'${key}' is a required property.`)
export const invalid = (key: string, value: unknown) =>
  new ServiceCodedError(400, 'IAM.0073', `Invalid input for field '${key}'. The value is '${typeof value === 'string' ? value : JSON.stringify(value)}'.`)

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The policy object under its wrapper key; `IAM.0072` when the wrapper is missing, `IAM.0073` when it is not an object. */
export function wrapped(body: unknown, key: string): Record<string, unknown> {
  if (!isObject(body) || !(key in body)) throw required(key)
  const inner = body[key]
  if (!isObject(inner)) throw invalid(key, inner)
  return inner
}

function integerIn(input: Record<string, unknown>, key: string, [min, max]: readonly [number, number]): number | undefined {
  const v = input[key]
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(key, v)
  return v
}

function booleanOf(input: Record<string, unknown>, key: string): boolean | undefined {
  const v = input[key]
  if (v === undefined) return undefined
  if (typeof v !== 'boolean') throw invalid(key, v)
  return v
}

function stringOf(input: Record<string, unknown>, key: string, ok: (s: string) => boolean): string | undefined {
  const v = input[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !ok(v)) throw invalid(key, v)
  return v
}

/** Drops what was not given, so a merge keeps the stored value (spec §0.4). */
function given<T extends object>(values: { [K in keyof T]: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** A PUT of the password policy merged into the stored one; read-only and unknown keys are ignored. */
export function mergePasswordPolicy(stored: PasswordPolicy, input: Record<string, unknown>, ranges: SecurityRanges): PasswordPolicy {
  return {
    ...stored,
    ...given<PasswordPolicy>({
      minimum_password_length: integerIn(input, 'minimum_password_length', ranges.minPasswordLength),
      password_char_combination: integerIn(input, 'password_char_combination', [2, 4]),
      maximum_consecutive_identical_chars: integerIn(input, 'maximum_consecutive_identical_chars', [0, 32]),
      number_of_recent_passwords_disallowed: integerIn(input, 'number_of_recent_passwords_disallowed', ranges.recentPasswords),
      minimum_password_age: integerIn(input, 'minimum_password_age', [0, 1440]),
      password_validity_period: integerIn(input, 'password_validity_period', [0, 180]),
      password_not_username_or_invert: booleanOf(input, 'password_not_username_or_invert'),
    }),
  }
}

/** The HWC v5 page's characters a login notice may not hold. */
const CUSTOM_INFO_FORBIDDEN = /[@#%&<>\\$^*]/

export function mergeLoginPolicy(stored: LoginPolicy, input: Record<string, unknown>, ranges: SecurityRanges): LoginPolicy {
  return {
    ...stored,
    ...given<LoginPolicy>({
      account_validity_period: integerIn(input, 'account_validity_period', [0, 240]),
      custom_info_for_login: stringOf(input, 'custom_info_for_login', (s) => s.length <= 64 && !CUSTOM_INFO_FORBIDDEN.test(s)),
      lockout_duration: integerIn(input, 'lockout_duration', ranges.lockoutDuration),
      login_failed_times: integerIn(input, 'login_failed_times', [3, 10]),
      period_with_login_failures: integerIn(input, 'period_with_login_failures', [15, 60]),
      session_timeout: integerIn(input, 'session_timeout', [15, 1440]),
      show_recent_login_info: booleanOf(input, 'show_recent_login_info'),
    }),
  }
}

const MOBILE = /^\d{1,8}-\d{1,32}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** `operation_protection` M; `allow_user` merged flag by flag; the verifier's fields only with `admin_check=on`. */
export function mergeProtectPolicy(stored: ProtectPolicy, input: Record<string, unknown>): ProtectPolicy {
  if (input.operation_protection === undefined) throw required('operation_protection')
  const operationProtection = booleanOf(input, 'operation_protection')!
  let allowUser = stored.allow_user
  if (input.allow_user !== undefined) {
    if (!isObject(input.allow_user)) throw invalid('allow_user', input.allow_user)
    const a = input.allow_user
    allowUser = {
      ...allowUser,
      ...given<AllowUser>({
        manage_accesskey: booleanOf(a, 'manage_accesskey'), manage_email: booleanOf(a, 'manage_email'),
        manage_mobile: booleanOf(a, 'manage_mobile'), manage_password: booleanOf(a, 'manage_password'),
      }),
    }
  }
  const adminCheck = (stringOf(input, 'admin_check', (s) => s === 'on' || s === 'off') ?? 'off') as ProtectPolicy['admin_check']
  const scene = stringOf(input, 'scene', (s) => s === 'mobile' || s === 'email' || (s === '' && adminCheck === 'off')) as ProtectPolicy['scene'] | undefined
  const mobile = stringOf(input, 'mobile', (s) => s === '' || MOBILE.test(s))
  const email = stringOf(input, 'email', (s) => s === '' || (s.length <= 255 && EMAIL.test(s)))
  if (adminCheck === 'off') return { operation_protection: operationProtection, allow_user: allowUser, admin_check: 'off', scene: '', mobile: '', email: '' }
  if (!scene) throw required('scene')
  if (scene === 'mobile' && !mobile) throw required('mobile')
  if (scene === 'email' && !email) throw required('email')
  return {
    operation_protection: operationProtection, allow_user: allowUser, admin_check: 'on', scene,
    mobile: scene === 'mobile' ? mobile! : '', email: scene === 'email' ? email! : '',
  }
}

// ------------------------------------------------------------------ ACLs

const MAX_ACL_ENTRIES = 200
const DESCRIPTION_FORBIDDEN = /[@#%^&*<>\\]/

/** `a.b.c.d-e.f.g.h` (or the IPv6 form) with start ≤ end. */
function parseRange(text: string, family: 4 | 6): [string, string] | undefined {
  const parts = text.split('-')
  if (parts.length !== 2) return undefined
  const [start, end] = parts.map((p) => p.trim()) as [string, string]
  const ok = family === 4 ? isIPv4 : isIPv6
  if (!ok(start) || !ok(end)) return undefined
  return ipNumber(start, family) <= ipNumber(end, family) ? [start, end] : undefined
}

function parseCidr(text: string, family: 4 | 6): [string, number] | undefined {
  const [address, bits, ...rest] = text.split('/')
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return undefined
  const prefix = Number(bits)
  if (!(family === 4 ? isIPv4(address!) : isIPv6(address!)) || prefix > (family === 4 ? 32 : 128)) return undefined
  return [address!, prefix]
}

function ipNumber(ip: string, family: 4 | 6): bigint {
  if (family === 4) return ip.split('.').reduce((n, octet) => (n << 8n) + BigInt(Number(octet)), 0n)
  const [head, tail] = ip.split('::') as [string, string | undefined]
  const groups = (s: string | undefined) => (s ? s.split(':') : [])
  let parts = groups(head)
  if (tail !== undefined) {
    const after = groups(tail)
    parts = [...parts, ...Array<string>(8 - parts.length - after.length).fill('0'), ...after]
  }
  return parts.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n)
}

function entriesOf<T>(input: Record<string, unknown>, key: string, entry: (item: Record<string, unknown>, at: string) => T, seen: (t: T) => string): T[] | undefined {
  const list = input[key]
  if (list === undefined) return undefined
  if (!Array.isArray(list)) throw invalid(key, list)
  const keys = new Set<string>()
  return list.map((item, i) => {
    if (!isObject(item)) throw invalid(`${key}[${i}]`, item)
    const description = item.description ?? ''
    if (typeof description !== 'string' || description.length > 255 || DESCRIPTION_FORBIDDEN.test(description)) throw invalid('description', description)
    const parsed = entry(item, key)
    // "cannot repeat": the same address twice in one list.
    const k = seen(parsed)
    if (keys.has(k)) throw invalid(key, k)
    keys.add(k)
    return parsed
  })
}

function netmaskEntries(input: Record<string, unknown>, key: string, family: 4 | 6): NetmaskEntry[] | undefined {
  return entriesOf(input, key, (item) => {
    const text = item.address_netmask
    if (text === undefined) throw required('address_netmask')
    // TF's reset sends a range in this field (spec §5.4): taken as it is.
    if (typeof text !== 'string' || (!parseCidr(text, family) && !parseRange(text, family))) throw invalid('address_netmask', text)
    return { address_netmask: text, description: (item.description as string | undefined) ?? '' }
  }, (e) => e.address_netmask)
}

function rangeEntries(input: Record<string, unknown>, key: string, family: 4 | 6): RangeEntry[] | undefined {
  return entriesOf(input, key, (item) => {
    const text = item.ip_range
    if (text === undefined) throw required('ip_range')
    if (typeof text !== 'string' || !parseRange(text, family)) throw invalid('ip_range', text)
    return { ip_range: text, description: (item.description as string | undefined) ?? '' }
  }, (e) => e.ip_range)
}

/**
 * A PUT of an ACL replaces it (open question 9): the lists given become the ACL, an absent one
 * is empty. At least one IPv4 list, at least one entry, at most 200 entries in all.
 */
export function replaceAcl(input: Record<string, unknown>, which: 'console' | 'api'): AclPolicy {
  if (input.allow_address_netmasks === undefined && input.allow_ip_ranges === undefined) throw required('allow_address_netmasks')
  const acl: AclPolicy = {
    allow_address_netmasks: netmaskEntries(input, 'allow_address_netmasks', 4) ?? [],
    allow_ip_ranges: rangeEntries(input, 'allow_ip_ranges', 4) ?? [],
  }
  if (which === 'console') {
    const netmasks6 = netmaskEntries(input, 'allow_address_netmasks_ipv6', 6)
    const ranges6 = rangeEntries(input, 'allow_ip_ranges_ipv6', 6)
    if (netmasks6 !== undefined) acl.allow_address_netmasks_ipv6 = netmasks6
    if (ranges6 !== undefined) acl.allow_ip_ranges_ipv6 = ranges6
  } else {
    const endpoints = entriesOf(input, 'allow_vpc_endpoints', (item) => {
      const id = item.vpc_endpoint_id
      if (id === undefined) throw required('vpc_endpoint_id')
      if (typeof id !== 'string' || id.length === 0 || id.length > 64) throw invalid('vpc_endpoint_id', id)
      return { vpc_endpoint_id: id, description: (item.description as string | undefined) ?? '' }
    }, (e) => e.vpc_endpoint_id)
    if (endpoints !== undefined && endpoints.length > 0) acl.allow_vpc_endpoints = endpoints
  }
  const count = acl.allow_address_netmasks.length + acl.allow_ip_ranges.length + (acl.allow_address_netmasks_ipv6?.length ?? 0)
    + (acl.allow_ip_ranges_ipv6?.length ?? 0) + (acl.allow_vpc_endpoints?.length ?? 0)
  if (acl.allow_address_netmasks.length + acl.allow_ip_ranges.length === 0) throw invalid('allow_ip_ranges', [])
  if (count > MAX_ACL_ENTRIES) throw invalid(`${which}_acl_policy`, `${count} entries`)
  return acl
}

/** An ACL compiled for matching: one block list per address family; IPv6 unset allows every IPv6 address. */
export interface CompiledAcl { allows(ip: string): boolean }

export function compileAcl(acl: AclPolicy): CompiledAcl {
  const v4 = new BlockList()
  const v6 = new BlockList()
  const add = (list: BlockList, text: string, family: 4 | 6) => {
    const type = family === 4 ? 'ipv4' : 'ipv6'
    const cidr = parseCidr(text, family)
    if (cidr) list.addSubnet(cidr[0], cidr[1], type)
    const range = parseRange(text, family)
    if (range) list.addRange(range[0], range[1], type)
  }
  for (const e of acl.allow_address_netmasks) add(v4, e.address_netmask, 4)
  for (const e of acl.allow_ip_ranges) add(v4, e.ip_range, 4)
  const ipv6Listed = acl.allow_address_netmasks_ipv6 !== undefined || acl.allow_ip_ranges_ipv6 !== undefined
  for (const e of acl.allow_address_netmasks_ipv6 ?? []) add(v6, e.address_netmask, 6)
  for (const e of acl.allow_ip_ranges_ipv6 ?? []) add(v6, e.ip_range, 6)
  const decide = (ip: string): boolean => {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
    const address = mapped ? mapped[1]! : ip
    if (isIPv4(address)) return v4.check(address, 'ipv4')
    if (isIPv6(address)) return !ipv6Listed || v6.check(address, 'ipv6')
    return false
  }
  // Every API request asks, and BlockList.check builds native address objects each time (~4 % of a
  // write's CPU): verdicts are kept per address, as many as ACL_VERDICTS_KEPT, for this policy's life.
  const verdicts = new Map<string, boolean>()
  return {
    allows(ip) {
      let verdict = verdicts.get(ip)
      if (verdict === undefined) {
        if (verdicts.size >= ACL_VERDICTS_KEPT) verdicts.clear()
        verdicts.set(ip, (verdict = decide(ip)))
      }
      return verdict
    },
  }
}

const ACL_VERDICTS_KEPT = 4096

// ------------------------------------------------------------------ passwords

/** The rules a password must meet where it is set, whichever flavour made them. */
export interface PasswordRules {
  readonly minLength: number
  readonly maxLength: number
  readonly classes: number
  /** Longest run of one character allowed; 0 = any. */
  readonly maxRun: number
  readonly notName: boolean
  /** Not the user's e-mail address or mobile number (OTC's change-password page). */
  readonly notContacts: boolean
  /** Keystone's `password_regex`, with its description as the refusal's detail. */
  readonly regex?: { readonly pattern: RegExp; readonly description: string }
}

const CLASSES: readonly RegExp[] = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four']

export function cloudPasswordRules(policy: PasswordPolicy): PasswordRules {
  return {
    minLength: policy.minimum_password_length, maxLength: CLOUD_PASSWORD_MAX_LENGTH, classes: policy.password_char_combination,
    maxRun: policy.maximum_consecutive_identical_chars, notName: policy.password_not_username_or_invert, notContacts: true,
  }
}

/** Why a password breaks the rules (the detail of Keystone's refusal); undefined when it meets them. */
export function passwordRuleProblem(password: string, rules: PasswordRules, user: { name: string; email?: string | null; phone?: string | null }): string | undefined {
  if (password.length < rules.minLength) return `The password must be at least ${rules.minLength} characters long.`
  if (password.length > rules.maxLength) return `The password must be at most ${rules.maxLength} characters long.`
  if (rules.maxLength === CLOUD_PASSWORD_MAX_LENGTH && /\s/.test(password)) return 'The password cannot contain spaces.'
  if (CLASSES.filter((c) => c.test(password)).length < rules.classes) {
    return `The password must contain at least ${rules.classes} of: lowercase letters, uppercase letters, digits and special characters.`
  }
  if (rules.maxRun > 0 && new RegExp(`(.)\\1{${rules.maxRun}}`, 's').test(password)) {
    return `The password cannot repeat a character more than ${rules.maxRun} times in a row.`
  }
  const lower = password.toLowerCase()
  const name = user.name.toLowerCase()
  if (rules.notName && (lower === name || lower === [...name].reverse().join(''))) return 'The password cannot be the user name or the user name spelled backwards.'
  if (rules.notContacts && ((user.email && lower.includes(user.email.toLowerCase())) || (user.phone && password.includes(user.phone)))) {
    return 'The password cannot contain the e-mail address or mobile number.'
  }
  if (rules.regex && !rules.regex.pattern.test(password)) return rules.regex.description
  return undefined
}

/** `password_requirements`: the class rule in words. */
export function passwordRequirements(policy: PasswordPolicy): string {
  return `A password must contain at least ${NUMBER_WORDS[policy.password_char_combination] ?? policy.password_char_combination} of the following: uppercase letters, lowercase letters, digits, and special characters.`
}

/**
 * Keystone's `password_regex` for a cloud policy (§2.3): one negative look-ahead per set of
 * `classes - 1` character kinds (a password made of those alone has too few kinds), then
 * `\S{min,32}`. The special kind is everything that is not a letter or digit.
 */
export function passwordRegex(policy: PasswordPolicy): string {
  const kinds = ['A-Z', 'a-z', '\\d', 'special'] as const
  const lookaheads: string[] = []
  const size = policy.password_char_combination - 1
  const subsets = (from: number, chosen: string[]): void => {
    if (chosen.length === size) {
      const cls = chosen.includes('special') ? `[^${kinds.filter((k) => k !== 'special' && !chosen.includes(k)).join('')}]` : `[${chosen.join('')}]`
      lookaheads.push(`(?!${cls}*$)`)
      return
    }
    for (let i = from; i < kinds.length; i++) subsets(i + 1, [...chosen, kinds[i]!])
  }
  if (size > 0) subsets(0, [])
  return `^${lookaheads.join('')}\\S{${policy.minimum_password_length},${CLOUD_PASSWORD_MAX_LENGTH}}$`
}

export function passwordRegexDescription(policy: PasswordPolicy): string {
  return `${passwordRequirements(policy).replace(/\.$/, '')}, and be a length between ${policy.minimum_password_length} and ${CLOUD_PASSWORD_MAX_LENGTH}.`
}

/**
 * An account's stored policy of `kind` as a state document gives it, checked as the API's PUT
 * checks it (throws the PUT's ServiceCodedError): what is stored, on top of the defaults as a PUT's
 * result is. Password and login policies keep only the fields given.
 */
export function importedPolicy(kind: string, body: Record<string, unknown>, flavour: FlavourName): Record<string, unknown> {
  const ranges = securityRanges(flavour)
  switch (kind) {
    case 'password': return { ...mergePasswordPolicy({} as PasswordPolicy, body, ranges) }
    case 'login': return { ...mergeLoginPolicy({} as LoginPolicy, body, ranges) }
    case 'protect': return { ...mergeProtectPolicy(DEFAULT_PROTECT_POLICY, body) }
    case 'console_acl': return { ...replaceAcl(body, 'console') }
    case 'api_acl': return { ...replaceAcl(body, 'api') }
    default: throw new ServiceCodedError(400, 'IAM.0073', `no security policy '${kind}'`)
  }
}
