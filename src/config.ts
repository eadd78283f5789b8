/**
 * @module Typed configuration: environment plus command-line flags, validated once at boot and
 * frozen. A bad value stops the process with a message naming the option, never a late surprise.
 */
import { parseArgs } from 'node:util'
import path from 'node:path'
import { FLAVOUR_NAMES, type FlavourName } from './flavours.js'

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
  /** `auto`: `main.ts` picks pretty on a terminal, JSON otherwise; anything else building the app gets JSON. */
  readonly logFormat: 'auto' | 'json' | 'pretty'
  /** JSON log lines appended to this file instead of stdout. */
  readonly logFile: string | undefined
  /** `GET /metrics` and the recording behind it (request and store latency, process metrics). */
  readonly metrics: boolean
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

/** Reads flags first, then the environment, then defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const { values: flags } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      flavour: { type: 'string' },
      'public-url': { type: 'string' },
      'database-url': { type: 'string' },
    },
  })
  const publicUrl = nonEmpty(flags['public-url'] ?? env.PUBLIC_URL)
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(publicUrl)) {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL; got '${publicUrl}'`)
  }
  const regions = (env.REGIONS ?? '').split(',').map((r) => r.trim()).filter(Boolean)
  for (const region of regions) {
    if (!/^[a-z0-9][a-zA-Z0-9-]{0,63}$/.test(region)) {
      throw new ConfigError(`REGIONS: '${region}' is not a region id (letters, digits and '-', no '_')`)
    }
  }
  const databaseUrl = nonEmpty(flags['database-url'] ?? env.DATABASE_URL)
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL; got '${databaseUrl.replace(/:[^:@/]*@/, ':***@')}'`)
  }
  const schema = nonEmpty(env.DATABASE_SCHEMA)
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(`DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, '_'); got '${schema}'`)
  }
  const flavour = oneOf('FLAVOUR', flags.flavour ?? env.FLAVOUR ?? 'huaweicloud', FLAVOUR_NAMES)
  // The clouds' default password policy: 8 characters of at least two kinds; Keystone sets none.
  const cloud = flavour !== 'keystone'
  const config: Config = {
    flavour,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    port: integer('PORT', flags.port ?? env.PORT ?? '5050', 0, 65535),
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    database: databaseUrl === undefined ? undefined : {
      url: databaseUrl,
      schema,
      poolSize: integer('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE ?? '10', 1, 1000),
      timeoutMs: integer('DATABASE_TIMEOUT_MS', env.DATABASE_TIMEOUT_MS ?? '5000', 100, 600_000),
    },
    dataDir: path.resolve(flags['data-dir'] ?? env.DATA_DIR ?? 'data'),
    inMemory: flags['in-memory'] ?? ['1', 'true'].includes(env.IN_MEMORY ?? ''),
    sqliteSynchronous: oneOf('SQLITE_SYNCHRONOUS', env.SQLITE_SYNCHRONOUS ?? 'normal', ['normal', 'full'] as const),
    tokenTtlSeconds: integer('TOKEN_TTL', env.TOKEN_TTL ?? '86400', 60, 30 * 86400),
    regions,
    adminAccount: nonEmpty(env.PROJECTPLANE_ADMIN_ACCOUNT),
    adminUser: nonEmpty(env.PROJECTPLANE_ADMIN_USER),
    adminPassword: nonEmpty(env.PROJECTPLANE_ADMIN_PASSWORD),
    passwordPolicy: {
      minLength: integer('PASSWORD_MIN_LENGTH', env.PASSWORD_MIN_LENGTH ?? (cloud ? '8' : '1'), 1, 128),
      minCharacterClasses: integer('PASSWORD_MIN_CHAR_CLASSES', env.PASSWORD_MIN_CHAR_CLASSES ?? (cloud ? '2' : '1'), 1, 4),
    },
    lockout: {
      attempts: integer('LOGIN_LOCKOUT_ATTEMPTS', env.LOGIN_LOCKOUT_ATTEMPTS ?? (cloud ? '5' : '0'), 0, 1000),
      windowSeconds: integer('LOGIN_LOCKOUT_WINDOW', env.LOGIN_LOCKOUT_WINDOW ?? '900', 1, 86400),
      durationSeconds: integer('LOGIN_LOCKOUT_DURATION', env.LOGIN_LOCKOUT_DURATION ?? '900', 1, 86400),
    },
    enterpriseProjectQuota: integer('EPS_QUOTA', env.EPS_QUOTA ?? '100', 0, 100_000),
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL ?? 'info', LOG_LEVELS),
    logFormat: oneOf('LOG_FORMAT', env.LOG_FORMAT ?? 'auto', ['auto', 'json', 'pretty'] as const),
    logFile: nonEmpty(env.LOG_FILE) === undefined ? undefined : path.resolve(env.LOG_FILE!),
    metrics: oneOf('METRICS', env.METRICS ?? 'on', ['on', 'off'] as const) === 'on',
  }
  return Object.freeze(config)
}
