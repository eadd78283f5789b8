/**
 * @module What federation needs from storage: identity providers (ids unique server-wide),
 * mappings (per account), protocols and OIDC configurations (per provider, going with it), the
 * virtual users federated sign-ins make, and token revocations federated tokens check.
 */
import type { FederatedUserRow, FederationMappingRow, FederationProtocolRow, IdentityProviderRow, OidcConfigRow, ProjectRow, UserRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

/** Account-level limits on providers (spec §1.1, OQ-12), checked under the account's lock. */
export interface ProviderLimits {
  /** At most this many providers per account. */
  readonly perAccount: number
}

export interface FederationStore extends TracedStore<FederationStore> {
  /**
   * Throws ConflictError (409) when the id is taken (in any account), when the account's providers
   * are of the other `sso_type`, when it would hold a second `iam_user_sso` provider, or when it
   * holds `limits.perAccount` already.
   */
  createIdentityProvider(row: IdentityProviderRow, limits: ProviderLimits): Promise<IdentityProviderRow>
  /** In any account: token exchanges name a provider without one. */
  findIdentityProvider(id: string): Promise<IdentityProviderRow | undefined>
  listIdentityProviders(domainId: string): Promise<IdentityProviderRow[]>
  updateIdentityProvider(id: string, patch: Partial<Pick<IdentityProviderRow, 'description' | 'enabled' | 'remote_ids' | 'updated_at'>>): Promise<IdentityProviderRow | undefined>
  /** Its protocols and OIDC configuration go with it. False when there was none. */
  deleteIdentityProvider(id: string): Promise<boolean>

  /** Throws ConflictError (409) when the account has a mapping of that id. */
  createMapping(row: FederationMappingRow): Promise<FederationMappingRow>
  findMapping(domainId: string, id: string): Promise<FederationMappingRow | undefined>
  listMappings(domainId: string): Promise<FederationMappingRow[]>
  updateMapping(domainId: string, id: string, patch: Pick<FederationMappingRow, 'rules' | 'updated_at'> & Partial<Pick<FederationMappingRow, 'schema_version'>>): Promise<FederationMappingRow | undefined>
  deleteMapping(domainId: string, id: string): Promise<boolean>
  /** The protocols of the account's providers that use the mapping. */
  protocolsUsingMapping(domainId: string, mappingId: string): Promise<FederationProtocolRow[]>

  /** Throws ConflictError (409) when the provider has that protocol (or, `onlyOne`, any protocol). */
  createProtocol(row: FederationProtocolRow, onlyOne: boolean): Promise<FederationProtocolRow>
  findProtocol(idpId: string, id: string): Promise<FederationProtocolRow | undefined>
  listProtocols(idpId: string): Promise<FederationProtocolRow[]>
  updateProtocol(idpId: string, id: string, mappingId: string | null): Promise<FederationProtocolRow | undefined>
  deleteProtocol(idpId: string, id: string): Promise<boolean>

  /** Throws ConflictError (409) when the provider has one already. */
  createOidcConfig(row: OidcConfigRow): Promise<OidcConfigRow>
  findOidcConfig(idpId: string): Promise<OidcConfigRow | undefined>
  updateOidcConfig(idpId: string, patch: Partial<Omit<OidcConfigRow, 'idp_id' | 'created_at'>>): Promise<OidcConfigRow | undefined>

  /** Creates the virtual user or, when (account, name) has one, records the sign-in on it. */
  upsertFederatedUser(row: FederatedUserRow): Promise<FederatedUserRow>
  findFederatedUser(id: string): Promise<FederatedUserRow | undefined>
  /** The IAM user of the account whose external identity (`xuser_type` TenantIdp) is `xuserId` (iam_user_sso). */
  findUserByExternalId(domainId: string, xuserId: string): Promise<UserRow | undefined>

  /**
   * Projects of the account on which one of the groups holds a role: granted on the project (or
   * a parent, inherited) or on every project of the account (spec §6.3). By name.
   */
  listProjectsForGroups(domainId: string, groupIds: readonly string[]): Promise<ProjectRow[]>
  /** Whether the token of that audit id was revoked. */
  isRevoked(auditId: string): Promise<boolean>
}
