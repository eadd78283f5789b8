/**
 * @module What domain-specific configuration needs from storage: the options of a domain,
 * each one row. Every write takes the domain's id; a domain deleted meanwhile is NotFoundError.
 */
import type { DomainConfigOptionRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

/** A group, or one option of it; neither means the whole configuration. */
export interface ConfigSelection { group?: string; option?: string }

export interface DomainConfigStore extends TracedStore<DomainConfigStore> {
  /**
   * Holds off other writers of the domain's configuration until the transaction ends, so that
   * a check of what is stored and the write that follows it see the same configuration.
   */
  lockDomainConfig(domainId: string): Promise<void>
  /** By group, then option. */
  listOptions(domainId: string, selection?: ConfigSelection): Promise<DomainConfigOptionRow[]>
  /** Writes each option, replacing a stored one. Throws NotFoundError when the domain is gone. */
  putOptions(rows: readonly DomainConfigOptionRow[]): Promise<void>
  /** How many options were deleted. */
  deleteOptions(domainId: string, selection?: ConfigSelection): Promise<number>
}
