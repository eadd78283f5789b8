/**
 * CatalogStore contract: the seed is written once per store (instances starting together seed
 * once), a service takes its endpoints along, an endpoint holds its region, associations go with
 * what they name, and a repeated association or one naming a deleted project is refused by the
 * database, not by a read before the write.
 */
import { describe, expect, it } from 'vitest'
import { ConflictError, NotFoundError, RegionDeletionError } from '../../src/errors/app-error.js'
import { catalogSeed } from '../../src/services/iam/catalog/catalog.js'
import { flavourFor } from '../../src/flavours.js'
import type { CatalogEndpointRow } from '../../src/db/schema.js'
import { BACKENDS } from './backends.js'
import { domainRow, projectRow, settleAll, T0, uid, useStore } from './iam-fixtures.js'

describe.each(BACKENDS)('CatalogStore on $name', (backend) => {
  const h = useStore(backend)

  async function region(): Promise<string> {
    const id = uid('region')
    await h.store.projects.upsertRegion({ id, type: 'public', description: '', parent_region_id: null, locales: '{}', extra: '{}', has_endpoints: 1 })
    return id
  }

  const endpointRow = (serviceId: string, regionId: string | null, overrides: Partial<CatalogEndpointRow> = {}): CatalogEndpointRow => ({
    id: uid('ep'), service_id: serviceId, interface: 'public', region_id: regionId, url: 'http://a', enabled: 1, extra: '{}', created_at: T0, ...overrides,
  })

  it('seeds once, whoever races for it, in catalog order', async () => {
    const regionId = await region()
    const seed = catalogSeed(flavourFor('huaweicloud'), [regionId], Date.parse(T0))
    const { values, errors } = await settleAll([h.store.catalog.seedCatalog(seed), h.store.catalog.seedCatalog(seed), h.store.catalog.seedCatalog(seed)])
    expect(errors).toEqual([])
    expect(values.sort()).toEqual([false, false, true])
    expect((await h.store.catalog.listServices()).map((s) => s.type)).toEqual(['identity', 'eps', 'coc'])
    expect((await h.store.catalog.listEndpoints()).map((e) => e.id)).toEqual(seed.endpoints.map((e) => e.id))
    expect(await h.store.catalog.seedCatalog(seed)).toBe(false)
  })

  it('deletes a service with its endpoints and their associations; an endpoint holds its region', async () => {
    const regionId = await region()
    const serviceId = uid('svc')
    await h.store.catalog.createService({ id: serviceId, type: 'compute', name: 'nova', enabled: 1, extra: '{}', created_at: T0 })
    const endpoint = await h.store.catalog.createEndpoint(endpointRow(serviceId, regionId), () => new NotFoundError('service', serviceId))
    const domain = await h.store.projects.createDomain(domainRow())
    const project = await h.store.projects.createProject(projectRow(domain.id))
    await h.store.catalog.addProjectEndpoint(endpoint.id, project.id, () => new NotFoundError('project', project.id))
    await expect(h.store.projects.deleteRegions([regionId])).rejects.toBeInstanceOf(RegionDeletionError)
    expect(await h.store.catalog.deleteService(serviceId)).toBe(true)
    expect(await h.store.catalog.findEndpoint(endpoint.id)).toBeUndefined()
    expect(await h.store.catalog.listEndpointIdsForProject(project.id)).toEqual([])
    expect(await h.store.projects.deleteRegions([regionId])).toBe(1)
  })

  it('refuses an endpoint of a missing service or region with the error it is given', async () => {
    const missing = () => new NotFoundError('service', 'gone')
    await expect(h.store.catalog.createEndpoint(endpointRow('gone', null), missing)).rejects.toBeInstanceOf(NotFoundError)
    const serviceId = uid('svc')
    await h.store.catalog.createService({ id: serviceId, type: 't', name: '', enabled: 1, extra: '{}', created_at: T0 })
    await expect(h.store.catalog.createEndpoint(endpointRow(serviceId, 'no-such-region'), missing)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('settles repeated associations (409) and ones naming a deleted project; deleting the project or group ends them', async () => {
    const serviceId = uid('svc')
    await h.store.catalog.createService({ id: serviceId, type: 't', name: '', enabled: 1, extra: '{}', created_at: T0 })
    const endpoint = await h.store.catalog.createEndpoint(endpointRow(serviceId, null), () => new NotFoundError('service', serviceId))
    const groupId = uid('eg')
    await h.store.catalog.createEndpointGroup({ id: groupId, name: 'g', description: null, filters: '{"interface":"public"}', created_at: T0 })
    const domain = await h.store.projects.createDomain(domainRow())
    const project = await h.store.projects.createProject(projectRow(domain.id))
    const gone = () => new NotFoundError('project', project.id)
    const { values, errors } = await settleAll([1, 2, 3].map(() => h.store.catalog.addProjectEndpointGroup(groupId, project.id, gone)))
    expect(values).toHaveLength(1)
    expect(errors.map((e) => e instanceof ConflictError)).toEqual([true, true])
    await h.store.catalog.addProjectEndpoint(endpoint.id, project.id, gone)
    await expect(h.store.catalog.addProjectEndpoint(endpoint.id, project.id, gone)).rejects.toBeInstanceOf(ConflictError)
    await expect(h.store.catalog.addProjectEndpoint(endpoint.id, 'no-such-project', gone)).rejects.toBeInstanceOf(NotFoundError)
    expect((await h.store.catalog.listEndpointGroupsForProject(project.id)).map((g) => g.id)).toEqual([groupId])
    expect(await h.store.projects.deleteProject(domain.id, project.id)).toBe(true)
    expect(await h.store.catalog.listProjectIdsForEndpointGroup(groupId)).toEqual([])
    expect(await h.store.catalog.listProjectIdsForEndpoint(endpoint.id)).toEqual([])
  })
})
