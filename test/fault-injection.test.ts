/**
 * Fault injection against the real server: configuration messages (in process and one start of
 * the built server), latency, errors in each service's own format, custom bodies, probabilities
 * with a seed, `times`, the runtime API and who may use it, the routes faults never touch, and
 * real clients retrying through injected faults (the Huawei SDK core, openstacksdk). Faults do
 * not touch the store, so this suite runs on SQLite only.
 */
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { seededRandom } from '../src/http/fault-injection.js'
import { call, startServer, type TestServer } from './helpers/server.js'
import { createAccount, createPlainUser, tokenFor } from './helpers/fixtures.js'
import { hcClient } from './helpers/huawei-sdk.js'
import { spawnServer } from './helpers/server-process.js'

const FAULTS = '/_projectplane/faults'
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const REQUEST_ID = /^[0-9a-f]{32}$/
const epsError = (code: string, message: string) => ({ error: { error_code: code, error_msg: message }, error_code: code, error_msg: message })
const iamError = (code: number, title: string, message: string) => ({ error: { code, message, title } })
const NOT_FOUND = iamError(404, 'Not Found', 'The resource could not be found.')

function configError(env: Record<string, string>, argv: string[] = []): string {
  try {
    loadConfig(env, argv)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

const rules = (...list: unknown[]) => JSON.stringify(list)

describe('fault configuration', () => {
  it('names the field and the value of a bad rule', () => {
    const bad = (...list: unknown[]) => configError({ FAULTS: rules(...list) })
    const ok = { path: '/v3/projects', error: { status: 503 } }
    expect(bad(ok, { ...ok, probability: 1.5 })).toBe('FAULTS[1].probability must be between 0 and 1; got 1.5')
    expect(bad({ ...ok, probability: '0.5' })).toBe('FAULTS[0].probability must be between 0 and 1; got "0.5"')
    expect(bad({ ...ok, error: { status: 200 } })).toBe('FAULTS[0].error.status must be a whole number from 400 to 599; got 200')
    expect(bad({ ...ok, error: { status: 503, header: {} } })).toBe('FAULTS[0].error.header is not a known field (status, body, headers)')
    expect(bad({ ...ok, error: { status: 503, headers: { 'Retry-After': 'a\nb' } } })).toBe('FAULTS[0].error.headers.Retry-After may not contain control characters')
    expect(bad({ ...ok, error: { status: 503, headers: { 'Bad Name': '1' } } })).toBe("FAULTS[0].error.headers: 'Bad Name' is not a valid header name")
    expect(bad({ ...ok, latency_ms: [50, 10] })).toBe('FAULTS[0].latency_ms must be milliseconds from 0 to 300000, or [min, max] with min <= max; got [50,10]')
    expect(bad({ ...ok, latency_ms: -1 })).toBe('FAULTS[0].latency_ms must be milliseconds from 0 to 300000, or [min, max] with min <= max; got -1')
    expect(bad({ path: '/v3' })).toBe('FAULTS[0] needs latency_ms, error or both')
    expect(bad({ ...ok, method: 'FETCH' })).toBe('FAULTS[0].method must be \'*\' or one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; got "FETCH"')
    expect(bad({ ...ok, method: ['get', 7] })).toBe('FAULTS[0].method[1] must be \'*\' or one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; got 7')
    expect(bad({ ...ok, path: 'v3/projects' })).toBe('FAULTS[0].path must be a path pattern starting with \'/\' (no spaces, \'?\' or \'#\'); got "v3/projects"')
    expect(bad({ ...ok, path: '/v3/pro**' })).toBe("FAULTS[0].path: '**' must be a whole path segment; got '/v3/pro**'")
    expect(bad({ ...ok, times: 0 })).toBe('FAULTS[0].times must be a whole number from 1 to 1000000000; got 0')
    expect(bad({ ...ok, name: 'has space' })).toBe('FAULTS[0].name must be 1 to 64 letters, digits, \'.\', \'_\', \':\' or \'-\'; got "has space"')
    expect(bad({ ...ok, latency: 5 })).toBe('FAULTS[0].latency is not a known field (name, method, path, probability, latency_ms, error, times)')
    expect(bad('503')).toBe('FAULTS[0] must be an object')
    expect(configError({ FAULTS: '{"path":"/v3"}' })).toBe('FAULTS must be a list of fault rules (or {"faults": [...]})')
    expect(configError({ FAULTS: '[{' })).toMatch(/^FAULTS is not valid JSON: /)
    expect(configError({ FAULTS: rules(ok), FAULTS_FILE: '/x.json' })).toBe('FAULTS and FAULTS_FILE: give one of them, not both')
    expect(configError({ FAULT_INJECTION: '1', FAULT_SEED: 'abc' })).toBe("FAULT_SEED must be a whole number from 0 to 4294967295; got 'abc'")
    expect(configError({ FAULTS: JSON.stringify(Array.from({ length: 101 }, () => ok)) })).toBe('FAULTS may hold at most 100 rules; got 101')
  })

  it('reads rules inline, from FAULTS_FILE or --faults (which wins), and is off unless asked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-faults-'))
    const file = path.join(dir, 'faults.json')
    fs.writeFileSync(file, JSON.stringify({ faults: [{ name: 'slow', latency_ms: [10, 20] }] }))
    const badFile = path.join(dir, 'bad.json')
    fs.writeFileSync(badFile, rules({ error: { status: 503 }, probability: 2 }))
    const slow = { rules: [{ name: 'slow', method: '*', path: '/**', probability: 1, latency_ms: [10, 20] }], seed: undefined }

    expect(loadConfig({}).faults).toBeUndefined()
    expect(loadConfig({ FAULT_INJECTION: '1' }).faults).toEqual({ rules: [], seed: undefined })
    expect(loadConfig({}, ['--fault-injection']).faults).toEqual({ rules: [], seed: undefined })
    expect(loadConfig({ FAULTS: rules({ method: 'put', path: '/v1/x', error: { status: 429 }, times: 2 }), FAULT_SEED: '7' }).faults).toEqual({
      rules: [{ method: ['PUT'], path: '/v1/x', probability: 1, error: { status: 429 }, times: 2 }], seed: 7,
    })
    expect(loadConfig({ FAULTS_FILE: file }).faults).toEqual(slow)
    expect(loadConfig({ FAULTS: rules({ error: { status: 500 } }) }, ['--faults', file]).faults).toEqual(slow)
    expect(configError({ FAULTS_FILE: badFile })).toBe(`${badFile}: FAULTS[0].probability must be between 0 and 1; got 2`)
    expect(configError({}, ['--faults', path.join(dir, 'missing.json')])).toMatch(/^faults file .*missing\.json cannot be read: ENOENT/)
    fs.rmSync(dir, { recursive: true })
  })

  it('stops the built server with exit 2 and the message', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', IN_MEMORY: '1', PORT: '0', FAULTS: rules({ path: '/v3', error: { status: 503 } }, { path: '/v3', error: { status: 503 }, probability: 7 }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(2)
    expect(stderr).toBe('projectplane: FAULTS[1].probability must be between 0 and 1; got 7\n')
  })
})

