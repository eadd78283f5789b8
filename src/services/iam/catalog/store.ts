/**
 * @module What the catalog needs from storage: services, endpoints, endpoint groups and the
 * projects endpoints and groups are associated with (OS-EP-FILTER). `find*` returns undefined
 * when nothing matches; a write that matches no row says so in its result. Refusals are thrown,
 * as each method says.
 */
import type { CatalogEndpointRow, CatalogServiceRow, EndpointGroupRow } from '../../../db/schema.js'
import type { CatalogSeed } from './catalog.js'
import type { AppError } from '../../../errors/app-error.js'
import type { TracedStore } from '../traced-store.js'

export interface ServiceFilter { type?: string; name?: string }
export interface EndpointFilter { interface?: string; serviceId?: string; regionId?: string }

export type ServiceChanges = Partial<Pick<CatalogServiceRow, 'type' | 'name' | 'enabled' | 'extra'>>
export type EndpointChanges = Partial<Pick<CatalogEndpointRow, 'service_id' | 'interface' | 'region_id' | 'url' | 'enabled' | 'extra'>>
export type EndpointGroupChanges = Partial<Pick<EndpointGroupRow, 'name' | 'description' | 'filters'>>

export interface CatalogStore extends TracedStore<CatalogStore> {
  /**
   * Writes the seed unless this store was seeded before (by any instance, at any start); false
   * when it was. Endpoints name regions that exist.
   */
  seedCatalog(seed: CatalogSeed): Promise<boolean>

  // services, in catalog order
  listServices(filter?: ServiceFilter): Promise<CatalogServiceRow[]>
  findService(id: string): Promise<CatalogServiceRow | undefined>
  createService(row: CatalogServiceRow): Promise<CatalogServiceRow>
  /** Undefined when no such service. */
  updateService(id: string, changes: ServiceChanges): Promise<CatalogServiceRow | undefined>
  /** With its endpoints (and their associations); false when no such service. */
  deleteService(id: string): Promise<boolean>

  // endpoints, in catalog order
  listEndpoints(filter?: EndpointFilter): Promise<CatalogEndpointRow[]>
  findEndpoint(id: string): Promise<CatalogEndpointRow | undefined>
  /** Throws `onMissing()`'s error when the service or region was deleted since it was checked. */
  createEndpoint(row: CatalogEndpointRow, onMissing: () => AppError): Promise<CatalogEndpointRow>
  /** Undefined when no such endpoint. Throws `onMissing()`'s error as createEndpoint does. */
  updateEndpoint(id: string, changes: EndpointChanges, onMissing: () => AppError): Promise<CatalogEndpointRow | undefined>
  /** With its project associations; false when no such endpoint. */
  deleteEndpoint(id: string): Promise<boolean>

  // endpoint groups
  listEndpointGroups(filter?: { name?: string }): Promise<EndpointGroupRow[]>
  findEndpointGroup(id: string): Promise<EndpointGroupRow | undefined>
  createEndpointGroup(row: EndpointGroupRow): Promise<EndpointGroupRow>
  updateEndpointGroup(id: string, changes: EndpointGroupChanges): Promise<EndpointGroupRow | undefined>
  /** With its project associations; false when no such group. */
  deleteEndpointGroup(id: string): Promise<boolean>

  // project ↔ endpoint
  /** Throws ConflictError when already associated, `onMissing()`'s error when the endpoint or project is gone. */
  addProjectEndpoint(endpointId: string, projectId: string, onMissing: () => AppError): Promise<void>
  hasProjectEndpoint(endpointId: string, projectId: string): Promise<boolean>
  removeProjectEndpoint(endpointId: string, projectId: string): Promise<boolean>
  listProjectIdsForEndpoint(endpointId: string): Promise<string[]>
  listEndpointIdsForProject(projectId: string): Promise<string[]>

  // project ↔ endpoint group
  /** Throws ConflictError when already associated, `onMissing()`'s error when the group or project is gone. */
  addProjectEndpointGroup(groupId: string, projectId: string, onMissing: () => AppError): Promise<void>
  hasProjectEndpointGroup(groupId: string, projectId: string): Promise<boolean>
  removeProjectEndpointGroup(groupId: string, projectId: string): Promise<boolean>
  listProjectIdsForEndpointGroup(groupId: string): Promise<string[]>
  listEndpointGroupsForProject(projectId: string): Promise<EndpointGroupRow[]>
}
