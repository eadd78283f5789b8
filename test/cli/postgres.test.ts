/**
 * The account commands on PostgreSQL, beside a running server on the same schema: nothing is
 * locked, and the server sees each change at once (a new user logs in, a disabled key stops
 * signing within the cross-instance cache time).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { AUTH_CACHE_TTL_MS } from '../../src/services/iam/tokens/service.js'
import { signRequest } from '../helpers/huawei-sdk.js'
import { dropPostgresSchema, newPostgresSchema, postgresEnv } from '../helpers/server.js'
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'
import { ADMIN_PASSWORD, json, login, projectplane } from './run-cli.js'

const schema = newPostgresSchema()
const env = { ...postgresEnv(schema), PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD }
let server: ServerProcess | undefined

afterAll(async () => {
  await server?.stop()
  await dropPostgresSchema(schema)
})

async function signedStatus(url: string, key: { access: string; secret: string }): Promise<number> {
  const signed = signRequest({ endpoint: url, method: 'GET', path: '/v3/auth/projects', key })
  const res = await fetch(signed.url, signed.init)
  await res.arrayBuffer()
  return res.status
}

describe('projectplane on PostgreSQL beside a running server', () => {
  it('manages users, groups and keys while the server serves them', async () => {
    server = await spawnServer(env)
    const url = server.url
    expect((await json(['group', 'create', 'ops'], { env })).name).toBe('ops')
    const pat = await json(['user', 'create', 'pat', '--password', 'Pat-Pw-123', '--group', 'ops'], { env })
    expect(await login(url, 'projectplane', 'pat', 'Pat-Pw-123')).toBe(201)
    expect((await json(['group', 'members', 'ops'], { env })).map((u: { id: string }) => u.id)).toEqual([pat.id])

    const key = await json(['key', 'create', '--user', 'pat'], { env })
    expect(await signedStatus(url, key)).toBe(200)
    expect(await projectplane(['key', 'disable', key.access], { env })).toEqual({ code: 0, stderr: '', stdout: `Access key ${key.access} is now inactive.\n` })
    const deadline = Date.now() + AUTH_CACHE_TTL_MS + 2000
    let status = await signedStatus(url, key)
    while (status === 200 && Date.now() < deadline) status = await signedStatus(url, key)
    expect(status).toBe(401)

    expect((await json(['key', 'list', '--user', 'pat'], { env })).map((k: { status: string }) => k.status)).toEqual(['inactive'])
    expect(await projectplane(['key', 'delete', key.access], { env })).toMatchObject({ code: 0 })
    expect(await json(['key', 'list'], { env })).toEqual([])
    expect(await projectplane(['migrate'], { env })).toEqual({
      code: 0, stderr: '', stdout: `projectplane: the schema of postgres://postgres@127.0.0.1:5432/test (schema ${schema}) is up to date.\n`,
    })

    const second = await json(['bootstrap', '--account', 'second', '--admin-password', 'Second-Pw-1'], { env })
    expect(second.account.name).toBe('second')
    expect(await login(url, 'second', 'admin', 'Second-Pw-1')).toBe(201)
    expect(await projectplane(['user', 'delete', 'pat', '--account', 'projectplane'], { env })).toEqual({ code: 0, stderr: '', stdout: "Deleted user 'pat'.\n" })
    expect(await login(url, 'projectplane', 'pat', 'Pat-Pw-123')).toBe(401)
  })
})
