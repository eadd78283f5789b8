/**
 * EPS resources over HTTP: the projectplane admin API that registers them, listing them in an
 * enterprise project (resources/filter) with every validation code, moving them (resources-migrate)
 * with its records and its two permissions (add on the target, remove on the source), what
 * resources forbid (disabling with AS groups, deleting a non-empty project), associated resources,
 * the resource mapping, the providers listing, and the Huawei-only routes' absence on OTC.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { groupMember } from '../helpers/members.js'

const PASSWORD = 'User-Passw0rd!'
/** Well formed, but no account has it. */
const UNKNOWN_EP = '8a2f6b1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const EPS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/**
 * EPS's documented error body `{"error":{"error_code","error_msg"}}`, with the same two fields also
 * at the top level (wire.ts: the Huawei SDK core reads a top-level `error_code`, terraform parses
 * 403s flat). Every expectation of an error body in this file goes through here.
 */
const epsError = (error_code: string, error_msg: string) => ({ error: { error_code, error_msg }, error_code, error_msg })
const badRequest = (reason: string) => epsError('EPS.0002', `Bad request. ${reason}`)
const FORBIDDEN = epsError('EPS.0004', 'Permission error.')
const NOT_FOUND = epsError('EPS.0005', 'Requested resources not found.')
const CONFLICT = epsError('EPS.0041', 'Conflict.')
const UNAUTHORIZED = epsError('EPS.0003', 'Unauthorized user.')
const INVALID_LIMIT = epsError('EPS.0017', 'Invalid limit.')
const INVALID_OFFSET = epsError('EPS.0018', 'Invalid offset.')
const EMPTY_PROJECTS = epsError('EPS.0020', 'Empty project list.')
const DUP_PROJECTS = epsError('EPS.0021', 'Duplicated elements in the project list.')
const INVALID_PROJECT = epsError('EPS.0022', 'Invalid project ID.')
const EMPTY_TYPES = epsError('EPS.0023', 'Empty resource type list.')
const DUP_TYPES = epsError('EPS.0024', 'Duplicated elements in the resource " + "type list.')
const BAD_TYPE_ELEMENT = epsError('EPS.0025', 'Invalid element in the resource type list.')
const BAD_PROJECT_ELEMENT = epsError('EPS.0026', 'Invalid element in the project list.')
const BAD_MATCHES_ELEMENT = epsError('EPS.0027', 'Invalid element in the matches list.')
const DUP_MATCH_KEYS = epsError('EPS.0028', 'Duplicated keys in the matches list.')
const BAD_MATCH_KEY = epsError('EPS.0029', 'Invalid key in the matches list.')
const BAD_MATCH_VALUE = epsError('EPS.0030', 'Invalid value in the matches list.')
const INVALID_TYPE = epsError('EPS.0031', 'Invalid resource type.')
const INVALID_RESOURCE = epsError('EPS.0032', 'Invalid resource ID.')
const DISABLED_TARGET = epsError('EPS.0034', 'The disabled enterprise project cannot have" + " the resources added.')
const NO_PROJECT_FOR_GLOBAL = epsError('EPS.0038', 'Operation failed. No project ID is allowed in Global service resource types.')
const INVALID_EP_ID = epsError('EPS.0044', 'Invalid enterprise project id.')
const HOLDS_AS_GROUPS = epsError('EPS.0016', 'Failed to disable the enterprise project because it contains " + "AS groups.')

/**
 * The server stamps rows with millisecond times (in this process's clock) and orders by them, then
 * by id: waiting for the next millisecond after each write keeps listings in the order of writing.
 */
const nextMillisecond = async () => {
  const now = Date.now()
  while (Date.now() <= now) await new Promise((resolve) => setTimeout(resolve, 1))
}
const policy = (...actions: string[]) => ({ Version: '1.1', Statement: [{ Effect: 'Allow', Action: actions }] })

interface Resource {
  enterprise_project_id: string
  project_id: string
  project_name: string
  resource_type: string
  resource_id: string
  resource_name: string
  resource_detail: Record<string, unknown> | null
  region_id: string
  attached_to: string | null
  created_at: string
}

/** What resources/filter shows of a registered resource. */
const shown = (r: Resource, enterpriseProjectId = r.enterprise_project_id) => ({
  enterprise_project_id: enterpriseProjectId, project_id: r.project_id, project_name: r.project_name,
  resource_type: r.resource_type, resource_id: r.resource_id, resource_name: r.resource_name, resource_detail: r.resource_detail,
})

