/**
 * @module OS-EP-FILTER (keystone flavour): endpoint groups (an endpoint's `service_id`,
 * `region_id` and `interface` to match) and the projects endpoints and groups are associated
 * with. Keystone 22's default catalog driver (`sql`) narrows a project's token catalog to these
 * associations when it has any (`catalogFor` in service.ts). No SQL and no HTTP here.
 */
import type { AuthContext } from '../../../auth/auth-context.js'
import type { CatalogEndpointRow, EndpointGroupRow, ProjectRow } from '../../../db/schema.js'
import { MissingAttributeError, NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { newHexId } from '../../../shared/ids.js'
import type { ProjectStore } from '../projects/store.js'
import type { CatalogStore, EndpointGroupChanges } from './store.js'
import type { EndpointGroupCreateBody, EndpointGroupListQuery, EndpointGroupUpdateBody } from './schemas.js'

/** The endpoint attributes a group may filter on (Keystone's `_require_valid_filter`). */
const FILTER_KEYS = ['service_id', 'region_id', 'interface'] as const

/** An endpoint as a group's filters see it: Keystone compares the endpoint's dict, key by key. */
function filterView(e: CatalogEndpointRow): Record<string, unknown> {
  return { ...JSON.parse(e.extra) as Record<string, unknown>, id: e.id, service_id: e.service_id, region_id: e.region_id, interface: e.interface, url: e.url, enabled: e.enabled === 1 }
}

export function endpointsInGroup(group: EndpointGroupRow, endpoints: readonly CatalogEndpointRow[]): CatalogEndpointRow[] {
  const filters = Object.entries(JSON.parse(group.filters) as Record<string, unknown>)
  return endpoints.filter((e) => {
    const view = filterView(e)
    return filters.every(([key, value]) => view[key] === value)
  })
}

/**
 * The endpoints a project is associated with, directly or through its endpoint groups, by id
 * (Keystone's `list_endpoints_for_project`); empty when it has none.
 */
export async function endpointsForProject(
  store: Pick<CatalogStore, 'listEndpointIdsForProject' | 'listEndpointGroupsForProject'>, projectId: string, endpoints: readonly CatalogEndpointRow[],
): Promise<Map<string, CatalogEndpointRow>> {
  const [direct, groups] = await Promise.all([store.listEndpointIdsForProject(projectId), store.listEndpointGroupsForProject(projectId)])
  const found = new Map<string, CatalogEndpointRow>()
  if (direct.length === 0 && groups.length === 0) return found
  const byId = new Map(endpoints.map((e) => [e.id, e]))
  for (const id of direct) {
    const endpoint = byId.get(id)
    if (endpoint) found.set(id, endpoint)
  }
  for (const group of groups) for (const e of endpointsInGroup(group, endpoints)) if (!found.has(e.id)) found.set(e.id, e)
  return found
}

function checkFilters(filters: Record<string, unknown>): void {
  for (const key of Object.keys(filters)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key)) throw new MissingAttributeError(FILTER_KEYS.join(' or '), 'endpoint_group')
  }
}

const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id

export interface EndpointFilterServiceOptions {
  store: CatalogStore
  projects: Pick<ProjectStore, 'findProject'>
  clock: Clock
}

export class EndpointFilterService {
  constructor(private readonly deps: EndpointFilterServiceOptions) {}

  private async project(id: string): Promise<ProjectRow> {
    const project = await this.deps.projects.findProject(id)
    if (!project) throw new NotFoundError('project', id)
    return project
  }

  private async endpoint(id: string): Promise<CatalogEndpointRow> {
    const endpoint = await this.deps.store.findEndpoint(id)
    if (!endpoint) throw new NotFoundError('endpoint', id)
    return endpoint
  }

  async getEndpointGroup(id: string): Promise<EndpointGroupRow> {
    const group = await this.deps.store.findEndpointGroup(id)
    if (!group) throw new NotFoundError('Endpoint Group', id)
    return group
  }

  /** `name` filters, as Keystone after 22 does (22 meant to, but its filter list was the string 'name'). */
  listEndpointGroups(query: EndpointGroupListQuery): Promise<EndpointGroupRow[]> {
    return this.deps.store.listEndpointGroups({ name: query.name })
  }

