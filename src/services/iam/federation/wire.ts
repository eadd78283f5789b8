/**
 * @module Envelopes of identity providers, mappings, protocols and OIDC configurations (spec
 * iam-federation.md §1–3, §5.1; SDK `IdentityprovidersResult`, `MappingResult`, `ProtocolResult`,
 * `OpenIdConnectConfig`), in the clouds' shape or Keystone's (§7). Rules go back exactly as stored.
 */
import type { FederationMappingRow, FederationProtocolRow, IdentityProviderRow, OidcConfigRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'

const FEDERATION = '/v3/OS-FEDERATION'

export class FederationWire {
  constructor(private readonly keystone: boolean) {}

  identityProvider(base: string, row: IdentityProviderRow): unknown {
    return { identity_provider: this.providerEntity(base, row) }
  }

  identityProviderList(base: string, self: string, rows: readonly IdentityProviderRow[]): unknown {
    return { identity_providers: rows.map((r) => this.providerEntity(base, r)), links: collectionLinks(self) }
  }

  private providerEntity(base: string, row: IdentityProviderRow): Record<string, unknown> {
    const self = providerUrl(base, row.id)
    const links = { self, protocols: `${self}/protocols` }
    if (this.keystone) {
      return {
        id: row.id, description: row.description === '' ? null : row.description, enabled: row.enabled === 1,
        remote_ids: JSON.parse(row.remote_ids) as string[], domain_id: row.domain_id, authorization_ttl: null, links,
      }
    }
    // The clouds' remote_ids are read-only and always empty (spec §1.1, OQ-13).
    return { id: row.id, description: row.description, enabled: row.enabled === 1, sso_type: row.sso_type, remote_ids: [], links }
  }

  mapping(base: string, row: FederationMappingRow): unknown {
    return { mapping: this.mappingEntity(base, row) }
  }

  mappingList(base: string, self: string, rows: readonly FederationMappingRow[]): unknown {
    return { mappings: rows.map((r) => this.mappingEntity(base, r)), links: collectionLinks(self) }
  }

  private mappingEntity(base: string, row: FederationMappingRow): Record<string, unknown> {
    return {
      id: row.id, rules: JSON.parse(row.rules) as unknown, ...(this.keystone ? { schema_version: row.schema_version } : {}),
      links: { self: `${base}${FEDERATION}/mappings/${row.id}` },
    }
  }

  protocol(base: string, row: FederationProtocolRow): unknown {
    return { protocol: this.protocolEntity(base, row) }
  }

  protocolList(base: string, self: string, rows: readonly FederationProtocolRow[]): unknown {
    return { protocols: rows.map((r) => this.protocolEntity(base, r)), links: collectionLinks(self) }
  }

  private protocolEntity(base: string, row: FederationProtocolRow): Record<string, unknown> {
    const idp = providerUrl(base, row.idp_id)
    return { id: row.id, mapping_id: row.mapping_id, links: { identity_provider: idp, self: `${idp}/protocols/${row.id}` } }
  }

  /** HWC shows the console-only fields as null in `program` mode (spec §5.1). */
  oidcConfig(row: OidcConfigRow, shown = false): unknown {
    const console = row.access_mode === 'program_console' || !shown
    return {
      openid_connect_config: {
        access_mode: row.access_mode, idp_url: row.idp_url, client_id: row.client_id,
        authorization_endpoint: console ? row.authorization_endpoint : null, scope: console ? row.scope : null,
        response_type: console ? row.response_type : null, response_mode: console ? row.response_mode : null,
        signing_key: row.signing_key,
      },
    }
  }
}

function providerUrl(base: string, id: string): string {
  return `${base}${FEDERATION}/identity_providers/${id}`
}
