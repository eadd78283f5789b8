/**
 * @module The state document: the whole state of a projectplane store as one JSON document,
 * written by `export`, read by `import` and by `serve --seed`. The TypeBox schema below is the
 * one source of its type and of its shape check; `parseStateDocument` adds what a schema cannot
 * say (names that must resolve inside their account, the flavour's naming rules, the password
 * policy) and reports every problem at once, each under the exact place it was found, so a
 * hand-written seed is fixed in one round rather than one error at a time.
 */
import { Type as T, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { FLAVOUR_NAMES, type FlavourName } from '../flavours.js'
import type { PasswordPolicy } from '../config.js'
import { ENTERPRISE_PROJECT_ID_PATTERN } from '../shared/well-known-ids.js'
import { MAX_ACCESS_KEYS_PER_USER } from '../services/iam/credentials/rules.js'
import { MAX_CUSTOM_ROLES_PER_ACCOUNT } from '../services/iam/roles/rules.js'
import {
  ENTERPRISE_PROJECT_DESCRIPTION_MAX_LENGTH, ENTERPRISE_PROJECT_TYPES, RESOURCE_ID_CHARACTERS, RESOURCE_ID_MAX_LENGTH, RESOURCE_NAME_MAX_LENGTH,
} from '../services/eps/rules.js'
import { FAVOURITES_ID_PATTERN, MAX_FAVOURITES } from '../services/coc/rules.js'
import { checkReferences } from './state-checks.js'
import type { StoreContext } from './keystone-checks.js'

export const STATE_FORMAT = 'projectplane-state'
export const STATE_VERSION = 1

/** Every problem of a document, each starting with the place it names (`accounts[0].users[2].name: …`). */
export class StateDocumentError extends Error {
  constructor(readonly problems: string[], source?: string) {
    super(`${source ? `${source}: ` : ''}the state document has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`)
    this.name = 'StateDocumentError'
  }
}

import { Enum, Name, Text, Id, RegionId, TIME_PATTERN, Time, Nullable, JsonObject, Times, closed } from './document-blocks.js'
import { IdentityProviderSchema, MappingSchema } from './federation-document.js'

export { TIME_PATTERN } from './document-blocks.js'

export const RegionSchema = T.Object({
  id: RegionId,
  type: T.Optional(Text(64)),
  description: T.Optional(Text(255)),
  parent_region_id: T.Optional(Nullable(RegionId)),
  locales: T.Optional(T.Record(T.String(), T.String(), { expected: 'an object of locale names to display names' })),
  /** Keystone: the attributes a region keeps beyond its columns. */
  extra: T.Optional(JsonObject),
  /** Keystone: false for a region made through the API, which gets no seeded endpoints; true when left out. */
  has_endpoints: T.Optional(T.Boolean()),
}, closed)

export const AccessKeySchema = T.Object({
  access: T.Optional(T.String({ pattern: '^[A-Za-z0-9]{1,128}$', expected: 'an access key of 1 to 128 letters and digits' })),
  /** Plain text: an export holds secrets (see docs/state.md). */
  secret: T.Optional(T.String({ pattern: '^\\S{1,128}$', expected: 'a secret key of 1 to 128 characters without spaces' })),
  status: T.Optional(Enum(['active', 'inactive'] as const)),
  description: T.Optional(Text(255)),
  created_at: T.Optional(Time),
  last_used_at: T.Optional(Nullable(Time)),
}, closed)

export const FavouritesSchema = T.Object({
  id: T.Optional(T.String({ pattern: FAVOURITES_ID_PATTERN, expected: 'a record id of 24 lower-case hex digits' })),
  /** Names or ids of enterprise projects of the account, in the user's order; ids of deleted ones are kept as COC keeps them. */
  enterprise_projects: T.Array(T.String({ minLength: 1, maxLength: 255, expected: 'an enterprise project name or id' }), { maxItems: MAX_FAVOURITES }),
}, closed)

/** Huawei's user profile (OS-USER) and what the clouds report about the password; defaults when left out. */
export const UserProfileSchema = T.Object({
  areacode: T.Optional(Nullable(Text(16))),
  phone: T.Optional(Nullable(Text(32))),
  access_mode: T.Optional(Enum(['default', 'programmatic', 'console'] as const)),
  pwd_status: T.Optional(T.Boolean()),
  xuser_type: T.Optional(Nullable(Text(64))),
  xuser_id: T.Optional(Nullable(Text(128))),
  pwd_strength: T.Optional(Nullable(Enum(['low', 'medium', 'strong'] as const))),
  password_changed_at: T.Optional(Nullable(Time)),
  is_domain_owner: T.Optional(T.Boolean()),
}, closed)

export const UserSchema = T.Object({
  id: T.Optional(Id),
  name: Name(255),
  /** Plain text, hashed on import and checked against the password policy; or the stored hash. */
  password: T.Optional(T.String({ expected: 'a password' })),
  password_hash: T.Optional(T.String({ pattern: '^\\$argon2(id|i|d)\\$', expected: "an argon2 hash as an export writes it ('$argon2id$…')" })),
  /** The passwords the user has had, the current one included (the password policy's history rule). */
  password_history: T.Optional(T.Array(T.Object({ password_hash: T.String({ pattern: '^\\$argon2(id|i|d)\\$', expected: 'an argon2 hash' }), set_at: Time }, closed))),
  enabled: T.Optional(T.Boolean()),
  description: T.Optional(Text()),
  email: T.Optional(Nullable(Text(255))),
  default_project: T.Optional(Nullable(Name(64))),
  password_expires_at: T.Optional(Nullable(Time)),
  extra: T.Optional(JsonObject),
  groups: T.Optional(T.Array(Name(64))),
  access_keys: T.Optional(T.Array(AccessKeySchema, { maxItems: MAX_ACCESS_KEYS_PER_USER, expected: `at most ${MAX_ACCESS_KEYS_PER_USER} access keys (the clouds' limit per user)` })),
  favourites: T.Optional(FavouritesSchema),
  profile: T.Optional(UserProfileSchema),
  ...Times,
}, closed)

export const GroupSchema = T.Object({
  id: T.Optional(Id),
  name: Name(64),
  description: T.Optional(Text(255)),
  created_at: T.Optional(Time),
}, closed)

export const CustomPolicySchema = T.Object({
  id: T.Optional(Id),
  /** Unique in the account; `custom_<account id>_<n>` as the clouds number them when left out. */
  name: T.Optional(Name(128)),
  display_name: T.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$', expected: 'a display name of 1 to 64 characters without spaces' }),
  type: Enum(['AX', 'XA'] as const),
  description: T.Optional(Text(256)),
  description_cn: T.Optional(Text(256)),
  policy: T.Unknown(),
  ...Times,
}, closed)

export const ProjectSchema = T.Object({
  id: T.Optional(Id),
  name: Name(64),
  description: T.Optional(Text()),
  enabled: T.Optional(T.Boolean()),
  status: T.Optional(Enum(['normal', 'suspended'] as const)),
  suspended_at: T.Optional(Nullable(Time)),
  /** Keystone only: the parent project's name (the account when left out). */
  parent: T.Optional(Name(64)),
  tags: T.Optional(T.Array(T.String({ minLength: 1, maxLength: 255 }), { maxItems: 80 })),
  options: T.Optional(JsonObject),
  extra: T.Optional(JsonObject),
  /** Keystone only (OS-EP-FILTER): ids of the catalog's endpoints and endpoint groups associated with the project. */
  endpoints: T.Optional(T.Array(Id)),
  endpoint_groups: T.Optional(T.Array(Id)),
  ...Times,
}, closed)

export const EnterpriseProjectSchema = T.Object({
  id: T.Optional(T.String({ pattern: ENTERPRISE_PROJECT_ID_PATTERN, expected: "'0' or a lower-case UUID" })),
  name: T.String({ minLength: 1, maxLength: 255 }),
  description: T.Optional(Text(ENTERPRISE_PROJECT_DESCRIPTION_MAX_LENGTH)),
  enabled: T.Optional(T.Boolean()),
  type: T.Optional(Enum(ENTERPRISE_PROJECT_TYPES)),
  ...Times,
}, closed)

const ResourceId = T.String({
  pattern: `^[${RESOURCE_ID_CHARACTERS}]{1,${RESOURCE_ID_MAX_LENGTH}}$`, expected: `a resource id of 1 to ${RESOURCE_ID_MAX_LENGTH} letters, digits, '.', '_', ':' or '-'`,
})
export const ResourceSchema = T.Object({
  type: T.String({ minLength: 1, maxLength: 64 }),
  id: T.Optional(ResourceId),
  name: T.Optional(Text(RESOURCE_NAME_MAX_LENGTH)),
  /** The IAM project's name; regional types only. */
  project: T.Optional(Name(64)),
  /** Buckets (global, but in a region) name their region; regional types take their project's. */
  region: T.Optional(RegionId),
  /** Name of the enterprise project holding it; `default` (id 0) when left out. */
  enterprise_project: T.Optional(T.String({ minLength: 1, maxLength: 255 })),
  /** Id of the ECS a disk or EIP is attached to. */
  attached_to: T.Optional(Nullable(ResourceId)),
  detail: T.Optional(Nullable(JsonObject)),
  ...Times,
}, closed)

/**
 * An agency (OS-AGENCY): the account lets the users of the trusted account act in it with the
 * roles granted to the agency. Clouds only.
 */
export const AgencySchema = T.Object({
  id: T.Optional(Id),
  name: Name(64),
  /** The trusted account's name, another account of the document; or `op_svc_<service>` for a cloud service. */
  trust_account: Name(64),
  description: T.Optional(Text(255)),
  /** As the API takes it (agencies/rules.ts): `FOREVER`, `ONEDAY` or a number of days; null or left out: never expires. */
  duration: T.Optional(T.Union([T.String(), T.Number(), T.Null()], { expected: "'FOREVER', 'ONEDAY', a number of days or null" })),
  /** When it expires (null: never); left out, the duration counted from `updated_at`. Export writes the stored one. */
  expire_time: T.Optional(Nullable(Time)),
  ...Times,
}, closed)

/** One role held by one user, group or agency on one target, all by name; no target means the account. */
export const GrantSchema = T.Object({
  user: T.Optional(Name(255)),
  group: T.Optional(Name(64)),
  agency: T.Optional(Name(64)),
  /** A system role's name, or a custom policy's name (or its display name when unique in the account). */
  role: Name(128),
  project: T.Optional(Name(64)),
  enterprise_project: T.Optional(T.String({ minLength: 1, maxLength: 255 })),
  /** Keystone only: the cloud-wide system scope. */
  system: T.Optional(T.Boolean()),
  /** On the account: the role applies to every project of it instead (OS-INHERIT). */
  inherited: T.Optional(T.Boolean()),
}, closed)

// ---------------------------------------------------------------- keystone flavour's stored kinds

const RoleName = Name(255)
const RoleNames = T.Array(RoleName)
const Argon2Hash = T.String({ pattern: '^\\$argon2(id|i|d)\\$', expected: "an argon2 hash as an export writes it ('$argon2id$…')" })
const Count = T.Integer({ minimum: 0, expected: 'a whole number of at least 0' })

/** A domain-specific role (keystone): never in a token itself, only through the roles it implies. */
export const DomainRoleSchema = T.Object({
  id: T.Optional(Id),
  name: RoleName,
  description: T.Optional(Text()),
  /** Names of the roles it implies: global roles, or domain roles of the same account. */
  implies: T.Optional(RoleNames),
  ...Times,
}, closed)

/** A global role an administrator made (keystone), beyond the flavour's own. */
export const GlobalRoleSchema = T.Object({
  id: T.Optional(Id),
  name: RoleName,
  description: T.Optional(Text()),
  ...Times,
}, closed)

/** An implied-role rule between two global roles, by name. */
export const ImpliedRoleSchema = T.Object({ prior: RoleName, implied: RoleName }, closed)

/** A trust (OS-TRUST) made by a user of the account; the trustee and project by name, in another account when it says so. */
export const TrustSchema = T.Object({
  id: T.Optional(Id),
  trustor: Name(255),
  trustee: Name(255),
  /** The trustee's account when it is not the trustor's. */
  trustee_account: T.Optional(Name(64)),
  project: T.Optional(Nullable(Name(64))),
  /** The project's account when it is not the trustor's. */
  project_account: T.Optional(Name(64)),
  impersonation: T.Boolean(),
  expires_at: T.Optional(Nullable(Time)),
  remaining_uses: T.Optional(Nullable(Count)),
  /** The trust this one was made with (a trust-scoped token made it), kept as stored. */
  redelegated_trust_id: T.Optional(Nullable(Id)),
  redelegation_count: T.Optional(Nullable(Count)),
  /** Global role names, or domain roles of the account. */
  roles: RoleNames,
  extra: T.Optional(JsonObject),
  created_at: T.Optional(Time),
}, closed)

/** An access rule of a user; its id is what application credentials name. */
export const AccessRuleSchema = T.Object({
  id: Id,
  user: Name(255),
  service: T.String({ minLength: 1, maxLength: 64 }),
  path: T.String({ minLength: 1, maxLength: 255 }),
  method: T.String({ minLength: 1, maxLength: 16 }),
  created_at: T.Optional(Time),
}, closed)

export const ApplicationCredentialSchema = T.Object({
  id: T.Optional(Id),
  user: Name(255),
  project: Name(64),
  name: Name(255),
  description: T.Optional(Nullable(Text())),
  /** Plain text, hashed on import; or the stored hash, as an export writes it. */
  secret: T.Optional(T.String({ minLength: 1, expected: 'a secret' })),
  secret_hash: T.Optional(Argon2Hash),
  expires_at: T.Optional(Nullable(Time)),
  unrestricted: T.Optional(Nullable(T.Boolean())),
  roles: RoleNames,
  /** Ids of the account's access rules (of the same user). */
  access_rules: T.Optional(T.Array(Id)),
  created_at: T.Optional(Time),
}, closed)

/** A Keystone credential (`/v3/credentials`, EC2 credentials too); the blob in plain text, as access keys' secrets. */
export const KeystoneCredentialSchema = T.Object({
  /** For type 'ec2': the SHA-256 of the blob's access, computed when left out. */
  id: T.Optional(Id),
  user: Name(255),
  project: T.Optional(Nullable(Name(64))),
  type: T.String({ minLength: 1, maxLength: 255 }),
  blob: T.String({ expected: 'the blob as a string' }),
  extra: T.Optional(JsonObject),
  created_at: T.Optional(Time),
}, closed)

/** The catalog (keystone): services with their endpoints, and OS-EP-FILTER's endpoint groups. */
export const CatalogSchema = T.Object({
  services: T.Array(T.Object({
    id: Id,
    type: T.String({ minLength: 1, maxLength: 255 }),
    name: T.Optional(Text(255)),
    enabled: T.Optional(T.Boolean()),
    extra: T.Optional(JsonObject),
    created_at: T.Optional(Time),
    endpoints: T.Optional(T.Array(T.Object({
      id: Id,
      interface: Enum(['public', 'internal', 'admin'] as const),
      region: T.Optional(Nullable(RegionId)),
      url: T.String({ minLength: 1 }),
      enabled: T.Optional(T.Boolean()),
      extra: T.Optional(JsonObject),
      created_at: T.Optional(Time),
    }, closed))),
  }, closed)),
  endpoint_groups: T.Optional(T.Array(T.Object({
    id: Id,
    name: T.String({ maxLength: 255 }),
    description: T.Optional(Nullable(Text())),
    filters: JsonObject,
    created_at: T.Optional(Time),
  }, closed))),
}, closed)

export const OauthConsumerSchema = T.Object({
  id: Id,
  description: T.Optional(Nullable(Text())),
  /** Plain text, as access keys' secrets. */
  secret: T.String({ minLength: 1, expected: 'a secret' }),
  extra: T.Optional(JsonObject),
  created_at: T.Optional(Time),
}, closed)

export const PolicyBlobSchema = T.Object({
  id: Id,
  type: T.String({ minLength: 1, maxLength: 255 }),
  blob: T.String(),
  extra: T.Optional(JsonObject),
  created_at: T.Optional(Time),
}, closed)

export const AccountSchema = T.Object({
  id: T.Optional(Id),
  name: Name(64),
  description: T.Optional(Text()),
  enabled: T.Optional(T.Boolean()),
  ...Times,
  users: T.Optional(T.Array(UserSchema)),
  groups: T.Optional(T.Array(GroupSchema)),
  custom_policies: T.Optional(T.Array(CustomPolicySchema, { maxItems: MAX_CUSTOM_ROLES_PER_ACCOUNT, expected: `at most ${MAX_CUSTOM_ROLES_PER_ACCOUNT} custom policies (the clouds' limit per account)` })),
  projects: T.Optional(T.Array(ProjectSchema)),
  enterprise_projects: T.Optional(T.Array(EnterpriseProjectSchema)),
  resources: T.Optional(T.Array(ResourceSchema)),
  agencies: T.Optional(T.Array(AgencySchema)),
  grants: T.Optional(T.Array(GrantSchema)),
  // Keystone only:
  roles: T.Optional(T.Array(DomainRoleSchema)),
  trusts: T.Optional(T.Array(TrustSchema)),
  access_rules: T.Optional(T.Array(AccessRuleSchema)),
  application_credentials: T.Optional(T.Array(ApplicationCredentialSchema)),
  credentials: T.Optional(T.Array(KeystoneCredentialSchema)),
  /** Domain-specific configuration: group → option → value (an LDAP password in plain text). */
  domain_config: T.Optional(T.Record(T.String(), T.Record(T.String(), T.Unknown()), { expected: 'an object of groups of options' })),
  /** The account's security policies (issue 18) as stored, by kind; left out while it has the defaults. */
  security_policies: T.Optional(T.Object(Object.fromEntries(['password', 'login', 'protect', 'console_acl', 'api_acl'].map((k) => [k, T.Optional(JsonObject)])), closed)),
  /** Identity federation (issue 20); left out when the account has none. */
  mappings: T.Optional(T.Array(MappingSchema)),
  identity_providers: T.Optional(T.Array(IdentityProviderSchema)),
}, closed)

export const StateDocumentSchema = T.Object({
  format: T.Literal(STATE_FORMAT, { expected: `'${STATE_FORMAT}'` }),
  version: T.Integer({ minimum: 1, expected: `a version number (this projectplane reads ${STATE_VERSION})` }),
  flavour: Enum(FLAVOUR_NAMES),
  /** Written by export; ignored on import. */
  exported_at: T.Optional(Time),
  /** The flavour's default regions when left out. */
  regions: T.Optional(T.Array(RegionSchema)),
  accounts: T.Array(AccountSchema),
  // Keystone only, whole store only (an import of one account leaves them as they are):
  /** Global roles an administrator made; left out, the store's stay. */
  roles: T.Optional(T.Array(GlobalRoleSchema)),
  /** Rules between global roles; left out, the store's stay. */
  implied_roles: T.Optional(T.Array(ImpliedRoleSchema)),
  /** Left out, the flavour's catalog is seeded. */
  catalog: T.Optional(CatalogSchema),
  oauth_consumers: T.Optional(T.Array(OauthConsumerSchema)),
  policies: T.Optional(T.Array(PolicyBlobSchema)),
}, closed)

export type StateDocument = Static<typeof StateDocumentSchema>
export type StateRegion = Static<typeof RegionSchema>
export type StateAccount = Static<typeof AccountSchema>
export type StateUser = Static<typeof UserSchema>
export type StateGroup = Static<typeof GroupSchema>
export type StateCustomPolicy = Static<typeof CustomPolicySchema>
export type StateProject = Static<typeof ProjectSchema>
export type StateEnterpriseProject = Static<typeof EnterpriseProjectSchema>
export type StateResource = Static<typeof ResourceSchema>
export type StateAgency = Static<typeof AgencySchema>
export type StateGrant = Static<typeof GrantSchema>
export type StateAccessKey = Static<typeof AccessKeySchema>
export type StateTrust = Static<typeof TrustSchema>
export type StateApplicationCredential = Static<typeof ApplicationCredentialSchema>

// ---------------------------------------------------------------- parsing

export interface ParseOptions {
  /** The flavour the reader runs: a document for another one is refused (its rules differ). */
  flavour?: FlavourName
  /** Rules plain passwords must meet; the flavour's defaults (as `loadConfig` has them) when left out. */
  passwordPolicy?: PasswordPolicy
  /** Names of accounts outside the document an agency may trust (an import of one account beside the others). */
  otherAccounts?: readonly string[]
  /** An import of one account: what the store holds around it (other accounts' users and projects, global roles, the catalog). */
  store?: StoreContext
}

/**
 * The document, checked whole. Throws `StateDocumentError` listing every problem: shape first,
 * then references and rules, each in document order. A document of a newer version is refused
 * with that one problem, since its other fields may mean what this release cannot know.
 */
export function parseStateDocument(input: unknown, options: ParseOptions = {}): StateDocument {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new StateDocumentError([`(document): expected a JSON object, got ${describeValue(input)}`])
  }
  const version = (input as { version?: unknown }).version
  if (typeof version === 'number' && Number.isInteger(version) && version > STATE_VERSION) {
    throw new StateDocumentError([`version: ${version} is newer than this projectplane reads (${STATE_VERSION})`])
  }
  const problems = shapeProblems(input)
  const flavour = (input as { flavour?: unknown }).flavour
  if (options.flavour !== undefined && typeof flavour === 'string' && FLAVOUR_NAMES.includes(flavour as FlavourName) && flavour !== options.flavour) {
    problems.push(`flavour: the document is for '${flavour}'; this projectplane runs '${options.flavour}'`)
  }
  problems.push(...checkReferences(input as Record<string, unknown>, options.passwordPolicy, options.otherAccounts, options.store))
  if (problems.length > 0) throw new StateDocumentError(problems)
  return input as StateDocument
}

