/**
 * Persona × route matrix for every EPS, COC and CTS (traces) route (the IAM one is test/iam/policy-matrix):
 * the account administrator, a Security Administrator (IAM only), a Tenant Administrator, a
 * read-only guest, a user whose one policy allows updating one enterprise project, a user with
 * EPS FullAccess, a user with no grants, a disabled user and another account's administrator.
 * Each cell checks the exact status and, for refusals, the exact body in the service's format.
 * A route without a case fails the test.
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { expectOneCasePerRoute, matrixRoutes as routesNeedingCaller, persona } from '../helpers/policy-matrix.js'

const PASSWORD = 'Matrix-Passw0rd!'
const EPS = '/v1.0/enterprise-projects'
const PERSONAS = ['admin', 'secu', 'te', 'readonly', 'ep_one', 'eps_full', 'none', 'disabled', 'other'] as const
type Persona = (typeof PERSONAS)[number]
const ANY_LIVE: readonly Persona[] = ['admin', 'secu', 'te', 'readonly', 'ep_one', 'eps_full', 'none', 'other']
const EPS_WRITERS: readonly Persona[] = ['admin', 'te', 'eps_full']
const EPS_READERS: readonly Persona[] = ['admin', 'te', 'readonly', 'eps_full']
const TENANT_ADMINS: readonly Persona[] = ['admin', 'te']

interface Request { path: string; body?: unknown }
interface Expectation { status: number; body?: unknown }
interface Case {
  request(persona: Persona): Promise<Request>
  okStatus: number
  allowed: readonly Persona[]
  /** Another account's administrator: 'ok' when it succeeds on its own data, else what it gets. */
  other: 'ok' | Expectation
}

/** EPS's nested error body, with the same fields at the top level for the SDK and terraform. */
const epsError = (code: string, message: string) => ({ error: { error_code: code, error_msg: message }, error_code: code, error_msg: message })
const EPS_REFUSALS = { 401: epsError('EPS.0003', 'Unauthorized user.'), 403: epsError('EPS.0004', 'Permission error.') }
const COC_REFUSALS = { 401: { error_code: 'common.01010001', error_msg: 'Token missing or invalid.' }, 403: { error_code: 'COC.00010003', error_msg: 'Permission denied.' } }
const CTS_REFUSALS = { 401: { error_code: 'CTS.0001', error_msg: 'Token missing or invalid.' }, 403: { error_code: 'CTS.0003', error_msg: 'Permission denied.' } }
const EPS_NOT_FOUND: Expectation = { status: 404, body: epsError('EPS.0005', 'Requested resources not found.') }
const INVALID_RESOURCE: Expectation = { status: 400, body: epsError('EPS.0032', 'Invalid resource ID.') }

