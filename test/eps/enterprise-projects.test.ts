/**
 * EPS enterprise projects over HTTP: versions, the default project `0`, create, list with every
 * filter and paging, show, the seed's modify (`PUT`) with every refusal, enable/disable, delete,
 * quotas, enterprise-project-scoped grants, the Open Telekom Cloud rules, racing renames, and what
 * COC favourites show once an enterprise project is disabled or deleted. Exact status and body.
 */
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'

const PASSWORD = 'User-Passw0rd!'
const EPS = '/v1.0/enterprise-projects'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
const UNKNOWN_ID = '3f0e6b55-0c4d-4d9b-9a55-2f4a3e1b7c90'
/** EPS's nested error body, with the same fields at the top level for the SDK and terraform. */
const epsError = (code: string, message: string) => ({ error: { error_code: code, error_msg: message }, error_code: code, error_msg: message })
const INVALID_NAME = epsError('EPS.0007', 'Invalid enterprise project name.')
const NOT_FOUND = epsError('EPS.0005', 'Requested resources not found.')
const FORBIDDEN = epsError('EPS.0004', 'Permission error.')
const UNAUTHORIZED = epsError('EPS.0003', 'Unauthorized user.')

/** GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(url: string, path: string, host: string): Promise<{ status: number; body: any }> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    http.get({ host: u.hostname, port: u.port, path, headers: { host } }, (res) => {
      let data = ''
      res.on('data', (chunk) => { data += chunk })
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(data) }))
    }).on('error', reject)
  })
}

describe('EPS enterprise projects (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let counter = 0
  const unique = (prefix = 'ep') => `${prefix}_${++counter}`
  const eps = (method: string, path: string, body?: unknown, token: string | undefined = admin) => call(`${s.url}${path}`, { method, token, body })
  const create = async (body: Record<string, unknown> = {}) => {
    const res = await eps('POST', EPS, { name: unique(), ...body })
    expect(res.status, res.text).toBe(201)
    return res.body.enterprise_project as { id: string; name: string; description: string; type: string; created_at: string; updated_at: string }
  }
  const roleId = async (name: string) => (await call(`${s.url}/v3/roles?name=${name}`, { token: admin })).body.roles[0].id as string
  /** A user in its own group; `role` granted on the account when given. */
  const member = async (role?: string) => {
    const name = unique('u')
    const user = (await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password: PASSWORD } } })).body.user.id as string
    const group = (await call(`${s.url}/v3/groups`, { method: 'POST', token: admin, body: { group: { name: `${name}-g` } } })).body.group.id as string
    await call(`${s.url}/v3/groups/${group}/users/${user}`, { method: 'PUT', token: admin })
    if (role) await call(`${s.url}/v3/domains/${s.account.id}/groups/${group}/roles/${await roleId(role)}`, { method: 'PUT', token: admin })
    return { user, group, name, token: () => tokenFor(s, name, PASSWORD, s.account.name) }
  }
  const customPolicy = async (actions: string[]) => (await call(`${s.url}/v3.0/OS-ROLE/roles`, {
    method: 'POST', token: admin,
    body: { role: { display_name: unique('P'), type: 'AX', description: 'test', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: actions }] } } },
  })).body.role.id as string

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
  })
  afterAll(() => s.close())

  describe('API versions', () => {
    const version = (base: string) => ({ id: 'v1.0', links: [{ rel: 'self', href: `${base}/v1.0` }], version: '', status: 'CURRENT', updated: '2016-12-09T00:00:00Z', min_version: '' })

    it('GET /v1.0 shows the version without a token', async () => {
      const res = await call(`${s.url}/v1.0`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ version: version(s.url) })
    })

    it("GET / lists EPS's versions for an eps.* host and stays IAM's otherwise", async () => {
      expect(await getWithHost(s.url, '/', 'eps.example.test')).toEqual({ status: 200, body: { versions: [version('http://eps.example.test')] } })
      const iam = await getWithHost(s.url, '/', 'iam.example.test')
      expect(iam.status).toBe(300)
      expect(iam.body.versions.values[0].id).toBe('v3.14')
    })
  })

  describe('the default enterprise project', () => {
    it('exists in every account as id 0, is listed and shown, and cannot be modified, disabled or deleted', async () => {
      const shown = await eps('GET', `${EPS}/0`)
      expect(shown.status).toBe(200)
      expect(shown.body).toEqual({
        enterprise_project: { id: '0', name: 'default', description: '', status: 1, type: 'prod', created_at: expect.stringMatching(TIME), updated_at: expect.stringMatching(TIME), delete_flag: false },
      })
      const listed = await eps('GET', `${EPS}?id=0`)
      expect(listed.body).toEqual({ enterprise_projects: [shown.body.enterprise_project], total_count: 1 })
      expect((await eps('PUT', `${EPS}/0`, { name: 'renamed' })).body).toEqual(epsError('EPS.0012', 'The default enterprise project cannot be " + "modified.'))
      const noOperation = epsError('EPS.0015', 'The default enterprise project does " + "not support the operation.')
      expect(await eps('POST', `${EPS}/0/action`, { action: 'disable' })).toMatchObject({ status: 400, body: noOperation })
      expect(await eps('DELETE', `${EPS}/0`)).toMatchObject({ status: 400, body: noOperation })
      const other = await createAccount(s, 'eps-default-other', PASSWORD)
      const otherToken = await tokenFor(s, 'admin', PASSWORD, other.name)
      expect((await eps('GET', `${EPS}/0`, undefined, otherToken)).body.enterprise_project.name).toBe('default')
    })
  })

  describe('create', () => {
    it('answers 201 with the new project: enabled, prod by default, times to the second', async () => {
      const res = await eps('POST', EPS, { name: 'created_1', description: 'first' })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        enterprise_project: {
          id: expect.stringMatching(UUID), name: 'created_1', description: 'first', status: 1, type: 'prod',
          created_at: expect.stringMatching(TIME), updated_at: expect.stringMatching(TIME), delete_flag: false,
        },
      })
      expect((await eps('POST', EPS, { name: 'created_poc', type: 'poc' })).body.enterprise_project).toMatchObject({ type: 'poc', description: '' })
    })

    it('checks the name as Huawei Cloud does: 1–64 letters, digits, _, - or Chinese characters, never "default" in any case', async () => {
      for (const name of ['', 'a'.repeat(65), 'with space', 'dot.name', 'DeFault', 'default']) {
        expect(await eps('POST', EPS, { name }), JSON.stringify(name)).toMatchObject({ status: 400, body: INVALID_NAME })
      }
      expect((await eps('POST', EPS, {})).body).toEqual(INVALID_NAME)
      expect((await eps('POST', EPS, { name: 42 })).body).toEqual(INVALID_NAME)
      for (const name of ['a'.repeat(64), '企业项目_1', 'my-default-ep']) {
        expect((await eps('POST', EPS, { name })).status, name).toBe(201)
      }
    })

    it('refuses a long description, a bad type, unknown fields and a taken name with their codes', async () => {
      expect(await eps('POST', EPS, { name: unique(), description: 'd'.repeat(513) })).toMatchObject({ status: 400, body: epsError('EPS.0008', 'Invalid enterprise project description.') })
      expect((await eps('POST', EPS, { name: unique(), description: 'd'.repeat(512) })).status).toBe(201)
      expect(await eps('POST', EPS, { name: unique(), type: 'dev' })).toMatchObject({ status: 400, body: epsError('EPS.0002', "Bad request. 'type' must be prod or poc.") })
      expect(await eps('POST', EPS, { name: unique(), enabled: true })).toMatchObject({
        status: 400, body: epsError('EPS.0002', "Bad request. Additional properties are not allowed ('enabled' was unexpected)"),
      })
      const taken = await create()
      expect(await eps('POST', EPS, { name: taken.name })).toMatchObject({ status: 409, body: epsError('EPS.0010', 'The enterprise project name already exists.') })
    })

    it('answers bad JSON, a wrong media type and an oversized body in EPS format', async () => {
      expect(await eps('POST', EPS, '{"name":')).toMatchObject({ status: 400, body: epsError('EPS.0049', 'Invalid json.') })
      const xml = await call(`${s.url}${EPS}`, { method: 'POST', token: admin, body: '<name/>', headers: { 'content-type': 'application/xml' } })
      expect(xml.status).toBe(400)
      expect(xml.body.error.error_code).toBe('EPS.0002')
      const big = await eps('POST', EPS, { name: unique(), description: 'x'.repeat(201 * 1024) })
      expect(big).toMatchObject({ status: 400, body: epsError('EPS.0042', 'The request body length is too long. The maximum length allowed is 200 KB.') })
    })
  })

  describe('list', () => {
    let listed: { id: string; name: string }[]
    beforeAll(async () => {
      // Their own account, so the counts below are exact.
      const account = await createAccount(s, 'eps-list', PASSWORD)
      const token = await tokenFor(s, 'admin', PASSWORD, account.name)
      listed = []
      for (const [name, type] of [['alpha_prod', 'prod'], ['beta_poc', 'poc'], ['gamma_prod', 'prod']] as const) {
        listed.push((await eps('POST', EPS, { name, type }, token)).body.enterprise_project)
        await new Promise((r) => setTimeout(r, 1100)) // distinct created_at seconds
      }
      await eps('POST', `${EPS}/${listed[2]!.id}/action`, { action: 'disable' }, token)
      listToken = token
    }, 30_000)
    let listToken: string
    const names = async (query: string) => {
      const res = await eps('GET', `${EPS}${query}`, undefined, listToken)
      expect(res.status, res.text).toBe(200)
      return { names: res.body.enterprise_projects.map((p: { name: string }) => p.name), total: res.body.total_count }
    }

    it('lists newest first with the default project and total_count', async () => {
      expect(await names('')).toEqual({ names: ['gamma_prod', 'beta_poc', 'alpha_prod', 'default'], total: 4 })
      expect(await names('?sort_dir=asc')).toEqual({ names: ['default', 'alpha_prod', 'beta_poc', 'gamma_prod'], total: 4 })
      // The disable touched gamma last.
      expect((await names('?sort_key=updated_at&sort_dir=desc')).names[0]).toBe('gamma_prod')
    })

    it('filters by id, fuzzy name in any case, status and type', async () => {
      expect(await names(`?id=${listed[1]!.id}`)).toEqual({ names: ['beta_poc'], total: 1 })
      expect(await names('?name=PROD')).toEqual({ names: ['gamma_prod', 'alpha_prod'], total: 2 })
      // `_` is a plain character, not a LIKE wildcard.
      expect(await names('?name=a_p')).toEqual({ names: ['gamma_prod', 'beta_poc', 'alpha_prod'], total: 3 })
      expect(await names('?name=a_pr')).toEqual({ names: ['gamma_prod', 'alpha_prod'], total: 2 })
      expect(await names('?name=ap')).toEqual({ names: [], total: 0 })
      expect(await names('?name=%25')).toEqual({ names: [], total: 0 })
      expect(await names('?status=2')).toEqual({ names: ['gamma_prod'], total: 1 })
      expect(await names('?type=poc')).toEqual({ names: ['beta_poc'], total: 1 })
      expect(await names('?status=1&type=prod')).toEqual({ names: ['alpha_prod', 'default'], total: 2 })
    })

    it('pages with offset and limit; total_count counts every match', async () => {
      expect(await names('?limit=2')).toEqual({ names: ['gamma_prod', 'beta_poc'], total: 4 })
      expect(await names('?limit=2&offset=2')).toEqual({ names: ['alpha_prod', 'default'], total: 4 })
      expect(await names('?offset=10')).toEqual({ names: [], total: 4 })
    })

    it('refuses bad paging and sorting with their codes', async () => {
      for (const [query, code, message] of [
        ['?limit=0', 'EPS.0017', 'Invalid limit.'], ['?limit=1001', 'EPS.0017', 'Invalid limit.'], ['?limit=x', 'EPS.0017', 'Invalid limit.'],
        ['?limit=1&limit=2', 'EPS.0017', 'Invalid limit.'], ['?offset=-1', 'EPS.0018', 'Invalid offset.'],
        ['?sort_key=name', 'EPS.0002', "Bad request. 'sort_key' must be created_at or updated_at."],
        ['?sort_dir=up', 'EPS.0002', "Bad request. 'sort_dir' must be asc or desc."],
        ['?status=3', 'EPS.0002', "Bad request. 'status' must be 1 (enabled) or 2 (disabled)."],
        ['?type=dev', 'EPS.0002', "Bad request. 'type' must be prod or poc."],
      ] as const) {
        expect(await eps('GET', `${EPS}${query}`, undefined, listToken), query).toMatchObject({ status: 400, body: epsError(code, message) })
      }
    })
  })

  describe('show', () => {
    it('shows a project of the account; 404 for an unknown or foreign id, 400 EPS.0044 for a malformed one', async () => {
      const ep = await create({ description: 'shown' })
      expect((await eps('GET', `${EPS}/${ep.id}`)).body).toEqual({ enterprise_project: { ...ep } })
      expect(await eps('GET', `${EPS}/${UNKNOWN_ID}`)).toMatchObject({ status: 404, body: NOT_FOUND })
      expect(await eps('GET', `${EPS}/not-an-id`)).toMatchObject({ status: 400, body: epsError('EPS.0044', 'Invalid enterprise project id.') })
      const other = await createAccount(s, 'eps-show-other', PASSWORD)
      expect(await eps('GET', `${EPS}/${ep.id}`, undefined, await tokenFor(s, 'admin', PASSWORD, other.name))).toMatchObject({ status: 404, body: NOT_FOUND })
    })
  })

  describe('modify (seed 001)', () => {
    it("the seed's example request gives the seed's example response (ids and times aside)", async () => {
      const ep = await create()
      const res = await call(`${s.url}${EPS}/${ep.id}`, {
        method: 'PUT', token: admin, headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: { name: 'enterprise_project1', description: 'Specifies the description.' },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(res.body).toEqual({
        enterprise_project: {
          id: ep.id, name: 'enterprise_project1', description: 'Specifies the description.', status: 1, type: 'prod',
          created_at: ep.created_at, updated_at: expect.stringMatching(TIME), delete_flag: false,
        },
      })
      expect(Object.keys(res.body.enterprise_project)).toEqual(['id', 'name', 'description', 'status', 'type', 'created_at', 'updated_at', 'delete_flag'])
      expect((await eps('GET', `${EPS}/${ep.id}`)).body).toEqual(res.body)
    })

    it('keeps the description when it is omitted and changes poc to prod, never back', async () => {
      const ep = await create({ description: 'kept', type: 'poc' })
      expect((await eps('PUT', `${EPS}/${ep.id}`, { name: `${ep.name}_r` })).body.enterprise_project).toMatchObject({ name: `${ep.name}_r`, description: 'kept', type: 'poc' })
      expect((await eps('PUT', `${EPS}/${ep.id}`, { name: ep.name, description: '' })).body.enterprise_project.description).toBe('')
      expect((await eps('PUT', `${EPS}/${ep.id}`, { name: ep.name, type: 'prod' })).body.enterprise_project.type).toBe('prod')
      expect(await eps('PUT', `${EPS}/${ep.id}`, { name: ep.name, type: 'poc' })).toMatchObject({
        status: 400, body: epsError('EPS.0002', 'Bad request. A prod enterprise project cannot become poc; only poc → prod is allowed.'),
      })
      // Keeping prod is no change of type.
      expect((await eps('PUT', `${EPS}/${ep.id}`, { name: ep.name, type: 'prod' })).status).toBe(200)
      // Renaming to its own name is no conflict.
      expect((await eps('PUT', `${EPS}/${ep.id}`, { name: ep.name })).status).toBe(200)
    })

    it('refuses every documented case with its code and message', async () => {
      const ep = await create()
      const taken = await create()
      const cases: [string, unknown, number, unknown][] = [
        [ep.id, { description: 'no name' }, 400, INVALID_NAME],
        [ep.id, { name: 'Default' }, 400, INVALID_NAME],
        [ep.id, { name: 'x'.repeat(65) }, 400, INVALID_NAME],
        [ep.id, { name: 'ok', description: 'd'.repeat(513) }, 400, epsError('EPS.0008', 'Invalid enterprise project description.')],
        [ep.id, { name: 'ok', type: 'test' }, 400, epsError('EPS.0002', "Bad request. 'type' must be prod or poc.")],
        [ep.id, { name: taken.name }, 409, epsError('EPS.0010', 'The enterprise project name already exists.')],
        [ep.id, '{"name": "x"', 400, epsError('EPS.0049', 'Invalid json.')],
        [UNKNOWN_ID, { name: 'ok' }, 404, NOT_FOUND],
        ['not-a-uuid', { name: 'ok' }, 400, epsError('EPS.0044', 'Invalid enterprise project id.')],
        ['0', { name: 'ok' }, 400, epsError('EPS.0012', 'The default enterprise project cannot be " + "modified.')],
      ]
      for (const [id, body, status, expected] of cases) {
        expect(await eps('PUT', `${EPS}/${id}`, body), JSON.stringify(body)).toMatchObject({ status, body: expected })
      }
      // Nothing of the refused requests stuck.
      expect((await eps('GET', `${EPS}/${ep.id}`)).body.enterprise_project).toEqual(ep)
    })

    it('refuses to modify a disabled project (EPS.0014) until it is enabled again', async () => {
      const ep = await create()
      expect((await eps('POST', `${EPS}/${ep.id}/action`, { action: 'disable' })).status).toBe(204)
      expect(await eps('PUT', `${EPS}/${ep.id}`, { name: `${ep.name}_x` })).toMatchObject({
        status: 400, body: epsError('EPS.0014', 'The disabled enterprise project cannot be modified'),
      })
      expect((await eps('POST', `${EPS}/${ep.id}/action`, { action: 'enable' })).status).toBe(204)
      expect((await eps('PUT', `${EPS}/${ep.id}`, { name: `${ep.name}_x` })).status).toBe(200)
    })

    it('answers 401 without a valid token and 403 to callers without the permission', async () => {
      const ep = await create()
      expect(await eps('PUT', `${EPS}/${ep.id}`, { name: 'x' }, '')).toMatchObject({ status: 401, body: UNAUTHORIZED })
      expect(await eps('PUT', `${EPS}/${ep.id}`, { name: 'x' }, 'not-a-token')).toMatchObject({ status: 401, body: UNAUTHORIZED })
      for (const role of ['readonly', 'secu_admin', 'eps_read_only_access', undefined]) {
        const m = await member(role)
        expect(await eps('PUT', `${EPS}/${ep.id}`, { name: 'x' }, await m.token()), role).toMatchObject({ status: 403, body: FORBIDDEN })
      }
      for (const role of ['te_admin', 'eps_full_access']) {
        const m = await member(role)
        expect((await eps('PUT', `${EPS}/${ep.id}`, { name: unique() }, await m.token())).status, role).toBe(200)
      }
    })

    it('needs a domain-scoped token: a project-scoped one is refused even for the administrator', async () => {
      const ep = await create()
      const project = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token: admin })).body.projects[0].id
      const scoped = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name, { project: { id: project } })
      expect(await eps('PUT', `${EPS}/${ep.id}`, { name: 'x' }, scoped)).toMatchObject({ status: 403, body: FORBIDDEN })
    })
  })

  describe('enable and disable', () => {
    it('answers 204 both ways, idempotently, and refuses other actions', async () => {
      const ep = await create()
      for (const action of ['disable', 'disable', 'enable', 'enable']) {
        const res = await eps('POST', `${EPS}/${ep.id}/action`, { action })
        expect(res.status, action).toBe(204)
        expect(res.text).toBe('')
        expect((await eps('GET', `${EPS}/${ep.id}`)).body.enterprise_project.status).toBe(action === 'enable' ? 1 : 2)
      }
      expect(await eps('POST', `${EPS}/${ep.id}/action`, { action: 'pause' })).toMatchObject({ status: 400, body: epsError('EPS.0013', 'Invalid action.') })
      expect(await eps('POST', `${EPS}/${UNKNOWN_ID}/action`, { action: 'enable' })).toMatchObject({ status: 404, body: NOT_FOUND })
    })

    it('checks enable and disable as separate permissions', async () => {
      const ep = await create()
      const m = await member()
      await call(`${s.url}/v3/domains/${s.account.id}/groups/${m.group}/roles/${await customPolicy(['eps:enterpriseProjects:disable'])}`, { method: 'PUT', token: admin })
      const token = await m.token()
      expect((await eps('POST', `${EPS}/${ep.id}/action`, { action: 'disable' }, token)).status).toBe(204)
      expect(await eps('POST', `${EPS}/${ep.id}/action`, { action: 'enable' }, token)).toMatchObject({ status: 403, body: FORBIDDEN })
    })
  })

  describe('delete (huaweicloud)', () => {
    it('deletes with 204 (name free again, grants gone) and answers 404 after', async () => {
      const ep = await create()
      const m = await member()
      const reader = await customPolicy(['eps:enterpriseProjects:get'])
      expect((await call(`${s.url}/v3.0/OS-PERMISSION/enterprise-projects/${ep.id}/groups/${m.group}/roles/${reader}`, { method: 'PUT', token: admin })).status).toBe(204)
      const token = await m.token()
      expect((await eps('GET', `${EPS}/${ep.id}`, undefined, token)).status).toBe(200)
      const res = await eps('DELETE', `${EPS}/${ep.id}`)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect(await eps('GET', `${EPS}/${ep.id}`)).toMatchObject({ status: 404, body: NOT_FOUND })
      expect(await eps('DELETE', `${EPS}/${ep.id}`)).toMatchObject({ status: 404, body: NOT_FOUND })
      expect((await call(`${s.url}/v3.0/OS-PERMISSION/groups/${m.group}/enterprise-projects`, { token: admin })).body).toEqual({ 'enterprise-projects': [] })
      expect((await eps('POST', EPS, { name: ep.name })).status).toBe(201)
    })

    it('reports through configs that deletion is supported', async () => {
      expect((await eps('GET', '/v1/enterprise-projects/configs')).body).toEqual({ support_item: { delete_ep_support: true } })
    })
  })

  describe('quotas', () => {
    it('counts the non-default projects against the configured quota and refuses the one over it', async () => {
      const q = await startServer({ env: { EPS_QUOTA: '2' } })
      try {
        const token = await q.adminToken()
        const quota = async () => (await call(`${q.url}${EPS}/quotas`, { token })).body
        expect(await quota()).toEqual({ quotas: { resources: [{ type: 'enterprise_project', used: 0, quota: 2 }] } })
        const made = await Promise.all(['q1', 'q2', 'q3', 'q4'].map((name) => call(`${q.url}${EPS}`, { method: 'POST', token, body: { name } })))
        expect(made.map((r) => r.status).sort()).toEqual([201, 201, 400, 400])
        expect(made.find((r) => r.status === 400)!.body).toEqual(epsError('EPS.0009', 'The number of enterprise projects exceeds the upper limit.'))
        expect(await quota()).toEqual({ quotas: { resources: [{ type: 'enterprise_project', used: 2, quota: 2 }] } })
        const id = made.find((r) => r.status === 201)!.body.enterprise_project.id
        expect((await call(`${q.url}${EPS}/${id}`, { method: 'DELETE', token })).status).toBe(204)
        expect((await call(`${q.url}${EPS}`, { method: 'POST', token, body: { name: 'q5' } })).status).toBe(201)
      } finally {
        await q.close()
      }
    })
  })

  describe('grants on one enterprise project', () => {
    it('a user allowed to update one enterprise project cannot update another, and lists only what it may list', async () => {
      const [mine, theirs] = [await create(), await create()]
      const m = await member()
      const updater = await customPolicy(['eps:enterpriseProjects:update', 'eps:enterpriseProjects:list', 'eps:enterpriseProjects:get'])
      expect((await call(`${s.url}/v3.0/OS-PERMISSION/enterprise-projects/${mine.id}/groups/${m.group}/roles/${updater}`, { method: 'PUT', token: admin })).status).toBe(204)
      const token = await m.token()
      expect((await eps('PUT', `${EPS}/${mine.id}`, { name: `${mine.name}_mine` }, token)).status).toBe(200)
      expect(await eps('PUT', `${EPS}/${theirs.id}`, { name: `${theirs.name}_no` }, token)).toMatchObject({ status: 403, body: FORBIDDEN })
      expect(await eps('GET', `${EPS}/${theirs.id}`, undefined, token)).toMatchObject({ status: 403, body: FORBIDDEN })
      expect(await eps('POST', EPS, { name: unique() }, token)).toMatchObject({ status: 403, body: FORBIDDEN })
      const list = await eps('GET', EPS, undefined, token)
      expect(list.body).toEqual({ enterprise_projects: [expect.objectContaining({ id: mine.id, name: `${mine.name}_mine` })], total_count: 1 })
      // Without any list grant the list is refused, not empty.
      expect(await eps('GET', EPS, undefined, await (await member()).token())).toMatchObject({ status: 403, body: FORBIDDEN })
    })
  })

  describe('routes', () => {
    it('answers unknown paths and methods under EPS prefixes in EPS format', async () => {
      expect(await eps('GET', '/v1.0/nothing-here')).toMatchObject({ status: 404, body: NOT_FOUND })
      const patch = await eps('PATCH', `${EPS}/0`, { name: 'x' })
      expect(patch.status).toBe(405)
      expect(patch.body.error.error_code).toBe('EPS.0002')
      expect(patch.headers.get('allow')).toContain('PUT')
    })

    it('answers the BSS authority call with 204 (enterprise projects are always on here)', async () => {
      expect((await eps('POST', '/v2/enterprises/enterprise-projects/authority')).status).toBe(204)
    })
  })

  describe('races', () => {
    it('50 concurrent renames of different projects to one name: exactly one wins, the rest get EPS.0010', async () => {
      const projects = await Promise.all(Array.from({ length: 50 }, () => eps('POST', EPS, { name: unique('race') })))
      const ids = projects.map((p) => p.body.enterprise_project.id as string)
      const results = await Promise.all(ids.map((id) => eps('PUT', `${EPS}/${id}`, { name: 'the_one_name' })))
      expect(results.filter((r) => r.status === 200)).toHaveLength(1)
      const losers = results.filter((r) => r.status !== 200)
      expect(losers).toHaveLength(49)
      for (const r of losers) expect(r).toMatchObject({ status: 409, body: epsError('EPS.0010', 'The enterprise project name already exists.') })
      expect((await eps('GET', `${EPS}?name=the_one_name`)).body.total_count).toBe(1)
    }, 60_000)
  })

  describe('COC favourites of disabled and deleted enterprise projects', () => {
    it('keep their ids exactly as saved until the user saves a new list', async () => {
      const [kept, disabled, deleted] = [await create(), await create(), await create()]
      const saved = [kept.id, disabled.id, deleted.id, '0']
      const put = await call(`${s.url}/v1/enterprise-project-collect`, { method: 'PUT', token: admin, body: { ep_id_list: saved } })
      expect(put.status).toBe(200)
      expect((await eps('POST', `${EPS}/${disabled.id}/action`, { action: 'disable' })).status).toBe(204)
      expect((await eps('DELETE', `${EPS}/${deleted.id}`)).status).toBe(204)
      const read = await call(`${s.url}/v1/enterprise-project-collect?limit=10`, { token: admin })
      expect(read.body.data[0].ep_id_list).toEqual(saved)
      // Saving again with the same list is accepted: COC does not check ids against EPS.
      expect((await call(`${s.url}/v1/enterprise-project-collect`, { method: 'PUT', token: admin, body: { ep_id_list: saved } })).status).toBe(200)
    })
  })
})

