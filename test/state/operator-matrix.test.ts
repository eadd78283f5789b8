/**
 * Persona × route matrix for the server's own operator routes (the operator API and fault
 * injection), which the IAM matrices leave out (helpers/policy-matrix.ts): only the operator
 * gets through — on the clouds the first account's Tenant Administrator (or administrator) with
 * a domain-scoped token, in the keystone flavour the cloud admin. Everyone else alive gets 403
 * naming the action, a disabled user and no token 401, each with IAM's exact error body. A route
 * without a case fails the test.
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { expectOneCasePerRoute, persona } from '../helpers/policy-matrix.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { PROJECTPLANE_POLICIES } from '../../src/auth/policies/projectplane.js'

const PASSWORD = 'Matrix-Passw0rd!'
const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const forbidden = (action: string) => error(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`)
const UNAUTHORIZED = { status: 401, body: error(401, 'Unauthorized', 'The request you have made requires authentication.') }

interface Request { path: string; body?: unknown }
interface Case { request(): Promise<Request>; okStatus: number }

/**
 * The server's operator routes: every permission-guarded route of the projectplane table. The web
 * console's own routes (`authenticated`: any live token, acting on oneself) are tested in
 * test/iam/console-security-routes.test.ts.
 */
const operatorRoutes = (s: TestServer) => {
  const actions = new Set(PROJECTPLANE_POLICIES.filter((e) => e.rule === 'permission').map((e) => e.action))
  return s.server.routes.filter((r) => actions.has(r.action!) && !(r.method === 'HEAD' && s.server.routes.some((g) => g.method === 'GET' && g.url === r.url)))
}

function cases(s: TestServer, operator: () => string): Record<string, Case> {
  let counter = 0
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(`${s.url}${path}`, { method, token: operator(), body })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  const fresh = async () => (await api('POST', '/_projectplane/accounts', { account: { name: `m${++counter}-${Date.now()}` } })).account.id as string
  return {
    'POST /_projectplane/accounts': { request: async () => ({ path: '/_projectplane/accounts', body: { account: { name: `new${++counter}-${Date.now()}` } } }), okStatus: 201 },
    'GET /_projectplane/accounts': { request: async () => ({ path: '/_projectplane/accounts' }), okStatus: 200 },
    'DELETE /_projectplane/accounts/:account_id': { request: async () => ({ path: `/_projectplane/accounts/${await fresh()}` }), okStatus: 204 },
    'GET /_projectplane/state': { request: async () => ({ path: '/_projectplane/state' }), okStatus: 200 },
    'PUT /_projectplane/state': {
      request: async () => {
        const id = await fresh()
        return { path: `/_projectplane/state?account=${id}`, body: await api('GET', `/_projectplane/state?account=${id}`) }
      },
      okStatus: 200,
    },
    'DELETE /_projectplane/state': { request: async () => ({ path: `/_projectplane/state?account=${await fresh()}` }), okStatus: 204 },
    'GET /_projectplane/faults': { request: async () => ({ path: '/_projectplane/faults' }), okStatus: 200 },
    'PUT /_projectplane/faults': { request: async () => ({ path: '/_projectplane/faults', body: { faults: [] } }), okStatus: 200 },
    'DELETE /_projectplane/faults': { request: async () => ({ path: '/_projectplane/faults' }), okStatus: 204 },
    // Issue 18: the outbox of would-be SMS and e-mail codes.
    'GET /_projectplane/outbox': { request: async () => ({ path: '/_projectplane/outbox' }), okStatus: 200 },
  }
}

async function runMatrix(s: TestServer, table: Record<string, Case>, token: string | undefined, expected: (action: string, okStatus: number) => { status: number; body?: unknown }) {
  const mismatches: string[] = []
  for (const route of operatorRoutes(s)) {
    const key = `${route.method} ${route.url}`
    const req = await table[key]!.request()
    const res = await call(`${s.url}${req.path}`, { method: route.method, ...(token ? { token } : {}), body: req.body })
    const want = expected(route.action!, table[key]!.okStatus)
    if (res.status !== want.status || (want.body !== undefined && !isDeepStrictEqual(res.body, want.body))) {
      mismatches.push(`${key}: expected ${want.status} ${want.body ? JSON.stringify(want.body) : ''}, got ${res.status} ${res.text.slice(0, 200)}`)
    }
  }
  return mismatches
}