describe('persona × route matrix: EPS and COC (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  const tokens = {} as Record<Persona, string>
  const ids = {} as Record<string, string>
  let counter = 0
  const unique = (prefix: string) => `${prefix}_${++counter}`
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(`${s.url}${path}`, { method, token: admin, body })
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  const personaWithRole = (name: string, roleName: string) => persona(s, api, name, roleName, PASSWORD)
  const newEp = async () => (await api('POST', EPS, { name: unique('m') })).enterprise_project.id as string
  const newServer = async () => (await api('POST', '/_projectplane/resources', { resource_type: 'ecs', project_id: ids.project, resource_name: unique('vm') })).resource.resource_id as string

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
    tokens.admin = admin
    ids.ep = await newEp()
    ids.project = (await api('GET', '/v3/projects?name=cn-north-4')).projects[0].id
    tokens.secu = (await personaWithRole('p-secu', 'secu_admin')).token
    tokens.te = (await personaWithRole('p-te', 'te_admin')).token
    tokens.readonly = (await personaWithRole('p-readonly', 'readonly')).token
    tokens.eps_full = (await personaWithRole('p-eps-full', 'eps_full_access')).token
    const epOne = await personaWithRole('p-ep-one', '')
    const policy = await api('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'UpdateOneEp', type: 'AX', description: 'one EP', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:enterpriseProjects:update'] }] } } })
    await api('PUT', `/v3.0/OS-PERMISSION/enterprise-projects/${ids.ep}/groups/${epOne.group}/roles/${policy.role.id}`)
    tokens.ep_one = epOne.token
    tokens.none = (await personaWithRole('p-none', '')).token
    const disabled = await personaWithRole('p-disabled', 'te_admin')
    tokens.disabled = disabled.token
    await api('PATCH', `/v3/users/${disabled.user}`, { user: { enabled: false } })
    const other = await createAccount(s, 'matrix-eps-other', PASSWORD)
    tokens.other = await tokenFor(s, 'admin', PASSWORD, other.name)
    ids.server = await newServer()
  }, 120_000)
  afterAll(() => s.close())

  const cases = (): Record<string, Case> => ({
    [`GET ${EPS}`]: { request: async () => ({ path: EPS }), okStatus: 200, allowed: EPS_READERS, other: 'ok' },
    [`POST ${EPS}`]: { request: async () => ({ path: EPS, body: { name: unique('c') } }), okStatus: 201, allowed: EPS_WRITERS, other: 'ok' },
    [`GET ${EPS}/quotas`]: { request: async () => ({ path: `${EPS}/quotas` }), okStatus: 200, allowed: EPS_READERS, other: 'ok' },
    [`GET ${EPS}/providers`]: { request: async () => ({ path: `${EPS}/providers` }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
    [`GET ${EPS}/:enterprise_project_id`]: { request: async () => ({ path: `${EPS}/${ids.ep}` }), okStatus: 200, allowed: EPS_READERS, other: EPS_NOT_FOUND },
    [`PUT ${EPS}/:enterprise_project_id`]: {
      request: async () => ({ path: `${EPS}/${ids.ep}`, body: { name: unique('r') } }), okStatus: 200, allowed: [...EPS_WRITERS, 'ep_one'], other: EPS_NOT_FOUND,
    },
    [`POST ${EPS}/:enterprise_project_id/action`]: { request: async () => ({ path: `${EPS}/${ids.ep}/action`, body: { action: 'enable' } }), okStatus: 204, allowed: EPS_WRITERS, other: EPS_NOT_FOUND },
    [`DELETE ${EPS}/:enterprise_project_id`]: { request: async () => ({ path: `${EPS}/${await newEp()}` }), okStatus: 204, allowed: EPS_WRITERS, other: EPS_NOT_FOUND },
    [`POST ${EPS}/:enterprise_project_id/resources/filter`]: {
      request: async () => ({ path: `${EPS}/${ids.ep}/resources/filter`, body: { resource_types: ['cdn'] } }), okStatus: 200, allowed: EPS_READERS, other: EPS_NOT_FOUND,
    },
    [`POST ${EPS}/:enterprise_project_id/resources-migrate`]: {
      request: async () => ({ path: `${EPS}/${ids.ep}/resources-migrate`, body: { resource_id: await newServer(), resource_type: 'ecs', project_id: ids.project } }),
      okStatus: 204, allowed: EPS_WRITERS, other: INVALID_RESOURCE,
    },
    [`GET ${EPS}/migrate-record/list`]: { request: async () => ({ path: `${EPS}/migrate-record/list` }), okStatus: 200, allowed: EPS_READERS, other: 'ok' },
    [`GET ${EPS}/resources-mapping`]: { request: async () => ({ path: `${EPS}/resources-mapping` }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
    ['GET /v1.0/associated-resources/:resource_id']: {
      request: async () => ({ path: `/v1.0/associated-resources/${ids.server}?project_id=${ids.project}&region_id=cn-north-4&resource_type=ecs` }),
      okStatus: 200, allowed: EPS_READERS, other: INVALID_RESOURCE,
    },
    ['GET /v1/enterprise-projects/configs']: { request: async () => ({ path: '/v1/enterprise-projects/configs' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
    ['POST /v2/enterprises/enterprise-projects/authority']: { request: async () => ({ path: '/v2/enterprises/enterprise-projects/authority' }), okStatus: 204, allowed: TENANT_ADMINS, other: 'ok' },
    ['POST /_projectplane/resources']: { request: async () => ({ path: '/_projectplane/resources', body: { resource_type: 'cdn', resource_name: unique('cdn') } }), okStatus: 201, allowed: TENANT_ADMINS, other: 'ok' },
    ['GET /_projectplane/resources']: { request: async () => ({ path: '/_projectplane/resources' }), okStatus: 200, allowed: TENANT_ADMINS, other: 'ok' },
    ['DELETE /_projectplane/resources/:resource_type/:resource_id']: {
      request: async () => ({ path: `/_projectplane/resources/ecs/${await newServer()}` }), okStatus: 204, allowed: TENANT_ADMINS, other: EPS_NOT_FOUND,
    },
    ['PUT /v1/enterprise-project-collect']: { request: async () => ({ path: '/v1/enterprise-project-collect', body: { ep_id_list: ['0', ids.ep] } }), okStatus: 200, allowed: TENANT_ADMINS, other: 'ok' },
    ['GET /v1/enterprise-project-collect']: { request: async () => ({ path: '/v1/enterprise-project-collect?limit=10' }), okStatus: 200, allowed: [...TENANT_ADMINS, 'readonly'], other: 'ok' },
    ['GET /v3/:project_id/traces']: {
      request: async () => ({ path: `/v3/${s.account.id}/traces` }), okStatus: 200, allowed: [...TENANT_ADMINS, 'readonly'],
      other: { status: 404, body: { error_code: 'CTS.0004', error_msg: 'Resource not found.' } },
    },
  })

  /** EPS and COC routes that need a caller. */
  const matrixRoutes = () => routesNeedingCaller(s, (service) => service !== 'iam')

  it('has a case for every EPS and COC route that needs a caller, and no case without a route', () => {
    expectOneCasePerRoute(matrixRoutes(), cases())
  })

  for (const persona of PERSONAS) {
    it(`${persona}: every route answers as the matrix says`, async () => {
      const table = cases()
      const mismatches: string[] = []
      for (const route of matrixRoutes()) {
        const key = `${route.method} ${route.url}`
        const spec = table[key]!
        const refusals = route.service === 'coc' ? COC_REFUSALS : route.service === 'cts' ? CTS_REFUSALS : EPS_REFUSALS
        const req = await spec.request(persona)
        const res = await call(`${s.url}${req.path}`, { method: route.method, token: tokens[persona], body: req.body })
        let expected: Expectation
        if (persona === 'disabled') expected = { status: 401, body: refusals[401] }
        else if (persona === 'other' && spec.other !== 'ok') expected = spec.other
        else if (spec.allowed.includes(persona) || (persona === 'other' && spec.other === 'ok')) expected = { status: spec.okStatus }
        else expected = { status: 403, body: refusals[403] }
        const bodyOk = expected.body === undefined || isDeepStrictEqual(res.body, expected.body)
        const okShape = expected.status >= 400 || res.status === 204 || (typeof res.body === 'object' && !('error' in res.body) && !('error_code' in res.body))
        if (res.status !== expected.status || !bodyOk || !okShape) {
          mismatches.push(`${key}: expected ${expected.status} ${expected.body ? JSON.stringify(expected.body) : ''}, got ${res.status} ${res.text.slice(0, 200)}`)
        }
      }
      expect(mismatches).toEqual([])
    }, 120_000)
  }
})
