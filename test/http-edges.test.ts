/**
 * The HTTP a fuzzer sends and clients rarely do (issue 19's findings 1-4), over raw sockets to a
 * real server: every answer in the owning service's error format, none with a body to a HEAD,
 * and a refused body answered before the connection goes, never reset under the client.
 */
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './helpers/server.js'
import { nodeRequest, rawRequest, streamBytes } from './helpers/raw-http.js'

const keystone = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const eps = (code: string, message: string) => ({ error: { error_code: code, error_msg: message }, error_code: code, error_msg: message })
/** Large enough that the client is still sending when the answer comes (loopback buffers hold ~2 MiB). */
const TOO_LARGE = 8 * 1024 * 1024

describe('HTTP edges (findings 1-4 of issue 19)', () => {
  let s: TestServer
  let host: string

  beforeAll(async () => {
    s = await startServer()
    host = new URL(s.url).host
  })
  afterAll(() => s.close())

  describe('a body over 1 MiB', () => {
    const oversized = (path: string) => `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${TOO_LARGE}\r\n\r\n`

    it("reaches Node's client as a 413, not EPIPE (five times over)", async () => {
      for (let i = 0; i < 5; i++) {
        // Well past what loopback buffers hold, so the server is answering mid-upload every time.
        const answer = await nodeRequest(`${s.url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(4 * TOO_LARGE, 'a') })
        expect(answer.status).toBe(413)
        expect(JSON.parse(answer.body)).toEqual(keystone(413, 'Request Entity Too Large', 'Request is too large.'))
      }
    })

    it('gets its 413 in full while the client is still sending, never a reset (five times over)', async () => {
      for (let i = 0; i < 5; i++) {
        const answer = await rawRequest(s.url, oversized('/v3/auth/tokens'), { stream: (socket) => streamBytes(socket, TOO_LARGE), timeoutMs: 15_000 })
        expect(answer.reset, `attempt ${i}: ${answer.raw.slice(0, 200)}`).toBe(false)
        expect(answer.status).toBe(413)
        expect(answer.headers['content-type']).toMatch(/^application\/json/)
        expect(answer.headers['x-request-id']).toMatch(/\S/)
        expect(JSON.parse(answer.body)).toEqual(keystone(413, 'Request Entity Too Large', 'Request is too large.'))
      }
    })

    it('sent chunked, without a length, is refused the same way once it passes the limit', async () => {
      const head = `POST /v3/auth/tokens HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`
      const answer = await rawRequest(s.url, head, {
        timeoutMs: 15_000,
        stream: async (socket) => {
          const piece = 'a'.repeat(64 * 1024)
          for (let sent = 0; sent < TOO_LARGE && !socket.destroyed; sent += piece.length) socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`)
          if (!socket.destroyed) socket.write('0\r\n\r\n')
        },
      })
      expect(answer.reset).toBe(false)
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.body)).toEqual(keystone(413, 'Request Entity Too Large', 'Request is too large.'))
    })

    it('leaves the connection usable for the next request once the refused body is in', async () => {
      const token = await s.adminToken()
      const next = `GET /v3/auth/projects HTTP/1.1\r\nHost: ${host}\r\nX-Auth-Token: ${token}\r\n\r\n`
      const answer = await rawRequest(s.url, oversized('/v3/auth/tokens'), {
        timeoutMs: 15_000,
        stream: async (socket) => {
          await streamBytes(socket, TOO_LARGE)
          socket.write(next)
          await new Promise((resolve) => setTimeout(resolve, 300))
        },
      })
      expect(answer.status).toBe(413)
      expect(answer.raw).toMatch(/\r\n\r\n\{[^]*HTTP\/1\.1 200 OK\r\n/)
    })
  })

  describe('CONNECT', () => {
    it('to a host is answered 405 in IAM\'s format (this server is no proxy) and the connection closed', async () => {
      const answer = await rawRequest(s.url, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', { untilClose: true })
      expect(answer.status).toBe(405)
      expect(answer.headers.connection).toBe('close')
      expect(answer.headers['x-request-id']).toMatch(/\S/)
      expect(JSON.parse(answer.body)).toEqual(keystone(405, 'Method Not Allowed', 'The method is not allowed for the requested URL.'))
      expect(answer.closed).toBe(true)
    })

    it('to an EPS path is answered in EPS\'s format, with the methods the path allows', async () => {
      const answer = await rawRequest(s.url, `CONNECT /v1.0/enterprise-projects HTTP/1.1\r\nHost: ${host}\r\n\r\n`)
      expect(answer.status).toBe(405)
      expect(answer.headers.allow).toBe('GET, HEAD, POST')
      expect(JSON.parse(answer.body)).toEqual(eps('EPS.0002', 'Bad request. The method is not allowed for the requested URL.'))
    })
  })

  describe('HEAD', () => {
    const longHead = `HEAD /v3/${'a'.repeat(17 * 1024)} HTTP/1.1\r\nHost: HOST\r\n\r\n`

    it('with a request line over 16 KB gets its 431 without a body', async () => {
      const answer = await rawRequest(s.url, longHead.replace('HOST', host), { head: true, untilClose: true, timeoutMs: 3000 })
      expect(answer.status).toBe(431)
      expect(answer.body).toBe('')
      expect(answer.closed).toBe(true)
    })

    it('that Node\'s own client reads without "Data after Connection: close"', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${s.url}/v3/${'a'.repeat(17 * 1024)}`, { method: 'HEAD' }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end()
      })
      expect(status).toBe(431)
    })

    it('the same request line on a GET gets the 431 with its JSON body', async () => {
      const answer = await rawRequest(s.url, longHead.replace('HEAD', 'GET').replace('HOST', host))
      expect(answer.status).toBe(431)
      expect(JSON.parse(answer.body)).toEqual(keystone(431, 'Request Header Fields Too Large', 'The request headers are too large.'))
    })
  })

  it('a CTS path refused before routing (a project id past the router\'s limit) answers in CTS\'s format', async () => {
    const answer = await rawRequest(s.url, `GET /v3/${'a'.repeat(600)}/traces HTTP/1.1\r\nHost: ${host}\r\n\r\n`)
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({ error_code: 'CTS.0200', error_msg: 'Invalid parameter. The request URL is not valid: a path segment is longer than 512 characters.' })
  })

  describe("Node's own refusals, in the service's format", () => {
    it('an HTTP/1.1 request without Host is a 400 in IAM\'s format', async () => {
      const answer = await rawRequest(s.url, 'GET /v3 HTTP/1.1\r\n\r\n')
      expect(answer.status).toBe(400)
      expect(answer.headers['x-request-id']).toMatch(/\S/)
      expect(JSON.parse(answer.body)).toEqual(keystone(400, 'Bad Request', 'An HTTP/1.1 request must have a Host header.'))
    })

    it('…and on an EPS path, in EPS\'s', async () => {
      const answer = await rawRequest(s.url, 'GET /v1.0/enterprise-projects HTTP/1.1\r\n\r\n')
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.body)).toEqual(eps('EPS.0002', 'Bad request. An HTTP/1.1 request must have a Host header.'))
    })

    it('HTTP/1.0 needs no Host', async () => {
      const answer = await rawRequest(s.url, 'GET /v3 HTTP/1.0\r\n\r\n')
      expect(answer.status).toBe(200)
    })

    it('an unknown Expect is a 417 in the service\'s format, before authentication', async () => {
      const iam = await rawRequest(s.url, `GET /v3/projects HTTP/1.1\r\nHost: ${host}\r\nExpect: something-else\r\n\r\n`)
      expect(iam.status).toBe(417)
      expect(JSON.parse(iam.body)).toEqual(keystone(417, 'Expectation Failed', "The expectation in the Expect header cannot be met: only '100-continue' is supported."))
      const onEps = await rawRequest(s.url, `GET /v1.0/enterprise-projects HTTP/1.1\r\nHost: ${host}\r\nExpect: something-else\r\n\r\n`)
      expect(onEps.status).toBe(417)
      expect(JSON.parse(onEps.body)).toEqual(eps('EPS.0002', "Bad request. The expectation in the Expect header cannot be met: only '100-continue' is supported."))
    })

    it('Expect: 100-continue still works: the body is asked for and the request answered', async () => {
      const body = JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'nobody', password: 'x', domain: { name: 'none' } } } } } })
      const answer = await rawRequest(s.url, `POST /v3/auth/tokens HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`, {
        stream: async (socket) => {
          await new Promise((resolve) => socket.once('data', resolve))
          socket.write(body)
          await new Promise((resolve) => setTimeout(resolve, 500))
        },
      })
      expect(answer.raw).toMatch(/^HTTP\/1\.1 100 Continue\r\n/)
      expect(answer.status).toBe(401)
    })
  })
})

describe('paths of a service the flavour does not have (found by fuzzing the keystone flavour)', () => {
  const NOT_FOUND = keystone(404, 'Not Found', 'The resource could not be found.')
  let ks: TestServer
  let otc: TestServer
  beforeAll(async () => {
    [ks, otc] = await Promise.all([startServer({ flavour: 'keystone' }), startServer({ flavour: 'opentelekomcloud' })])
  })
  afterAll(() => Promise.all([ks?.close(), otc?.close()]))

  it('plain Keystone answers EPS and COC paths as any unknown path: Keystone\'s 404', async () => {
    for (const path of ['/v1.0/enterprise-projects', '/v1.0/enterprise-projects/x/resources/filter', '/v1/enterprise-project-collect/favourites', '/_projectplane/enterprise-projects']) {
      const answer = await rawRequest(ks.url, `GET ${path} HTTP/1.1\r\nHost: ${new URL(ks.url).host}\r\n\r\n`)
      expect({ path, status: answer.status, body: JSON.parse(answer.body) }).toEqual({ path, status: 404, body: NOT_FOUND })
    }
  })

  it('…and refuses them before routing in Keystone\'s format too', async () => {
    const answer = await rawRequest(ks.url, 'GET /v1.0/enterprise-projects HTTP/1.1\r\n\r\n')
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual(keystone(400, 'Bad Request', 'An HTTP/1.1 request must have a Host header.'))
  })

  it('Open Telekom Cloud, which has EPS but no COC, answers a COC path as an unknown one', async () => {
    const host = new URL(otc.url).host
    const coc = await rawRequest(otc.url, `GET /v1/enterprise-project-collect/favourites HTTP/1.1\r\nHost: ${host}\r\n\r\n`)
    expect(coc.status).toBe(404)
    expect(JSON.parse(coc.body)).toEqual(NOT_FOUND)
    const onEps = await rawRequest(otc.url, `GET /v1.0/enterprise-projects/x/nothing HTTP/1.1\r\nHost: ${host}\r\n\r\n`)
    expect(onEps.status).toBe(404)
    expect(JSON.parse(onEps.body)).toEqual(eps('EPS.0005', 'Requested resources not found.'))
  })
})