describe('fault injection (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let projectId: string

  const setFaults = async (...list: unknown[]) => {
    const res = await call(`${s.url}${FAULTS}`, { method: 'PUT', token: admin, body: { faults: list } })
    expect(res.status, res.text).toBe(200)
    return res.body
  }
  const getFaults = async () => (await call(`${s.url}${FAULTS}`, { token: admin })).body.faults

  beforeAll(async () => {
    s = await startServer({ env: { FAULT_INJECTION: '1', FAULT_SEED: '42' } })
    admin = await s.adminToken()
    projectId = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token: admin })).body.projects[0].id
  })
  afterAll(() => s.close())

  it('delays a matching request by the latency, then serves the real answer', async () => {
    await setFaults({ method: 'GET', path: '/v3/projects/:project_id', latency_ms: 150 })
    const started = performance.now()
    const res = await call(`${s.url}/v3/projects/${projectId}`, { token: admin })
    const elapsed = performance.now() - started
    expect(res.status).toBe(200)
    expect(res.body.project).toMatchObject({ id: projectId, name: 'cn-north-4' })
    expect(res.headers.get('x-projectplane-fault')).toBe('0')
    expect(elapsed).toBeGreaterThanOrEqual(150)
    // Another path, another method: untouched, and fast.
    const other = performance.now()
    const list = await call(`${s.url}/v3/projects`, { token: admin })
    expect(list.status).toBe(200)
    expect(list.headers.get('x-projectplane-fault')).toBeNull()
    expect(performance.now() - other).toBeLessThan(150)
  })

  it('draws a latency range from [min, max]', async () => {
    await setFaults({ name: 'jitter', path: '/v3', latency_ms: [60, 90] })
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      const res = await call(`${s.url}/v3`)
      const elapsed = performance.now() - started
      expect(res.status).toBe(200)
      expect(res.headers.get('x-projectplane-fault')).toBe('jitter')
      expect(elapsed).toBeGreaterThanOrEqual(60)
      expect(elapsed).toBeLessThan(90 + 200)
    }
  })

  it('answers IAM routes with Keystone error bodies', async () => {
    await setFaults(
      { name: 'iam-503', method: 'GET', path: '/v3/projects/*', error: { status: 503 } },
      { name: 'iam-429', method: 'PATCH', path: '/v3/projects/:id', error: { status: 429 } },
      { name: 'iam-401', method: 'GET', path: '/v3/users', error: { status: 401 } },
    )
    const unavailable = await call(`${s.url}/v3/projects/${projectId}`, { token: admin })
    expect(unavailable.status).toBe(503)
    expect(unavailable.body).toEqual(iamError(503, 'Service Unavailable', 'The service is temporarily unavailable. Please retry later.'))
    expect(unavailable.headers.get('retry-after')).toBe('1')
    expect(unavailable.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(unavailable.headers.get('x-projectplane-fault')).toBe('iam-503')
    expect(unavailable.headers.get('x-request-id')).toMatch(REQUEST_ID)
    expect(unavailable.headers.get('x-openstack-request-id')).toBe(`req-${unavailable.headers.get('x-request-id')}`)

    const throttled = await call(`${s.url}/v3/projects/${projectId}`, { method: 'PATCH', token: admin, body: { project: { description: 'x' } } })
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('retry-after')).toBe('1')
    expect(throttled.body).toEqual(iamError(429, 'Too Many Requests', 'Too many requests. Please retry later.'))
    // The PATCH never reached the service.
    expect((await call(`${s.url}/v3/projects`, { token: admin })).body.projects.find((p: { id: string }) => p.id === projectId).description).not.toBe('x')

    const unauthorized = await call(`${s.url}/v3/users`, { token: admin })
    expect(unauthorized.status).toBe(401)
    expect(unauthorized.body).toEqual(iamError(401, 'Unauthorized', 'The request you have made requires authentication.'))
    expect(unauthorized.headers.get('www-authenticate')).toBe(`Keystone uri="${s.url}/v3"`)
    expect(unauthorized.headers.get('retry-after')).toBeNull()
  })

  it('answers EPS routes with EPS bodies, and gateway statuses with the API gateway codes', async () => {
    await setFaults(
      { method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 503 }, times: 1 },
      { method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 429 }, times: 1 },
      { method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 504 }, times: 1 },
      { method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 502 }, times: 1 },
      { method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 500 }, times: 1 },
      { method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 409 }, times: 1 },
      { method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 404 }, times: 1 },
    )
    const expected = [
      [503, epsError('EPS.0000', 'The system is busy, please try again later.'), '1'],
      [429, epsError('APIG.0308', 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute'), '1'],
      [504, epsError('APIG.0203', 'Backend timeout.'), null],
      [502, epsError('EPS.0001', 'System error.'), null],
      [500, epsError('EPS.0001', 'System error.'), null],
      [409, epsError('EPS.0041', 'Conflict.'), null],
      [404, epsError('EPS.0005', 'Requested resources not found.'), null],
    ] as const
    for (const [i, [status, body, retryAfter]] of expected.entries()) {
      const res = await call(`${s.url}/v1.0/enterprise-projects`, { token: admin })
      expect({ status: res.status, body: res.body, retryAfter: res.headers.get('retry-after'), fault: res.headers.get('x-projectplane-fault') })
        .toEqual({ status, body, retryAfter, fault: String(i) })
    }
    const served = await call(`${s.url}/v1.0/enterprise-projects`, { token: admin })
    expect(served.status).toBe(200)
    expect(served.body.total_count).toBe(1)
  })

  it('answers COC routes with COC bodies', async () => {
    await setFaults(
      { method: 'PUT', path: '/v1/enterprise-project-collect', error: { status: 500 }, times: 1 },
      { method: 'PUT', path: '/v1/enterprise-project-collect', error: { status: 503 }, times: 1 },
      { method: 'PUT', path: '/v1/enterprise-project-collect', error: { status: 429 }, times: 1 },
      { method: 'PUT', path: '/v1/enterprise-project-collect', error: { status: 400 }, times: 1 },
      { method: 'PUT', path: '/v1/enterprise-project-collect', error: { status: 403 }, times: 1 },
    )
    const body = { ep_id_list: ['0'] }
    const expected = [
      [500, { error_code: 'COC.00010001', error_msg: 'System error.' }, null],
      [503, { error_code: 'COC.00010005', error_msg: 'The system is busy, please try again later.' }, '1'],
      [429, { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute' }, '1'],
      [400, { error_code: 'COC.00010002', error_msg: 'Invalid parameter values. The server could not comply with the request since it is either malformed or otherwise incorrect.' }, null],
      [403, { error_code: 'COC.00010003', error_msg: 'Permission denied.' }, null],
    ] as const
    for (const [status, wire, retryAfter] of expected) {
      const res = await call(`${s.url}/v1/enterprise-project-collect`, { method: 'PUT', token: admin, body })
      expect({ status: res.status, body: res.body, retryAfter: res.headers.get('retry-after') }).toEqual({ status, body: wire, retryAfter })
    }
    expect((await call(`${s.url}/v1/enterprise-project-collect`, { method: 'PUT', token: admin, body })).status).toBe(200)
  })

  it('sends a custom body and headers as given', async () => {
    await setFaults(
      { method: 'GET', path: '/v3/regions', error: { status: 503, body: { message: 'maintenance' }, headers: { 'Retry-After': 7, 'X-Maintenance': 'yes' } } },
      { method: 'GET', path: '/v3/regions/*', error: { status: 502, body: '<html><body>502 Bad Gateway</body></html>', headers: { 'Content-Type': 'text/html' } } },
      { method: 'GET', path: '/v3/domains', error: { status: 503, headers: { 'Retry-After': null } } },
    )
    const json = await call(`${s.url}/v3/regions`, { token: admin })
    expect(json.status).toBe(503)
    expect(json.text).toBe('{"message":"maintenance"}')
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(json.headers.get('retry-after')).toBe('7')
    expect(json.headers.get('x-maintenance')).toBe('yes')
    expect(json.headers.get('x-request-id')).toMatch(REQUEST_ID)
    expect(json.headers.get('x-projectplane-fault')).toBe('0')

    const html = await call(`${s.url}/v3/regions/cn-north-4`, { token: admin })
    expect(html.status).toBe(502)
    expect(html.text).toBe('<html><body>502 Bad Gateway</body></html>')
    expect(html.headers.get('content-type')).toBe('text/html')

    const noRetryAfter = await call(`${s.url}/v3/domains`, { token: admin })
    expect(noRetryAfter.status).toBe(503)
    expect(noRetryAfter.headers.get('retry-after')).toBeNull()
  })

  it('applies before authentication, and to paths no route serves', async () => {
    await setFaults({ path: '/v3/**', error: { status: 503 } })
    const noToken = await call(`${s.url}/v3/projects`)
    expect(noToken.status).toBe(503)
    expect(noToken.body).toEqual(iamError(503, 'Service Unavailable', 'The service is temporarily unavailable. Please retry later.'))
    const badToken = await call(`${s.url}/v3/projects`, { token: 'garbage' })
    expect(badToken.status).toBe(503)
    expect((await call(`${s.url}/v3/no/such/route`)).status).toBe(503)
    // `**` also matches the bare prefix; a sibling prefix is not inside it.
    expect((await call(`${s.url}/v3`)).status).toBe(503)
    expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { token: admin })).status).not.toBe(503)
  })

  it('never fires at probability 0', async () => {
    await setFaults({ path: '/v3', error: { status: 503 }, probability: 0 })
    for (let i = 0; i < 50; i++) expect((await call(`${s.url}/v3`)).status).toBe(200)
    expect(await getFaults()).toEqual([{ method: '*', path: '/v3', probability: 0, error: { status: 503 }, injected: 0 }])
  })

  it('gives the same sequence for the same FAULT_SEED, about half of the time at probability 0.5', async () => {
    const rule = { path: '/v3', error: { status: 503 }, probability: 0.5 }
    const sequence = async (url: string) => {
      const statuses: number[] = []
      for (let i = 0; i < 200; i++) statuses.push((await call(`${url}/v3`)).status)
      return statuses
    }
    await setFaults(rule)
    const first = await sequence(s.url)
    await setFaults(rule) // a PUT restarts the seeded PRNG
    const second = await sequence(s.url)
    expect(second).toEqual(first)
    const faulted = first.filter((status) => status === 503).length
    expect(first.filter((status) => status !== 503 && status !== 200)).toEqual([])
    expect(faulted).toBeGreaterThan(70)
    expect(faulted).toBeLessThan(130)
    expect((await getFaults())[0].injected).toBe(faulted)
    // The seed alone decides: mulberry32(42) draws below 0.5 exactly where the server faulted.
    const random = seededRandom(42)
    expect(first.map((status) => status === 503)).toEqual(Array.from({ length: 200 }, () => random() < 0.5))

    // A new server started with the same seed and rules from FAULTS: the same sequence again.
    const again = await startServer({ env: { FAULTS: JSON.stringify([rule]), FAULT_SEED: '42' } })
    try {
      expect(await sequence(again.url)).toEqual(first)
    } finally {
      await again.close()
    }
  })

  it('counts `times` down, then serves normally', async () => {
    await setFaults({ name: 'twice', method: 'GET', path: '/v3/regions', error: { status: 503 }, times: 2 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await call(`${s.url}/v3/regions`, { token: admin })).status)
    expect(statuses).toEqual([503, 503, 200, 200])
    expect(await getFaults()).toEqual([{ name: 'twice', method: ['GET'], path: '/v3/regions', probability: 1, error: { status: 503 }, times: 2, injected: 2, remaining: 0 }])
  })

  it('tries rules in order: the first that matches and fires applies', async () => {
    await setFaults(
      { name: 'first', path: '/v3', method: 'GET', error: { status: 500 }, times: 1 },
      { name: 'second', path: '/v3', error: { status: 503 } },
    )
    expect((await call(`${s.url}/v3`)).headers.get('x-projectplane-fault')).toBe('first')
    expect((await call(`${s.url}/v3`)).headers.get('x-projectplane-fault')).toBe('second')
  })

  it('never touches the fault API itself, /healthz, /readyz or /metrics', async () => {
    await setFaults({ path: '/**', error: { status: 503 } })
    const listed = await call(`${s.url}${FAULTS}`, { token: admin })
    expect(listed.status).toBe(200)
    expect(listed.headers.get('x-projectplane-fault')).toBeNull()
    for (const p of ['/healthz', '/readyz', '/metrics']) {
      const res = await call(`${s.url}${p}`)
      expect(res.status, p).not.toBe(503)
      expect(res.headers.get('x-projectplane-fault'), p).toBeNull()
    }
    expect((await call(`${s.url}/v3`)).status).toBe(503)
  })

  it('replaces, shows and clears the rules through the runtime API', async () => {
    const put = await setFaults({ name: 'a', method: ['get', 'HEAD'], path: '/v3/projects', latency_ms: [1, 2] }, { path: '/v1.0/**', error: { status: 503, body: 'x' } })
    const shown = [
      { name: 'a', method: ['GET', 'HEAD'], path: '/v3/projects', probability: 1, latency_ms: [1, 2], injected: 0 },
      { method: '*', path: '/v1.0/**', probability: 1, error: { status: 503, body: 'x' }, injected: 0 },
    ]
    expect(put).toEqual({ faults: shown })
    const got = await call(`${s.url}${FAULTS}`, { token: admin })
    expect(got.status).toBe(200)
    expect(got.body).toEqual({ faults: shown })
    // A second PUT replaces the list: it does not add to it.
    await setFaults({ path: '/v3', latency_ms: 1 })
    expect(await getFaults()).toEqual([{ method: '*', path: '/v3', probability: 1, latency_ms: 1, injected: 0 }])
    const deleted = await call(`${s.url}${FAULTS}`, { method: 'DELETE', token: admin })
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    expect(await getFaults()).toEqual([])
    expect((await call(`${s.url}/v3`)).headers.get('x-projectplane-fault')).toBeNull()
  })

  it('refuses a bad PUT with a precise 400 and keeps the rules it had', async () => {
    await setFaults({ name: 'kept', path: '/v3', latency_ms: 1 })
    const bad = async (body: unknown, message: string) => {
      const res = await call(`${s.url}${FAULTS}`, { method: 'PUT', token: admin, body })
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: iamError(400, 'Bad Request', message) })
    }
    await bad({ faults: [{ path: '/v3', error: { status: 503 } }, { path: '/v3', error: { status: 503 }, probability: 2 }] }, 'faults[1].probability must be between 0 and 1; got 2')
    await bad({ faults: [{ path: '/v3', error: { status: 99 } }] }, 'faults[0].error.status must be a whole number from 400 to 599; got 99')
    await bad({ faults: { path: '/v3' } }, 'faults must be a list of fault rules')
    await bad([{ path: '/v3', latency_ms: 1 }], 'The request body must be {"faults": [rules]}.')
    await bad({ rules: [] }, 'The request body must be {"faults": [rules]}.')
    await bad({ faults: [], extra: 1 }, 'extra is not a known field (faults)')
    await bad('{"faults": [', 'Expecting to find valid JSON in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.')
    expect((await getFaults()).map((r: { name?: string }) => r.name)).toEqual(['kept'])
  })

  it('lets only the operator use the runtime API: 401 without a token, 403 for others', async () => {
    const noToken = await call(`${s.url}${FAULTS}`)
    expect(noToken.status).toBe(401)
    expect(noToken.body).toEqual(iamError(401, 'Unauthorized', 'The request you have made requires authentication.'))
    expect(noToken.headers.get('www-authenticate')).toBe(`Keystone uri="${s.url}/v3"`)

    // A user of the operator's account without a role.
    await createPlainUser(s, s.account.id, 'plain', 'Plain-Passw0rd!')
    const plain = await tokenFor(s, 'plain', 'Plain-Passw0rd!', s.account.name)
    // The administrator of another account: allowed everything in it, but faults reach every account.
    const other = await createAccount(s, 'other-account', 'Other-Passw0rd!')
    const otherAdmin = await tokenFor(s, 'admin', 'Other-Passw0rd!', other.name)
    for (const [who, token] of [['plain user', plain], ['other account admin', otherAdmin]] as const) {
      for (const [method, action] of [['GET', 'get_faults'], ['PUT', 'update_faults'], ['DELETE', 'delete_faults']] as const) {
        const res = await call(`${s.url}${FAULTS}`, { method, token, ...(method === 'PUT' ? { body: { faults: [] } } : {}) })
        expect({ who, method, status: res.status, body: res.body }).toEqual({
          who, method, status: 403, body: iamError(403, 'Forbidden', `You are not authorized to perform the requested action: projectplane:${action}.`),
        })
      }
    }
    // The other account's admin can manage its own account as before.
    expect((await call(`${s.url}/v3/projects`, { token: otherAdmin })).status).toBe(200)
  })

  it('lets in the operator account whoever its roles or custom policies allow', async () => {
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await call(`${s.url}${p}`, { method, token: admin, body })
      expect(res.status, `${method} ${p}: ${res.text}`).toBeLessThan(300)
      return res.body
    }
    const roleId = async (name: string) => (await api('GET', `/v3/roles?name=${name}`)).roles[0].id as string
    const persona = async (name: string, role: string) => {
      await api('POST', '/v3/users', { user: { name, password: 'Persona-Passw0rd!', domain_id: s.account.id } })
      const user = (await api('GET', `/v3/users?name=${name}`)).users[0].id
      await api('PUT', `/v3/domains/${s.account.id}/users/${user}/roles/${role}`)
      return tokenFor(s, name, 'Persona-Passw0rd!', s.account.name)
    }
    const readFaults = await api('POST', '/v3.0/OS-ROLE/roles', {
      role: { display_name: 'ReadFaults', type: 'AX', description: 'read faults', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['projectplane:faults:get'] }] } },
    })
    const tenantAdmin = await persona('p-te', await roleId('te_admin'))
    const securityAdmin = await persona('p-secu', await roleId('secu_admin'))
    const reader = await persona('p-reader', readFaults.role.id)
    const status = async (token: string, method = 'GET') =>
      (await call(`${s.url}${FAULTS}`, { method, token, ...(method === 'PUT' ? { body: { faults: [] } } : {}) })).status
    expect(await status(tenantAdmin)).toBe(200)
    expect(await status(tenantAdmin, 'PUT')).toBe(200)
    // IAM's own administrator role covers identity actions only.
    expect(await status(securityAdmin)).toBe(403)
    expect(await status(reader)).toBe(200)
    expect(await status(reader, 'PUT')).toBe(403)
    // The clouds' management APIs want a domain-scoped token.
    const projectScoped = await tokenFor(s, 'p-te', 'Persona-Passw0rd!', s.account.name, { project: { id: projectId } })
    expect(await status(projectScoped)).toBe(403)
  })

  it('retries with the Huawei SDK core: a 504 goes to the backup endpoint, a 503 comes back as an exception', async () => {
    /* eslint-disable @typescript-eslint/no-explicit-any */
    const list = (hc: any) => hc.sendRequest({
      method: 'GET', url: '/v1.0/enterprise-projects', contentType: 'application/json', pathParams: {}, queryParams: {}, headers: { 'X-Auth-Token': admin },
    })
    // The SDK core retries only 504s and connection failures, once, on the second endpoint.
    await setFaults({ method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 504 }, times: 1 })
    const withBackup = hcClient(undefined, [s.url, s.url] as unknown as string)
    const retried = await list(withBackup)
    expect(retried.httpStatusCode).toBe(200)
    expect(retried.total_count).toBe(1)
    expect((await getFaults())[0]).toMatchObject({ injected: 1, remaining: 0 })

    // With one endpoint, or for a 503 or 429, it does not retry: the caller sees the service's error.
    await setFaults({ method: 'GET', path: '/v1.0/enterprise-projects', error: { status: 503 }, times: 1 })
    const failure = await list(hcClient(undefined, s.url)).then(() => undefined, (e: any) => e)
    expect(failure).toMatchObject({ name: 'ServerResponseException', httpStatusCode: 503, errorCode: 'EPS.0000', errorMsg: 'The system is busy, please try again later.' })
    expect((await list(hcClient(undefined, s.url))).httpStatusCode).toBe(200)
  })
})

