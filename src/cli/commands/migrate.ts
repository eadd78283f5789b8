/**
 * @module `projectplane migrate`: brings the configured store's schema up to date and exits, for
 * deployments that migrate as a step of their own before rolling out new instances (the server
 * also migrates at start, under the same lock).
 */
import { Command } from 'commander'
import { print } from '../output.js'
import { addStoreOptions, storeConfigOf } from '../store-access.js'
import { examples } from './examples.js'

export function migrateCommand(): Command {
  const command = addStoreOptions(new Command('migrate').description('apply pending schema migrations to the store (DATABASE_URL, else DATA_DIR) and exit'))
  examples(command, [
    'projectplane migrate',
    'DATABASE_URL=postgres://projectplane@db:5432/projectplane projectplane migrate',
    'projectplane migrate --data-dir /var/lib/projectplane',
  ])
  return command.action(async (_options, self: Command) => {
    const { openDatabase } = await import('../../db/database.js')
    const { migrate } = await import('../../db/migrate.js')
    const db = await openDatabase(storeConfigOf(self))
    try {
      const applied = await db.exclusive('start-up', () => migrate(db))
      print(applied.length === 0
        ? `projectplane: the schema of ${db.location} is up to date.\n`
        : `projectplane: applied ${applied.join(', ')} to ${db.location}.\n`)
    } finally {
      await db.close()
    }
  })
}
