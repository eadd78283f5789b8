/**
 * @module Typed configuration: environment plus command-line flags, validated once at boot and
 * frozen. A bad value stops the process with a message naming the option, never a late surprise.
 */
import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import fs from 'node:fs'
import path from 'node:path'
import { FLAVOUR_NAMES, type FlavourName } from './flavours.js'
import { FaultRuleError, parseFaultRules, type FaultRule, type FaultSettings } from './config/fault-rules.js'

export interface Config {
  /** Which cloud the server imitates: rules, regions, bootstrap and wire details follow it. */
  readonly flavour: FlavourName
  /** Listening address and port (port 0 picks a free one, as the tests do). */
  readonly host: string
  readonly port: number
  /** Base URL written into links and the catalog; derived from the request's Host when unset. */
  readonly publicUrl: string | undefined
  /** PostgreSQL instead of the embedded store, when `DATABASE_URL` is set. */
  readonly database: PostgresConfig | undefined
  /** Folder of the embedded SQLite file. */
  readonly dataDir: string
  /** Throwaway store: nothing survives the process. */
  readonly inMemory: boolean
  /** SQLite durability: `normal` survives a process crash, `full` also a power loss (slower). */
  readonly sqliteSynchronous: 'normal' | 'full'
  /** Token lifetime in seconds (both clouds: 24 h). */
  readonly tokenTtlSeconds: number
  /** Region ids to create at bootstrap; empty means the flavour's defaults. */
  readonly regions: readonly string[]
  /** Bootstrap credentials; generated and printed once when unset. */
  readonly adminAccount: string | undefined
  readonly adminUser: string | undefined
  readonly adminPassword: string | undefined
  /** Password rules for every password set through the API (and the bootstrap's). */
  readonly passwordPolicy: PasswordPolicy
  /** Lock-out: this many failed logins within the window lock the user for the duration; 0 turns it off. */
  readonly lockout: { readonly attempts: number; readonly windowSeconds: number; readonly durationSeconds: number }
  /** Enterprise projects an account may create (the default project `0` does not count). */
  readonly enterpriseProjectQuota: number
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** State document imported at the first start instead of the default bootstrap (`--seed`, `PROJECTPLANE_SEED`). */
  readonly seedFile: string | undefined
  /** Fault injection for client testing; undefined when off, and then nothing of it is registered. */
  readonly faults: FaultSettings | undefined
  /** `auto`: `main.ts` picks pretty on a terminal, JSON otherwise; anything else building the app gets JSON. */
  readonly logFormat: 'auto' | 'json' | 'pretty'
  /** JSON log lines appended to this file instead of stdout. */
  readonly logFile: string | undefined
  /** `GET /metrics` and the recording behind it (request and store latency, process metrics). */
  readonly metrics: boolean
  /** Proxies whose `X-Forwarded-For` is believed, as Fastify's `trustProxy` takes them; none when empty. */
  readonly trustProxy: readonly string[]
  /** The built web console (`npm run build` writes it); `/console` says so when it is missing. */
  readonly consoleDir: string
}

export interface PostgresConfig {
  /** `postgres://user:password@host:port/database?sslmode=…`, as libpq spells it. */
  readonly url: string
  /** Tables live in this schema (created when missing); the user's default search path otherwise. */
  readonly schema: string | undefined
  /** Connections per instance. */
  readonly poolSize: number
  /** Longest wait for a connection or a statement; past it the request gets a 503. */
  readonly timeoutMs: number
}

export interface PasswordPolicy {
  readonly minLength: number
  /** How many of: lower case, upper case, digits, other characters. */
  readonly minCharacterClasses: number
}

export class ConfigError extends Error {}

/** `dist/console` of the package: src/ and dist/ both sit one level below its root. */
export const DEFAULT_CONSOLE_DIR = path.resolve(new URL('../dist/console', import.meta.url).pathname)

/** The clouds' default password policy: 8 characters of at least two kinds; Keystone sets none. */
export function defaultPasswordPolicy(flavour: FlavourName): PasswordPolicy {
  return flavour === 'keystone' ? { minLength: 1, minCharacterClasses: 1 } : { minLength: 8, minCharacterClasses: 2 }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new ConfigError(`${option} must be one of ${allowed.join(', ')}; got '${value}'`)
}

