/**
 * The fuzz suite over every operation of the server's own `/openapi.json` (issue 19): fast-check
 * makes requests with real and odd ids, mutated and malformed bodies, odd query values and
 * headers, and every kind of caller, and the server must keep its invariants:
 *   - never a 5xx, and never a hang (each request has REQUEST_TIMEOUT_MS);
 *   - every refusal in the error format of the service owning the operation, no body to a HEAD;
 *   - a refused write changes nothing (a state export before and after a batch of them);
 *   - the server is alive and answering correctly at the end.
 * A fixed seed and a bounded count in CI; `FUZZ_RUNS=… npm run test:fuzz` for a long run
 * (fuzz-settings.ts). SQLite only: what it tests is the HTTP surface; the stores are proven
 * by the store-backed suites on both databases.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportState } from '../../src/state/export-state.js'
import { signRequest, type AccessKey } from '../helpers/huawei-sdk.js'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createPlainUser, tokenFor } from '../helpers/fixtures.js'
import { recordSecret } from '../helpers/secrets.js'
import { errorShapeProblem } from './error-shapes.js'
import { fcParameters, FUZZ_RUNS, REQUEST_TIMEOUT_MS, timeoutFor } from './fuzz-settings.js'
import { operationsOf, requestFor, type FuzzRequest, type Operation } from './openapi-requests.js'

const PASSWORD = 'Fuzz-Passw0rd!'
/** The refused-writes property runs batches of this many requests between two state exports. */
const BATCH = 8

interface Answer { status: number; text: string; contentType: string | null }

