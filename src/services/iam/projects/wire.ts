/**
 * @module Keystone envelopes of regions, domains and projects. Field names and order follow the
 * seeds' examples; what differs between the clouds comes from the `Flavour`.
 */
import type { Readable } from 'node:stream'
import { jsonListStream } from '../../../http/json-stream.js'
import type { Flavour } from '../../../flavours.js'
import type { DomainRow, ProjectRow, RegionRow } from '../../../db/schema.js'
import { collectionLinks, type PagePosition } from '../iam-wire.js'
import type { ProjectEntry, ProjectPage, ProjectView } from './service.js'

export interface ProjectShape {
  /** The PATCH answer: some clouds add the `extra` attributes. */
  patchResponse?: boolean
  /** The `/v3-ext` answer: status and suspension time. */
  withStatus?: boolean
}

export class ProjectWire {
  private readonly flavour: Flavour

  constructor({ flavour }: { flavour: Flavour }) {
    this.flavour = flavour
  }

  // ---- projects
  project(base: string, row: ProjectEntry, shape?: ProjectShape): { project: Record<string, unknown> } {
    return { project: this.projectEntity(base, row, shape) }
  }

  /** Keystone's `parents`/`subtree`: lists of wrapped projects, or nested ids. */
  projectView(base: string, view: ProjectView): { project: Record<string, unknown> } {
    const out = this.projectEntity(base, view.project)
    const render = (v: ProjectView['parents']) => (Array.isArray(v) ? v.map((p: ProjectRow) => this.project(base, p)) : v)
    if (view.parents !== undefined) out.parents = render(view.parents)
    if (view.subtree !== undefined) out.subtree = render(view.subtree)
    return { project: out }
  }

  projectList(base: string, selfUrl: string, page: ProjectPage): unknown {
    return {
      links: collectionLinks(selfUrl, page.paging),
      projects: page.projects.map((p) => this.projectEntity(base, p)),
    }
  }

  /**
   * The same answer as `projectList`, byte for byte, written as the batches arrive: the links
   * first (they do not depend on the rows), then each project, in small chunks (http/json-stream.ts).
   * A failure after the first byte can only cut the answer short; the client sees a truncated
   * body, never a wrong one.
   */
  projectListStream(base: string, selfUrl: string, batches: AsyncIterable<readonly ProjectEntry[]> | Iterable<readonly ProjectEntry[]>, paging?: PagePosition): Readable {
    return jsonListStream(`{"links":${JSON.stringify(collectionLinks(selfUrl, paging))},"projects":[`, batches,
      (entry) => JSON.stringify(this.projectEntity(base, entry)), ']}')
  }

  private projectEntity(base: string, entry: ProjectEntry, shape: ProjectShape = {}): Record<string, unknown> {
    if ('actingDomain' in entry) return this.actingDomainEntity(base, entry.actingDomain)
    const row = entry
    const out: Record<string, unknown> = {
      is_domain: false,
      description: row.description,
      links: { self: `${base}/v3/projects/${row.id}` },
    }
    if (shape.patchResponse && this.flavour.iam.projectPatchResponseHasExtra) out.extra = JSON.parse(row.extra)
    out.enabled = row.enabled === 1
    out.id = row.id
    out.parent_id = row.parent_id
    out.domain_id = row.domain_id
    out.name = row.name
    if (this.flavour.iam.keystoneProjectAttributes) {
      out.tags = JSON.parse(row.tags)
      out.options = JSON.parse(row.options)
      Object.assign(out, JSON.parse(row.extra))
    }
    if (shape.withStatus) {
      out.status = row.status
      if (row.suspended_at) out.suspended_time = row.suspended_at
    }
    return out
  }

  /** A domain as Keystone's projects API shows it: no domain, no parent. */
  private actingDomainEntity(base: string, row: DomainRow): Record<string, unknown> {
    return {
      is_domain: true, description: row.description, links: { self: `${base}/v3/projects/${row.id}` }, enabled: row.enabled === 1,
      id: row.id, parent_id: null, domain_id: null, name: row.name, tags: [], options: {},
    }
  }

  /** Keystone's tag list: `links.self` is the URL asked (`ks_flask.full_url()`), then the tags. */
  projectTags(selfUrl: string, tags: readonly string[]): unknown {
    return { links: { self: selfUrl }, tags }
  }

  /** Keystone's `GET /v3/auth/system`: `[{"all": true}]` for a holder of a system role, else `[]`. */
  authSystem(base: string, reachable: boolean): unknown {
    return { system: reachable ? [{ all: true }] : [], links: { self: `${base}/v3/auth/system` } }
  }

  // ---- regions
  region(base: string, row: RegionRow): unknown {
    return { region: this.regionEntity(base, row) }
  }

  regionList(base: string, selfUrl: string, rows: readonly RegionRow[]): unknown {
    return { links: collectionLinks(selfUrl), regions: rows.map((r) => this.regionEntity(base, r)) }
  }

  private regionEntity(base: string, row: RegionRow): Record<string, unknown> {
    if (this.flavour.iam.keystoneTokenAndRegionShape) {
      return {
        ...JSON.parse(row.extra) as Record<string, unknown>,
        id: row.id, description: row.description, parent_region_id: row.parent_region_id, links: { self: `${base}/v3/regions/${row.id}` },
      }
    }
    return {
      id: row.id, type: row.type, description: row.description, parent_region_id: row.parent_region_id,
      locales: JSON.parse(row.locales), links: { self: `${base}/v3/regions/${row.id}` },
    }
  }

  // ---- domains
  domain(base: string, row: DomainRow): unknown {
    return { domain: this.domainEntity(base, row) }
  }

  domainList(base: string, selfUrl: string, rows: readonly DomainRow[]): unknown {
    return { links: collectionLinks(selfUrl), domains: rows.map((d) => this.domainEntity(base, d)) }
  }

  private domainEntity(base: string, row: DomainRow): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: row.id, name: row.name, description: row.description, enabled: row.enabled === 1, links: { self: `${base}/v3/domains/${row.id}` },
    }
    if (this.flavour.iam.keystoneProjectAttributes) { out.tags = []; out.options = {} }
    return out
  }
}
