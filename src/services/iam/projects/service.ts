/**
 * @module Projects (domains: domain-service.ts; regions: region-service.ts), per the seeds (002 OTC, 003 HWC) and Keystone:
 * what a caller may see and change, the clouds' region-prefixed project names, project status,
 * Keystone's projects acting as domains and its hierarchy queries.
 * No SQL and no HTTP here: it reads the `Flavour`, calls the stores and throws `AppError`s. Every
 * tenant read is bounded by the caller's account.
 */
import { newHexId } from '../../../shared/ids.js'
import { isoMicros } from '../../../shared/clock.js'
import type { Flavour } from '../../../flavours.js'
import type { DomainRow, ProjectRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { ForbiddenError, InvalidFieldError, NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import type { IdentityStore } from '../identity/store.js'
import type { IamServiceOptions } from '../iam-service-options.js'
import { parseBoolean, parsePaging } from '../iam-query.js'
import type { PagePosition } from '../iam-wire.js'
import type { Page, ProjectChanges, ProjectStore, ProjectUpdateGuard, TagFilter } from './store.js'
import { descriptionLimitExceeded, isDomainReader, keystoneMayRead, regionPrefixOf, reprList } from './rules.js'
import { KEYSTONE_MAX_PROJECT_DEPTH, ProjectDepthError, ProjectTree, queryFlag, type IdTree } from './project-tree.js'
import { DomainService } from './domain-service.js'
import type {
  DomainUpdateBody, ProjectCreateBody, ProjectListQuery, ProjectShowQuery, ProjectStatusBody, ProjectUpdateBody,
} from './schemas.js'

/** A domain seen through the projects API, as Keystone stores it: a project acting as a domain. */
export interface DomainProject { readonly actingDomain: DomainRow }
export type ProjectEntry = ProjectRow | DomainProject

/** `GET /v3/projects/{id}`, with the hierarchy the query asked for. */
export interface ProjectView {
  readonly project: ProjectEntry
  readonly parents?: readonly ProjectRow[] | IdTree | null
  readonly subtree?: readonly ProjectRow[] | IdTree | null
}

export interface ProjectPage {
  readonly projects: readonly ProjectEntry[]
  /** An unpaged list, read batch by batch as the answer is sent (`projects` is then empty). */
  readonly batches?: AsyncIterable<readonly ProjectEntry[]>
  /** Present when the caller asked for a page: whether pages exist before and after it. */
  readonly paging?: PagePosition
}

/** Keystone attributes the project body may carry that are not plain extras. */
const PROJECT_KNOWN_KEYS = new Set(['name', 'description', 'domain_id', 'parent_id', 'enabled', 'is_domain', 'tags', 'options'])

const MAX_PROJECT_TAGS = 80

/** A tag in a URL, checked as Keystone's `project_tag_create` schema words it. */
function assertTag(tag: string): void {
  const repr = `'${tag.length > 80 ? `${tag.slice(0, 80)}...` : tag}'`
  if (tag.length === 0) throw new ValidationError(`${repr} is too short`)
  if (tag.length > 255) throw new ValidationError(`${repr} is too long (at most 255 characters)`)
  if (/[,/]/.test(tag)) throw new ValidationError(`${repr} does not match '^[^,/]*$'`)
}

export interface ProjectServiceOptions extends IamServiceOptions {
  projects: ProjectStore
  /** The users whose projects `GET /v3/users/{id}/projects` lists. */
  users: Pick<IdentityStore, 'findUser'>
  flavour: Flavour
  /** A federated token's user holds roles through the groups mapped at its sign-in (federation/federated-tokens.ts). */
  federatedScopes?: { domains(ctx: AuthContext): Promise<DomainRow[]>; projects(ctx: AuthContext): Promise<ProjectRow[]> }
}

/** Projects, and (DomainService) the domains they live in. */
export class ProjectService extends DomainService {

  /** The project, if it belongs to the account. */
  async findProjectInAccount(projectId: string, accountId: string): Promise<ProjectRow | undefined> {
    const project = await this.deps.projects.findProject(projectId)
    return project?.domain_id === accountId ? project : undefined
  }

  async projectInAccount(projectId: string, accountId: string): Promise<boolean> {
    return (await this.findProjectInAccount(projectId, accountId)) !== undefined
  }

  // ------------------------------------------------------------------ projects

  async listProjects(ctx: AuthContext, query: ProjectListQuery): Promise<ProjectPage> {
    const keystone = this.deps.flavour.iam.keystoneIdentityRules
    // Keystone's identity:list_projects: an administrator, or a domain's reader (its own domain only).
    if (keystone && !ctx.systemAdmin && !isDomainReader(ctx)) {
      throw new ForbiddenError('identity:list_projects')
    }
    const enabled = parseBoolean('enabled', query.enabled)
    const isDomain = parseBoolean('is_domain', query.is_domain)
    const page = parsePaging(query.page, query.per_page)
    const account = ctx.systemAdmin ? undefined : this.account(ctx)
    // Keystone's domains are projects acting as domains; they have no domain and no parent, and
    // a domain's reader sees only projects of its domain, so never one of them.
    if (isDomain === true && this.deps.flavour.iam.domainWrites) {
      if (!ctx.systemAdmin || query.domain_id !== undefined || query.parent_id !== undefined) return { projects: [] }
      const domains = await this.deps.projects.listDomains({ name: query.name, enabled })
      return { projects: domains.map((d) => ({ actingDomain: d })) }
    }
    // Another account's domain_id, or is_domain=true (no project here is a domain), match nothing.
    if ((query.domain_id !== undefined && account !== undefined && query.domain_id !== account) || isDomain === true) {
      return { projects: [], paging: page && { page: page.page, perPage: page.perPage, hasPrevious: page.page > 1, hasNext: false } }
    }
    const filter = { domainId: query.domain_id ?? account, name: query.name, parentId: query.parent_id, enabled, tags: this.tagFilterOf(query) }
    if (!page) return { projects: [], batches: await this.deps.projects.iterateProjects(filter) }
    const window: Page = { offset: (page.page - 1) * page.perPage, limit: page.perPage + 1 }
    const rows = await this.deps.projects.listProjects(filter, window)
    return {
      projects: rows.slice(0, page.perPage),
      paging: { page: page.page, perPage: page.perPage, hasPrevious: page.page > 1, hasNext: rows.length > page.perPage },
    }
  }

  /** `GET /v3/auth/projects`: streamed as an unpaged project list is, but for a federated token's few. */
  async listAuthProjectPage(ctx: AuthContext): Promise<ProjectPage> {
    if ((ctx.federation && this.deps.federatedScopes) || (ctx.scope.type === 'unscoped' && !this.deps.flavour.iam.scopeNeedsRole)) return { projects: await this.listAuthProjects(ctx) }
    const domainId = this.deps.flavour.iam.keystoneIdentityRules ? undefined : ctx.scope.type === 'unscoped' ? ctx.userDomain.id : this.account(ctx)
    return { projects: [], batches: await this.deps.projects.iterateProjectsForUser(ctx.user.id, domainId) }
  }

  async listAuthProjects(ctx: AuthContext): Promise<ProjectRow[]> {
    if (ctx.federation && this.deps.federatedScopes) return this.deps.federatedScopes.projects(ctx)
    if (ctx.scope.type === 'unscoped' && !this.deps.flavour.iam.scopeNeedsRole) return []
    // Keystone: every project the user holds a role on, whatever the token's scope and domain.
    if (this.deps.flavour.iam.keystoneIdentityRules) return this.deps.projects.listProjectsForUser(ctx.user.id)
    return this.deps.projects.listProjectsForUser(ctx.user.id, ctx.scope.type === 'unscoped' ? ctx.userDomain.id : this.account(ctx))
  }

  /** `GET /v3/auth/system` (Keystone): whether the caller may ask for a system-scoped token. */
  async canScopeToSystem(ctx: AuthContext): Promise<boolean> {
    return this.deps.projects.holdsSystemRole(ctx.user.id)
  }

  async listUserProjects(ctx: AuthContext, userId: string): Promise<ProjectPage> {
    const user = await this.deps.users.findUser(userId)
    if (!user || (!ctx.systemAdmin && user.domain_id !== ctx.accountId && user.id !== ctx.user.id)) throw new NotFoundError('user', userId)
    return { projects: [], batches: await this.deps.projects.iterateProjectsForUser(user.id, this.deps.flavour.iam.keystoneIdentityRules ? undefined : user.domain_id) }
  }

  /** `action`: what a keystone refusal names (the tag reads share this rule under their own names). */
  async getProject(ctx: AuthContext, id: string, action = 'identity:get_project'): Promise<ProjectRow> {
    const project = await this.deps.projects.findProject(id)
    if (this.deps.flavour.iam.keystoneIdentityRules && !ctx.systemAdmin && !keystoneMayRead(ctx, id, project)) throw new ForbiddenError(action)
    if (!project || !this.sees(ctx, project)) throw new NotFoundError('project', id)
    return project
  }

  /**
   * `GET /v3/projects/{id}`: a project, or (Keystone, for an administrator) a domain as the
   * project acting as it; with its parents and subtree when the query asks (`parents_as_list`,
   * `parents_as_ids`, `subtree_as_list`, `subtree_as_ids`, as Keystone reads them).
   */
  async showProject(ctx: AuthContext, id: string, query: ProjectShowQuery): Promise<ProjectView> {
    const project: ProjectEntry = (await this.findActingDomain(ctx, id)) ?? await this.getProject(ctx, id)
    const parentsAsList = queryFlag(query.parents_as_list)
    const subtreeAsList = queryFlag(query.subtree_as_list)
    if (parentsAsList && queryFlag(query.parents_as_ids)) {
      throw new ValidationError('Cannot use parents_as_list and parents_as_ids query params at the same time.')
    }
    if (subtreeAsList && queryFlag(query.subtree_as_ids)) {
      throw new ValidationError('Cannot use subtree_as_list and subtree_as_ids query params at the same time.')
    }
    const wantsParents = parentsAsList || queryFlag(query.parents_as_ids)
    const wantsSubtree = subtreeAsList || queryFlag(query.subtree_as_ids)
    if (!wantsParents && !wantsSubtree) return { project }
    const tree = new ProjectTree(await this.deps.projects.listProjects({ domainId: domainIdOf(project) }), domainIdOf(project))
    const self = 'actingDomain' in project ? project.actingDomain.id : project.id
    // Keystone lists only the parents and children the caller holds a role on (the ids: all of them).
    const reachable = parentsAsList || subtreeAsList ? new Set((await this.deps.projects.listProjectsForUser(ctx.user.id)).map((p) => p.id)) : undefined
    const view: { project: ProjectEntry; parents?: ProjectView['parents']; subtree?: ProjectView['subtree'] } = { project }
    if (wantsParents) view.parents = parentsAsList ? tree.parentsOf(self).filter((p) => reachable!.has(p.id)) : tree.parentIdsOf(self)
    if (wantsSubtree) view.subtree = subtreeAsList ? tree.subtreeOf(self).filter((p) => reachable!.has(p.id)) : tree.subtreeIdsOf(self)
    return view
  }

  /**
   * `POST /v3/projects` with `is_domain: true` (Keystone): a root project acting as a domain, so a
   * domain, seen in `/v3/domains` as well. Keystone refuses one with a parent, and a domain_id
   * makes the domain its parent.
   */
  private async createActingDomain(ctx: AuthContext, input: ProjectCreateBody['project']): Promise<DomainProject> {
    if (!this.deps.flavour.iam.domainWrites) throw new InvalidFieldError('project/is_domain', 'projects acting as domains are not supported')
    if (!ctx.systemAdmin) throw new ForbiddenError('identity:create_project')
    if (input.parent_id != null || input.domain_id != null) throw new ValidationError('only root projects are allowed to act as domains.')
    this.assertName(input.name)
    const domain = await this.createDomain(ctx, { domain: { name: input.name, description: input.description ?? '', enabled: input.enabled !== false } })
    return { actingDomain: domain }
  }

  async createProject(ctx: AuthContext, body: ProjectCreateBody): Promise<ProjectEntry> {
    const input = body.project
    if (input.is_domain === true) return this.createActingDomain(ctx, input)
    const domainId = await this.targetDomainForCreate(ctx, input.domain_id)
    this.assertExtrasAllowed(input, 'project')
    this.assertName(input.name)
    const description = this.checkedDescription(input.description)

    let parentId: string
    let regionId: string | null = null
    if (this.deps.flavour.iam.regionPrefixedProjectNames) {
      regionId = await this.regionOfName(input.name)
      const regionProject = await this.deps.projects.findProjectByName(domainId, regionId)
      if (!regionProject || regionProject.kind !== 'region') {
        throw new InvalidFieldError('project/name', `the account has no project for region '${regionId}'`)
      }
      if (input.parent_id != null && input.parent_id !== regionProject.id) {
        throw new InvalidFieldError(
          'project/parent_id',
          `'${input.parent_id}' is not the project of region ${regionId}; it must be '${regionProject.id}' or be left out`,
        )
      }
      parentId = regionProject.id
    } else if (this.deps.flavour.iam.keystoneIdentityRules) {
      parentId = await this.keystoneParent(domainId, input.parent_id ?? domainId)
    } else if (input.parent_id != null && input.parent_id !== domainId) {
      const parent = await this.deps.projects.findProject(input.parent_id)
      if (!parent || parent.domain_id !== domainId) throw new NotFoundError('project', input.parent_id)
      parentId = parent.id
    } else {
      parentId = domainId
    }

    const now = isoMicros(this.deps.clock.now())
    return this.deps.projects.transaction(async (tx) => {
      const row = await tx.createProject({
        id: newHexId(), domain_id: domainId, name: input.name, description, parent_id: parentId, kind: 'custom', region_id: regionId,
        enabled: input.enabled === false ? 0 : 1, status: 'normal', suspended_at: null,
        tags: JSON.stringify(input.tags ?? []), options: JSON.stringify(input.options ?? {}),
        extra: JSON.stringify(this.extrasOf(input)), created_at: now, updated_at: now,
      }, this.deps.quota?.('project'))
      await tx.recordChange(iamTrace(ctx, domainId, 'createProject', now), creationOf('project', row))
      return row
    })
  }

  /**
   * PATCH /v3/projects/{id}: the seeds' rules, plus Keystone's for `enabled` and extras.
   * The common case is one guarded UPDATE (custom project, same region, caller's account), so
   * the rules hold atomically; only when it matches nothing is the row read to say why.
   */
  async updateProject(ctx: AuthContext, id: string, body: ProjectUpdateBody): Promise<ProjectEntry> {
    const input = body.project
    const acting = await this.findActingDomain(ctx, id)
    if (acting) return this.updateActingDomain(ctx, acting.actingDomain, input)
    const keys = Object.keys(input)
    if (keys.length === 0 || (this.deps.flavour.iam.regionProjects && !keys.some((k) => k === 'name' || k === 'description' || k === 'enabled'))) {
      throw new InvalidFieldError('project', "at least one of 'name' and 'description' must be given")
    }
    this.assertExtrasAllowed(input, 'project')
    if (input.is_domain === true) throw new ValidationError('Update of `is_domain` is not allowed.')
    const changes: ProjectChanges = {}
    if (input.name !== undefined) {
      this.assertName(input.name)
      changes.name = input.name
    }
    if (input.description !== undefined) changes.description = this.checkedDescription(input.description)
    if (input.enabled !== undefined) changes.enabled = input.enabled
    if (input.tags !== undefined) changes.tags = JSON.stringify(input.tags)
    const now = isoMicros(this.deps.clock.now())
    const regionPrefixed = this.deps.flavour.iam.regionPrefixedProjectNames

    const simple = !ctx.systemAdmin && keys.every((k) => k === 'name' || k === 'description' || k === 'enabled' || k === 'tags')
    let updated: ProjectRow | undefined
    if (simple) {
      const regionId = regionPrefixed && input.name !== undefined ? input.name.slice(0, Math.max(0, input.name.indexOf('_'))) : undefined
      updated = await this.updateProjectTraced(ctx, this.account(ctx), id, changes, now, { kind: 'custom', regionId })
    }
    if (!updated) {
      const project = await this.getProject(ctx, id)
      this.assertNotRegionProject(project, 'identity:update_project')
      for (const field of ['domain_id', 'parent_id'] as const) {
        if (field in input && input[field] !== project[field]) throw new ValidationError(`Update of \`${field}\` is not allowed.`)
      }
      if (input.name !== undefined && regionPrefixed) {
        const region = await this.regionOfName(input.name)
        if (project.region_id !== null && region !== project.region_id) {
          throw new InvalidFieldError('project/name', `the region of a project cannot change: the name must start with '${project.region_id}_'`)
        }
      }
      if (input.options !== undefined) changes.options = JSON.stringify({ ...JSON.parse(project.options), ...input.options })
      const extras = this.extrasOf(input)
      if (Object.keys(extras).length > 0) changes.extra = JSON.stringify({ ...JSON.parse(project.extra), ...extras })
      updated = await this.updateProjectTraced(ctx, project.domain_id, project.id, changes, now, { kind: 'custom' })
      if (!updated) throw new NotFoundError('project', id)
    }
    // Project-scoped contexts carry the project's name and depend on it being enabled.
    if (changes.enabled !== undefined || changes.name !== undefined) this.deps.invalidateAuthCache()
    return updated
  }

  /** PATCH /v3/projects/{id} of a domain (Keystone): its name, description and enabled flag. */
  private async updateActingDomain(ctx: AuthContext, domain: DomainRow, input: ProjectUpdateBody['project']): Promise<DomainProject> {
    if (input.is_domain === false) throw new ValidationError('Update of `is_domain` is not allowed.')
    for (const field of ['domain_id', 'parent_id'] as const) {
      if (input[field] != null) throw new ValidationError(`Update of \`${field}\` is not allowed.`)
    }
    if (input.name !== undefined) this.assertName(input.name)
    const changes: DomainUpdateBody['domain'] = {}
    if (input.name !== undefined) changes.name = input.name
    if (input.description !== undefined) changes.description = input.description
    if (input.enabled !== undefined) changes.enabled = input.enabled
    return { actingDomain: await this.updateDomain(ctx, domain.id, { domain: changes }) }
  }

  /** One guarded UPDATE and its trace, in one transaction; undefined when the guard matched nothing. */
  private updateProjectTraced(ctx: AuthContext, domainId: string, id: string, changes: ProjectChanges, now: string, guard: ProjectUpdateGuard) {
    return this.deps.projects.transaction(async (tx) => {
      const updated = await tx.updateProjectWithBefore(domainId, id, changes, now, guard)
      if (updated) await tx.recordChange(iamTrace(ctx, domainId, 'updateProject', now), updateOf('project', updated.before, updated.after))
      return updated?.after
    })
  }

  async deleteProject(ctx: AuthContext, id: string): Promise<void> {
    if (!this.deps.flavour.iam.projectDelete) {
      throw new ForbiddenError(`projects cannot be deleted on ${this.deps.flavour.name}`)
    }
    // Keystone deletes a project acting as a domain as the domain, contents and all.
    if (await this.findActingDomain(ctx, id)) return this.deleteDomain(ctx, id)
    const project = await this.getProject(ctx, id)
    this.assertNotRegionProject(project, 'identity:delete_project')
    const now = isoMicros(this.deps.clock.now())
    await this.deps.projects.transaction(async (tx) => {
      const before = await tx.findProject(project.id)
      if (!before || !(await tx.deleteProject(project.domain_id, project.id))) throw new NotFoundError('project', id)
      await tx.recordChange(iamTrace(ctx, project.domain_id, 'deleteProject', now), deletionOf('project', before))
    })
    this.deps.invalidateAuthCache()
  }

  async setProjectStatus(ctx: AuthContext, id: string, body: ProjectStatusBody): Promise<void> {
    const project = await this.getProject(ctx, id)
    const now = isoMicros(this.deps.clock.now())
    await this.deps.projects.transaction(async (tx) => {
      const before = await tx.findProject(project.id)
      if (!before || !(await tx.setProjectStatus(project.domain_id, project.id, body.project.status, now))) throw new NotFoundError('project', id)
      const after = await tx.findProject(project.id)
      await tx.recordChange(iamTrace(ctx, project.domain_id, 'updateProjectStatus', now), updateOf('project', before, after!))
    })
    this.deps.invalidateAuthCache()
  }

  // ------------------------------------------------------------------ project tags (keystone flavour)

  async listProjectTags(ctx: AuthContext, id: string, action = 'identity:list_project_tags'): Promise<string[]> {
    return JSON.parse((await this.getProject(ctx, id, action)).tags) as string[]
  }

  /** `PUT /v3/projects/{id}/tags`: Keystone strips each tag and replaces the whole list. */
  async replaceProjectTags(ctx: AuthContext, id: string, tags: readonly string[]): Promise<string[]> {
    const project = await this.getProject(ctx, id)
    const stripped = tags.map((t) => t.trim())
    await this.writeTags(ctx, project, stripped)
    return stripped
  }

  /** `GET /v3/projects/{id}/tags/{tag}`: 404 `Could not find project tag` when the project lacks it. */
  async checkProjectTag(ctx: AuthContext, id: string, tag: string): Promise<void> {
    if (!(await this.listProjectTags(ctx, id, 'identity:get_project_tag')).includes(tag)) throw new NotFoundError('project tag', tag)
  }

  /**
   * `PUT /v3/projects/{id}/tags/{tag}`: Keystone validates the tag, then the list with it added
   * (so a tag already there is 400 `has non-unique elements`, an 81st `is too long`).
   */
  async addProjectTag(ctx: AuthContext, id: string, tag: string): Promise<string> {
    assertTag(tag)
    const project = await this.getProject(ctx, id)
    const tags = [...(JSON.parse(project.tags) as string[]), tag]
    if (new Set(tags).size !== tags.length) throw new ValidationError(`${reprList(tags)} has non-unique elements`)
    if (tags.length > MAX_PROJECT_TAGS) throw new ValidationError(`${reprList(tags)} is too long`)
    tags[tags.length - 1] = tag.trim()
    await this.writeTags(ctx, project, tags)
    return tag.trim()
  }

  async deleteProjectTag(ctx: AuthContext, id: string, tag: string): Promise<void> {
    const project = await this.getProject(ctx, id)
    const tags = JSON.parse(project.tags) as string[]
    const at = tags.indexOf(tag)
    if (at < 0) throw new NotFoundError('project tag', tag)
    tags.splice(at, 1)
    await this.writeTags(ctx, project, tags)
  }

  private async writeTags(ctx: AuthContext, project: ProjectRow, tags: readonly string[]): Promise<void> {
    const now = isoMicros(this.deps.clock.now())
    const updated = await this.updateProjectTraced(ctx, project.domain_id, project.id, { tags: JSON.stringify(tags) }, now, {})
    if (!updated) throw new NotFoundError('project', project.id)
  }

  /** Keystone's `tags`, `tags-any`, `not-tags`, `not-tags-any`: comma-separated; only where projects have tags. */
  private tagFilterOf(query: ProjectListQuery): TagFilter | undefined {
    if (!this.deps.flavour.iam.projectTags) return undefined
    const split = (value: string | undefined) => (value === undefined ? undefined : value.split(','))
    const filter: TagFilter = { all: split(query.tags), any: split(query['tags-any']), notAll: split(query['not-tags']), notAny: split(query['not-tags-any']) }
    return Object.values(filter).some((v) => v !== undefined) ? filter : undefined
  }

  // ------------------------------------------------------------------ helpers

  private sees(ctx: AuthContext, project: ProjectRow): boolean {
    return ctx.systemAdmin || project.domain_id === ctx.accountId
  }

  /**
   * Keystone's `_enforce_project_constraints` for a new project under `parentId` (its domain when
   * a top-level project): the parent in the same domain, no disabled project (or domain) above it,
   * at most `max_project_tree_depth` (5) levels under the domain. Keystone turns a missing parent
   * into a 400 with the 404's words.
   */
  private async keystoneParent(domainId: string, parentId: string): Promise<string> {
    const chain: { id: string; enabled: number }[] = []
    for (let id = parentId; id !== domainId;) {
      const project = await this.deps.projects.findProject(id)
      if (!project) throw new ValidationError(`Could not find project: ${id}.`)
      if (project.domain_id !== domainId) {
        throw new ValidationError(`Cannot create project, since it specifies its domain_id ${domainId}, but specifies a parent in a different domain (${project.domain_id}).`)
      }
      if (chain.some((p) => p.id === project.id)) break
      chain.push(project)
      id = project.parent_id
    }
    const domain = await this.deps.projects.findDomain(domainId)
    if (domain) chain.push(domain)
    // Keystone's order: the parent's own parents upwards (ending at the domain), then the parent.
    const disabled = [...chain.slice(1), ...chain.slice(0, 1)].find((p) => p.enabled !== 1)
    if (disabled) throw new ValidationError(`cannot create a project in a branch containing a disabled project: ${disabled.id}`)
    if (chain.length + 1 > KEYSTONE_MAX_PROJECT_DEPTH + 1) throw new ProjectDepthError(parentId)
    return parentId
  }

  private async targetDomainForCreate(ctx: AuthContext, requested: string | null | undefined): Promise<string> {
    if (requested == null) return this.account(ctx)
    if (ctx.systemAdmin) {
      if (await this.deps.projects.findDomain(requested)) return requested
      // Keystone's create turns DomainNotFound into a 400 with the 404's words.
      throw this.deps.flavour.iam.keystoneIdentityRules ? new ValidationError(`Could not find domain: ${requested}.`) : new NotFoundError('domain', requested)
    }
    if (requested !== this.account(ctx)) throw new ForbiddenError('identity:create_project')
    return requested
  }

  private assertNotRegionProject(project: ProjectRow, action: string): void {
    if (project.kind === 'region') {
      throw new ForbiddenError(`${action}: project ${project.name} is the system project of a region and is managed by the cloud`)
    }
  }

  /** Keystone keeps unknown project keys as attributes; the clouds document none, so they are refused. */
  private assertExtrasAllowed(input: Record<string, unknown>, path: string): void {
    const extras = Object.keys(input).filter((k) => !PROJECT_KNOWN_KEYS.has(k))
    if (!this.deps.flavour.iam.keystoneProjectAttributes) {
      if (extras.length > 0) {
        throw new InvalidFieldError(path, `Additional properties are not allowed (${extras.map((k) => `'${k}'`).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`)
      }
      if (Array.isArray(input.tags) && input.tags.length > 0) throw new InvalidFieldError(`${path}/tags`, `projects on ${this.deps.flavour.name} have no tags`)
      if (input.options && Object.keys(input.options).length > 0) throw new InvalidFieldError(`${path}/options`, `projects on ${this.deps.flavour.name} have no options`)
    }
  }

  private extrasOf(input: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(input).filter(([k]) => !PROJECT_KNOWN_KEYS.has(k)))
  }

  private assertName(name: string): void {
    if (!/\S/.test(name)) throw new InvalidFieldError('project/name', `'${name}' does not match '[\\S]+'`)
    if (name.length > this.deps.flavour.iam.projectNameMaxLength) {
      throw new InvalidFieldError('project/name', `'${name}' is too long (at most ${this.deps.flavour.iam.projectNameMaxLength} characters)`)
    }
  }

  /** The clouds: `<existing region id>_<suffix>`. Region ids never contain '_'. */
  private async regionOfName(name: string): Promise<string> {
    const region = regionPrefixOf(name)
    if (region === undefined || !(await this.deps.projects.findRegion(region))) {
      throw new InvalidFieldError(
        'project/name',
        `'${name}' must start with the ID of an existing region followed by '_' and a suffix (for example '${this.deps.flavour.defaultRegions[0]!.id}_project')`,
      )
    }
    return region
  }

  private checkedDescription(description: string | null | undefined): string {
    const value = description ?? ''
    const max = descriptionLimitExceeded(this.deps.flavour, value)
    if (max !== undefined) {
      throw new InvalidFieldError('project/description', `the description is ${value.length} characters long; at most ${max} are allowed`)
    }
    return value
  }
}


function domainIdOf(entry: ProjectEntry): string {
  return 'actingDomain' in entry ? entry.actingDomain.id : entry.domain_id
}