function integer(option: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${option} must be a whole number from ${min} to ${max}; got '${value}'`)
  }
  return Number(value)
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/**
 * `FAULTS` (inline JSON) or a file (`--faults`, `FAULTS_FILE`); `FAULT_INJECTION=1` alone turns
 * on the runtime API with no rules. Undefined when none is given.
 */
function faultSettings(env: NodeJS.ProcessEnv, flagFile: string | undefined, enabled: boolean): FaultSettings | undefined {
  const inline = nonEmpty(env.FAULTS)
  const envFile = nonEmpty(env.FAULTS_FILE)
  // `--faults` wins over the environment as every flag does; two environment sources are a mistake.
  if (flagFile === undefined && inline !== undefined && envFile !== undefined) throw new ConfigError('FAULTS and FAULTS_FILE: give one of them, not both')
  const file = flagFile ?? envFile
  const seedText = nonEmpty(env.FAULT_SEED)
  const seed = seedText === undefined ? undefined : integer('FAULT_SEED', seedText, 0, 4294967295)
  if (inline === undefined && file === undefined && !enabled) return undefined
  let rules: FaultRule[] = []
  const source = file ?? inline
  if (source !== undefined) {
    let text = source
    const where = file === undefined ? '' : `${file}: `
    if (file !== undefined) {
      try {
        text = fs.readFileSync(file, 'utf8')
      } catch (error) {
        throw new ConfigError(`faults file ${file} cannot be read: ${(error as Error).message}`)
      }
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new ConfigError(`${file === undefined ? 'FAULTS' : `faults file ${file}`} is not valid JSON: ${(error as Error).message}`)
    }
    try {
      rules = parseFaultRules(value, 'FAULTS', true)
    } catch (error) {
      if (error instanceof FaultRuleError) throw new ConfigError(`${where}${error.message}`)
      throw error
    }
  }
  return { rules, seed }
}

/**
 * Every option, once: its environment variable, whether it is a switch, a one-line description and
 * the default as help shows it. Each `FOO_BAR` is also the flag `--foo-bar <value>` (a switch:
 * `--foo-bar`), and flags win over the environment. `projectplane serve --help` prints this list,
 * so an option added here is documented there too. Append new options to the section they belong to.
 */
export interface ConfigOption {
  readonly env: string
  /** The flag when it is not the variable's name (`PROJECTPLANE_SEED`: `--seed`). */
  readonly flag?: string
  /** A switch: `--in-memory` on the command line, `1`/`true` in the environment. */
  readonly boolean?: true
  readonly description: string
  /** How help shows the default; omitted when there is none to show. */
  readonly default?: string
}

export const CONFIG_OPTIONS: readonly ConfigOption[] = [
  // ---- server
  { env: 'FLAVOUR', description: 'which cloud to imitate: huaweicloud, opentelekomcloud or keystone', default: 'huaweicloud' },
  { env: 'PORT', description: 'listening port (0: any free port)', default: '5050' },
  { env: 'HOST', description: 'listening address', default: '127.0.0.1' },
  { env: 'PUBLIC_URL', description: 'base URL written into links and the token catalog (behind a proxy)', default: "from the request's Host" },
  { env: 'LOG_LEVEL', description: 'fatal, error, warn, info, debug, trace or silent', default: 'info' },
  { env: 'LOG_FORMAT', description: 'auto (pretty on a terminal, JSON otherwise), json or pretty', default: 'auto' },
  { env: 'LOG_FILE', description: 'append JSON log lines to this file instead of stdout' },
  { env: 'METRICS', description: 'on or off: GET /metrics and the recording behind it', default: 'on' },
  { env: 'TRUST_PROXY', description: 'proxies in front (comma-separated IPs, CIDRs, or loopback/linklocal/uniquelocal) whose X-Forwarded-For names the client in logs and the audit trail', default: 'none' },
  { env: 'CONSOLE_DIR', description: 'folder of the built web console served at /console', default: 'dist/console of the package' },
  // ---- store
  { env: 'DATABASE_URL', description: 'postgres://user:password@host:5432/db: the store on PostgreSQL instead of SQLite' },
  { env: 'DATABASE_SCHEMA', description: "PostgreSQL schema holding projectplane's tables, created when missing", default: "the user's search path" },
  { env: 'DATABASE_POOL_SIZE', description: 'PostgreSQL connections per instance', default: '10' },
  { env: 'DATABASE_TIMEOUT_MS', description: 'longest wait for a connection or a statement (then 503)', default: '5000' },
  { env: 'DATA_DIR', description: 'folder of the embedded SQLite store (one server per folder)', default: './data' },
  { env: 'IN_MEMORY', boolean: true, description: 'throwaway store: nothing survives the process' },
  { env: 'SQLITE_SYNCHRONOUS', description: 'normal (survives a process crash) or full (also a power loss)', default: 'normal' },
  // ---- first start
  { env: 'REGIONS', description: 'comma-separated region ids created at the first start', default: "the flavour's list" },
  { env: 'PROJECTPLANE_ADMIN_ACCOUNT', description: 'account (domain) name of the first start', default: 'projectplane (keystone: Default)' },
  { env: 'PROJECTPLANE_ADMIN_USER', description: "administrator's user name", default: 'admin' },
  { env: 'PROJECTPLANE_ADMIN_PASSWORD', description: "administrator's password; never logged", default: 'generated, printed once' },
  { env: 'PROJECTPLANE_SEED', flag: '--seed', description: 'state document (as projectplane export writes it) imported at the first start instead of the default bootstrap' },
  // ---- identity
  { env: 'TOKEN_TTL', description: 'token lifetime in seconds (60 s to 30 days)', default: '86400' },
  { env: 'PASSWORD_MIN_LENGTH', description: 'shortest password accepted (1-128)', default: '8 (keystone: 1)' },
  { env: 'PASSWORD_MIN_CHAR_CLASSES', description: 'how many of lower case, upper case, digits, other a password needs', default: '2 (keystone: 1)' },
  { env: 'LOGIN_LOCKOUT_ATTEMPTS', description: 'failed logins within the window that lock a user (0: off)', default: '5 (keystone: 0)' },
  { env: 'LOGIN_LOCKOUT_WINDOW', description: 'seconds in which failed logins are counted', default: '900' },
  { env: 'LOGIN_LOCKOUT_DURATION', description: 'seconds a locked user stays locked', default: '900' },
  // ---- enterprise projects
  { env: 'EPS_QUOTA', description: 'enterprise projects an account may create', default: '100' },
  // ---- fault injection
  { env: 'FAULTS', flag: '--faults-json', description: 'fault rules as inline JSON: turns fault injection on' },
  { env: 'FAULTS_FILE', flag: '--faults', description: 'the same rules from a JSON file (not with FAULTS)' },
  { env: 'FAULT_INJECTION', boolean: true, description: 'fault injection on with no rules, for the runtime API /_projectplane/faults' },
  { env: 'FAULT_SEED', description: 'whole number 0-4294967295 seeding the draws, so a run is reproducible', default: 'random' },
]

/** `DATA_DIR` → `--data-dir`. */
export function flagOf(option: ConfigOption): string {
  return option.flag ?? `--${option.env.toLowerCase().replace(/_/g, '-')}`
}

/** The flags of `argv` as the environment variables they stand for (switches as `1`). */
function flagsAsEnv(argv: string[]): Record<string, string> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(CONFIG_OPTIONS.map((o) => [flagOf(o).slice(2), { type: o.boolean ? 'boolean' : 'string' }] as const)),
  })
  const byFlag = new Map(CONFIG_OPTIONS.map((o) => [flagOf(o).slice(2), o.env]))
  return Object.fromEntries(Object.entries(values).map(([flag, value]) => [byFlag.get(flag)!, value === true ? '1' : String(value)]))
}

/** IPs, CIDRs, or proxy-addr's names for whole ranges; anything else is a typo worth stopping for. */
function trustedProxies(value: string): string[] {
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean)
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/')
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry)
    const cidrOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address!) === 6 ? 128 : 32))
    if (!named && (rest.length > 0 || isIP(address!) === 0 || !cidrOk)) {
      throw new ConfigError(`TRUST_PROXY: '${entry}' is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`)
    }
  }
  return entries
}

/** Reads flags first, then the environment, then defaults. */
export function loadConfig(processEnv: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const flagged = flagsAsEnv(argv)
  const env: NodeJS.ProcessEnv = { ...processEnv, ...flagged }
  const publicUrl = nonEmpty(env.PUBLIC_URL)
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(publicUrl)) {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL; got '${publicUrl}'`)
  }
  const regions = (env.REGIONS ?? '').split(',').map((r) => r.trim()).filter(Boolean)
  for (const region of regions) {
    if (!/^[a-z0-9][a-zA-Z0-9-]{0,63}$/.test(region)) {
      throw new ConfigError(`REGIONS: '${region}' is not a region id (letters, digits and '-', no '_')`)
    }
  }
  const databaseUrl = nonEmpty(env.DATABASE_URL)
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL; got '${databaseUrl.replace(/:[^:@/]*@/, ':***@')}'`)
  }
  const schema = nonEmpty(env.DATABASE_SCHEMA)
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(`DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, '_'); got '${schema}'`)
  }
  const flavour = oneOf('FLAVOUR', env.FLAVOUR ?? 'huaweicloud', FLAVOUR_NAMES)
  const cloud = flavour !== 'keystone'
  const passwordDefaults = defaultPasswordPolicy(flavour)
  const seedFile = nonEmpty(env.PROJECTPLANE_SEED)
  const config: Config = {
    flavour,
    host: env.HOST ?? '127.0.0.1',
    port: integer('PORT', env.PORT ?? '5050', 0, 65535),
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    database: databaseUrl === undefined ? undefined : {
      url: databaseUrl,
      schema,
      poolSize: integer('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE ?? '10', 1, 1000),
      timeoutMs: integer('DATABASE_TIMEOUT_MS', env.DATABASE_TIMEOUT_MS ?? '5000', 100, 600_000),
    },
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    inMemory: ['1', 'true'].includes(env.IN_MEMORY ?? ''),
    sqliteSynchronous: oneOf('SQLITE_SYNCHRONOUS', env.SQLITE_SYNCHRONOUS ?? 'normal', ['normal', 'full'] as const),
    tokenTtlSeconds: integer('TOKEN_TTL', env.TOKEN_TTL ?? '86400', 60, 30 * 86400),
    regions,
    adminAccount: nonEmpty(env.PROJECTPLANE_ADMIN_ACCOUNT),
    adminUser: nonEmpty(env.PROJECTPLANE_ADMIN_USER),
    adminPassword: nonEmpty(env.PROJECTPLANE_ADMIN_PASSWORD),
    passwordPolicy: {
      minLength: integer('PASSWORD_MIN_LENGTH', env.PASSWORD_MIN_LENGTH ?? String(passwordDefaults.minLength), 1, 128),
      minCharacterClasses: integer('PASSWORD_MIN_CHAR_CLASSES', env.PASSWORD_MIN_CHAR_CLASSES ?? String(passwordDefaults.minCharacterClasses), 1, 4),
    },
    lockout: {
      attempts: integer('LOGIN_LOCKOUT_ATTEMPTS', env.LOGIN_LOCKOUT_ATTEMPTS ?? (cloud ? '5' : '0'), 0, 1000),
      windowSeconds: integer('LOGIN_LOCKOUT_WINDOW', env.LOGIN_LOCKOUT_WINDOW ?? '900', 1, 86400),
      durationSeconds: integer('LOGIN_LOCKOUT_DURATION', env.LOGIN_LOCKOUT_DURATION ?? '900', 1, 86400),
    },
    enterpriseProjectQuota: integer('EPS_QUOTA', env.EPS_QUOTA ?? '100', 0, 100_000),
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL ?? 'info', LOG_LEVELS),
    seedFile: seedFile === undefined ? undefined : path.resolve(seedFile),
    // A flag for either source of fault rules wins over the other one's variable.
    faults: faultSettings(
      flagged.FAULTS_FILE !== undefined ? { ...env, FAULTS: undefined } : flagged.FAULTS !== undefined ? { ...env, FAULTS_FILE: undefined } : env,
      nonEmpty(flagged.FAULTS_FILE), ['1', 'true'].includes(env.FAULT_INJECTION ?? '')),
    logFormat: oneOf('LOG_FORMAT', env.LOG_FORMAT ?? 'auto', ['auto', 'json', 'pretty'] as const),
    logFile: nonEmpty(env.LOG_FILE) === undefined ? undefined : path.resolve(env.LOG_FILE!),
    metrics: oneOf('METRICS', env.METRICS ?? 'on', ['on', 'off'] as const) === 'on',
    trustProxy: trustedProxies(env.TRUST_PROXY ?? ''),
    consoleDir: nonEmpty(env.CONSOLE_DIR) === undefined ? DEFAULT_CONSOLE_DIR : path.resolve(env.CONSOLE_DIR!),
  }
  return Object.freeze(config)
}
