/**
 * The real `openstack` CLI against the keystone flavour's catalog: `service`, `endpoint`,
 * `endpoint group` (with its project associations) and `catalog` commands, each checked against
 * what the HTTP API then shows. `scripts/ensure-system-packages.sh` installs the CLI.
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { budget, KEYSTONE_ADMIN_SCOPE, openstackCli, type OpenstackCli } from '../helpers/openstack-cli.js'

describe('openstack CLI: services, endpoints, endpoint groups and the catalog (keystone)', () => {
  let s: TestServer
  let token: string
  let cli: OpenstackCli
  let serviceId: string
  let endpointId: string
  let groupId: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    token = await s.adminToken()
    cli = openstackCli(s, KEYSTONE_ADMIN_SCOPE)
  })
  afterAll(async () => {
    await s?.close()
    cli?.cleanup()
  })

  it('service create, list, show, set', { timeout: budget(5) }, async () => {
    const created = await cli.cliJson(['service', 'create', '--name', 'glance', '--description', 'Images', 'image', '-f', 'json'])
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'glance', type: 'image', description: 'Images', enabled: true })
    serviceId = created.id
    const listed = await cli.cliJson(['service', 'list', '-f', 'json'])
    expect(listed.map((x: { Type: string }) => x.Type)).toEqual(['identity', 'image'])
    expect(await cli.cliJson(['service', 'show', 'glance', '-f', 'json'])).toEqual(created)
    await cli.cliOk(['service', 'set', '--description', 'Glance images', 'glance'])
    expect((await cli.cliJson(['service', 'show', serviceId, '-f', 'json'])).description).toBe('Glance images')
    expect((await call(`${s.url}/v3/services/${serviceId}`, { token })).body.service).toMatchObject({ name: 'glance', description: 'Glance images', enabled: true })
  })

  it('endpoint create, list (by service, interface, region), show, set', { timeout: budget(6) }, async () => {
    const created = await cli.cliJson(['endpoint', 'create', '--region', 'RegionOne', serviceId, 'public', 'http://image.example/v2', '-f', 'json'])
    expect(created).toMatchObject({ interface: 'public', region: 'RegionOne', region_id: 'RegionOne', service_id: serviceId, service_name: 'glance', service_type: 'image', url: 'http://image.example/v2', enabled: true })
    endpointId = created.id
    const byService = await cli.cliJson(['endpoint', 'list', '--service', 'image', '-f', 'json'])
    expect(byService).toEqual([{ ID: endpointId, Region: 'RegionOne', 'Service Name': 'glance', 'Service Type': 'image', Enabled: true, Interface: 'public', URL: 'http://image.example/v2' }])
    const admins = await cli.cliJson(['endpoint', 'list', '--interface', 'admin', '--region', 'RegionOne', '-f', 'json'])
    expect(admins.map((e: Record<string, string>) => [e['Service Type'], e.URL])).toEqual([['identity', `${s.url}/v3`]])
    await cli.cliOk(['endpoint', 'set', '--disable', '--url', 'http://image.example/v2.1', endpointId])
    expect(await cli.cliJson(['endpoint', 'show', endpointId, '-f', 'json'])).toMatchObject({ id: endpointId, enabled: false, url: 'http://image.example/v2.1' })
    await cli.cliOk(['endpoint', 'set', '--enable', endpointId])
    expect((await call(`${s.url}/v3/endpoints/${endpointId}`, { token })).body.endpoint).toMatchObject({ enabled: true, url: 'http://image.example/v2.1' })
  })

  it('catalog list and show: the new service is in the next token', { timeout: budget(2) }, async () => {
    const catalog = await cli.cliJson(['catalog', 'list', '-f', 'json'])
    expect(catalog.map((c: { Type: string }) => c.Type)).toEqual(['identity', 'image'])
    const image = await cli.cliJson(['catalog', 'show', 'image', '-f', 'json'])
    expect(image).toEqual({ id: serviceId, name: 'glance', type: 'image', endpoints: [{ id: endpointId, interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: 'http://image.example/v2.1' }] })
  })

  it('endpoint group create, list, show; endpoint and endpoint group associations with a project', { timeout: budget(10) }, async () => {
    const projectId = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cli-filtered', domain_id: 'default' } } })).body.project.id
    const filters = `${cli.env.HOME}/filters.json`
    writeFileSync(filters, JSON.stringify({ service_id: serviceId }))
    const created = await cli.cliJson(['endpoint', 'group', 'create', '--description', 'Images', 'images', filters, '-f', 'json'])
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'images', description: 'Images', filters: { service_id: serviceId } })
    groupId = created.id
    expect(await cli.cliJson(['endpoint', 'group', 'list', '-f', 'json'])).toEqual([{ ID: groupId, Name: 'images', Description: 'Images' }])
    expect(await cli.cliJson(['endpoint', 'group', 'show', 'images', '-f', 'json'])).toEqual(created)
    await cli.cliOk(['endpoint', 'group', 'add', 'project', 'images', 'cli-filtered'])
    expect(await cli.cliJson(['endpoint', 'group', 'list', '--project', 'cli-filtered', '-f', 'json'])).toEqual([{ ID: groupId, Name: 'images', Description: 'Images' }])
    await cli.cliOk(['endpoint', 'add', 'project', endpointId, 'cli-filtered'])
    expect((await cli.cliJson(['endpoint', 'list', '--project', 'cli-filtered', '-f', 'json'])).map((e: { ID: string }) => e.ID)).toEqual([endpointId])
    expect((await call(`${s.url}/v3/OS-EP-FILTER/endpoints/${endpointId}/projects`, { token })).body.projects.map((p: { id: string }) => p.id)).toEqual([projectId])
    await cli.cliOk(['endpoint', 'remove', 'project', endpointId, 'cli-filtered'])
    await cli.cliOk(['endpoint', 'group', 'remove', 'project', 'images', 'cli-filtered'])
    expect((await call(`${s.url}/v3/OS-EP-FILTER/projects/${projectId}/endpoint_groups`, { token })).body.endpoint_groups).toEqual([])
  })

  it('endpoint group delete, endpoint delete, service delete; a missing one fails', { timeout: budget(5) }, async () => {
    await cli.cliOk(['endpoint', 'group', 'delete', groupId])
    await cli.cliOk(['endpoint', 'delete', endpointId])
    await cli.cliOk(['service', 'delete', 'glance'])
    expect((await call(`${s.url}/v3/services/${serviceId}`, { token })).status).toBe(404)
    const missing = await cli.cliFails(['endpoint', 'show', endpointId])
    expect(missing.stderr).toContain(endpointId)
    expect((await cli.cliJson(['service', 'list', '-f', 'json'])).map((x: { Type: string }) => x.Type)).toEqual(['identity'])
  })
})
