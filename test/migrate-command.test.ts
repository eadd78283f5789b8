/**
 * `projectplane migrate`: runs the migrations explicitly, once even when several run at the same
 * moment (the advisory lock), and refuses a store written by a newer release, as the server does.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { readMigrations } from '../src/db/migrate.js'
import { dropPostgresSchema, newPostgresSchema, postgresEnv, TEST_POSTGRES_URL } from './helpers/server.js'
import { spawnServer } from './helpers/server-process.js'

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
const VERSIONS = readMigrations('postgres').map((m) => m.version)

function projectplane(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }))
  })
}

async function query(sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}

const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropPostgresSchema(schema)
})

describe('projectplane migrate', () => {
  it('migrates a PostgreSQL schema once when three run at the same moment', async () => {
    const schema = newPostgresSchema()
    schemas.push(schema)
    const runs = await Promise.all([1, 2, 3].map(() => projectplane(['migrate'], postgresEnv(schema))))
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0])
    const where = `postgres://postgres@127.0.0.1:5432/test (schema ${schema})`
    expect(runs.map((r) => r.stdout).sort()).toEqual([
      `projectplane: applied ${VERSIONS.join(', ')} to ${where}.\n`,
      `projectplane: the schema of ${where} is up to date.\n`,
      `projectplane: the schema of ${where} is up to date.\n`,
    ])
    expect(await query(`select version from ${schema}.schema_migrations order by version`)).toEqual(VERSIONS.map((version) => ({ version })))
  })

  it('migrates the embedded store in DATA_DIR', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-migrate-'))
    const first = await projectplane(['migrate'], { DATA_DIR: dataDir })
    expect(first).toEqual({ code: 0, stdout: `projectplane: applied ${VERSIONS.join(', ')} to ${dataDir}/projectplane.sqlite.\n`, stderr: '' })
    const again = await projectplane(['migrate'], { DATA_DIR: dataDir })
    expect(again.stdout).toBe(`projectplane: the schema of ${dataDir}/projectplane.sqlite is up to date.\n`)
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('refuses, as the server does, a store that a newer release migrated', async () => {
    const schema = newPostgresSchema()
    schemas.push(schema)
    expect((await projectplane(['migrate'], postgresEnv(schema))).code).toBe(0)
    await query(`insert into ${schema}.schema_migrations (version, applied_at) values ('9999_from_the_future', '2027-01-01T00:00:00.000000Z')`)
    const message = 'projectplane: The store has migrations this version of projectplane does not know (9999_from_the_future): ' +
      'it was written by a newer release. Upgrade projectplane or point it at another store.\n'
    expect(await projectplane(['migrate'], postgresEnv(schema))).toEqual({ code: 3, stdout: '', stderr: message })
    await expect(spawnServer(postgresEnv(schema))).rejects.toThrow(message.trim())
  })

  it('suggests the command meant when given an unknown one', async () => {
    const res = await projectplane(['migrat'], {})
    expect(res.code).toBe(2)
    expect(res.stderr).toBe("projectplane: unknown command 'migrat'\n(Did you mean migrate?)\n(see 'projectplane --help')\n")
  })
})
