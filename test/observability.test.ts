/**
 * Health, readiness and metrics over HTTP: `/healthz` answers without the store, `/readyz` names
 * what keeps the server from serving (database away, migrations pending, a schema from a newer
 * release) within DATABASE_TIMEOUT_MS, `/metrics` counts requests by route pattern (never a raw
 * URL), times them and the store's queries, per app; METRICS=off removes it. Log output is JSON
 * through a pipe and pretty on a terminal.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readMigrations } from '../src/db/migrate.js'
import { call, startServer, TEST_POSTGRES_URL, type TestServer } from './helpers/server.js'
import { spawnServer } from './helpers/server-process.js'
import { FaultyProxy } from './helpers/faulty-proxy.js'

const SQLITE_VERSIONS = readMigrations('sqlite').map((m) => m.version)
const LATEST = SQLITE_VERSIONS.at(-1)!
const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8'

/** The value of one sample line, by its exact name and labels; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

/** Every line is a comment or `name{labels} value` in Prometheus' text format. */
function expectExpositionFormat(text: string): void {
  expect(text.endsWith('\n')).toBe(true)
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue
    expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.]+(e[-+]?\d+)?|NaN|[+-]Inf)$/)
  }
}

const projectSeries = (metric: string, status: number, extra = '') =>
  `${metric}{service="iam",route="/v3/projects/:project_id",method="GET",status="${status}"${extra}}`

