/**
 * @module What trusts need from storage. A trust is found only while its trustor, its trustee and
 * its project (when it names one) exist: Keystone deletes a user's and a project's trusts with
 * them, and here the missing row says the same without a hook in those capabilities.
 */
import type { TrustRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

/** A trust with the ids of the roles it delegates. */
export interface TrustRecord extends TrustRow { readonly roleIds: readonly string[] }

export interface TrustFilter { trustorUserId?: string; trusteeUserId?: string; redelegatedTrustId?: string }

/** How using a trust for a token went (`consumeUse`). */
export type TrustUse = 'unlimited' | 'consumed' | 'exhausted' | 'missing'

export interface TrustStore extends TracedStore<TrustStore> {
  /** Throws ConflictError when the same trustor, trustee, project, impersonation and expiry are stored already. */
  createTrust(row: TrustRow, roleIds: readonly string[]): Promise<TrustRecord>
  /** Whatever its expiry and remaining uses; undefined when deleted or orphaned (see above). */
  findTrust(id: string): Promise<TrustRecord | undefined>
  /** Without their roles (`roleIds` empty), oldest first. */
  listTrusts(filter: TrustFilter): Promise<TrustRecord[]>
  /** False when there was no such trust. */
  deleteTrust(id: string): Promise<boolean>
  /**
   * One use of a trust with `remaining_uses`, taken by a compare-and-set on the count, so two
   * tokens issued at once never both take the last use.
   */
  consumeUse(id: string): Promise<TrustUse>
}
