/**
 * @module The mapping rules language (spec iam-federation.md §2.2–2.3, Keystone's
 * `keystone/federation/utils.py` RuleProcessor): checking rules when they are written, and
 * evaluating them against the attributes an identity provider asserted. Pure: no store, no HTTP,
 * no clock; SAML and OIDC sign-ins both feed it an attribute map.
 */
import { InvalidFieldError } from '../../../errors/app-error.js'

/** What an identity provider asserted: attribute (SAML) or claim (OIDC) name → its values. */
export type Attributes = Readonly<Record<string, readonly string[]>>

/** A rule as stored: `local` items to produce, `remote` conditions to meet. Shapes are checked by `validateMappingRules`. */
export interface MappingRule {
  readonly local: readonly LocalItem[]
  readonly remote: readonly RemoteItem[]
}
export type LocalItem = Readonly<Record<string, unknown>>
export interface RemoteItem {
  readonly type: string
  readonly any_one_of?: readonly string[]
  readonly not_any_of?: readonly string[]
  readonly whitelist?: readonly string[]
  readonly blacklist?: readonly string[]
  readonly regex?: boolean
}

/** A group the mapping names: by id, or by name (in the provider's account unless `domain` says otherwise). */
export interface MappedGroup {
  readonly id?: string
  readonly name?: string
  readonly domain?: { readonly id?: string; readonly name?: string }
}

/** What the rules made of the attributes: the first user any applying rule produced, and every group. */
export interface MappingResult {
  /** Undefined when no applying rule produced a user (the sign-in is then refused). */
  readonly user: { readonly name?: string; readonly id?: string; readonly email?: string; readonly type?: string } | undefined
  readonly groups: readonly MappedGroup[]
}

/** Spec OQ-5: the console's limit on conditions per rule, and the limit recommended on rules. */
export const MAX_REMOTE_ITEMS = 10
export const MAX_RULES = 100

const LIST_CONDITIONS = ['any_one_of', 'not_any_of', 'whitelist', 'blacklist'] as const
/** The conditions that consume the attribute's values (`{N}` placeholders take the others). */
const FILTERS = new Set<string>(['any_one_of', 'not_any_of'])
/** The clouds' keys and Keystone's superset (spec OQ-7): accepted in every flavour, echoed back. */
const LOCAL_KEYS = new Set(['user', 'group', 'groups', 'group_ids', 'domain', 'projects', 'projects_json'])
const USER_KEYS = new Set(['name', 'id', 'email', 'domain', 'type'])
const GROUP_KEYS = new Set(['name', 'id', 'domain'])
const DOMAIN_KEYS = new Set(['name', 'id'])
const PLACEHOLDER = /\{(\d+)\}/g

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Throws `InvalidFieldError` (400) naming the first problem, its field given as a path under
 * `mapping/rules` as Keystone's jsonschema errors do. Placeholders out of range are refused here
 * (Keystone finds them only at sign-in, with a 500: spec §2.2).
 */
export function validateMappingRules(rules: unknown): asserts rules is MappingRule[] {
  const at = (path: string) => `mapping/rules${path}`
  if (!Array.isArray(rules)) throw new InvalidFieldError(at(''), `${JSON.stringify(rules ?? null)} is not of type 'array'`)
  if (rules.length === 0) throw new InvalidFieldError(at(''), '[] should be non-empty')
  if (rules.length > MAX_RULES) throw new InvalidFieldError(at(''), `is too long (at most ${MAX_RULES} rules)`)
  rules.forEach((rule: unknown, r) => {
    const path = `/${r}`
    if (!isObject(rule)) throw new InvalidFieldError(at(path), `${JSON.stringify(rule)} is not of type 'object'`)
    for (const key of ['local', 'remote']) if (!(key in rule)) throw new InvalidFieldError(at(path), `'${key}' is a required property`)
    const extra = Object.keys(rule).find((k) => k !== 'local' && k !== 'remote')
    if (extra !== undefined) throw new InvalidFieldError(at(path), `Additional properties are not allowed ('${extra}' was unexpected)`)
    const { local, remote } = rule
    if (!Array.isArray(remote)) throw new InvalidFieldError(at(`${path}/remote`), "is not of type 'array'")
    if (remote.length === 0) throw new InvalidFieldError(at(`${path}/remote`), '[] should be non-empty')
    if (remote.length > MAX_REMOTE_ITEMS) throw new InvalidFieldError(at(`${path}/remote`), `is too long (at most ${MAX_REMOTE_ITEMS} conditions)`)
    let placeholders = 0
    remote.forEach((item: unknown, i) => {
      if (validateRemoteItem(item, at(`${path}/remote/${i}`))) placeholders++
    })
    if (!Array.isArray(local)) throw new InvalidFieldError(at(`${path}/local`), "is not of type 'array'")
    local.forEach((item: unknown, i) => validateLocalItem(item, at(`${path}/local/${i}`), placeholders))
  })
}

