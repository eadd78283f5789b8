/**
 * The fuzz suite over every operation of the server's own `/openapi.json` (issue 19): fast-check
 * makes requests with real and odd ids, mutated and malformed bodies, odd query values and
 * headers, and every kind of caller, and the server must keep its invariants:
 *   - never a 5xx, and never a hang (each request has REQUEST_TIMEOUT_MS);
 *   - every refusal in the error format of the service owning the operation, no body to a HEAD;
 *   - a refused write changes nothing (every table but the audit trail's, before and after a batch);
 *   - the server is alive and answering correctly at the end.
 * Each flavour's own document and error formats (plain Keystone: Keystone's body for all of IAM),
 * one test file each (api-fuzz*.test.ts). A fixed seed and a bounded count in CI;
 * `FUZZ_RUNS=… npm run test:fuzz` for a long run (fuzz-settings.ts). SQLite only: what it tests is the HTTP surface; the stores are proven
 * by the store-backed suites on both databases.
 */
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flavourFor, type FlavourName } from '../../src/flavours.js'
import type { ServiceName } from '../../src/http/fastify-types.js'
import { signRequest, type AccessKey } from '../helpers/huawei-sdk.js'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createPlainUser, tokenFor } from '../helpers/fixtures.js'
import { recordSecret } from '../helpers/secrets.js'
import { errorShapeProblem } from './error-shapes.js'
import { fcParameters, fuzzRuns, REQUEST_TIMEOUT_MS, timeoutFor } from './fuzz-settings.js'
import { operationsOf, requestFor, type FuzzRequest, type Operation } from './openapi-requests.js'

const PASSWORD = 'Fuzz-Passw0rd!'
/** The refused-writes property runs batches of this many requests between two state exports. */
const BATCH = 8
/**
 * Tables a refused request may write to: the audit trail and its outbox record refusals as the
 * clouds' CTS does. Every other table must come out of a batch of refused writes as it went in.
 */
const UNGUARDED_TABLES = new Set(['audit_traces', 'outbox_messages'])
/** Words the keystone flavour's paths take besides ids: domain-config groups and options, federation protocols. */
const PATH_WORDS = ['identity', 'ldap', 'driver', 'url', 'security_compliance', 'password_regex', 'saml2', 'openid', 'mapped', 'fuzz-idp', 'fuzz-mapping']

interface Answer { status: number; text: string; contentType: string | null }

/** The services whose operations a flavour's `/openapi.json` lists. */
function servicesOf(flavour: FlavourName): Set<ServiceName> {
  const f = flavourFor(flavour)
  return new Set<ServiceName>(['iam', 'cts', ...(f.eps ? ['eps' as const] : []), ...(f.coc ? ['coc' as const] : [])])
}

/** Every row of every guarded table, sorted: what a refused write must leave as it was. */
async function dumpTables(s: TestServer): Promise<string> {
  const db = s.server.db.kysely
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !UNGUARDED_TABLES.has(name) && !name.startsWith('kysely_') && !name.startsWith('schema_')).sort()
  const out: string[] = []
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)
    out.push(table, ...rows.rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v))).sort())
  }
  return out.join('\n')
}

/** A token from a sign-in body, or undefined where the flavour refuses that kind of sign-in. */
async function signIn(s: TestServer, auth: unknown): Promise<string | undefined> {
  const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: { auth } })
  return res.status === 201 ? res.headers.get('x-subject-token')! : undefined
}

/**
 * The admin's other kinds of token, where the flavour gives them: unscoped, system-scoped, and
 * by an application credential (Keystone's). Each reaches other branches of the policy checks.
 */
