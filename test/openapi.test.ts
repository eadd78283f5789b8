/**
 * The OpenAPI document and the documentation page, per flavour: the document validates as
 * OpenAPI 3.1, lists exactly the routes the server registered (taken from `server.routes`, so
 * routes added later are covered without touching this file), and what it says about statuses
 * and bodies holds for real answers. The page and its files come from this server only.
 * SQLite only: the document does not depend on the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { call, startServer, type TestServer } from './helpers/server.js'
import { serviceForPath } from '../src/http/service-for-path.js'
import { DOCS_ASSET_URL } from '../src/http/docs-page.js'
import { CONSOLE_ASSET_URL } from '../src/http/console-page.js'
import type { FlavourName } from '../src/flavours.js'

type Operation = {
  operationId?: string; summary?: string; tags?: string[]; security?: Record<string, string[]>[]
  parameters?: { in: string; name: string; required?: boolean }[]
  responses: Record<string, { content?: Record<string, { schema: object; example?: unknown }> }>
}
type Document = {
  openapi: string; info: { title: string; version: string }; tags: { name: string }[]
  paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object>; securitySchemes: Record<string, object> }
}

const ERROR_SCHEMA = { iam: 'IamError', eps: 'EpsError', coc: 'CocError', cts: 'CtsError' } as const
const TAG = { iam: 'IAM', eps: 'EPS', coc: 'COC', cts: 'CTS' } as const
const PROJECT_PREFIX: Record<FlavourName, string> = { huaweicloud: 'cn-north-4_', opentelekomcloud: 'eu-de_', keystone: '' }

const toTemplate = (url: string) => url.replace(/:([^/]+)/g, '{$1}')

/** `$ref`s to components replaced by the components, for Ajv. */
function inline(doc: Document, schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(doc, s))
  if (!schema || typeof schema !== 'object') return schema
  const ref = (schema as { $ref?: string }).$ref
  if (ref) return inline(doc, doc.components.schemas[ref.replace('#/components/schemas/', '')])
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(doc, v)]))
}

