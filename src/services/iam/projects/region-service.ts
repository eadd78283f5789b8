/**
 * @module Regions: the reads every flavour has, and Keystone's writes (keystone flavour, issue
 * 16). Keystone's rules: an id given or generated, a parent that exists, no circle, and delete
 * taking the descendants along unless one has endpoints (migration 0013). No SQL and no HTTP here.
 */
import { newHexId } from '../../../shared/ids.js'
import { isoMicros } from '../../../shared/clock.js'
import type { RegionRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { ConflictError, NotFoundError, RegionDeletionError, ValidationError } from '../../../errors/app-error.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import type { Clock } from '../../../shared/clock.js'
import type { ProjectStore, RegionChanges } from './store.js'
import type { RegionCreateBody, RegionListQuery, RegionUpdateBody } from './schemas.js'

/** Region attributes Keystone knows; any other key of a region body is kept as an extra attribute. */
const REGION_KNOWN_KEYS = new Set(['id', 'description', 'parent_region_id'])

function regionExtrasOf(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !REGION_KNOWN_KEYS.has(k)))
}


/** Regions have no name: traces name them by id. */
function named(row: RegionRow): RegionRow & { name: string } {
  return { ...row, name: row.id }
}


export interface RegionServiceOptions {
  projects: ProjectStore
  clock: Clock
}

export class RegionService {
  constructor(private readonly deps: RegionServiceOptions) {}



  async getRegion(id: string): Promise<RegionRow> {
    const region = await this.deps.projects.findRegion(id)
    if (!region) throw new NotFoundError('region', id)
    return region
  }

  /** `GET /v3/regions?parent_region_id=`: Keystone's one filter (any flavour). */
  listRegions(query: RegionListQuery = {}): Promise<RegionRow[]> {
    return this.deps.projects.listRegions({ parentRegionId: query.parent_region_id })
  }

  /**
   * `POST /v3/regions` (id optional) and `PUT /v3/regions/{id}` (Keystone's create with an id).
   * Keystone: a taken id is 409 `Duplicate ID, <id>.`, a missing parent 404 naming the parent,
   * PUT with another id in the body 400. The region has no endpoints (see migration 0013).
   */
  async createRegion(ctx: AuthContext, body: RegionCreateBody, urlId?: string): Promise<RegionRow> {
    const input = body.region
    let id = input.id
    if (urlId !== undefined) {
      if (id === undefined) id = urlId
      else if (id !== urlId) throw new ValidationError(`Conflicting region IDs specified: "${urlId}" != "${id}"`)
    }
    if (!id) id = newHexId()
    const parentId = input.parent_region_id ?? null
    const now = isoMicros(this.deps.clock.now())
    return this.deps.projects.transaction(async (tx) => {
      if (await tx.findRegion(id)) throw new ConflictError('region', `Duplicate ID, ${id}.`)
      if (parentId !== null && !(await tx.findRegion(parentId))) throw new NotFoundError('region', parentId)
      const row = await tx.createRegion({
        id, type: 'public', description: input.description ?? '', parent_region_id: parentId, locales: '{}',
        extra: JSON.stringify(regionExtrasOf(input)), has_endpoints: 0,
      })
      await tx.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'createRegion', now), creationOf('region', named(row)))
      return row
    })
  }

  /** Keystone's order: a missing parent (404), a missing region (404), then a circle (400). */
  async updateRegion(ctx: AuthContext, id: string, body: RegionUpdateBody): Promise<RegionRow> {
    const input = body.region
    if (input.id != null && input.id !== id) throw new ValidationError('Cannot change ID')
    const changes: RegionChanges = {}
    if ('description' in input) changes.description = input.description ?? ''
    if ('parent_region_id' in input) changes.parent_region_id = input.parent_region_id ?? null
    const now = isoMicros(this.deps.clock.now())
    return this.deps.projects.transaction(async (tx) => {
      const parentId = changes.parent_region_id
      if (parentId != null && !(await tx.findRegion(parentId))) throw new NotFoundError('region', parentId)
      const before = await tx.findRegion(id)
      if (!before) throw new NotFoundError('region', id)
      // Walk up from the new parent: meeting the region itself would close a circle.
      for (let up = parentId ?? null, seen = new Set<string>(); up !== null && !seen.has(up);) {
        if (up === id) throw new ValidationError(`The specified parent region ${parentId} would create a circular region hierarchy.`)
        seen.add(up)
        up = (await tx.findRegion(up))?.parent_region_id ?? null
      }
      const extras = regionExtrasOf(input)
      if (Object.keys(extras).length > 0) changes.extra = JSON.stringify({ ...JSON.parse(before.extra), ...extras })
      const after = await tx.updateRegion(id, changes)
      if (!after) throw new NotFoundError('region', id)
      await tx.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'updateRegion', now), updateOf('region', named(before), named(after)))
      return after
    })
  }

  /**
   * Keystone deletes the region with all its descendants, unless one of them has endpoints
   * (403, RegionDeletionError naming this region).
   */
  async deleteRegion(ctx: AuthContext, id: string): Promise<void> {
    const now = isoMicros(this.deps.clock.now())
    await this.deps.projects.transaction(async (tx) => {
      const region = await tx.findRegion(id)
      if (!region) throw new NotFoundError('region', id)
      const all = await tx.listRegions()
      const tree = [region]
      for (let i = 0; i < tree.length; i++) {
        for (const child of all) if (child.parent_region_id === tree[i]!.id && !tree.some((r) => r.id === child.id)) tree.push(child)
      }
      // The catalog's endpoints (migration 0014) hold their regions: deleteRegions refuses.
      await tx.deleteRegions(tree.map((r) => r.id))
      for (const r of tree) await tx.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'deleteRegion', now), deletionOf('region', named(r)))
    })
  }
}