async function otherTokens(s: TestServer, adminId: string, user: { id: string; token: string }, project: string | undefined): Promise<Record<string, string>> {
  const password = { user: { id: adminId, password: s.adminPassword } }
  const found: Record<string, string | undefined> = {
    'admin-unscoped': await signIn(s, { identity: { methods: ['password'], password } }),
    'admin-system': await signIn(s, { identity: { methods: ['password'], password }, scope: { system: { all: true } } }),
  }
  const credential = await call(`${s.url}/v3/users/${adminId}/application_credentials`, { method: 'POST', token: await s.adminToken(), body: { application_credential: { name: 'fuzz-app-credential' } } })
  if (credential.status === 201) {
    const { id, secret } = credential.body.application_credential
    found['admin-app-credential'] = await signIn(s, { identity: { methods: ['application_credential'], application_credential: { id, secret } } })
  }
  // The plain user acting for the admin on its project through a trust (Keystone's OS-TRUST).
  const trust = await call(`${s.url}/v3/OS-TRUST/trusts`, {
    method: 'POST', token: await s.adminToken(),
    body: { trust: { trustor_user_id: adminId, trustee_user_id: user.id, impersonation: false, project_id: project, roles: [{ name: 'member' }] } },
  })
  if (trust.status === 201) found.trust = await signIn(s, { identity: { methods: ['token'], token: { id: user.token } }, scope: { 'OS-TRUST:trust': { id: trust.body.trust.id } } })
  return Object.fromEntries(Object.entries(found).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/**
 * One of each of Keystone's own kinds, so that fuzzed ids reach them: a service and its endpoint,
 * an endpoint group, an identity provider with a mapping and a protocol, a policy blob, an OAuth
 * consumer, and credentials of the plain user (never the admin's, which the suite signs in with).
 */
async function seedKeystoneKinds(s: TestServer, token: string, userId: string, projectId: string): Promise<void> {
  const make = async (method: string, path: string, body: unknown) => {
    const res = await call(`${s.url}${path}`, { method, token, body })
    expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300)
    return res.body
  }
  const service = await make('POST', '/v3/services', { service: { type: 'compute', name: 'fuzz-nova' } })
  await make('POST', '/v3/endpoints', { endpoint: { service_id: service.service.id, interface: 'public', url: 'http://fuzz.example/v2.1', region_id: 'RegionOne' } })
  await make('POST', '/v3/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'fuzz-group', filters: { interface: 'public' } } })
  await make('PUT', '/v3/OS-FEDERATION/mappings/fuzz-mapping', { mapping: { rules: [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'REMOTE_USER' }] }] } })
  await make('PUT', '/v3/OS-FEDERATION/identity_providers/fuzz-idp', { identity_provider: { remote_ids: ['https://idp.fuzz.example'] } })
  await make('PUT', '/v3/OS-FEDERATION/identity_providers/fuzz-idp/protocols/mapped', { protocol: { mapping_id: 'fuzz-mapping' } })
  await make('POST', '/v3/policies', { policy: { blob: '{}', type: 'application/json' } })
  await make('POST', '/v3/OS-OAUTH1/consumers', { consumer: { description: 'fuzz' } })
  await make('POST', '/v3/credentials', { credential: { user_id: userId, type: 'totp', blob: 'fuzz-blob' } })
  await make('POST', `/v3/users/${userId}/credentials/OS-EC2`, { tenant_id: projectId })
}

