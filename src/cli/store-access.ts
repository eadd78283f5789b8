/**
 * @module How commands reach the store. Every store command takes the options that pick it
 * (`--data-dir`, `--database-url`, …, from the same list as `serve`), and commands that change an
 * account go through the real HTTP API in-process (`app.inject()`) with a token of the account's
 * administrator, so validation, policy and the audit trail apply exactly as over the network.
 * The store's modules are loaded when a command runs, not to parse it: `--help` stays quick.
 */
import { Option, type Command } from 'commander'
import { CONFIG_OPTIONS, flagOf, loadConfig, type Config, type ConfigOption } from '../config.js'
import type { Db } from '../db/database.js'
import type { Projectplane } from '../server.js'
import { packageVersion } from '../shared/package-files.js'
import { CliError, EXIT } from './cli-error.js'
import { note } from './output.js'

export const VERSION: string = packageVersion()
const USER_AGENT = `projectplane-cli/${VERSION}`

/** A commander option for a configuration option: its flag, description, environment variable and default. */
export function configOption(option: ConfigOption): Option {
  const flag = option.boolean ? flagOf(option) : `${flagOf(option)} <value>`
  const source = option.boolean ? `env ${option.env}=1` : `env ${option.env}`
  const shown = option.default === undefined ? '' : `; default: ${option.default}`
  return new Option(flag, `${option.description} (${source}${shown})`)
}

/** The options that choose the store (marked so in the option table); the others matter to `serve` only. */
export function addStoreOptions(command: Command): Command {
  for (const option of CONFIG_OPTIONS.filter((o) => o.picksStore)) command.addOption(configOption(option).helpGroup('Store options (default: SQLite in ./data):'))
  return command
}

/** Store options, `--account` and `--json`: what every command acting on an account takes. */
export function addAccountOptions(command: Command, { json = true } = {}): Command {
  addStoreOptions(command)
  command.option('--account <name>', 'the account (domain) to act on; needed when the store has several')
  if (json) command.option('--json', 'print the API\'s JSON instead of a table')
  return command
}

/**
 * The configuration from the command's flags and the environment, parsed by `loadConfig` as the
 * server's is. Store commands log nothing: the server's request lines would mix with their output.
 */
export function configOf(command: Command, overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, ...overrides }, configArgv(command))
}

/** The configuration flags the command was given, as `loadConfig` (and the server) read them. */
export function configArgv(command: Command): string[] {
  const argv: string[] = []
  for (const option of CONFIG_OPTIONS) {
    const value: unknown = command.getOptionValue(configOption(option).attributeName())
    if (value !== undefined && value !== false) argv.push(flagOf(option), ...(value === true ? [] : [String(value)]))
  }
  return argv
}

export function storeConfigOf(command: Command): Config {
  return configOf(command, { LOG_LEVEL: 'silent' })
}

/** Says, once, what a command's opening of an empty store bootstrapped; the password is shown only here. */
export function reportBootstrap(server: Projectplane, write: (line: string) => void = note): void {
  const b = server.bootstrap
  if (!b.created) return
  write(`Bootstrapped account '${b.accountName}' (${b.accountId}) with administrator '${b.adminUser}'.`)
  write(b.generatedPassword ? `Generated password (shown once): ${b.generatedPassword}` : 'Password: as given in PROJECTPLANE_ADMIN_PASSWORD.')
}

export interface Account { id: string; name: string }

export class ApiError extends CliError {
  constructor(message: string, readonly status: number) {
    super(message, status >= 500 ? EXIT.failure : EXIT.usage)
  }
}

/** Requests to the in-process API as the account's administrator. */
export interface AccountApi {
  account: Account
  config: Config
  /** The parsed JSON answer (undefined for 204); an `ApiError` with the API's own message otherwise. */
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<any>
}

async function pickAccount(server: Projectplane, wanted: string | undefined): Promise<Account> {
  const accounts = await server.db.kysely.selectFrom('domains').select(['id', 'name']).orderBy('created_at').orderBy('name').execute()
  if (wanted !== undefined) {
    const found = accounts.find((a) => a.name === wanted) ?? accounts.find((a) => a.id === wanted)
    if (!found) throw new CliError(`no account '${wanted}'; the store has: ${accounts.map((a) => a.name).join(', ')}`)
    return found
  }
  // Acting on the wrong account is worse than asking.
  if (accounts.length !== 1) throw new CliError(`the store has ${accounts.length} accounts (${accounts.map((a) => a.name).join(', ')}); choose one with --account <name>`)
  return accounts[0]!
}

/** The message of an error body in any of the services' formats. */
function apiMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string }; error_msg?: string; message?: string }
    const message = body.error?.message ?? body.error_msg ?? body.message
    if (message) return message
  } catch { /* not JSON: the text itself */ }
  return text || `the API answered ${status}`
}

/** Opens the store (migrating and bootstrapping it as the server does), runs `work`, closes. */
export async function withAccountApi<T>(command: Command, work: (api: AccountApi) => Promise<T>): Promise<T> {
  const config = storeConfigOf(command)
  const { openProjectplane } = await import('../server.js')
  const server = await openProjectplane(config)
  try {
    reportBootstrap(server)
    const account = await pickAccount(server, command.getOptionValue('account') as string | undefined)
    const { UnauthorizedError } = await import('../errors/app-error.js')
    const token = await server.issueOperatorToken(account.id).catch((error: unknown) => {
      // Nobody left to act as: every administrator disabled or deleted.
      throw error instanceof UnauthorizedError ? new CliError(error.message) : error
    })
    const request: AccountApi['request'] = async (method, url, body) => {
      const res = await server.app.inject({
        method, url,
        headers: { 'x-auth-token': token, 'user-agent': USER_AGENT, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      })
      if (res.statusCode >= 400) throw new ApiError(apiMessage(res.statusCode, res.body), res.statusCode)
      return res.body === '' ? undefined : JSON.parse(res.body)
    }
    return await work({ account, config, request })
  } finally {
    await server.close()
  }
}

/** The store opened and brought to this release's schema, as the server would before using it; closed after `work`. */
export async function withMigratedStore<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../db/database.js')
  const { migrate } = await import('../db/migrate.js')
  const db = await openDatabase(config)
  try {
    await db.exclusive('start-up', () => migrate(db))
    return await work(db)
  } finally {
    await db.close()
  }
}
