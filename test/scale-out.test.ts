/**
 * Two server processes on one PostgreSQL, as behind a load balancer: they start together and
 * migrate and bootstrap once; a token from one works on the other; a revocation, a disabled
 * user, a changed grant or a changed policy made on one takes effect on the other within one
 * second, even where the other had the caller cached; names stay unique when both write at once.
 * An agency (issue 15) across the two: its token and temporary keys (the unmodified SDK signing)
 * obtained through one work on the other, and a grant removed or the agency deleted through one
 * ends both on the other within the second; an expiry (a date passing, so nothing is announced)
 * within the caller caches' life.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { call, dropPostgresSchema, newPostgresSchema, postgresEnv, TEST_POSTGRES_URL } from './helpers/server.js'
import { spawnServer, type ServerProcess } from './helpers/server-process.js'
import { readMigrations } from '../src/db/migrate.js'
import { AUTH_CACHE_TTL_MS } from '../src/services/iam/tokens/service.js'
import { basicCredentials, iam, iamClient } from './helpers/huawei-sdk.js'
import { recordSecret } from './helpers/secrets.js'
import { json } from './cli/run-cli.js'

const ACCOUNT = 'scaleout'
const PASSWORD = 'Scale-0ut-Passw0rd!'
/** What the issue allows between a change on one instance and its effect on another. */
const PROPAGATION_LIMIT_MS = 1000

const schema = newPostgresSchema()
const env = { ...postgresEnv(schema), PROJECTPLANE_ADMIN_ACCOUNT: ACCOUNT, PROJECTPLANE_ADMIN_PASSWORD: PASSWORD }
let a: ServerProcess
let b: ServerProcess
let adminToken: string