/** The fuzz suite over one flavour's `/openapi.json`: the flavour decides the operations and the error formats. */
export function describeApiFuzz(flavour: FlavourName): void {
  describe(`fuzz: every operation of /openapi.json (${flavour})`, () => {
    const FUZZ_RUNS = fuzzRuns(flavour)
    let s: TestServer
    let doc: any
    let ops: Operation[]
    let adminToken: string
    /** The callers' tokens by name: `admin` and `user` in every flavour, and the other kinds the flavour signs in with. */
    const tokens = new Map<string, string>()
    let tokenNames: string[]
    let key: AccessKey
    let realIds: string[]
    let otherProject: string

    beforeAll(async () => {
      s = await startServer({ flavour })
      adminToken = await s.adminToken()
      const userId = await createPlainUser(s, s.account.id, 'fuzz-user', PASSWORD)
      const admin = (await call(`${s.url}/v3/users?name=${s.adminUser}`, { token: adminToken })).body.users[0]
      // Keystone gives no scoped token without a role: the user is a member of a project of its own.
      let scope: unknown
      if (flavour === 'keystone') {
        const project = await call(`${s.url}/v3/projects`, { method: 'POST', token: adminToken, body: { project: { name: 'fuzz-project', domain_id: s.account.id } } })
        const member = (await call(`${s.url}/v3/roles?name=member`, { token: adminToken })).body.roles[0]
        const grant = await call(`${s.url}/v3/projects/${project.body.project.id}/users/${userId}/roles/${member.id}`, { method: 'PUT', token: adminToken })
        expect(grant.status, grant.text).toBe(204)
        scope = { project: { id: project.body.project.id } }
        await seedKeystoneKinds(s, adminToken, userId, project.body.project.id)
      }
      tokens.set('admin', adminToken).set('user', await tokenFor(s, 'fuzz-user', PASSWORD, s.account.name, scope))
      const db = s.server.db.kysely
      const adminProject = flavour === 'keystone' ? (await db.selectFrom('projects').select('id').where('name', '=', 'admin').executeTakeFirst())?.id : undefined
      for (const [name, token] of Object.entries(await otherTokens(s, admin.id, { id: userId, token: tokens.get('user')! }, adminProject))) tokens.set(name, token)
      for (const token of tokens.values()) recordSecret('token', token)
      // The admin's token twice as often as any other: most operations are the administrator's.
      tokenNames = ['admin', ...tokens.keys()]
      const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: adminToken, body: { credential: { user_id: admin.id } } })
      // A flavour without access keys would get signed callers carrying a key it does not know.
      key = created.status === 201 ? { access: created.body.credential.access, secret: created.body.credential.secret } : { access: 'AKFUZZNOSUCHKEY00000', secret: 'fuzz-secret-not-stored' }
      if (flavourFor(flavour).eps) {
        const ep = await call(`${s.url}/v1.0/enterprise-projects`, { method: 'POST', token: adminToken, body: { name: 'fuzz-ep' } })
        expect(ep.status, ep.text).toBe(201)
      }
      doc = (await call(`${s.url}/openapi.json`)).body
      ops = operationsOf(doc)
      // Real ids make the requests reach past routing into the services. The suite's caller is
      // left out, so a fuzzed DELETE cannot take it away: the admin, and on Keystone the project
      // its token is scoped to and the role that makes it the admin.
      const adminRoles = (await db.selectFrom('roles').select('id').where('name', 'in', [...flavourFor(flavour).adminRoleNames]).execute()).map((r) => r.id)
      const keep = new Set([admin.id, adminProject, ...adminRoles])
      const tables = (await db.introspection.getTables()).filter((t) => t.columns.some((c) => c.name === 'id') && !UNGUARDED_TABLES.has(t.name))
      const ids: string[] = []
      for (const table of tables) {
        const rows = await sql<{ id: unknown }>`select id from ${sql.table(table.name)} limit 6`.execute(db)
        ids.push(...rows.rows.map((r) => String(r.id)).filter((id) => !keep.has(id)))
      }
      const projects = await db.selectFrom('projects').select('id').execute()
      otherProject = projects.find((p) => p.id !== s.account.id && !keep.has(p.id))?.id ?? s.account.id
      realIds = [...new Set([s.account.id, key.access, ...ids, ...(flavour === 'keystone' ? PATH_WORDS : [])])]
    })
    afterAll(() => s?.close())

    /** The request as sent: its caller turned into headers (a signature is made over what is sent). */
    function wire(request: FuzzRequest): { url: string; init: RequestInit } {
      const qs = new URLSearchParams(request.query).toString()
      const url = `${s.url}${request.path}${qs ? `?${qs}` : ''}`
      const headers: Record<string, string> = { ...request.headers }
      const { caller } = request
      if (caller.kind === 'token') headers['x-auth-token'] = tokens.get(caller.who)!
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
      const shape = errorShapeProblem(flavour, op.service, answer.status, body)
      return shape === undefined ? undefined : `${what} (${op.service}): ${shape}: ${answer.text.slice(0, 300)}`
    }

    const check = async (op: Operation, request: FuzzRequest) => {
      const problem = problemWith(op, request, await send(request))
      if (problem) throw new Error(problem)
    }

    const anyRequest = () => fc.constantFrom(...ops).chain((op) => requestFor(doc, op, realIds, key.access, tokenNames).map((request) => ({ op, request })))

    it('signs in every kind of caller the flavour has', () => {
      const expected = { huaweicloud: [], opentelekomcloud: [], keystone: ['admin-unscoped', 'admin-system', 'admin-app-credential', 'trust'] }[flavour]
      expect([...tokens.keys()]).toEqual(expect.arrayContaining(['admin', 'user', ...expected]))
    })

    it('lists operations of every service', () => {
      expect(new Set(ops.map((op) => op.service))).toEqual(servicesOf(flavour))
      expect(ops.length).toBeGreaterThan(100)
    })

    it('answers one fuzzed request of every operation within the invariants', async () => {
      for (const [index, op] of ops.entries()) {
        const [request] = fc.sample(requestFor(doc, op, realIds, key.access, tokenNames), { numRuns: 1, seed: fcParameters(1).seed + index })
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
      const refused = fc.constantFrom(...writes).chain((op) => requestFor(doc, op, realIds, key.access, tokenNames).chain((request) => fc.oneof(
        fc.constant({ ...request, caller: { kind: 'none' as const } }),
        fc.constant(request.caller.kind === 'bad-token' || request.caller.kind === 'bad-signature' ? request : { ...request, caller: { kind: 'bad-token' as const, value: 'gAAAAAB-not-a-token' } }),
        fc.constantFrom('empty-project' as const, 'empty-domain' as const).map((scope) => ({ ...request, caller: { kind: 'signed' as const, scope } })),
        fc.constantFrom('{', '{"a":', '[1,', 'nul').map((body) => ({ ...request, body, headers: { ...request.headers, 'content-type': 'application/json' }, caller: { kind: 'token' as const, who: 'admin' as const } })),
      ).map((r) => ({ op, request: r }))))
      const exportNow = () => dumpTables(s)
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
}