describe('EPS enterprise projects (opentelekomcloud)', () => {
  let s: TestServer
  let admin: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'opentelekomcloud' })
    admin = await s.adminToken()
  })
  afterAll(() => s.close())
  const eps = (method: string, path: string, body?: unknown) => call(`${s.url}${path}`, { method, token: admin, body })

  it('allows names of up to 255 letters, digits, _ and -, and refuses any containing "default" or Chinese characters', async () => {
    expect((await eps('POST', EPS, { name: 'o'.repeat(255) })).status).toBe(201)
    for (const name of ['o'.repeat(256), 'my-DEFAULT-ep', 'defaults', '企业项目']) {
      expect(await eps('POST', EPS, { name }), name).toMatchObject({ status: 400, body: INVALID_NAME })
    }
  })

  it('has no delete (405) and none of the Huawei-only read APIs (404)', async () => {
    const ep = (await eps('POST', EPS, { name: 'otc_ep' })).body.enterprise_project
    const del = await eps('DELETE', `${EPS}/${ep.id}`)
    expect(del.status).toBe(405)
    expect(del.body.error.error_code).toBe('EPS.0002')
    for (const path of ['/v1/enterprise-projects/configs', `${EPS}/migrate-record/list`, '/v1.0/associated-resources/x']) {
      expect(await eps('GET', path), path).toMatchObject({ status: 404, body: NOT_FOUND })
    }
    // Without the static route, the name is taken for an enterprise project id.
    expect(await eps('GET', `${EPS}/resources-mapping`)).toMatchObject({ status: 400, body: epsError('EPS.0044', 'Invalid enterprise project id.') })
  })

  it('modifies per the seed rules there too', async () => {
    const ep = (await eps('POST', EPS, { name: 'otc_seed', type: 'poc' })).body.enterprise_project
    const res = await eps('PUT', `${EPS}/${ep.id}`, { name: 'enterprise_project1', description: 'Specifies the description.', type: 'prod' })
    expect(res.status).toBe(200)
    expect(res.body.enterprise_project).toMatchObject({ id: ep.id, name: 'enterprise_project1', description: 'Specifies the description.', type: 'prod', status: 1 })
  })
})
