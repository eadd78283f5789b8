/**
 * @module An account's identity federation (issue 20) as an import writes it: mappings (rules
 * checked as the API checks them), providers, their protocols (a protocol's mapping must be the
 * account's), OIDC configurations and a saml protocol's metadata (read again as the API reads it).
 */
import type { FederationMappingRow, FederationProtocolRow, IdentityProviderRow, OidcConfigRow, SamlMetadataRow } from '../db/schema.js'
import { ValidationError } from '../errors/app-error.js'
import { newHexId } from '../shared/ids.js'
import { validateMappingRules } from '../services/iam/federation/mapping-rules.js'
import { parseIdpMetadata } from '../services/iam/federation/saml/metadata.js'
import { storedTime } from './document-blocks.js'
import type { StateAccount } from './state-document.js'

export interface FederationPlan {
  mappings: FederationMappingRow[]; providers: IdentityProviderRow[]; protocols: FederationProtocolRow[]; configs: OidcConfigRow[]; samlMetadata: SamlMetadataRow[]
}

type Times = (t: { created_at?: string; updated_at?: string }) => { created_at: string; updated_at: string }

export function planFederation(account: StateAccount, accountId: string, times: Times, now: string): FederationPlan {
  const mappings: FederationMappingRow[] = (account.mappings ?? []).map((m) => {
    validateMappingRules(m.rules)
    return { domain_id: accountId, id: m.id, rules: JSON.stringify(m.rules), schema_version: m.schema_version ?? '1.0', ...times(m) }
  })
  const providers: IdentityProviderRow[] = (account.identity_providers ?? []).map((p) => ({
    id: p.id, domain_id: accountId, description: p.description ?? '', enabled: p.enabled ? 1 : 0, sso_type: p.sso_type ?? 'virtual_user_sso',
    remote_ids: JSON.stringify(p.remote_ids ?? []), ...times(p),
  }))
  const protocols: FederationProtocolRow[] = (account.identity_providers ?? []).flatMap((p) => (p.protocols ?? []).map((r) => {
    if (r.mapping_id != null && !mappings.some((m) => m.id === r.mapping_id)) throw new ValidationError(`Invalid mapping id: ${r.mapping_id}`)
    return { idp_id: p.id, id: r.id, mapping_id: r.mapping_id ?? null, created_at: times(p).created_at }
  }))
  const samlMetadata: SamlMetadataRow[] = (account.identity_providers ?? []).flatMap((p) => (p.protocols ?? []).flatMap((r) => {
    if (!r.saml_metadata) return []
    const parsed = parseIdpMetadata(r.saml_metadata.data, Date.parse(now))
    return [{ idp_id: p.id, protocol_id: r.id, id: r.saml_metadata.id ?? newHexId(), domain_id: accountId, entity_id: parsed.entityId, xaccount_type: r.saml_metadata.xaccount_type,
      data: r.saml_metadata.data, signing_certificates: JSON.stringify(parsed.signingCertificates), update_time: storedTime(r.saml_metadata.update_time) ?? now }]
  }))
  const configs: OidcConfigRow[] = (account.identity_providers ?? []).flatMap((p) => (p.openid_connect_config ? [{
    idp_id: p.id, ...p.openid_connect_config, authorization_endpoint: p.openid_connect_config.authorization_endpoint ?? null, scope: p.openid_connect_config.scope ?? null,
    response_type: p.openid_connect_config.response_type ?? null, response_mode: p.openid_connect_config.response_mode ?? null, ...times(p),
  }] : []))
  return { mappings, providers, protocols, configs, samlMetadata }
}
