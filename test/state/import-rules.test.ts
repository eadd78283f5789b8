/**
 * importState and resetState on a real store (SQLite or PostgreSQL): refusal when the store
 * holds accounts, replace, all or nothing when the database fails mid-import (a trigger makes
 * it fail on one row), reset keeping schema and token keys.
 */
import fs from 'node:fs'
import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import type { Db } from '../../src/db/database.js'
import { exportState } from '../../src/state/export-state.js'
import { importState, StateImportError, StateNotEmptyError } from '../../src/state/import-state.js'
import { resetState } from '../../src/state/reset-state.js'
import { ADMIN_PASSWORD, call, dropPostgresSchema, startServer, type TestServer } from '../helpers/server.js'

const SEED = JSON.parse(fs.readFileSync(new URL('../../docs/examples/seed.json', import.meta.url), 'utf8'))
const ADMIN = { account: 'acme', user: 'admin', password: 'Admin-Passw0rd!' }

/** Restarts on the same store (the in-process server's caches must not hide what the store holds). */
async function restart(server: TestServer, options: { admin?: typeof ADMIN } = {}): Promise<TestServer> {
  await server.server.close()
  return startServer({ dataDir: server.dataDir, schema: server.schema, ...options })
}

async function finish(server: TestServer): Promise<void> {
  await server.server.close()
  if (server.schema) await dropPostgresSchema(server.schema)
}

/** Makes the database refuse the insert of the resource `boom`, as only the database can. */
async function failOnResource(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') {
    await sql`create trigger fail_import before insert on ep_resources when new.resource_id = 'boom' begin select raise(abort, 'injected failure'); end`.execute(db.kysely)
  } else {
    await sql.raw(`create function fail_import() returns trigger language plpgsql as $$ begin if new.resource_id = 'boom' then raise exception 'injected failure'; end if; return new; end $$`).execute(db.kysely)
    await sql`create trigger fail_import before insert on ep_resources for each row execute function fail_import()`.execute(db.kysely)
  }
}

const count = async (db: Db, table: 'domains' | 'users' | 'regions' | 'projects' | 'token_keys' | 'schema_migrations' | 'roles') =>
  Number((await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

describe('importState', () => {
  test('refuses a store that holds accounts, and changes nothing', async () => {
    const server = await startServer()
    try {
      const before = await exportState(server.server.db, { flavour: 'huaweicloud' })
      const error = await importState(server.server.db, SEED, { flavour: 'huaweicloud' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StateNotEmptyError)
      expect((error as Error).message).toBe('the store already holds accounts; import into an empty store, or replace its state (the CLI: --replace)')
      expect({ ...(await exportState(server.server.db, { flavour: 'huaweicloud' })), exported_at: '' }).toEqual({ ...before, exported_at: '' })
    } finally {
      await finish(server)
    }
  })

  test('with replace, the document is all the store holds afterwards', async () => {
    let server = await startServer()
    try {
      const summary = await importState(server.server.db, SEED, { flavour: 'huaweicloud', replace: true })
      expect(summary).toMatchObject({ accounts: 1, users: 3, regions: 2 })
      server = await restart(server, { admin: ADMIN })
      const token = await server.adminToken()
      const domains = await call(`${server.url}/v3/domains`, { token })
      expect(domains.body.domains.map((d: { name: string }) => d.name)).toEqual(['acme'])
      const regions = await call(`${server.url}/v3/regions`, { token })
      expect(regions.body.regions.map((r: { id: string }) => r.id)).toEqual(['ap-southeast-1', 'cn-north-4'])
      // The account it replaced is gone with its administrator.
      const old = await call(`${server.url}/v3/auth/tokens`, {
        method: 'POST',
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: ADMIN_PASSWORD, domain: { name: 'projectplane' } } } } } },
      })
      expect(old.status).toBe(401)
    } finally {
      await finish(server)
    }
  })

  test('a failure only the database sees leaves the store as it was (replace)', async () => {
    const server = await startServer()
    try {
      const before = await exportState(server.server.db, { flavour: 'huaweicloud' })
      await failOnResource(server.server.db)
      const doc = structuredClone(SEED)
      // After the accounts, users, projects and grants: the last resource of the document.
      doc.accounts[0].resources.push({ type: 'bucket', id: 'boom', region: 'cn-north-4' })
      const error = await importState(server.server.db, doc, { flavour: 'huaweicloud', replace: true }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StateImportError)
      expect((error as Error).message).toMatch(/^the import failed and nothing was written: .*injected failure/)
      expect({ ...(await exportState(server.server.db, { flavour: 'huaweicloud' })), exported_at: '' }).toEqual({ ...before, exported_at: '' })
    } finally {
      await finish(server)
    }
  })

  test('a failure mid-import into an empty store leaves it empty', async () => {
    const server = await startServer()
    try {
      const db = server.server.db
      await resetState(db)
      await failOnResource(db)
      const doc = structuredClone(SEED)
      doc.accounts[0].resources.push({ type: 'bucket', id: 'boom', region: 'cn-north-4' })
      await expect(importState(db, doc, { flavour: 'huaweicloud' })).rejects.toBeInstanceOf(StateImportError)
      expect([await count(db, 'domains'), await count(db, 'users'), await count(db, 'projects'), await count(db, 'regions')]).toEqual([0, 0, 0, 0])
    } finally {
      await finish(server)
    }
  })
})

describe('resetState', () => {
  test('deletes every state row, keeps schema, token keys and system roles; a restart bootstraps again', async () => {
    let server = await startServer()
    try {
      const db = server.server.db
      const kept = [await count(db, 'schema_migrations'), await count(db, 'token_keys'), await count(db, 'roles')]
      await resetState(db)
      expect([await count(db, 'schema_migrations'), await count(db, 'token_keys'), await count(db, 'roles')]).toEqual(kept)
      const empty = await exportState(db, { flavour: 'huaweicloud' })
      expect({ ...empty, exported_at: '' }).toEqual({ format: 'projectplane-state', version: 1, flavour: 'huaweicloud', exported_at: '', regions: [], accounts: [] })
      server = await restart(server)
      expect(server.server.bootstrap).toMatchObject({ created: true, accountName: 'projectplane' })
      expect((await call(`${server.url}/v3/regions`, { token: await server.adminToken() })).status).toBe(200)
    } finally {
      await finish(server)
    }
  })
})
