/**
 * Two server processes on one PostgreSQL, as behind a load balancer: they start together and
 * migrate and bootstrap once; a token from one works on the other; a revocation, a disabled
 * user, a changed grant or a changed policy made on one takes effect on the other within one
 * second, even where the other had the caller cached; names stay unique when both write at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { call, dropPostgresSchema, newPostgresSchema, postgresEnv, TEST_POSTGRES_URL } from './helpers/server.js'
import { spawnServer, type ServerProcess } from './helpers/server-process.js'
import { readMigrations } from '../src/db/migrate.js'

const ACCOUNT = 'scaleout'
const PASSWORD = 'Scale-0ut-Passw0rd!'
/** What the issue allows between a change on one instance and its effect on another. */
const PROPAGATION_LIMIT_MS = 1000

const schema = newPostgresSchema()
let a: ServerProcess
let b: ServerProcess
let adminToken: string

async function login(url: string, user: string, password = PASSWORD): Promise<string> {
  const res = await call(`${url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: ACCOUNT } } } }, scope: { domain: { name: ACCOUNT } } } },
  })
  if (res.status !== 201) throw new Error(`login ${user}: ${res.status} ${res.text}`)
  return res.headers.get('x-subject-token')!
}

/**
 * Polls `probe` on the other instance until it answers `status`; returns how long that took
 * after the change was acknowledged.
 */
async function msUntil(status: number, probe: () => Promise<number>): Promise<number> {
  const started = performance.now()
  for (;;) {
    const elapsed = performance.now() - started
    if ((await probe()) === status) return elapsed
    if (elapsed > 5 * PROPAGATION_LIMIT_MS) return elapsed
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function newUserInGroup(name: string): Promise<{ userId: string; groupId: string; token: string }> {
  const user = await call(`${a.url}/v3/users`, { method: 'POST', token: adminToken, body: { user: { name, password: PASSWORD } } })
  expect(user.status).toBe(201)
  const group = await call(`${a.url}/v3/groups`, { method: 'POST', token: adminToken, body: { group: { name: `${name}-group` } } })
  expect(group.status).toBe(201)
  expect((await call(`${a.url}/v3/groups/${group.body.group.id}/users/${user.body.user.id}`, { method: 'PUT', token: adminToken })).status).toBe(204)
  return { userId: user.body.user.id, groupId: group.body.group.id, token: await login(b.url, name) }
}

async function roleId(name: string): Promise<string> {
  const res = await call(`${a.url}/v3/roles?name=${name}`, { token: adminToken })
  return res.body.roles[0].id
}

async function accountId(): Promise<string> {
  const res = await call(`${a.url}/v3/auth/domains`, { token: adminToken })
  return res.body.domains[0].id
}

beforeAll(async () => {
  // Started at the same moment on an empty schema: both race to migrate and bootstrap.
  const env = { ...postgresEnv(schema), PROJECTPLANE_ADMIN_ACCOUNT: ACCOUNT, PROJECTPLANE_ADMIN_PASSWORD: PASSWORD }
  ;[a, b] = await Promise.all([spawnServer(env), spawnServer(env)])
  adminToken = await login(a.url, 'admin')
}, 60_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await dropPostgresSchema(schema)
})

describe('two instances on one PostgreSQL', () => {
  it('migrate and bootstrap once when started together', async () => {
    const banners = [a.output(), b.output()].filter((out) => out.includes(`Bootstrapped account '${ACCOUNT}'`))
    expect(banners).toHaveLength(1)
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await client.connect()
    try {
      const domains = await client.query(`select name from ${schema}.domains`)
      expect(domains.rows).toEqual([{ name: ACCOUNT }])
      const migrations = await client.query(`select version from ${schema}.schema_migrations order by version`)
      expect(migrations.rows.map((r) => r.version)).toEqual(readMigrations('postgres').map((m) => m.version))
    } finally {
      await client.end()
    }
  })

  it('accept on one instance a token issued by the other', async () => {
    const token = await login(a.url, 'admin')
    const res = await call(`${b.url}/v3/auth/tokens`, { token, headers: { 'x-subject-token': token } })
    expect(res.status).toBe(200)
    expect(res.body.token.user.name).toBe('admin')
    expect((await call(`${b.url}/v3/projects`, { token })).status).toBe(200)
  })

  it('refuse a token revoked on the other instance within one second', async () => {
    const token = await login(a.url, 'admin')
    // Cached on b first, so what is proven is invalidation, not the absence of a cache.
    expect((await call(`${b.url}/v3/projects`, { token })).status).toBe(200)
    expect((await call(`${a.url}/v3/auth/tokens`, { method: 'DELETE', token: adminToken, headers: { 'x-subject-token': token } })).status).toBe(204)
    const ms = await msUntil(401, async () => (await call(`${b.url}/v3/projects`, { token })).status)
    expect(ms).toBeLessThan(PROPAGATION_LIMIT_MS)
  })

  it('refuse a user disabled on the other instance within one second', async () => {
    const { userId, token } = await newUserInGroup('disabled-elsewhere')
    expect((await call(`${b.url}/v3/auth/tokens`, { token, headers: { 'x-subject-token': token } })).status).toBe(200)
    expect((await call(`${a.url}/v3/users/${userId}`, { method: 'PATCH', token: adminToken, body: { user: { enabled: false } } })).status).toBe(200)
    const ms = await msUntil(401, async () => (await call(`${b.url}/v3/auth/tokens`, { token, headers: { 'x-subject-token': token } })).status)
    expect(ms).toBeLessThan(PROPAGATION_LIMIT_MS)
  })

  it('apply a grant and its removal made on the other instance within one second', async () => {
    const { groupId, token } = await newUserInGroup('granted-elsewhere')
    const domainId = await accountId()
    const projects = await call(`${a.url}/v3/projects?name=cn-north-4`, { token: adminToken })
    const probe = async () => (await call(`${b.url}/v3-ext/projects/${projects.body.projects[0].id}`, { token })).status
    expect(await probe()).toBe(403)
    const grant = `${a.url}/v3/domains/${domainId}/groups/${groupId}/roles/${await roleId('secu_admin')}`
    expect((await call(grant, { method: 'PUT', token: adminToken })).status).toBe(204)
    expect(await msUntil(200, probe)).toBeLessThan(PROPAGATION_LIMIT_MS)
    expect((await call(grant, { method: 'DELETE', token: adminToken })).status).toBe(204)
    expect(await msUntil(403, probe)).toBeLessThan(PROPAGATION_LIMIT_MS)
  })

  it('apply a custom policy changed on the other instance within one second', async () => {
    const { groupId, token } = await newUserInGroup('policy-elsewhere')
    const domainId = await accountId()
    const allow = (action: string) => ({ Version: '1.1', Statement: [{ Effect: 'Allow', Action: [action] }] })
    const created = await call(`${a.url}/v3.0/OS-ROLE/roles`, {
      method: 'POST', token: adminToken,
      body: { role: { display_name: 'ProjectReader', type: 'AX', description: 'reads projects', policy: allow('iam:projects:get') } },
    })
    expect(created.status).toBe(201)
    expect((await call(`${a.url}/v3/domains/${domainId}/groups/${groupId}/roles/${created.body.role.id}`, { method: 'PUT', token: adminToken })).status).toBe(204)
    const projects = await call(`${a.url}/v3/projects?name=cn-north-4`, { token: adminToken })
    const probe = async () => (await call(`${b.url}/v3-ext/projects/${projects.body.projects[0].id}`, { token })).status
    expect(await msUntil(200, probe)).toBeLessThan(PROPAGATION_LIMIT_MS)
    const changed = await call(`${a.url}/v3.0/OS-ROLE/roles/${created.body.role.id}`, {
      method: 'PATCH', token: adminToken,
      body: { role: { display_name: 'ProjectReader', type: 'AX', description: 'lists projects', policy: allow('iam:projects:list') } },
    })
    expect(changed.status).toBe(200)
    expect(await msUntil(403, probe)).toBeLessThan(PROPAGATION_LIMIT_MS)
  })

  it('keep names unique when both instances create the same name at once', async () => {
    const token = await login(a.url, 'admin')
    const attempts = (path: string, body: unknown) =>
      Promise.all(Array.from({ length: 20 }, (_, i) => call(`${(i % 2 === 0 ? a : b).url}${path}`, { method: 'POST', token, body })))
    const count = (results: { status: number }[]) => results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {})

    expect(count(await attempts('/v3/projects', { project: { name: 'cn-north-4_raced' } }))).toEqual({ 201: 1, 409: 19 })
    expect(count(await attempts('/v3/users', { user: { name: 'raced-user', password: PASSWORD } }))).toEqual({ 201: 1, 409: 19 })
    expect(count(await attempts('/v1.0/enterprise-projects', { name: 'raced-ep' }))).toEqual({ 201: 1, 409: 19 })
    const listed = await call(`${b.url}/v3/projects?name=cn-north-4_raced`, { token })
    expect(listed.body.projects).toHaveLength(1)
  })
})
