/**
 * @module `npm start`: configuration from flags and environment, the store opened and migrated,
 * a first account bootstrapped, then listen. SIGTERM/SIGINT stop accepting, let requests in
 * flight finish, close the store and exit 0.
 */
import { ConfigError, loadConfig } from './config.js'
import { SchemaTooNewError } from './db/migrate.js'
import { StoreLockedError } from './db/database.js'
import { isPostgresUnavailable } from './db/postgres-errors.js'
import { openProjectplane } from './server.js'
import { StateDocumentError } from './state/state-document.js'
import { resolveLogFormat } from './http/request-logger.js'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env, process.argv.slice(2))
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`projectplane: ${(error as Error).message}\n`)
      process.exit(2)
    }
    throw error
  }
  // Readable lines for a person at a terminal, JSON for whatever collects the log otherwise.
  config = resolveLogFormat(config, process.stdout.isTTY === true)
  const server = await openProjectplane(config)
  const address = await server.app.listen({ host: config.host, port: config.port })
  const base = config.publicUrl ?? address

  // The one place a generated password is shown; it is never logged.
  const lines = [`projectplane (${config.flavour}) listening on ${address}, store: ${server.db.location}`]
  if (server.bootstrap.created) {
    lines.push(
      `Bootstrapped account '${server.bootstrap.accountName}' (${server.bootstrap.accountId}) with administrator '${server.bootstrap.adminUser}'.`,
      server.bootstrap.generatedPassword
        ? `Generated password (shown once): ${server.bootstrap.generatedPassword}`
        : 'Password: as given in PROJECTPLANE_ADMIN_PASSWORD.',
    )
  }
  if (server.seed?.imported) {
    const s = server.seed.summary!
    lines.push(`Seeded from ${server.seed.file}: ${s.accounts} accounts, ${s.users} users, ${s.projects} projects, ${s.enterprise_projects} enterprise projects, ${s.access_keys} access keys.`)
  } else if (server.seed) {
    lines.push(`Seed ${server.seed.file} skipped: the store already holds accounts (start with --in-memory or a fresh DATA_DIR to begin from the seed).`)
  }
  lines.push(`Identity endpoint: ${base}/v3`, `Web console: ${base}/console`)
  process.stdout.write(`${lines.join('\n')}\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    server.app.log.info({ signal }, 'shutting down')
    await server.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error: unknown) => {
  if (error instanceof StateDocumentError) {
    process.stderr.write(`projectplane: ${error.message}\n`)
    process.exit(2)
  }
  if (error instanceof SchemaTooNewError || error instanceof StoreLockedError) {
    process.stderr.write(`projectplane: ${error.message}\n`)
    process.exit(3)
  }
  if (isPostgresUnavailable(error)) {
    process.stderr.write(`projectplane: cannot reach the database named by DATABASE_URL: ${(error as Error).message}\n`)
    process.exit(1)
  }
  process.stderr.write(`projectplane: failed to start: ${(error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
