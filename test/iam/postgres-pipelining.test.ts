/**
 * The PostgreSQL driver's round-trip savings (issue 19), seen from outside: statements prepared
 * once per connection and reused by later requests, pipelined transaction control and audit
 * inserts whose failure still fails the write (nothing acknowledged, nothing committed), a plan
 * a migration made stale, a connection killed under the pool, and the per-connection bound.
 * One pool connection, so what `pg_prepared_statements` shows is the server's one session.
 * PostgreSQL only: the embedded store prepares through better-sqlite3 (db/sqlite.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { sql } from 'kysely'
import { call, defaultTestDatabase, startServer, TEST_POSTGRES_URL, type TestServer } from '../helpers/server.js'
import { STATEMENT_LIMIT } from '../../src/db/postgres-driver.js'

const PROJECT_BY_ID = 'select * from "projects" where "id" = $1'
const SERVER_ERROR = { error: { code: 500, message: 'An unexpected error prevented the server from fulfilling your request.', title: 'Internal Server Error' } }

describe.runIf(defaultTestDatabase() === 'postgres')('PostgreSQL: prepared statements and pipelined writes', () => {
  let s: TestServer
  let token: string
  let admin: pg.Client
  let projectId: string
  const get = (id: string) => call(`${s.url}/v3/projects/${id}`, { token })
  const patch = (id: string, project: unknown) => call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project } })
  /** The server's own session's prepared statements (its pool has one connection). */
  const prepared = async () => (await sql<{ name: string; statement: string; runs: number }>`
    select name, statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements`.execute(s.server.db.kysely)).rows
  const traces = async (resourceId: string) => Number((await admin.query(`select count(*) from ${s.schema}.audit_traces where resource_id = $1`, [resourceId])).rows[0].count)

  beforeAll(async () => {
    s = await startServer({ env: { DATABASE_POOL_SIZE: '1' } })
    token = await s.adminToken()
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await admin.connect()
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'ap-southeast-1_pipelined' } } })
    expect(created.status).toBe(201)
    projectId = created.body.project.id
  })
  afterAll(async () => {
    await admin?.end()
    await s?.close()
  })

  it('prepares a read once and runs it by name for every later request', async () => {
    for (let i = 0; i < 5; i++) expect((await get(projectId)).status).toBe(200)
    const byId = (await prepared()).filter((p) => p.statement === PROJECT_BY_ID)
    expect(byId).toHaveLength(1)
    // Named by its text's hash: the name can only ever mean this text.
    expect(byId[0]!.name).toMatch(/^pp_[0-9a-f]{32}_\d+$/)
    expect(byId[0]!.runs).toBeGreaterThanOrEqual(5)
  })

  it('acknowledges a PATCH only with its audit trace: a trace the database refuses fails the PATCH and undoes it', async () => {
    expect((await patch(projectId, { description: 'before' })).status).toBe(200)
    const tracesBefore = await traces(projectId)
    await admin.query(`alter table ${s.schema}.audit_traces add constraint test_refuse_trace check (resource_id <> '${projectId}') not valid`)
    try {
      const refused = await patch(projectId, { description: 'never committed' })
      expect(refused.status).toBe(500)
      expect(refused.body).toEqual(SERVER_ERROR)
      expect((await get(projectId)).body.project.description).toBe('before')
      expect(await traces(projectId)).toBe(tracesBefore)
    } finally {
      await admin.query(`alter table ${s.schema}.audit_traces drop constraint test_refuse_trace`)
    }
    // The same prepared statements, on the same connection, serve the next write.
    const after = await patch(projectId, { description: 'after' })
    expect(after.status).toBe(200)
    expect(after.body.project.description).toBe('after')
    expect(await traces(projectId)).toBe(tracesBefore + 1)
  })

  it('answers a statement that fails mid-transaction (a duplicate name) with its own error, and goes on', async () => {
    const other = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'ap-southeast-1_taken' } } })
    expect(other.status).toBe(201)
    const clash = await patch(projectId, { name: 'ap-southeast-1_taken' })
    expect(clash.status).toBe(409)
    expect(clash.body.error.code).toBe(409)
    const fine = await patch(projectId, { description: 'after the clash' })
    expect(fine.status).toBe(200)
    expect((await get(projectId)).body.project).toMatchObject({ name: 'ap-southeast-1_pipelined', description: 'after the clash' })
  })

  it('re-prepares a statement whose plan a migration made stale, for reads and for writes', async () => {
    expect((await get(projectId)).status).toBe(200)
    await admin.query(`alter table ${s.schema}.projects add column test_added text`)
    try {
      const read = await get(projectId)
      expect(read.status).toBe(200)
      expect(read.body.project.id).toBe(projectId)
      const written = await patch(projectId, { description: 'after a migration' })
      expect(written.status).toBe(200)
      expect(written.body.project.description).toBe('after a migration')
    } finally {
      await admin.query(`alter table ${s.schema}.projects drop column test_added`)
    }
    expect((await get(projectId)).status).toBe(200)
  })

  it('prepares anew on the connection that replaces one killed under the pool', async () => {
    const { rows: [before] } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(s.server.db.kysely)
    // With a timeout, PostgreSQL answers only once the backend has exited: without it, the next
    // GET could still be answered by the dying backend and the one after meet the closed socket.
    const { rows: [ended] } = await admin.query('select pg_terminate_backend($1, 5000) as ended', [before!.pid])
    expect(ended.ended).toBe(true)
    // The request that meets the dead connection may be refused with 503; the next ones are served.
    const first = await get(projectId)
    expect([200, 503]).toContain(first.status)
    const read = await get(projectId)
    expect(read.status).toBe(200)
    expect((await patch(projectId, { description: 'after a reconnect' })).status).toBe(200)
    const { rows: [now] } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(s.server.db.kysely)
    expect(now!.pid).not.toBe(before!.pid)
    expect((await prepared()).filter((p) => p.statement === PROJECT_BY_ID)).toHaveLength(1)
  })

  it(`keeps at most ${STATEMENT_LIMIT} prepared statements per connection, the least recently used dropped`, async () => {
    const db = s.server.db.kysely
    for (let i = 0; i < STATEMENT_LIMIT + 20; i++) {
      const { rows } = await sql<{ n: number }>`select ${i}::int + ${sql.raw(String(i))} as n`.execute(db)
      expect(rows[0]!.n).toBe(2 * i)
    }
    // The evicted ones are deallocated ahead of the connection's next statement.
    expect((await get(projectId)).status).toBe(200)
    const names = await prepared()
    expect(names.length).toBeLessThanOrEqual(STATEMENT_LIMIT)
    expect(names.some((p) => p.statement === 'select $1::int + 0 as n')).toBe(false)
    expect(names.some((p) => p.statement === `select $1::int + ${STATEMENT_LIMIT + 19} as n`)).toBe(true)
  })

  it('prepares nothing with DATABASE_PREPARED_STATEMENTS=off, and still reads and writes', async () => {
    const unnamed = await startServer({ schema: s.schema, env: { DATABASE_POOL_SIZE: '1', DATABASE_PREPARED_STATEMENTS: 'off' } })
    try {
      const read = await call(`${unnamed.url}/v3/projects/${projectId}`, { token })
      expect(read.status).toBe(200)
      const written = await call(`${unnamed.url}/v3/projects/${projectId}`, { method: 'PATCH', token, body: { project: { description: 'unnamed' } } })
      expect(written.status).toBe(200)
      expect(written.body.project.description).toBe('unnamed')
      const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(unnamed.server.db.kysely)
      expect(rows).toEqual([])
    } finally {
      await unnamed.close()
    }
  })

  // One pool connection: one write transaction at a time, so the writes that arrive while the first
  // runs share the next one, each under its savepoint.
  it('commits concurrent writes together, and a write whose trace is refused fails alone', async () => {
    const ids: string[] = []
    for (let i = 0; i < 12; i++) {
      const res = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: `ap-southeast-1_burst${i}` } } })
      expect(res.status).toBe(201)
      ids.push(res.body.project.id)
    }
    const blocked = ids[5]!
    const tracesBefore = await Promise.all(ids.map(traces))
    await admin.query(`alter table ${s.schema}.audit_traces add constraint test_refuse_burst check (resource_id <> '${blocked}') not valid`)
    let answers
    try {
      answers = await Promise.all(ids.map((id) => patch(id, { description: `burst ${id}` })))
    } finally {
      await admin.query(`alter table ${s.schema}.audit_traces drop constraint test_refuse_burst`)
    }
    expect(answers.map((a) => a.status)).toEqual(ids.map((id) => (id === blocked ? 500 : 200)))
    const rows = (await admin.query(`select id, description from ${s.schema}.projects where id = any($1)`, [ids])).rows
    expect(rows).toHaveLength(ids.length)
    for (const row of rows) expect(row.description).toBe(row.id === blocked ? '' : `burst ${row.id}`)
    expect(await Promise.all(ids.map(traces))).toEqual(tracesBefore.map((n, i) => (ids[i] === blocked ? n : n + 1)))
  })
})
