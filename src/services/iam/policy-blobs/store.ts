/**
 * @module What policy blobs need from storage. `find*` returns undefined when nothing matches;
 * an update or delete of no row says so in its result.
 */
import type { PolicyBlobRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

export interface PolicyBlobChanges {
  type?: string
  blob?: string
  extra?: string
}

export interface PolicyBlobStore extends TracedStore<PolicyBlobStore> {
  /** Throws ConflictError when a policy has that id. */
  createPolicy(row: PolicyBlobRow): Promise<PolicyBlobRow>
  findPolicy(id: string): Promise<PolicyBlobRow | undefined>
  /** Oldest first; only those of `type` when given. */
  listPolicies(filter: { type?: string }): Promise<PolicyBlobRow[]>
  /** Undefined when no such policy. */
  updatePolicy(id: string, changes: PolicyBlobChanges): Promise<PolicyBlobRow | undefined>
  /** False when no such policy. */
  deletePolicy(id: string): Promise<boolean>
}
