/**
 * @module The catalog's rules: a token's catalog (only enabled services and endpoints, URLs
 * substituted, narrowed to a project's OS-EP-FILTER associations when it has any), the services
 * and endpoints behind it with Keystone's filters, and Keystone's service and endpoint writes
 * (keystone flavour). No SQL and no HTTP here.
 */
import type { Flavour } from '../../../flavours.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { CatalogEndpointRow, CatalogServiceRow, RegionRow } from '../../../db/schema.js'
import { ForbiddenError, MissingAttributeError, NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { newHexId } from '../../../shared/ids.js'
import type { ProjectStore } from '../projects/store.js'
import { catalogSeed, substitutedUrl, substitutionsAllowed, type CatalogEndpoint, type CatalogEntry } from './catalog.js'
import { endpointsForProject } from './endpoint-filter.js'
import type { CatalogStore, EndpointChanges, ServiceChanges } from './store.js'
import type { EndpointCreateBody, EndpointListQuery, EndpointUpdateBody, ServiceCreateBody, ServiceListQuery, ServiceUpdateBody } from './schemas.js'

/** The catalog store and the regions, in one transaction: an endpoint's legacy `region` may create its region. */
export interface CatalogTransaction {
  catalog: CatalogStore
  projects: Pick<ProjectStore, 'findRegion' | 'upsertRegion' | 'recordChange'>
}

export interface CatalogServiceOptions {
  store: CatalogStore
  transaction<T>(work: (tx: CatalogTransaction) => Promise<T>): Promise<T>
  /** The projects OS-EP-FILTER associations name. */
  projects: Pick<ProjectStore, 'findProject'>
  flavour: Flavour
  clock: Clock
}

/** The attributes Keystone keeps in a service's columns; every other key is an extra attribute. */
const SERVICE_COLUMNS = new Set(['id', 'type', 'name', 'enabled'])
/** `region` is Keystone's legacy name of `region_id`, never kept. */
const ENDPOINT_COLUMNS = new Set(['id', 'interface', 'region_id', 'region', 'service_id', 'url', 'enabled', 'legacy_endpoint_id'])

function extrasOf(input: Record<string, unknown>, columns: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !columns.has(k)))
}

const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id

/**
 * A first start's services and endpoints (after the bootstrap or a state import made the
 * regions), in the regions the server started with. Once per store: what an operator deletes
 * stays deleted across restarts; a store made before the catalog was stored is seeded at its
 * first start since. False when the store was seeded before.
 */
export async function seedCatalog(stores: { catalog: Pick<CatalogStore, 'seedCatalog'>; projects: Pick<ProjectStore, 'listRegions'> }, flavour: Flavour, nowMs: number): Promise<boolean> {
  const regionIds = (await stores.projects.listRegions()).filter((r) => r.has_endpoints === 1).map((r) => r.id)
  return stores.catalog.seedCatalog(catalogSeed(flavour, regionIds, nowMs))
}
const namedEndpoint = (row: CatalogEndpointRow) => ({ ...row, name: row.id })

export class CatalogService {
  constructor(private readonly deps: CatalogServiceOptions) {}

  /**
   * Keystone's `admin_required`: an `admin` role in the token (or on the system). The clouds let
   * any token read services and endpoints, which their policy entries already say.
   */
  private mayRead(ctx: AuthContext, action: string): void {
    if (!this.deps.flavour.iam.catalogReadsNeedAdmin || ctx.systemAdmin) return
    if (!ctx.roles.some((r) => this.deps.flavour.adminRoleNames.includes(r.name))) throw new ForbiddenError(action)
  }

  /**
   * A token's catalog (Keystone's `get_v3_catalog` with the `sql` driver): enabled services,
   * their enabled endpoints with `$(project_id)s`-style substitutions. A project associated
   * with endpoints (directly or through endpoint groups) sees only those, and only services
   * that keep one; any other caller sees the whole catalog (`return_all_endpoints_if_no_filter`).
   */
  async catalogFor(ctx: AuthContext): Promise<CatalogEntry[]> {
    const projectId = ctx.scope.type === 'project' ? ctx.scope.project.id : ctx.signedProjectId
    const [services, endpoints] = await Promise.all([this.deps.store.listServices(), this.deps.store.listEndpoints()])
    const allowed = projectId === undefined ? undefined : await endpointsForProject(this.deps.store, projectId, endpoints)
    const filtered = allowed !== undefined && allowed.size > 0
    const entries: CatalogEntry[] = []
    for (const s of services) {
      if (s.enabled !== 1) continue
      const listed: CatalogEndpoint[] = []
      for (const e of endpoints) {
        if (e.service_id !== s.id || e.enabled !== 1 || (filtered && !allowed.has(e.id))) continue
        const url = substitutedUrl(e.url, { user_id: ctx.user.id, project_id: projectId })
        if (url !== undefined) listed.push({ id: e.id, interface: e.interface, regionId: e.region_id, url })
      }
      if (filtered && listed.length === 0) continue
      entries.push({ id: s.id, type: s.type, name: s.name, endpoints: listed })
    }
    return entries
  }

