/**
 * Starts the real server (the same `openProjectplane()` as `npm start`) on port 0 with a
 * throwaway store, and gives tests a URL, the admin's credentials and a token. The store is a
 * temporary SQLite file, or a fresh schema on the machine's PostgreSQL when the test (or
 * `TEST_DATABASE=postgres`) asks for it.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../src/config.js'
import type { FlavourName } from '../../src/flavours.js'
import { openProjectplane, type Projectplane } from '../../src/server.js'
import type { Clock } from '../../src/shared/clock.js'
import pg from 'pg'
import { recordBodySecrets, recordHeaderSecrets, recordSecret, testLogEnv } from './secrets.js'

export const ADMIN_PASSWORD = 'Test-Passw0rd!'

/** The PostgreSQL every session and CI run starts (trust auth). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export type TestDatabase = 'sqlite' | 'postgres'

/**
 * Suites create more users, groups and sub-projects than the clouds' quotas allow one account;
 * servers get room unless a test sets `IAM_QUOTAS` (`''`: the clouds' defaults, as
 * test/iam/quotas*.test.ts do).
 */
export const ROOMY_IAM_QUOTAS = 'user=100000,group=100000,policy=100000,project=100000'

export function defaultTestDatabase(): TestDatabase {
  return process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite'
}

/** A schema name no other test uses; the server creates it on first start. */
export function newPostgresSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`
}

export async function dropPostgresSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await client.connect()
  try {
    await client.query(`drop schema if exists ${schema} cascade`)
  } finally {
    await client.end()
  }
}

/** The environment that puts a server on PostgreSQL in `schema`. */
export function postgresEnv(schema: string): Record<string, string> {
  return { DATABASE_URL: TEST_POSTGRES_URL, DATABASE_SCHEMA: schema }
}

export interface TestServer {
  url: string
  server: Projectplane
  flavour: FlavourName
  account: { id: string; name: string }
  adminUser: string
  adminPassword: string
  dataDir: string
  /** The PostgreSQL schema holding the store, when on PostgreSQL. */
  schema: string | undefined
  /** A fresh domain-scoped (keystone: project-scoped on `admin`) token of the bootstrap admin. */
  adminToken(): Promise<string>
  close(): Promise<void>
}

export interface StartOptions {
  flavour?: FlavourName
  env?: Record<string, string>
  /** Reuse a data folder (restart tests); a new temporary one otherwise. */
  dataDir?: string
  /** Where the store lives; `TEST_DATABASE` decides when unset. */
  database?: TestDatabase
  /**
   * PostgreSQL: join this schema (a second instance, a restart) and leave it in place on close;
   * a new schema, dropped on close, otherwise.
   */
  schema?: string
  /** The account and administrator the tests act as, when a seed (`PROJECTPLANE_SEED`) replaces the bootstrap's. */
  admin?: { account: string; user: string; password: string }
  /** The server's clock, for tests that move time (lock-outs, password ages, idle users). */
  clock?: Clock
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const flavour = options.flavour ?? 'huaweicloud'
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-test-'))
  const onPostgres = options.schema !== undefined || (options.database ?? defaultTestDatabase()) === 'postgres'
  const schema = onPostgres ? options.schema ?? newPostgresSchema() : undefined
  const ownsSchema = onPostgres && options.schema === undefined
  // Every server logs everything to its own file: the run ends by checking no secret is in any.
  const config = loadConfig({
    FLAVOUR: flavour, PORT: '0', DATA_DIR: dataDir, ...testLogEnv('server'), IAM_QUOTAS: ROOMY_IAM_QUOTAS,
    PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...(schema ? postgresEnv(schema) : {}), ...options.env,
  })
  recordSecret('password', config.adminPassword)
  let server: Projectplane
  try {
    server = await openProjectplane(config, options.clock)
  } catch (error) {
    if (ownsSchema) await dropPostgresSchema(schema!)
    throw error
  }
  recordSecret('password', server.bootstrap.generatedPassword)
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 })
  let accounts = server.db.kysely.selectFrom('domains').select(['id', 'name']).orderBy('created_at')
  if (options.admin) accounts = accounts.where('name', '=', options.admin.account)
  const account = await accounts.executeTakeFirstOrThrow()
  const adminUser = options.admin?.user ?? options.env?.PROJECTPLANE_ADMIN_USER ?? 'admin'
  const adminPassword = options.admin?.password ?? options.env?.PROJECTPLANE_ADMIN_PASSWORD ?? ADMIN_PASSWORD
  return {
    url: address,
    server,
    flavour,
    account,
    adminUser,
    adminPassword,
    dataDir,
    schema,
    adminToken: async () => {
      recordSecret('password', adminPassword)
      const scope = flavour === 'keystone' ? { project: { name: 'admin', domain: { id: account.id } } } : { domain: { name: account.name } }
      const res = await fetch(`${address}/v3/auth/tokens?nocatalog=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: adminUser, password: adminPassword, domain: { id: account.id } } } }, scope } }),
      })
      if (res.status !== 201) throw new Error(`admin token: ${res.status} ${await res.text()}`)
      recordHeaderSecrets(res.headers)
      return res.headers.get('x-subject-token')!
    },
    close: async () => {
      await server.close()
      if (ownsSchema) await dropPostgresSchema(schema!)
    },
  }
}

function parseOrUndefined(text: string): unknown {
  try { return JSON.parse(text) } catch { return undefined }
}

/** fetch with JSON in and out; `body` is sent as JSON unless it is a string. */
export async function call(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.token) headers['x-auth-token'] = init.token
  let body: string | undefined
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
    headers['content-type'] ??= 'application/json;charset=utf8'
  }
  recordHeaderSecrets(headers)
  if (init.body !== undefined) recordBodySecrets(typeof init.body === 'string' ? parseOrUndefined(init.body) : init.body)
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body })
  const text = await res.text()
  const parsed = text ? parseOrUndefined(text) : undefined
  recordHeaderSecrets(res.headers)
  recordBodySecrets(parsed)
  return { status: res.status, headers: res.headers, body: parsed, text }
}
