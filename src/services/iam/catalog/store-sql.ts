/**
 * @module `CatalogStore` over Kysely, for every SQL dialect `db/` opens. Cascades in migration
 * 0014 take a service's endpoints and every association along with what they name.
 */
import type { Transaction } from 'kysely'
import type { CatalogEndpointRow, CatalogServiceRow, Database, EndpointGroupRow } from '../../../db/schema.js'
import { ConflictError, type AppError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { CatalogSeed } from './catalog.js'
import type { CatalogStore, EndpointChanges, EndpointFilter, EndpointGroupChanges, ServiceChanges, ServiceFilter } from './store.js'

/** The one row of `catalog_seed`. */
const SEEDED = 'seeded'

export class SqlCatalogStore extends IamSqlStore<CatalogStore> implements CatalogStore {
  protected bound(trx: Transaction<Database>): SqlCatalogStore {
    return new SqlCatalogStore({ db: this.db, x: trx })
  }

  seedCatalog(seed: CatalogSeed) {
    return this.transaction(async (tx) => (tx as SqlCatalogStore).writeSeed(seed))
  }

  private async writeSeed(seed: CatalogSeed): Promise<boolean> {
    // The marker row is claimed first: of instances starting together, one seeds.
    const claimed = await this.x.insertInto('catalog_seed').values({ id: SEEDED }).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst()
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return false
    for (const row of seed.services) await this.x.insertInto('catalog_services').values(row).onConflict((oc) => oc.column('id').doNothing()).execute()
    for (const row of seed.endpoints) await this.x.insertInto('catalog_endpoints').values(row).onConflict((oc) => oc.column('id').doNothing()).execute()
    return true
  }

  // ---- services
  listServices(filter: ServiceFilter = {}) {
    let q = this.x.selectFrom('catalog_services').selectAll()
    if (filter.type !== undefined) q = q.where('type', '=', filter.type)
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    return q.orderBy('created_at').orderBy('id').execute()
  }

  findService(id: string) {
    return this.locked(this.x.selectFrom('catalog_services').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  async createService(row: CatalogServiceRow) {
    await this.write((x) => x.insertInto('catalog_services').values(row).execute())
    return row
  }

  updateService(id: string, changes: ServiceChanges) {
    if (Object.keys(changes).length === 0) return this.findService(id)
    return this.write((x) => x.updateTable('catalog_services').set(changes).where('id', '=', id).returningAll().executeTakeFirst())
  }

  async deleteService(id: string) {
    const result = await this.write((x) => x.deleteFrom('catalog_services').where('id', '=', id).executeTakeFirst())
    return result.numDeletedRows > 0n
  }

  // ---- endpoints
  listEndpoints(filter: EndpointFilter = {}) {
    let q = this.x.selectFrom('catalog_endpoints').selectAll()
    if (filter.interface !== undefined) q = q.where('interface', '=', filter.interface)
    if (filter.serviceId !== undefined) q = q.where('service_id', '=', filter.serviceId)
    if (filter.regionId !== undefined) q = q.where('region_id', '=', filter.regionId)
    return q.orderBy('created_at').orderBy('id').execute()
  }

  findEndpoint(id: string) {
    return this.locked(this.x.selectFrom('catalog_endpoints').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  createEndpoint(row: CatalogEndpointRow, onMissing: () => AppError) {
    return this.constrained(async () => {
      await this.write((x) => x.insertInto('catalog_endpoints').values(row).execute())
      return row
    }, { missing: onMissing })
  }

  updateEndpoint(id: string, changes: EndpointChanges, onMissing: () => AppError) {
    if (Object.keys(changes).length === 0) return this.findEndpoint(id)
    return this.constrained(
      () => this.write((x) => x.updateTable('catalog_endpoints').set(changes).where('id', '=', id).returningAll().executeTakeFirst()),
      { missing: onMissing },
    )
  }

  async deleteEndpoint(id: string) {
    const result = await this.write((x) => x.deleteFrom('catalog_endpoints').where('id', '=', id).executeTakeFirst())
    return result.numDeletedRows > 0n
  }

  // ---- endpoint groups
  listEndpointGroups(filter: { name?: string } = {}) {
    let q = this.x.selectFrom('endpoint_groups').selectAll()
    if (filter.name !== undefined) q = q.where('name', '=', filter.name)
    return q.orderBy('created_at').orderBy('id').execute()
  }

  findEndpointGroup(id: string) {
    return this.locked(this.x.selectFrom('endpoint_groups').selectAll().where('id', '=', id)).executeTakeFirst()
  }

  async createEndpointGroup(row: EndpointGroupRow) {
    await this.write((x) => x.insertInto('endpoint_groups').values(row).execute())
    return row
  }

  updateEndpointGroup(id: string, changes: EndpointGroupChanges) {
    if (Object.keys(changes).length === 0) return this.findEndpointGroup(id)
    return this.write((x) => x.updateTable('endpoint_groups').set(changes).where('id', '=', id).returningAll().executeTakeFirst())
  }

  async deleteEndpointGroup(id: string) {
    const result = await this.write((x) => x.deleteFrom('endpoint_groups').where('id', '=', id).executeTakeFirst())
    return result.numDeletedRows > 0n
  }

  // ---- project ↔ endpoint
  addProjectEndpoint(endpointId: string, projectId: string, onMissing: () => AppError) {
    return this.constrained(
      async () => { await this.write((x) => x.insertInto('project_endpoints').values({ endpoint_id: endpointId, project_id: projectId }).execute()) },
      { unique: () => new ConflictError('project_endpoint', 'Duplicate entry'), missing: onMissing },
    )
  }

  async hasProjectEndpoint(endpointId: string, projectId: string) {
    return (await this.x.selectFrom('project_endpoints').select('project_id').where('endpoint_id', '=', endpointId).where('project_id', '=', projectId).executeTakeFirst()) !== undefined
  }

  async removeProjectEndpoint(endpointId: string, projectId: string) {
    const result = await this.write((x) => x.deleteFrom('project_endpoints').where('endpoint_id', '=', endpointId).where('project_id', '=', projectId).executeTakeFirst())
    return result.numDeletedRows > 0n
  }

  async listProjectIdsForEndpoint(endpointId: string) {
    return (await this.x.selectFrom('project_endpoints').select('project_id').where('endpoint_id', '=', endpointId).orderBy('project_id').execute()).map((r) => r.project_id)
  }

  async listEndpointIdsForProject(projectId: string) {
    return (await this.x.selectFrom('project_endpoints').select('endpoint_id').where('project_id', '=', projectId).orderBy('endpoint_id').execute()).map((r) => r.endpoint_id)
  }

  // ---- project ↔ endpoint group
  addProjectEndpointGroup(groupId: string, projectId: string, onMissing: () => AppError) {
    return this.constrained(
      async () => { await this.write((x) => x.insertInto('project_endpoint_groups').values({ endpoint_group_id: groupId, project_id: projectId }).execute()) },
      { unique: () => new ConflictError('project_endpoint_group', 'Duplicate entry'), missing: onMissing },
    )
  }

  async hasProjectEndpointGroup(groupId: string, projectId: string) {
    return (await this.x.selectFrom('project_endpoint_groups').select('project_id').where('endpoint_group_id', '=', groupId).where('project_id', '=', projectId).executeTakeFirst()) !== undefined
  }

  async removeProjectEndpointGroup(groupId: string, projectId: string) {
    const result = await this.write((x) => x.deleteFrom('project_endpoint_groups').where('endpoint_group_id', '=', groupId).where('project_id', '=', projectId).executeTakeFirst())
    return result.numDeletedRows > 0n
  }

  async listProjectIdsForEndpointGroup(groupId: string) {
    return (await this.x.selectFrom('project_endpoint_groups').select('project_id').where('endpoint_group_id', '=', groupId).orderBy('project_id').execute()).map((r) => r.project_id)
  }

  listEndpointGroupsForProject(projectId: string) {
    return this.x.selectFrom('endpoint_groups').selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('project_endpoint_groups').select('endpoint_group_id').where('project_id', '=', projectId))
      .orderBy('created_at').orderBy('id').execute()
  }
}
