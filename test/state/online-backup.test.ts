/**
 * `projectplane export` and `projectplane backup` beside a running SQLite server while it takes
 * writes: both read one committed state without the store lock, hold every write acknowledged
 * before they began, and the backup is a store `serve --data-dir` starts from. The commands that
 * write keep refusing with the store-locked message (test/cli/accounts.test.ts). SQLite only.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, defaultTestDatabase, startServer } from '../helpers/server.js'
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'
import { projectplane, tempDataDir } from '../cli/run-cli.js'

const PASSWORD = ADMIN_PASSWORD

describe.runIf(defaultTestDatabase() === 'sqlite')('export and backup beside a running SQLite server', () => {
  let server: ServerProcess
  let dataDir: string
  let token: string
  const acknowledged: string[] = []
  let writing = true
  let writers: Promise<void>[] = []

  const createUser = async (name: string) => {
    const res = await fetch(`${server.url}/v3/users`, {
      method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ user: { name } }),
    })
    await res.arrayBuffer()
    if (res.status === 201) acknowledged.push(name)
  }

  beforeAll(async () => {
    dataDir = tempDataDir()
    server = await spawnServer({ DATA_DIR: dataDir, PROJECTPLANE_ADMIN_PASSWORD: PASSWORD })
    const login = await fetch(`${server.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD, domain: { name: 'projectplane' } } } }, scope: { domain: { name: 'projectplane' } } } }),
    })
    token = login.headers.get('x-subject-token')!
    // Four writers, each creating users one after another until the end of the suite.
    writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; writing; i++) await createUser(`w${w}-${i}`)
    })
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 10))
  }, 60_000)

  afterAll(async () => {
    writing = false
    await Promise.all(writers)
    await server.stop()
  })

  it('exports every write acknowledged before it began, while the writes go on', async () => {
    const before = [...acknowledged]
    const res = await projectplane(['export', '--data-dir', dataDir])
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' })
    const users = (JSON.parse(res.stdout).accounts[0].users as { name: string }[]).map((u) => u.name)
    expect(before.filter((name) => !users.includes(name))).toEqual([])
    expect(acknowledged.length).toBeGreaterThan(before.length)
  })

  it('backs up a consistent copy that a server starts from, holding every write acknowledged before it began', async () => {
    const before = [...acknowledged]
    const copyDir = tempDataDir()
    const res = await projectplane(['backup', '--data-dir', dataDir, '--output', copyDir])
    const copy = path.join(copyDir, 'projectplane.sqlite')
    expect(res).toEqual({ code: 0, stdout: `Backed up ${dataDir}/projectplane.sqlite to ${copy} (${fs.statSync(copy).size} bytes).\n`, stderr: '' })
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600)
    const again = await projectplane(['backup', '--data-dir', dataDir, '--output', copy])
    expect(again).toEqual({ code: 2, stdout: '', stderr: `projectplane: ${copy} already exists; choose a new file\n` })

    const restored = await startServer({ database: 'sqlite', dataDir: copyDir })
    try {
      const users = await restored.server.db.kysely.selectFrom('users').select('name').execute()
      const names = users.map((u) => u.name)
      expect(before.filter((name) => !names.includes(name))).toEqual([])
      const admin = await restored.adminToken()
      expect(admin).toBeTruthy()
    } finally {
      await restored.close()
    }
  })

  it('refuses a PostgreSQL or in-memory store', async () => {
    expect(await projectplane(['backup', '--output', '/tmp/x', '--database-url', 'postgres://nowhere/db'])).toEqual({
      code: 2, stdout: '', stderr: 'projectplane: backup copies the embedded SQLite store; for PostgreSQL use pg_dump, or projectplane export\n',
    })
  })
})