describe('fault injection when it is off, and in the keystone flavour', () => {
  it('has no runtime API and no hook unless enabled', async () => {
    const s = await startServer()
    try {
      const token = await s.adminToken()
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await call(`${s.url}${FAULTS}`, { method, token, ...(method === 'PUT' ? { body: { faults: [] } } : {}) })
        expect({ method, status: res.status, body: res.body }).toEqual({ method, status: 404, body: NOT_FOUND })
      }
      expect(s.server.app.hasRoute({ method: 'GET', url: FAULTS })).toBe(false)
    } finally {
      await s.close()
    }
  })

  it('lets the keystone cloud admin use it (admin anywhere, as Keystone 22 with enforce_scope off), and no member', async () => {
    const s = await startServer({ flavour: 'keystone', env: { FAULT_INJECTION: '1' } })
    try {
      const token = await s.adminToken()
      const put = await call(`${s.url}${FAULTS}`, { method: 'PUT', token, body: { faults: [{ path: '/v3/projects', error: { status: 503 } }] } })
      expect(put.status, put.text).toBe(200)
      const faulted = await call(`${s.url}/v3/projects`, { token })
      expect(faulted.status).toBe(503)
      expect(faulted.body).toEqual(iamError(503, 'Service Unavailable', 'The service is temporarily unavailable. Please retry later.'))
      expect((await call(`${s.url}${FAULTS}`, { method: 'DELETE', token })).status).toBe(204)
      // A second domain's user holding `admin` on a project of it is the cloud admin (Keystone 22's
      // defaults with enforce_scope off); one holding `member` there is not.
      const domain = (await call(`${s.url}/v3/domains`, { method: 'POST', token, body: { domain: { name: 'd2' } } })).body.domain
      const project = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'p2', domain_id: domain.id } } })).body.project
      const user = (await call(`${s.url}/v3/users`, { method: 'POST', token, body: { user: { name: 'u2', password: 'pw', domain_id: domain.id } } })).body.user
      const member = (await call(`${s.url}/v3/users`, { method: 'POST', token, body: { user: { name: 'u3', password: 'pw', domain_id: domain.id } } })).body.user
      const roleId = async (name: string) => (await call(`${s.url}/v3/roles?name=${name}`, { token })).body.roles[0].id
      expect((await call(`${s.url}/v3/projects/${project.id}/users/${user.id}/roles/${await roleId('admin')}`, { method: 'PUT', token })).status).toBe(204)
      expect((await call(`${s.url}/v3/projects/${project.id}/users/${member.id}/roles/${await roleId('member')}`, { method: 'PUT', token })).status).toBe(204)
      const projectAdmin = await tokenFor(s, 'u2', 'pw', 'd2', { project: { id: project.id } })
      expect((await call(`${s.url}${FAULTS}`, { token: projectAdmin })).status).toBe(200)
      const projectMember = await tokenFor(s, 'u3', 'pw', 'd2', { project: { id: project.id } })
      const refused = await call(`${s.url}${FAULTS}`, { token: projectMember })
      expect(refused.status).toBe(403)
      expect(refused.body).toEqual(iamError(403, 'Forbidden', 'You are not authorized to perform the requested action: projectplane:get_faults.'))
    } finally {
      await s.close()
    }
  })
})

