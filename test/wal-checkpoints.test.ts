/**
 * The embedded store's WAL is checkpointed by a worker thread once writes keep coming
 * (db/wal-checkpointer.ts), so no commit on the event loop waits for pages to be copied and
 * fsynced; `SQLITE_CHECKPOINTS=inline` leaves it to the commit, as SQLite does. Either way every
 * answered write is in the store, also after a restart.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { BACKGROUND_RESTART_PAGES, INLINE_CHECKPOINT_PAGES, WalCheckpointer } from '../src/db/wal-checkpointer.js'
import { call, startServer, type TestServer } from './helpers/server.js'

const CHECKPOINTS = 'db_query_duration_seconds_count{dialect="sqlite",operation="checkpoint"}'

async function checkpointCount(s: TestServer): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${CHECKPOINTS} `))
  return line === undefined ? 0 : Number(line.slice(CHECKPOINTS.length + 1))
}

/** PATCHes one project `count` times, one after the other (each its own commit); returns its id. */
async function sequentialWrites(s: TestServer, name: string, count: number): Promise<string> {
  const token = await s.adminToken()
  const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name } } })
  expect(created.status).toBe(201)
  const id = created.body.project.id as string
  for (let i = 0; i < count; i++) {
    const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { description: `write ${i}` } } })
    expect(res.status).toBe(200)
  }
  return id
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return check()
}

describe('WAL checkpoints of the embedded store', () => {
  it('run in the background once writes keep coming, and every answered write stays after a restart', async () => {
    let s = await startServer({ database: 'sqlite' })
    const dataDir = s.dataDir
    let id: string
    try {
      // A few writes start no thread.
      id = await sequentialWrites(s, 'cn-north-4_few', 10)
      expect(await checkpointCount(s)).toBe(0)
      await sequentialWrites(s, 'cn-north-4_many', 150)
      expect(await eventually(async () => (await checkpointCount(s)) > 0)).toBe(true)
    } finally {
      await s.close()
    }
    s = await startServer({ database: 'sqlite', dataDir })
    try {
      const token = await s.adminToken()
      const projects = await call(`${s.url}/v3/projects?name=cn-north-4_few`, { token })
      expect(projects.body.projects.map((p: { id: string; description: string }) => [p.id === id, p.description])).toEqual([[true, 'write 9']])
      const list = await call(`${s.url}/v3/projects`, { token })
      expect(list.body.projects.filter((p: { description: string }) => p.description === 'write 149')).toHaveLength(1)
    } finally {
      await s.close()
    }
  })

  it('stay in the commit with SQLITE_CHECKPOINTS=inline', async () => {
    const s = await startServer({ database: 'sqlite', env: { SQLITE_CHECKPOINTS: 'inline' } })
    try {
      await sequentialWrites(s, 'cn-north-4_many', 150)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await checkpointCount(s)).toBe(0)
    } finally {
      await s.close()
    }
  })
})

describe('the checkpoint worker itself', () => {
  const openStore = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-wal-'))
    const sqlite = new SQLite(path.join(dir, 'store.sqlite'))
    sqlite.pragma('journal_mode = WAL')
    sqlite.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)')
    return { sqlite, location: path.join(dir, 'store.sqlite') }
  }
  const reports = () => {
    const seen: { seconds: number; failure?: string }[] = []
    let wake = () => {}
    return { seen, report: (seconds: number, failure?: string) => { seen.push({ seconds, failure }); wake() }, next: () => new Promise<void>((resolve) => { wake = resolve }) }
  }
  const autocheckpoint = (sqlite: SQLite.Database) => sqlite.pragma('wal_autocheckpoint', { simple: true })

  it('raises the writer\'s own checkpoint mark while it runs, copies the WAL, and hands back on close', async () => {
    const { sqlite, location } = openStore()
    const { seen, report, next } = reports()
    const checkpointer = new WalCheckpointer(sqlite, location, report)
    const insert = sqlite.prepare('INSERT INTO probe (note) VALUES (?)')
    for (let i = 0; i < 63; i++) {
      insert.run(`row ${i}`)
      checkpointer.committed()
    }
    expect(autocheckpoint(sqlite)).toBe(INLINE_CHECKPOINT_PAGES)
    const passed = next()
    insert.run('row 63')
    checkpointer.committed()
    expect(autocheckpoint(sqlite)).toBe(BACKGROUND_RESTART_PAGES)
    await passed
    expect(seen[0]!.failure).toBeUndefined()
    // The WAL index says every frame in the log was copied back into the store file (its header's
    // mxFrame at byte 16; the checkpoint's nBackfill at byte 96; native order), and not by this connection.
    const shm = fs.readFileSync(`${location}-shm`)
    expect(shm.readUInt32LE(16)).toBeGreaterThan(0)
    expect(shm.readUInt32LE(96)).toBe(shm.readUInt32LE(16))
    await checkpointer.close()
    expect(autocheckpoint(sqlite)).toBe(INLINE_CHECKPOINT_PAGES)
    checkpointer.committed()
    expect(autocheckpoint(sqlite)).toBe(INLINE_CHECKPOINT_PAGES)
    expect(sqlite.prepare('SELECT count(*) AS n FROM probe').get()).toEqual({ n: 64 })
    sqlite.close()
  })

  it('gives checkpoints back to the commit when the worker fails, and says why', async () => {
    const { sqlite } = openStore()
    const { seen, report, next } = reports()
    const checkpointer = new WalCheckpointer(sqlite, path.join(os.tmpdir(), 'no-such-dir-projectplane', 'store.sqlite'), report)
    const failed = next()
    for (let i = 0; i < 64; i++) checkpointer.committed()
    await failed
    expect(seen[0]!.failure).toMatch(/unable to open database file|no such file|directory does not exist/i)
    await checkpointer.close()
    expect(autocheckpoint(sqlite)).toBe(INLINE_CHECKPOINT_PAGES)
    sqlite.close()
  })
})