/** True when the item yields a placeholder value (no condition, a whitelist or a blacklist). */
function validateRemoteItem(item: unknown, path: string): boolean {
  if (!isObject(item)) throw new InvalidFieldError(path, "is not of type 'object'")
  if (!('type' in item)) throw new InvalidFieldError(path, "'type' is a required property")
  if (typeof item.type !== 'string') throw new InvalidFieldError(`${path}/type`, "is not of type 'string'")
  const extra = Object.keys(item).find((k) => k !== 'type' && k !== 'regex' && !(LIST_CONDITIONS as readonly string[]).includes(k))
  if (extra !== undefined) throw new InvalidFieldError(path, `Additional properties are not allowed ('${extra}' was unexpected)`)
  const conditions = LIST_CONDITIONS.filter((c) => c in item)
  if (conditions.length > 1) throw new InvalidFieldError(path, `${conditions.map((c) => `'${c}'`).join(' and ')} cannot be combined in one condition`)
  if ('regex' in item) {
    if (typeof item.regex !== 'boolean') throw new InvalidFieldError(`${path}/regex`, "is not of type 'boolean'")
    if (conditions.length === 0) throw new InvalidFieldError(`${path}/regex`, 'is only allowed with any_one_of, not_any_of, whitelist or blacklist')
  }
  const condition = conditions[0]
  if (condition === undefined) return true
  const values = item[condition]
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new InvalidFieldError(`${path}/${condition}`, "is not an array of strings")
  if (item.regex === true) {
    for (const pattern of values as string[]) {
      try {
        new RegExp(pattern, 'u')
      } catch {
        throw new InvalidFieldError(`${path}/${condition}`, `'${pattern}' is not a valid regular expression`)
      }
    }
  }
  return !FILTERS.has(condition)
}

function validateLocalItem(item: unknown, path: string, placeholders: number): void {
  if (!isObject(item)) throw new InvalidFieldError(path, "is not of type 'object'")
  for (const [key, value] of Object.entries(item)) {
    if (!LOCAL_KEYS.has(key)) throw new InvalidFieldError(path, `Additional properties are not allowed ('${key}' was unexpected)`)
    const at = `${path}/${key}`
    if (key === 'user') validateNamedObject(value, at, USER_KEYS)
    else if (key === 'group') validateNamedObject(value, at, GROUP_KEYS)
    else if (key === 'domain') validateNamedObject(value, at, DOMAIN_KEYS)
    else if (key === 'groups' || key === 'group_ids' || key === 'projects_json') {
      if (typeof value !== 'string') throw new InvalidFieldError(at, "is not of type 'string'")
    } else if (key === 'projects' && !Array.isArray(value)) throw new InvalidFieldError(at, "is not of type 'array'")
  }
  // Every `{N}` must name a value some remote item of the rule yields.
  const text = JSON.stringify(item)
  for (const match of text.matchAll(PLACEHOLDER)) {
    const n = Number(match[1])
    if (n >= placeholders) throw new InvalidFieldError(path, `placeholder {${n}} names no remote value (the rule yields ${placeholders})`)
  }
}

function validateNamedObject(value: unknown, path: string, keys: ReadonlySet<string>): void {
  if (!isObject(value)) throw new InvalidFieldError(path, "is not of type 'object'")
  for (const [key, v] of Object.entries(value)) {
    if (!keys.has(key)) throw new InvalidFieldError(path, `Additional properties are not allowed ('${key}' was unexpected)`)
    if (key === 'domain') validateNamedObject(v, `${path}/domain`, DOMAIN_KEYS)
    else if (typeof v !== 'string') throw new InvalidFieldError(`${path}/${key}`, "is not of type 'string'")
  }
}

