/**
 * The fuzz suite below HTTP clients: requests put together byte by byte on a bare socket, from
 * odd methods (CONNECT, lower case, unknown), targets (authority form, `*`, 17 KB, broken
 * encodings), versions, missing or doubled Host, unknown Expect, conflicting Content-Length and
 * Transfer-Encoding (smuggling-style framing), broken chunking, bare LF line ends and bodies
 * cut short. Whatever comes, the server answers (or closes) in time, never with a 5xx, never with
 * a body to a HEAD, and any error body is in a service's format: the owning service's when the
 * request line is well formed (IAM's for a service the flavour does not have). Then it still
 * serves ordinary requests. In every flavour; see fuzz-settings.ts for the counts and the long run.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceForPath } from '../../src/http/service-for-path.js'
import type { ServiceName } from '../../src/http/fastify-types.js'
import { rawRequest } from '../helpers/raw-http.js'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { errorShapeProblem } from './error-shapes.js'
import { FLAVOUR_NAMES } from '../../src/flavours.js'
import { fcParameters, fuzzRuns, timeoutFor } from './fuzz-settings.js'

/** How long a request may go unanswered before the client ends its side (a body cut short waits for more). */
const WAIT_BEFORE_EOF_MS = 1500
const SERVICES: ServiceName[] = ['iam', 'eps', 'coc', 'cts']

const JSON_BODY = '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"x","password":"y","domain":{"name":"z"}}}}}}'

interface RawCase { method: string; target: string; version: string; headers: string[]; body: string; eol: string }

const rawCases = (host: string, token: string): fc.Arbitrary<RawCase> => fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'get', 'FOO', 'PRI', 'G ET'),
  target: fc.constantFrom(
    '/v3/projects', '/v3/auth/tokens', '/v3', '/v1.0/enterprise-projects', '/v1/enterprise-project-collect/favourites', '/v3/traces', '/',
    '*', 'example.com:443', 'http://example.com/v3', `/v3/${'a'.repeat(17 * 1024)}`, '/v3/%zz', '/v3/..%2F..%2Fetc', '/v3/projects?x=%', '/v3/\u00e9', '',
  ),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/1.1 x', ''),
  headers: fc.subarray([
    `Host: ${host}`, `Host: ${host}`, 'Host: other.example', 'Host:', `X-Auth-Token: ${token}`, 'X-Auth-Token: garbage', 'Content-Type: application/json', 'Content-Type: text/plain',
    'Expect: 100-continue', 'Expect: 200-ok', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: 99999999999999999999', 'Content-Length: 3, 4',
    'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked, identity', 'Transfer-Encoding: gzip', 'Connection: close', 'Connection: upgrade',
    'Upgrade: websocket', 'Upgrade: h2c', ' folded: continuation', 'No-Colon', 'Bad\u0000Header: x', `X-Big: ${'b'.repeat(9000)}`,
    'X-Project-Id: ', 'Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=00', 'Range: bytes=0-1',
  ]),
  body: fc.constantFrom('', JSON_BODY, '{', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nbroken\r\n', '0\r\n\r\n', 'hello', '{"a":1}GET / HTTP/1.1\r\n\r\n'),
  eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
})

const serialise = (c: RawCase) => `${c.method} ${c.target} ${c.version}`.trimEnd() + c.eol + c.headers.map((h) => h + c.eol).join('') + c.eol + c.body

describe.each(FLAVOUR_NAMES)('fuzz: raw HTTP on a bare socket (%s)', (flavour) => {
  const FUZZ_RUNS = fuzzRuns(flavour)
  let s: TestServer
  let host: string
  let token: string

  beforeAll(async () => {
    s = await startServer({ flavour })
    host = new URL(s.url).host
    token = await s.adminToken()
  })
  afterAll(() => s?.close())

  async function exchange(c: RawCase) {
    const bytes = serialise(c)
    const head = c.method === 'HEAD'
    const answer = await rawRequest(s.url, bytes, { head, timeoutMs: 8000, endAfterMs: WAIT_BEFORE_EOF_MS })
    return { bytes, answer }
  }

  function problemWith(c: RawCase, answer: Awaited<ReturnType<typeof exchange>>['answer']): string | undefined {
    if (answer.timedOut) return 'no answer and no close: a hang'
    if (answer.status === undefined) return answer.raw === '' ? undefined : `not an HTTP answer: ${JSON.stringify(answer.raw.slice(0, 200))}`
    if (answer.status >= 500) return `a ${answer.status}: ${answer.raw.slice(0, 300)}`
    if (c.method === 'HEAD') {
      // A HEAD's answer ends with its head; whatever follows must be a next answer, never a body.
      return answer.body === '' || /^HTTP\/1\.[01] /.test(answer.body) ? undefined : `a body to a HEAD: ${JSON.stringify(answer.body.slice(0, 200))}`
    }
    if (answer.status < 400 || answer.body === '') return undefined
    let body: unknown
    try { body = JSON.parse(answer.body) } catch { return `an error body that is not JSON: ${JSON.stringify(answer.body.slice(0, 200))}` }
    const wellFormed = /^[A-Z]+$/.test(c.method) && c.target.startsWith('/') && !c.target.includes('\u00e9') && /^HTTP\/1\.[01]$/.test(c.version) && c.eol === '\r\n'
    if (wellFormed && c.target.length < 16 * 1024) {
      const owner = serviceForPath(c.target.split('?')[0]!)
      const problem = errorShapeProblem(flavour, owner, answer.status, body)
      return problem === undefined ? undefined : `${answer.status} not in ${owner}'s format: ${problem}: ${answer.body.slice(0, 300)}`
    }
    return SERVICES.some((service) => errorShapeProblem(flavour, service, answer.status!, body) === undefined) ? undefined : `${answer.status} in no service's format: ${answer.body.slice(0, 300)}`
  }

  it('answers or closes in time, never a 5xx, no body to a HEAD, errors in the service\'s format', async () => {
    const runs = Math.max(20, Math.ceil(FUZZ_RUNS / 4))
    // Four connections at a time: each case may wait WAIT_BEFORE_EOF_MS for its end.
    await fc.assert(fc.asyncProperty(fc.array(rawCases(host, token), { minLength: 4, maxLength: 4 }), async (cases) => {
      const results = await Promise.all(cases.map((c) => exchange(c)))
      for (const [i, { bytes, answer }] of results.entries()) {
        const problem = problemWith(cases[i]!, answer)
        if (problem) throw new Error(`${problem}\nrequest: ${JSON.stringify(bytes.slice(0, 400))}`)
      }
    }), fcParameters(Math.ceil(runs / 4)))
  }, timeoutFor(FUZZ_RUNS))

  it('still serves ordinary requests afterwards', async () => {
    expect((await call(`${s.url}/healthz`)).status).toBe(200)
    expect((await call(`${s.url}/v3/auth/projects`, { token: await s.adminToken() })).status).toBe(200)
  })
})
