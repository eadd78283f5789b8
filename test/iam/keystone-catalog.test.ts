/**
 * Services, endpoints, the token catalog and OS-EP-FILTER in the keystone flavour: exact statuses
 * and bodies as Keystone 22 answers them, the catalog built from what is stored (a new endpoint is
 * in the next token), and the clouds' catalog staying read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const HEX32 = expect.stringMatching(/^[0-9a-f]{32}$/)
const TAIL = ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'

function passwordAuth(user: string, password: string, scope: unknown) {
  return { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { id: 'default' } } } }, scope } }
}

describe('catalog (keystone)', () => {
  let s: TestServer
  let token: string
  let member: string
  let adminUserId: string
  let adminRoleId: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    token = await s.adminToken()
    adminUserId = (await call(`${s.url}/v3/users?name=admin`, { token })).body.users[0].id
    const roles = (await call(`${s.url}/v3/roles`, { token })).body.roles as { id: string; name: string }[]
    adminRoleId = roles.find((r) => r.name === 'admin')!.id
    // A user with `member` on a project of its own: Keystone's admin_required refuses it.
    const project = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'member-project', domain_id: 'default' } } })).body.project
    const user = (await call(`${s.url}/v3/users`, { method: 'POST', token, body: { user: { name: 'member-user', password: 'member-Passw0rd', domain_id: 'default' } } })).body.user
    await call(`${s.url}/v3/projects/${project.id}/users/${user.id}/roles/${roles.find((r) => r.name === 'member')!.id}`, { method: 'PUT', token })
    const issued = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('member-user', 'member-Passw0rd', { project: { id: project.id } }) })
    member = issued.headers.get('x-subject-token')!
  })
  afterAll(() => s.close())

  /** A token of the admin scoped to `projectId` (granted admin there), with its catalog. */
  async function projectToken(projectId: string): Promise<{ token: string; catalog: { id: string; type: string; name: string; endpoints: { id: string; url: string }[] }[] }> {
    await call(`${s.url}/v3/projects/${projectId}/users/${adminUserId}/roles/${adminRoleId}`, { method: 'PUT', token })
    const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { project: { id: projectId } }) })
    expect(res.status).toBe(201)
    return { token: res.headers.get('x-subject-token')!, catalog: res.body.token.catalog }
  }

  async function newService(body: Record<string, unknown> = {}): Promise<string> {
    const res = await call(`${s.url}/v3/services`, { method: 'POST', token, body: { service: { type: `type-${Math.random()}`, ...body } } })
    expect(res.status).toBe(201)
    return res.body.service.id
  }

  async function newEndpoint(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await call(`${s.url}/v3/endpoints`, { method: 'POST', token, body: { endpoint: { interface: 'public', url: 'http://example.com/x', ...body } } })
    expect(res.status, res.text).toBe(201)
    return res.body.endpoint
  }

  it('seeds identity alone (no EPS, no COC) in RegionOne, the same in the token, /v3/auth/catalog, /v3/services and /v3/endpoints', async () => {
    const services = await call(`${s.url}/v3/services`, { token })
    expect(services.status).toBe(200)
    expect(services.body).toEqual({
      links: { self: `${s.url}/v3/services`, previous: null, next: null },
      services: [{ id: HEX32, name: 'keystone', type: 'identity', enabled: true, links: { self: `${s.url}/v3/services/${services.body.services[0].id}` } }],
    })
    const identity = services.body.services[0].id
    const endpoints = (await call(`${s.url}/v3/endpoints`, { token })).body.endpoints
    expect(endpoints.map((e: Record<string, unknown>) => [e.interface, e.region_id, e.region, e.url, e.service_id, e.enabled])).toEqual(
      ['public', 'internal', 'admin'].map((i) => [i, 'RegionOne', 'RegionOne', `${s.url}/v3`, identity, true]),
    )
    const { catalog } = await projectToken((await call(`${s.url}/v3/projects?name=admin`, { token })).body.projects[0].id)
    expect(catalog).toEqual([{
      id: identity, type: 'identity', name: 'keystone',
      endpoints: endpoints.map((e: Record<string, string>) => ({ id: e.id, interface: e.interface, region: 'RegionOne', region_id: 'RegionOne', url: `${s.url}/v3` })),
    }])
    expect((await call(`${s.url}/v3/auth/catalog`, { token })).body).toEqual({ catalog, links: { self: `${s.url}/v3/auth/catalog` } })
  })

  it('creates, lists by type and name, shows, updates (extras merge) and deletes a service', async () => {
    const made = await call(`${s.url}/v3/services`, { method: 'POST', token, body: { service: { type: 'compute', name: 'nova', description: 'Compute', id: 'ignored' } } })
    expect(made.status).toBe(201)
    const id = made.body.service.id
    expect(id).not.toBe('ignored')
    expect(made.body).toEqual({ service: { id: HEX32, type: 'compute', name: 'nova', description: 'Compute', enabled: true, links: { self: `${s.url}/v3/services/${id}` } } })
    const bare = await call(`${s.url}/v3/services`, { method: 'POST', token, body: { service: { type: 'image', enabled: false } } })
    expect(bare.body.service).toMatchObject({ type: 'image', name: '', enabled: false })
    expect((await call(`${s.url}/v3/services?type=compute`, { token })).body.services.map((x: { id: string }) => x.id)).toEqual([id])
    expect((await call(`${s.url}/v3/services?name=nova`, { token })).body.services.map((x: { id: string }) => x.id)).toEqual([id])
    expect((await call(`${s.url}/v3/services/${id}`, { token })).body).toEqual(made.body)
    const patched = await call(`${s.url}/v3/services/${id}`, { method: 'PATCH', token, body: { service: { description: 'Servers', colour: 'red', enabled: false } } })
    expect(patched).toMatchObject({ status: 200, body: { service: { id, type: 'compute', name: 'nova', description: 'Servers', colour: 'red', enabled: false } } })
    expect((await call(`${s.url}/v3/services/${id}`, { token })).body).toEqual(patched.body)
    expect(await call(`${s.url}/v3/services/${id}`, { method: 'PATCH', token, body: { service: { id: 'other' } } })).toMatchObject({ status: 400, body: error(400, 'Bad Request', 'Cannot change ID') })
    expect((await call(`${s.url}/v3/services/${id}`, { method: 'DELETE', token })).status).toBe(204)
    expect(await call(`${s.url}/v3/services/${id}`, { token })).toMatchObject({ status: 404, body: error(404, 'Not Found', `Could not find service: ${id}.`) })
    expect(await call(`${s.url}/v3/services/${id}`, { method: 'DELETE', token })).toMatchObject({ status: 404, body: error(404, 'Not Found', `Could not find service: ${id}.`) })
    expect(await call(`${s.url}/v3/services/nope`, { method: 'PATCH', token, body: { service: { name: 'x' } } })).toMatchObject({ status: 404 })
  })

  it("refuses Keystone's invalid service and endpoint bodies with its texts (400)", async () => {
    const bad = async (path: string, method: string, body: unknown) => (await call(`${s.url}${path}`, { method, token, body })).body
    expect(await bad('/v3/services', 'POST', { service: { name: 'x' } })).toEqual(error(400, 'Bad Request', "Invalid input for field 'service': 'type' is a required property"))
    expect(await bad('/v3/services', 'POST', { service: { type: 'x', enabled: 'True' } })).toEqual(error(400, 'Bad Request', "Invalid input for field 'service/enabled': 'True' is not of type 'boolean'"))
    expect(await bad('/v3/services', 'POST', { service: { type: '' } })).toEqual(error(400, 'Bad Request', "Invalid input for field 'service/type': '' is too short"))
    const serviceId = await newService()
    expect(await bad('/v3/endpoints', 'POST', { endpoint: { service_id: serviceId, interface: 'public', url: 'http://a', enabled: 'False' } }))
      .toEqual(error(400, 'Bad Request', "Invalid input for field 'endpoint/enabled': 'False' is not of type 'boolean'"))
    expect(await bad('/v3/endpoints', 'POST', { endpoint: { service_id: serviceId, interface: 'sideways', url: 'http://a' } }))
      .toEqual(error(400, 'Bad Request', "Invalid input for field 'endpoint/interface': 'sideways' is not one of ['admin', 'internal', 'public']"))
    expect(await bad('/v3/endpoints', 'POST', { endpoint: { service_id: serviceId, interface: 'public', url: 'no-scheme' } }))
      .toEqual(error(400, 'Bad Request', "Invalid input for field 'endpoint/url': 'no-scheme' does not match '^[a-zA-Z0-9+.-]+:.+'"))
    expect(await bad('/v3/endpoints', 'POST', { endpoint: { service_id: serviceId, interface: 'public', url: 'http://a/$(tenant)s' } }))
      .toEqual(error(400, 'Bad Request', 'Cannot create an endpoint with an invalid URL: http://a/$(tenant)s.'))
    expect(await bad('/v3/endpoints', 'POST', { endpoint: { service_id: 'nope', interface: 'public', url: 'http://a' } }))
      .toEqual(error(400, 'Bad Request', `Expecting to find endpoint service_id in service table.${TAIL}`))
    expect(await bad('/v3/endpoints', 'POST', { endpoint: { service_id: serviceId, interface: 'public', url: 'http://a', region_id: 'nowhere' } }))
      .toEqual(error(400, 'Bad Request', `Expecting to find endpoint region_id in region table.${TAIL}`))
    expect(await bad('/v3/endpoints', 'POST', { endpoint: { service_id: serviceId, url: 'http://a' } }))
      .toEqual(error(400, 'Bad Request', "Invalid input for field 'endpoint': 'interface' is a required property"))
    const endpoint = await newEndpoint({ service_id: serviceId })
    expect(await bad(`/v3/endpoints/${endpoint.id}`, 'PATCH', { endpoint: { enabled: 'False' } }))
      .toEqual(error(400, 'Bad Request', "Invalid input for field 'endpoint/enabled': 'False' is not of type 'boolean'"))
    expect(await bad(`/v3/endpoints/${endpoint.id}`, 'PATCH', { endpoint: {} }))
      .toEqual(error(400, 'Bad Request', "Invalid input for field 'endpoint': {} does not have enough properties"))
    expect(await bad(`/v3/endpoints/${endpoint.id}`, 'PATCH', { endpoint: { service_id: 'nope' } }))
      .toEqual(error(400, 'Bad Request', `Expecting to find endpoint service_id in service table.${TAIL}`))
  })

  it('creates an endpoint in a legacy `region` (created when missing), shows, filters, updates and deletes it; the region is held meanwhile', async () => {
    const serviceId = await newService({ name: 'svc' })
    const other = await newService()
    const made = await call(`${s.url}/v3/endpoints`, { method: 'POST', token, body: { endpoint: { service_id: serviceId, interface: 'internal', url: 'http://a.example/v1', region: 'legacy-1', enabled: true, name: 'extra' } } })
    expect(made.status).toBe(201)
    const id = made.body.endpoint.id
    expect(made.body).toEqual({ endpoint: {
      id: HEX32, service_id: serviceId, interface: 'internal', url: 'http://a.example/v1', region: 'legacy-1', region_id: 'legacy-1', enabled: true, name: 'extra',
      links: { self: `${s.url}/v3/endpoints/${id}` },
    } })
    expect((await call(`${s.url}/v3/regions/legacy-1`, { token })).body.region).toMatchObject({ id: 'legacy-1', description: '', parent_region_id: null })
    expect((await call(`${s.url}/v3/endpoints/${id}`, { token })).body).toEqual(made.body)
    const ids = async (query: string) => (await call(`${s.url}/v3/endpoints?${query}`, { token })).body.endpoints.map((e: { id: string }) => e.id)
    expect(await ids(`service_id=${serviceId}`)).toEqual([id])
    expect(await ids('region_id=legacy-1&interface=internal')).toEqual([id])
    expect(await ids('region_id=legacy-1&interface=public')).toEqual([])
    expect(await call(`${s.url}/v3/regions/legacy-1`, { method: 'DELETE', token })).toMatchObject({
      status: 403, body: error(403, 'Forbidden', 'Unable to delete region legacy-1 because it or its child regions have associated endpoints.'),
    })
    const patched = await call(`${s.url}/v3/endpoints/${id}`, { method: 'PATCH', token, body: { endpoint: { service_id: other, interface: 'admin', url: 'http://b.example', region: 'legacy-2', enabled: false } } })
    expect(patched).toMatchObject({ status: 200, body: { endpoint: { id, service_id: other, interface: 'admin', url: 'http://b.example', region: 'legacy-2', region_id: 'legacy-2', enabled: false, name: 'extra' } } })
    expect((await call(`${s.url}/v3/regions/legacy-1`, { method: 'DELETE', token })).status).toBe(204)
    expect((await call(`${s.url}/v3/endpoints/${id}`, { method: 'DELETE', token })).status).toBe(204)
    expect(await call(`${s.url}/v3/endpoints/${id}`, { token })).toMatchObject({ status: 404, body: error(404, 'Not Found', `Could not find endpoint: ${id}.`) })
    expect((await call(`${s.url}/v3/endpoints/${id}`, { method: 'DELETE', token })).status).toBe(404)
    expect((await call(`${s.url}/v3/regions/legacy-2`, { method: 'DELETE', token })).status).toBe(204)
    // A service's endpoints go with it.
    const held = await newEndpoint({ service_id: other, region_id: 'RegionOne' })
    expect((await call(`${s.url}/v3/services/${other}`, { method: 'DELETE', token })).status).toBe(204)
    expect((await call(`${s.url}/v3/endpoints/${held.id}`, { token })).status).toBe(404)
  })

  it("puts a new endpoint in the next token's catalog, with $(project_id)s substituted; leaves out disabled ones and removes deleted ones", async () => {
    const projectId = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'catalog-project', domain_id: 'default' } } })).body.project.id
    const serviceId = await newService({ type: 'volumev3', name: 'cinder' })
    const endpoint = await newEndpoint({ service_id: serviceId, region_id: 'RegionOne', url: 'http://volume.example/v3/$(project_id)s' })
    const hidden = await newEndpoint({ service_id: serviceId, region_id: 'RegionOne', interface: 'internal', enabled: false })
    const first = await projectToken(projectId)
    expect(first.catalog.find((c) => c.id === serviceId)).toEqual({
      id: serviceId, type: 'volumev3', name: 'cinder',
      endpoints: [{ id: endpoint.id, interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `http://volume.example/v3/${projectId}` }],
    })
    expect(JSON.stringify(first.catalog)).not.toContain(hidden.id as string)
    // A domain-scoped token has no project to put in the URL: Keystone leaves the endpoint out.
    const domainScoped = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { domain: { id: 'default' } }) })
    expect(domainScoped.body.token.catalog.find((c: { id: string }) => c.id === serviceId).endpoints).toEqual([])
    await call(`${s.url}/v3/endpoints/${endpoint.id}`, { method: 'DELETE', token })
    expect((await projectToken(projectId)).catalog.find((c) => c.id === serviceId)!.endpoints).toEqual([])
    await call(`${s.url}/v3/services/${serviceId}`, { method: 'PATCH', token, body: { service: { enabled: false } } })
    expect((await projectToken(projectId)).catalog.find((c) => c.id === serviceId)).toBeUndefined()
  })

  it('refuses a non-administrator (403) and no token (401)', async () => {
    const forbidden = (action: string) => error(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`)
    expect(await call(`${s.url}/v3/services`, { method: 'POST', token: member, body: { service: { type: 'x' } } })).toMatchObject({ status: 403, body: forbidden('identity:create_service') })
    expect(await call(`${s.url}/v3/endpoints`, { token: member })).toMatchObject({ status: 403, body: forbidden('identity:list_endpoints') })
    expect(await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { token: member })).toMatchObject({ status: 403, body: forbidden('identity:list_endpoint_groups') })
    expect((await call(`${s.url}/v3/auth/catalog`, { token: member })).status).toBe(200)
    expect((await call(`${s.url}/v3/services`, { method: 'POST', body: { service: { type: 'x' } } })).status).toBe(401)
  })

  it('OS-EP-FILTER: creates, lists by name, shows, checks (HEAD), updates and deletes endpoint groups', async () => {
    const serviceId = await newService()
    const made = await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { method: 'POST', token, body: { endpoint_group: { name: 'group-a', filters: { service_id: serviceId } } } })
    expect(made.status).toBe(201)
    const id = made.body.endpoint_group.id
    expect(made.body).toEqual({ endpoint_group: { id: HEX32, name: 'group-a', description: null, filters: { service_id: serviceId }, links: { self: `${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}` } } })
    await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { method: 'POST', token, body: { endpoint_group: { name: 'group-b', description: 'B', filters: { interface: 'admin' } } } })
    const listed = await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups?name=group-a`, { token })
    expect(listed.body).toEqual({ links: { self: `${s.url}/v3/OS-EP-FILTER/endpoint_groups?name=group-a`, previous: null, next: null }, endpoint_groups: [made.body.endpoint_group] })
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { token })).body.endpoint_groups.map((g: { name: string }) => g.name)).toEqual(['group-a', 'group-b'])
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}`, { token })).body).toEqual(made.body)
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}`, { method: 'HEAD', token })).status).toBe(200)
    const patched = await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}`, { method: 'PATCH', token, body: { endpoint_group: { name: 'group-a2', description: 'A', filters: { interface: 'public' } } } })
    expect(patched.body.endpoint_group).toMatchObject({ id, name: 'group-a2', description: 'A', filters: { interface: 'public' } })
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}`, { method: 'DELETE', token })).status).toBe(204)
    const gone = error(404, 'Not Found', `Could not find Endpoint Group: ${id}.`)
    expect(await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}`, { token })).toMatchObject({ status: 404, body: gone })
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}`, { method: 'HEAD', token })).status).toBe(404)
    expect(await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups/${id}`, { method: 'DELETE', token })).toMatchObject({ status: 404, body: gone })
    expect(await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { method: 'POST', token, body: { endpoint_group: { name: 'x', filters: {} } } }))
      .toMatchObject({ status: 400, body: error(400, 'Bad Request', 'filters field is required and cannot be empty') })
    expect(await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { method: 'POST', token, body: { endpoint_group: { name: 'x', filters: { url: 'http://a' } } } }))
      .toMatchObject({ status: 400, body: error(400, 'Bad Request', `Expecting to find service_id or region_id or interface in endpoint_group.${TAIL}`) })
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { method: 'POST', token, body: { endpoint_group: { filters: { interface: 'admin' } } } })).status).toBe(400)
  })

  it("OS-EP-FILTER: associates endpoints and endpoint groups with a project, and narrows that project's token catalog to them", async () => {
    const projectId = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'filtered-project', domain_id: 'default' } } })).body.project.id
    const serviceId = await newService({ type: 'network', name: 'neutron' })
    const direct = await newEndpoint({ service_id: serviceId, region_id: 'RegionOne' })
    const viaGroup = await newEndpoint({ service_id: serviceId, region_id: 'RegionOne', interface: 'admin' })
    const group = (await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { method: 'POST', token, body: { endpoint_group: { name: 'admins', filters: { service_id: serviceId, interface: 'admin' } } } })).body.endpoint_group
    const ep = `${s.url}/v3/OS-EP-FILTER/projects/${projectId}/endpoints/${direct.id}`
    const eg = `${s.url}/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${projectId}`
    expect(await call(ep, { token })).toMatchObject({ status: 404, body: error(404, 'Not Found', `Endpoint ${direct.id} not found in project ${projectId}`) })
    expect((await call(ep, { method: 'PUT', token })).status).toBe(204)
    expect(await call(ep, { method: 'PUT', token })).toMatchObject({ status: 409, body: error(409, 'Conflict', 'Conflict occurred attempting to store project_endpoint - Duplicate entry.') })
    expect((await call(ep, { token })).status).toBe(204)
    expect((await call(ep, { method: 'HEAD', token })).status).toBe(204)
    expect(await call(`${s.url}/v3/OS-EP-FILTER/projects/nope/endpoints/${direct.id}`, { method: 'PUT', token })).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Could not find project: nope.') })
    expect(await call(`${s.url}/v3/OS-EP-FILTER/projects/${projectId}/endpoints/nope`, { method: 'PUT', token })).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Could not find endpoint: nope.') })
    expect(await call(eg, { token })).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Endpoint Group Project Association not found') })
    expect((await call(eg, { method: 'PUT', token })).status).toBe(204)
    expect(await call(eg, { method: 'PUT', token })).toMatchObject({ status: 409, body: error(409, 'Conflict', 'Conflict occurred attempting to store project_endpoint_group - Duplicate entry.') })
    expect((await call(eg, { token })).body).toEqual({ project_endpoint_group: {
      endpoint_group_id: group.id, project_id: projectId, links: { self: `/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${projectId}` },
    } })
    const endpointIds = async (path: string) => (await call(`${s.url}/v3/OS-EP-FILTER${path}`, { token })).body.endpoints.map((e: { id: string }) => e.id)
    expect(await endpointIds(`/projects/${projectId}/endpoints`)).toEqual([direct.id, viaGroup.id])
    expect(await endpointIds(`/endpoint_groups/${group.id}/endpoints`)).toEqual([viaGroup.id])
    const projectIds = async (path: string) => (await call(`${s.url}/v3/OS-EP-FILTER${path}`, { token })).body.projects.map((p: { id: string }) => p.id)
    expect(await projectIds(`/endpoints/${direct.id}/projects`)).toEqual([projectId])
    expect(await projectIds(`/endpoint_groups/${group.id}/projects`)).toEqual([projectId])
    const groups = await call(`${s.url}/v3/OS-EP-FILTER/projects/${projectId}/endpoint_groups`, { token })
    expect(groups.body.endpoint_groups).toEqual([group])
    // Keystone 22's `sql` catalog driver narrows the project's catalog to its endpoints, and drops services left empty.
    const { catalog } = await projectToken(projectId)
    expect(catalog).toEqual([{
      id: serviceId, type: 'network', name: 'neutron',
      endpoints: [direct, viaGroup].map((e) => ({ id: e.id, interface: e.interface, region: 'RegionOne', region_id: 'RegionOne', url: e.url })),
    }])
    expect((await call(ep, { method: 'DELETE', token })).status).toBe(204)
    expect(await call(ep, { method: 'DELETE', token })).toMatchObject({ status: 404, body: error(404, 'Not Found', `Endpoint ${direct.id} not found in project ${projectId}`) })
    expect((await call(eg, { method: 'DELETE', token })).status).toBe(204)
    expect(await call(eg, { method: 'DELETE', token })).toMatchObject({ status: 404, body: error(404, 'Not Found', 'Endpoint Group Project Association not found') })
    // Without associations the project sees the whole catalog again.
    expect((await projectToken(projectId)).catalog.map((c) => c.type)).toContain('identity')
    // Deleting the project takes its associations along.
    await call(eg, { method: 'PUT', token })
    await call(`${s.url}/v3/projects/${projectId}`, { method: 'PATCH', token, body: { project: { enabled: false } } })
    expect((await call(`${s.url}/v3/projects/${projectId}`, { method: 'DELETE', token })).status).toBe(204)
    expect(await projectIds(`/endpoint_groups/${group.id}/projects`)).toEqual([])
  })
})

describe('catalog writes stay keystone-only (huaweicloud)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'huaweicloud' }) })
  afterAll(() => s.close())

  it('answers POST /v3/services, PATCH/DELETE /v3/endpoints/{id} with 405 and has no OS-EP-FILTER (404)', async () => {
    const token = await s.adminToken()
    expect((await call(`${s.url}/v3/services`, { method: 'POST', token, body: { service: { type: 'x' } } })).status).toBe(405)
    const endpoint = (await call(`${s.url}/v3/endpoints`, { token })).body.endpoints[0].id
    expect((await call(`${s.url}/v3/endpoints/${endpoint}`, { method: 'DELETE', token })).status).toBe(405)
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoint_groups`, { token })).status).toBe(404)
    expect((await call(`${s.url}/v3/endpoints`, { token })).body.endpoints).toHaveLength(50)
  })
})
