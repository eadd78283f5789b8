/**
 * @module `projectplane export`, `import` and `reset`: the whole state of a store as one JSON
 * document (src/state/), out and in, and back to a freshly bootstrapped store; `backup`: a copy
 * of the SQLite file. They work on the store itself, not through the API: they move every
 * account at once, secrets included. `export` and `backup` only read, so they work beside a
 * running SQLite server too; the others take the store lock and refuse while it runs.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Command } from 'commander'
import { withLineAndColumn } from '../../state/json-position.js'
import { CliError, EXIT } from '../cli-error.js'
import { formatTable, print, printJson } from '../output.js'
import { addStoreOptions, reportBootstrap, storeConfigOf, withMigratedStore } from '../store-access.js'
import { examples } from './examples.js'

function readDocument(file: string): unknown {
  let text: string
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8')
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${withLineAndColumn((error as Error).message, text)}`)
  }
}

export function exportCommand(): Command {
  const command = addStoreOptions(new Command('export')
    .description('write the whole state (every account, user, group, key, project, …) as one JSON document; it holds secrets')
    .option('-o, --output <file>', 'write to this file (created with mode 600) instead of stdout'))
  examples(command, [
    'projectplane export > state.json',
    'projectplane export --output /backup/projectplane-$(date +%F).json',
    'DATABASE_URL=postgres://projectplane@db:5432/projectplane projectplane export | gzip > state.json.gz',
  ])
  return command.action(async (options: { output?: string }, self: Command) => {
    const config = storeConfigOf(self)
    const { exportState } = await import('../../state/export-state.js')
    const { StoreLockedError, openSqliteReader } = await import('../../db/database.js')
    const document = await withMigratedStore(config, (db) => exportState(db, { flavour: config.flavour })).catch(async (error: unknown) => {
      if (!(error instanceof StoreLockedError)) throw error
      // A server has the store: read it beside the server, one read transaction (WAL) for the whole document.
      const db = openSqliteReader(config)
      try {
        return await exportState(db, { flavour: config.flavour })
      } finally {
        await db.close()
      }
    })
    const text = `${JSON.stringify(document, null, 2)}\n`
    if (options.output === undefined) return print(text)
    // Access keys' secrets and password hashes: readable by the owner only.
    fs.writeFileSync(options.output, text, { mode: 0o600 })
    fs.chmodSync(options.output, 0o600)
  })
}

export function backupCommand(): Command {
  const command = addStoreOptions(new Command('backup')
    .description('copy the embedded SQLite store, consistent, even while a server runs on it; `serve --data-dir` starts from the copy')
    .requiredOption('-o, --output <file>', "the copy (created with mode 600; a folder: <folder>/projectplane.sqlite, ready for --data-dir); it must not exist"))
  examples(command, [
    'projectplane backup --output /backup/projectplane-$(date +%F).sqlite',
    'mkdir restored && projectplane backup --output restored && projectplane serve --data-dir restored',
  ])
  return command.action(async (options: { output: string }, self: Command) => {
    const config = storeConfigOf(self)
    if (config.database) throw new CliError('backup copies the embedded SQLite store; for PostgreSQL use pg_dump, or projectplane export')
    if (config.inMemory) throw new CliError('an in-memory store has nothing on disk to back up')
    const target = fs.existsSync(options.output) && fs.statSync(options.output).isDirectory() ? path.join(options.output, 'projectplane.sqlite') : options.output
    if (fs.existsSync(target)) throw new CliError(`${target} already exists; choose a new file`)
    const { openSqliteReader } = await import('../../db/database.js')
    const { sql } = await import('kysely')
    let db
    try {
      db = openSqliteReader(config)
    } catch (error) {
      throw new CliError((error as Error).message)
    }
    try {
      // VACUUM INTO reads the store in one read transaction, so the copy is one committed state,
      // whatever the server writes meanwhile, and it is a whole database with no WAL beside it.
      await sql`vacuum into ${target}`.execute(db.kysely)
    } finally {
      await db.close()
    }
    fs.chmodSync(target, 0o600)
    print(`Backed up ${db.location} to ${target} (${fs.statSync(target).size} bytes).\n`)
  })
}

export function importCommand(): Command {
  const command = addStoreOptions(new Command('import')
    .description('load a state document (as export writes it, or a hand-written seed), checked whole first, written in one transaction')
    .argument('<file>', "the document ('-': stdin)")
    .option('--replace', 'delete the current state first (in the same transaction); without it a store holding accounts is refused')
    .option('--json', 'print the rows written as JSON'))
  examples(command, [
    'projectplane import state.json            # into an empty store',
    'projectplane import state.json --replace  # instead of what the store holds',
    'gunzip -c state.json.gz | projectplane import - --replace',
  ])
  return command.action(async (file: string, options: { replace?: boolean; json?: boolean }, self: Command) => {
    const config = storeConfigOf(self)
    const input = readDocument(file)
    const { importState, StateImportError, StateNotEmptyError } = await import('../../state/import-state.js')
    const { StateDocumentError } = await import('../../state/state-document.js')
    const { written, location } = await withMigratedStore(config, async (db) => {
      try {
        // importState tells servers sharing a PostgreSQL store to drop what they cached.
        const written = await importState(db, input, { flavour: config.flavour, replace: options.replace === true, passwordPolicy: config.passwordPolicy })
        return { written, location: db.location }
      } catch (error) {
        if (error instanceof StateDocumentError) throw new CliError(`${file}: ${error.message}`)
        if (error instanceof StateNotEmptyError) throw new CliError(error.message)
        if (error instanceof StateImportError) throw new CliError(error.message, EXIT.failure)
        throw error
      }
    })
    if (options.json) return printJson(written)
    print(`Imported ${file} into ${location}; the store now holds:\n`)
    print(formatTable(Object.entries(written), [['KIND', ([kind]) => kind.replace(/_/g, ' ')], ['ROWS', ([, rows]) => rows]]))
  })
}

export function resetCommand(): Command {
  const command = addStoreOptions(new Command('reset')
    .description('delete the whole state and bootstrap the store again, as at its first start (PROJECTPLANE_ADMIN_* apply)')
    .option('--yes', 'really: without it nothing is deleted'))
  examples(command, [
    'projectplane reset --yes',
    "PROJECTPLANE_ADMIN_PASSWORD='Secret-123' projectplane reset --yes --data-dir ./data",
  ])
  return command.action(async (options: { yes?: boolean }, self: Command) => {
    if (!options.yes) throw new CliError('reset deletes every account, user and key in the store; add --yes to do it')
    const config = storeConfigOf(self)
    const { resetState } = await import('../../state/reset-state.js')
    // resetState tells servers sharing a PostgreSQL store to drop what they cached.
    const location = await withMigratedStore(config, async (db) => {
      await resetState(db)
      return db.location
    })
    print(`Emptied ${location}.\n`)
    // The first start's bootstrap, exactly as the server runs it.
    const { openProjectplane } = await import('../../server.js')
    const server = await openProjectplane(config)
    try {
      reportBootstrap(server, (line) => print(`${line}\n`))
    } finally {
      await server.close()
    }
  })
}
