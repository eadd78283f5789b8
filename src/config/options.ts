/**
 * @module Every configuration option, once: its environment variable, flag, parser, default and
 * help text. `loadConfig` (src/config.ts) reads the table, the `Config` type is derived from it,
 * `projectplane serve --help` and the store commands' flags are built from it, and
 * test/configuration-docs.test.ts holds docs/configuration.md to it. Defaults that differ between
 * the clouds come from the flavour (src/flavours.ts), never from a test of its name here.
 */
import fs from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'
import { DEFAULT_FLAVOUR, FLAVOUR_NAMES, IAM_QUOTA_TYPES, type Flavour, type IamQuotaType } from '../flavours.js'
import { CONSOLE_DIR } from '../shared/package-files.js'
import { FaultRuleError, parseFaultRules, type FaultRule } from './fault-rules.js'

/** A bad value: the message names the option, and the process stops with it (exit status 2). */
export class ConfigError extends Error {}

export const DEFAULT_CONSOLE_DIR = CONSOLE_DIR

/** A value as one would type it, or one for each flavour, read from the flavour's data. */
export type PerFlavourText = string | ((flavour: Flavour) => string | number)

/** The part of the configuration an option is read into, when it is not a field of its own. */
export type OptionGroup = 'database' | 'passwordPolicy' | 'lockout' | 'faults'

interface OptionBase<G extends OptionGroup | undefined> {
  readonly env: string
  /** The flag when it is not the variable's name (`PROJECTPLANE_SEED`: `--seed`). */
  readonly flag?: `--${string}`
  /** A switch: `--in-memory` on the command line, `1`/`true` in the environment. */
  readonly boolean?: true
  /** One line for `--help`. */
  readonly description: string
  /** How help and the docs show the default when not as `default` reads (there is none, or it is a machine's path). */
  readonly shown?: PerFlavourText
  /** An empty variable gets the default too. (Without a default, `optional` parsers read empty as unset.) */
  readonly blankIsUnset?: true
  /** The store commands (`user`, `export`, …) take it too: it decides which store they open. */
  readonly picksStore?: true
  readonly group?: G
}

export interface OptionDefinition<T = unknown, G extends OptionGroup | undefined = OptionGroup | undefined> extends OptionBase<G> {
  /** Given to `parse` when the option is not set, so a default is checked as a given value is. */
  readonly default: PerFlavourText | undefined
  /** The text (undefined: unset without a default) as the value; a `ConfigError` naming `env` when bad. */
  readonly parse: (text: string | undefined, env: string) => T
}

/** An option; with a default its parser never sees `undefined`. */
function option<T, G extends OptionGroup | undefined = undefined>(spec: OptionBase<G> & { default: PerFlavourText; parse: (text: string, env: string) => T }): OptionDefinition<T, G>
function option<T, G extends OptionGroup | undefined = undefined>(spec: OptionBase<G> & { default?: undefined; parse: (text: string | undefined, env: string) => T }): OptionDefinition<T, G>
function option(spec: OptionBase<OptionGroup | undefined> & { default?: PerFlavourText; parse: (text: never, env: string) => unknown }): OptionDefinition {
  return { ...spec, default: spec.default } as OptionDefinition
}

// ---- parsers: each names the option in its message, as the tests and the docs quote them

function oneOf<const T extends string>(allowed: readonly T[]) {
  return (text: string, env: string): T => {
    if ((allowed as readonly string[]).includes(text)) return text as T
    throw new ConfigError(`${env} must be one of ${allowed.join(', ')}; got '${text}'`)
  }
}

function integer(min: number, max: number) {
  return (text: string, env: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new ConfigError(`${env} must be a whole number from ${min} to ${max}; got '${text}'`)
    }
    return Number(text)
  }
}

/** Unset or empty: undefined; otherwise what `parse` makes of it. */
function optional<T>(parse: (text: string, env: string) => T) {
  return (text: string | undefined, env: string): T | undefined => (text === undefined || text === '' ? undefined : parse(text, env))
}

const verbatim = (text: string): string => text
/** A regular expression as JavaScript reads it (Keystone's are Python's; the common subset reads alike). */
function javascriptRegex(text: string, env: string): string {
  try {
    new RegExp(text)
  } catch {
    throw new ConfigError(`${env} is not a regular expression: '${text}'`)
  }
  return text
}
const absolutePath = (text: string): string => path.resolve(text)
const isSwitchedOn = (text: string | undefined): boolean => text === '1' || text === 'true'

/** A comma-separated list (empty when unset), each entry checked by `check`. */
function list(check: (entry: string, env: string) => void) {
  return (text: string | undefined, env: string): string[] => {
    const entries = (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)
    for (const entry of entries) check(entry, env)
    return entries
  }
}

