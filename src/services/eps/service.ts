/**
 * @module EPS business rules, per seed 001, the EPS docs of both clouds and the spec's open
 * questions 10–20 and 27. No SQL and no HTTP: it reads the `EpsFlavour`, calls the `EpsStore`,
 * enforces the actions a route leaves to it, and throws EPS's coded errors. Every read and write
 * is bounded by the caller's account.
 */
import { randomUUID } from 'node:crypto'
import { newHexId } from '../../shared/ids.js'
import { DEFAULT_ENTERPRISE_PROJECT_ID, UUID } from '../../shared/well-known-ids.js'
import type { AuthContext } from '../../auth/auth-context.js'
import type { Policy } from '../../auth/policy.js'
import type { EnterpriseProjectRow, EpMigrationRecordRow, EpResourceRow, ProjectRow } from '../../db/schema.js'
import { ForbiddenError, NotFoundError } from '../../errors/app-error.js'
import { EpsErrors } from '../../errors/eps-codes.js'
import type { EpsFlavour } from '../../flavours.js'
import { isoMicros, type Clock } from '../../shared/clock.js'
import { creationOf, deletionOf, traceContext, updateOf, type TraceContext, type TracedChange } from '../../audit/trace.js'
import { ATTACHABLE_TO_ECS, PROVIDERS, resourceType, type ProviderInfo } from './resource-types.js'
import {
  DEFAULT_ENTERPRISE_PROJECT_TYPE, ENTERPRISE_PROJECT_DESCRIPTION_MAX_LENGTH, isEnterpriseProjectName, isEnterpriseProjectType, placementFaults,
} from './rules.js'
import type {
  AssociatedResourcesQuery, EnterpriseProjectActionBody, EnterpriseProjectBody, EnterpriseProjectListQuery, MigrationRecordQuery,
  ProviderListQuery, ResourceFilterBody, ResourceMigrateBody, ResourceRegisterBody,
} from './schemas.js'
import type { EpsStore, ResourceWithProject } from './store.js'

const LIST_LIMIT_MAX = 1000
const PROVIDERS_LIMIT_MAX = 200
const MATCH_VALUE_MAX = 255

export interface EpsServiceDeps {
  readonly store: EpsStore
  readonly flavour: EpsFlavour
  readonly policy: Policy
  readonly clock: Clock
  readonly quota: number
  /** Region ids, for the providers listing. */
  listRegionIds(): Promise<string[]>
  /** The IAM project, if it belongs to the account. */
  findProject(accountId: string, projectId: string): Promise<ProjectRow | undefined>
  /** A deleted enterprise project takes its grants with it: cached callers must be rebuilt. */
  invalidateAuthCache(): void
}

export interface ProviderPage { readonly providers: readonly ProviderInfo[]; readonly total: number; readonly locale: 'en-us' | 'zh-cn'; readonly regions: readonly string[] }

function digits(value: string | undefined, fallback: number, min: number, max: number, error: () => Error): number {
  if (value === undefined) return fallback
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) throw error()
  return Number(value)
}

export class EpsService {
  constructor(private readonly deps: EpsServiceDeps) {}

  private account(ctx: AuthContext): string {
    // Domain scope is enforced before any EPS route runs; this is the belt to those braces.
    if (!ctx.accountId) throw new ForbiddenError('EPS needs a domain-scoped token')
    return ctx.accountId
  }

  /** `0` or a UUID; anything else is EPS.0044 before any lookup. */
  private checkId(id: string): void {
    if (id !== DEFAULT_ENTERPRISE_PROJECT_ID && !UUID.test(id)) throw EpsErrors.invalidId()
  }

  private now(): string {
    return isoMicros(this.deps.clock.now())
  }

  // ------------------------------------------------------------------ enterprise projects

