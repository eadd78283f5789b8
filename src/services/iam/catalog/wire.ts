/**
 * @module Envelopes of the catalog: the `catalog` list a token and `GET /v3/auth/catalog` share,
 * and Keystone's service and endpoint entities (the clouds' entity links also carry `previous`
 * and `next`, as null).
 */
import type { Flavour } from '../../../flavours.js'
import { collectionLinks } from '../iam-wire.js'
import type { CatalogEndpoint, CatalogEntry } from './catalog.js'

/** The token's `catalog`: services with their endpoints, field order as in the seeds' examples. */
export function catalogEntries(base: string, entries: readonly CatalogEntry[]): unknown[] {
  return entries.map((s) => ({
    endpoints: s.endpoints.map((e) => ({ id: e.id, interface: e.interface, region: e.regionId, region_id: e.regionId, url: base + e.path })),
    id: s.id,
    type: s.type,
    name: s.name,
  }))
}

export class CatalogWire {
  private readonly flavour: Flavour

  constructor({ flavour }: { flavour: Flavour }) {
    this.flavour = flavour
  }

  catalog(base: string, entries: readonly CatalogEntry[]): unknown {
    return { catalog: catalogEntries(base, entries), links: { self: `${base}/v3/auth/catalog` } }
  }

  serviceList(base: string, selfUrl: string, entries: readonly CatalogEntry[]): unknown {
    return { links: collectionLinks(selfUrl), services: entries.map((s) => this.serviceEntity(base, s)) }
  }

  service(base: string, entry: CatalogEntry): unknown {
    return { service: this.serviceEntity(base, entry) }
  }

  endpointList(base: string, selfUrl: string, endpoints: readonly CatalogEndpoint[]): unknown {
    return { links: collectionLinks(selfUrl), endpoints: endpoints.map((e) => this.endpointEntity(base, e)) }
  }

  endpoint(base: string, endpoint: CatalogEndpoint): unknown {
    return { endpoint: this.endpointEntity(base, endpoint) }
  }

  private serviceEntity(base: string, s: CatalogEntry): Record<string, unknown> {
    return { id: s.id, name: s.name, type: s.type, enabled: true, links: this.links(`${base}/v3/services/${s.id}`) }
  }

  private endpointEntity(base: string, e: CatalogEndpoint): Record<string, unknown> {
    return {
      id: e.id, interface: e.interface, region: e.regionId, region_id: e.regionId, service_id: e.serviceId,
      url: base + e.path, enabled: true, links: this.links(`${base}/v3/endpoints/${e.id}`),
    }
  }

  private links(self: string): Record<string, string | null> {
    return this.flavour.iam.keystoneTokenAndRegionShape ? { self } : { self, previous: null, next: null }
  }
}
