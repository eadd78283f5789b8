/**
 * Keyed reads outside transactions share one pipelined PostgreSQL connection (issue 19; see
 * src/db/postgres-driver.ts): concurrent GETs each get their own row, a read sees every write
 * acknowledged before it, and a shared connection killed under the server is replaced.
 * PostgreSQL only: the embedded store has one connection anyway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { CompiledQuery } from 'kysely'
import { call, defaultTestDatabase, startServer, TEST_POSTGRES_URL, type TestServer } from '../helpers/server.js'
import { marked } from '../../src/db/query-marks.js'

describe.runIf(defaultTestDatabase() === 'postgres')('PostgreSQL: keyed reads on a shared connection', () => {
  let s: TestServer
  let token: string
  let admin: pg.Client
  const ids: string[] = []
  const get = (id: string) => call(`${s.url}/v3/projects/${id}`, { token })
  const patch = (id: string, project: unknown) => call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project } })
  /** The backend a keyed read runs on, as the server's own keyed reads would. */
  const sharedPid = async () => (await s.server.db.kysely.executeQuery<{ pid: number }>(marked(CompiledQuery.raw('select pg_backend_pid() as pid'), 'keyedRead'))).rows[0]!.pid

  beforeAll(async () => {
    s = await startServer({ env: { DATABASE_POOL_SIZE: '3' } })
    token = await s.adminToken()
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await admin.connect()
    for (let i = 0; i < 6; i++) {
      const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: `ap-southeast-1_shared${i}` } } })
      expect(created.status).toBe(201)
      ids.push(created.body.project.id)
    }
  })
  afterAll(async () => {
    await admin?.end()
    await s?.close()
  })

  it('answers concurrent GETs each with its own project, the keyed reads all on one connection', async () => {
    const asked = Array.from({ length: 60 }, (_, i) => ids[i % ids.length]!)
    const answers = await Promise.all(asked.map(get))
    expect(answers.map((a) => a.status)).toEqual(asked.map(() => 200))
    expect(answers.map((a) => a.body.project.id)).toEqual(asked)
    const pids = new Set(await Promise.all(Array.from({ length: 20 }, sharedPid)))
    expect(pids.size).toBe(1)
  })

  it('shows each acknowledged write to the next read, with other reads in flight', async () => {
    for (let i = 0; i < 10; i++) {
      const id = ids[i % ids.length]!
      const reads = ids.map(get)
      expect((await patch(id, { description: `write ${i}` })).status).toBe(200)
      const read = await get(id)
      expect(read.body.project.description).toBe(`write ${i}`)
      for (const r of await Promise.all(reads)) expect(r.status).toBe(200)
    }
  })

  it('replaces a shared connection killed under the server', async () => {
    const before = await sharedPid()
    // Waits for the backend to exit (SIGTERM is asynchronous): the dying backend could otherwise
    // still answer the next read, and the batch below meet the closed socket.
    const { rows: [ended] } = await admin.query('select pg_terminate_backend($1, 5000) as ended', [before])
    expect(ended.ended).toBe(true)
    // The request that meets the dead connection may be refused with 503; the next ones are served.
    const first = await get(ids[0]!)
    expect([200, 503]).toContain(first.status)
    await expect.poll(async () => (await get(ids[0]!)).status, { timeout: 5_000 }).toBe(200)
    const answers = await Promise.all(ids.map(get))
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200))
    expect(await sharedPid()).not.toBe(before)
  })
})
