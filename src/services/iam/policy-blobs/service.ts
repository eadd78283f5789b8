/**
 * @module Keystone's policy blobs (`/v3/policies`, deprecated since Queens; keystone flavour):
 * a blob and a type an administrator stores and reads back. Nothing enforces them: what a
 * caller may do is decided by the policy tables in auth/policies/. Keystone's rules: the id is
 * made by the server, extra attributes are kept, and an update may not change the id.
 */
import type { PolicyBlobRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { newHexId } from '../../../shared/ids.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import { extrasOf, mergedExtra, normalizedKeys } from '../keystone-attributes.js'
import type { PolicyBlobChanges, PolicyBlobStore } from './store.js'
import type { PolicyCreateBody, PolicyListQuery, PolicyUpdateBody } from './schemas.js'

const POLICY_COLUMNS = new Set(['id', 'blob', 'type'])

/** Policy blobs belong to no domain; their traces go to the caller's account. */
const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id

/** Traces name a policy by its type (it has no name). */
const named = (row: PolicyBlobRow) => ({ ...row, name: row.type })

export interface PolicyBlobServiceOptions {
  store: PolicyBlobStore
  clock: Clock
}

export class PolicyBlobService {
  constructor(private readonly deps: PolicyBlobServiceOptions) {}

  async createPolicy(ctx: AuthContext, body: PolicyCreateBody): Promise<PolicyBlobRow> {
    const input = normalizedKeys(body.policy)
    const now = isoMicros(this.deps.clock.now())
    const row: PolicyBlobRow = {
      id: newHexId(), type: body.policy.type, blob: body.policy.blob, extra: JSON.stringify(extrasOf(input, POLICY_COLUMNS)), created_at: now,
    }
    return this.deps.store.transaction(async (tx) => {
      const created = await tx.createPolicy(row)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'createPolicy', now), creationOf('policy', named(created)))
      return created
    })
  }

  async getPolicy(id: string): Promise<PolicyBlobRow> {
    const row = await this.deps.store.findPolicy(id)
    if (!row) throw new NotFoundError('policy', id)
    return row
  }

  /** Keystone filters on `type` alone and ignores any other query parameter. */
  listPolicies(query: PolicyListQuery): Promise<PolicyBlobRow[]> {
    return this.deps.store.listPolicies({ type: query.type })
  }

  /** Unlike creation, Keystone does not rename `:`/`-` keys of an update. */
  async updatePolicy(ctx: AuthContext, id: string, body: PolicyUpdateBody): Promise<PolicyBlobRow> {
    const input: Record<string, unknown> = body.policy
    if ('id' in input && input.id !== id) throw new ValidationError('Cannot change policy ID')
    const now = isoMicros(this.deps.clock.now())
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.findPolicy(id)
      if (!before) throw new NotFoundError('policy', id)
      const changes: PolicyBlobChanges = {}
      if (body.policy.type !== undefined) changes.type = body.policy.type
      if (body.policy.blob !== undefined) changes.blob = body.policy.blob
      if (Object.keys(extrasOf(input, POLICY_COLUMNS)).length > 0) changes.extra = mergedExtra(before.extra, input, POLICY_COLUMNS)
      if (Object.keys(changes).length === 0) return before
      const after = await tx.updatePolicy(id, changes)
      if (!after) throw new NotFoundError('policy', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'updatePolicy', now), updateOf('policy', named(before), named(after)))
      return after
    })
  }

  async deletePolicy(ctx: AuthContext, id: string): Promise<void> {
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findPolicy(id)
      if (!before || !(await tx.deletePolicy(id))) throw new NotFoundError('policy', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deletePolicy', now), deletionOf('policy', named(before)))
    })
  }
}
