/**
 * @module Keystone envelopes of users and groups. Keystone keeps a user's extra attributes and
 * shows them as fields; the clouds add a group's creation time.
 */
import type { Flavour } from '../../../flavours.js'
import type { GroupRow, UserRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'

export class IdentityWire {
  private readonly flavour: Flavour

  constructor({ flavour }: { flavour: Flavour }) {
    this.flavour = flavour
  }

  user(base: string, row: UserRow): unknown {
    return { user: this.userEntity(base, row) }
  }

  userList(base: string, selfUrl: string, rows: readonly UserRow[]): unknown {
    return { users: rows.map((u) => this.userEntity(base, u)), links: collectionLinks(selfUrl) }
  }

  group(base: string, row: GroupRow): unknown {
    return { group: this.groupEntity(base, row) }
  }

  groupList(base: string, selfUrl: string, rows: readonly GroupRow[]): unknown {
    return { groups: rows.map((g) => this.groupEntity(base, g)), links: collectionLinks(selfUrl) }
  }

  private userEntity(base: string, row: UserRow): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ...JSON.parse(row.extra),
      id: row.id,
      name: row.name,
      domain_id: row.domain_id,
      enabled: row.enabled === 1,
      password_expires_at: row.password_expires_at,
      links: { self: `${base}/v3/users/${row.id}` },
    }
    if (row.description !== '' || !this.flavour.iam.keystoneIdentityShape) out.description = row.description
    if (row.email !== null) out.email = row.email
    if (row.default_project_id !== null) out.default_project_id = row.default_project_id
    if (this.flavour.iam.keystoneIdentityShape) out.options = out.options ?? {}
    return out
  }

  private groupEntity(base: string, row: GroupRow): Record<string, unknown> {
    const out: Record<string, unknown> = { id: row.id, name: row.name, domain_id: row.domain_id, description: row.description, links: { self: `${base}/v3/groups/${row.id}` } }
    // The clouds add the creation time, in epoch milliseconds.
    if (!this.flavour.iam.keystoneIdentityShape) out.create_time = Date.parse(row.created_at)
    return out
  }
}
