/**
 * @module Keystone 22's checks of a credential body, with its words. Keystone validates
 * `/v3/credentials` bodies after the policy check (a stranger's bad body is 403, not 400), with
 * jsonschema on the `credential` object itself, so its messages name `blob`, not
 * `credential/blob`, and print the object as Python would: that is why they are checked here
 * and not by the route's schema.
 */
import { createHash } from 'node:crypto'
import { MissingAttributeError, ValidationError } from '../../../errors/app-error.js'

/** Attributes stored in their own columns; any other key of a body is an extra attribute. */
const COLUMNS = ['blob', 'project_id', 'type', 'user_id'] as const
/** Keys a body may hold that are never kept as extras: Keystone assigns the id and the links. */
const NOT_EXTRA = new Set<string>([...COLUMNS, 'id', 'links'])
/** Keys of an EC2 blob that tie it to a delegation; Keystone refuses an update that changes them. */
const SCOPE_KEYS = ['trust_id', 'app_cred_id', 'access_token_id', 'access_id'] as const

export type CredentialBody = Record<string, unknown>

/** Python's `repr` of a parsed JSON value, as jsonschema prints instances. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
    const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote
  }
  if (typeof value === 'number') return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : pyFloat(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`
  return String(value)
}

function pyFloat(n: number): string {
  const s = String(n)
  return /[.e]/.test(s) ? s : `${s}.0`
}

/** `json.dumps` of a flat object as Python writes it (`", "` and `": "` between items). */
export function pyJsonDumps(value: Record<string, string | null>): string {
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`
}

const isObject = (value: unknown): value is CredentialBody => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The schema's `properties`: each of the four, when present, a string. */
function checkTypes(credential: unknown): asserts credential is CredentialBody {
  if (!isObject(credential)) throw new ValidationError(`${pyRepr(credential)} is not of type 'object'`)
  for (const key of COLUMNS) {
    if (key in credential && typeof credential[key] !== 'string') {
      throw new ValidationError(`Invalid input for field '${key}': ${pyRepr(credential[key])} is not of type 'string'`)
    }
  }
}

/** `credential_create`: blob, type and user_id, and project_id for type `ec2` (exactly `ec2`: the schema's enum). */
export function checkCreateBody(credential: unknown): asserts credential is CredentialBody & { blob: string; type: string; user_id: string } {
  checkTypes(credential)
  const required = credential.type === 'ec2' ? ['blob', 'type', 'user_id', 'project_id'] : ['blob', 'type', 'user_id']
  if (!required.every((key) => key in credential)) throw new ValidationError(`${pyRepr(credential)} is not valid under any of the given schemas`)
}

/** `credential_update`: at least one attribute, the known ones strings. */
export function checkUpdateBody(credential: unknown): asserts credential is CredentialBody {
  checkTypes(credential)
  if (Object.keys(credential).length === 0) throw new ValidationError(`${pyRepr(credential)} does not have enough properties`)
}

/** Keystone calls a credential an EC2 one, for its id and blob checks, in any case. */
export const isEc2Type = (type: string | undefined) => type?.toLowerCase() === 'ec2'

/** An EC2 blob: a JSON object with an `access`. */
export function parseEc2Blob(blob: string | undefined): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = blob === undefined ? undefined : JSON.parse(blob)
  } catch {
    throw new ValidationError('Invalid blob in credential')
  }
  if (!isObject(parsed) || Object.keys(parsed).length === 0) throw new MissingAttributeError('blob', 'credential')
  if (parsed.access === undefined || parsed.access === null) throw new MissingAttributeError('access', 'credential')
  // Keystone hashes the access key as text; any other JSON value would fail there (a 500).
  if (typeof parsed.access !== 'string') throw new ValidationError('Invalid blob in credential')
  return parsed
}

/** What a stored EC2 blob says, or nothing for a blob that is no JSON object. */
export function readEc2Blob(blob: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(blob)
    return isObject(parsed) ? parsed : {}
  } catch {
    return {}
  }
}

/** An EC2 credential's id: the SHA-256 of its access key, as hex (Keystone's `hash_access_key`). */
export function ec2CredentialId(access: string): string {
  return createHash('sha256').update(access, 'utf8').digest('hex')
}

/** Keystone keeps a new blob's delegation keys as they were: a change is refused with its words. */
export function checkEc2BlobUpdate(oldBlob: string, newBlob: string): void {
  const before = readEc2Blob(oldBlob)
  const after = parseEc2Blob(newBlob)
  for (const key of SCOPE_KEYS) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) throw new ValidationError(`${key} can not be updated for credential`)
  }
}

/** Keystone's `_normalize_dict`, applied to a create's body: `:` and `-` in key names become `_`. */
export function normalizeKeys(credential: CredentialBody): CredentialBody {
  return Object.fromEntries(Object.entries(credential).map(([key, value]) => [key.replace(/[:-]/g, '_'), value]))
}

/** The body's attributes beyond the columns, which Keystone keeps and echoes. */
export function extrasOf(credential: CredentialBody): Record<string, unknown> {
  return Object.fromEntries(Object.entries(credential).filter(([key]) => !NOT_EXTRA.has(key)))
}
