/**
 * @module The agency envelopes of `OS-AGENCY`, as the SDK's `AgencyCreateResult`,
 * `AgencyListResult` and `AgencyShowResult` read them: every field always present (`null` rather
 * than absent for `duration` and `expire_time`), times in UTC with microseconds and no `Z`.
 */
import type { AgencyRow } from '../../../db/schema.js'
import type { AgencyFlavour } from '../../../flavours.js'

const cloudTime = (iso: string | null) => (iso === null ? null : iso.replace(/Z$/, ''))

export class AgencyWire {
  constructor(private readonly flavour: AgencyFlavour) {}

  agency(row: AgencyRow, view: 'write' | 'read'): unknown {
    return { agency: this.entity(row, view) }
  }

  agencies(rows: readonly AgencyRow[]): unknown {
    return { agencies: rows.map((r) => this.entity(r, 'read')) }
  }

  /** HWC shows `agency_urn` when an agency is read, not in the answer to a write. */
  private entity(row: AgencyRow, view: 'write' | 'read'): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: row.id, name: row.name, domain_id: row.domain_id, trust_domain_id: row.trust_domain_id, trust_domain_name: row.trust_domain_name,
      description: row.description, duration: row.duration, expire_time: cloudTime(row.expire_time), create_time: cloudTime(row.created_at),
    }
    if (view === 'read' && this.flavour.urnAndPaging) out.agency_urn = `iam::${row.domain_id}:agency:${row.name}`
    return out
  }
}
