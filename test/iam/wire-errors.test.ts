/**
 * Malformed input of every kind gets a 4xx in Keystone's error body, never a 500 or a hang, and
 * every response carries X-Request-Id.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const KS_400_TAIL = ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'

describe('errors and headers', () => {
  let s: TestServer
  let token: string
  let id: string
  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    id = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_wire' } } })).body.project.id
  })
  afterAll(() => s.close())

  it('refuses a non-JSON content type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: 'project=x', headers: { 'content-type': type } })
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: { code: 400, message: `Expecting to find application/json in Content-Type header.${KS_400_TAIL}`, title: 'Bad Request' } })
    }
  })

  it('accepts application/json with any parameters', async () => {
    for (const type of ['application/json', 'application/json;charset=utf8', 'application/json; charset=UTF-8']) {
      const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { description: type } }, headers: { 'content-type': type } })
      expect(res.status).toBe(200)
    }
  })

  it('treats an empty JSON body as {} and names what is missing', async () => {
    const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: '', headers: { 'content-type': 'application/json' } })
    expect(res.body).toEqual({ error: { code: 400, message: "'project' is a required property", title: 'Bad Request' } })
    const none = await fetch(`${s.url}/v3/projects/${id}`, { method: 'PATCH', headers: { 'x-auth-token': token } })
    expect(none.status).toBe(400)
  })

  it('refuses malformed JSON, JSON that is not an object, and deep nonsense', async () => {
    for (const body of ['{', '{"project": {"name": "x",}}', 'null', '[]', '"text"', '12', '{"project": null}']) {
      const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body })
      expect(res.status, body).toBe(400)
      expect(res.body.error.code).toBe(400)
      expect(res.body.error.title).toBe('Bad Request')
    }
    expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: '{' })).body.error.message).toBe(`Expecting to find valid JSON in request body.${KS_400_TAIL}`)
  })

  it('answers a body over 1 MiB with 413 and keeps serving', async () => {
    const big = JSON.stringify({ project: { description: 'x'.repeat(1024 * 1024 + 10) } })
    const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: big })
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ error: { code: 413, message: 'Request is too large.', title: 'Request Entity Too Large' } })
    expect((await call(`${s.url}/v3/projects/${id}`, { token })).status).toBe(200)
  })

  it('answers unknown paths with 404 and known paths with a wrong method with 405 and Allow', async () => {
    const missing = await call(`${s.url}/v3/nothing-here`, { token })
    expect(missing.body).toEqual({ error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' } })
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
    const wrong = await call(`${s.url}/v3/projects/${id}`, { method: 'POST', token, body: {} })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH'])
    expect(wrong.body.error).toEqual({ code: 405, message: 'The method is not allowed for the requested URL.', title: 'Method Not Allowed' })
  })

  it('authenticates before it reads the body: a stranger gets 401, not a schema lesson', async () => {
    const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', body: '{not json' })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${s.url}/v3"`)
  })

  it('puts X-Request-Id (and Keystone\'s x-openstack-request-id) on every response, unique per request', async () => {
    const seen = new Set<string>()
    for (const res of [
      await call(`${s.url}/v3/projects/${id}`, { token }),
      await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: '{' }),
      await call(`${s.url}/v3/projects`),
      await call(`${s.url}/v3`),
    ]) {
      const rid = res.headers.get('x-request-id')!
      expect(rid).toMatch(/^[0-9a-f]{32}$/)
      expect(res.headers.get('x-openstack-request-id')).toBe(`req-${rid}`)
      seen.add(rid)
    }
    expect(seen.size).toBe(4)
  })

  it('serves the version documents keystoneauth discovers', async () => {
    const root = await call(`${s.url}/`)
    expect(root.status).toBe(300)
    expect(root.body.versions.values[0]).toMatchObject({ id: 'v3.14', status: 'stable', links: [{ rel: 'self', href: `${s.url}/v3/` }] })
    const v3 = await call(`${s.url}/v3`)
    expect(v3.status).toBe(200)
    expect(v3.body.version.id).toBe('v3.14')
  })

  it('answers long, malformed and oddly shaped URLs in Keystone form', async () => {
    const longId = 'a'.repeat(300)
    expect((await call(`${s.url}/v3/projects/${longId}`, { token })).body).toEqual({ error: { code: 404, message: `Could not find project: ${longId}.`, title: 'Not Found' } })
    const tooLong = await call(`${s.url}/v3/projects/${'a'.repeat(600)}`, { token })
    expect(tooLong.body).toEqual({ error: { code: 400, message: 'The request URL is not valid: a path segment is longer than 512 characters.', title: 'Bad Request' } })
    expect(tooLong.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
    expect((await call(`${s.url}/v3/projects/%E0%A4%A`, { token })).body).toEqual({ error: { code: 400, message: 'The request URL is not valid: it contains a malformed percent-encoding.', title: 'Bad Request' } })
    const slash = await call(`${s.url}/v3/projects/`, { token })
    expect(slash.status).toBe(200)
    expect(Array.isArray(slash.body.projects)).toBe(true)
    expect((await call(`${s.url}/v3/projects?name=a&name=b`, { token })).body).toEqual({ error: { code: 400, message: `Invalid input for field 'name': ["a","b"] is not of type 'string'`, title: 'Bad Request' } })
  })

  it('refuses prototype-poisoning keys and absurdly deep JSON', async () => {
    for (const body of ['{"project":{"description":"x","__proto__":{"admin":true}}}', '{"project":{"constructor":{"prototype":{"admin":true}}}}']) {
      const res = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body })
      expect(res.body).toEqual({ error: { code: 400, message: "The request body may not contain '__proto__' or 'constructor.prototype' keys.", title: 'Bad Request' } })
    }
    const tooDeep = { error: { code: 400, message: 'The request body is nested more than 32 levels deep.', title: 'Bad Request' } }
    const deepArray = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: '['.repeat(100_000) + ']'.repeat(100_000) })
    expect(deepArray.body).toEqual(tooDeep)
    const deepObject = '{"project":{"description":"x","x":' + '{"a":'.repeat(40) + '1' + '}'.repeat(40) + '}}'
    expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: deepObject })).body).toEqual(tooDeep)
    // Brackets inside strings do not count.
    expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { description: '{['.repeat(100) } } })).status).toBe(200)
  })

  it('answers HTTP it cannot parse with a Keystone body and closes the connection', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(s.url).port), '127.0.0.1', () => socket.write('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n'))
      let data = ''
      socket.on('data', (chunk) => { data += chunk.toString() })
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(raw).toContain('Connection: close')
    expect(raw).toMatch(/\r\nX-Request-Id: [0-9a-f]{32}\r\n/)
    expect(JSON.parse(raw.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 400, message: 'The request is not valid HTTP.', title: 'Bad Request' } })
  })

  it('survives a burst of garbage requests and still answers correctly', async () => {
    const bodies = ['{', '[', '{"project":{"name":{"a":1}}}', '{"project":{"description":null}}', '\u0000', '{"project":{"name":"cn-north-4_\\ud800"}}']
    const results = await Promise.all(bodies.flatMap((b) => [1, 2, 3].map(() => call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: b }))))
    for (const r of results) expect(r.status).toBeLessThan(500)
    expect((await call(`${s.url}/v3/projects/${id}`, { token })).status).toBe(200)
  })
})
