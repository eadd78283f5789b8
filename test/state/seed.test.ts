/**
 * `PROJECTPLANE_SEED` at start, with docs/state.md's example file verbatim, and the round trip
 * seed → export → import into a fresh store → export. Through HTTP: seeded passwords give
 * tokens, the seeded access key signs requests, and favourites, resources and grants answer as
 * seeded. On SQLite and on PostgreSQL (the vitest project decides).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { exportState } from '../../src/state/export-state.js'
import { importState } from '../../src/state/import-state.js'
import type { StateDocument } from '../../src/state/state-document.js'
import { call, defaultTestDatabase, dropPostgresSchema, newPostgresSchema, postgresEnv, startServer, type TestServer } from '../helpers/server.js'
import { signRequest } from '../helpers/huawei-sdk.js'

const SEED_FILE = fileURLToPathCompat(new URL('../../docs/examples/seed.json', import.meta.url))
const SEED = JSON.parse(fs.readFileSync(SEED_FILE, 'utf8'))
const ADMIN = { account: 'acme', user: 'admin', password: 'Admin-Passw0rd!' }
const DEV_EP = '5d7f1c2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f'
const DEV_PROJECT = 'd0e1f2a3b4c5d6e7f8091a2b3c4d5e6f'
const ALICE = 'a11ce000000000000000000000000001'
const CI_KEY = { access: 'CIBOTACCESSKEY000001', secret: 'ci-bot-secret-key-0000000000000000000001' }

function fileURLToPathCompat(url: URL): string {
  return decodeURIComponent(url.pathname)
}

async function login(url: string, name: string, password: string): Promise<{ status: number; token: string | null }> {
  const res = await call(`${url}/v3/auth/tokens?nocatalog=1`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name, password, domain: { name: 'acme' } } } }, scope: { domain: { name: 'acme' } } } },
  })
  return { status: res.status, token: res.headers.get('x-subject-token') }
}

/** EPS and COC write times to the second, as the clouds do. */
const seconds = (iso: string) => `${iso.slice(0, 19)}Z`

/** A store no server has touched: migrated, nothing else. */
async function freshStore(): Promise<{ db: Db; dataDir: string; schema: string | undefined }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-state-'))
  const schema = defaultTestDatabase() === 'postgres' ? newPostgresSchema() : undefined
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, ...(schema ? postgresEnv(schema) : {}) }))
  await migrate(db)
  return { db, dataDir, schema }
}