  async listEnterpriseProjects(ctx: AuthContext, query: EnterpriseProjectListQuery) {
    const action = 'eps:list_enterprise_projects'
    const reach = this.deps.policy.reach(ctx, action)
    if (!reach.everywhere && reach.enterpriseProjectIds.length === 0) this.deps.policy.enforce(ctx, action)
    const sortKey = query.sort_key ?? 'created_at'
    const sortDir = query.sort_dir ?? 'desc'
    if (sortKey !== 'created_at' && sortKey !== 'updated_at') throw EpsErrors.badRequest("'sort_key' must be created_at or updated_at.")
    if (sortDir !== 'asc' && sortDir !== 'desc') throw EpsErrors.badRequest("'sort_dir' must be asc or desc.")
    if (query.status !== undefined && query.status !== '1' && query.status !== '2') throw EpsErrors.badRequest("'status' must be 1 (enabled) or 2 (disabled).")
    if (query.type !== undefined && !isEnterpriseProjectType(query.type)) throw EpsErrors.badRequest("'type' must be prod or poc.")
    return this.deps.store.listEnterpriseProjects(this.account(ctx), {
      id: query.id,
      nameContains: query.name === undefined || query.name === '' ? undefined : query.name,
      status: query.status === undefined ? undefined : Number(query.status),
      type: query.type,
      onlyIds: reach.everywhere ? undefined : reach.enterpriseProjectIds,
      sortKey, sortDir,
      offset: digits(query.offset, 0, 0, Number.MAX_SAFE_INTEGER, EpsErrors.invalidOffset),
      limit: digits(query.limit, LIST_LIMIT_MAX, 1, LIST_LIMIT_MAX, EpsErrors.invalidLimit),
    })
  }

  async getEnterpriseProject(ctx: AuthContext, id: string): Promise<EnterpriseProjectRow> {
    this.checkId(id)
    const row = await this.deps.store.findEnterpriseProject(this.account(ctx), id)
    if (!row) throw new NotFoundError('enterprise project', id)
    return row
  }

  private checkBody(body: EnterpriseProjectBody): void {
    if (!isEnterpriseProjectName(this.deps.flavour, body.name)) throw EpsErrors.invalidName()
    if (body.description !== undefined && body.description.length > ENTERPRISE_PROJECT_DESCRIPTION_MAX_LENGTH) throw EpsErrors.invalidDescription()
    if (body.type !== undefined && !isEnterpriseProjectType(body.type)) throw EpsErrors.badRequest("'type' must be prod or poc.")
  }

  async createEnterpriseProject(ctx: AuthContext, body: EnterpriseProjectBody): Promise<EnterpriseProjectRow> {
    this.checkBody(body)
    const now = this.now()
    const account = this.account(ctx)
    // The store refuses a taken name and a full quota (EPS.0010, EPS.0009).
    return this.deps.store.transaction(async (tx) => {
      const created = await tx.createEnterpriseProject({
        domain_id: account, id: randomUUID(), name: body.name, description: body.description ?? '', status: 1,
        type: (body.type ?? DEFAULT_ENTERPRISE_PROJECT_TYPE) as EnterpriseProjectRow['type'], created_at: now, updated_at: now,
      }, this.deps.quota)
      await tx.recordChange(epsTrace(ctx, account, 'createEnterpriseProject', now), creationOf(EP, created))
      return created
    })
  }

