/**
 * GET /v3/auth/catalog, /v3/services and /v3/endpoints over HTTP, through the unmodified Huawei
 * SDK and the openstack CLI: the same catalog a token carries, Keystone's filters, stable ids,
 * and each flavour's rules (any token on the clouds, administrators only in Keystone).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { basicCredentials, globalCredentials, hcClient, iam, iamClient } from '../helpers/huawei-sdk.js'

const PASSWORD = 'Catalog-Passw0rd!'
const HEX32 = expect.stringMatching(/^[0-9a-f]{32}$/)
const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const FORBIDDEN = error(403, 'Forbidden', 'You are not authorized to perform the requested action.')

/** A project-scoped token with its catalog, as a login returns it. */
async function projectLogin(s: TestServer, user: string, password: string, project: string): Promise<{ token: string; catalog: unknown[] }> {
  const res = await call(`${s.url}/v3/auth/tokens`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { id: s.account.id } } } }, scope: { project: { name: project, domain: { id: s.account.id } } } } },
  })
  expect(res.status, res.text).toBe(201)
  return { token: res.headers.get('x-subject-token')!, catalog: res.body.token.catalog }
}

/** The SDK's IAM client sending an `X-Auth-Token` (its credentials interface, fed a token instead of a key). */
function tokenIamClient(url: string, token: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const hc = hcClient(undefined, url).withCredential({
    processAuthRequest: async (_client: unknown, request: { headers: Record<string, string> }) => {
      request.headers['X-Auth-Token'] = token
      return request
    },
  })
  return new iam.IamClient(hc)
}

/** Every field the SDK model declares, with its type. */
function expectSdkService(s: any): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(s).toMatchObject({ id: expect.any(String), name: expect.any(String), type: expect.any(String), enabled: true, links: { self: expect.any(String) } })
}
function expectSdkEndpoint(e: any): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(e).toMatchObject({
    id: expect.any(String), service_id: expect.any(String), region: expect.any(String), region_id: expect.any(String),
    interface: expect.stringMatching(/^(public|internal|admin)$/), url: expect.any(String), enabled: true, links: { self: expect.any(String) },
  })
}