describe('fuzz: every operation of /openapi.json (huaweicloud)', () => {
  let s: TestServer
  let doc: any
  let ops: Operation[]
  let adminToken: string
  let userToken: string
  let key: AccessKey
  let realIds: string[]
  let otherProject: string

  beforeAll(async () => {
    s = await startServer()
    adminToken = await s.adminToken()
    await createPlainUser(s, s.account.id, 'fuzz-user', PASSWORD)
    userToken = await tokenFor(s, 'fuzz-user', PASSWORD, s.account.name)
    recordSecret('token', userToken)
    const admin = (await call(`${s.url}/v3/users?name=${s.adminUser}`, { token: adminToken })).body.users[0]
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: adminToken, body: { credential: { user_id: admin.id } } })
    key = { access: created.body.credential.access, secret: created.body.credential.secret }
    const ep = await call(`${s.url}/v1.0/enterprise-projects`, { method: 'POST', token: adminToken, body: { name: 'fuzz-ep' } })
    expect(ep.status, ep.text).toBe(201)
    doc = (await call(`${s.url}/openapi.json`)).body
    ops = operationsOf(doc)
    // Real ids make the requests reach past routing into the services; the admin's own user is
    // left out so a fuzzed DELETE cannot take the suite's caller away.
    const db = s.server.db.kysely
    const [projects, users, groups, roles] = await Promise.all([
      db.selectFrom('projects').select('id').execute(),
      db.selectFrom('users').select('id').where('id', '!=', admin.id).execute(),
      db.selectFrom('user_groups').select('id').execute(),
      db.selectFrom('roles').select('id').limit(5).execute(),
    ])
    otherProject = projects.find((p) => p.id !== s.account.id)?.id ?? s.account.id
    realIds = [s.account.id, ep.body.enterprise_project.id, key.access, ...[projects, users, groups, roles].flat().map((r) => r.id)]
  })
  afterAll(() => s?.close())

  /** The request as sent: its caller turned into headers (a signature is made over what is sent). */
  function wire(request: FuzzRequest): { url: string; init: RequestInit } {
    const qs = new URLSearchParams(request.query).toString()
    const url = `${s.url}${request.path}${qs ? `?${qs}` : ''}`
    const headers: Record<string, string> = { ...request.headers }
    const { caller } = request
    if (caller.kind === 'token') headers['x-auth-token'] = caller.who === 'admin' ? adminToken : userToken
    if (caller.kind === 'bad-token') headers['x-auth-token'] = caller.value
    if (caller.kind === 'bad-signature') {
      headers.authorization = caller.authorization
      headers['x-sdk-date'] = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')
    }
    if (caller.kind === 'signed') {
      const scope: Record<string, string> = { none: {}, 'empty-project': { 'X-Project-Id': '' }, 'empty-domain': { 'X-Domain-Id': '' }, 'other-project': { 'X-Project-Id': otherProject } }[caller.scope]
      let parsed: unknown
      try { parsed = request.body === undefined ? undefined : JSON.parse(request.body) } catch { parsed = undefined }
      try {
        const signed = signRequest({ endpoint: s.url, method: request.method, path: request.path, query: request.query, body: parsed, key, headers: { ...headers, ...scope } })
        return { url: signed.url, init: { method: request.method, headers: signed.init.headers, body: request.body } }
      } catch {
        // The SDK's signer refused the odd request: it goes out unsigned.
      }
    }
    return { url, init: { method: request.method, headers, body: request.body } }
  }

  async function send(request: FuzzRequest): Promise<Answer> {
    const { url, init } = wire(request)
    const started = Date.now()
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') }
    } catch (error) {
      if ((error as Error).name === 'TimeoutError' || Date.now() - started >= REQUEST_TIMEOUT_MS) {
        throw new Error(`${request.method} ${request.path} hung: no answer in ${REQUEST_TIMEOUT_MS} ms`)
      }
      throw new Error(`${request.method} ${request.path}: ${(error as Error).message} (${String((error as { cause?: unknown }).cause)})`)
    }
  }

  /** The invariants every answer keeps; a message naming the broken one, or undefined. */
  function problemWith(op: Operation, request: FuzzRequest, answer: Answer): string | undefined {
    const what = `${request.method} ${request.path} answered ${answer.status}`
    if (answer.status >= 500) return `${what}: a 5xx (${answer.text.slice(0, 300)})`
    if (request.method === 'HEAD') return answer.text === '' ? undefined : `${what} with a body`
    if (answer.status < 400) return undefined
    if (!answer.contentType?.startsWith('application/json')) return `${what} as ${answer.contentType}`
    let body: unknown
    try { body = JSON.parse(answer.text) } catch { return `${what}, not JSON: ${answer.text.slice(0, 200)}` }
    const shape = errorShapeProblem(op.service, answer.status, body)
    return shape === undefined ? undefined : `${what} (${op.service}): ${shape}: ${answer.text.slice(0, 300)}`
  }

  const check = async (op: Operation, request: FuzzRequest) => {
    const problem = problemWith(op, request, await send(request))
    if (problem) throw new Error(problem)
  }

  const anyRequest = () => fc.constantFrom(...ops).chain((op) => requestFor(doc, op, realIds, key.access).map((request) => ({ op, request })))

  it('lists operations of every service', () => {
    expect(new Set(ops.map((op) => op.service))).toEqual(new Set(['iam', 'eps', 'coc', 'cts']))
    expect(ops.length).toBeGreaterThan(100)
  })

  it('answers one fuzzed request of every operation within the invariants', async () => {
    for (const [index, op] of ops.entries()) {
      const [request] = fc.sample(requestFor(doc, op, realIds, key.access), { numRuns: 1, seed: fcParameters(1).seed + index })
      await check(op, request!)
    }
  }, timeoutFor(400))

  it('keeps the invariants over random requests to random operations', async () => {
    await fc.assert(fc.asyncProperty(anyRequest(), async ({ op, request }) => check(op, request)), fcParameters(FUZZ_RUNS))
  }, timeoutFor(FUZZ_RUNS))

  it('changes nothing on refused writes (a state export before and after each batch)', async () => {
    const writes = ops.filter((op) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method))
    // Callers the server must refuse whatever the request: none, garbage, a broken signature,
    // a good signature with an empty scope header, and a good token with a body that is not JSON.
    const refused = fc.constantFrom(...writes).chain((op) => requestFor(doc, op, realIds, key.access).chain((request) => fc.oneof(
      fc.constant({ ...request, caller: { kind: 'none' as const } }),
      fc.constant(request.caller.kind === 'bad-token' || request.caller.kind === 'bad-signature' ? request : { ...request, caller: { kind: 'bad-token' as const, value: 'gAAAAAB-not-a-token' } }),
      fc.constantFrom('empty-project' as const, 'empty-domain' as const).map((scope) => ({ ...request, caller: { kind: 'signed' as const, scope } })),
      fc.constantFrom('{', '{"a":', '[1,', 'nul').map((body) => ({ ...request, body, headers: { ...request.headers, 'content-type': 'application/json' }, caller: { kind: 'token' as const, who: 'admin' as const } })),
    ).map((r) => ({ op, request: r }))))
    const exportNow = async () => JSON.stringify(await exportState(s.server.db, { flavour: 'huaweicloud', now: 0 }))
    const runs = Math.max(10, Math.ceil(FUZZ_RUNS / (4 * BATCH)))
    await fc.assert(fc.asyncProperty(fc.array(refused, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const before = await exportNow()
      for (const { op, request } of batch) {
        const answer = await send(request)
        const problem = problemWith(op, request, answer)
        if (problem) throw new Error(problem)
        if (answer.status < 400) throw new Error(`${request.method} ${request.path} by ${request.caller.kind} was not refused: ${answer.status} ${answer.text.slice(0, 200)}`)
      }
      expect(await exportNow()).toBe(before)
    }), fcParameters(runs))
  }, timeoutFor(FUZZ_RUNS))

  it('is alive at the end, and answers as before', async () => {
    expect((await call(`${s.url}/healthz`)).status).toBe(200)
    const projects = await call(`${s.url}/v3/auth/projects`, { token: await s.adminToken() })
    expect(projects.status).toBe(200)
    expect((await call(`${s.url}/v3/projects`)).body).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } })
  })
})
