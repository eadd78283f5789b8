/**
 * @module The catalog's reads: a project-scoped token's catalog, and the services and endpoints
 * behind it with Keystone's filters. Everything comes from `catalog.ts` over the regions, so
 * these answers and a token's `catalog` always agree. No SQL and no HTTP here.
 */
import type { Flavour } from '../../../flavours.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { ForbiddenError, NotFoundError } from '../../../errors/app-error.js'
import type { ProjectStore } from '../projects/store.js'
import { serviceCatalog, type CatalogEndpoint, type CatalogEntry } from './catalog.js'
import type { EndpointListQuery, ServiceListQuery } from './schemas.js'

export interface CatalogServiceOptions {
  /** The regions every service has endpoints in. */
  regions: Pick<ProjectStore, 'listRegions'>
  flavour: Flavour
}

export class CatalogService {
  constructor(private readonly deps: CatalogServiceOptions) {}

  private async entries(): Promise<CatalogEntry[]> {
    return serviceCatalog(this.deps.flavour, await this.deps.regions.listRegions())
  }

  /**
   * Keystone's `admin_required`: an `admin` role in the token (or on the system). The clouds let
   * any token read services and endpoints, which their policy entries already say.
   */
  private mayRead(ctx: AuthContext, action: string): void {
    if (!this.deps.flavour.iam.catalogReadsNeedAdmin || ctx.systemAdmin) return
    if (!ctx.roles.some((r) => this.deps.flavour.adminRoleNames.includes(r.name))) throw new ForbiddenError(action)
  }

  /**
   * GET /v3/auth/catalog: only a project-scoped caller has a catalog to show (Keystone, HWC, OTC):
   * a project-scoped token, or a request signed for a project (the SDK's BasicCredentials).
   */
  async catalog(ctx: AuthContext): Promise<CatalogEntry[]> {
    if (ctx.scope.type !== 'project' && ctx.signedProjectId === undefined) throw new ForbiddenError()
    return this.entries()
  }

  async listServices(ctx: AuthContext, query: ServiceListQuery): Promise<CatalogEntry[]> {
    this.mayRead(ctx, 'identity:list_services')
    return (await this.entries()).filter((s) => (query.type === undefined || s.type === query.type) && (query.name === undefined || s.name === query.name))
  }

  async getService(ctx: AuthContext, serviceId: string): Promise<CatalogEntry> {
    this.mayRead(ctx, 'identity:get_service')
    const service = (await this.entries()).find((s) => s.id === serviceId)
    if (!service) throw new NotFoundError('service', serviceId)
    return service
  }

  /** `interface`, `service_id` and `region_id` filter (Keystone's three); other parameters are ignored. */
  async listEndpoints(ctx: AuthContext, query: EndpointListQuery): Promise<CatalogEndpoint[]> {
    this.mayRead(ctx, 'identity:list_endpoints')
    return (await this.entries()).flatMap((s) => s.endpoints).filter((e) =>
      (query.interface === undefined || e.interface === query.interface)
      && (query.service_id === undefined || e.serviceId === query.service_id)
      && (query.region_id === undefined || e.regionId === query.region_id))
  }

  async getEndpoint(ctx: AuthContext, endpointId: string): Promise<CatalogEndpoint> {
    this.mayRead(ctx, 'identity:get_endpoint')
    const endpoint = (await this.entries()).flatMap((s) => s.endpoints).find((e) => e.id === endpointId)
    if (!endpoint) throw new NotFoundError('endpoint', endpointId)
    return endpoint
  }
}