  /**
   * GET /v3/auth/catalog: only a project-scoped caller has a catalog to show (Keystone, HWC, OTC):
   * a project-scoped token, or a request signed for a project (the SDK's BasicCredentials).
   */
  async catalog(ctx: AuthContext): Promise<CatalogEntry[]> {
    if (ctx.scope.type !== 'project' && ctx.signedProjectId === undefined) throw new ForbiddenError()
    return this.catalogFor(ctx)
  }

  // ---- services
  async listServices(ctx: AuthContext, query: ServiceListQuery): Promise<CatalogServiceRow[]> {
    this.mayRead(ctx, 'identity:list_services')
    return this.deps.store.listServices({ type: query.type, name: query.name })
  }

  async getService(ctx: AuthContext, serviceId: string): Promise<CatalogServiceRow> {
    this.mayRead(ctx, 'identity:get_service')
    const service = await this.deps.store.findService(serviceId)
    if (!service) throw new NotFoundError('service', serviceId)
    return service
  }

  /** POST /v3/services: a new id always (Keystone ignores one given), `name` '' and `enabled` true by default. */
  async createService(ctx: AuthContext, body: ServiceCreateBody): Promise<CatalogServiceRow> {
    const input = body.service as Record<string, unknown> & ServiceCreateBody['service']
    const now = isoMicros(this.deps.clock.now())
    return this.deps.store.transaction(async (tx) => {
      const row = await tx.createService({
        id: newHexId(), type: input.type, name: input.name ?? '', enabled: input.enabled === false ? 0 : 1,
        extra: JSON.stringify(extrasOf(input, SERVICE_COLUMNS)), created_at: now,
      })
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'createService', now), creationOf('service', row))
      return row
    })
  }

  /** PATCH /v3/services/{id}: the attributes given replace the stored ones, extras merge. */
  async updateService(ctx: AuthContext, id: string, body: ServiceUpdateBody): Promise<CatalogServiceRow> {
    const input = body.service as Record<string, unknown> & ServiceUpdateBody['service']
    if (input.id != null && input.id !== id) throw new ValidationError('Cannot change ID')
    const now = isoMicros(this.deps.clock.now())
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.findService(id)
      if (!before) throw new NotFoundError('service', id)
      const changes: ServiceChanges = {}
      if (input.type !== undefined) changes.type = input.type
      if (input.name !== undefined) changes.name = input.name
      if (input.enabled !== undefined) changes.enabled = input.enabled ? 1 : 0
      const extras = extrasOf(input, SERVICE_COLUMNS)
      if (Object.keys(extras).length > 0) changes.extra = JSON.stringify({ ...JSON.parse(before.extra), ...extras })
      const after = await tx.updateService(id, changes)
      if (!after) throw new NotFoundError('service', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'updateService', now), updateOf('service', before, after))
      return after
    })
  }

  /** DELETE /v3/services/{id}: with its endpoints, as Keystone deletes them. */
  async deleteService(ctx: AuthContext, id: string): Promise<void> {
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findService(id)
      if (!before || !(await tx.deleteService(id))) throw new NotFoundError('service', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deleteService', now), deletionOf('service', before))
    })
  }

  // ---- endpoints
  /** `interface`, `service_id` and `region_id` filter (Keystone's three); other parameters are ignored. */
  async listEndpoints(ctx: AuthContext, query: EndpointListQuery): Promise<CatalogEndpointRow[]> {
    this.mayRead(ctx, 'identity:list_endpoints')
    return this.deps.store.listEndpoints({ interface: query.interface, serviceId: query.service_id, regionId: query.region_id })
  }

  async getEndpoint(ctx: AuthContext, endpointId: string): Promise<CatalogEndpointRow> {
    this.mayRead(ctx, 'identity:get_endpoint')
    const endpoint = await this.deps.store.findEndpoint(endpointId)
    if (!endpoint) throw new NotFoundError('endpoint', endpointId)
    return endpoint
  }

  /**
   * POST /v3/endpoints. Keystone's order: the URL's substitutions, then the legacy `region`
   * (created when missing, for v2-era clients), then `region_id` and `service_id` must exist
   * (400, Keystone's "Expecting to find endpoint region_id in region table").
   */
  async createEndpoint(ctx: AuthContext, body: EndpointCreateBody): Promise<CatalogEndpointRow> {
    const input = body.endpoint as Record<string, unknown> & EndpointCreateBody['endpoint']
    if (!substitutionsAllowed(input.url)) throw new ValidationError(`Cannot create an endpoint with an invalid URL: ${input.url}.`)
    const now = isoMicros(this.deps.clock.now())
    return this.deps.transaction(async (tx) => {
      const regionId = await this.endpointRegion(ctx, tx, input, now)
      await this.assertEndpointTargets(tx, regionId, input.service_id)
      const row = await tx.catalog.createEndpoint({
        id: newHexId(), service_id: input.service_id, interface: input.interface, region_id: regionId ?? null, url: input.url,
        enabled: input.enabled === false ? 0 : 1, extra: JSON.stringify(extrasOf(input, ENDPOINT_COLUMNS)), created_at: now,
      }, () => new MissingAttributeError('endpoint service_id', 'service table'))
      await tx.catalog.recordChange(iamTrace(ctx, accountOf(ctx), 'createEndpoint', now), creationOf('endpoint', namedEndpoint(row)))
      return row
    })
  }

  /** PATCH /v3/endpoints/{id}: as create, for the attributes given; extras merge. */
  async updateEndpoint(ctx: AuthContext, id: string, body: EndpointUpdateBody): Promise<CatalogEndpointRow> {
    const input = body.endpoint as Record<string, unknown> & EndpointUpdateBody['endpoint']
    if (input.id != null && input.id !== id) throw new ValidationError('Cannot change ID')
    const now = isoMicros(this.deps.clock.now())
    return this.deps.transaction(async (tx) => {
      const regionId = await this.endpointRegion(ctx, tx, input, now)
      await this.assertEndpointTargets(tx, regionId, input.service_id)
      const before = await tx.catalog.findEndpoint(id)
      if (!before) throw new NotFoundError('endpoint', id)
      const changes: EndpointChanges = {}
      if (regionId !== undefined) changes.region_id = regionId
      if (input.service_id !== undefined) changes.service_id = input.service_id
      if (input.interface !== undefined) changes.interface = input.interface
      if (input.url !== undefined) changes.url = input.url
      if (input.enabled !== undefined) changes.enabled = input.enabled ? 1 : 0
      const extras = extrasOf(input, ENDPOINT_COLUMNS)
      if (Object.keys(extras).length > 0) changes.extra = JSON.stringify({ ...JSON.parse(before.extra), ...extras })
      const after = await tx.catalog.updateEndpoint(id, changes, () => new MissingAttributeError('endpoint service_id', 'service table'))
      if (!after) throw new NotFoundError('endpoint', id)
      await tx.catalog.recordChange(iamTrace(ctx, accountOf(ctx), 'updateEndpoint', now), updateOf('endpoint', namedEndpoint(before), namedEndpoint(after)))
      return after
    })
  }

  /** DELETE /v3/endpoints/{id}: with its project associations. */
  async deleteEndpoint(ctx: AuthContext, id: string): Promise<void> {
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findEndpoint(id)
      if (!before || !(await tx.deleteEndpoint(id))) throw new NotFoundError('endpoint', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deleteEndpoint', now), deletionOf('endpoint', namedEndpoint(before)))
    })
  }

  /**
   * The endpoint's region: `region_id` when given; otherwise Keystone's legacy `region`, whose
   * region is created when it does not exist yet (Tempest creates endpoints this way).
   */
  private async endpointRegion(ctx: AuthContext, tx: CatalogTransaction, input: { region_id?: string; region?: string }, now: string): Promise<string | undefined> {
    if (input.region_id !== undefined || input.region === undefined) return input.region_id
    const id = input.region
    if (!(await tx.projects.findRegion(id))) {
      const region: RegionRow = { id, type: 'public', description: '', parent_region_id: null, locales: '{}', extra: '{}', has_endpoints: 0 }
      await tx.projects.upsertRegion(region)
      await tx.projects.recordChange(iamTrace(ctx, accountOf(ctx), 'createRegion', now), creationOf('region', { ...region, name: id }))
    }
    return id
  }

  private async assertEndpointTargets(tx: CatalogTransaction, regionId: string | undefined, serviceId: string | undefined): Promise<void> {
    if (regionId !== undefined && !(await tx.projects.findRegion(regionId))) throw new MissingAttributeError('endpoint region_id', 'region table')
    if (serviceId !== undefined && !(await tx.catalog.findService(serviceId))) throw new MissingAttributeError('endpoint service_id', 'service table')
  }
}
