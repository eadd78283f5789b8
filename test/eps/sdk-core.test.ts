/**
 * Every EPS operation (huaweicloud flavour) through the real, unmodified Huawei Cloud SDK core
 * (`@huaweicloud/huaweicloud-sdk-core`'s HcClient, spec aksk-and-sdk.md §9 recipe A; there is no
 * EPS package for Node), called as the generated EPS clients of the other languages call it:
 * signed with an access key under GlobalCredentials with the account's domain id, once more
 * without it (no X-Domain-Id: the key alone names the account), and with a domain-scoped
 * X-Auth-Token instead of a signature. Refusals arrive as the SDK's own ClientRequestException
 * with the status, EPS's code and message, and our request id; the same request replayed without
 * the SDK shows the wire body. The SDK core reads a code only from `error.code` or a top-level
 * `error_code` (exception/ExceptionUtil.js), so the server repeats EPS's nested fields at the top
 * level: this suite is what proves that the SDK then reports them.
 */
import { createRequire } from 'node:module'
import { stringify } from 'node:querystring'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { globalCredentials, hcClient, signRequest, type AccessKey } from '../helpers/huawei-sdk.js'

const require = createRequire(import.meta.url)
/** EPS's nested error body, with the same fields at the top level. */
const epsError = (code: string, message: string) => ({ error: { error_code: code, error_msg: message }, error_code: code, error_msg: message })
/* eslint-disable @typescript-eslint/no-explicit-any */
const { ClientRequestException } = require('@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException') as { ClientRequestException: new (...args: any[]) => Error }

const EP = '/v1.0/enterprise-projects'
/** Content types of the generated EPS clients: JSON bodies declare a charset, the SDK drops it. */
const JSON_UTF8 = 'application/json;charset=UTF-8'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const REQUEST_ID = /^[0-9a-f]{32}$/

/** Seed 001's example request and response (HWC "Modifying an Enterprise Project"). */
const SEED_REQUEST = { name: 'enterprise_project1', description: 'Specifies the description.' }
const SEED_RESPONSE = {
  enterprise_project: {
    id: '5aa119a8-d25b-45a7-8d1b-88e127885635', name: 'enterprise_project1', description: 'Specifies the description.',
    status: 1, type: 'prod', created_at: '2016-03-28T00:00:00Z', updated_at: '2016-03-28T00:00:00Z',
  },
}

const failureOf = (promise: Promise<unknown>): Promise<any> => promise.then(() => { throw new Error('expected the SDK to throw') }, (e: unknown) => e)

/** One way of calling: an HcClient, and the headers each request adds (the token, if any). */
interface Caller { hc: any; headers(): Record<string, string> }

/** One EPS operation as a generated client describes it to `HcClient.sendRequest`. */
interface Op { method: string; url: string; contentType: string; pathParams: Record<string, string>; queryParams: Record<string, unknown>; data?: unknown }

const op = (method: string, url: string, o: { pathParams?: Record<string, string>; queryParams?: Record<string, unknown>; data?: unknown } = {}): Op => ({
  method, url, contentType: o.data === undefined ? 'application/json' : JSON_UTF8,
  pathParams: o.pathParams ?? {}, queryParams: o.queryParams ?? {}, ...(o.data === undefined ? {} : { data: o.data }),
})
const epId = (id: string) => ({ enterprise_project_id: id })