async function login(url: string, user: string, password = PASSWORD, account = ACCOUNT): Promise<string> {
  const res = await call(`${url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: account } } } }, scope: { domain: { name: account } } } },
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

/**
 * Revocations made through `a` announce themselves through the database and reach `b` at once; an
 * expiry is a date passing (here set in the store, nothing announced), which `b` sees when its
 * cached caller (AUTH_CACHE_TTL_MS) runs out. Every change must show on `b` within the issue's
 * second plus room for scheduling on a busy machine; the announced ones well within the cache's
 * life, or the cache running out, not the announcement, would have done it. Measured (ms, token /
 * keys, 7 runs on 2 cores): grant removed 0–59 / 0–36, expired 651–870 / 681–864, deleted
 * 0–128 / 0. With the announcement disabled (2 runs), grant removed and deleted took 382–956 and
 * this test failed.
 */
const AGENCY_LIMIT_MS = PROPAGATION_LIMIT_MS + 500
const ANNOUNCED_LIMIT_MS = AUTH_CACHE_TTL_MS / 2
const TRUSTED = 'scaleout-trusted'
const TRUSTED_PASSWORD = 'Trusted-Passw0rd!'

describe('an agency across two instances on one PostgreSQL', () => {
  let accountA: string
  let projectId: string
  let policyId: string
  let trustedAdmin: string

  /** Sets the agency's expiry in the store, as time passing would; no instance is told. */
  async function setExpiry(agencyId: string, expireTime: string | null): Promise<void> {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await client.connect()
    try {
      const res = await client.query(`update ${schema}.agencies set expire_time = $1 where id = $2`, [expireTime, agencyId])
      expect(res.rowCount).toBe(1)
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    accountA = await accountId()
    // The trusted account, made as an operator makes one beside running servers (test/cli/postgres.test.ts).
    recordSecret('password', TRUSTED_PASSWORD)
    const made = await json(['bootstrap', '--account', TRUSTED, '--admin-password', TRUSTED_PASSWORD], { env })
    expect(made.account.name).toBe(TRUSTED)
    // Its administrator (admin group) may assume every agency trusting the account.
    trustedAdmin = await login(a.url, 'admin', TRUSTED_PASSWORD, TRUSTED)
    const project = await call(`${a.url}/v3/projects`, { method: 'POST', token: adminToken, body: { project: { name: 'cn-north-4_agency' } } })
    expect(project.status).toBe(201)
    projectId = project.body.project.id
    const policy = await call(`${a.url}/v3.0/OS-ROLE/roles`, {
      method: 'POST', token: adminToken,
      body: { role: { display_name: 'agency-project-editor', type: 'AX', description: 'edits projects', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['iam:projects:updateProject'] }] } } },
    })
    expect(policy.status).toBe(201)
    policyId = policy.body.role.id
  })

  it('a grant removed, an expiry passed or the agency deleted on one ends its token and keys on the other', async () => {
    const created = await call(`${a.url}/v3.0/OS-AGENCY/agencies`, {
      method: 'POST', token: adminToken, body: { agency: { domain_id: accountA, name: 'scaled', trust_domain_name: TRUSTED } },
    })
    expect(created.status, created.text).toBe(201)
    const agencyId: string = created.body.agency.id
    const grant = `${a.url}/v3.0/OS-AGENCY/domains/${accountA}/agencies/${agencyId}/roles/${policyId}`
    expect((await call(grant, { method: 'PUT', token: adminToken })).status).toBe(204)

    // Token and temporary keys of the agency, both obtained through a.
    const assume = (url: string, path: string, target: Record<string, string>) => call(`${url}${path}`, {
      method: 'POST', token: trustedAdmin,
      body: { auth: { identity: { methods: ['assume_role'], assume_role: { agency_name: 'scaled', ...target } } } },
    })
    const assumed = await assume(a.url, '/v3/auth/tokens', { domain_id: accountA })
    expect(assumed.status, assumed.text).toBe(201)
    const token = assumed.headers.get('x-subject-token')!
    const issued = await assume(a.url, '/v3.0/OS-CREDENTIAL/securitytokens', { domain_name: ACCOUNT })
    expect(issued.status, issued.text).toBe(201)
    const keys = issued.body.credential
    const client = iamClient(basicCredentials({ access: keys.access, secret: keys.secret, securityToken: keys.securitytoken }, projectId), b.url)

    // Both used on b only: b caches the agency's caller on the first success.
    const withToken = async () => (await call(`${b.url}/v3/projects/${projectId}`, { method: 'PATCH', token, body: { project: { description: 'by the token' } } })).status
    const withKeys = async () => {
      try {
        await client.keystoneUpdateProject(new iam.KeystoneUpdateProjectRequest()
          .withBody(new iam.KeystoneUpdateProjectRequestBody().withProject(new iam.KeystoneUpdateProjectOption().withDescription('by the keys'))))
        return 200
      } catch (error) {
        return (error as { httpStatusCode?: number }).httpStatusCode ?? 0
      }
    }
    /** Both probes polled at once from the moment the change was acknowledged: ms until each answers `status`. */
    const both = async (status: number) => {
      const [tokenMs, keysMs] = await Promise.all([msUntil(status, withToken), msUntil(status, withKeys)])
      return { tokenMs: Math.round(tokenMs), keysMs: Math.round(keysMs) }
    }
    const measured: Record<string, { tokenMs: number; keysMs: number }> = {}
    expect(await withToken()).toBe(200)
    expect(await withKeys()).toBe(200)

    // The grant removed through a: forbidden on b (the token and keys still authenticate).
    expect((await call(grant, { method: 'DELETE', token: adminToken })).status).toBe(204)
    measured.grantRemoved = await both(403)
    expect(await withToken()).toBe(403)
    expect(await withKeys()).toBe(403)

    // Granted again: both work on b again (and are cached there again).
    expect((await call(grant, { method: 'PUT', token: adminToken })).status).toBe(204)
    await both(200)
    expect(await withToken()).toBe(200)
    expect(await withKeys()).toBe(200)

    // Expired: nothing announces a date passing, so b notices when its cached caller runs out.
    await setExpiry(agencyId, '2020-01-01T00:00:00.000000Z')
    measured.expired = await both(401)
    expect(await withToken()).toBe(401)
    expect(await withKeys()).toBe(401)
    expect((await assume(b.url, '/v3/auth/tokens', { domain_id: accountA })).status).toBe(403)
    await setExpiry(agencyId, null)
    await both(200)

    // Deleted through a: b no longer knows the token's or the keys' agency.
    expect((await call(`${a.url}/v3.0/OS-AGENCY/agencies/${agencyId}`, { method: 'DELETE', token: adminToken })).status).toBe(204)
    measured.deleted = await both(401)
    expect(await withToken()).toBe(401)
    expect(await withKeys()).toBe(401)
    expect((await assume(b.url, '/v3.0/OS-CREDENTIAL/securitytokens', { domain_name: ACCOUNT })).status).toBe(404)

    console.log(`agency propagation a → b (ms): ${JSON.stringify(measured)}`)
    for (const [change, { tokenMs, keysMs }] of Object.entries(measured)) {
      const limit = change === 'expired' ? AGENCY_LIMIT_MS : ANNOUNCED_LIMIT_MS
      expect({ change, tokenMs: tokenMs < limit, keysMs: keysMs < limit }).toEqual({ change, tokenMs: true, keysMs: true })
    }
  })
})
