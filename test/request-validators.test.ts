/**
 * Request validators compile on first use (src/http/lazy-validators.ts). A schema ajv cannot
 * compile must still fail the build, not the first request that needs it: this compiles every
 * route's validators in every flavour. And a route's first request is validated as before.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { FLAVOUR_NAMES } from '../src/flavours.js'
import { LazyValidators } from '../src/http/lazy-validators.js'
import { call, startServer, type TestServer } from './helpers/server.js'

describe('request validators', () => {
  const servers: TestServer[] = []
  afterAll(async () => { await Promise.all(servers.map((s) => s.close())) })

  it.each([...FLAVOUR_NAMES])('all compile in the %s flavour', async (flavour) => {
    const s = await startServer({ flavour })
    servers.push(s)
    await expect(s.server.compileValidators()).resolves.toBeUndefined()
  })

  it('a schema ajv refuses fails compileAll, which is what the test above relies on', async () => {
    const validators = new LazyValidators()
    const build = validators.schemaController.compilersFactory.buildValidator as unknown as (externalSchemas: unknown, options: unknown) => (route: object) => unknown
    const compile = build({}, { customOptions: {} })
    compile({ schema: { type: 'no-such-type' }, method: 'POST', url: '/x', httpPart: 'body' })
    await expect(validators.compileAll()).rejects.toThrow(/no-such-type|type must be/)
  })

  it("validate a route's first request, as an eagerly compiled one did", async () => {
    const s = await startServer()
    servers.push(s)
    const token = await s.adminToken()
    const refused = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 7 } } })
    expect(refused.status, refused.text).toBe(400)
    expect(refused.body).toEqual({ error: { code: 400, message: "Invalid input for field 'project/name': 7 is not of type 'string'", title: 'Bad Request' } })
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_first' } } })
    expect(created.status, created.text).toBe(201)
  })
})
