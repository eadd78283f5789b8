/**
 * @module The EPS store interface: enterprise projects, their resources and the record of moves.
 * Every method takes the account first; nothing reads across accounts. Names are unique per
 * account by the store's index, so two requests racing for one name cannot both win.
 */
import type { EnterpriseProjectRow, EpMigrationRecordRow, EpResourceRow } from '../../db/schema.js'

export interface EnterpriseProjectFilter {
  readonly id?: string
  /** Substring of the name, any case. */
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

/** Why a guarded write did not happen, read after the write found no row to change. */
export type WriteRefusal = 'not_found' | 'disabled' | 'type_downgrade' | 'has_scaling_groups' | 'has_resources' | 'moved'

export interface ResourceWithProject extends EpResourceRow {
  /** The IAM project's name, '' for global resources. */
  readonly project_name: string
}

export interface ResourceFilter {
  readonly enterpriseProjectId?: string
  readonly types: readonly string[]
  /** Regional resources only in these IAM projects; global resources always match. */
  readonly projectIds: readonly string[]
  readonly nameContains?: string
  readonly offset: number
  readonly limit: number
}

export interface ResourceMove {
  readonly domainId: string
  readonly resourceType: string
  readonly resourceId: string
  readonly fromEnterpriseProjectId: string
  readonly toEnterpriseProjectId: string
  /** Also move the resources attached to it (an ECS's disks and EIPs). */
  readonly withAttached: boolean
  /** One record per moved resource, filled in by the store with each resource's own fields. */
  readonly record: Omit<EpMigrationRecordRow, 'id' | 'resource_type' | 'resource_id' | 'resource_name' | 'project_id' | 'project_name' | 'region_id' | 'associated'>
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
   * Inserts unless the account already has `quota` enterprise projects ('quota').
   * Throws ConflictError when the name is taken.
   */
  createEnterpriseProject(row: EnterpriseProjectRow, quota: number): Promise<EnterpriseProjectRow | 'quota'>
  /**
   * Changes name/description/type of an enabled project; `poc` only when it already is `poc`.
   * Throws ConflictError when the name is taken.
   */
  updateEnterpriseProject(domainId: string, id: string, changes: EnterpriseProjectChanges): Promise<EnterpriseProjectRow | WriteRefusal>
  /** Enables (1) or disables (2); disabling refuses while the project holds scaling groups. */
  setEnterpriseProjectStatus(domainId: string, id: string, status: 1 | 2, updatedAt: string): Promise<true | WriteRefusal>
  /** Deletes a project holding no resources, with every grant on it. */
  deleteEnterpriseProject(domainId: string, id: string): Promise<true | WriteRefusal>

  /** Throws ConflictError when the resource is registered already; NotFoundError for an unknown enterprise project. */
  registerResource(row: EpResourceRow): Promise<EpResourceRow>
  findResource(domainId: string, resourceType: string, resourceId: string): Promise<ResourceWithProject | undefined>
  listResources(domainId: string, filter: ResourceFilter): Promise<{ rows: ResourceWithProject[]; total: number }>
  listAllResources(domainId: string): Promise<ResourceWithProject[]>
  attachedResources(domainId: string, resourceId: string): Promise<EpResourceRow[]>
  deleteResource(domainId: string, resourceType: string, resourceId: string): Promise<boolean>
  /**
   * Moves the resource (and what is attached to it) into an enabled target project and writes a
   * record per moved resource, in one transaction. Refuses when the target is missing or
   * disabled, or the resource left the source meanwhile ('moved').
   */
  moveResource(move: ResourceMove): Promise<number | WriteRefusal>
  listMigrationRecords(domainId: string, filter: MigrationRecordFilter): Promise<EpMigrationRecordRow[]>
}