describe.each(['huaweicloud', 'opentelekomcloud', 'keystone'] as const)('OpenAPI document (%s)', (flavour) => {
  let s: TestServer
  let doc: Document
  let token: string
  const ajv = new Ajv2020({ strict: false, allErrors: true })

  const operation = (method: string, template: string): Operation => {
    const op = doc.paths[template]?.[method.toLowerCase()]
    if (!op) throw new Error(`${method} ${template} is not in the document`)
    return op
  }
  /**
   * Calls the server and checks the answer against the document: its status is one the
   * operation lists, and a body the document describes validates against that schema.
   */
  const conforms = async (method: string, template: string, path: string, init: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) => {
    const res = await call(`${s.url}${path}`, { method, body: init.body, headers: init.headers, ...(init.token === null ? {} : { token: init.token ?? token }) })
    const response = operation(method, template).responses[String(res.status)]
    expect(response, `${method} ${path} answered ${res.status} (${res.text.slice(0, 200)}), not in the document`).toBeDefined()
    const media = response!.content?.['application/json']
    if (media) {
      const validate = ajv.compile(inline(doc, media.schema) as object)
      expect(validate(res.body), `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}\n${res.text.slice(0, 500)}`).toBe(true)
    } else if (res.status === 204) {
      expect(res.text, `${method} ${path}`).toBe('')
    }
    return res
  }

  beforeAll(async () => {
    s = await startServer({ flavour, database: 'sqlite' })
    token = await s.adminToken()
    const res = await fetch(`${s.url}/openapi.json`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    doc = await res.json() as Document
  })
  afterAll(() => s?.close())

  it('validates as OpenAPI 3.1 with every reference resolving', async () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('projectplane')
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string }
    expect(doc.info.version).toBe(pkg.version)
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc))
    expect(result.errors ?? [], JSON.stringify(result.errors ?? []).slice(0, 2000)).toEqual([])
    expect(result.valid).toBe(true)
    expect(() => validator.resolveRefs()).not.toThrow()
    // Every schema of the document compiles as JSON Schema 2020-12, OpenAPI 3.1's dialect.
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        for (const response of Object.values(op.responses)) {
          for (const media of Object.values(response.content ?? {})) expect(() => ajv.compile(inline(doc, media.schema) as object)).not.toThrow()
        }
      }
    }
  })

  it('lists exactly the registered routes, each under its action', () => {
    const routes = s.server.routes
    const key = (method: string, url: string, action: string | undefined) => `${method.toUpperCase()} ${toTemplate(url)} ${action}`
    // Fastify answers HEAD for every GET under the GET's action; the page's files are not API.
    const implicitHead = (r: (typeof routes)[number]) => r.method === 'HEAD' && routes.some((g) => g.method === 'GET' && g.url === r.url && g.action === r.action)
    const api = routes.filter((r) => r.url !== DOCS_ASSET_URL && r.url !== CONSOLE_ASSET_URL)
    const expected = api.filter((r) => !implicitHead(r)).map((r) => key(r.method, r.url, r.action))
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => key(method, path, op.operationId)))
    expect(documented.sort()).toEqual([...new Set(expected)].sort())
    expect(expected.length).toBeGreaterThan(50)
    // The implicit HEADs are covered by their GET.
    for (const head of api.filter(implicitHead)) expect(operation('GET', toTemplate(head.url)).operationId).toBe(head.action)
    const ids = documented.map((k) => k.split(' ')[2])
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('says for each operation what it does, who may call it, its success and its errors in the service format', () => {
    for (const route of s.server.routes) {
      const item = doc.paths[toTemplate(route.url)]?.[route.method.toLowerCase()]
      if (!item) continue // the implicit HEADs and the page's files, checked above
      const entry = s.server.policy.entry(route.action!)!
      const service = route.service ?? serviceForPath(route.url)
      const where = `${route.method} ${route.url}`
      expect(item.summary, where).toBe(entry.description)
      expect(item.tags, where).toEqual([route.action!.startsWith('projectplane:') ? 'projectplane operations' : TAG[service]])
      if (entry.rule === 'public') expect(item.security, where).toEqual([])
      else expect(item.security, where).toEqual([{ token: [] }, { accessKey: [] }])

      const statuses = Object.keys(item.responses)
      expect(statuses.some((c) => /^2\d\d$/.test(c)), `${where}: a 2xx`).toBe(true)
      expect(statuses.some((c) => /^4(\d\d|XX)$/.test(c)), `${where}: a 4xx`).toBe(true)
      if (entry.rule !== 'public') expect(statuses, where).toEqual(expect.arrayContaining(['401', '403']))
      const params = [...route.url.matchAll(/:([^/]+)/g)].map((m) => m[1])
      if (params.length > 0) expect(statuses, where).toContain('404')
      expect((item.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, p.required]).sort(), where).toEqual(params.map((p) => [p, true]).sort())
      for (const [status, response] of Object.entries(item.responses)) {
        if (!status.startsWith('4') && !status.startsWith('5')) continue
        if (route.method === 'HEAD') expect(response.content, `${where} ${status}`).toBeUndefined()
        else expect(response.content?.['application/json']?.schema, `${where} ${status}`).toEqual({ $ref: `#/components/schemas/${ERROR_SCHEMA[service]}` })
      }
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['accessKey', 'token'])
    expect(doc.components.securitySchemes.token).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' })
  })

  it('has a tag only for the services this flavour serves', () => {
    const tags = doc.tags.map((t) => t.name)
    // The audit trail (CTS) is every flavour's.
    const expected = { huaweicloud: ['IAM', 'EPS', 'COC', 'CTS'], opentelekomcloud: ['IAM', 'EPS', 'CTS'], keystone: ['IAM', 'CTS'] }[flavour]
    expect(tags).toEqual([...expected, 'projectplane operations'])
    const has = (path: string) => path in doc.paths
    expect(has('/v1/enterprise-project-collect')).toBe(flavour === 'huaweicloud')
    expect(has('/v1.0/enterprise-projects')).toBe(flavour !== 'keystone')
    expect(has('/openapi.json') && has('/docs') && has('/v3/{project_id}/traces')).toBe(true)
  })

  it('documents error bodies as the server renders them, examples included', async () => {
    const res = await conforms('GET', '/v3/projects', '/v3/projects', { token: null })
    expect(res.status).toBe(401)
    expect(operation('GET', '/v3/projects').responses['401']!.content!['application/json']!.example).toEqual(res.body)
    expect((await conforms('GET', '/v3/regions/{region_id}', '/v3/regions/nowhere')).status).toBe(404)
    if (flavour !== 'keystone') {
      const eps = await conforms('GET', '/v1.0/enterprise-projects', '/v1.0/enterprise-projects', { token: null })
      expect(eps.body.error_code).toBe('EPS.0003')
      expect(operation('GET', '/v1.0/enterprise-projects').responses['401']!.content!['application/json']!.example).toEqual(eps.body)
      expect((await conforms('POST', '/v1.0/enterprise-projects', '/v1.0/enterprise-projects', { body: '{"name":' })).body.error_code).toBe('EPS.0049')
    }
    if (flavour === 'huaweicloud') {
      const coc = await conforms('GET', '/v1/enterprise-project-collect', '/v1/enterprise-project-collect?limit=10', { token: null })
      expect(coc.status).toBe(401)
      expect(operation('GET', '/v1/enterprise-project-collect').responses['401']!.content!['application/json']!.example).toEqual(coc.body)
    }
  })

  it('documents the success status and body that IAM answers', async () => {
    expect((await conforms('GET', '/', '/', { token: null })).status).toBe(300)
    expect((await conforms('GET', '/v3', '/v3', { token: null })).status).toBe(200)
    const login = { auth: { identity: { methods: ['password'], password: { user: { name: s.adminUser, password: s.adminPassword, domain: { id: s.account.id } } } } } }
    expect((await conforms('POST', '/v3/auth/tokens', '/v3/auth/tokens', { body: login, token: null })).status).toBe(201)
    expect((await conforms('GET', '/v3/auth/tokens', '/v3/auth/tokens', { headers: { 'x-subject-token': token } })).status).toBe(200)
    expect((await conforms('HEAD', '/v3/auth/tokens', '/v3/auth/tokens', { headers: { 'x-subject-token': token } })).status).toBe(200)

    const created = await conforms('POST', '/v3/projects', '/v3/projects', { body: { project: { name: `${PROJECT_PREFIX[flavour]}openapi`, description: 'd' } } })
    expect(created.status).toBe(201)
    const id = created.body.project.id as string
    await conforms('GET', '/v3/projects/{project_id}', `/v3/projects/${id}`)
    expect((await conforms('PATCH', '/v3/projects/{project_id}', `/v3/projects/${id}`, { body: { project: { description: 'e' } } })).status).toBe(200)
    await conforms('GET', '/v3/projects', '/v3/projects')
    await conforms('GET', '/v3/regions', '/v3/regions')
    await conforms('GET', '/v3/domains/{domain_id}', `/v3/domains/${s.account.id}`)

    const user = await conforms('POST', '/v3/users', '/v3/users', { body: { user: { name: 'openapi-user', password: 'Openapi-Passw0rd', domain_id: s.account.id } } })
    expect(user.status).toBe(201)
    await conforms('GET', '/v3/users/{user_id}', `/v3/users/${user.body.user.id}`)
    const group = await conforms('POST', '/v3/groups', '/v3/groups', { body: { group: { name: 'openapi-group', domain_id: s.account.id } } })
    expect(group.status).toBe(201)
    const member = `/v3/groups/${group.body.group.id}/users/${user.body.user.id}`
    expect((await conforms('PUT', '/v3/groups/{group_id}/users/{user_id}', member)).status).toBe(204)
    expect((await conforms('HEAD', '/v3/groups/{group_id}/users/{user_id}', member)).status).toBe(204)
    await conforms('GET', '/v3/groups', '/v3/groups')

    const key = await conforms('POST', '/v3.0/OS-CREDENTIAL/credentials', '/v3.0/OS-CREDENTIAL/credentials', { body: { credential: { user_id: user.body.user.id } } })
    expect(key.status).toBe(201)
    const keyPath = `/v3.0/OS-CREDENTIAL/credentials/${key.body.credential.access}`
    await conforms('GET', '/v3.0/OS-CREDENTIAL/credentials/{access_key}', keyPath)
    expect((await conforms('PUT', '/v3.0/OS-CREDENTIAL/credentials/{access_key}', keyPath, { body: { credential: { status: 'inactive' } } })).status).toBe(200)
    expect((await conforms('DELETE', '/v3.0/OS-CREDENTIAL/credentials/{access_key}', keyPath)).status).toBe(204)

    if (flavour !== 'keystone') {
      const policy = { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:enterpriseProjects:get'] }] }
      const role = await conforms('POST', '/v3.0/OS-ROLE/roles', '/v3.0/OS-ROLE/roles', { body: { role: { display_name: 'openapi', type: 'AX', description: 'd', policy } } })
      expect(role.status).toBe(201)
      expect((await conforms('DELETE', '/v3.0/OS-ROLE/roles/{role_id}', `/v3.0/OS-ROLE/roles/${role.body.role.id}`)).status).toBe(200)
    }
  })

  it.skipIf(flavour === 'keystone')('documents the success status and body that EPS answers', async () => {
    const created = await conforms('POST', '/v1.0/enterprise-projects', '/v1.0/enterprise-projects', { body: { name: 'openapi_ep' } })
    expect(created.status).toBe(201)
    const path = `/v1.0/enterprise-projects/${created.body.enterprise_project.id}`
    await conforms('GET', '/v1.0/enterprise-projects/{enterprise_project_id}', path)
    expect((await conforms('PUT', '/v1.0/enterprise-projects/{enterprise_project_id}', path, { body: { name: 'openapi_ep2' } })).status).toBe(200)
    await conforms('GET', '/v1.0/enterprise-projects', '/v1.0/enterprise-projects')
    await conforms('GET', '/v1.0/enterprise-projects/quotas', '/v1.0/enterprise-projects/quotas')
    expect((await conforms('POST', '/v1.0/enterprise-projects/{enterprise_project_id}/resources/filter', `${path}/resources/filter`, { body: { resource_types: ['cdn'] } })).status).toBe(200)
    expect((await conforms('POST', '/v1.0/enterprise-projects/{enterprise_project_id}/action', `${path}/action`, { body: { action: 'disable' } })).status).toBe(204)
    expect((await conforms('GET', '/v1.0', '/v1.0', { token: null })).status).toBe(200)
  })

  it.skipIf(flavour !== 'huaweicloud')('documents the success status and body that COC answers', async () => {
    expect((await conforms('PUT', '/v1/enterprise-project-collect', '/v1/enterprise-project-collect', { body: { ep_id_list: ['0'] } })).status).toBe(200)
    expect((await conforms('GET', '/v1/enterprise-project-collect', '/v1/enterprise-project-collect?limit=10')).status).toBe(200)
  })
})