describe('EPS resources (huaweicloud)', () => {
  let s: TestServer
  let token: string
  /** The account's system projects of cn-north-4 and cn-east-3. */
  let P1: string
  let P2: string
  /** A project of another account. */
  let foreignProject: string
  let otherAdmin: string
  let counter = 0

  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token, ...init })
  const createEp = async (name = `ep-${++counter}`) => {
    const res = await api('/v1.0/enterprise-projects', { method: 'POST', body: { name } })
    expect(res.status, res.text).toBe(201)
    return { id: res.body.enterprise_project.id as string, name }
  }
  const register = async (body: Record<string, unknown>): Promise<Resource> => {
    const res = await api('/_projectplane/resources', { method: 'POST', body })
    expect(res.status, res.text).toBe(201)
    await nextMillisecond()
    return res.body.resource as Resource
  }
  const ecs = (name: string, ep = '0', project = P1, extra: Record<string, unknown> = {}) =>
    register({ resource_type: 'ecs', resource_name: name, project_id: project, enterprise_project_id: ep, ...extra })
  const filter = (ep: string, body: unknown, as = token) => api(`/v1.0/enterprise-projects/${ep}/resources/filter`, { method: 'POST', body, token: as })
  /** The resources of an enterprise project, all types, both projects. */
  const contents = async (ep: string) => {
    const res = await filter(ep, { resource_types: ['ecs', 'disk', 'eip', 'cdn', 'bucket', 'scaling_group'], projects: [P1, P2] })
    expect(res.status, res.text).toBe(200)
    return (res.body.resources as { resource_id: string }[]).map((r) => r.resource_id)
  }
  const migrate = async (target: string, body: unknown, as = token) => {
    const res = await api(`/v1.0/enterprise-projects/${target}/resources-migrate`, { method: 'POST', body, token: as })
    await nextMillisecond()
    return res
  }
  const records = (query: string) => api(`/v1.0/enterprise-projects/migrate-record/list?${query}`)
  const action = (ep: string, act: 'enable' | 'disable') => api(`/v1.0/enterprise-projects/${ep}/action`, { method: 'POST', body: { action: act } })
  const roleId = async (name: string) => (await api(`/v3/roles?name=${name}`)).body.roles[0].id as string
  const member = (name: string) => groupMember(s, api, name, PASSWORD)
  const createPolicy = async (displayName: string, doc: unknown) => {
    const res = await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: { role: { display_name: displayName, type: 'AX', description: displayName, policy: doc } } })
    expect(res.status, res.text).toBe(201)
    return res.body.role as { id: string; name: string }
  }
  const grantOnEp = async (ep: string, groupId: string, role: string) => {
    const res = await api(`/v3.0/OS-PERMISSION/enterprise-projects/${ep}/groups/${groupId}/roles/${role}`, { method: 'PUT' })
    expect(res.status, res.text).toBe(204)
  }

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    P1 = (await api('/v3/projects?name=cn-north-4')).body.projects[0].id
    P2 = (await api('/v3/projects?name=cn-east-3')).body.projects[0].id
    const other = await createAccount(s, 'other-eps-resources', PASSWORD)
    otherAdmin = await tokenFor(s, 'admin', PASSWORD, other.name)
    foreignProject = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token: otherAdmin })).body.projects[0].id
    expect(foreignProject).toMatch(/^[0-9a-f]{32}$/)
    expect(foreignProject).not.toBe(P1)
  })
  afterAll(() => s.close())

  // ------------------------------------------------------------------------------------------
  describe('projectplane admin API: /_projectplane/resources', () => {
    it('POST registers a regional resource with the defaults: enterprise project 0, a UUID id, the IAM project\'s region', async () => {
      const res = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'ecs', project_id: P1 } })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        resource: {
          enterprise_project_id: '0', project_id: P1, project_name: 'cn-north-4', resource_type: 'ecs',
          resource_id: expect.stringMatching(UUID), resource_name: '', resource_detail: null,
          region_id: 'cn-north-4', attached_to: null, created_at: expect.stringMatching(EPS_TIME),
        },
      })
      expect(Object.keys(res.body.resource)).toEqual([
        'enterprise_project_id', 'project_id', 'project_name', 'resource_type', 'resource_id', 'resource_name', 'resource_detail', 'region_id', 'attached_to', 'created_at',
      ])
    })

    it('POST takes every field; the region of a regional resource is its project\'s, whatever region_id says', async () => {
      const ep = await createEp()
      const id = `i-${randomUUID()}`
      const res = await api('/_projectplane/resources', {
        method: 'POST',
        body: { resource_type: 'ecs', resource_id: id, resource_name: 'web-full', project_id: P2, region_id: 'eu-west-101', enterprise_project_id: ep.id, resource_detail: { flavor: 's6.large.2', tags: ['a'] } },
      })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        resource: {
          enterprise_project_id: ep.id, project_id: P2, project_name: 'cn-east-3', resource_type: 'ecs', resource_id: id, resource_name: 'web-full',
          resource_detail: { flavor: 's6.large.2', tags: ['a'] }, region_id: 'cn-east-3', attached_to: null, created_at: expect.stringMatching(EPS_TIME),
        },
      })
    })

    it('POST registers global resources without a project; a bucket names its region', async () => {
      const cdn = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'cdn', resource_id: 'www.example.com', resource_name: 'www.example.com' } })
      expect(cdn.status).toBe(201)
      expect(cdn.body.resource).toEqual({
        enterprise_project_id: '0', project_id: '', project_name: '', resource_type: 'cdn', resource_id: 'www.example.com', resource_name: 'www.example.com',
        resource_detail: null, region_id: '', attached_to: null, created_at: expect.stringMatching(EPS_TIME),
      })
      const bucket = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'bucket', resource_id: 'logs-bucket', region_id: 'cn-north-4', resource_detail: null } })
      expect(bucket.status).toBe(201)
      expect(bucket.body.resource).toMatchObject({ project_id: '', project_name: '', region_id: 'cn-north-4', resource_type: 'bucket', resource_detail: null })
      const bucketWithProject = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'bucket', resource_id: 'b2', region_id: 'cn-north-4', project_id: P1 } })
      expect(bucketWithProject.status).toBe(400)
      expect(bucketWithProject.body).toEqual(NO_PROJECT_FOR_GLOBAL)
    })

    it('attaches a disk or an EIP to an ECS of the same project', async () => {
      const server = await ecs('attach-host')
      const disk = await register({ resource_type: 'disk', resource_name: 'attached-disk', project_id: P1, attached_to: server.resource_id })
      expect(disk).toMatchObject({ resource_type: 'disk', attached_to: server.resource_id, project_id: P1 })
      const eip = await register({ resource_type: 'eip', project_id: P1, attached_to: server.resource_id, resource_detail: { ip_address: '10.0.0.1' } })
      expect(eip.attached_to).toBe(server.resource_id)
    })

    it('refuses what it cannot register, each with its EPS code', async () => {
      const server = await ecs('refusals-host')
      const cases: [Record<string, unknown>, number, unknown][] = [
        [{ resource_type: 'ecs' }, 400, INVALID_PROJECT],
        [{ resource_type: 'ecs', project_id: '' }, 400, INVALID_PROJECT],
        [{ resource_type: 'disk', project_id: '0'.repeat(32) }, 400, INVALID_PROJECT],
        [{ resource_type: 'ecs', project_id: foreignProject }, 400, INVALID_PROJECT],
        [{ resource_type: 'cdn', project_id: P1 }, 400, NO_PROJECT_FOR_GLOBAL],
        [{ resource_type: 'bucket' }, 400, badRequest("'region_id' is required for bucket resources.")],
        [{ resource_type: 'bucket', region_id: '' }, 400, badRequest("'region_id' is required for bucket resources.")],
        [{ resource_type: 'dds', project_id: P1 }, 400, INVALID_TYPE],
        [{ resource_type: 'ECS', project_id: P1 }, 400, INVALID_TYPE],
        [{ resource_type: '', project_id: P1 }, 400, INVALID_TYPE],
        [{ project_id: P1 }, 400, INVALID_TYPE],
        [{ resource_type: 'ecs', project_id: P1, resource_id: 'has space' }, 400, INVALID_RESOURCE],
        [{ resource_type: 'ecs', project_id: P1, resource_id: '' }, 400, INVALID_RESOURCE],
        [{ resource_type: 'ecs', project_id: P1, resource_id: 'x'.repeat(129) }, 400, INVALID_RESOURCE],
        [{ resource_type: 'ecs', project_id: P1, enterprise_project_id: 'not-an-ep' }, 400, INVALID_EP_ID],
        [{ resource_type: 'ecs', project_id: P1, enterprise_project_id: UNKNOWN_EP }, 404, NOT_FOUND],
        [{ resource_type: 'vpcs', project_id: P1, attached_to: server.resource_id }, 400, badRequest('Only disk and eip resources can be attached to an ECS.')],
        [{ resource_type: 'ecs', project_id: P1, attached_to: server.resource_id }, 400, badRequest('Only disk and eip resources can be attached to an ECS.')],
        [{ resource_type: 'disk', project_id: P1, attached_to: randomUUID() }, 400, badRequest(`'attached_to' must be an ECS registered in project ${P1}.`)],
        [{ resource_type: 'eip', project_id: P2, attached_to: server.resource_id }, 400, badRequest(`'attached_to' must be an ECS registered in project ${P2}.`)],
      ]
      for (const [body, status, expected] of cases) {
        const res = await api('/_projectplane/resources', { method: 'POST', body })
        expect(res.status, JSON.stringify(body)).toBe(status)
        expect(res.body, JSON.stringify(body)).toEqual(expected)
      }
      // A disk is no ECS to attach to.
      const disk = await register({ resource_type: 'disk', project_id: P1 })
      const onDisk = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'eip', project_id: P1, attached_to: disk.resource_id } })
      expect(onDisk.body).toEqual(badRequest(`'attached_to' must be an ECS registered in project ${P1}.`))
      const extra = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'ecs', project_id: P1, colour: 'blue' } })
      expect(extra.status).toBe(400)
      expect(extra.body.error.error_code).toBe('EPS.0002')
    })

    it('a resource registered twice is 409 EPS.0041, whatever its enterprise project', async () => {
      const ep = await createEp()
      const id = randomUUID()
      await register({ resource_type: 'ecs', resource_id: id, project_id: P1 })
      const again = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'ecs', resource_id: id, project_id: P2, enterprise_project_id: ep.id } })
      expect(again.status).toBe(409)
      expect(again.text).toBe(JSON.stringify(CONFLICT))
      // The same id under another type is another resource.
      expect((await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'disk', resource_id: id, project_id: P1 } })).status).toBe(201)
    })

    it('GET lists the account\'s resources in registration order; another account sees none of them', async () => {
      const ep = await createEp()
      const a = await ecs('list-a', ep.id)
      const b = await register({ resource_type: 'cdn', resource_name: 'list-b', enterprise_project_id: ep.id })
      const res = await api('/_projectplane/resources')
      expect(res.status).toBe(200)
      expect(Object.keys(res.body)).toEqual(['resources'])
      const mine = (res.body.resources as Resource[]).filter((r) => r.enterprise_project_id === ep.id)
      expect(mine).toEqual([a, b])
      const foreign = await call(`${s.url}/_projectplane/resources`, { token: otherAdmin })
      expect(foreign.status).toBe(200)
      expect(foreign.body).toEqual({ resources: [] })
      expect((await call(`${s.url}/_projectplane/resources/ecs/${a.resource_id}`, { method: 'DELETE', token: otherAdmin })).body).toEqual(NOT_FOUND)
    })

    it('DELETE forgets a resource (204, no body), then answers 404 EPS.0005', async () => {
      const ep = await createEp()
      const r = await ecs('doomed', ep.id)
      expect(await contents(ep.id)).toEqual([r.resource_id])
      const del = await api(`/_projectplane/resources/ecs/${r.resource_id}`, { method: 'DELETE' })
      expect(del.status).toBe(204)
      expect(del.text).toBe('')
      expect(await contents(ep.id)).toEqual([])
      const again = await api(`/_projectplane/resources/ecs/${r.resource_id}`, { method: 'DELETE' })
      expect(again.status).toBe(404)
      expect(again.body).toEqual(NOT_FOUND)
      // The type is part of the key.
      const other = await ecs('typed')
      expect((await api(`/_projectplane/resources/disk/${other.resource_id}`, { method: 'DELETE' })).status).toBe(404)
      expect((await api('/_projectplane/resources')).body.resources.map((x: Resource) => x.resource_id)).toContain(other.resource_id)
    })

    it('a user without the permission (readonly) gets 403 EPS.0004; no token is 401 EPS.0003', async () => {
      const m = await member('res-readonly')
      expect((await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${await roleId('readonly')}`, { method: 'PUT' })).status).toBe(204)
      const t = await m.token()
      const r = await ecs('guarded')
      const post = await call(`${s.url}/_projectplane/resources`, { method: 'POST', token: t, body: { resource_type: 'ecs', project_id: P1 } })
      expect(post.status).toBe(403)
      expect(post.text).toBe(JSON.stringify(FORBIDDEN))
      const list = await call(`${s.url}/_projectplane/resources`, { token: t })
      expect(list.status).toBe(403)
      expect(list.body).toEqual(FORBIDDEN)
      const del = await call(`${s.url}/_projectplane/resources/ecs/${r.resource_id}`, { method: 'DELETE', token: t })
      expect(del.status).toBe(403)
      expect(del.body).toEqual(FORBIDDEN)
      const anonymous = await call(`${s.url}/_projectplane/resources`, { method: 'POST', body: { resource_type: 'ecs', project_id: P1 } })
      expect(anonymous.status).toBe(401)
      expect(anonymous.body).toEqual(UNAUTHORIZED)
      expect((await api('/_projectplane/resources')).body.resources.map((x: Resource) => x.resource_id)).toContain(r.resource_id)
    })
  })

  // ------------------------------------------------------------------------------------------
  describe('POST /v1.0/enterprise-projects/{id}/resources/filter', () => {
    let F: string
    let web1: Resource, web2: Resource, disk1: Resource, cdn: Resource, bucket: Resource, underscore: Resource

    beforeAll(async () => {
      F = (await createEp('filter-ep')).id
      web1 = await ecs('Web-01', F, P1, { resource_detail: { status: 'ACTIVE' } })
      web2 = await ecs('web-02', F, P2)
      disk1 = await register({ resource_type: 'disk', resource_name: 'data-disk', project_id: P1, enterprise_project_id: F })
      cdn = await register({ resource_type: 'cdn', resource_id: 'cdn.filter.example.com', resource_name: 'cdn-web', enterprise_project_id: F })
      bucket = await register({ resource_type: 'bucket', resource_id: 'filter-bucket', resource_name: 'a_b', region_id: 'cn-north-4', enterprise_project_id: F })
      underscore = await ecs('axb', F, P1)
      // The same names elsewhere stay out of F's listings.
      await ecs('Web-03', '0', P1)
    })

    it('lists exact resource bodies of the asked types, regional ones in the asked projects only', async () => {
      const res = await filter(F, { resource_types: ['ecs'], projects: [P1] })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ resources: [shown(web1), shown(underscore)], errors: [], total_count: 2 })
      expect(Object.keys(res.body.resources[0])).toEqual(['enterprise_project_id', 'project_id', 'project_name', 'resource_type', 'resource_id', 'resource_name', 'resource_detail'])
      expect(res.body.resources[0]).toEqual({
        enterprise_project_id: F, project_id: P1, project_name: 'cn-north-4', resource_type: 'ecs', resource_id: web1.resource_id, resource_name: 'Web-01', resource_detail: { status: 'ACTIVE' },
      })
      const p2 = await filter(F, { resource_types: ['ecs', 'disk'], projects: [P2] })
      expect(p2.body).toEqual({ resources: [shown(web2)], errors: [], total_count: 1 })
      const both = await filter(F, { resource_types: ['disk', 'ecs'], projects: [P2, P1] })
      expect(both.body.resources).toEqual([shown(web1), shown(web2), shown(disk1), shown(underscore)])
    })

    it('global resources need no project and are listed whatever the projects', async () => {
      const res = await filter(F, { resource_types: ['cdn', 'bucket'] })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        resources: [
          { enterprise_project_id: F, project_id: '', project_name: '', resource_type: 'cdn', resource_id: 'cdn.filter.example.com', resource_name: 'cdn-web', resource_detail: null },
          shown(bucket),
        ],
        errors: [], total_count: 2,
      })
      const mixed = await filter(F, { resource_types: ['cdn', 'ecs'], projects: [P2] })
      expect(mixed.body).toEqual({ resources: [shown(web2), shown(cdn)], errors: [], total_count: 2 })
      expect((await filter(F, { resource_types: ['cdn'], projects: [P1] })).body.total_count).toBe(1)
    })

    it('matches resource_name as a case-insensitive substring, with LIKE wildcards taken literally', async () => {
      const web = await filter(F, { resource_types: ['ecs', 'cdn'], projects: [P1, P2], matches: [{ key: 'resource_name', value: 'WEB' }] })
      expect(web.body).toEqual({ resources: [shown(web1), shown(web2), shown(cdn)], errors: [], total_count: 3 })
      const literal = await filter(F, { resource_types: ['ecs', 'bucket'], projects: [P1], matches: [{ key: 'resource_name', value: '_' }] })
      expect(literal.body.resources).toEqual([shown(bucket)])
      const percent = await filter(F, { resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name', value: '%' }] })
      expect(percent.body).toEqual({ resources: [], errors: [], total_count: 0 })
      const longest = await filter(F, { resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name', value: 'w'.repeat(255) }] })
      expect(longest.status).toBe(200)
      expect(longest.body.total_count).toBe(0)
      // An empty value matches every name.
      expect((await filter(F, { resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name', value: '' }] })).body.total_count).toBe(2)
    })

    it('pages with offset and limit; total_count counts before paging', async () => {
      const all = [shown(web1), shown(web2), shown(disk1), shown(cdn), shown(bucket), shown(underscore)]
      const body = { resource_types: ['ecs', 'disk', 'cdn', 'bucket'], projects: [P1, P2] }
      expect((await filter(F, body)).body).toEqual({ resources: all, errors: [], total_count: 6 })
      expect((await filter(F, { ...body, limit: 2 })).body).toEqual({ resources: all.slice(0, 2), errors: [], total_count: 6 })
      expect((await filter(F, { ...body, offset: 1, limit: 2 })).body).toEqual({ resources: all.slice(1, 3), errors: [], total_count: 6 })
      expect((await filter(F, { ...body, offset: 5, limit: 1000 })).body).toEqual({ resources: all.slice(5), errors: [], total_count: 6 })
      expect((await filter(F, { ...body, offset: 6 })).body).toEqual({ resources: [], errors: [], total_count: 6 })
      expect((await filter(F, { ...body, offset: 0, limit: 1 })).body.resources).toEqual(all.slice(0, 1))
    })

    it('refuses bad offsets and limits with EPS.0018 and EPS.0017', async () => {
      const base = { resource_types: ['cdn'] }
      const cases: [Record<string, unknown>, unknown][] = [
        [{ offset: -1 }, INVALID_OFFSET], [{ offset: 'x' }, INVALID_OFFSET], [{ offset: 1.5 }, INVALID_OFFSET],
        [{ limit: 0 }, INVALID_LIMIT], [{ limit: 1001 }, INVALID_LIMIT], [{ limit: 'ten' }, INVALID_LIMIT], [{ limit: -3 }, INVALID_LIMIT],
      ]
      for (const [extra, expected] of cases) {
        const res = await filter(F, { ...base, ...extra })
        expect(res.status, JSON.stringify(extra)).toBe(400)
        expect(res.body, JSON.stringify(extra)).toEqual(expected)
      }
    })

    it('refuses bad resource types, projects and matches with EPS.0020–0031', async () => {
      const long = 'x'.repeat(256)
      const cases: [unknown, unknown][] = [
        [{ resource_types: ['ecs'] }, EMPTY_PROJECTS],
        [{ resource_types: ['ecs'], projects: [] }, EMPTY_PROJECTS],
        [{ resource_types: ['cdn', 'disk'] }, EMPTY_PROJECTS],
        [{ resource_types: ['ecs'], projects: [P1, P2, P1] }, DUP_PROJECTS],
        [{ resource_types: ['cdn'], projects: [P1, P1] }, DUP_PROJECTS],
        [{ resource_types: ['ecs'], projects: ['0'.repeat(32)] }, INVALID_PROJECT],
        [{ resource_types: ['ecs'], projects: [P1, foreignProject] }, INVALID_PROJECT],
        [{ resource_types: ['cdn'], projects: ['nope'] }, INVALID_PROJECT],
        [{ resource_types: [] }, EMPTY_TYPES],
        [{ projects: [P1] }, EMPTY_TYPES],
        [{ resource_types: ['ecs', 'disk', 'ecs'], projects: [P1] }, DUP_TYPES],
        [{ resource_types: ['ecs', 'dds'], projects: [P1] }, BAD_TYPE_ELEMENT],
        [{ resource_types: ['ECS'], projects: [P1] }, BAD_TYPE_ELEMENT],
        [{ resource_types: [''], projects: [P1] }, BAD_TYPE_ELEMENT],
        [{ resource_types: [7], projects: [P1] }, BAD_TYPE_ELEMENT],
        [{ resource_types: 'ecs', projects: [P1] }, BAD_TYPE_ELEMENT],
        [{ resource_types: ['ecs'], projects: [''] }, BAD_PROJECT_ELEMENT],
        [{ resource_types: ['ecs'], projects: [P1, ''] }, BAD_PROJECT_ELEMENT],
        [{ resource_types: ['ecs'], projects: [42] }, BAD_PROJECT_ELEMENT],
        [{ resource_types: ['ecs'], projects: P1 }, BAD_PROJECT_ELEMENT],
        [{ resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name' }] }, BAD_MATCHES_ELEMENT],
        [{ resource_types: ['ecs'], projects: [P1], matches: ['resource_name'] }, BAD_MATCHES_ELEMENT],
        [{ resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name', value: 'a', op: 'eq' }] }, BAD_MATCHES_ELEMENT],
        [{ resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name', value: 'a' }, { key: 'resource_name', value: 'b' }] }, DUP_MATCH_KEYS],
        [{ resource_types: ['ecs'], projects: [P1], matches: [{ key: 'name', value: 'a' }] }, BAD_MATCH_KEY],
        [{ resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_id', value: 'a' }] }, BAD_MATCH_KEY],
        [{ resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name', value: long }] }, BAD_MATCH_VALUE],
      ]
      for (const [body, expected] of cases) {
        const res = await filter(F, body)
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.body, JSON.stringify(body)).toEqual(expected)
      }
    })

    it('answers 404 for an unknown enterprise project, 400 EPS.0044 for a malformed id; 0 is the default project', async () => {
      const unknown = await filter(UNKNOWN_EP, { resource_types: ['ecs'], projects: [P1] })
      expect(unknown.status).toBe(404)
      expect(unknown.body).toEqual(NOT_FOUND)
      for (const id of ['not-an-ep', '00', UNKNOWN_EP.replace(/-/g, '')]) {
        const res = await filter(id, { resource_types: ['ecs'], projects: [P1] })
        expect(res.status, id).toBe(400)
        expect(res.body, id).toEqual(INVALID_EP_ID)
      }
      const def = await filter('0', { resource_types: ['ecs'], projects: [P1], matches: [{ key: 'resource_name', value: 'web-03' }] })
      expect(def.status).toBe(200)
      expect(def.body.total_count).toBe(1)
      expect(def.body.resources[0]).toMatchObject({ enterprise_project_id: '0', resource_name: 'Web-03' })
    })

    it("another account's enterprise project is unknown to this one", async () => {
      const res = await call(`${s.url}/v1.0/enterprise-projects/${F}/resources/filter`, { method: 'POST', token: otherAdmin, body: { resource_types: ['cdn'] } })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(NOT_FOUND)
    })
  })

  // ------------------------------------------------------------------------------------------
  describe('POST /v1.0/enterprise-projects/{target}/resources-migrate', () => {
    it('moves a resource into the target (204, no body) and records it with exact fields', async () => {
      const target = await createEp('migrate-target')
      const r = await ecs('mover', '0', P1)
      const before = Date.now()
      const res = await migrate(target.id, { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 })
      const after = Date.now()
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect(await contents(target.id)).toEqual([r.resource_id])
      expect(await contents('0')).not.toContain(r.resource_id)
      const listed = await records(`resource_id=${r.resource_id}`)
      expect(listed.status).toBe(200)
      expect(listed.body).toEqual({
        records: [{
          associated: false, code: '200', message: 'success', project_id: P1, project_name: 'cn-north-4', region_id: 'cn-north-4',
          event_time: expect.stringMatching(EPS_TIME), user_name: 'admin', operate_type: 'migrate',
          resource_id: r.resource_id, resource_name: 'mover', resource_type: 'ecs',
          initiate_ep_id: '0', initiate_ep_name: 'default', origin_ep_id: '0', origin_ep_name: 'default',
          target_ep_id: target.id, target_ep_name: 'migrate-target', exist_failed: false,
        }],
      })
      const eventMs = Date.parse(listed.body.records[0].event_time)
      expect(eventMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
      expect(eventMs).toBeLessThanOrEqual(after)
      // Back to the default project: a second record, origin and target swapped.
      expect((await migrate('0', { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 })).status).toBe(204)
      const two = (await records(`resource_id=${r.resource_id}`)).body.records
      expect(two).toHaveLength(2)
      expect(two[0]).toMatchObject({ origin_ep_id: target.id, origin_ep_name: 'migrate-target', initiate_ep_id: target.id, target_ep_id: '0', target_ep_name: 'default' })
    })

    it('moves global resources without a project, and buckets with their region', async () => {
      const target = await createEp()
      const cdn = await register({ resource_type: 'cdn', resource_id: `cdn-${randomUUID()}`, resource_name: 'moving-cdn' })
      expect((await migrate(target.id, { resource_id: cdn.resource_id, resource_type: 'cdn' })).status).toBe(204)
      const bucket = await register({ resource_type: 'bucket', resource_id: `bucket-${randomUUID()}`, region_id: 'cn-east-3' })
      const noRegion = await migrate(target.id, { resource_id: bucket.resource_id, resource_type: 'bucket' })
      expect(noRegion.status).toBe(400)
      expect(noRegion.body).toEqual(badRequest("'region_id' is required for bucket resources."))
      const wrongRegion = await migrate(target.id, { resource_id: bucket.resource_id, resource_type: 'bucket', region_id: 'cn-north-4' })
      expect(wrongRegion.status).toBe(400)
      expect(wrongRegion.body).toEqual(INVALID_RESOURCE)
      expect((await migrate(target.id, { resource_id: bucket.resource_id, resource_type: 'bucket', region_id: 'cn-east-3' })).status).toBe(204)
      expect(await contents(target.id)).toEqual([cdn.resource_id, bucket.resource_id])
      const record = (await records(`resource_id=${bucket.resource_id}`)).body.records[0]
      expect(record).toMatchObject({ project_id: '', project_name: '', region_id: 'cn-east-3', resource_type: 'bucket', associated: false })
    })

    it('associated: true moves an ECS with its attached disk and EIP, one record each', async () => {
      const source = await createEp('assoc-source')
      const elsewhere = await createEp('assoc-elsewhere')
      const target = await createEp('assoc-target')
      const server = await ecs('assoc-ecs', source.id)
      const disk = await register({ resource_type: 'disk', resource_name: 'assoc-disk', project_id: P1, enterprise_project_id: source.id, attached_to: server.resource_id })
      // An attached EIP that sits in another enterprise project moves too, from there.
      const eip = await register({ resource_type: 'eip', resource_name: 'assoc-eip', project_id: P1, enterprise_project_id: elsewhere.id, attached_to: server.resource_id })
      const loose = await register({ resource_type: 'disk', resource_name: 'loose-disk', project_id: P1, enterprise_project_id: source.id })
      const res = await migrate(target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1, associated: true })
      expect(res.status).toBe(204)
      expect((await contents(target.id)).sort()).toEqual([server.resource_id, disk.resource_id, eip.resource_id].sort())
      expect(await contents(source.id)).toEqual([loose.resource_id])
      expect(await contents(elsewhere.id)).toEqual([])
      const common = {
        code: '200', message: 'success', project_id: P1, project_name: 'cn-north-4', region_id: 'cn-north-4', event_time: expect.stringMatching(EPS_TIME),
        user_name: 'admin', operate_type: 'migrate', initiate_ep_id: source.id, initiate_ep_name: 'assoc-source',
        target_ep_id: target.id, target_ep_name: 'assoc-target', exist_failed: false,
      }
      expect((await records(`resource_id=${server.resource_id}`)).body.records).toEqual([{
        ...common, associated: false, resource_id: server.resource_id, resource_name: 'assoc-ecs', resource_type: 'ecs', origin_ep_id: source.id, origin_ep_name: 'assoc-source',
      }])
      expect((await records(`resource_id=${disk.resource_id}`)).body.records).toEqual([{
        ...common, associated: true, resource_id: disk.resource_id, resource_name: 'assoc-disk', resource_type: 'disk', origin_ep_id: source.id, origin_ep_name: 'assoc-source',
      }])
      expect((await records(`resource_id=${eip.resource_id}`)).body.records).toEqual([{
        ...common, associated: true, resource_id: eip.resource_id, resource_name: 'assoc-eip', resource_type: 'eip', origin_ep_id: elsewhere.id, origin_ep_name: 'assoc-elsewhere',
      }])
      expect((await records(`resource_id=${loose.resource_id}`)).body.records).toEqual([])
    })

    // As for a plain move: a resource already in the target stays put and leaves no record.
    it('associated: true leaves no record for an attached resource already in the target', async () => {
      const source = await createEp()
      const target = await createEp()
      const server = await ecs('assoc-already', source.id)
      const disk = await register({ resource_type: 'disk', project_id: P1, enterprise_project_id: target.id, attached_to: server.resource_id })
      expect((await migrate(target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1, associated: true })).status).toBe(204)
      expect((await contents(target.id)).sort()).toEqual([server.resource_id, disk.resource_id].sort())
      expect((await records(`resource_id=${server.resource_id}`)).body.records).toHaveLength(1)
      expect((await records(`resource_id=${disk.resource_id}`)).body).toEqual({ records: [] })
    })

    it('associated: true on an ECS already in the target still brings its attached resources', async () => {
      const source = await createEp()
      const target = await createEp()
      const server = await ecs('assoc-in-target', target.id)
      const disk = await register({ resource_type: 'disk', project_id: P1, enterprise_project_id: source.id, attached_to: server.resource_id })
      expect((await migrate(target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1, associated: true })).status).toBe(204)
      expect((await contents(target.id)).sort()).toEqual([server.resource_id, disk.resource_id].sort())
      expect((await records(`resource_id=${server.resource_id}`)).body).toEqual({ records: [] })
      expect((await records(`resource_id=${disk.resource_id}`)).body.records).toEqual([
        expect.objectContaining({ associated: true, origin_ep_id: source.id, target_ep_id: target.id, initiate_ep_id: target.id }),
      ])
    })

    it('without associated (or associated: false) the ECS moves alone', async () => {
      const source = await createEp()
      const target = await createEp()
      const server = await ecs('alone-ecs', source.id)
      const disk = await register({ resource_type: 'disk', project_id: P1, enterprise_project_id: source.id, attached_to: server.resource_id })
      expect((await migrate(target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1, associated: false })).status).toBe(204)
      expect(await contents(target.id)).toEqual([server.resource_id])
      expect(await contents(source.id)).toEqual([disk.resource_id])
      // A disk moves on its own, attached or not.
      expect((await migrate(target.id, { resource_id: disk.resource_id, resource_type: 'disk', project_id: P1 })).status).toBe(204)
      expect((await contents(target.id)).sort()).toEqual([server.resource_id, disk.resource_id].sort())
      expect((await records(`resource_id=${disk.resource_id}`)).body.records[0]).toMatchObject({ associated: false, origin_ep_id: source.id })
    })

    it('a move to the enterprise project the resource is already in is 204 and leaves no record', async () => {
      const ep = await createEp()
      const r = await ecs('stay', ep.id)
      const res = await migrate(ep.id, { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 })
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect(await contents(ep.id)).toEqual([r.resource_id])
      expect((await records(`resource_id=${r.resource_id}`)).body).toEqual({ records: [] })
    })

    it('a disabled target is 400 EPS.0034; enabled again, the move succeeds', async () => {
      const target = await createEp()
      const r = await ecs('to-disabled')
      expect((await action(target.id, 'disable')).status).toBe(204)
      const res = await migrate(target.id, { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 })
      expect(res.status).toBe(400)
      expect(res.text).toContain('"error":{"error_code":"EPS.0034","error_msg":"The disabled enterprise project cannot have\\" + \\" the resources added."}')
      expect(res.body).toEqual(DISABLED_TARGET)
      expect((await records(`resource_id=${r.resource_id}`)).body.records).toEqual([])
      expect((await action(target.id, 'enable')).status).toBe(204)
      expect((await migrate(target.id, { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 })).status).toBe(204)
    })

    it('refuses bad moves, each with its EPS code, and moves nothing', async () => {
      const target = await createEp()
      const server = await ecs('bad-moves', '0', P1)
      const disk = await register({ resource_type: 'disk', project_id: P1 })
      const cdn = await register({ resource_type: 'cdn', resource_id: `cdn-${randomUUID()}` })
      const cases: [string, Record<string, unknown>, number, unknown][] = [
        [target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P2 }, 400, INVALID_RESOURCE],
        [target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: foreignProject }, 400, INVALID_RESOURCE],
        [target.id, { resource_id: randomUUID(), resource_type: 'ecs', project_id: P1 }, 400, INVALID_RESOURCE],
        [target.id, { resource_id: server.resource_id, resource_type: 'disk', project_id: P1 }, 400, INVALID_RESOURCE],
        [target.id, { resource_id: '', resource_type: 'ecs', project_id: P1 }, 400, INVALID_RESOURCE],
        [target.id, { resource_type: 'ecs', project_id: P1 }, 400, INVALID_RESOURCE],
        [target.id, { resource_id: server.resource_id, resource_type: 'ecs' }, 400, INVALID_PROJECT],
        [target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: '' }, 400, INVALID_PROJECT],
        [target.id, { resource_id: cdn.resource_id, resource_type: 'cdn', project_id: P1 }, 400, NO_PROJECT_FOR_GLOBAL],
        [target.id, { resource_id: server.resource_id, resource_type: 'dds', project_id: P1 }, 400, INVALID_TYPE],
        [target.id, { resource_id: server.resource_id, resource_type: '', project_id: P1 }, 400, INVALID_TYPE],
        [target.id, { resource_id: server.resource_id, project_id: P1 }, 400, INVALID_TYPE],
        [target.id, { resource_id: disk.resource_id, resource_type: 'disk', project_id: P1, associated: true }, 400, badRequest("'associated' applies to ecs resources only (their disks and EIPs move with them).")],
        [UNKNOWN_EP, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1 }, 404, NOT_FOUND],
        ['not-an-ep', { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1 }, 400, INVALID_EP_ID],
      ]
      for (const [ep, body, status, expected] of cases) {
        const res = await migrate(ep, body)
        expect(res.status, `${ep} ${JSON.stringify(body)}`).toBe(status)
        expect(res.body, `${ep} ${JSON.stringify(body)}`).toEqual(expected)
      }
      const notBoolean = await migrate(target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1, associated: 'yes' })
      expect(notBoolean.status).toBe(400)
      expect(notBoolean.body.error.error_code).toBe('EPS.0002')
      expect(await contents(target.id)).toEqual([])
      expect((await records(`resource_id=${server.resource_id}`)).body.records).toEqual([])
    })

    it("another account cannot move this account's resources (EPS.0032), nor into its enterprise projects (404)", async () => {
      const ep = await createEp()
      const r = await ecs('isolated', ep.id)
      const res = await call(`${s.url}/v1.0/enterprise-projects/0/resources-migrate`, { method: 'POST', token: otherAdmin, body: { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 } })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(INVALID_RESOURCE)
      const foreignEcs = await call(`${s.url}/_projectplane/resources`, { method: 'POST', token: otherAdmin, body: { resource_type: 'ecs', project_id: foreignProject } })
      expect(foreignEcs.status).toBe(201)
      const into = await call(`${s.url}/v1.0/enterprise-projects/${ep.id}/resources-migrate`, {
        method: 'POST', token: otherAdmin, body: { resource_id: foreignEcs.body.resource.resource_id, resource_type: 'ecs', project_id: foreignProject },
      })
      expect(into.status).toBe(404)
      expect(into.body).toEqual(NOT_FOUND)
      expect(await contents(ep.id)).toEqual([r.resource_id])
      expect((await call(`${s.url}/v1.0/enterprise-projects/migrate-record/list?resource_id=${r.resource_id}`, { token: otherAdmin })).body).toEqual({ records: [] })
    })
  })

  // ------------------------------------------------------------------------------------------
  describe('GET /v1.0/enterprise-projects/migrate-record/list', () => {
    let rid: string
    let t0: number
    let t1: number

    beforeAll(async () => {
      const a = await createEp('records-a')
      const b = await createEp('records-b')
      rid = (await ecs('recorded', '0')).resource_id
      // Every move is stamped at or after t0 and before t1 (migrate() waits for the next millisecond).
      t0 = Date.now()
      for (const target of [a.id, b.id, '0']) {
        expect((await migrate(target, { resource_id: rid, resource_type: 'ecs', project_id: P1 })).status).toBe(204)
      }
      t1 = Date.now()
    })

    it('lists the newest first; filters by resource_id', async () => {
      const res = await records(`resource_id=${rid}`)
      expect(res.status).toBe(200)
      expect(res.body.records.map((r: { target_ep_name: string }) => r.target_ep_name)).toEqual(['default', 'records-b', 'records-a'])
      expect(res.body.records.map((r: { origin_ep_name: string }) => r.origin_ep_name)).toEqual(['records-b', 'records-a', 'default'])
      expect((await records(`resource_id=${randomUUID()}`)).body).toEqual({ records: [] })
      const all = await api('/v1.0/enterprise-projects/migrate-record/list')
      expect(all.status).toBe(200)
      expect(all.body.records.length).toBeGreaterThanOrEqual(3)
    })

    it('filters by start_time and end_time, as epoch milliseconds or ISO 8601', async () => {
      const names = async (query: string) => {
        const res = await records(`resource_id=${rid}&${query}`)
        expect(res.status, `${query} ${res.text}`).toBe(200)
        return res.body.records.map((r: { target_ep_name: string }) => r.target_ep_name)
      }
      expect(await names(`start_time=${t0}`)).toEqual(['default', 'records-b', 'records-a'])
      expect(await names(`end_time=${t1}`)).toEqual(['default', 'records-b', 'records-a'])
      expect(await names(`start_time=${t0}&end_time=${t1}`)).toEqual(['default', 'records-b', 'records-a'])
      expect(await names(`start_time=${t1 + 1}`)).toEqual([])
      expect(await names(`end_time=${t0 - 1}`)).toEqual([])
      expect(await names(`start_time=${encodeURIComponent(new Date(t0).toISOString())}`)).toEqual(['default', 'records-b', 'records-a'])
      expect(await names(`start_time=${encodeURIComponent(new Date(t1 + 1).toISOString())}`)).toEqual([])
      expect(await names(`end_time=${encodeURIComponent(new Date(t0 - 1).toISOString())}`)).toEqual([])
      expect(await names(`start_time=${encodeURIComponent(new Date(t0 - 3_600_000).toISOString())}&end_time=${encodeURIComponent(new Date(t1 + 3_600_000).toISOString())}`))
        .toEqual(['default', 'records-b', 'records-a'])
      const bad = await records('start_time=yesterday')
      expect(bad.status).toBe(400)
      expect(bad.body).toEqual(badRequest("'start_time' must be epoch milliseconds or an ISO 8601 time."))
      expect((await records('end_time=soon')).body).toEqual(badRequest("'end_time' must be epoch milliseconds or an ISO 8601 time."))
    })

    it('pages with offset and limit; refuses bad ones with EPS.0018 and EPS.0017', async () => {
      const names = async (query: string) => (await records(`resource_id=${rid}&${query}`)).body.records.map((r: { target_ep_name: string }) => r.target_ep_name)
      expect(await names('limit=1')).toEqual(['default'])
      expect(await names('offset=1&limit=1')).toEqual(['records-b'])
      expect(await names('offset=1')).toEqual(['records-b', 'records-a'])
      expect(await names('offset=3')).toEqual([])
      expect(await names('limit=1000')).toHaveLength(3)
      for (const [query, expected] of [
        ['offset=-1', INVALID_OFFSET], ['offset=x', INVALID_OFFSET],
        ['limit=0', INVALID_LIMIT], ['limit=1001', INVALID_LIMIT], ['limit=-1', INVALID_LIMIT], ['limit=many', INVALID_LIMIT],
      ] as const) {
        const res = await records(query)
        expect(res.status, query).toBe(400)
        expect(res.body, query).toEqual(expected)
      }
    })

    it('records the name of the user who moved the resource', async () => {
      const m = await member('record-mover')
      expect((await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${await roleId('eps_full_access')}`, { method: 'PUT' })).status).toBe(204)
      const target = await createEp()
      const r = await ecs('moved-by-user')
      expect((await migrate(target.id, { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 }, await m.token())).status).toBe(204)
      expect((await records(`resource_id=${r.resource_id}`)).body.records[0].user_name).toBe('record-mover')
    })
  })

  // ------------------------------------------------------------------------------------------
  describe('permissions of a move: add on the target, remove on the source', () => {
    it('add granted on the target only is 403 EPS.0004; remove granted on the source as well makes it 204', async () => {
      const source = await createEp('perm-source')
      const target = await createEp('perm-target')
      const r = await ecs('perm-ecs', source.id)
      const m = await member('mover-a')
      const adder = await createPolicy('ResourceAdder', policy('eps:resources:add'))
      await grantOnEp(target.id, m.groupId, adder.id)
      const t = await m.token()
      const body = { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 }
      const refused = await migrate(target.id, body, t)
      expect(refused.status).toBe(403)
      expect(refused.text).toBe(JSON.stringify(FORBIDDEN))
      expect(await contents(source.id)).toEqual([r.resource_id])
      expect((await records(`resource_id=${r.resource_id}`)).body.records).toEqual([])
      const remover = await createPolicy('ResourceRemover', policy('eps:resources:remove'))
      await grantOnEp(source.id, m.groupId, remover.id)
      const moved = await migrate(target.id, body, t)
      expect(moved.status).toBe(204)
      expect(await contents(target.id)).toEqual([r.resource_id])
      expect((await records(`resource_id=${r.resource_id}`)).body.records[0]).toMatchObject({ user_name: 'mover-a', origin_ep_id: source.id, target_ep_id: target.id })
      // Remove on the source without add on the target does not do either.
      const back = await migrate(source.id, body, t)
      expect(back.status).toBe(403)
      expect(back.body).toEqual(FORBIDDEN)
    })

    it('add and remove granted on enterprise project A only: no move from A into B, nor from B into A', async () => {
      const a = await createEp('perm-a')
      const b = await createEp('perm-b')
      const inA = await ecs('in-a', a.id)
      const inB = await ecs('in-b', b.id)
      const m = await member('mover-b')
      const both = await createPolicy('ResourceMover', policy('eps:resources:add', 'eps:resources:remove'))
      await grantOnEp(a.id, m.groupId, both.id)
      const t = await m.token()
      const out = await migrate(b.id, { resource_id: inA.resource_id, resource_type: 'ecs', project_id: P1 }, t)
      expect(out.status).toBe(403)
      expect(out.body).toEqual(FORBIDDEN)
      const into = await migrate(a.id, { resource_id: inB.resource_id, resource_type: 'ecs', project_id: P1 }, t)
      expect(into.status).toBe(403)
      expect(into.body).toEqual(FORBIDDEN)
      expect(await contents(a.id)).toEqual([inA.resource_id])
      expect(await contents(b.id)).toEqual([inB.resource_id])
      // Within A, both permissions hold: a resource of A may be "moved" to A.
      expect((await migrate(a.id, { resource_id: inA.resource_id, resource_type: 'ecs', project_id: P1 }, t)).status).toBe(204)
    })

    // Each resource that leaves an enterprise project needs `remove` there, attached ones too.
    it('associated: true needs remove on the enterprise project of every attached resource', async () => {
      const source = await createEp('perm-assoc-s')
      const target = await createEp('perm-assoc-t')
      const other = await createEp('perm-assoc-c')
      const server = await ecs('perm-assoc-ecs', source.id)
      const disk = await register({ resource_type: 'disk', project_id: P1, enterprise_project_id: other.id, attached_to: server.resource_id })
      const m = await member('mover-assoc')
      await grantOnEp(target.id, m.groupId, (await createPolicy('AssocAdder', policy('eps:resources:add'))).id)
      await grantOnEp(source.id, m.groupId, (await createPolicy('AssocRemover', policy('eps:resources:remove'))).id)
      const res = await migrate(target.id, { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1, associated: true }, await m.token())
      expect(await contents(other.id)).toEqual([disk.resource_id])
      expect(res.status).toBe(403)
      expect(res.body).toEqual(FORBIDDEN)
    })

    it('a readonly user cannot move anything, and learns nothing about the body first', async () => {
      const m = await member('mover-readonly')
      expect((await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${await roleId('readonly')}`, { method: 'PUT' })).status).toBe(204)
      const t = await m.token()
      const r = await ecs('ro-target')
      const target = await createEp()
      expect((await migrate(target.id, { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 }, t)).body).toEqual(FORBIDDEN)
      expect((await migrate(target.id, { resource_id: r.resource_id, resource_type: 'dds' }, t)).body).toEqual(FORBIDDEN)
      const anonymous = await call(`${s.url}/v1.0/enterprise-projects/${target.id}/resources-migrate`, { method: 'POST', body: { resource_id: r.resource_id, resource_type: 'ecs', project_id: P1 } })
      expect(anonymous.status).toBe(401)
      expect(anonymous.body).toEqual(UNAUTHORIZED)
    })
  })

  // ------------------------------------------------------------------------------------------
  describe('what resources forbid', () => {
    it('an enterprise project holding an AS group cannot be disabled (EPS.0016); without it, it can', async () => {
      const ep = await createEp()
      const group = await register({ resource_type: 'scaling_group', resource_name: 'as-group', project_id: P1, enterprise_project_id: ep.id })
      const res = await action(ep.id, 'disable')
      expect(res.status).toBe(400)
      expect(res.text).toContain('"error":{"error_code":"EPS.0016","error_msg":"Failed to disable the enterprise project because it contains \\" + \\"AS groups."}')
      expect(res.body).toEqual(HOLDS_AS_GROUPS)
      expect((await api(`/v1.0/enterprise-projects/${ep.id}`)).body.enterprise_project.status).toBe(1)
      // Other resources do not stop it.
      await ecs('not-a-group', ep.id)
      expect((await migrate('0', { resource_id: group.resource_id, resource_type: 'scaling_group', project_id: P1 })).status).toBe(204)
      expect((await action(ep.id, 'disable')).status).toBe(204)
      expect((await api(`/v1.0/enterprise-projects/${ep.id}`)).body.enterprise_project.status).toBe(2)
    })

    it('an enterprise project holding resources cannot be deleted (400 EPS.0002); emptied, it is deleted (204)', async () => {
      const ep = await createEp()
      const server = await ecs('keeps-ep', ep.id)
      const cdn = await register({ resource_type: 'cdn', resource_id: `cdn-${randomUUID()}`, enterprise_project_id: ep.id })
      const refused = await api(`/v1.0/enterprise-projects/${ep.id}`, { method: 'DELETE' })
      expect(refused.status).toBe(400)
      expect(refused.body).toEqual(badRequest('The enterprise project still holds resources; move them to another enterprise project first.'))
      expect(await contents(ep.id)).toEqual([server.resource_id, cdn.resource_id])
      expect((await migrate('0', { resource_id: server.resource_id, resource_type: 'ecs', project_id: P1 })).status).toBe(204)
      expect((await api(`/v1.0/enterprise-projects/${ep.id}`, { method: 'DELETE' })).body).toEqual(badRequest('The enterprise project still holds resources; move them to another enterprise project first.'))
      expect((await migrate('0', { resource_id: cdn.resource_id, resource_type: 'cdn' })).status).toBe(204)
      const deleted = await api(`/v1.0/enterprise-projects/${ep.id}`, { method: 'DELETE' })
      expect(deleted.status).toBe(204)
      expect(deleted.text).toBe('')
      expect((await api(`/v1.0/enterprise-projects/${ep.id}`)).body).toEqual(NOT_FOUND)
      expect((await filter(ep.id, { resource_types: ['cdn'] })).body).toEqual(NOT_FOUND)
      // The records of the moves out outlive the project.
      expect((await records(`resource_id=${server.resource_id}`)).body.records[0]).toMatchObject({ origin_ep_id: ep.id, target_ep_id: '0' })
    })
  })

  // ------------------------------------------------------------------------------------------
  describe('GET /v1.0/associated-resources/{resource_id}', () => {
    it('lists the disks and EIPs attached to an ECS, the EIP\'s address from its detail', async () => {
      const server = await ecs('assoc-host', '0', P2)
      const eip = await register({ resource_type: 'eip', resource_id: `eip-${randomUUID()}`, resource_name: 'host-eip', project_id: P2, attached_to: server.resource_id, resource_detail: { ip_address: '203.0.113.7', bandwidth: 5 } })
      const disk = await register({ resource_type: 'disk', resource_id: `disk-${randomUUID()}`, resource_name: 'host-disk', project_id: P2, attached_to: server.resource_id, resource_detail: { size: 40 } })
      const res = await api(`/v1.0/associated-resources/${server.resource_id}?project_id=${P2}&region_id=cn-east-3&resource_type=ecs`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        id: server.resource_id, name: 'assoc-host', type: 'ecs',
        associated_resources: [
          { id: disk.resource_id, name: 'host-disk', eip: '', resource_type: 'disk' },
          { id: eip.resource_id, name: 'host-eip', eip: '203.0.113.7', resource_type: 'eip' },
        ],
        errors: [],
      })
      expect(Object.keys(res.body)).toEqual(['id', 'name', 'type', 'associated_resources', 'errors'])
      const lonely = await ecs('lonely', '0', P2)
      const none = await api(`/v1.0/associated-resources/${lonely.resource_id}?project_id=${P2}&region_id=cn-east-3&resource_type=ecs`)
      expect(none.body).toEqual({ id: lonely.resource_id, name: 'lonely', type: 'ecs', associated_resources: [], errors: [] })
    })

    it('refuses a wrong project, region, id or type', async () => {
      const server = await ecs('assoc-refusals', '0', P1)
      const at = (id: string, query: string) => api(`/v1.0/associated-resources/${id}?${query}`)
      expect((await at(server.resource_id, `project_id=${P2}&region_id=cn-north-4&resource_type=ecs`)).body).toEqual(INVALID_RESOURCE)
      const wrongProject = await at(server.resource_id, `project_id=${foreignProject}&region_id=cn-north-4&resource_type=ecs`)
      expect(wrongProject.status).toBe(400)
      expect(wrongProject.body).toEqual(INVALID_RESOURCE)
      expect((await at(server.resource_id, `project_id=${P1}&region_id=cn-east-3&resource_type=ecs`)).body).toEqual(INVALID_RESOURCE)
      expect((await at(randomUUID(), `project_id=${P1}&region_id=cn-north-4&resource_type=ecs`)).body).toEqual(INVALID_RESOURCE)
      expect((await at(server.resource_id, `project_id=${P1}&region_id=cn-north-4&resource_type=disk`)).body).toEqual(INVALID_RESOURCE)
      const badType = await at(server.resource_id, `project_id=${P1}&region_id=cn-north-4&resource_type=dds`)
      expect(badType.status).toBe(400)
      expect(badType.body).toEqual(INVALID_TYPE)
      const missing = await at(server.resource_id, 'region_id=cn-north-4&resource_type=ecs')
      expect(missing.status).toBe(400)
      expect(missing.body.error.error_code).toBe('EPS.0002')
      expect((await call(`${s.url}/v1.0/associated-resources/${server.resource_id}?project_id=${P1}&region_id=cn-north-4&resource_type=ecs`, { token: otherAdmin })).body).toEqual(INVALID_RESOURCE)
    })
  })

  // ------------------------------------------------------------------------------------------
  describe('resources-mapping, providers and configs', () => {
    const EN_PROVIDERS = [
      ['as', 'Auto Scaling', [['scaling_group', 'Scaling Group', false]]],
      ['cce', 'Cloud Container Engine', [['cce_cluster', 'Cluster', false]]],
      ['cdn', 'Content Delivery Network', [['cdn', 'Domain Name', true]]],
      ['dcs', 'Distributed Cache Service', [['dcs', 'Instance', false]]],
      ['ecs', 'Elastic Cloud Server', [['ecs', 'ECS', false]]],
      ['elb', 'Elastic Load Balance', [['loadbalancers', 'Load Balancer', false]]],
      ['evs', 'Elastic Volume Service', [['disk', 'Disk', false]]],
      ['ims', 'Image Management Service', [['images', 'Image', false]]],
      ['nat', 'NAT Gateway', [['nat_gateways', 'NAT Gateway', false]]],
      ['obs', 'Object Storage Service', [['bucket', 'Bucket', true]]],
      ['rds', 'Relational Database Service', [['rds', 'DB Instance', false]]],
      ['sfs', 'Scalable File Service', [['sfs-turbo', 'File System', false]]],
      ['vpc', 'Virtual Private Cloud', [['vpcs', 'VPC', false], ['security-groups', 'Security Group', false], ['eip', 'EIP', false], ['shared_bandwidth', 'Shared Bandwidth', false]]],
    ] as const
    let regions: string[]
    const providerBodies = () => EN_PROVIDERS.map(([provider, name, types]) => ({
      provider, provider_i18n_display_name: name,
      resource_types: types.map(([type, typeName, global]) => ({ resource_type: type, resource_type_i18n_display_name: typeName, regions: global ? [] : regions, global })),
    }))

    beforeAll(async () => {
      regions = (await api('/v3/regions')).body.regions.map((r: { id: string }) => r.id)
      expect(regions).toContain('cn-north-4')
    })

    it('GET resources-mapping maps every resource type to its provider', async () => {
      const res = await api('/v1.0/enterprise-projects/resources-mapping')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        resource_mapping: {
          scaling_group: 'as', cce_cluster: 'cce', cdn: 'cdn', dcs: 'dcs', ecs: 'ecs', loadbalancers: 'elb', disk: 'evs', images: 'ims',
          nat_gateways: 'nat', bucket: 'obs', rds: 'rds', 'sfs-turbo': 'sfs',
          vpcs: 'vpc', 'security-groups': 'vpc', eip: 'vpc', shared_bandwidth: 'vpc',
        },
      })
    })

    it('GET providers lists all thirteen by default (limit 200), with the regions of regional types', async () => {
      const res = await api('/v1.0/enterprise-projects/providers')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ providers: providerBodies(), total_count: 13 })
      expect([...regions].sort()).toEqual(['af-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'cn-east-3', 'cn-north-1', 'cn-north-4', 'cn-south-1', 'eu-west-101', 'la-south-2'])
      expect((await api('/v1.0/enterprise-projects/providers?limit=200')).body).toEqual(res.body)
      expect((await api('/v1.0/enterprise-projects/providers?locale=en-us')).body).toEqual(res.body)
    })

    it('GET providers pages with limit and offset, filters by provider, and speaks zh-cn', async () => {
      expect((await api('/v1.0/enterprise-projects/providers?limit=2&offset=1')).body).toEqual({ providers: providerBodies().slice(1, 3), total_count: 13 })
      expect((await api('/v1.0/enterprise-projects/providers?offset=13')).body).toEqual({ providers: [], total_count: 13 })
      expect((await api('/v1.0/enterprise-projects/providers?limit=1')).body).toEqual({ providers: providerBodies().slice(0, 1), total_count: 13 })
      expect((await api('/v1.0/enterprise-projects/providers?provider=vpc')).body).toEqual({ providers: providerBodies().slice(12), total_count: 1 })
      expect((await api('/v1.0/enterprise-projects/providers?provider=nope')).body).toEqual({ providers: [], total_count: 0 })
      const zh = await api('/v1.0/enterprise-projects/providers?locale=zh-cn&provider=evs')
      expect(zh.body).toEqual({
        providers: [{ provider: 'evs', provider_i18n_display_name: '云硬盘', resource_types: [{ resource_type: 'disk', resource_type_i18n_display_name: '磁盘', regions, global: false }] }],
        total_count: 1,
      })
      const zhAll = (await api('/v1.0/enterprise-projects/providers?locale=zh-CN')).body
      expect(zhAll.providers.map((p: { provider_i18n_display_name: string }) => p.provider_i18n_display_name))
        .toEqual(['弹性伸缩', '云容器引擎', 'CDN', '分布式缓存服务', '弹性云服务器', '弹性负载均衡', '云硬盘', '镜像服务', 'NAT网关', '对象存储服务', '云数据库', '弹性文件服务', '虚拟私有云'])
      expect((await api('/v1.0/enterprise-projects/providers?locale=fr-fr&provider=as')).body.providers[0].provider_i18n_display_name).toBe('Auto Scaling')
    })

    it('GET providers refuses limit 201 (EPS.0017) and offset -1 (EPS.0018)', async () => {
      for (const [query, expected] of [
        ['limit=201', INVALID_LIMIT], ['limit=0', INVALID_LIMIT], ['limit=x', INVALID_LIMIT],
        ['offset=-1', INVALID_OFFSET], ['offset=one', INVALID_OFFSET],
      ] as const) {
        const res = await api(`/v1.0/enterprise-projects/providers?${query}`)
        expect(res.status, query).toBe(400)
        expect(res.body, query).toEqual(expected)
      }
    })

    it('GET /v1/enterprise-projects/configs says deletion is supported', async () => {
      const res = await api('/v1/enterprise-projects/configs')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ support_item: { delete_ep_support: true } })
    })
  })
})

// --------------------------------------------------------------------------------------------
describe('EPS resources (opentelekomcloud)', () => {
  let s: TestServer
  let token: string
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => call(`${s.url}${path}`, { token, ...init })

  beforeAll(async () => {
    s = await startServer({ flavour: 'opentelekomcloud' })
    token = await s.adminToken()
  })
  afterAll(() => s.close())

  it('GET providers lists ten of the thirteen providers by default (OTC: limit 10), with the OTC regions, and refuses limit 201', async () => {
    const res = await api('/v1.0/enterprise-projects/providers')
    expect(res.status).toBe(200)
    expect(res.body.total_count).toBe(13)
    expect(res.body.providers.map((p: { provider: string }) => p.provider)).toEqual(['as', 'cce', 'cdn', 'dcs', 'ecs', 'elb', 'evs', 'ims', 'nat', 'obs'])
    expect(res.body.providers[4].resource_types).toEqual([{ resource_type: 'ecs', resource_type_i18n_display_name: 'ECS', regions: ['eu-de', 'eu-nl'], global: false }])
    expect((await api('/v1.0/enterprise-projects/providers?limit=10')).body).toEqual(res.body)
    expect((await api('/v1.0/enterprise-projects/providers?limit=200')).body.providers).toHaveLength(13)
    expect((await api('/v1.0/enterprise-projects/providers?limit=3&offset=11')).body.providers.map((p: { provider: string }) => p.provider)).toEqual(['sfs', 'vpc'])
    expect((await api('/v1.0/enterprise-projects/providers?limit=201')).body).toEqual(INVALID_LIMIT)
  })

  it('resources, filters and moves work as on Huawei Cloud', async () => {
    const project = (await api('/v3/projects?name=eu-de')).body.projects[0].id
    const ep = (await api('/v1.0/enterprise-projects', { method: 'POST', body: { name: 'otc-ep' } })).body.enterprise_project.id
    const r = await api('/_projectplane/resources', { method: 'POST', body: { resource_type: 'ecs', resource_name: 'otc-ecs', project_id: project } })
    expect(r.status).toBe(201)
    expect(r.body.resource).toMatchObject({ enterprise_project_id: '0', project_name: 'eu-de', region_id: 'eu-de' })
    expect((await api(`/v1.0/enterprise-projects/${ep}/resources-migrate`, { method: 'POST', body: { resource_id: r.body.resource.resource_id, resource_type: 'ecs', project_id: project } })).status).toBe(204)
    const listed = await api(`/v1.0/enterprise-projects/${ep}/resources/filter`, { method: 'POST', body: { resource_types: ['ecs'], projects: [project] } })
    expect(listed.body).toEqual({
      resources: [{ enterprise_project_id: ep, project_id: project, project_name: 'eu-de', resource_type: 'ecs', resource_id: r.body.resource.resource_id, resource_name: 'otc-ecs', resource_detail: null }],
      errors: [], total_count: 1,
    })
  })

  it("Huawei Cloud's extra read APIs answer 404 EPS.0005: migration records, associated resources, configs", async () => {
    const project = (await api('/v3/projects?name=eu-de')).body.projects[0].id
    for (const path of [
      '/v1.0/enterprise-projects/migrate-record/list',
      '/v1.0/enterprise-projects/migrate-record/list?resource_id=x&limit=10',
      `/v1.0/associated-resources/${randomUUID()}?project_id=${project}&region_id=eu-de&resource_type=ecs`,
      '/v1/enterprise-projects/configs',
    ]) {
      const res = await api(path)
      expect(res.status, path).toBe(404)
      expect(res.text, path).toBe(JSON.stringify(NOT_FOUND))
    }
  })

  // Without the static route, `resources-mapping` is taken for an enterprise project id (see
  // docs/decisions.md): 400 EPS.0044, as for any other id that is neither 0 nor a UUID.
  it("Huawei Cloud's resources-mapping is read as an enterprise project id there", async () => {
    const res = await api('/v1.0/enterprise-projects/resources-mapping')
    expect(res.status).toBe(400)
    expect(res.body).toEqual(epsError('EPS.0044', 'Invalid enterprise project id.'))
  })
})
