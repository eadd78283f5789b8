/**
 * @module projectplane's own operational routes: `/healthz` (the process answers), `/readyz`
 * (the store answers and its schema is the one this code expects) and `/metrics` (Prometheus).
 * They are public like a load balancer's probes: the server binds 127.0.0.1 unless told
 * otherwise, and none of them says anything about an account (see docs/decisions.md).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Db } from '../db/database.js'
import { METRICS_CONTENT_TYPE, type Metrics } from './metrics.js'

export interface HealthRouteDeps {
  db: Db
  /** Migration versions this code knows (migrate.ts), oldest first. */
  knownMigrations: readonly string[]
  /** Longest wait for the store before `/readyz` answers 503. */
  timeoutMs: number
  /** Absent when `METRICS=off`: no `/metrics` route then. */
  metrics: Metrics | undefined
}

export interface Readiness {
  status: 'ready' | 'not ready'
  database: 'reachable' | 'unreachable' | 'failing'
  migrations?: 'current' | 'pending' | 'newer'
  /** Versions the code has and the store lacks: run `projectplane migrate`. */
  pending?: string[]
  /** Versions the store has and this code does not know: a newer release wrote it. */
  unknown?: string[]
  message: string
}

class TimedOut extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimedOut()), ms) })
  // The query goes on after a timeout; its late failure must not become an unhandled rejection.
  work.catch(() => {})
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** A store never migrated has no `schema_migrations` table: every known version is pending. */
const NO_MIGRATIONS_TABLE = /no such table: schema_migrations|relation "schema_migrations" does not exist/

export async function checkReadiness({ db, knownMigrations, timeoutMs }: Omit<HealthRouteDeps, 'metrics'>): Promise<Readiness> {
  let applied: Set<string>
  try {
    const rows = await within(db.kysely.selectFrom('schema_migrations').select('version').execute(), timeoutMs)
    applied = new Set(rows.map((r) => r.version))
  } catch (error) {
    if (error instanceof TimedOut) {
      return { status: 'not ready', database: 'unreachable', message: `The database did not answer within ${timeoutMs} ms.` }
    }
    if (db.isUnavailable(error)) {
      return { status: 'not ready', database: 'unreachable', message: `The database cannot be reached: ${(error as Error).message}` }
    }
    if (!NO_MIGRATIONS_TABLE.test((error as Error).message)) {
      return { status: 'not ready', database: 'failing', message: `The database answered with an error: ${(error as Error).message}` }
    }
    applied = new Set()
  }
  const known = new Set(knownMigrations)
  const unknown = [...applied].filter((v) => !known.has(v)).sort()
  if (unknown.length > 0) {
    return {
      status: 'not ready', database: 'reachable', migrations: 'newer', unknown,
      message: `The store has migrations this version does not know (${unknown.join(', ')}): a newer release wrote it.`,
    }
  }
  const pending = knownMigrations.filter((v) => !applied.has(v))
  if (pending.length > 0) {
    return {
      status: 'not ready', database: 'reachable', migrations: 'pending', pending,
      message: `Migrations not applied yet: ${pending.join(', ')}. Run 'projectplane migrate'.`,
    }
  }
  return { status: 'ready', database: 'reachable', migrations: 'current', message: `Schema at ${knownMigrations.at(-1) ?? 'no migration'}.` }
}

export function healthRoutes(deps: HealthRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { config: { action: 'projectplane:check_health' } }, async () => ({ status: 'ok' }))
    app.get('/readyz', { config: { action: 'projectplane:check_readiness' } }, async (_request, reply) => {
      const readiness = await checkReadiness(deps)
      return reply.status(readiness.status === 'ready' ? 200 : 503).send(readiness)
    })
    const metrics = deps.metrics
    if (metrics) {
      app.get('/metrics', { config: { action: 'projectplane:get_metrics' } }, async (_request, reply) =>
        reply.type(METRICS_CONTENT_TYPE).send(await metrics.render()))
    }
  }
}