  async updateEnterpriseProject(ctx: AuthContext, id: string, body: EnterpriseProjectBody): Promise<EnterpriseProjectRow> {
    if (id === DEFAULT_ENTERPRISE_PROJECT_ID) throw EpsErrors.defaultNotModifiable()
    this.checkId(id)
    this.checkBody(body)
    const account = this.account(ctx)
    const now = this.now()
    // The store refuses a missing or disabled project, poc on a prod one and a taken name.
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.findEnterpriseProject(account, id)
      // An omitted description keeps the current one (open question 12).
      const updated = await tx.updateEnterpriseProject(account, id, {
        name: body.name, description: body.description, type: body.type as EnterpriseProjectRow['type'] | undefined, updatedAt: now,
      })
      await tx.recordChange(epsTrace(ctx, account, 'updateEnterpriseProject', now), updateOf(EP, before, updated))
      return updated
    })
  }

  async enableOrDisable(ctx: AuthContext, id: string, body: EnterpriseProjectActionBody): Promise<void> {
    if (id === DEFAULT_ENTERPRISE_PROJECT_ID) throw EpsErrors.defaultNoOperation()
    if (body.action !== 'enable' && body.action !== 'disable') throw EpsErrors.invalidAction()
    this.deps.policy.enforce(ctx, body.action === 'enable' ? 'eps:enable_enterprise_project' : 'eps:disable_enterprise_project', { enterpriseProjectId: id })
    this.checkId(id)
    await this.changeExisting(ctx, id, `${body.action}EnterpriseProject`, async (tx, account, before, now) => {
      // Enabling an enabled project (or disabling a disabled one) succeeds: open question 18.
      // The store refuses to disable one holding scaling groups (EPS.0016).
      await tx.setEnterpriseProjectStatus(account, id, body.action === 'enable' ? 1 : 2, now)
      return updateOf(EP, before, (await tx.findEnterpriseProject(account, id))!)
    })
  }

  async deleteEnterpriseProject(ctx: AuthContext, id: string): Promise<void> {
    if (id === DEFAULT_ENTERPRISE_PROJECT_ID) throw EpsErrors.defaultNoOperation()
    this.checkId(id)
    await this.changeExisting(ctx, id, 'deleteEnterpriseProject', async (tx, account, before) => {
      // The store refuses one that still holds resources.
      await tx.deleteEnterpriseProject(account, id)
      return deletionOf(EP, before)
    })
    this.deps.invalidateAuthCache()
  }

  /**
   * One change to an existing enterprise project of the caller's account, in one transaction with
   * its trace; `change` gets the project as it was (read inside the transaction, locked on
   * PostgreSQL) and says what to trace. 404 when the account has no such project.
   */
  private async changeExisting(
    ctx: AuthContext, id: string, action: string,
    change: (tx: EpsStore, account: string, before: EnterpriseProjectRow, now: string) => Promise<TracedChange>,
  ): Promise<void> {
    const account = this.account(ctx)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findEnterpriseProject(account, id)
      if (!before) throw new NotFoundError('enterprise project', id)
      await tx.recordChange(epsTrace(ctx, account, action, now), await change(tx, account, before, now))
    })
  }

  async quota(ctx: AuthContext): Promise<{ used: number; quota: number }> {
    return { used: await this.deps.store.countEnterpriseProjects(this.account(ctx)), quota: this.deps.quota }
  }

  // ------------------------------------------------------------------ resources

  async filterResources(ctx: AuthContext, id: string, body: ResourceFilterBody) {
    this.checkId(id)
    const account = this.account(ctx)
    if (new Set(body.resource_types).size !== body.resource_types.length) throw EpsErrors.duplicatedResourceTypes()
    const known = body.resource_types.map((t) => {
      const info = resourceType(t)
      if (!info) throw EpsErrors.invalidResourceTypeElement()
      return info
    })
    const projects = body.projects ?? []
    if (known.some((t) => !t.global) && projects.length === 0) throw EpsErrors.emptyProjectList()
    if (new Set(projects).size !== projects.length) throw EpsErrors.duplicatedProjects()
    for (const projectId of projects) {
      if (projectId === '') throw EpsErrors.invalidProjectElement()
      if (!(await this.deps.findProject(account, projectId))) throw EpsErrors.invalidProjectId()
    }
    let nameContains: string | undefined
    const keys = new Set<string>()
    for (const match of body.matches ?? []) {
      if (match.key !== 'resource_name') throw EpsErrors.invalidMatchKey()
      if (keys.has(match.key)) throw EpsErrors.duplicatedMatchKeys()
      keys.add(match.key)
      if (match.value.length > MATCH_VALUE_MAX) throw EpsErrors.invalidMatchValue()
      nameContains = match.value
    }
    if (!(await this.deps.store.findEnterpriseProject(account, id))) throw new NotFoundError('enterprise project', id)
    return this.deps.store.listResources(account, {
      enterpriseProjectId: id, types: body.resource_types, projectIds: projects, nameContains,
      offset: body.offset ?? 0, limit: body.limit ?? LIST_LIMIT_MAX,
    })
  }

  async migrateResource(ctx: AuthContext, targetId: string, body: ResourceMigrateBody): Promise<void> {
    this.checkId(targetId)
    this.deps.policy.enforce(ctx, 'eps:add_resource', { enterpriseProjectId: targetId })
    const account = this.account(ctx)
    const type = resourceType(body.resource_type)
    if (!type) throw EpsErrors.invalidResourceType()
    this.checkPlacement(type, body.project_id, body.region_id)
    if (body.associated === true && type.type !== 'ecs') throw EpsErrors.badRequest("'associated' applies to ecs resources only (their disks and EIPs move with them).")
    const store = this.deps.store
    const resource = await store.findResource(account, type.type, body.resource_id)
    if (!resource || (!type.global && resource.project_id !== body.project_id) || (type.needsRegion && resource.region_id !== body.region_id)) {
      throw EpsErrors.invalidResourceId()
    }
    const attached = body.associated === true ? await store.attachedResources(account, resource.resource_id) : []
    // Everything not already in the target moves; each source needs `remove`, however it got there.
    const leaving = [{ resource, associated: false }, ...attached.map((r) => ({ resource: { ...r, project_name: resource.project_name }, associated: true }))]
      .filter((m) => m.resource.enterprise_project_id !== targetId)
    const sources = [...new Set(leaving.map((m) => m.resource.enterprise_project_id))]
    for (const source of sources) this.deps.policy.enforce(ctx, 'eps:remove_resource', { enterpriseProjectId: source })
    const target = await store.findEnterpriseProject(account, targetId)
    if (!target) throw new NotFoundError('enterprise project', targetId)
    if (target.status !== 1) throw EpsErrors.disabledNoResources()
    if (leaving.length === 0) return
    const names = new Map(await Promise.all(sources.map(async (id) => [id, (await store.findEnterpriseProject(account, id))?.name ?? ''] as const)))
    const now = this.now()
    // The store refuses a target deleted or disabled meanwhile, and a resource moved meanwhile.
    await store.transaction(async (tx) => {
      await tx.moveResources({
        domainId: account, toEnterpriseProjectId: targetId,
        moving: leaving.map((m) => ({ ...m, originName: names.get(m.resource.enterprise_project_id) ?? '' })),
        record: {
          domain_id: account, event_time: now, user_id: ctx.user.id, user_name: ctx.user.name,
          initiate_ep_id: resource.enterprise_project_id, initiate_ep_name: names.get(resource.enterprise_project_id) ?? target.name,
          target_ep_id: target.id, target_ep_name: target.name,
        },
        newRecordId: () => newHexId(),
      })
      const trace = epsTrace(ctx, account, 'migrateResource', now)
      for (const { resource: moved } of leaving) {
        await tx.recordChange(trace, resourceChange(moved, { ...moved, enterprise_project_id: targetId, updated_at: now }))
      }
    })
  }

  /** EPS's code for the first way the placement breaks the type's rule; "" is not given. */
  private checkPlacement(type: NonNullable<ReturnType<typeof resourceType>>, projectId: string | undefined, regionId: string | undefined): void {
    const given = (value: string | undefined) => value !== undefined && value !== ''
    switch (placementFaults(type, { project: given(projectId), region: given(regionId) })[0]) {
      case 'project_on_global': throw EpsErrors.noProjectForGlobal()
      case 'no_project': throw EpsErrors.invalidProjectId()
      case 'no_region': throw EpsErrors.badRequest(`'region_id' is required for ${type.type} resources.`)
      case undefined: return
    }
  }

  async listMigrationRecords(ctx: AuthContext, query: MigrationRecordQuery): Promise<EpMigrationRecordRow[]> {
    return this.deps.store.listMigrationRecords(this.account(ctx), {
      from: query.start_time === undefined ? undefined : this.time('start_time', query.start_time),
      to: query.end_time === undefined ? undefined : this.time('end_time', query.end_time),
      resourceId: query.resource_id,
      offset: digits(query.offset, 0, 0, Number.MAX_SAFE_INTEGER, EpsErrors.invalidOffset),
      limit: digits(query.limit, LIST_LIMIT_MAX, 1, LIST_LIMIT_MAX, EpsErrors.invalidLimit),
    })
  }

  /** The doc types these as numbers (epoch milliseconds), the SDK as strings: both are accepted. */
  private time(field: string, value: string): string {
    const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value)
    if (!Number.isFinite(ms)) throw EpsErrors.badRequest(`'${field}' must be epoch milliseconds or an ISO 8601 time.`)
    return isoMicros(ms)
  }

  async associatedResources(ctx: AuthContext, resourceId: string, query: AssociatedResourcesQuery) {
    const account = this.account(ctx)
    const type = resourceType(query.resource_type)
    if (!type) throw EpsErrors.invalidResourceType()
    const resource = await this.deps.store.findResource(account, type.type, resourceId)
    if (!resource || (!type.global && resource.project_id !== query.project_id) || resource.region_id !== query.region_id) {
      throw EpsErrors.invalidResourceId()
    }
    return { resource, attached: await this.deps.store.attachedResources(account, resourceId) }
  }

  async listProviders(query: ProviderListQuery): Promise<ProviderPage> {
    const offset = digits(query.offset, 0, 0, Number.MAX_SAFE_INTEGER, EpsErrors.invalidOffset)
    const limit = digits(query.limit, this.deps.flavour.providersDefaultLimit, 1, PROVIDERS_LIMIT_MAX, EpsErrors.invalidLimit)
    const matching = query.provider === undefined ? PROVIDERS : PROVIDERS.filter((p) => p.provider === query.provider)
    return {
      providers: matching.slice(offset, offset + limit), total: matching.length,
      locale: query.locale?.toLowerCase() === 'zh-cn' ? 'zh-cn' : 'en-us',
      regions: await this.deps.listRegionIds(),
    }
  }

  // ------------------------------------------------------------------ projectplane admin API

  async registerResource(ctx: AuthContext, body: ResourceRegisterBody): Promise<ResourceWithProject> {
    const account = this.account(ctx)
    const type = resourceType(body.resource_type)
    if (!type) throw EpsErrors.invalidResourceType()
    this.checkPlacement(type, body.project_id, body.region_id)
    let project: ProjectRow | undefined
    if (!type.global) {
      project = await this.deps.findProject(account, body.project_id!)
      if (!project) throw EpsErrors.invalidProjectId()
    }
    const enterpriseProjectId = body.enterprise_project_id ?? DEFAULT_ENTERPRISE_PROJECT_ID
    this.checkId(enterpriseProjectId)
    if (body.attached_to !== undefined) {
      if (!ATTACHABLE_TO_ECS.has(type.type)) throw EpsErrors.badRequest(`Only ${[...ATTACHABLE_TO_ECS].join(' and ')} resources can be attached to an ECS.`)
      const server = await this.deps.store.findResource(account, 'ecs', body.attached_to)
      if (!server || server.project_id !== body.project_id) throw EpsErrors.badRequest(`'attached_to' must be an ECS registered in project ${body.project_id}.`)
    }
    const now = this.now()
    const row: EpResourceRow = {
      domain_id: account, resource_type: type.type, resource_id: body.resource_id ?? randomUUID(), resource_name: body.resource_name ?? '',
      project_id: project?.id ?? '', region_id: project ? (project.region_id ?? '') : (body.region_id ?? ''),
      enterprise_project_id: enterpriseProjectId, attached_to: body.attached_to ?? null,
      detail: body.resource_detail === undefined || body.resource_detail === null ? null : JSON.stringify(body.resource_detail),
      created_at: now, updated_at: now,
    }
    await this.deps.store.transaction(async (tx) => {
      await tx.registerResource(row)
      await tx.recordChange(epsTrace(ctx, account, 'registerResource', now), resourceChange(null, row))
    })
    return { ...row, project_name: project?.name ?? '' }
  }

  listRegisteredResources(ctx: AuthContext): Promise<ResourceWithProject[]> {
    return this.deps.store.listAllResources(this.account(ctx))
  }

  async deleteRegisteredResource(ctx: AuthContext, resourceType: string, resourceId: string): Promise<void> {
    const account = this.account(ctx)
    const now = this.now()
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findResource(account, resourceType, resourceId)
      if (!before) throw new NotFoundError('resource', `${resourceType}/${resourceId}`)
      await tx.deleteResource(account, resourceType, resourceId)
      await tx.recordChange(epsTrace(ctx, account, 'deleteResource', now), resourceChange(before, null))
    })
  }
}

const EP = 'enterprise_project'

function epsTrace(ctx: AuthContext, accountId: string, action: string, time: string): TraceContext {
  return traceContext(ctx, accountId, 'EPS', action, time)
}

/** A resource is traced under its own type (ecs, evs, …), named and keyed as EPS names it. */
function resourceChange(before: EpResourceRow | null, after: EpResourceRow | null): TracedChange {
  const row = (after ?? before)!
  return { resourceType: row.resource_type, resourceId: row.resource_id, resourceName: row.resource_name, before, after }
}