describe('catalog (huaweicloud)', () => {
  let s: TestServer
  let domainToken: string
  let project: { token: string; catalog: any[] } // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    s = await startServer()
    domainToken = await s.adminToken()
    project = await projectLogin(s, 'admin', s.adminPassword, 'cn-north-4') as typeof project
  })
  afterAll(() => s.close())

  it('GET /v3/auth/catalog answers a project-scoped token with the catalog its token body carries', async () => {
    const res = await call(`${s.url}/v3/auth/catalog`, { token: project.token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ catalog: project.catalog, links: { self: `${s.url}/v3/auth/catalog` } })
    expect(res.body.catalog.map((c: { type: string; name: string }) => `${c.type}:${c.name}`)).toEqual(['identity:iam', 'eps:eps', 'coc:coc'])
    expect(res.body.catalog[0].endpoints).toContainEqual({ id: HEX32, interface: 'public', region: 'cn-north-4', region_id: 'cn-north-4', url: `${s.url}/v3` })
  })

  it('GET /v3/auth/catalog refuses a domain-scoped token (403) and a missing one (401)', async () => {
    expect(await call(`${s.url}/v3/auth/catalog`, { token: domainToken })).toMatchObject({ status: 403, body: FORBIDDEN })
    expect(await call(`${s.url}/v3/auth/catalog`)).toMatchObject({ status: 401, body: error(401, 'Unauthorized', 'The request you have made requires authentication.') })
  })

  it('GET /v3/services lists the catalog\'s services with paged links, filtered by type and name', async () => {
    const res = await call(`${s.url}/v3/services`, { token: domainToken })
    expect(res.status).toBe(200)
    expect(res.body.links).toEqual({ self: `${s.url}/v3/services`, previous: null, next: null })
    expect(res.body.services).toEqual(project.catalog.map((c) => ({
      id: c.id, name: c.name, type: c.type, enabled: true, links: { self: `${s.url}/v3/services/${c.id}`, previous: null, next: null },
    })))
    const byType = await call(`${s.url}/v3/services?type=identity&unknown=1`, { token: domainToken })
    expect(byType.body.services.map((x: { name: string }) => x.name)).toEqual(['iam'])
    expect(byType.body.links.self).toBe(`${s.url}/v3/services?type=identity&unknown=1`)
    expect((await call(`${s.url}/v3/services?name=coc`, { token: domainToken })).body.services.map((x: { type: string }) => x.type)).toEqual(['coc'])
    expect((await call(`${s.url}/v3/services?type=compute`, { token: domainToken })).body.services).toEqual([])
  })

  it('GET /v3/services/{id} shows one; an unknown id is 404', async () => {
    const identity = project.catalog[0]
    const res = await call(`${s.url}/v3/services/${identity.id}`, { token: domainToken })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ service: { id: identity.id, name: 'iam', type: 'identity', enabled: true, links: { self: `${s.url}/v3/services/${identity.id}`, previous: null, next: null } } })
    expect(await call(`${s.url}/v3/services/nope`, { token: domainToken })).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Could not find service: nope.') })
  })

  it('GET /v3/endpoints lists every endpoint of the catalog; interface, service_id and region_id filter, type does not', async () => {
    const all = await call(`${s.url}/v3/endpoints`, { token: domainToken })
    expect(all.status).toBe(200)
    expect(all.body.links).toEqual({ self: `${s.url}/v3/endpoints`, previous: null, next: null })
    const expected = project.catalog.flatMap((c) => c.endpoints.map((e: Record<string, string>) => ({
      id: e.id, interface: e.interface, region: e.region, region_id: e.region_id, service_id: c.id, url: e.url, enabled: true,
      links: { self: `${s.url}/v3/endpoints/${e.id}`, previous: null, next: null },
    })))
    expect(all.body.endpoints).toEqual(expected)
    expect(all.body.endpoints).toHaveLength(10 * 3 + 10 + 10)
    const list = async (query: string) => (await call(`${s.url}/v3/endpoints?${query}`, { token: domainToken })).body.endpoints as Record<string, string>[]
    expect((await list('interface=admin')).every((e) => e.service_id === project.catalog[0].id)).toBe(true)
    expect(await list('interface=admin')).toHaveLength(10)
    expect((await list(`service_id=${project.catalog[1].id}`)).map((e) => e.url)).toEqual(Array(10).fill(s.url))
    expect((await list('region_id=cn-north-4')).map((e) => e.interface)).toEqual(['public', 'internal', 'admin', 'public', 'public'])
    expect(await list(`region_id=cn-north-4&interface=public&service_id=${project.catalog[0].id}`)).toEqual([expected.find((e) => e.region_id === 'cn-north-4' && e.interface === 'public' && e.service_id === project.catalog[0].id)])
    expect(await list('type=identity')).toHaveLength(50)
    expect(await list('interface=sideways')).toEqual([])
  })

  it('GET /v3/endpoints/{id} shows one; an unknown id is 404', async () => {
    const endpoint = project.catalog[0].endpoints[0]
    const res = await call(`${s.url}/v3/endpoints/${endpoint.id}`, { token: domainToken })
    expect(res.body).toEqual({
      endpoint: {
        id: endpoint.id, interface: endpoint.interface, region: endpoint.region, region_id: endpoint.region_id, service_id: project.catalog[0].id,
        url: `${s.url}/v3`, enabled: true, links: { self: `${s.url}/v3/endpoints/${endpoint.id}`, previous: null, next: null },
      },
    })
    expect(await call(`${s.url}/v3/endpoints/nope`, { token: domainToken })).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Could not find endpoint: nope.') })
  })

  it('gives the same ids on another instance with its own store (seeded from names)', async () => {
    const other = await startServer()
    try {
      const ids = async (t: TestServer, token: string) => (await call(`${t.url}/v3/endpoints`, { token })).body.endpoints.map((e: Record<string, string>) => [e.id, e.service_id])
      expect(await ids(other, await other.adminToken())).toEqual(await ids(s, domainToken))
    } finally {
      await other.close()
    }
  })

  it('the SDK: keystoneShowCatalog (token), keystoneListServices, keystoneShowService, keystoneListEndpoints, keystoneShowEndpoint (AK/SK)', async () => {
    const catalog = await tokenIamClient(s.url, project.token).keystoneShowCatalog(new iam.KeystoneShowCatalogRequest())
    expect(catalog.httpStatusCode).toBe(200)
    expect(catalog.links).toEqual({ self: `${s.url}/v3/auth/catalog` })
    expect(catalog.catalog).toEqual(project.catalog)
    for (const c of catalog.catalog) {
      expect(c).toMatchObject({ id: expect.any(String), name: expect.any(String), type: expect.any(String), endpoints: expect.any(Array) })
      for (const e of c.endpoints) expect(e).toEqual({ id: expect.any(String), interface: expect.any(String), region: expect.any(String), region_id: expect.any(String), url: expect.any(String) })
    }

    const key = (await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: domainToken, body: { credential: { user_id: (await call(`${s.url}/v3/users?name=admin`, { token: domainToken })).body.users[0].id } } })).body.credential
    const client = iamClient(globalCredentials({ access: key.access, secret: key.secret }, s.account.id), s.url)
    const services = await client.keystoneListServices(new iam.KeystoneListServicesRequest().withType('eps'))
    expect(services.httpStatusCode).toBe(200)
    expect(services.links).toEqual({ self: `${s.url}/v3/services?type=eps`, previous: null, next: null })
    expect(services.services).toHaveLength(1)
    expectSdkService(services.services[0])
    // Signed for a project (BasicCredentials sends X-Project-Id), the catalog is that project's, as with a token.
    const regionProject = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token: domainToken })).body.projects[0].id
    const onProject = iamClient(basicCredentials({ access: key.access, secret: key.secret }, regionProject), s.url)
    expect((await onProject.keystoneShowCatalog(new iam.KeystoneShowCatalogRequest())).catalog).toEqual(project.catalog)
    await expect(client.keystoneShowCatalog(new iam.KeystoneShowCatalogRequest())).rejects.toMatchObject({ httpStatusCode: 403 })
    const shown = await client.keystoneShowService(new iam.KeystoneShowServiceRequest().withServiceId(services.services[0].id))
    expect(shown.service).toEqual(services.services[0])

    const endpoints = await client.keystoneListEndpoints(new iam.KeystoneListEndpointsRequest().withInterface('public').withServiceId(services.services[0].id))
    expect(endpoints.httpStatusCode).toBe(200)
    expect(endpoints.endpoints).toHaveLength(10)
    for (const e of endpoints.endpoints) expectSdkEndpoint(e)
    const endpoint = await client.keystoneShowEndpoint(new iam.KeystoneShowEndpointRequest().withEndpointId(endpoints.endpoints[0].id))
    expect(endpoint.endpoint).toEqual(endpoints.endpoints[0])

    const missing = await client.keystoneShowEndpoint(new iam.KeystoneShowEndpointRequest().withEndpointId('nope')).then(() => undefined, (e: any) => e) // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(missing).toMatchObject({ httpStatusCode: 404, errorCode: 404, errorMsg: 'Could not find endpoint: nope.' })
  })
})

