/**
 * @module Keystone envelopes of users and groups. Keystone keeps a user's extra attributes and
 * shows them as fields; the clouds add a group's creation time.
 */
import type { Flavour } from '../../../flavours.js'
import type { GroupRow, UserRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'

/** Keystone's `/v3/users` words for a password's strength on the clouds (spec §3.5, §9). */
const KEYSTONE_STRENGTH = { low: 'low', medium: 'mid', strong: 'high', none: null } as const

/** The clouds' Java timestamp text, `2020-07-08 02:19:03.0`: seconds, then the fraction without trailing zeros. */
function javaTime(iso: string | null): string | null {
  if (iso === null) return null
  const [date, time] = iso.replace(/Z$/, '').split('T') as [string, string]
  const [seconds, fraction = '0'] = time.split('.')
  return `${date} ${seconds}.${fraction.slice(0, 3).replace(/0+$/, '') || '0'}`
}

export class IdentityWire {
  private readonly flavour: Flavour

  constructor({ flavour }: { flavour: Flavour }) {
    this.flavour = flavour
  }

  user(base: string, row: UserRow): unknown {
    return { user: this.userEntity(base, row) }
  }

  userList(base: string, selfUrl: string, rows: readonly UserRow[]): unknown {
    return { users: rows.map((u) => this.userEntity(base, u, true)), links: collectionLinks(selfUrl) }
  }

  group(base: string, row: GroupRow): unknown {
    return { group: this.groupEntity(base, row) }
  }

  groupList(base: string, selfUrl: string, rows: readonly GroupRow[]): unknown {
    return { groups: rows.map((g) => this.groupEntity(base, g)), links: collectionLinks(selfUrl) }
  }

  private userEntity(base: string, row: UserRow, listing = false): Record<string, unknown> {
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
    const osUser = this.flavour.iam.osUser
    if (osUser) {
      // The clouds' additions (spec §3.5): the first-login flag, the access mode, the strength.
      out.pwd_status = row.pwd_status === 1
      if (row.last_project_id) out.last_project_id = row.last_project_id
      out.access_mode = row.access_mode
      out.description = row.description
      if (listing || osUser.strengthOnKeystoneShow) out.pwd_strength = KEYSTONE_STRENGTH[row.pwd_strength ?? 'none']
    }
    return out
  }

  // ---- Huawei's user API (/v3.0/OS-USER/users)

  /** 201 of createUser (SDK `CreateUserResult`): unset strings are `""`, times as the create example. */
  osUserCreated(row: UserRow): unknown {
    return {
      user: {
        ...this.osUserProfile(row), is_domain_owner: row.is_domain_owner === 1, xdomain_id: '', xdomain_type: '',
        create_time: row.created_at.replace(/Z$/, ''),
        ...(row.password_expires_at === null ? {} : { password_expires_at: row.password_expires_at }),
        ...(row.default_project_id === null ? {} : { default_project_id: row.default_project_id }),
      },
    }
  }

  /** 200 of showUser (SDK `ShowUserResult`): times as `2020-07-08 02:19:03.0`, null when never. */
  osUserShown(base: string, row: UserRow): unknown {
    const words = this.flavour.iam.osUser!.strengthWords
    return {
      user: {
        ...this.osUserProfile(row),
        phone: row.phone ?? '-',
        links: { self: `${base}/v3.0/OS-USER/users/${row.id}`, previous: null, next: null },
        is_domain_owner: row.is_domain_owner === 1,
        pwd_strength: row.password_hash === null ? 'None' : row.pwd_strength === null ? null : words[row.pwd_strength],
        create_time: javaTime(row.created_at),
        update_time: javaTime(row.updated_at),
        last_login_time: javaTime(row.last_login_at),
        pwd_create_time: javaTime(row.password_changed_at),
        modify_pwd_time: javaTime(row.password_changed_at),
      },
    }
  }

  /** 200 of updateUser (SDK `UpdateUserResult`); `password_expires_at` omitted when null. */
  osUserUpdated(base: string, row: UserRow): unknown {
    return {
      user: {
        ...this.osUserProfile(row), links: { self: `${base}/v3.0/OS-USER/users/${row.id}` },
        is_domain_owner: row.is_domain_owner === 1, xdomain_id: '', xdomain_type: '', create_time: row.created_at.replace(/Z$/, ''),
        ...(row.password_expires_at === null ? {} : { password_expires_at: row.password_expires_at }),
      },
    }
  }

  private osUserProfile(row: UserRow): Record<string, unknown> {
    return {
      id: row.id, name: row.name, domain_id: row.domain_id, enabled: row.enabled === 1, description: row.description,
      pwd_status: row.pwd_status === 1, access_mode: row.access_mode, email: row.email ?? '', areacode: row.areacode ?? '',
      phone: row.phone ?? '', xuser_id: row.xuser_id ?? '', xuser_type: row.xuser_type ?? '',
    }
  }

  private groupEntity(base: string, row: GroupRow): Record<string, unknown> {
    const out: Record<string, unknown> = { id: row.id, name: row.name, domain_id: row.domain_id, description: row.description, links: { self: `${base}/v3/groups/${row.id}` } }
    // The clouds add the creation time, in epoch milliseconds.
    if (!this.flavour.iam.keystoneIdentityShape) out.create_time = Date.parse(row.created_at)
    return out
  }
}
