/**
 * The audit trail over HTTP (CTS v3 `GET /v3/{project_id}/traces`): every change leaves one trace
 * with who, when, from where, which action on which resource, the request id and the states
 * before and after; the query rules, paging, account isolation and CTS's error format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, createPlainUser, tokenFor } from '../helpers/fixtures.js'

describe('audit trail: traces API', () => {
  let s: TestServer
  let token: string
  let adminId: string
  const traces = async (query = '', t = token, projectId = s.account.id) =>
    call(`${s.url}/v3/${projectId}/traces${query}`, { token: t })

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    adminId = (await call(`${s.url}/v3/users?name=admin`, { token })).body.users[0].id
  })
  afterAll(() => s.close())

  it('records a project creation and rename with who, when, from where, request id and both states', async () => {
    const before = Date.now()
    const createdRes = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_audited', description: 'one' } }, headers: { 'user-agent': 'audit-test/1.0' } })
    expect(createdRes.status).toBe(201)
    const id = createdRes.body.project.id
    const patched = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { name: 'cn-north-4_audited2' } } })
    expect(patched.status).toBe(200)

    const res = await traces(`?resource_id=${id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.body.meta_data).toEqual({ count: 2, marker: null })
    const [update, create] = res.body.traces
    const user = { id: adminId, name: 'admin', domain: { id: s.account.id, name: s.account.name } }
    expect(create).toEqual({
      trace_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      trace_name: 'createProject', trace_rating: 'normal', trace_type: 'ApiCall', service_type: 'IAM',
      resource_type: 'project', resource_id: id, resource_name: 'cn-north-4_audited',
      time: expect.any(Number), record_time: expect.any(Number), user,
      source_ip: '127.0.0.1', request_id: createdRes.headers.get('x-request-id'), user_agent: 'audit-test/1.0',
      resource_before: null,
      resource_after: expect.objectContaining({ id, name: 'cn-north-4_audited', description: 'one', domain_id: s.account.id, enabled: 1, status: 'normal' }),
    })
    expect(create.time).toBeGreaterThanOrEqual(before)
    expect(create.time).toBeLessThanOrEqual(Date.now())
    expect(update).toMatchObject({
      trace_name: 'updateProject', resource_name: 'cn-north-4_audited2', request_id: patched.headers.get('x-request-id'),
      resource_before: { name: 'cn-north-4_audited', description: 'one' },
      resource_after: { name: 'cn-north-4_audited2', description: 'one' },
    })
    // The state before the rename is, field for field, the state the creation left.
    expect(update.resource_before).toEqual(create.resource_after)
    expect(update.resource_after).toEqual({ ...create.resource_after, name: 'cn-north-4_audited2', updated_at: expect.any(String) })
    expect(update.trace_id > create.trace_id).toBe(true)
  })

  it('records nothing for a refused or failed change', async () => {
    const count = async () => (await traces('?limit=200')).body.meta_data.count
    const n = await count()
    const taken = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_audited2' } } })
    expect(taken.status).toBe(409)
    const bad = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'nowhere_x' } } })
    expect(bad.status).toBe(400)
    expect(await count()).toBe(n)
  })

  it('pages newest first with marker and next, and filters', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: `cn-north-4_page${i}` } } })).status).toBe(201)
    }
    const first = await traces('?limit=3&trace_name=createProject')
    expect(first.body.traces.map((t: any) => t.resource_name)).toEqual(['cn-north-4_page4', 'cn-north-4_page3', 'cn-north-4_page2'])
    expect(first.body.meta_data).toEqual({ count: 3, marker: first.body.traces[2].trace_id })
    const second = await traces(`?limit=3&trace_name=createProject&next=${first.body.meta_data.marker}`)
    expect(second.body.traces.map((t: any) => t.resource_name)).toEqual(['cn-north-4_page1', 'cn-north-4_page0', 'cn-north-4_audited'])
    // Nothing older matches: no marker, rather than a page that comes back empty.
    expect(second.body.meta_data).toEqual({ count: 3, marker: null })
    const fourth = await traces(`?limit=3&trace_name=createProject&next=${second.body.traces[2].trace_id}`)
    expect(fourth.body).toEqual({ traces: [], meta_data: { count: 0, marker: null } })

    expect((await traces('?resource_name=cn-north-4_page1')).body.traces).toHaveLength(1)
    expect((await traces('?service_type=EPS&resource_type=project')).body.traces).toHaveLength(0)
    expect((await traces('?user=admin&resource_type=project')).body.meta_data.count).toBe(7)
    expect((await traces('?trace_rating=warning')).body.traces).toEqual([])
    expect((await traces('?trace_type=data')).body.traces).toEqual([])
    const one = first.body.traces[0]
    expect((await traces(`?trace_id=${one.trace_id}`)).body.traces).toEqual([one])
    expect((await traces(`?request_id=${one.request_id}`)).body.traces).toEqual([one])
  })

  it('takes from and to in milliseconds, the last hour by default', async () => {
    const now = Date.now()
    expect((await traces(`?from=${now - 3_600_000}&to=${now}&limit=200`)).body.meta_data.count).toBeGreaterThan(5)
    expect((await traces(`?from=${now + 60_000}&to=${now + 120_000}`)).body.traces).toEqual([])
    expect((await traces(`?from=${now - 7_200_000}&to=${now - 3_600_000}`)).body.traces).toEqual([])
  })

  it("answers bad queries in CTS's error format", async () => {
    const invalid = (reason: string) => ({ error_code: 'CTS.0200', error_msg: `Invalid parameter. ${reason}` })
    expect(await traces('?limit=0')).toMatchObject({ status: 400, body: invalid('limit must be a whole number from 1 to 200.') })
    expect(await traces('?limit=201')).toMatchObject({ status: 400, body: invalid('limit must be a whole number from 1 to 200.') })
    expect(await traces('?from=yesterday')).toMatchObject({ status: 400, body: invalid('from must be a UTC time in milliseconds (13 digits).') })
    expect(await traces('?from=1700000000001&to=1700000000000')).toMatchObject({ status: 400, body: invalid('from must not be later than to.') })
    expect(await traces('?next=abc')).toMatchObject({ status: 400, body: invalid('next must be the marker of a previous page.') })
    expect(await traces('?trace_type=management')).toMatchObject({ status: 400, body: invalid("trace_type must be 'system' or 'data'.") })
    expect(await traces('', 'not-a-token')).toMatchObject({ status: 401, body: { error_code: 'CTS.0001', error_msg: 'Token missing or invalid.' } })
  })

  it("keeps accounts apart: another account's id is 404, its traces are its own", async () => {
    const other = await createAccount(s, 'audit-other', 'Other-Passw0rd!')
    const otherToken = await tokenFor(s, 'admin', 'Other-Passw0rd!', 'audit-other')
    expect(await traces('', otherToken)).toMatchObject({ status: 404, body: { error_code: 'CTS.0004', error_msg: 'Resource not found.' } })
    expect((await traces('', otherToken, other.id)).body).toEqual({ traces: [], meta_data: { count: 0, marker: null } })
    // A project id of the account reads the account's traces too, as CTS's path names a project.
    const regionProject = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token })).body.projects[0].id
    expect((await traces('?limit=1', token, regionProject)).body.meta_data.count).toBe(1)
  })

  it('needs permission: a user without roles is refused in CTS format', async () => {
    await createPlainUser(s, s.account.id, 'audit-nobody', 'Nobody-Passw0rd!')
    const nobody = await tokenFor(s, 'audit-nobody', 'Nobody-Passw0rd!', s.account.name)
    expect(await traces('', nobody)).toMatchObject({ status: 403, body: { error_code: 'CTS.0003', error_msg: 'Permission denied.' } })
  })
})

describe('audit trail: the source IP behind a proxy', () => {
  it('names the client from X-Forwarded-For only when the proxy is trusted (TRUST_PROXY)', async () => {
    for (const [trustProxy, expected] of [['', '127.0.0.1'], ['127.0.0.1', '203.0.113.7']] as const) {
      const s = await startServer({ env: trustProxy ? { TRUST_PROXY: trustProxy } : {} })
      try {
        const token = await s.adminToken()
        const res = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_proxied' } }, headers: { 'x-forwarded-for': '203.0.113.7' } })
        expect(res.status).toBe(201)
        const [trace] = (await call(`${s.url}/v3/${s.account.id}/traces?resource_id=${res.body.project.id}`, { token })).body.traces
        expect(trace.source_ip).toBe(expected)
      } finally {
        await s.close()
      }
    }
  })

  it('refuses a TRUST_PROXY entry that is no address, range or name', async () => {
    const { loadConfig, ConfigError } = await import('../../src/config.js')
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8, nginx' })).toThrow(new ConfigError("TRUST_PROXY: 'nginx' is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal"))
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(ConfigError)
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,loopback,::1' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1'])
  })
})
