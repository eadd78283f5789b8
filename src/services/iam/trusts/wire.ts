/**
 * @module Envelopes of trusts and their roles, as Keystone 22 writes them: every attribute of the
 * trust's row (`deleted_at` always null here: a deleted trust is gone), its extra attributes, and
 * on a single trust its roles in full with `roles_links`.
 */
import type { RoleRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'
import type { RoleWire } from '../roles/wire.js'
import type { TrustRecord } from './store.js'
import type { TrustView } from './service.js'

export class TrustWire {
  constructor(private readonly roles: RoleWire) {}

  trust(base: string, view: TrustView): unknown {
    const self = trustUrl(base, view.trust.id)
    return {
      trust: {
        ...this.summary(base, view.trust),
        roles: view.roles.map((r) => this.roleEntity(base, r)),
        // NOTE: Keystone 22 builds this as `<base>/v3/<id>/roles`, a URL that leads nowhere.
        roles_links: { self: `${self}/roles`, next: null, previous: null },
      },
    }
  }

  trustList(base: string, selfUrl: string, trusts: readonly TrustRecord[]): unknown {
    return { trusts: trusts.map((t) => this.summary(base, t)), links: collectionLinks(selfUrl) }
  }

  trustRoles(base: string, view: TrustView): unknown {
    return { roles: view.roles.map((r) => this.roleEntity(base, r)), links: { self: `${trustUrl(base, view.trust.id)}/roles`, next: null, previous: null } }
  }

  role(base: string, role: RoleRow): unknown {
    return this.roles.role(base, role)
  }

  private roleEntity(base: string, role: RoleRow): unknown {
    return (this.roles.role(base, role) as { role: unknown }).role
  }

  /** Extra attributes first: Keystone lays the columns over them. */
  private summary(base: string, t: TrustRecord): Record<string, unknown> {
    return {
      ...(JSON.parse(t.extra) as Record<string, unknown>),
      id: t.id,
      trustor_user_id: t.trustor_user_id,
      trustee_user_id: t.trustee_user_id,
      project_id: t.project_id,
      impersonation: t.impersonation === 1,
      expires_at: t.expires_at,
      remaining_uses: t.remaining_uses,
      deleted_at: null,
      redelegated_trust_id: t.redelegated_trust_id,
      redelegation_count: t.redelegation_count,
      links: { self: trustUrl(base, t.id) },
    }
  }
}

function trustUrl(base: string, id: string): string {
  return `${base}/v3/OS-TRUST/trusts/${id}`
}