describe('catalog (opentelekomcloud)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'opentelekomcloud' }) })
  afterAll(() => s.close())

  it('lists identity and EPS (no COC) in both regions, the same as a token\'s catalog', async () => {
    const project = await projectLogin(s, 'admin', s.adminPassword, 'eu-de')
    const catalog = await call(`${s.url}/v3/auth/catalog`, { token: project.token })
    expect(catalog.body.catalog).toEqual(project.catalog)
    const services = (await call(`${s.url}/v3/services`, { token: await s.adminToken() })).body.services
    expect(services.map((x: { type: string; name: string }) => `${x.type}:${x.name}`)).toEqual(['identity:iam', 'eps:eps'])
    const endpoints = (await call(`${s.url}/v3/endpoints?interface=public`, { token: await s.adminToken() })).body.endpoints
    expect(endpoints.map((e: { region_id: string }) => e.region_id).sort()).toEqual(['eu-de', 'eu-de', 'eu-nl', 'eu-nl'])
  })
})

describe('catalog (keystone)', () => {
  let s: TestServer
  let admin: string
  let member: string
  let home: string

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    const api = async (method: string, p: string, body?: unknown) => (await call(`${s.url}${p}`, { method, token: admin, body })).body
    const user = (await api('POST', '/v3/users', { user: { name: 'member-user', password: PASSWORD, domain_id: s.account.id } })).user.id
    const projectId = (await api('GET', '/v3/projects?name=admin')).projects[0].id
    const memberRole = (await api('GET', '/v3/roles?name=member')).roles[0].id
    expect((await call(`${s.url}/v3/projects/${projectId}/users/${user}/roles/${memberRole}`, { method: 'PUT', token: admin })).status).toBe(204)
    member = (await projectLogin(s, 'member-user', PASSWORD, 'admin')).token
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-catalog-cli-'))
  })
  afterAll(async () => {
    await s.close()
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('lists only the identity service (keystone), with Keystone\'s self-only entity links', async () => {
    const { token, catalog } = await projectLogin(s, 'admin', s.adminPassword, 'admin')
    expect((await call(`${s.url}/v3/auth/catalog`, { token })).body).toEqual({ catalog, links: { self: `${s.url}/v3/auth/catalog` } })
    const services = await call(`${s.url}/v3/services`, { token: admin })
    expect(services.body).toEqual({
      links: { self: `${s.url}/v3/services`, previous: null, next: null },
      services: [{ id: HEX32, name: 'keystone', type: 'identity', enabled: true, links: { self: `${s.url}/v3/services/${(catalog[0] as { id: string }).id}` } }],
    })
    const endpoints = (await call(`${s.url}/v3/endpoints?region_id=RegionOne`, { token: admin })).body.endpoints
    expect(endpoints.map((e: { interface: string }) => e.interface)).toEqual(['public', 'internal', 'admin'])
    expect(endpoints[0].links).toEqual({ self: `${s.url}/v3/endpoints/${endpoints[0].id}` })
  })

  it('lets only an administrator read services and endpoints (admin_required); any project token reads its catalog', async () => {
    expect((await call(`${s.url}/v3/auth/catalog`, { token: member })).status).toBe(200)
    const serviceId = (await call(`${s.url}/v3/services`, { token: admin })).body.services[0].id
    const endpointId = (await call(`${s.url}/v3/endpoints`, { token: admin })).body.endpoints[0].id
    for (const [p, action] of [['/v3/services', 'list_services'], [`/v3/services/${serviceId}`, 'get_service'], ['/v3/endpoints', 'list_endpoints'], [`/v3/endpoints/${endpointId}`, 'get_endpoint']]) {
      expect(await call(`${s.url}${p}`, { token: member })).toMatchObject({
        status: 403, body: error(403, 'Forbidden', `You are not authorized to perform the requested action: identity:${action}.`),
      })
    }
  })

  it('has no login tickets (404)', async () => {
    const res = await call(`${s.url}/v3.0/OS-AUTH/securitytoken/logintokens`, { method: 'POST', body: { auth: { securitytoken: { access: 'a', secret: 'b', id: 'c' } } } })
    expect(res.status).toBe(404)
  })

  it('the openstack CLI: service list, endpoint list with filters, endpoint show, catalog list', async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '', HOME: home, PYTHONWARNINGS: 'ignore', OS_AUTH_URL: `${s.url}/v3`, OS_IDENTITY_API_VERSION: '3', OS_INTERFACE: 'public',
      OS_USERNAME: s.adminUser, OS_PASSWORD: s.adminPassword, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default',
    }
    const openstack = async (...args: string[]) => JSON.parse((await promisify(execFile)('openstack', [...args, '-f', 'json'], { env, timeout: 60_000 })).stdout)
    expect(await openstack('service', 'list')).toEqual([{ ID: HEX32, Name: 'keystone', Type: 'identity' }])
    const endpoints = await openstack('endpoint', 'list', '--service', 'identity', '--interface', 'admin', '--region', 'RegionOne')
    expect(endpoints).toEqual([{ ID: HEX32, Region: 'RegionOne', 'Service Name': 'keystone', 'Service Type': 'identity', Enabled: true, Interface: 'admin', URL: `${s.url}/v3` }])
    expect(await openstack('endpoint', 'show', endpoints[0].ID)).toMatchObject({ id: endpoints[0].ID, interface: 'admin', region_id: 'RegionOne', service_name: 'keystone', url: `${s.url}/v3` })
    const catalog = await openstack('catalog', 'list')
    expect(catalog.map((c: { Name: string; Type: string }) => `${c.Type}:${c.Name}`)).toEqual(['identity:keystone'])
  }, 300_000)
})
