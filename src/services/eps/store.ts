/**
 * @module The EPS store interface: enterprise projects, their resources and the record of moves.
 * Every method takes the account first; nothing reads across accounts. Names are unique per
 * account by the store's index, so two requests racing for one name cannot both win.
 * A write the store refuses throws (the errors named on each method, from `errors/`), never
 * returns an outcome to decode: the error is the client's already, so nothing translates it again.
 */
import type { EnterpriseProjectRow, EpMigrationRecordRow, EpResourceRow } from '../../db/schema.js'

import type { TraceContext, TracedChange } from '../../audit/trace.js'

export interface EnterpriseProjectFilter {
  readonly id?: string
  /**
   * Substring of the name; ASCII letters match in either case, everything else as written.
   * Enterprise project names hold only ASCII letters, digits, '_', '-' and Han characters, so
   * for them this is simply "any case", and both stores agree byte for byte.
   */
  readonly nameContains?: string
  readonly status?: number
  readonly type?: string
  /** Only these ids (a caller whose grants reach some enterprise projects only). */
  readonly onlyIds?: readonly string[]
  readonly sortKey: 'created_at' | 'updated_at'
  readonly sortDir: 'asc' | 'desc'
  readonly offset: number
  readonly limit: number
}

export interface EnterpriseProjectChanges {
  readonly name: string
  readonly description?: string
  readonly type?: 'prod' | 'poc'
  readonly updatedAt: string
}

export interface ResourceWithProject extends EpResourceRow {
  /** The IAM project's name, '' for global resources. */
  readonly project_name: string
}

export interface ResourceFilter {
  readonly enterpriseProjectId?: string
  readonly types: readonly string[]
  /** Regional resources only in these IAM projects; global resources always match. */
  readonly projectIds: readonly string[]
  /** Substring of the resource name, as `EnterpriseProjectFilter.nameContains` matches. */
  readonly nameContains?: string
  readonly offset: number
  readonly limit: number
}

/** One resource of a move, as the service read (and permission-checked) it. */
export interface MovingResource {
  readonly resource: ResourceWithProject
  /** Name of the enterprise project it leaves, for the record. */
  readonly originName: string
  /** An attached resource moving with its ECS (`associated`). */
  readonly associated: boolean
}

export interface ResourceMove {
  readonly domainId: string
  readonly toEnterpriseProjectId: string
  readonly moving: readonly MovingResource[]
  /** What every record of this move shares; the store adds each resource's own fields. */
  readonly record: Pick<EpMigrationRecordRow, 'domain_id' | 'event_time' | 'user_id' | 'user_name' | 'initiate_ep_id' | 'initiate_ep_name' | 'target_ep_id' | 'target_ep_name'>
  readonly newRecordId: () => string
}

export interface MigrationRecordFilter {
  readonly from?: string
  readonly to?: string
  readonly resourceId?: string
  readonly offset: number
  readonly limit: number
}

export interface EpsStore {
  findEnterpriseProject(domainId: string, id: string): Promise<EnterpriseProjectRow | undefined>
  listEnterpriseProjects(domainId: string, filter: EnterpriseProjectFilter): Promise<{ rows: EnterpriseProjectRow[]; total: number }>
  /** Non-default enterprise projects of the account (what the quota counts). */
  countEnterpriseProjects(domainId: string): Promise<number>
  /**
   * Inserts unless the account already has `quota` enterprise projects.
   * Throws EnterpriseProjectQuotaExceededError at the quota, EnterpriseProjectNameTakenError when
   * the name is taken in the account; either way nothing is inserted.
   */
  createEnterpriseProject(row: EnterpriseProjectRow, quota: number): Promise<EnterpriseProjectRow>
  /**
   * Changes name/description/type of an enabled project; `poc` only when it already is `poc`.
   * Throws NotFoundError('enterprise project') when the account has no such project,
   * EnterpriseProjectDisabledError when it is disabled, EnterpriseProjectTypeDowngradeError for
   * `poc` on a `prod` project, EnterpriseProjectNameTakenError when the name is taken.
   */
  updateEnterpriseProject(domainId: string, id: string, changes: EnterpriseProjectChanges): Promise<EnterpriseProjectRow>
  /**
   * Enables (1) or disables (2); setting the status it has already succeeds.
   * Throws NotFoundError('enterprise project') when the account has no such project,
   * EnterpriseProjectHoldsScalingGroupsError when disabling one that holds scaling groups.
   */
  setEnterpriseProjectStatus(domainId: string, id: string, status: 1 | 2, updatedAt: string): Promise<void>
  /**
   * Deletes a project holding no resources, with every grant on it.
   * Throws NotFoundError('enterprise project') when the account has no such project,
   * EnterpriseProjectHoldsResourcesError while it holds resources.
   */
  deleteEnterpriseProject(domainId: string, id: string): Promise<void>

  /** Throws ConflictError when the resource is registered already; NotFoundError for an unknown enterprise project. */
  registerResource(row: EpResourceRow): Promise<EpResourceRow>
  findResource(domainId: string, resourceType: string, resourceId: string): Promise<ResourceWithProject | undefined>
  listResources(domainId: string, filter: ResourceFilter): Promise<{ rows: ResourceWithProject[]; total: number }>
  listAllResources(domainId: string): Promise<ResourceWithProject[]>
  attachedResources(domainId: string, resourceId: string): Promise<EpResourceRow[]>
  /** Throws NotFoundError('resource', '<type>/<id>') when the account has no such resource. */
  deleteResource(domainId: string, resourceType: string, resourceId: string): Promise<void>
  /**
   * Moves the resources into an enabled target project and writes a record per resource, in one
   * transaction: all or none. Throws NotFoundError('enterprise project') for a target the account
   * does not have, MoveTargetDisabledError for a disabled one, ResourceMovedMeanwhileError when any
   * resource is no longer in the enterprise project it was read (and checked) in.
   */
  moveResources(move: ResourceMove): Promise<void>
  listMigrationRecords(domainId: string, filter: MigrationRecordFilter): Promise<EpMigrationRecordRow[]>
  /** Writes the trace of a change; call it on the store `transaction` passes in, beside the change. */
  recordChange(trace: TraceContext, change: TracedChange): Promise<void>
  /** Runs `work` in one transaction; the store passed in sees and writes only inside it. */
  transaction<T>(work: (store: EpsStore) => Promise<T>): Promise<T>
}