/** The EPS operations, named as in the SDKs of the other languages. */
const eps = {
  showApiVersion: () => op('GET', '/{api_version}', { pathParams: { api_version: 'v1.0' } }),
  listEnterpriseProject: (queryParams: Record<string, unknown>) => op('GET', EP, { queryParams }),
  createEnterpriseProject: (body: unknown) => op('POST', EP, { data: body }),
  showEnterpriseProject: (id: string) => op('GET', `${EP}/{enterprise_project_id}`, { pathParams: epId(id) }),
  updateEnterpriseProject: (id: string, body: unknown) => op('PUT', `${EP}/{enterprise_project_id}`, { pathParams: epId(id), data: body }),
  action: (id: string, action: string) => op('POST', `${EP}/{enterprise_project_id}/action`, { pathParams: epId(id), data: { action } }),
  deleteEnterpriseProject: (id: string) => op('DELETE', `${EP}/{enterprise_project_id}`, { pathParams: epId(id) }),
  showEnterpriseProjectQuota: () => op('GET', `${EP}/quotas`),
  showResourceBindEnterpriseProject: (id: string, body: unknown) => op('POST', `${EP}/{enterprise_project_id}/resources/filter`, { pathParams: epId(id), data: body }),
  migrateResource: (id: string, body: unknown) => op('POST', `${EP}/{enterprise_project_id}/resources-migrate`, { pathParams: epId(id), data: body }),
  listProviders: (queryParams: Record<string, unknown> = {}) => op('GET', `${EP}/providers`, { queryParams }),
  listMigrationRecord: (queryParams: Record<string, unknown>) => op('GET', `${EP}/migrate-record/list`, { queryParams }),
  listResourceMapping: () => op('GET', `${EP}/resources-mapping`),
  showAssociatedResources: (resourceId: string, queryParams: Record<string, unknown>) =>
    op('GET', '/v1.0/associated-resources/{resource_id}', { pathParams: { resource_id: resourceId }, queryParams }),
  showEpConfigs: () => op('GET', '/v1/enterprise-projects/configs'),
  enableEnterpriseProjectFeature: () => op('POST', '/v2/enterprises/enterprise-projects/authority', { data: {} }),
}

/** Through the SDK: a fresh options object each time, as HcClient edits the one it is given. */
function run(c: Caller, o: Op): Promise<any> {
  return c.hc.sendRequest({
    method: o.method, url: o.url, contentType: o.contentType, pathParams: { ...o.pathParams }, queryParams: { ...o.queryParams },
    headers: c.headers(), ...(o.data === undefined ? {} : { data: structuredClone(o.data) }),
  })
}