describe('persona × operator route matrix (huaweicloud)', () => {
  let s: TestServer
  const tokens: Record<string, string | undefined> = {}
  const OK = ['operator', 'tenant_admin']
  /** ReadOnlyAccess (`*:*:get*`, `*:*:list*`) reads faults and the account list; an export holds secrets (`projectplane:state:export`). */
  const READS = ['projectplane:get_faults', 'projectplane:list_accounts']

  beforeAll(async () => {
    s = await startServer({ env: { FAULT_INJECTION: '1' } })
    const admin = await s.adminToken()
    tokens.operator = admin
    const api = async (method: string, path: string, body?: unknown) => (await call(`${s.url}${path}`, { method, token: admin, body })).body
    tokens.tenant_admin = (await persona(s, api, 'p-te', 'te_admin', PASSWORD)).token
    tokens.security_admin = (await persona(s, api, 'p-secu', 'secu_admin', PASSWORD)).token
    tokens.readonly = (await persona(s, api, 'p-readonly', 'readonly', PASSWORD)).token
    tokens.no_role = (await persona(s, api, 'p-none', '', PASSWORD)).token
    const projectId = (await api('GET', '/v3/projects')).projects[0].id
    tokens.project_scoped = await tokenFor(s, 'p-te', PASSWORD, s.account.name, { project: { id: projectId } })
    const disabled = await persona(s, api, 'p-disabled', 'te_admin', PASSWORD)
    tokens.disabled = disabled.token
    await api('PATCH', `/v3/users/${disabled.user}`, { user: { enabled: false } })
    const other = await createAccount(s, 'matrix-other', PASSWORD)
    tokens.other_account_admin = await tokenFor(s, 'admin', PASSWORD, other.name)
    tokens.no_token = undefined
  }, 120_000)
  afterAll(() => s.close())

  it('has a case for every operator route, and no case without a route', () => {
    expectOneCasePerRoute(operatorRoutes(s), cases(s, () => tokens.operator!))
  })

  for (const who of ['operator', 'tenant_admin', 'security_admin', 'readonly', 'no_role', 'project_scoped', 'disabled', 'other_account_admin', 'no_token']) {
    it(`${who}: every operator route answers as the matrix says`, async () => {
      const table = cases(s, () => tokens.operator!)
      const mismatches = await runMatrix(s, table, tokens[who], (action, okStatus) => {
        if (who === 'disabled' || who === 'no_token') return UNAUTHORIZED
        if (OK.includes(who) || (who === 'readonly' && READS.includes(action))) return { status: okStatus }
        return { status: 403, body: forbidden(action) }
      })
      expect(mismatches).toEqual([])
    }, 120_000)
  }
})

describe('persona × operator route matrix (keystone)', () => {
  let s: TestServer
  const tokens: Record<string, string | undefined> = {}

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone', env: { FAULT_INJECTION: '1' } })
    const admin = await s.adminToken()
    tokens.cloud_admin = admin
    const api = async (method: string, path: string, body?: unknown) => (await call(`${s.url}${path}`, { method, token: admin, body })).body
    const project = (await api('GET', '/v3/projects?name=admin')).projects[0].id
    for (const role of ['member', 'reader']) {
      const user = (await api('POST', '/v3/users', { user: { name: `p-${role}`, password: PASSWORD } })).user.id
      const roleId = (await api('GET', `/v3/roles?name=${role}`)).roles[0].id
      await api('PUT', `/v3/projects/${project}/users/${user}/roles/${roleId}`)
      tokens[role] = await tokenFor(s, `p-${role}`, PASSWORD, 'Default', { project: { id: project } })
    }
    tokens.no_token = undefined
  }, 120_000)
  afterAll(() => s.close())

  it('has a case for every operator route, and no case without a route', () => {
    expectOneCasePerRoute(operatorRoutes(s), cases(s, () => tokens.cloud_admin!))
  })

  for (const who of ['cloud_admin', 'member', 'reader', 'no_token']) {
    it(`${who}: every operator route answers as the matrix says`, async () => {
      const table = cases(s, () => tokens.cloud_admin!)
      const mismatches = await runMatrix(s, table, tokens[who], (action, okStatus) => {
        if (who === 'no_token') return UNAUTHORIZED
        if (who === 'cloud_admin') return { status: okStatus }
        return { status: 403, body: forbidden(action) }
      })
      expect(mismatches).toEqual([])
    }, 120_000)
  }
})
