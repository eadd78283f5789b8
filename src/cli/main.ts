#!/usr/bin/env node
/**
 * @module The `projectplane` command. `serve` is `npm start`; `migrate` brings the configured
 * store's schema up to date and exits, for deployments that migrate as a step of their own
 * before rolling out new instances (the server also migrates at start, under the same lock).
 */
import { ConfigError, loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrate, SchemaTooNewError } from '../db/migrate.js'

const USAGE = `Usage: projectplane <command> [options]

Commands:
  serve     Run the server (the same as npm start; options as documented in the README)
  migrate   Apply pending schema migrations to the store named by DATABASE_URL (or DATA_DIR) and exit
`

async function runMigrate(argv: string[]): Promise<number> {
  const config = loadConfig(process.env, argv)
  const db = await openDatabase(config)
  try {
    const applied = await db.exclusive('start-up', () => migrate(db))
    process.stdout.write(applied.length === 0
      ? `projectplane: the schema of ${db.location} is up to date.\n`
      : `projectplane: applied ${applied.join(', ')} to ${db.location}.\n`)
    return 0
  } finally {
    await db.close()
  }
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2)
  switch (command) {
    case 'migrate':
      return runMigrate(rest)
    case 'serve':
      // The server reads its options from process.argv, as under `npm start`.
      process.argv.splice(2, 1)
      await import('../main.js')
      return -1
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE)
      return command === undefined ? 2 : 0
    default:
      process.stderr.write(`projectplane: unknown command '${command}'\n${USAGE}`)
      return 2
  }
}

main().then((code) => {
  if (code >= 0) process.exit(code)
}, (error: unknown) => {
  if (error instanceof ConfigError || error instanceof SchemaTooNewError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`projectplane: ${(error as Error).message}\n`)
    process.exit(error instanceof SchemaTooNewError ? 3 : 2)
  }
  process.stderr.write(`projectplane: ${(error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
