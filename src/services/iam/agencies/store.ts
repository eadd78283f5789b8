/**
 * @module What agencies need from storage. `find*` returns undefined when nothing matches; a
 * write that matches no row says so in its result. Refusals are thrown, as each method says:
 * `ConflictError` for a name the account already uses, `AgencyQuotaExceededError` at the cap,
 * `NotFoundError` when the account was deleted meanwhile.
 */
import type { AgencyRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

export interface AgencyFilter {
  readonly domainId: string
  readonly name?: string
  readonly trustDomainId?: string
}

export type AgencyChanges = Partial<Pick<AgencyRow, 'trust_domain_id' | 'trust_domain_name' | 'description' | 'duration' | 'expire_time'>>

export interface AgencyStore extends TracedStore<AgencyStore> {
  findAgency(id: string): Promise<AgencyRow | undefined>
  findAgencyByName(domainId: string, name: string): Promise<AgencyRow | undefined>
  /** Oldest first (ties by id). */
  listAgencies(filter: AgencyFilter): Promise<AgencyRow[]>
  /**
   * Throws AgencyQuotaExceededError when the account holds `cap` agencies already (counted under
   * a lock held to the end of the insert's transaction), ConflictError on a taken name,
   * NotFoundError when the account was deleted meanwhile.
   */
  createAgency(row: AgencyRow, cap: number | undefined): Promise<AgencyRow>
  updateAgency(id: string, changes: AgencyChanges, now: string): Promise<AgencyRow | undefined>
  /** The agency with its grants and the temporary keys made through it; false when none matched. */
  deleteAgency(id: string): Promise<boolean>
}