/** `/accounts/0/users/2/name` → `accounts[0].users[2].name`. */
export function placeOf(pointer: string): string {
  if (pointer === '') return '(document)'
  return pointer.split('/').slice(1).map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, key) => /^\d+$/.test(key) ? `${out}[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${out}${out ? '.' : ''}${key}` : `${out}[${JSON.stringify(key)}]`, '')
}

function shapeProblems(input: unknown): string[] {
  const seen = new Set<string>()
  const problems: string[] = []
  for (const error of Value.Errors(StateDocumentSchema, input)) {
    // One problem per place: a too-short name is not also "not matching" its pattern.
    if (seen.has(error.path)) continue
    seen.add(error.path)
    problems.push(`${placeOf(error.path)}: ${shapeMessage(error)}`)
  }
  return problems
}

function shapeMessage(error: ValueError): string {
  const schema = error.schema
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `is required (${expectedOf(schema)})`
    case ValueErrorType.ObjectAdditionalProperties:
      return `unknown field; allowed here: ${Object.keys(schema.properties ?? {}).join(', ')}`
    case ValueErrorType.StringMinLength:
    case ValueErrorType.StringMaxLength:
      return `expected ${expectedOf(schema)}, got ${(error.value as string).length} characters`
    case ValueErrorType.ArrayMaxItems:
      return `expected ${schema.expected ?? `at most ${schema.maxItems} items`}, got ${(error.value as unknown[]).length}`
    default:
      return `expected ${expectedOf(schema)}, got ${describeValue(error.value)}`
  }
}

function expectedOf(schema: TSchema): string {
  if (typeof schema.expected === 'string') return schema.expected
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  switch (schema.type) {
    case 'string':
      return schema.maxLength !== undefined ? `a string of ${schema.minLength ?? 0} to ${schema.maxLength} characters` : 'a string'
    case 'boolean': return 'true or false'
    case 'integer': return 'a whole number'
    case 'array': return 'a list'
    case 'object': return 'an object'
    case 'null': return 'null'
    default: return 'a value'
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return value.length > 40 ? `'${value.slice(0, 40)}…'` : `'${value}'`
  return String(value)
}