function regionId(region: string, env: string): void {
  if (!/^[a-z0-9][a-zA-Z0-9-]{0,63}$/.test(region)) throw new ConfigError(`${env}: '${region}' is not a region id (letters, digits and '-', no '_')`)
}

/** IPs, CIDRs, or proxy-addr's names for whole ranges; anything else is a typo worth stopping for. */
function trustedProxy(entry: string, env: string): void {
  const [address, bits, ...rest] = entry.split('/')
  const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry)
  const cidrOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address!) === 6 ? 128 : 32))
  if (!named && (rest.length > 0 || isIP(address!) === 0 || !cidrOk)) {
    throw new ConfigError(`${env}: '${entry}' is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`)
  }
}

function publicUrl(text: string, env: string): string {
  if (!/^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(text)) throw new ConfigError(`${env} must be an http(s) URL; got '${text}'`)
  return text.replace(/\/+$/, '')
}

function postgresUrl(text: string, env: string): string {
  // The password stays out of the message, which reaches logs.
  if (!/^postgres(ql)?:\/\/\S+$/.test(text)) throw new ConfigError(`${env} must be a postgres:// or postgresql:// URL; got '${text.replace(/:[^:@/]*@/, ':***@')}'`)
  return text
}

function sqlIdentifier(text: string, env: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(text)) throw new ConfigError(`${env} must be a lower-case SQL identifier (letters, digits, '_'); got '${text}'`)
  return text
}

/** `user=100,group=5`: IAM quotas that differ from the clouds' defaults, each type at most once. */
function iamQuotas(text: string, env: string): Partial<Record<IamQuotaType, number>> {
  const quotas: Partial<Record<IamQuotaType, number>> = {}
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [type, value, ...rest] = entry.split('=').map((part) => part.trim())
    if (!IAM_QUOTA_TYPES.includes(type as IamQuotaType) || rest.length > 0 || value === undefined) {
      throw new ConfigError(`${env}: '${entry}' is not <type>=<number> with a type among ${IAM_QUOTA_TYPES.join(', ')}`)
    }
    if (quotas[type as IamQuotaType] !== undefined) throw new ConfigError(`${env}: '${type}' is given twice`)
    quotas[type as IamQuotaType] = integer(0, 100_000)(value, `${env} '${type}'`)
  }
  return quotas
}

/** Rules from JSON text; `source` names it in messages (`FAULTS`, `faults file x.json`), `prefix` before a rule's own. */
function faultRules(text: string, source: string, prefix: string): FaultRule[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`${source} is not valid JSON: ${(error as Error).message}`)
  }
  try {
    return parseFaultRules(value, 'FAULTS', true)
  } catch (error) {
    if (error instanceof FaultRuleError) throw new ConfigError(`${prefix}${error.message}`)
    throw error
  }
}

function faultRulesFile(file: string): FaultRule[] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`faults file ${file} cannot be read: ${(error as Error).message}`)
  }
  return faultRules(text, `faults file ${file}`, `${file}: `)
}