describe('health and readiness (sqlite)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer() })
  afterAll(() => s.close())

  it('GET and HEAD /healthz answer 200 to anyone', async () => {
    const res = await call(`${s.url}/healthz`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok' })
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
    const head = await fetch(`${s.url}/healthz`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('GET /readyz answers 200 when the store answers and every migration is applied', async () => {
    const res = await call(`${s.url}/readyz`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ready', database: 'reachable', migrations: 'current', message: `Schema at ${LATEST}.` })
  })

  it('answers 503 naming the pending migration, then the unknown one of a newer release', async () => {
    const db = s.server.db.kysely
    const row = await db.selectFrom('schema_migrations').selectAll().where('version', '=', LATEST).executeTakeFirstOrThrow()
    await db.deleteFrom('schema_migrations').where('version', '=', LATEST).execute()
    try {
      const pending = await call(`${s.url}/readyz`)
      expect(pending.status).toBe(503)
      expect(pending.body).toEqual({
        status: 'not ready', database: 'reachable', migrations: 'pending', pending: [LATEST],
        message: `Migrations not applied yet: ${LATEST}. Run 'projectplane migrate'.`,
      })
    } finally {
      await db.insertInto('schema_migrations').values(row).execute()
    }
    await db.insertInto('schema_migrations').values({ version: '9999_from_the_future', applied_at: new Date().toISOString() }).execute()
    try {
      const newer = await call(`${s.url}/readyz`)
      expect(newer.status).toBe(503)
      expect(newer.body).toEqual({
        status: 'not ready', database: 'reachable', migrations: 'newer', unknown: ['9999_from_the_future'],
        message: 'The store has migrations this version does not know (9999_from_the_future): a newer release wrote it.',
      })
    } finally {
      await db.deleteFrom('schema_migrations').where('version', '=', '9999_from_the_future').execute()
    }
    await sql`ALTER TABLE schema_migrations RENAME TO schema_migrations_away`.execute(db)
    try {
      const never = await call(`${s.url}/readyz`)
      expect(never.status).toBe(503)
      expect(never.body).toMatchObject({ migrations: 'pending', pending: SQLITE_VERSIONS })
    } finally {
      await sql`ALTER TABLE schema_migrations_away RENAME TO schema_migrations`.execute(db)
    }
    expect((await call(`${s.url}/readyz`)).status).toBe(200)
  })
})

describe('readiness with PostgreSQL away', () => {
  const TIMEOUT_MS = 1000
  const target = new URL(TEST_POSTGRES_URL)
  const proxy = new FaultyProxy({ host: target.hostname, port: Number(target.port || 5432) })
  let s: TestServer
  beforeAll(async () => {
    await proxy.listen()
    const url = new URL(TEST_POSTGRES_URL)
    url.port = String(proxy.port)
    s = await startServer({ database: 'postgres', env: { DATABASE_URL: url.toString(), DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) } })
  })
  afterAll(async () => {
    proxy.set('up')
    await s.close()
    await proxy.close()
  })

  it('answers 503 within DATABASE_TIMEOUT_MS while the database hangs or refuses, /healthz 200 throughout, and 200 again once it is back', async () => {
    expect((await call(`${s.url}/readyz`)).body).toMatchObject({ status: 'ready', migrations: 'current' })
    proxy.set('hang')
    let started = performance.now()
    const hung = await call(`${s.url}/readyz`)
    const hungMs = performance.now() - started
    expect(hung.status).toBe(503)
    expect(hung.body).toEqual({ status: 'not ready', database: 'unreachable', message: `The database did not answer within ${TIMEOUT_MS} ms.` })
    expect(hungMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50)
    expect(hungMs).toBeLessThan(TIMEOUT_MS + 1500)
    expect((await call(`${s.url}/healthz`)).status).toBe(200)

    proxy.set('down')
    started = performance.now()
    const down = await call(`${s.url}/readyz`)
    expect(down.status).toBe(503)
    expect(down.body).toMatchObject({ status: 'not ready', database: 'unreachable' })
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1500)
    expect((await call(`${s.url}/healthz`)).body).toEqual({ status: 'ok' })

    proxy.set('up')
    const deadline = performance.now() + 10_000
    let ready = await call(`${s.url}/readyz`)
    while (ready.status !== 200 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      ready = await call(`${s.url}/readyz`)
    }
    expect(ready.body).toMatchObject({ status: 'ready', database: 'reachable', migrations: 'current' })
  })
})

describe('metrics', () => {
  let s: TestServer
  let token: string
  let projectId: string
  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    projectId = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token })).body.projects[0].id
  })
  afterAll(() => s.close())
  const scrape = async (server = s) => {
    const res = await fetch(`${server.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(TEXT_FORMAT)
    return res.text()
  }

  it('counts and times requests by service, route pattern, method and status, in the text format', async () => {
    const before = await scrape()
    expectExpositionFormat(before)
    const ok = sample(before, projectSeries('http_requests_total', 200)) ?? 0
    for (let i = 0; i < 3; i++) expect((await call(`${s.url}/v3/projects/${projectId}`, { token })).status).toBe(200)
    expect((await call(`${s.url}/v3/projects/no-such-project`, { token })).status).toBe(404)
    expect((await call(`${s.url}/v3/projects/${projectId}`)).status).toBe(401)

    const after = await scrape()
    expectExpositionFormat(after)
    expect(sample(after, projectSeries('http_requests_total', 200))).toBe(ok + 3)
    expect(sample(after, projectSeries('http_requests_total', 404))).toBe(1)
    expect(sample(after, projectSeries('http_requests_total', 401))).toBe(1)
    expect(sample(after, projectSeries('http_request_duration_seconds_count', 200))).toBe(ok + 3)
    expect(sample(after, projectSeries('http_request_duration_seconds_bucket', 200, ',le="+Inf"'))).toBe(ok + 3)
    expect(sample(after, projectSeries('http_request_duration_seconds_sum', 200))).toBeGreaterThan(0)
    // Buckets are cumulative.
    const buckets = after.split('\n').filter((l) => l.startsWith(projectSeries('http_request_duration_seconds_bucket', 200, ',le=').slice(0, -1)))
    const counts = buckets.map((l) => Number(l.split(' ')[1]))
    expect(counts.length).toBeGreaterThan(10)
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
    expect(after).toContain('# TYPE http_requests_total counter')
    expect(after).toContain('# TYPE http_request_duration_seconds histogram')
    expect(after).not.toContain(projectId)
  })

  it('labels what no route matched "unmatched", so raw URLs never become label values', async () => {
    expect((await call(`${s.url}/v3/no/such/route/abc123`)).status).toBe(404)
    expect((await call(`${s.url}/v1.0/enterprise-projects/x/y/z/zzz987`)).status).toBe(404)
    const text = await scrape()
    expect(sample(text, 'http_requests_total{service="iam",route="unmatched",method="GET",status="404"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'http_requests_total{service="eps",route="unmatched",method="GET",status="404"}')).toBeGreaterThanOrEqual(1)
    expect(text).not.toContain('abc123')
    expect(text).not.toContain('zzz987')
  })

  it('times the store by dialect and operation, and has the process metrics', async () => {
    const count = (text: string, operation: string) => sample(text, `db_query_duration_seconds_count{dialect="sqlite",operation="${operation}"}`)!
    const before = await scrape()
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_metrics' } } })
    expect(created.status).toBe(201)
    expect((await call(`${s.url}/v3/projects?name=cn-north-4_metrics`, { token })).status).toBe(200)
    // A PATCH runs its UPDATE and its trace's INSERT straight on the connection (direct-sql.ts): timed too.
    const patched = await call(`${s.url}/v3/projects/${created.body.project.id}`, { method: 'PATCH', token, body: { project: { description: 'timed' } } })
    expect(patched.status).toBe(200)
    const after = await scrape()
    expect(count(after, 'update')).toBeGreaterThan(count(before, 'update') ?? 0)
    expect(count(after, 'insert')).toBeGreaterThan(count(before, 'insert'))
    expect(count(after, 'select')).toBeGreaterThan(count(before, 'select'))
    expect(sample(after, 'db_query_duration_seconds_sum{dialect="sqlite",operation="select"}')).toBeGreaterThan(0)
    expect(after).toContain('# TYPE db_query_duration_seconds histogram')
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(after).toMatch(new RegExp(`^${name} `, 'm'))
    }
  })

  it('keeps each app its own registry: a second server in the same process starts from zero', async () => {
    const other = await startServer()
    try {
      const text = await scrape(other)
      expect(sample(text, projectSeries('http_requests_total', 200))).toBeUndefined()
      expect(sample(text, 'http_requests_total{service="projectplane",route="/metrics",method="GET",status="200"}')).toBeUndefined()
      expect(sample(await scrape(), 'http_requests_total{service="projectplane",route="/metrics",method="GET",status="200"}')).toBeGreaterThanOrEqual(3)
    } finally {
      await other.close()
    }
  })

  it('reports postgres as the dialect on PostgreSQL', async () => {
    const onPostgres = await startServer({ database: 'postgres' })
    try {
      const token = await onPostgres.adminToken()
      expect((await call(`${onPostgres.url}/v3/projects`, { token })).status).toBe(200)
      const text = await scrape(onPostgres)
      expect(sample(text, 'db_query_duration_seconds_count{dialect="postgres",operation="select"}')).toBeGreaterThan(0)
      expect(text).not.toContain('dialect="sqlite"')
    } finally {
      await onPostgres.close()
    }
  })

  it('METRICS=off: no /metrics route (404 in IAM format), health and the API unchanged', async () => {
    const off = await startServer({ env: { METRICS: 'off' } })
    try {
      const res = await call(`${off.url}/metrics`)
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } })
      expect((await call(`${off.url}/healthz`)).status).toBe(200)
      expect((await call(`${off.url}/readyz`)).status).toBe(200)
      expect((await call(`${off.url}/v3/projects?name=cn-north-4`, { token: await off.adminToken() })).status).toBe(200)
    } finally {
      await off.close()
    }
  })
})

describe('log output of the server process', () => {
  const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))

  it('writes JSON lines when stdout is a pipe, pretty lines with LOG_FORMAT=pretty', async () => {
    const json = await spawnServer({ IN_MEMORY: '1', LOG_LEVEL: 'info', PROJECTPLANE_ADMIN_PASSWORD: 'Log-Format-Passw0rd' })
    await fetch(`${json.url}/healthz`)
    await json.stop()
    const jsonLine = json.output().split('\n').find((l) => l.includes('"msg":"request"'))!
    expect(JSON.parse(jsonLine)).toMatchObject({ level: 30, route: '/healthz', status: 200, service: 'projectplane', reqId: expect.stringMatching(/^[0-9a-f]{32}$/) })

    const pretty = await spawnServer({ IN_MEMORY: '1', LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', PROJECTPLANE_ADMIN_PASSWORD: 'Log-Format-Passw0rd' })
    await fetch(`${pretty.url}/healthz`)
    // pino-pretty writes from a worker thread; give it a moment before stopping.
    await new Promise((resolve) => setTimeout(resolve, 300))
    await pretty.stop()
    const text = pretty.output()
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request$/m)
    expect(text).toMatch(/^\s+route: "\/healthz"$/m)
    expect(text).not.toContain('"msg":"request"')
  })

  it('picks pretty lines by itself on a terminal', async () => {
    const child = spawn('script', ['-qfec', `node ${MAIN}`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', IN_MEMORY: '1', LOG_LEVEL: 'info', PROJECTPLANE_ADMIN_PASSWORD: 'Log-Format-Passw0rd' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    try {
      const deadline = Date.now() + 20_000
      while (!/listening on (http:\/\/\S+?),/.test(output) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      const url = /listening on (http:\/\/\S+?),/.exec(output)![1]!
      await fetch(`${url}/healthz`)
      while (!/INFO.*request/.test(output) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      // eslint-disable-next-line no-control-regex
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '')
      expect(plain).toMatch(/\] INFO: request\r?$/m)
      expect(plain).not.toContain('"msg":"request"')
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  })

  it('refuses bad values of the new options, naming them', async () => {
    await expect(spawnServer({ IN_MEMORY: '1', LOG_FORMAT: 'xml' })).rejects.toThrow("LOG_FORMAT must be one of auto, json, pretty; got 'xml'")
    await expect(spawnServer({ IN_MEMORY: '1', METRICS: 'maybe' })).rejects.toThrow("METRICS must be one of on, off; got 'maybe'")
  })
})