describe('documentation page', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ database: 'sqlite' }) })
  afterAll(() => s?.close())

  it('serves the page, whose scripts, styles and icons all come from this server', async () => {
    const res = await fetch(`${s.url}/docs`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self';/)
    const html = await res.text()
    expect(html).not.toMatch(/https?:\/\//i)
    expect(html).not.toMatch(/["'(]\/\//) // no protocol-relative URLs either
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.sort()).toEqual(['/docs/favicon-16x16.png', '/docs/favicon-32x32.png', '/docs/init.js', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css'])
    const types: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', png: 'image/png' }
    for (const ref of refs) {
      const asset = await fetch(`${s.url}${ref}`)
      expect(asset.status, ref).toBe(200)
      expect(asset.headers.get('content-type'), ref).toBe(types[ref.split('.').at(-1)!])
      expect(asset.headers.get('etag'), ref).toMatch(/^"[\w-]{27}"$/)
      const bytes = Buffer.from(await asset.arrayBuffer())
      expect(bytes.length, ref).toBeGreaterThan(100)
      // A browser holding the file gets a 304 and no body.
      const again = await fetch(`${s.url}${ref}`, { headers: { 'if-none-match': asset.headers.get('etag')! } })
      expect(again.status, ref).toBe(304)
      expect((await again.arrayBuffer()).byteLength).toBe(0)
    }
    // The style sheet loads nothing (no @import, no web font); its url()s are inline data.
    const css = await (await fetch(`${s.url}/docs/swagger-ui.css`)).text()
    expect(css).not.toMatch(/@import|@font-face/)
    expect([...css.matchAll(/url\(\s*["']?([^"')]+)/g)].every((m) => m[1]!.startsWith('data:'))).toBe(true)
    const init = await (await fetch(`${s.url}/docs/init.js`)).text()
    expect(init).toContain("url: '/openapi.json'")
    expect(init).toContain('validatorUrl: null')
  })

  it('compresses large files for clients that accept gzip', async () => {
    const plain = await fetch(`${s.url}/docs/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'identity' } })
    const size = (await plain.arrayBuffer()).byteLength
    // fetch undoes the gzip; the header says it was applied.
    const gzipped = await fetch(`${s.url}/docs/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } })
    expect(gzipped.headers.get('content-encoding')).toBe('gzip')
    expect(gzipped.headers.get('vary')).toBe('accept-encoding')
    expect((await gzipped.arrayBuffer()).byteLength).toBe(size)
  })

  it('answers an unknown file with a 404 in Keystone format', async () => {
    for (const name of ['nope.js', 'package.json', '__proto__', '..%2Fpackage.json']) {
      const res = await call(`${s.url}/docs/${name}`)
      expect(res.status, name).toBe(404)
      expect(res.body, name).toEqual({ error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' } })
    }
  })

  it('serves the document with an ETag and a 304 to a client holding it', async () => {
    const first = await fetch(`${s.url}/openapi.json`)
    const etag = first.headers.get('etag')!
    expect(first.headers.get('cache-control')).toBe('no-cache')
    const again = await fetch(`${s.url}/openapi.json`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    // The same bytes every time: generated once at start.
    expect(await (await fetch(`${s.url}/openapi.json`)).text()).toBe(await first.text())
  })
})