  /** POST: `filters` must name at least one key, and only service_id, region_id and interface. */
  async createEndpointGroup(ctx: AuthContext, body: EndpointGroupCreateBody): Promise<EndpointGroupRow> {
    const input = body.endpoint_group
    if (Object.keys(input.filters).length === 0) throw new ValidationError('filters field is required and cannot be empty')
    checkFilters(input.filters)
    const now = isoMicros(this.deps.clock.now())
    return this.deps.store.transaction(async (tx) => {
      const row = await tx.createEndpointGroup({
        id: newHexId(), name: input.name, description: input.description ?? null, filters: JSON.stringify(input.filters), created_at: now,
      })
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'createEndpointGroup', now), creationOf('endpoint_group', row))
      return row
    })
  }

  async updateEndpointGroup(ctx: AuthContext, id: string, body: EndpointGroupUpdateBody): Promise<EndpointGroupRow> {
    const input = body.endpoint_group
    if (input.filters !== undefined) checkFilters(input.filters)
    if (input.id != null && input.id !== id) throw new ValidationError('Cannot change ID')
    const changes: EndpointGroupChanges = {}
    if (input.name !== undefined) changes.name = input.name
    if ('description' in input) changes.description = input.description ?? null
    if (input.filters !== undefined) changes.filters = JSON.stringify(input.filters)
    const now = isoMicros(this.deps.clock.now())
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.findEndpointGroup(id)
      if (!before) throw new NotFoundError('Endpoint Group', id)
      const after = await tx.updateEndpointGroup(id, changes)
      if (!after) throw new NotFoundError('Endpoint Group', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'updateEndpointGroup', now), updateOf('endpoint_group', before, after))
      return after
    })
  }

  /** With its project associations. */
  async deleteEndpointGroup(ctx: AuthContext, id: string): Promise<void> {
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findEndpointGroup(id)
      if (!before || !(await tx.deleteEndpointGroup(id))) throw new NotFoundError('Endpoint Group', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deleteEndpointGroup', now), deletionOf('endpoint_group', before))
    })
  }

  /** The endpoints a group's filters match now. */
  async listEndpointsInGroup(id: string): Promise<CatalogEndpointRow[]> {
    const group = await this.getEndpointGroup(id)
    return endpointsInGroup(group, await this.deps.store.listEndpoints())
  }

  // ---- project ↔ endpoint
  /** PUT: the endpoint (404), then the project (404); 409 when already associated. */
  async addEndpointToProject(projectId: string, endpointId: string): Promise<void> {
    await this.endpoint(endpointId)
    await this.project(projectId)
    await this.deps.store.addProjectEndpoint(endpointId, projectId, () => new NotFoundError('project', projectId))
  }

  /** GET/HEAD: 204 when associated. */
  async checkEndpointInProject(projectId: string, endpointId: string): Promise<void> {
    await this.endpoint(endpointId)
    await this.project(projectId)
    if (!(await this.deps.store.hasProjectEndpoint(endpointId, projectId))) throw this.notInProject(endpointId, projectId)
  }

  /** DELETE: Keystone looks only for the association. */
  async removeEndpointFromProject(projectId: string, endpointId: string): Promise<void> {
    if (!(await this.deps.store.removeProjectEndpoint(endpointId, projectId))) throw this.notInProject(endpointId, projectId)
  }

  private notInProject(endpointId: string, projectId: string): NotFoundError {
    return new NotFoundError('endpoint', endpointId, `Endpoint ${endpointId} not found in project ${projectId}`)
  }

  /** GET /OS-EP-FILTER/projects/{id}/endpoints: direct and through groups. */
  async listEndpointsForProject(projectId: string): Promise<CatalogEndpointRow[]> {
    await this.project(projectId)
    return [...(await endpointsForProject(this.deps.store, projectId, await this.deps.store.listEndpoints())).values()]
  }

  async listProjectsForEndpoint(endpointId: string): Promise<ProjectRow[]> {
    await this.endpoint(endpointId)
    return this.projectsOf(await this.deps.store.listProjectIdsForEndpoint(endpointId))
  }

  // ---- project ↔ endpoint group
  /** Keystone checks the project first, then the group. */
  async addEndpointGroupToProject(groupId: string, projectId: string): Promise<void> {
    await this.project(projectId)
    await this.getEndpointGroup(groupId)
    await this.deps.store.addProjectEndpointGroup(groupId, projectId, () => new NotFoundError('project', projectId))
  }

  async getEndpointGroupInProject(groupId: string, projectId: string): Promise<{ endpoint_group_id: string; project_id: string }> {
    await this.project(projectId)
    await this.getEndpointGroup(groupId)
    if (!(await this.deps.store.hasProjectEndpointGroup(groupId, projectId))) throw this.groupNotInProject(groupId)
    return { endpoint_group_id: groupId, project_id: projectId }
  }

  async removeEndpointGroupFromProject(groupId: string, projectId: string): Promise<void> {
    await this.project(projectId)
    await this.getEndpointGroup(groupId)
    if (!(await this.deps.store.removeProjectEndpointGroup(groupId, projectId))) throw this.groupNotInProject(groupId)
  }

  private groupNotInProject(groupId: string): NotFoundError {
    return new NotFoundError('Endpoint Group', groupId, 'Endpoint Group Project Association not found')
  }

  /** Keystone does not check the group here: an unknown one has no projects. */
  async listProjectsForEndpointGroup(groupId: string): Promise<ProjectRow[]> {
    return this.projectsOf(await this.deps.store.listProjectIdsForEndpointGroup(groupId))
  }

  async listEndpointGroupsForProject(projectId: string): Promise<EndpointGroupRow[]> {
    await this.project(projectId)
    return this.deps.store.listEndpointGroupsForProject(projectId)
  }

  private async projectsOf(ids: readonly string[]): Promise<ProjectRow[]> {
    const rows = await Promise.all(ids.map((id) => this.deps.projects.findProject(id)))
    return rows.filter((p): p is ProjectRow => p !== undefined)
  }
}