describe('a seed at start', () => {
  let server: TestServer
  let exported: StateDocument
  beforeAll(async () => {
    server = await startServer({ env: { PROJECTPLANE_SEED: SEED_FILE }, admin: ADMIN })
    exported = await exportState(server.server.db, { flavour: 'huaweicloud' })
  })
  afterAll(() => server?.close())

  test('replaces the bootstrap: only the seed\'s account exists, and the import is reported', async () => {
    expect(server.server.bootstrap).toEqual({ created: false })
    expect(server.server.seed).toEqual({
      file: SEED_FILE, imported: true,
      summary: {
        regions: 2, accounts: 1, users: 3, groups: 2, memberships: 2, custom_policies: 1, projects: 3, enterprise_projects: 2,
        resources: 3, agencies: 0, grants: 9, access_keys: 1, favourites: 1,
      },
    })
    const res = await call(`${server.url}/v3/domains`, { token: await server.adminToken() })
    expect(res.status).toBe(200)
    expect(res.body.domains.map((d: { id: string; name: string }) => [d.id, d.name])).toEqual([['0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'acme']])
  })

  test('seeded passwords give tokens; a wrong one does not', async () => {
    expect((await login(server.url, 'alice', 'Alice-Passw0rd!')).status).toBe(201)
    expect((await login(server.url, 'admin', 'Admin-Passw0rd!')).status).toBe(201)
    expect((await login(server.url, 'alice', 'Admin-Passw0rd!')).status).toBe(401)
    // ci-bot has no password: it signs with its access key.
    expect((await login(server.url, 'ci-bot', 'Any-Passw0rd!')).status).toBe(401)
  })

  test('the seeded access key signs requests', async () => {
    const signed = signRequest({ endpoint: server.url, method: 'GET', path: `/v1.0/enterprise-projects/${DEV_EP}`, key: CI_KEY, domainId: server.account.id })
    const res = await fetch(signed.url, signed.init)
    const ep = exported.accounts[0]!.enterprise_projects!.find((e) => e.id === DEV_EP)!
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      enterprise_project: {
        id: DEV_EP, name: 'dev-team', description: 'Development team', status: 1, type: 'prod',
        created_at: seconds(ep.created_at!), updated_at: seconds(ep.updated_at!), delete_flag: false,
      },
    })
    const wrong = signRequest({ endpoint: server.url, method: 'GET', path: `/v1.0/enterprise-projects/${DEV_EP}`, key: { ...CI_KEY, secret: 'x'.repeat(40) }, domainId: server.account.id })
    expect((await fetch(wrong.url, wrong.init)).status).toBe(401)
  })

  test('favourites as seeded: names resolved to ids, in the seed\'s order', async () => {
    const { token } = await login(server.url, 'alice', 'Alice-Passw0rd!')
    const res = await call(`${server.url}/v1/enterprise-project-collect?limit=100`, { token: token! })
    const id = exported.accounts[0]!.users!.find((u) => u.name === 'alice')!.favourites!.id
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: [{ id, user_id: ALICE, ep_id_list: [DEV_EP, '0'] }] })
    expect(id).toMatch(/^[0-9a-f]{24}$/)
  })

  test('resources as seeded', async () => {
    const res = await call(`${server.url}/_projectplane/resources`, { token: await server.adminToken() })
    const created = seconds(exported.accounts[0]!.created_at!)
    const common = { resource_detail: null, created_at: created }
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      resources: [
        { enterprise_project_id: '0', project_id: '', project_name: '', resource_type: 'bucket', resource_id: 'acme-artifacts', resource_name: '', region_id: 'cn-north-4', attached_to: null, ...common },
        { enterprise_project_id: DEV_EP, project_id: DEV_PROJECT, project_name: 'cn-north-4_dev', resource_type: 'disk', resource_id: 'disk-001', resource_name: 'build-cache', region_id: 'cn-north-4', attached_to: 'vm-001', ...common },
        { enterprise_project_id: DEV_EP, project_id: DEV_PROJECT, project_name: 'cn-north-4_dev', resource_type: 'ecs', resource_id: 'vm-001', resource_name: 'build-agent', region_id: 'cn-north-4', attached_to: null, ...common },
      ],
    })
  })

  test('grants as seeded, the bootstrap\'s admin grants included', async () => {
    const res = await call(`${server.url}/v3/role_assignments?include_names=true`, { token: await server.adminToken() })
    expect(res.status).toBe(200)
    const rows = (res.body.role_assignments as any[]).map((a) => [
      a.user ? `user:${a.user.name}` : `group:${a.group.name}`,
      a.role.name,
      a.scope.project ? `project:${a.scope.project.name}` : a.scope.domain ? `domain:${a.scope.domain.name}` : JSON.stringify(a.scope),
      a.scope['OS-INHERIT:inherited_to'] ?? '',
    ].join(' ')).sort()
    const custom = exported.accounts[0]!.custom_policies![0]!.name!
    expect(rows).toEqual([
      'group:admin secu_admin domain:acme ',
      'group:admin secu_admin domain:acme projects',
      'group:admin te_admin domain:acme ',
      'group:admin te_admin domain:acme projects',
      'group:developers coc_full_access domain:acme ',
      `group:developers ${custom} domain:acme `,
      'group:developers te_admin project:cn-north-4_dev ',
      'user:ci-bot te_admin domain:acme ',
    ].sort())
    const ep = await call(`${server.url}/v3.0/OS-PERMISSION/enterprise-projects/${DEV_EP}/users/${ALICE}/roles`, { token: await server.adminToken() })
    expect(ep.status).toBe(200)
    expect(ep.body.roles.map((r: { name: string }) => r.name)).toEqual(['eps_full_access'])
  })

  test('the export holds hashes, never the plain passwords, and the secret key to restore', () => {
    const text = JSON.stringify(exported)
    expect(text).not.toContain('Alice-Passw0rd!')
    expect(text).not.toContain('Admin-Passw0rd!')
    const users = exported.accounts[0]!.users!
    expect(users.map((u) => [u.name, u.password_hash?.startsWith('$argon2id$') ?? false])).toEqual([['admin', true], ['alice', true], ['ci-bot', false]])
    expect(users[2]!.access_keys).toEqual([{ ...CI_KEY, status: 'active', description: 'pipeline', created_at: exported.accounts[0]!.created_at, last_used_at: null }])
  })

  test('round trip: export, import into a fresh store, export again: equal but for exported_at', async () => {
    const fresh = await freshStore()
    let restored: TestServer | undefined
    try {
      const first = await exportState(server.server.db, { flavour: 'huaweicloud' })
      // The document goes through JSON, as it does through a file.
      await importState(fresh.db, JSON.parse(JSON.stringify(first)), { flavour: 'huaweicloud' })
      await fresh.db.close()
      restored = await startServer({ dataDir: fresh.dataDir, schema: fresh.schema, admin: ADMIN })
      const second = await exportState(restored.server.db, { flavour: 'huaweicloud' })
      expect({ ...second, exported_at: undefined }).toEqual({ ...first, exported_at: undefined })
      expect(JSON.stringify({ ...second, exported_at: '' })).toBe(JSON.stringify({ ...first, exported_at: '' }))
      // Restored hashes and secrets work on the new store.
      expect((await login(restored.url, 'alice', 'Alice-Passw0rd!')).status).toBe(201)
      const signed = signRequest({ endpoint: restored.url, method: 'GET', path: `/v3/projects/${DEV_PROJECT}`, key: CI_KEY, domainId: restored.account.id })
      const res = await fetch(signed.url, signed.init)
      expect(res.status).toBe(200)
      expect((await res.json()).project.name).toBe('cn-north-4_dev')
    } finally {
      if (restored) await restored.close()
      else await fresh.db.close().catch(() => {})
      if (fresh.schema) await dropPostgresSchema(fresh.schema)
    }
  })
})

describe('a seed on a store that holds accounts', () => {
  test('is skipped: the store keeps what it has', async () => {
    const first = await startServer()
    const { dataDir, schema } = first
    await first.server.close()
    const again = await startServer({ dataDir, schema, env: { PROJECTPLANE_SEED: SEED_FILE } })
    try {
      expect(again.server.seed).toEqual({ file: SEED_FILE, imported: false })
      expect(again.server.bootstrap).toEqual({ created: false })
      const res = await call(`${again.url}/v3/domains`, { token: await again.adminToken() })
      expect(res.body.domains.map((d: { name: string }) => d.name)).toEqual(['projectplane'])
    } finally {
      await again.close()
      if (schema) await dropPostgresSchema(schema)
    }
  })
})
