/**
 * @module What regions, domains (accounts) and projects need from storage, named after operations
 * rather than tables. `find*` returns undefined when nothing matches; a write that matches no row
 * says so in its result (undefined or false). Refusals are thrown, as the method says: a taken
 * name is `ConflictError`, and so is deleting what others still hang on. Every method that reads
 * tenant data takes the account (domain) id, so no query can wander into another account.
 */
import type { DomainRow, ProjectRow, RegionRow } from '../../../db/schema.js'
import { AppError } from '../../../errors/app-error.js'
import type { TracedStore } from '../traced-store.js'

/** Keystone's refusal to delete a project with children, a `ForbiddenNotSecurity`: its own sentence. */
export class ProjectNotLeafError extends AppError {
  readonly status = 403
  readonly code = 'project_not_leaf'
  constructor(projectId: string) {
    super(`Cannot delete the project ${projectId} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`, { projectId })
  }
}

export interface ProjectFilter {
  /** undefined only for a cloud-wide administrator (keystone flavour). */
  domainId?: string
  name?: string
  parentId?: string
  enabled?: boolean
  ids?: readonly string[]
  /** Keystone's tag filters (issue 16); each list is non-empty when given. */
  tags?: TagFilter
}

/** `tags` (has all), `tags-any` (has one), `not-tags` (lacks one), `not-tags-any` (has none). */
export interface TagFilter {
  all?: readonly string[]
  any?: readonly string[]
  notAll?: readonly string[]
  notAny?: readonly string[]
}

/** What `PATCH /v3/regions/{id}` may change. */
export interface RegionChanges {
  description?: string
  parent_region_id?: string | null
  extra?: string
}

export interface Page { offset: number; limit: number }

export interface ProjectChanges {
  name?: string
  description?: string
  enabled?: boolean
  tags?: string
  options?: string
  extra?: string
}

/** Conditions the row must meet for an update to apply; a row that fails them is left alone. */
export interface ProjectUpdateGuard {
  kind?: ProjectRow['kind']
  regionId?: string
}

export type DomainChanges = Partial<Pick<DomainRow, 'name' | 'description' | 'enabled'>>

export interface ProjectStore extends TracedStore<ProjectStore> {
  // accounts (domains)
  findDomain(id: string): Promise<DomainRow | undefined>
  findDomainByName(name: string): Promise<DomainRow | undefined>
  listDomains(filter: { ids?: readonly string[]; name?: string; enabled?: boolean }): Promise<DomainRow[]>
  /** Throws ConflictError when the name is taken. */
  createDomain(row: DomainRow): Promise<DomainRow>
  /** The enterprise project `0` (`default`) every cloud account has from its creation (EPS reads it). */
  createDefaultEnterpriseProject(domainId: string, now: string): Promise<void>
  /** Undefined when no such domain. Throws ConflictError when the new name is taken. */
  updateDomain(id: string, changes: DomainChanges, now: string): Promise<DomainRow | undefined>
  /**
   * Also deletes what the domain owns, as Keystone does: its projects, users and groups, with
   * their grants, memberships and keys, and the grants on the domain, in one transaction (the
   * caller's, if any); false when no such domain.
   */
  deleteDomain(id: string): Promise<boolean>
  /** Whether the user holds a role on the system scope, directly or through a group (Keystone). */
  holdsSystemRole(userId: string): Promise<boolean>
  /** Domains on which the user holds a role for the domain itself (not inherited to its projects), directly or through a group. */
  listDomainsForUser(userId: string): Promise<DomainRow[]>

  // regions
  listRegions(filter?: { parentRegionId?: string }): Promise<RegionRow[]>
  findRegion(id: string): Promise<RegionRow | undefined>
  /** Inserts unless a region with that id exists. */
  upsertRegion(row: RegionRow): Promise<void>
  /** Throws ConflictError when a region has that id. */
  createRegion(row: RegionRow): Promise<RegionRow>
  /** Undefined when no such region. */
  updateRegion(id: string, changes: RegionChanges): Promise<RegionRow | undefined>
  /** Deletes these regions; how many there were. Throws RegionDeletionError (naming the first) while an endpoint is in one. */
  deleteRegions(ids: readonly string[]): Promise<number>

  // projects
  findProject(id: string): Promise<ProjectRow | undefined>
  findProjectByName(domainId: string, name: string): Promise<ProjectRow | undefined>
  /** In list order: region projects first, then by name. */
  listProjects(filter: ProjectFilter, page?: Page): Promise<ProjectRow[]>
  /**
   * The same list, a batch of rows at a time: however long it is, one batch is in memory. The
   * first batch is read before the promise settles, so an unreachable store fails it.
   */
  iterateProjects(filter: ProjectFilter): Promise<AsyncIterable<ProjectRow[]>>
  /**
   * Throws ConflictError when the name is taken in the account, ProjectQuotaExceededError when
   * `limit` is given and the parent (a region's project) already has that many custom
   * sub-projects (counted under a lock).
   */
  createProject(row: ProjectRow, limit?: number): Promise<ProjectRow>
  /**
   * Updates only inside `domainId` and only a row meeting `guard`; undefined when none matched.
   * Throws ConflictError when the new name is taken in the account.
   */
  updateProject(domainId: string, id: string, changes: ProjectChanges, now: string, guard?: ProjectUpdateGuard): Promise<ProjectRow | undefined>
  /**
   * `updateProject` that also returns the row as it was before (what an audited change records),
   * read under the row's lock inside a transaction. Undefined when no row matched; throws as
   * `updateProject`.
   */
  updateProjectWithBefore(domainId: string, id: string, changes: ProjectChanges, now: string, guard?: ProjectUpdateGuard): Promise<{ before: ProjectRow; after: ProjectRow } | undefined>
  /** False when the account has no such project. */
  setProjectStatus(domainId: string, id: string, status: ProjectRow['status'], now: string): Promise<boolean>
  /**
   * Also ends the grants on the project; false when the account has no such project. Throws
   * ProjectNotLeafError while other projects name it as parent.
   */
  deleteProject(domainId: string, id: string): Promise<boolean>
  /**
   * Projects on which the user holds a role, directly, through a group, or inherited from the
   * domain; in one domain, or in every domain when none is given (Keystone).
   */
  listProjectsForUser(userId: string, domainId?: string): Promise<ProjectRow[]>
  /** The same list, a batch of rows at a time (as `iterateProjects`). */
  iterateProjectsForUser(userId: string, domainId?: string): Promise<AsyncIterable<ProjectRow[]>>
}
