#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=2
/**
 * @module The `projectplane` command: `serve` (what `npm start` runs), `migrate`, and commands
 * that manage the store and its accounts. Commands that change accounts act through the real HTTP
 * API in-process, as the account's administrator. Exit codes: see `EXIT` and `--help`.
 */
import { Command, CommanderError, type Option } from 'commander'
import { ConfigError } from '../config.js'
import { CliError, EXIT } from './cli-error.js'
import { auditCommand } from './commands/audit.js'
import { bootstrapCommand } from './commands/bootstrap.js'
import { examples } from './commands/examples.js'
import { groupCommand } from './commands/group.js'
import { keyCommand } from './commands/key.js'
import { migrateCommand } from './commands/migrate.js'
import { serveCommand, serving } from './commands/serve.js'
import { backupCommand, exportCommand, importCommand, resetCommand } from './commands/state.js'
import { userCommand } from './commands/user.js'
import { VERSION } from './store-access.js'

function program(): Command {
  const root = new Command('projectplane')
    .description('A self-hosted IAM, EPS and COC server of Huawei Cloud and Open Telekom Cloud, and the commands that manage its store.')
    .version(VERSION, '-V, --version')
    .addCommand(serveCommand())
    .addCommand(migrateCommand())
    .addCommand(bootstrapCommand())
    .addCommand(userCommand())
    .addCommand(groupCommand())
    .addCommand(keyCommand())
    .addCommand(auditCommand())
    .addCommand(exportCommand())
    .addCommand(backupCommand())
    .addCommand(importCommand())
    .addCommand(resetCommand())
  examples(root, [
    'projectplane serve --port 8080',
    'projectplane user create alice --password-stdin < alice.pw',
    'projectplane key create --user alice',
    'projectplane user list --help',
  ])
  root.addHelpText('after', `
The store is SQLite in DATA_DIR (./data), or PostgreSQL with DATABASE_URL. A SQLite store belongs
to one process: stop the server before running a store command on its DATA_DIR (on PostgreSQL
they run beside servers).

Exit codes:
  0  done
  1  failed at run time (database out of reach, unexpected error)
  2  bad usage or input (unknown command or option, bad value, refused by the API)
  3  the store cannot be used: another server holds it, or a newer release wrote it
`)
  return root
}

/** Every command: errors as one `projectplane: …` line with a pointer to its help, no exit of its own. */
function configure(command: Command): void {
  command
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'projectplane: ')) })
    .showHelpAfterError(`(see 'projectplane ${command.name() === 'projectplane' ? '' : `${fullName(command)} `}--help')`)
  // The command's own options first, the store's (a help group) after them.
  const options = command.options as Option[]
  options.sort((a, b) => Number(a.helpGroupHeading !== undefined) - Number(b.helpGroupHeading !== undefined))
  for (const sub of command.commands) configure(sub)
}

function fullName(command: Command): string {
  const names: string[] = []
  for (let c: Command | null = command; c && c.parent; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

async function exitCodeOf(error: unknown): Promise<number> {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage
  const say = (message: string) => process.stderr.write(`projectplane: ${message}\n`)
  if (error instanceof CliError) {
    say(error.message)
    return error.exitCode
  }
  if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    say((error as Error).message)
    return EXIT.usage
  }
  // Loaded only now: parsing a command and printing help need none of the store's modules.
  const { StoreLockedError } = await import('../db/database.js')
  const { SchemaTooNewError } = await import('../db/migrate.js')
  const { isPostgresUnavailable } = await import('../db/postgres-errors.js')
  if (error instanceof StoreLockedError || error instanceof SchemaTooNewError) {
    say(error.message)
    return EXIT.store
  }
  if (isPostgresUnavailable(error)) {
    say(`cannot reach the database named by DATABASE_URL: ${(error as Error).message}`)
    return EXIT.failure
  }
  say(`unexpected failure: ${(error as Error).stack ?? String(error)}`)
  return EXIT.failure
}

const root = program()
configure(root)
/**
 * Leaves once stdout has taken everything written to it: a pipe's reader may be slower than an
 * export of a few hundred kilobytes, and process.exit would cut the output short.
 */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code))
}

root.parseAsync(process.argv).then(() => {
  // The server keeps running; every other command is done once its action returns.
  if (!serving.started) exitAfterOutput(EXIT.ok)
}, async (error: unknown) => exitAfterOutput(await exitCodeOf(error)))
