/**
 * @module Bodies of the SAML metadata routes, as the SDK's `CreateMetadataResponse` and
 * `ShowMetadataResponse` read them: flat, not wrapped.
 */
import type { SamlMetadataRow } from '../../../../db/schema.js'

export const METADATA_IMPORTED = { message: 'Import metadata successful' } as const

/** `update_time` is UTC with six fractional digits and no `Z`, as the clouds write it (spec §4.2). */
export function metadataBody(row: SamlMetadataRow) {
  return {
    id: row.id, idp_id: row.idp_id, entity_id: row.entity_id, protocol_id: row.protocol_id, domain_id: row.domain_id,
    xaccount_type: row.xaccount_type, update_time: row.update_time.replace(/Z$/, ''), data: row.data,
  }
}
