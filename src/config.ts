/**
 * @module Typed configuration: environment plus command-line flags, validated once at boot and
 * frozen. A bad value stops the process with a message naming the option, never a late surprise.
 * The options themselves (variable, flag, parser, default, help) are in src/config/options.ts;
 * this module reads them, and derives the `Config` type and the help's view from that table.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_FLAVOUR, FLAVOUR_NAMES, flavourFor, type Flavour } from './flavours.js'
import type { FaultSettings } from './config/fault-rules.js'
import { ConfigError, OPTIONS, type OptionDefinition, type OptionGroup, type OptionKey, type OptionValue, type PerFlavourText } from './config/options.js'

export { ConfigError, DEFAULT_CONSOLE_DIR } from './config/options.js'

export interface PostgresConfig {
  /** `postgres://user:password@host:port/database?sslmode=…`, as libpq spells it. */
  readonly url: string
  /** Tables live in this schema (created when missing); the user's default search path otherwise. */
  readonly schema: string | undefined
  /** Connections per instance. */
  readonly poolSize: number
  /** Longest wait for a connection or a statement; past it the request gets a 503. */
  readonly timeoutMs: number
  /** Named prepared statements (the default); false behind a proxy that cannot follow them. */
  readonly preparedStatements?: boolean
}

export interface PasswordPolicy {
  readonly minLength: number
  /** How many of: lower case, upper case, digits, other characters. */
  readonly minCharacterClasses: number
}

type Read = <K extends OptionKey>(key: K) => OptionValue<K>

/**
 * The options read into one field together. Each reads its parts in the order their checks
 * should run, and only the parts that matter (the pool's size is checked only with a pool).
 */
const GROUPS = {
  /** PostgreSQL instead of the embedded store, when `DATABASE_URL` is set. */
  database(read): PostgresConfig | undefined {
    const url = read('databaseUrl')
    const schema = read('databaseSchema')
    return url === undefined ? undefined : { url, schema, poolSize: read('databasePoolSize'), timeoutMs: read('databaseTimeoutMs'), preparedStatements: read('databasePreparedStatements') === 'on' }
  },
  /** Password rules for every password set through the API (and the bootstrap's). */
  passwordPolicy(read): PasswordPolicy {
    return { minLength: read('passwordMinLength'), minCharacterClasses: read('passwordMinCharClasses') }
  },
  /** This many failed logins within the window lock the user for the duration; 0 turns it off. */
  lockout(read): { readonly attempts: number; readonly windowSeconds: number; readonly durationSeconds: number } {
    return { attempts: read('lockoutAttempts'), windowSeconds: read('lockoutWindowSeconds'), durationSeconds: read('lockoutDurationSeconds') }
  },
  /**
   * Fault injection for client testing; undefined when off, and then nothing of it is registered.
   * Rules inline or from a file; `FAULT_INJECTION=1` alone turns on the runtime API with no rules.
   */
  faults(read, env): FaultSettings | undefined {
    // A flag already hid the other source (loadConfig); two environment sources are a mistake.
    if (env.FAULTS && env.FAULTS_FILE) throw new ConfigError('FAULTS and FAULTS_FILE: give one of them, not both')
    const seed = read('faultSeed')
    const rules = read('faultsFile') ?? read('faultsJson')
    if (rules === undefined && !read('faultInjection')) return undefined
    return { rules: rules ?? [], seed }
  },
} satisfies Record<OptionGroup, (read: Read, env: NodeJS.ProcessEnv) => unknown>

/** The options outside any group. */
type OwnFieldKey = { [K in OptionKey]: [NonNullable<(typeof OPTIONS)[K]['group']>] extends [never] ? K : never }[OptionKey]

/** One field per option outside a group (under the option's key), plus one per group. */
export type Config = { readonly [K in OwnFieldKey]: OptionValue<K> } & { readonly [G in OptionGroup]: ReturnType<(typeof GROUPS)[G]> }

const DEFINITIONS = Object.entries(OPTIONS) as [OptionKey, OptionDefinition][]

/** The option's text for `flavour`: per-flavour texts come from the flavour's data. */
function textFor(text: PerFlavourText, flavour: Flavour): string {
  return typeof text === 'string' ? text : String(text(flavour))
}

/** How help and the docs show the default: one text, or the default flavour's and the others that differ (`5 (keystone: 0)`). */
function shownDefault(option: OptionDefinition): string | undefined {
  const text = option.shown ?? option.default
  if (text === undefined) return undefined
  const main = textFor(text, flavourFor(DEFAULT_FLAVOUR))
  const others = FLAVOUR_NAMES.map((name) => [name, textFor(text, flavourFor(name))] as const).filter(([, t]) => t !== main)
  return others.length === 0 ? main : `${main} (${others.map(([name, t]) => `${name}: ${t}`).join(', ')})`
}

/** An option as help, the store commands' flags and the docs show it. */
export interface ConfigOption {
  readonly env: string
  /** The flag when it is not the variable's name (`PROJECTPLANE_SEED`: `--seed`). */
  readonly flag?: string
  /** A switch: `--in-memory` on the command line, `1`/`true` in the environment. */
  readonly boolean?: true
  readonly description: string
  /** How help shows the default; omitted when there is none to show. */
  readonly default?: string
  /** The store commands take it too. */
  readonly picksStore?: true
}

/**
 * Every option, in the table's order. Each `FOO_BAR` is also the flag `--foo-bar <value>` (a
 * switch: `--foo-bar`), and flags win over the environment. `projectplane serve --help` prints
 * this list, so an option added to the table is documented there too.
 */
export const CONFIG_OPTIONS: readonly ConfigOption[] = DEFINITIONS.map(([, o]) => {
  const shown = shownDefault(o)
  return {
    env: o.env, description: o.description,
    ...(o.flag ? { flag: o.flag } : {}), ...(o.boolean ? { boolean: true } : {}), ...(shown === undefined ? {} : { default: shown }), ...(o.picksStore ? { picksStore: true } : {}),
  }
})

/** `DATA_DIR` → `--data-dir`. */
export function flagOf(option: Pick<ConfigOption, 'env' | 'flag'>): string {
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

/** Reads flags first, then the environment, then defaults. */
export function loadConfig(processEnv: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const flagged = flagsAsEnv(argv)
  const env: NodeJS.ProcessEnv = { ...processEnv, ...flagged }
  // A flag for either source of fault rules wins over the other one's variable (`--faults` over both).
  if (flagged.FAULTS_FILE !== undefined) delete env.FAULTS
  else if (flagged.FAULTS !== undefined) delete env.FAULTS_FILE
  const values = new Map<OptionKey, unknown>()
  const read: Read = (key) => {
    if (!values.has(key)) {
      const option: OptionDefinition = OPTIONS[key]
      const given = env[option.env]
      const unset = given === undefined || (given === '' && option.blankIsUnset === true)
      const fallback = option.default
      // Only a per-flavour default needs the flavour; the flavour's own default is plain text.
      const text = !unset ? given : typeof fallback === 'function' ? String(fallback(flavourFor(read('flavour')))) : fallback
      values.set(key, option.parse(text, option.env))
    }
    return values.get(key) as OptionValue<typeof key>
  }
  const fields = Object.fromEntries(DEFINITIONS.filter(([, o]) => o.group === undefined).map(([key]) => [key, read(key)]))
  const groups = Object.fromEntries(Object.entries(GROUPS).map(([group, build]) => [group, build(read, env)]))
  return Object.freeze({ ...fields, ...groups }) as Config
}
