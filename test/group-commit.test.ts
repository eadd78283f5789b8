/**
 * Group commit on the embedded store: writes that arrive together share one commit (counted in the
 * write-ahead log, where each commit is one append and, with SQLITE_SYNCHRONOUS=full, one fsync),
 * yet each caller learns about its own write only: a write that fails in a batch is undone alone.
 * Over HTTP, concurrent PATCHes get answers about their own write, and the store holds what the
 * answers said.
 */
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BATCH } from '../src/db/group-commit.js'
import { call, startServer, type TestServer } from './helpers/server.js'

/**
 * The transactions committed to a SQLite write-ahead log since it was last reset: its frames that
 * end a transaction (a non-zero database size in the frame header). Frames whose salts differ from
 * the header's are left over from before a reset, and SQLite ignores them too.
 */
function walCommits(walFile: string): number {
  const wal = fs.existsSync(walFile) ? fs.readFileSync(walFile) : Buffer.alloc(0)
  if (wal.length < 32) return 0
  const pageSize = wal.readUInt32BE(8)
  const salts = [wal.readUInt32BE(16), wal.readUInt32BE(20)]
  let commits = 0
  for (let frame = 32; frame + 24 + pageSize <= wal.length; frame += 24 + pageSize) {
    if (wal.readUInt32BE(frame + 8) !== salts[0] || wal.readUInt32BE(frame + 12) !== salts[1]) break
    if (wal.readUInt32BE(frame + 4) !== 0) commits++
  }
  return commits
}

describe('group commit in the store', () => {
  // Nothing but the test writes to this server's store: no request reaches it.
  let s: TestServer
  beforeAll(async () => { s = await startServer({ database: 'sqlite' }) })
  afterAll(() => s.close())

  it('commits a burst of writes made in one turn of the event loop once, undoing only the one that fails', async () => {
    const { db } = s.server
    const walFile = path.join(s.dataDir, 'projectplane.sqlite-wal')
    // A table of the test's own, so the writes depend on no part of the schema.
    await db.write((trx) => sql`CREATE TABLE group_commit_probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`.execute(trx))
    // Empty the log, so what is in it afterwards is the burst's.
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db.kysely)
    expect(walCommits(walFile)).toBe(0)

    const burst = 30
    // One batch holds at most MAX_BATCH writes; the burst fits in one.
    expect(burst).toBeLessThanOrEqual(MAX_BATCH)
    const writes = Array.from({ length: burst }, (_, i) =>
      db.write(async (trx) => {
        await sql`INSERT INTO group_commit_probe (id, note) VALUES (${i}, ${`write ${i}`})`.execute(trx)
        // Write 7 fails after writing: its row must go, the others' stay.
        if (i === 7) throw new Error('write 7 fails')
        return i
      }),
    )
    const outcomes = await Promise.allSettled(writes)

    expect(walCommits(walFile)).toBe(1)
    outcomes.forEach((outcome, i) => {
      if (i === 7) expect(outcome).toEqual({ status: 'rejected', reason: new Error('write 7 fails') })
      else expect(outcome).toEqual({ status: 'fulfilled', value: i })
    })
    const rows = await sql<{ id: number }>`SELECT id FROM group_commit_probe ORDER BY id`.execute(db.kysely)
    expect(rows.rows.map((row) => row.id)).toEqual(Array.from({ length: burst }, (_, i) => i).filter((i) => i !== 7))
  })
})

describe('group commit over HTTP', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer(); token = await s.adminToken() })
  afterAll(() => s.close())

  it('commits every accepted write of a concurrent burst and refuses exactly the conflicting ones', async () => {
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      ids.push((await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: `cn-north-4_gc${i}` } } })).body.project.id)
    }
    // 30 renames at once: ten pairs race for the same new name, ten more change only descriptions.
    const requests = ids.map((id, i) =>
      i < 20
        ? call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { name: `cn-north-4_pair${i % 10}` } } })
        : call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { description: `d${i}` } } }),
    )
    const results = await Promise.all(requests)
    const renames = results.slice(0, 20)
    expect(renames.filter((r) => r.status === 200)).toHaveLength(10)
    expect(renames.filter((r) => r.status === 409)).toHaveLength(10)
    for (const r of renames.filter((r) => r.status === 409)) {
      expect(r.body.error.message).toMatch(/^Conflict occurred attempting to store project - Duplicate entry found with name cn-north-4_pair\d at domain ID [0-9a-f]{32}\.$/)
    }
    expect(results.slice(20).every((r) => r.status === 200)).toBe(true)

    // What the answers said is what the store holds.
    const rows = await s.server.db.kysely.selectFrom('projects').select(['id', 'name', 'description']).where('id', 'in', ids).execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    results.forEach((r, i) => {
      const row = byId.get(ids[i]!)!
      if (r.status === 200) expect(row).toMatchObject({ name: r.body.project.name, description: r.body.project.description })
      else expect(row.name).toBe(`cn-north-4_gc${i}`)
    })
    for (let p = 0; p < 10; p++) expect(rows.filter((r) => r.name === `cn-north-4_pair${p}`)).toHaveLength(1)
  })
})
