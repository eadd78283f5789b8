/**
 * @module What the quota API reads from storage: how much of each counted type an account and a
 * region hold. Reads only; the creates that a quota limits count under a lock in their own
 * capability's store (identity, projects, roles).
 */
import type { DomainRow, ProjectRow } from '../../../db/schema.js'

/** What an account holds of the types it counts; identity providers and mappings do not exist yet. */
export interface AccountUsage {
  readonly user: number
  readonly group: number
  readonly policy: number
  /** The most grants one group of the account holds on IAM projects. */
  readonly assigment_group_mp: number
  /** The most grants one group of the account holds on enterprise projects. */
  readonly assigment_group_ep: number
  /** The most grants one user of the account holds on enterprise projects. */
  readonly assigment_user_ep: number
  readonly agency: number
  /** The most grants one agency of the account holds on it and its projects. */
  readonly assigment_agency_mp: number
}

export interface QuotaStore {
  findDomain(id: string): Promise<DomainRow | undefined>
  findProject(id: string): Promise<ProjectRow | undefined>
  accountUsage(domainId: string): Promise<AccountUsage>
  /** Custom projects under `parentId` (a region's project): the clouds' sub-projects of that region. */
  countSubProjects(parentId: string): Promise<number>
}
