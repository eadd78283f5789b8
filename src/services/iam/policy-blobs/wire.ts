/**
 * @module Keystone envelopes of policy blobs: the extra attributes, then `id`, `blob`, `type`
 * and `links`.
 */
import type { PolicyBlobRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'

export class PolicyBlobWire {
  policy(base: string, row: PolicyBlobRow): unknown {
    return { policy: this.entity(base, row) }
  }

  policyList(base: string, selfUrl: string, rows: readonly PolicyBlobRow[]): unknown {
    return { policies: rows.map((r) => this.entity(base, r)), links: collectionLinks(selfUrl) }
  }

  private entity(base: string, row: PolicyBlobRow): Record<string, unknown> {
    return {
      ...JSON.parse(row.extra) as Record<string, unknown>,
      id: row.id, blob: row.blob, type: row.type, links: { self: `${base}/v3/policies/${row.id}` },
    }
  }
}
