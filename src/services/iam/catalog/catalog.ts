/**
 * @module The service catalog as data: the one source of what a token's `catalog`,
 * `GET /v3/auth/catalog`, `/v3/services` and `/v3/endpoints` list, so they cannot drift apart.
 * Nothing is stored: the services are the flavour's (identity, and EPS and COC where the cloud
 * has them), with one endpoint per region and interface, and every id is a hash of fixed names,
 * so it is the same on every instance and after every restart. URLs are the request's base URL
 * plus the service's path, added by the wire.
 */
import { createHash } from 'node:crypto'
import type { Flavour } from '../../../flavours.js'
import type { RegionRow } from '../../../db/schema.js'

export type EndpointInterface = 'public' | 'internal' | 'admin'

export interface CatalogEndpoint {
  readonly id: string
  readonly interface: EndpointInterface
  readonly regionId: string
  readonly serviceId: string
  /** Appended to the public base URL. */
  readonly path: string
}

export interface CatalogEntry {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly endpoints: readonly CatalogEndpoint[]
}

/** Catalog ids derive from fixed names only, so each is hashed once per process. */
const stableIds = new Map<string, string>()
function stableId(...parts: string[]): string {
  const key = parts.join('/')
  let id = stableIds.get(key)
  if (id === undefined) stableIds.set(key, (id = createHash('sha256').update(key).digest('hex').slice(0, 32)))
  return id
}

interface ServiceTemplate { type: string; name: string; path: string; interfaces: readonly EndpointInterface[] }

function templates(flavour: Flavour): ServiceTemplate[] {
  const services: ServiceTemplate[] = [
    // keystoneauth finds the identity API by type `identity` on every flavour.
    { type: 'identity', name: flavour.iam.keystoneTokenAndRegionShape ? 'keystone' : 'iam', path: '/v3', interfaces: ['public', 'internal', 'admin'] },
  ]
  if (flavour.eps) services.push({ type: 'eps', name: 'eps', path: '', interfaces: ['public'] })
  if (flavour.coc) services.push({ type: 'coc', name: 'coc', path: '', interfaces: ['public'] })
  return services
}

/**
 * One endpoint per region and interface, so that keystoneauth finds a service whatever
 * `--os-region-name` names (it matches `region_id`/`region`; a wildcard '*' would match nothing).
 * Only the regions that have endpoints: those the server started with. A region created through
 * `POST /v3/regions` (keystone flavour) has none, as a new region has none in Keystone.
 */
export function serviceCatalog(flavour: Flavour, allRegions: readonly RegionRow[]): CatalogEntry[] {
  const regions = allRegions.filter((r) => r.has_endpoints === 1)
  return templates(flavour).map((s) => {
    const serviceId = stableId(s.type)
    return {
      id: serviceId, type: s.type, name: s.name,
      endpoints: regions.flatMap((r) => s.interfaces.map((iface) => ({
        id: stableId(s.type, r.id, iface), interface: iface, regionId: r.id, serviceId, path: s.path,
      }))),
    }
  })
}
