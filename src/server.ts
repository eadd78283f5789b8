/**
 * @module Opens the store, migrates it, bootstraps a first account and builds the app: the same
 * sequence for `npm start` and for the tests, so they can never drift apart.
 */
import type { Config } from './config.js'
import { openDatabase, type Db } from './db/database.js'
import { migrate } from './db/migrate.js'
import { flavourFor } from './flavours.js'
import { buildApp, type ProjectplaneApp } from './app.js'
import { SqlIamStores } from './services/iam/iam-stores-sql.js'
import { bootstrapIfEmpty, syncSystemRoles, type BootstrapResult } from './services/iam/bootstrap.js'
import { seedCatalog } from './services/iam/catalog/service.js'
import type { Clock } from './shared/clock.js'
import { readSeedFile } from './state/seed-file.js'
import { importState, type ImportSummary } from './state/import-state.js'

/** While closing, how often connections whose last request has been answered are closed. */
const CLOSE_IDLE_EVERY_MS = 50

/** What became of `--seed`: imported into an empty store, or skipped because the store held accounts. */
export interface SeedOutcome {
  file: string
  imported: boolean
  summary?: ImportSummary
}

export interface Projectplane extends ProjectplaneApp {
  db: Db
  bootstrap: BootstrapResult
  seed: SeedOutcome | undefined
  close(): Promise<void>
}

export async function openProjectplane(config: Config, clock?: Clock): Promise<Projectplane> {
  // A bad seed stops the start before the store is touched (StateDocumentError, every problem named).
  const seedDocument = config.seedFile === undefined ? undefined : readSeedFile(config.seedFile, config)
  const db = await openDatabase(config)
  try {
    const flavour = flavourFor(config.flavour)
    // Instances starting together on one PostgreSQL take turns: the first migrates and
    // bootstraps (or imports the seed), the others find it done.
    const { bootstrap, seed } = await db.exclusive('start-up', async () => {
      await migrate(db)
      const now = (clock ?? Date).now()
      const store = new SqlIamStores({ db })
      await syncSystemRoles(store, flavour, now)
      if (seedDocument) {
        // A seed is the state to start from, not a change to apply: a store holding accounts keeps them.
        if ((await store.projects.listDomains({})).length > 0) return { bootstrap: { created: false }, seed: { file: config.seedFile!, imported: false } }
        const summary = await importState(db, seedDocument, { flavour: config.flavour, now, passwordPolicy: config.passwordPolicy })
        return { bootstrap: { created: false }, seed: { file: config.seedFile!, imported: true, summary } }
      }
      const created = await bootstrapIfEmpty(store, {
        flavour,
        regions: config.regions,
        accountName: config.adminAccount,
        adminUser: config.adminUser,
        adminPassword: config.adminPassword,
        now,
      })
      return { bootstrap: created, seed: undefined }
    })
    // Once the bootstrap or an import made the regions: the catalog's first services and endpoints.
    await seedCatalog(new SqlIamStores({ db }), flavour, (clock ?? Date).now())
    const built = await buildApp({ config, db, clock })
    return {
      ...built,
      db,
      bootstrap,
      seed,
      close: async () => {
        // Node closes the keep-alive connections that are idle when the server stops listening,
        // but not those still answering a request: once answered they stay open until the
        // client leaves or the keep-alive timeout (72 s) ends them, and the close waits that
        // long. Closing them as they fall idle lets it end with the last request in flight.
        const closeIdle = setInterval(() => built.app.server.closeIdleConnections(), CLOSE_IDLE_EVERY_MS)
        try {
          await built.app.close()
        } finally {
          clearInterval(closeIdle)
        }
        await db.close()
      },
    }
  } catch (error) {
    await db.close()
    throw error
  }
}
