/**
 * How the server hands out the web console (`GET /console`, `GET /console/*`): types, cache
 * headers, the single-page fallback, refusals in Keystone's format, a clear 503 when the tree was
 * never built, and the console's `X-Projectplane-Client` header making its traces ConsoleAction.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

let s: TestServer
const built = fs.readFileSync('dist/console/index.html', 'utf8')
const script = /src="\/console\/(assets\/[^"]+\.js)"/.exec(built)![1]!
const style = /href="\/console\/(assets\/[^"]+\.css)"/.exec(built)![1]!

beforeAll(async () => {
  s = await startServer({ database: 'sqlite' })
})
afterAll(async () => {
  await s?.close()
})

describe('GET /console', () => {
  it('serves the built page with a policy that allows this server only', async () => {
    for (const url of ['/console', '/console/', '/console/enterprise-projects', '/console/audit/']) {
      const res = await call(`${s.url}${url}`)
      expect(res.status, url).toBe(200)
      expect(res.headers.get('content-type'), url).toBe('text/html; charset=utf-8')
      expect(res.headers.get('cache-control'), url).toBe('no-cache')
      expect(res.headers.get('content-security-policy'), url).toBe("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
      expect(res.text, url).toBe(built)
    }
    // Nothing from another host: no CDN, no web fonts.
    expect(built).not.toMatch(/https?:\/\//)
    const etag = (await call(`${s.url}/console`)).headers.get('etag')!
    expect((await call(`${s.url}/console`, { headers: { 'if-none-match': etag } })).status).toBe(304)
  })

  it('serves hashed assets with their type, for good', async () => {
    const js = await call(`${s.url}/console/${script}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(js.headers.get('x-content-type-options')).toBe('nosniff')
    expect(js.text).toBe(fs.readFileSync(path.join('dist/console', script), 'utf8'))
    expect(js.text).not.toMatch(/fonts\.googleapis|cdn\.jsdelivr|unpkg\.com/)
    const css = await call(`${s.url}/console/${style}`, { headers: { 'accept-encoding': 'gzip' } })
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('content-encoding')).toBe('gzip')
    expect(css.text).not.toContain('@font-face')
  })

  it('answers files that do not exist, and paths out of the folder, with Keystone\'s 404', async () => {
    const notFound = { error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' } }
    for (const url of ['/console/assets/nothing.js', '/console/..%2F..%2Fpackage.json', '/console/assets/..%2F..%2F..%2Fpackage.json', '/console/x.exe']) {
      const res = await call(`${s.url}${url}`)
      expect(res.status, url).toBe(404)
      expect(res.body, url).toEqual(notFound)
    }
  })

  it('is public, listed in the document as a page, and its files are not (its own API routes are)', async () => {
    const doc = (await call(`${s.url}/openapi.json`)).body
    expect(doc.paths['/console'].get).toMatchObject({ operationId: 'projectplane:get_console', security: [] })
    // The console's own API routes (issue 18: sign-in, verification, MFA state) are, its files not.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console/')).sort()).toEqual(['/console/api/mfa-device', '/console/api/sign-in', '/console/api/verification'])
  })

  it('marks changes sent by the console as ConsoleAction, and nothing else', async () => {
    const token = await s.adminToken()
    const create = (name: string, headers: Record<string, string>) =>
      call(`${s.url}/v1.0/enterprise-projects`, { method: 'POST', token, body: { name }, headers })
    expect((await create('from_console', { 'x-projectplane-client': 'console/9.8.7', 'user-agent': 'Mozilla/5.0 (X11)' })).status).toBe(201)
    expect((await create('from_curl', { 'user-agent': 'curl/8.5.0' })).status).toBe(201)
    expect((await create('bad_client', { 'x-projectplane-client': 'console/<script>', 'user-agent': 'curl/8.5.0' })).status).toBe(201)
    const traces = (await call(`${s.url}/v3/${s.account.id}/traces?limit=3&trace_name=createEnterpriseProject`, { token })).body.traces
    expect(traces.map((t: { resource_name: string; trace_type: string; user_agent: string }) => [t.resource_name, t.trace_type, t.user_agent])).toEqual([
      ['bad_client', 'ApiCall', 'curl/8.5.0'],
      ['from_curl', 'ApiCall', 'curl/8.5.0'],
      ['from_console', 'ConsoleAction', 'projectplane-console/9.8.7 Mozilla/5.0 (X11)'],
    ])
  })
})

describe('GET /console in a tree never built', () => {
  let bare: TestServer
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-no-console-'))
  beforeAll(async () => {
    bare = await startServer({ database: 'sqlite', env: { CONSOLE_DIR: emptyDir } })
  })
  afterAll(async () => {
    await bare?.close()
    fs.rmSync(emptyDir, { recursive: true, force: true })
  })

  it('says to run npm run build, in Keystone\'s format, for the page and its files', async () => {
    const message = `The web console is not built (no ${path.join(emptyDir, 'index.html')}): run 'npm run build', then restart the server.`
    for (const url of ['/console', '/console/projects', '/console/assets/index.js']) {
      const res = await call(`${bare.url}${url}`)
      expect(res.status, url).toBe(503)
      expect(res.body, url).toEqual({ error: { code: 503, message, title: 'Service Unavailable' } })
    }
    // The API itself is unaffected.
    expect((await call(`${bare.url}/healthz`)).status).toBe(200)
  })
})