/** `a, b or c`. */
const orList = (names: readonly string[]): string => `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * The options in the order help and the docs list them; the keys are the `Config` fields (or
 * the group's parts). Append a new option to the section it belongs to, and add its row to
 * docs/configuration.md (the docs test says so when it is missing).
 */
export const OPTIONS = {
  // ---- server
  flavour: option({ env: 'FLAVOUR', description: `which cloud to imitate: ${orList(FLAVOUR_NAMES)}`, default: DEFAULT_FLAVOUR, picksStore: true, parse: oneOf(FLAVOUR_NAMES) }),
  port: option({ env: 'PORT', description: 'listening port (0: any free port)', default: '5050', parse: integer(0, 65535) }),
  host: option({ env: 'HOST', description: 'listening address', default: '127.0.0.1', parse: verbatim }),
  publicUrl: option({ env: 'PUBLIC_URL', description: 'base URL written into links and the token catalog (behind a proxy)', shown: "from the request's Host", parse: optional(publicUrl) }),
  logLevel: option({ env: 'LOG_LEVEL', description: 'fatal, error, warn, info, debug, trace or silent', default: 'info', parse: oneOf(LOG_LEVELS) }),
  /** `auto`: `main.ts` picks pretty on a terminal, JSON otherwise; anything else building the app gets JSON. */
  logFormat: option({ env: 'LOG_FORMAT', description: 'auto (pretty on a terminal, JSON otherwise), json or pretty', default: 'auto', parse: oneOf(['auto', 'json', 'pretty']) }),
  logFile: option({ env: 'LOG_FILE', description: 'append JSON log lines to this file instead of stdout', parse: optional(absolutePath) }),
  metrics: option({ env: 'METRICS', description: 'on or off: GET /metrics and the recording behind it', default: 'on', parse: (text, env) => oneOf(['on', 'off'])(text, env) === 'on' }),
  /** As Fastify's `trustProxy` takes them; none when empty. */
  trustProxy: option({
    env: 'TRUST_PROXY', description: 'proxies in front (comma-separated IPs, CIDRs, or loopback/linklocal/uniquelocal) whose X-Forwarded-For names the client in logs and the audit trail',
    shown: 'none', parse: list(trustedProxy),
  }),
  /** `/console` says so when the folder holds no build. */
  consoleDir: option({
    env: 'CONSOLE_DIR', description: 'folder of the built web console served at /console', default: DEFAULT_CONSOLE_DIR, shown: 'dist/console of the package',
    blankIsUnset: true, parse: absolutePath,
  }),
  // ---- store
  databaseUrl: option({ env: 'DATABASE_URL', description: 'postgres://user:password@host:5432/db: the store on PostgreSQL instead of SQLite', group: 'database', picksStore: true, parse: optional(postgresUrl) }),
  databaseSchema: option({
    env: 'DATABASE_SCHEMA', description: "PostgreSQL schema holding projectplane's tables, created when missing", shown: "the user's search path",
    group: 'database', picksStore: true, parse: optional(sqlIdentifier),
  }),
  databasePoolSize: option({ env: 'DATABASE_POOL_SIZE', description: 'PostgreSQL connections per instance', default: '10', group: 'database', parse: integer(1, 1000) }),
  databaseTimeoutMs: option({ env: 'DATABASE_TIMEOUT_MS', description: 'longest wait for a connection or a statement (then 503)', default: '5000', group: 'database', parse: integer(100, 600_000) }),
  databasePreparedStatements: option({
    env: 'DATABASE_PREPARED_STATEMENTS', description: 'on: each statement parsed once per connection, then run by name; off: behind a proxy that cannot follow named statements',
    default: 'on', group: 'database', parse: oneOf(['on', 'off']),
  }),
  dataDir: option({ env: 'DATA_DIR', description: 'folder of the embedded SQLite store (one server per folder)', default: './data', picksStore: true, parse: absolutePath }),
  inMemory: option({ env: 'IN_MEMORY', boolean: true, description: 'throwaway store: nothing survives the process', parse: isSwitchedOn }),
  /** `normal` survives a crash of the process, `full` also a power loss (an fsync per commit). */
  sqliteSynchronous: option({ env: 'SQLITE_SYNCHRONOUS', description: 'normal (survives a process crash) or full (also a power loss)', default: 'normal', parse: oneOf(['normal', 'full']) }),
  /** `background`: a worker thread copies the WAL into the store file while writes keep coming (db/wal-checkpointer.ts). */
  sqliteCheckpoints: option({
    env: 'SQLITE_CHECKPOINTS', description: 'background (a worker thread checkpoints the WAL under sustained writes) or inline (in the commit, as SQLite does by default)',
    default: 'background', parse: oneOf(['background', 'inline']),
  }),
  // ---- first start
  /** Empty: the flavour's default regions. */
  regions: option({ env: 'REGIONS', description: 'comma-separated region ids created at the first start', shown: "the flavour's list", parse: list(regionId) }),
  /** Unset: the flavour's names (the bootstrap applies them); the password is generated and printed once. */
  adminAccount: option({ env: 'PROJECTPLANE_ADMIN_ACCOUNT', description: 'account (domain) name of the first start', shown: (f) => f.defaultAccountName, parse: optional(verbatim) }),
  adminUser: option({ env: 'PROJECTPLANE_ADMIN_USER', description: "administrator's user name", shown: (f) => f.defaultAdminUserName, parse: optional(verbatim) }),
  adminPassword: option({ env: 'PROJECTPLANE_ADMIN_PASSWORD', description: "administrator's password; never logged", shown: 'generated, printed once', parse: optional(verbatim) }),
  seedFile: option({
    env: 'PROJECTPLANE_SEED', flag: '--seed', description: 'state document (as projectplane export writes it) imported at the first start instead of the default bootstrap',
    parse: optional(absolutePath),
  }),
  // ---- identity
  tokenTtlSeconds: option({ env: 'TOKEN_TTL', description: 'token lifetime in seconds (60 s to 30 days)', default: '86400', parse: integer(60, 30 * 86400) }),
  passwordMinLength: option({ env: 'PASSWORD_MIN_LENGTH', description: 'shortest password accepted (1-128)', default: (f) => f.defaultPasswordPolicy.minLength, group: 'passwordPolicy', parse: integer(1, 128) }),
  passwordMinCharClasses: option({
    env: 'PASSWORD_MIN_CHAR_CLASSES', description: 'how many of lower case, upper case, digits, other a password needs',
    default: (f) => f.defaultPasswordPolicy.minCharacterClasses, group: 'passwordPolicy', parse: integer(1, 4),
  }),
  lockoutAttempts: option({ env: 'LOGIN_LOCKOUT_ATTEMPTS', description: 'failed logins within the window that lock a user (0: off)', default: (f) => f.defaultLockoutAttempts, group: 'lockout', parse: integer(0, 1000) }),
  lockoutWindowSeconds: option({ env: 'LOGIN_LOCKOUT_WINDOW', description: 'seconds in which failed logins are counted', default: '900', group: 'lockout', parse: integer(1, 86400) }),
  lockoutDurationSeconds: option({ env: 'LOGIN_LOCKOUT_DURATION', description: 'seconds a locked user stays locked', default: '900', group: 'lockout', parse: integer(1, 86400) }),
  // Keystone's [security_compliance] (keystone flavour only; the clouds set these per account in OS-SECURITYPOLICY).
  keystonePasswordRegex: option({ env: 'KEYSTONE_PASSWORD_REGEX', description: "keystone: every new password must match this regular expression (Keystone's password_regex)", parse: optional(javascriptRegex) }),
  keystonePasswordRegexDescription: option({ env: 'KEYSTONE_PASSWORD_REGEX_DESCRIPTION', description: "keystone: the regular expression in words, the refusal's detail (password_regex_description)", parse: optional(verbatim) }),
  keystoneUniqueLastPasswordCount: option({
    env: 'KEYSTONE_UNIQUE_LAST_PASSWORD_COUNT', description: 'keystone: a self-service password change must differ from this many of the latest passwords, the current one included (unique_last_password_count; 0: off)',
    default: '0', parse: integer(0, 1000),
  }),
  keystoneMinimumPasswordAge: option({ env: 'KEYSTONE_MINIMUM_PASSWORD_AGE', description: 'keystone: days before a user may change its own password again (minimum_password_age)', default: '0', parse: integer(0, 3650) }),
  keystonePasswordExpiresDays: option({ env: 'KEYSTONE_PASSWORD_EXPIRES_DAYS', description: 'keystone: days a password stays valid for sign-in (password_expires_days; 0: forever)', default: '0', parse: integer(0, 3650) }),
  iamQuotas: option({
    env: 'IAM_QUOTAS', description: "IAM quotas that differ from the clouds' defaults, as type=number pairs separated by commas (user=100,project=20)",
    parse: optional(iamQuotas),
  }),
  // SAML federation (issue 20): the Audience assertions must name, and the IdP clock difference tolerated.
  samlSpEntityId: option({ env: 'SAML_SP_ENTITY_ID', description: "this server's SAML entity id, the Audience a SAML assertion must name", shown: 'the public base URL', parse: optional(verbatim) }),
  samlClockSkewSeconds: option({ env: 'SAML_CLOCK_SKEW', description: "seconds an identity provider's clock may differ from ours (0-3600)", default: '300', parse: integer(0, 3600) }),
  // ---- enterprise projects
  /** The default project `0` does not count. */
  enterpriseProjectQuota: option({ env: 'EPS_QUOTA', description: 'enterprise projects an account may create', default: '100', parse: integer(0, 100_000) }),
  // ---- fault injection
  faultsJson: option({ env: 'FAULTS', flag: '--faults-json', description: 'fault rules as inline JSON: turns fault injection on', group: 'faults', parse: optional((text) => faultRules(text, 'FAULTS', '')) }),
  faultsFile: option({ env: 'FAULTS_FILE', flag: '--faults', description: 'the same rules from a JSON file (not with FAULTS)', group: 'faults', parse: optional(faultRulesFile) }),
  faultInjection: option({ env: 'FAULT_INJECTION', boolean: true, description: 'fault injection on with no rules, for the runtime API /_projectplane/faults', group: 'faults', parse: isSwitchedOn }),
  faultSeed: option({ env: 'FAULT_SEED', description: 'whole number 0-4294967295 seeding the draws, so a run is reproducible', shown: 'random', group: 'faults', parse: optional(integer(0, 4294967295)) }),
}

export type OptionKey = keyof typeof OPTIONS
/** What an option's parser makes of its text. */
export type OptionValue<K extends OptionKey> = ReturnType<(typeof OPTIONS)[K]['parse']>
