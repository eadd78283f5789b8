/**
 * @module Keystone envelopes of OS-OAUTH1 consumers: the extra attributes, then `id`,
 * `description` (null when never given), the secret only in the creation's answer, and `links`.
 */
import type { OauthConsumerRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'

export class OauthConsumerWire {
  consumer(base: string, row: OauthConsumerRow, secret?: string): unknown {
    return { consumer: this.entity(base, row, secret) }
  }

  consumerList(base: string, selfUrl: string, rows: readonly OauthConsumerRow[]): unknown {
    return { consumers: rows.map((r) => this.entity(base, r)), links: collectionLinks(selfUrl) }
  }

  private entity(base: string, row: OauthConsumerRow, secret?: string): Record<string, unknown> {
    return {
      ...JSON.parse(row.extra) as Record<string, unknown>,
      id: row.id, description: row.description, ...(secret === undefined ? {} : { secret }),
      links: { self: `${base}/v3/OS-OAUTH1/consumers/${row.id}` },
    }
  }
}
