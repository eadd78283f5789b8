/**
 * @module Envelopes of the catalog: the `catalog` list a token and `GET /v3/auth/catalog` share,
 * Keystone's service, endpoint and endpoint group entities (extra attributes included; the
 * clouds' entity links also carry `previous` and `next`, as null), and OS-EP-FILTER's lists.
 */
import type { Flavour } from '../../../flavours.js'
import type { CatalogEndpointRow, CatalogServiceRow, EndpointGroupRow, ProjectRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'
import { publicUrl, type CatalogEntry } from './catalog.js'

/** The token's `catalog`: services with their endpoints, field order as in the seeds' examples. */
export function catalogEntries(base: string, entries: readonly CatalogEntry[]): unknown[] {
  return entries.map((s) => ({
    endpoints: s.endpoints.map((e) => ({ id: e.id, interface: e.interface, region: e.regionId, region_id: e.regionId, url: publicUrl(base, e.url) })),
    id: s.id,
    type: s.type,
    name: s.name,
  }))
}

export interface CatalogWireOptions {
  flavour: Flavour
  /** A project as `/v3/projects/{id}` shows it (the projects capability's wire). */
  projectEntity(base: string, row: ProjectRow): Record<string, unknown>
}

export class CatalogWire {
  constructor(private readonly options: CatalogWireOptions) {}

  catalog(base: string, entries: readonly CatalogEntry[]): unknown {
    return { catalog: catalogEntries(base, entries), links: { self: `${base}/v3/auth/catalog` } }
  }

  serviceList(base: string, selfUrl: string, rows: readonly CatalogServiceRow[]): unknown {
    return { links: collectionLinks(selfUrl), services: rows.map((s) => this.serviceEntity(base, s)) }
  }

  service(base: string, row: CatalogServiceRow): unknown {
    return { service: this.serviceEntity(base, row) }
  }

  endpointList(base: string, selfUrl: string, rows: readonly CatalogEndpointRow[]): unknown {
    return { links: collectionLinks(selfUrl), endpoints: rows.map((e) => this.endpointEntity(base, e)) }
  }

  endpoint(base: string, row: CatalogEndpointRow): unknown {
    return { endpoint: this.endpointEntity(base, row) }
  }

  endpointGroup(base: string, row: EndpointGroupRow): unknown {
    return { endpoint_group: this.endpointGroupEntity(base, row) }
  }

  endpointGroupList(base: string, selfUrl: string, rows: readonly EndpointGroupRow[]): unknown {
    return { links: collectionLinks(selfUrl), endpoint_groups: rows.map((g) => this.endpointGroupEntity(base, g)) }
  }

  projectList(base: string, selfUrl: string, rows: readonly ProjectRow[]): unknown {
    return { links: collectionLinks(selfUrl), projects: rows.map((p) => this.options.projectEntity(base, p)) }
  }

  /** Keystone links the association by path alone, without the base URL (its own quirk). */
  projectEndpointGroup(ref: { endpoint_group_id: string; project_id: string }): unknown {
    return {
      project_endpoint_group: {
        ...ref, links: { self: `/OS-EP-FILTER/endpoint_groups/${ref.endpoint_group_id}/projects/${ref.project_id}` },
      },
    }
  }

  private serviceEntity(base: string, s: CatalogServiceRow): Record<string, unknown> {
    return { ...JSON.parse(s.extra) as Record<string, unknown>, id: s.id, name: s.name, type: s.type, enabled: s.enabled === 1, links: this.links(`${base}/v3/services/${s.id}`) }
  }

  private endpointEntity(base: string, e: CatalogEndpointRow): Record<string, unknown> {
    return {
      ...JSON.parse(e.extra) as Record<string, unknown>,
      id: e.id, interface: e.interface, region: e.region_id, region_id: e.region_id, service_id: e.service_id,
      url: publicUrl(base, e.url), enabled: e.enabled === 1, links: this.links(`${base}/v3/endpoints/${e.id}`),
    }
  }

  private endpointGroupEntity(base: string, g: EndpointGroupRow): Record<string, unknown> {
    return {
      id: g.id, name: g.name, description: g.description, filters: JSON.parse(g.filters) as unknown,
      links: { self: `${base}/v3/OS-EP-FILTER/endpoint_groups/${g.id}` },
    }
  }

  private links(self: string): Record<string, string | null> {
    return this.options.flavour.iam.keystoneTokenAndRegionShape ? { self } : { self, previous: null, next: null }
  }
}