describe('fault injection with real processes and clients', () => {
  it('logs one line per injected fault', async () => {
    const server = await spawnServer({
      IN_MEMORY: '1', LOG_LEVEL: 'info', PROJECTPLANE_ADMIN_PASSWORD: 'Test-Passw0rd!',
      FAULTS: rules({ name: 'gateway', method: 'GET', path: '/v3', latency_ms: 5, error: { status: 503 } }),
    })
    try {
      const res = await call(`${server.url}/v3`)
      expect(res.status).toBe(503)
      await new Promise((resolve) => setTimeout(resolve, 100))
      const lines = server.output().split('\n').filter((l) => l.includes('"fault injected"')).map((l) => JSON.parse(l))
      expect(lines).toEqual([expect.objectContaining({
        level: 30, msg: 'fault injected', rule: 0, fault: 'gateway', status: 503, latencyMs: 5, reqId: res.headers.get('x-request-id'),
      })])
    } finally {
      await server.stop()
    }
  })

  it('openstacksdk with status_code_retries retries through a 503; the openstack CLI does not', { timeout: 120_000 }, async () => {
    const s = await startServer({ env: { FAULT_INJECTION: '1' } })
    try {
      const token = await s.adminToken()
      const fault = { method: 'GET', path: '/v3/projects', error: { status: 503 }, times: 1 }
      const arm = async () => expect((await call(`${s.url}${FAULTS}`, { method: 'PUT', token, body: { faults: [fault] } })).status).toBe(200)
      const injected = async () => (await call(`${s.url}${FAULTS}`, { token })).body.faults[0].injected as number
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '', HOME: os.tmpdir(),
        OS_AUTH_URL: `${s.url}/v3`, OS_IDENTITY_API_VERSION: '3', OS_USERNAME: s.adminUser, OS_PASSWORD: s.adminPassword,
        OS_USER_DOMAIN_NAME: s.account.name, OS_DOMAIN_NAME: s.account.name,
      }
      const run = (file: string, args: string[], extra: Record<string, string> = {}) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(file, args, { env: { ...env, ...extra }, timeout: 60_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) })
        })
      })

      // openstacksdk (Ansible's and many tools' client): keystoneauth retries 503 when asked.
      await arm()
      const sdk = await run('/usr/bin/python3', ['-c', [
        'import openstack',
        'conn = openstack.connect(status_code_retries=2)',
        'print(sorted(p.name for p in conn.identity.projects())[0])',
      ].join('\n')])
      expect(sdk, sdk.stderr).toMatchObject({ code: 0, stdout: 'af-south-1\n' })
      expect(await injected()).toBe(1)

      // The CLI's identity commands (python-keystoneclient) do not retry a status: the 503 is shown.
      await arm()
      const cli = await run('openstack', ['project', 'list', '-f', 'value', '-c', 'Name'], { OS_STATUS_CODE_RETRIES: '2' })
      expect(cli.code).toBe(1)
      expect(cli.stderr).toMatch(/^The service is temporarily unavailable\. Please retry later\. \(HTTP 503\) \(Request-ID: req-[0-9a-f]{32}\)$/m)
      const again = await run('openstack', ['project', 'list', '-f', 'value', '-c', 'Name'])
      expect(again.code, again.stderr).toBe(0)
      expect(again.stdout.split('\n')).toContain('cn-north-4')
    } finally {
      await s.close()
    }
  })
})