/**
 * Spec §2.3: every rule in order (no early stop); a rule applies when each remote item's attribute
 * is present and non-empty and its condition holds; applying rules contribute their local items,
 * `{N}` replaced by the N-th value yielded. Undefined when no rule applied (no match).
 */
export function evaluateMapping(rules: readonly MappingRule[], attributes: Attributes): MappingResult | undefined {
  const out: LocalItem[] = []
  for (const rule of rules) {
    const direct = directValues(rule.remote, attributes)
    if (direct === undefined) continue
    for (const local of rule.local) out.push(direct.length === 0 ? local : substitute(local, direct) as LocalItem)
  }
  if (out.length === 0) return undefined
  let user: MappingResult['user']
  const groups: MappedGroup[] = []
  for (const item of out) {
    // Gophercloud-style clients send `{"name": ""}` for an absent user or group (spec OQ-15).
    const u = item.user
    if (isObject(u) && !isEmptyName(u) && user === undefined) user = stringsOf(u)
    const g = item.group
    if (isObject(g) && !isEmptyName(g)) groups.push(groupOf(g, item.domain))
    if (typeof item.groups === 'string') for (const name of listOf(item.groups)) groups.push(groupOf({ name }, item.domain))
    if (typeof item.group_ids === 'string') for (const id of listOf(item.group_ids)) groups.push({ id })
  }
  return { user, groups }
}

/** The values the rule's remote items yield, in order; undefined when the rule does not apply. */
function directValues(remote: readonly RemoteItem[], attributes: Attributes): string[][] | undefined {
  const direct: string[][] = []
  for (const item of remote) {
    const values = Object.hasOwn(attributes, item.type) ? attributes[item.type]! : []
    if (values.length === 0) return undefined
    const matches = (list: readonly string[]) => values.filter((v) => (item.regex ? list.some((p) => new RegExp(p, 'u').test(v)) : list.includes(v)))
    if (item.any_one_of) {
      if (matches(item.any_one_of).length === 0) return undefined
    } else if (item.not_any_of) {
      if (matches(item.not_any_of).length > 0) return undefined
    } else if (item.whitelist) {
      direct.push(matches(item.whitelist))
    } else if (item.blacklist) {
      const dropped = new Set(matches(item.blacklist))
      direct.push(values.filter((v) => !dropped.has(v)))
    } else {
      direct.push([...values])
    }
  }
  return direct
}

/** Every string in the item with `{N}` replaced: one value as itself, several (or none) as JSON list text. */
function substitute(value: unknown, direct: readonly string[][]): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, n: string) => {
      const values = direct[Number(n)]
      if (values === undefined) return whole
      return values.length === 1 ? values[0]! : JSON.stringify(values)
    })
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, direct))
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, direct)]))
  return value
}

function isEmptyName(o: Record<string, unknown>): boolean {
  return Object.keys(o).length === 1 && o.name === ''
}

function stringsOf(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

function groupOf(g: Record<string, unknown>, siblingDomain: unknown): MappedGroup {
  const { id, name } = stringsOf(g)
  const domain = isObject(g.domain) ? stringsOf(g.domain) : isObject(siblingDomain) ? stringsOf(siblingDomain) : undefined
  return { ...(id === undefined ? {} : { id }), ...(name === undefined ? {} : { name }), ...(domain ? { domain } : {}) }
}

/**
 * `groups`: a JSON list in a string, Keystone's Python list text (`['a', 'b']`, what its own
 * substitution writes), or else one name.
 */
export function listOf(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    for (const candidate of [trimmed, trimmed.replace(/'/g, '"')]) {
      try {
        const parsed: unknown = JSON.parse(candidate)
        if (Array.isArray(parsed)) return parsed.map(String)
      } catch {
        // not this spelling; try the next
      }
    }
  }
  return [text]
}

/** Spec §5.5: an ID token's claims as attributes (strings, numbers, booleans, arrays of them; objects and null skipped). */
export function claimsAsAttributes(claims: Readonly<Record<string, unknown>>): Record<string, string[]> {
  const attributes: Record<string, string[]> = {}
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
  for (const [name, value] of Object.entries(claims)) {
    if (scalar(value)) attributes[name] = [String(value)]
    else if (Array.isArray(value)) attributes[name] = value.filter(scalar).map(String)
  }
  return attributes
}