describe('EPS through the Huawei SDK core (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let key: AccessKey
  let projectId: string
  let regionIds: string[]

  const akskWithDomain = (): Caller => ({ hc: hcClient(globalCredentials(key, s.account.id), s.url), headers: () => ({}) })
  const akskWithoutDomain = (): Caller => ({ hc: hcClient(globalCredentials(key), s.url), headers: () => ({}) })
  const withToken = (token: string): Caller => ({ hc: hcClient(undefined, s.url), headers: () => ({ 'X-Auth-Token': token }) })

  /** The same operation without the SDK, with the admin's token: what the server put on the wire. */
  const replay = async (o: Op) => {
    let path = o.url
    for (const [k, v] of Object.entries(o.pathParams)) path = path.replace(`{${k}}`, v)
    const query = stringify(o.queryParams as Record<string, string>)
    const res = await call(`${s.url}${path}${query ? `?${query}` : ''}`, { method: o.method, token: admin, body: o.data, headers: { 'content-type': 'application/json' } })
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: res.body }
  }

  /**
   * A refusal: the SDK throws its ClientRequestException with the status and our X-Request-Id;
   * the same request without the SDK shows EPS's error body.
   */
  const expectRefused = async (c: Caller, o: Op, status: number, code: string, message: string) => {
    const e = await failureOf(run(c, o))
    expect(e).toBeInstanceOf(ClientRequestException)
    expect(e).toMatchObject({ name: 'ClientRequestException', httpStatusCode: status, errorCode: code, errorMsg: message, requestId: expect.stringMatching(REQUEST_ID) })
    const wire = await replay(o)
    expect(wire).toEqual({ status, requestId: expect.stringMatching(REQUEST_ID), body: epsError(code, message) })
    return e
  }

  /** projectplane's admin API: there are no compute services here to make resources. */
  const register = async (body: Record<string, unknown>) => {
    const res = await call(`${s.url}/_projectplane/resources`, { method: 'POST', token: admin, body })
    expect(res.status, res.text).toBe(201)
    return res.body.resource as Record<string, any>
  }

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
    const adminId = (await call(`${s.url}/v3/users?name=admin`, { token: admin })).body.users[0].id
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: adminId, description: 'eps sdk' } } })
    expect(created.status, created.text).toBe(201)
    key = { access: created.body.credential.access, secret: created.body.credential.secret }
    projectId = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token: admin })).body.projects[0].id
    regionIds = (await call(`${s.url}/v3/regions`, { token: admin })).body.regions.map((r: { id: string }) => r.id)
  })
  afterAll(() => s.close())

  /**
   * Every operation once, with exact answers. Each run starts and ends with only the default
   * enterprise project in the account (the resources it registers end up there), so counts are exact.
   */
  async function everyOperation(c: Caller, tag: string): Promise<void> {
    const prefix = `sdk_${tag}_`
    const ep = (fields: Record<string, unknown>) => ({
      id: expect.stringMatching(UUID), description: '', status: 1, type: 'prod',
      created_at: expect.stringMatching(TIME), updated_at: expect.stringMatching(TIME), delete_flag: false, ...fields,
    })
    const quota = (used: number) => ({ quotas: { resources: [{ type: 'enterprise_project', used, quota: 100 }] }, httpStatusCode: 200 })

    // ---- ShowApiVersion
    expect(await run(c, eps.showApiVersion())).toEqual({
      version: { id: 'v1.0', links: [{ rel: 'self', href: `${s.url}/v1.0` }], version: '', status: 'CURRENT', updated: '2016-12-09T00:00:00Z', min_version: '' },
      httpStatusCode: 200,
    })

    // ---- ShowEnterpriseProjectQuota, before
    expect(await run(c, eps.showEnterpriseProjectQuota())).toEqual(quota(0))

    // ---- CreateEnterpriseProject (201)
    const createdA = await run(c, eps.createEnterpriseProject({ name: `${prefix}alpha`, description: 'alpha, made by the SDK' }))
    expect(createdA).toEqual({ enterprise_project: ep({ name: `${prefix}alpha`, description: 'alpha, made by the SDK' }), httpStatusCode: 201 })
    const a = createdA.enterprise_project
    expect(a.updated_at).toBe(a.created_at)
    // Times are kept to the millisecond: a later one orders the listings below without ties.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const createdB = await run(c, eps.createEnterpriseProject({ name: `${prefix}beta`, type: 'poc' }))
    expect(createdB).toEqual({ enterprise_project: ep({ name: `${prefix}beta`, type: 'poc' }), httpStatusCode: 201 })
    const b = createdB.enterprise_project
    expect(await run(c, eps.showEnterpriseProjectQuota())).toEqual(quota(2))

    // ---- ShowEnterpriseProject, the default one included
    expect(await run(c, eps.showEnterpriseProject(a.id))).toEqual({ enterprise_project: a, httpStatusCode: 200 })
    const defaultEp = ep({ id: '0', name: 'default' })
    expect(await run(c, eps.showEnterpriseProject('0'))).toEqual({ enterprise_project: defaultEp, httpStatusCode: 200 })

    // ---- ListEnterpriseProject with its filters (numbers typed as the SDKs type them)
    const page = (projects: unknown[], total: number) => ({ enterprise_projects: projects, total_count: total, httpStatusCode: 200 })
    expect(await run(c, eps.listEnterpriseProject({ name: prefix, sort_key: 'created_at', sort_dir: 'asc' }))).toEqual(page([a, b], 2))
    expect(await run(c, eps.listEnterpriseProject({ name: prefix }))).toEqual(page([b, a], 2))
    expect(await run(c, eps.listEnterpriseProject({ name: `${tag}_alp` }))).toEqual(page([a], 1))
    expect(await run(c, eps.listEnterpriseProject({ name: prefix, type: 'poc' }))).toEqual(page([b], 1))
    expect(await run(c, eps.listEnterpriseProject({ name: prefix, sort_key: 'updated_at', sort_dir: 'asc', offset: 1, limit: 1 }))).toEqual(page([b], 2))
    expect(await run(c, eps.listEnterpriseProject({ id: a.id, status: 1 }))).toEqual(page([a], 1))
    expect(await run(c, eps.listEnterpriseProject({ id: '0' }))).toEqual(page([defaultEp], 1))
    expect(await run(c, eps.listEnterpriseProject({ status: 2 }))).toEqual(page([], 0))
    expect(await run(c, eps.listEnterpriseProject({}))).toEqual(page([b, a, defaultEp], 3))

    // ---- Disable / enable (204, no body)
    expect(await run(c, eps.action(b.id, 'disable'))).toEqual({ httpStatusCode: 204 })
    expect(await run(c, eps.listEnterpriseProject({ status: 2 }))).toEqual(page([{ ...b, status: 2, updated_at: expect.stringMatching(TIME) }], 1))
    await expectRefused(c, eps.updateEnterpriseProject(b.id, { name: `${prefix}beta2` }), 400, 'EPS.0014', 'The disabled enterprise project cannot be modified')
    expect(await run(c, eps.action(b.id, 'enable'))).toEqual({ httpStatusCode: 204 })
    expect(await run(c, eps.showEnterpriseProject(b.id))).toEqual({ enterprise_project: { ...b, updated_at: expect.stringMatching(TIME) }, httpStatusCode: 200 })

    // ---- UpdateEnterpriseProject: the seed's example request gives the seed's example response
    const updated = await run(c, eps.updateEnterpriseProject(a.id, SEED_REQUEST))
    expect(updated).toEqual({
      enterprise_project: { ...SEED_RESPONSE.enterprise_project, id: a.id, created_at: a.created_at, updated_at: expect.stringMatching(TIME), delete_flag: false },
      httpStatusCode: 200,
    })
    expect(Object.keys(updated.enterprise_project)).toEqual([...Object.keys(SEED_RESPONSE.enterprise_project), 'delete_flag'])
    expect(updated.enterprise_project.updated_at >= a.created_at).toBe(true)
    expect(await run(c, eps.showEnterpriseProject(a.id))).toEqual({ enterprise_project: updated.enterprise_project, httpStatusCode: 200 })
    // Renaming to the name the other project now has: 409 EPS.0010.
    await expectRefused(c, eps.updateEnterpriseProject(b.id, { name: 'enterprise_project1' }), 409, 'EPS.0010', 'The enterprise project name already exists.')
    // poc → prod is the one type change allowed; an omitted description keeps the current one.
    expect(await run(c, eps.updateEnterpriseProject(b.id, { name: `${prefix}beta`, type: 'prod' })))
      .toEqual({ enterprise_project: { ...b, type: 'prod', updated_at: expect.stringMatching(TIME) }, httpStatusCode: 200 })

    // ---- Resources: one ECS with an EIP attached, registered in the default project
    const ecs = await register({ resource_type: 'ecs', project_id: projectId, resource_name: `sdk-${tag}-server` })
    expect(ecs).toEqual({
      enterprise_project_id: '0', project_id: projectId, project_name: 'cn-north-4', resource_type: 'ecs', resource_id: expect.any(String),
      resource_name: `sdk-${tag}-server`, resource_detail: null, region_id: 'cn-north-4', attached_to: null, created_at: expect.stringMatching(TIME),
    })
    const eip = await register({
      resource_type: 'eip', project_id: projectId, resource_name: `sdk-${tag}-eip`, attached_to: ecs.resource_id, resource_detail: { ip_address: '192.0.2.10' },
    })
    const resource = (r: Record<string, any>, enterpriseProjectId: string) => ({
      enterprise_project_id: enterpriseProjectId, project_id: projectId, project_name: 'cn-north-4', resource_type: r.resource_type,
      resource_id: r.resource_id, resource_name: r.resource_name, resource_detail: r.resource_detail,
    })
    const resources = (rows: unknown[], total: number) => ({ resources: rows, errors: [], total_count: total, httpStatusCode: 200 })

    // ---- ShowResourceBindEnterpriseProject
    expect(await run(c, eps.showResourceBindEnterpriseProject('0', {
      resource_types: ['ecs', 'eip'], projects: [projectId], matches: [{ key: 'resource_name', value: `sdk-${tag}-` }],
    }))).toEqual(resources([resource(ecs, '0'), resource(eip, '0')], 2))
    expect(await run(c, eps.showResourceBindEnterpriseProject(a.id, { resource_types: ['ecs', 'eip'], projects: [projectId] }))).toEqual(resources([], 0))

    // ---- ShowAssociatedResources
    expect(await run(c, eps.showAssociatedResources(ecs.resource_id, { project_id: projectId, region_id: 'cn-north-4', resource_type: 'ecs' }))).toEqual({
      id: ecs.resource_id, name: `sdk-${tag}-server`, type: 'ecs',
      associated_resources: [{ id: eip.resource_id, name: `sdk-${tag}-eip`, eip: '192.0.2.10', resource_type: 'eip' }],
      errors: [], httpStatusCode: 200,
    })

    // ---- MigrateResource (204): the ECS and, asked to, its EIP
    const beforeMove = Date.now() - 1000
    expect(await run(c, eps.migrateResource(a.id, { resource_id: ecs.resource_id, resource_type: 'ecs', project_id: projectId, associated: true })))
      .toEqual({ httpStatusCode: 204 })
    expect(await run(c, eps.showResourceBindEnterpriseProject(a.id, { resource_types: ['ecs', 'eip'], projects: [projectId], offset: 0, limit: 10 })))
      .toEqual(resources([resource(ecs, a.id), resource(eip, a.id)], 2))
    expect(await run(c, eps.showResourceBindEnterpriseProject(a.id, { resource_types: ['ecs', 'eip'], projects: [projectId], offset: 1, limit: 1 })))
      .toEqual(resources([resource(eip, a.id)], 2))

    // ---- ListMigrationRecord
    const record = (r: Record<string, any>, associated: boolean) => ({
      associated, code: '200', message: 'success', project_id: projectId, project_name: 'cn-north-4', region_id: 'cn-north-4',
      event_time: expect.stringMatching(TIME), user_name: 'admin', operate_type: 'migrate',
      resource_id: r.resource_id, resource_name: r.resource_name, resource_type: r.resource_type,
      initiate_ep_id: '0', initiate_ep_name: 'default', origin_ep_id: '0', origin_ep_name: 'default',
      target_ep_id: a.id, target_ep_name: 'enterprise_project1', exist_failed: false,
    })
    expect(await run(c, eps.listMigrationRecord({ resource_id: ecs.resource_id }))).toEqual({ records: [record(ecs, false)], httpStatusCode: 200 })
    expect(await run(c, eps.listMigrationRecord({ resource_id: eip.resource_id, start_time: String(beforeMove), offset: '0', limit: 10 })))
      .toEqual({ records: [record(eip, true)], httpStatusCode: 200 })
    expect(await run(c, eps.listMigrationRecord({ resource_id: ecs.resource_id, end_time: String(beforeMove) }))).toEqual({ records: [], httpStatusCode: 200 })

    // ---- DeleteEnterpriseProject refuses a project that holds resources
    await expectRefused(c, eps.deleteEnterpriseProject(a.id), 400, 'EPS.0002',
      'Bad request. The enterprise project still holds resources; move them to another enterprise project first.')

    // ---- ListProviders
    const allProviders = await run(c, eps.listProviders())
    expect(allProviders.total_count).toBe(13)
    expect(allProviders.providers.map((p: { provider: string }) => p.provider)).toEqual(['as', 'cce', 'cdn', 'dcs', 'ecs', 'elb', 'evs', 'ims', 'nat', 'obs', 'rds', 'sfs', 'vpc'])
    expect(await run(c, eps.listProviders({ provider: 'evs' }))).toEqual({
      providers: [{
        provider: 'evs', provider_i18n_display_name: 'Elastic Volume Service',
        resource_types: [{ resource_type: 'disk', resource_type_i18n_display_name: 'Disk', regions: regionIds, global: false }],
      }],
      total_count: 1, httpStatusCode: 200,
    })
    expect(await run(c, eps.listProviders({ locale: 'zh-cn', limit: 1, offset: 2 }))).toEqual({
      providers: [{ provider: 'cdn', provider_i18n_display_name: 'CDN', resource_types: [{ resource_type: 'cdn', resource_type_i18n_display_name: '域名', regions: [], global: true }] }],
      total_count: 13, httpStatusCode: 200,
    })

    // ---- ListResourceMapping, ShowEpConfigs, the BSS authority call
    expect(await run(c, eps.listResourceMapping())).toEqual({
      resource_mapping: {
        scaling_group: 'as', cce_cluster: 'cce', cdn: 'cdn', dcs: 'dcs', ecs: 'ecs', loadbalancers: 'elb', disk: 'evs', images: 'ims',
        nat_gateways: 'nat', bucket: 'obs', rds: 'rds', 'sfs-turbo': 'sfs', vpcs: 'vpc', 'security-groups': 'vpc', eip: 'vpc', shared_bandwidth: 'vpc',
      },
      httpStatusCode: 200,
    })
    // A JSON boolean (what terraform reads), although the SDKs type delete_ep_support as a string.
    expect(await run(c, eps.showEpConfigs())).toEqual({ support_item: { delete_ep_support: true }, httpStatusCode: 200 })
    expect(await run(c, eps.enableEnterpriseProjectFeature())).toEqual({ httpStatusCode: 204 })

    // ---- Back to the default project, then DeleteEnterpriseProject (204)
    expect(await run(c, eps.migrateResource('0', { resource_id: ecs.resource_id, resource_type: 'ecs', project_id: projectId, associated: true })))
      .toEqual({ httpStatusCode: 204 })
    expect(await run(c, eps.deleteEnterpriseProject(a.id))).toEqual({ httpStatusCode: 204 })
    expect(await run(c, eps.deleteEnterpriseProject(b.id))).toEqual({ httpStatusCode: 204 })
    await expectRefused(c, eps.showEnterpriseProject(a.id), 404, 'EPS.0005', 'Requested resources not found.')
    expect(await run(c, eps.listEnterpriseProject({}))).toEqual(page([defaultEp], 1))
    expect(await run(c, eps.showEnterpriseProjectQuota())).toEqual(quota(0))
  }

  it('every operation, signed with GlobalCredentials and the account\'s domain id', async () => {
    await everyOperation(akskWithDomain(), 'gd')
  })

  it('every operation, signed with GlobalCredentials without a domain id (no X-Domain-Id: the key names the account)', async () => {
    await everyOperation(akskWithoutDomain(), 'gn')
  })

  it('every operation with a domain-scoped X-Auth-Token (the same HcClient, built without credentials)', async () => {
    await everyOperation(withToken(admin), 'tk')
  })

  it('GET with a signed body `{}` (as the SDK\'s own discovery sends it) is verified and answered', async () => {
    const c = akskWithDomain()
    const withBody = (o: Op): Op => ({ ...o, data: {} })
    expect(await run(c, withBody(eps.listEnterpriseProject({ id: '0' }))))
      .toEqual({ enterprise_projects: [expect.objectContaining({ id: '0', name: 'default' })], total_count: 1, httpStatusCode: 200 })
    expect(await run(c, withBody(eps.showEnterpriseProjectQuota())))
      .toEqual({ quotas: { resources: [{ type: 'enterprise_project', used: 0, quota: 100 }] }, httpStatusCode: 200 })
  })

  it('refusals throw the SDK\'s ClientRequestException with status and our request id; the wire carries EPS\'s code', async () => {
    for (const c of [akskWithDomain(), akskWithoutDomain(), withToken(admin)]) {
      const onDefault = await expectRefused(c, eps.updateEnterpriseProject('0', SEED_REQUEST), 400, 'EPS.0012', 'The default enterprise project cannot be " + "modified.')
      const taken = (await run(c, eps.createEnterpriseProject(SEED_REQUEST))).enterprise_project
      const other = (await run(c, eps.createEnterpriseProject({ name: 'enterprise_project2' }))).enterprise_project
      const conflict = await expectRefused(c, eps.updateEnterpriseProject(other.id, { name: 'enterprise_project1', description: 'x' }), 409, 'EPS.0010',
        'The enterprise project name already exists.')
      expect(conflict.requestId).not.toBe(onDefault.requestId)
      await expectRefused(c, eps.createEnterpriseProject({ name: 'enterprise_project2' }), 409, 'EPS.0010', 'The enterprise project name already exists.')

      await expectRefused(c, eps.updateEnterpriseProject(taken.id, { name: 'Default' }), 400, 'EPS.0007', 'Invalid enterprise project name.')
      await expectRefused(c, eps.updateEnterpriseProject(taken.id, { name: 'ok', description: 'd'.repeat(513) }), 400, 'EPS.0008', 'Invalid enterprise project description.')
      await expectRefused(c, eps.updateEnterpriseProject(taken.id, { name: 'enterprise_project1', type: 'poc' }), 400, 'EPS.0002',
        'Bad request. A prod enterprise project cannot become poc; only poc → prod is allowed.')
      await expectRefused(c, eps.action('0', 'disable'), 400, 'EPS.0015', 'The default enterprise project does " + "not support the operation.')
      await expectRefused(c, eps.action(taken.id, 'pause'), 400, 'EPS.0013', 'Invalid action.')
      await expectRefused(c, eps.deleteEnterpriseProject('0'), 400, 'EPS.0015', 'The default enterprise project does " + "not support the operation.')
      await expectRefused(c, eps.showEnterpriseProject('not-an-id'), 400, 'EPS.0044', 'Invalid enterprise project id.')
      await expectRefused(c, eps.showEnterpriseProject('00000000-0000-4000-8000-000000000000'), 404, 'EPS.0005', 'Requested resources not found.')
      await expectRefused(c, eps.listEnterpriseProject({ limit: 0 }), 400, 'EPS.0017', 'Invalid limit.')
      await expectRefused(c, eps.listEnterpriseProject({ offset: -1 }), 400, 'EPS.0018', 'Invalid offset.')
      await expectRefused(c, eps.showResourceBindEnterpriseProject('0', { resource_types: [] }), 400, 'EPS.0023', 'Empty resource type list.')
      await expectRefused(c, eps.showResourceBindEnterpriseProject('0', { resource_types: ['ecs'] }), 400, 'EPS.0020', 'Empty project list.')
      await expectRefused(c, eps.migrateResource('0', { resource_id: 'nope', resource_type: 'ecs', project_id: projectId }), 400, 'EPS.0032', 'Invalid resource ID.')
      await expectRefused(c, eps.migrateResource('0', { resource_id: 'nope', resource_type: 'cdn', project_id: projectId }), 400, 'EPS.0038',
        'Operation failed. No project ID is allowed in Global service resource types.')
      await expectRefused(c, eps.showAssociatedResources('nope', { project_id: projectId, region_id: 'cn-north-4', resource_type: 'ecs' }), 400, 'EPS.0032', 'Invalid resource ID.')

      expect(await run(c, eps.deleteEnterpriseProject(taken.id))).toEqual({ httpStatusCode: 204 })
      expect(await run(c, eps.deleteEnterpriseProject(other.id))).toEqual({ httpStatusCode: 204 })
    }
  })

  it('authentication failures: a wrong secret and a bad token are 401 through the SDK, EPS.0003 on the wire', async () => {
    const wrongSecret: Caller = { hc: hcClient(globalCredentials({ access: key.access, secret: 'x'.repeat(40) }, s.account.id), s.url), headers: () => ({}) }
    for (const [c, o] of [[wrongSecret, eps.listEnterpriseProject({})], [wrongSecret, eps.updateEnterpriseProject('0', SEED_REQUEST)], [withToken('nope'), eps.listEnterpriseProject({})]] as const) {
      expect(await failureOf(run(c, o))).toMatchObject({ name: 'ClientRequestException', httpStatusCode: 401, requestId: expect.stringMatching(REQUEST_ID) })
    }
    const signed = signRequest({ endpoint: s.url, method: 'GET', path: EP, key: { access: key.access, secret: 'x'.repeat(40) }, domainId: s.account.id })
    const res = await fetch(signed.url, signed.init)
    expect({ status: res.status, body: await res.json() })
      .toEqual({ status: 401, body: epsError('EPS.0003', 'Incorrect IAM authentication information: verify aksk signature fail') })
    const badToken = await call(`${s.url}${EP}`, { token: 'nope' })
    expect({ status: badToken.status, body: badToken.body }).toEqual({ status: 401, body: epsError('EPS.0003', 'Unauthorized user.') })
  })

  // With EPS's nested body alone, the SDK's exception would carry no code and axios' generic text.
  it('a PUT on the default project throws ClientRequestException with errorCode EPS.0012', async () => {
    const e = await failureOf(run(akskWithDomain(), eps.updateEnterpriseProject('0', SEED_REQUEST)))
    expect(e).toBeInstanceOf(ClientRequestException)
    expect(e).toMatchObject({
      httpStatusCode: 400, errorCode: 'EPS.0012', errorMsg: 'The default enterprise project cannot be " + "modified.', requestId: expect.stringMatching(REQUEST_ID),
    })
  })

  it('a PUT renaming to a taken name throws ClientRequestException with errorCode EPS.0010', async () => {
    const c = akskWithDomain()
    const first = (await run(c, eps.createEnterpriseProject({ name: 'gap_first' }))).enterprise_project
    const second = (await run(c, eps.createEnterpriseProject({ name: 'gap_second' }))).enterprise_project
    try {
      const e = await failureOf(run(c, eps.updateEnterpriseProject(second.id, { name: 'gap_first' })))
      expect(e).toBeInstanceOf(ClientRequestException)
      expect(e).toMatchObject({ httpStatusCode: 409, errorCode: 'EPS.0010', errorMsg: 'The enterprise project name already exists.', requestId: expect.stringMatching(REQUEST_ID) })
    } finally {
      for (const id of [first.id, second.id]) await run(c, eps.deleteEnterpriseProject(id))
    }
  })
})
