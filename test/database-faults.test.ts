/**
 * PostgreSQL going away under a running server: refused connections, a network that swallows
 * packets, and every connection terminated as a restart does. Each time requests get a prompt
 * 503 in their service's own format (never a hang past DATABASE_TIMEOUT_MS, never a crash, never
 * a half-made write), and the server recovers by itself when the database answers again.
 *
 * The database sits behind a TCP proxy this test controls, so only this server's connections are
 * cut: restarting the shared PostgreSQL would break every other suite running meanwhile.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { call, newPostgresSchema, startServer, TEST_POSTGRES_URL, type TestServer } from './helpers/server.js'
import { spawnServer } from './helpers/server-process.js'
import { FaultyProxy } from './helpers/faulty-proxy.js'

const TIMEOUT_MS = 1000
/** A 503 must come within the configured timeout plus scheduling slack on a busy 2-core machine. */
const ANSWER_WITHIN_MS = TIMEOUT_MS + 1500

const target = new URL(TEST_POSTGRES_URL)
const proxy = new FaultyProxy({ host: target.hostname, port: Number(target.port || 5432) })
let s: TestServer
let token: string

const IAM_503 = { error: { code: 503, title: 'Service Unavailable', message: 'The service is temporarily unavailable. Please retry later.' } }
const EPS_503 = {
  error: { error_code: 'EPS.0000', error_msg: 'The system is busy, please try again later.' },
  error_code: 'EPS.0000', error_msg: 'The system is busy, please try again later.',
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now()
  const result = await work()
  return { result, ms: performance.now() - started }
}

/** Polls until the server answers 200 again; returns how long that took. */
async function msUntilRecovered(): Promise<number> {
  const started = performance.now()
  while (performance.now() - started < 10_000) {
    if ((await call(`${s.url}/v3/projects`, { token })).status === 200) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the server did not recover within 10 s of the database returning')
}

beforeAll(async () => {
  await proxy.listen()
  const proxied = new URL(TEST_POSTGRES_URL)
  proxied.port = String(proxy.port)
  s = await startServer({ database: 'postgres', env: { DATABASE_URL: proxied.toString(), DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) } })
  token = await s.adminToken()
})

afterAll(async () => {
  proxy.set('up')
  await s?.close()
  await proxy.close()
})

describe('PostgreSQL out of reach while the server runs', () => {
  it('answers 503 in each service format while connections are refused, writes nothing, and recovers', async () => {
    expect((await call(`${s.url}/v3/projects`, { token })).status).toBe(200)
    proxy.set('down')

    const iam = await timed(() => call(`${s.url}/v3/projects`, { token }))
    expect(iam.result.status).toBe(503)
    expect(iam.result.body).toEqual(IAM_503)
    expect(iam.result.headers.get('retry-after')).toBe('1')
    expect(iam.result.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f]{32}$/)
    expect(iam.ms).toBeLessThan(ANSWER_WITHIN_MS)

    const eps = await call(`${s.url}/v1.0/enterprise-projects`, { token })
    expect(eps.status).toBe(503)
    expect(eps.body).toEqual(EPS_503)

    const coc = await call(`${s.url}/v1/enterprise-project-collect`, { token })
    expect(coc.status).toBe(503)
    expect(coc.body).toEqual({ error_code: 'COC.00010005', error_msg: 'The system is busy, please try again later.' })

    const write = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_during-outage' } } })
    expect(write.status).toBe(503)
    const login = await call(`${s.url}/v3/auth/tokens`, {
      method: 'POST',
      body: { auth: { identity: { methods: ['password'], password: { user: { name: s.adminUser, password: s.adminPassword, domain: { name: s.account.name } } } }, scope: { domain: { name: s.account.name } } } },
    })
    expect(login.status).toBe(503)
    expect(login.body).toEqual(IAM_503)

    proxy.set('up')
    expect(await msUntilRecovered()).toBeLessThan(5000)
    // The refused write left nothing behind, and the token from before the outage still works.
    const listed = await call(`${s.url}/v3/projects?name=cn-north-4_during-outage`, { token })
    expect(listed.status).toBe(200)
    expect(listed.body.projects).toEqual([])
  })

  it('answers 503 within the configured timeout when the database stops answering, then recovers', async () => {
    expect((await call(`${s.url}/v3/projects`, { token })).status).toBe(200)
    proxy.set('hang')
    const [read, write] = await Promise.all([
      timed(() => call(`${s.url}/v3/projects`, { token })),
      timed(() => call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_while-hanging' } } })),
    ])
    expect(read.result.status).toBe(503)
    expect(read.result.body).toEqual(IAM_503)
    expect(read.ms).toBeLessThan(ANSWER_WITHIN_MS)
    expect(write.result.status).toBe(503)
    expect(write.ms).toBeLessThan(ANSWER_WITHIN_MS)

    proxy.set('up')
    expect(await msUntilRecovered()).toBeLessThan(5000)
    // A write that timed out on our side was never committed on the other.
    const listed = await call(`${s.url}/v3/projects?name=cn-north-4_while-hanging`, { token })
    expect(listed.body.projects).toEqual([])
  })

  it('survives every connection being terminated, as a PostgreSQL restart does, and goes on serving', async () => {
    expect((await call(`${s.url}/v3/projects`, { token })).status).toBe(200)
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await admin.connect()
    try {
      // 57P01 "terminating connection due to administrator command", as at a shutdown.
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where client_port = any($1)', [proxy.upstreamPorts()])
      expect(killed.rowCount).toBeGreaterThan(0)
    } finally {
      await admin.end()
    }
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await call(`${s.url}/v3/projects`, { token })).status)
    // Dead pooled connections may fail a request or two, only ever cleanly.
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true)
    expect(await msUntilRecovered()).toBeLessThan(5000)
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_after-restart' } } })
    expect(created.status).toBe(201)
  })
})

describe('PostgreSQL out of reach at start-up', () => {
  it('stops with a message that names the cause, not a stack', async () => {
    const closed = net.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as net.AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const url = `postgres://postgres@127.0.0.1:${port}/test`
    const started = spawnServer({ DATABASE_URL: url, DATABASE_SCHEMA: newPostgresSchema(), DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) })
    await expect(started).rejects.toThrow(/server exited \(1\) before listening:\nprojectplane: cannot reach the database named by DATABASE_URL: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/)
  })
})
