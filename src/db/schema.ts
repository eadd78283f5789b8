/**
 * @module Row types of every table, as Kysely sees them. They mirror `migrations/*.sql`;
 * booleans are 0/1 integers so one query works on SQLite and PostgreSQL alike.
 */
export interface DomainRow { id: string; name: string; description: string; enabled: number; created_at: string; updated_at: string }
export interface RegionRow {
  id: string; type: string; description: string; parent_region_id: string | null; locales: string
  /** Keystone's extra attributes, as JSON (migration 0013). */
  extra: string
  /** 1 for the regions the server started with, where the catalog's first start seeds endpoints; 0 for one created through the API (0013). */
  has_endpoints: number
}
export interface ProjectRow {
  id: string; domain_id: string; name: string; description: string; parent_id: string
  kind: 'region' | 'custom'; region_id: string | null; enabled: number; status: 'normal' | 'suspended'
  suspended_at: string | null; tags: string; options: string; extra: string; created_at: string; updated_at: string
}
export interface UserRow {
  id: string; domain_id: string; name: string; password_hash: string | null; enabled: number
  password_expires_at: string | null; default_project_id: string | null; created_at: string; updated_at: string
  description: string; email: string | null
  /** JSON object of Keystone extra attributes. */
  extra: string
  /** Tokens issued at or before this ISO time are no longer valid; '' when none were cut off. */
  tokens_valid_after: string
  failed_logins: number; failure_window_started_at: string | null; locked_until: string | null; last_login_at: string | null
  /** The project of the last project-scoped login (migration 0011); the clouds' `last_project_id`. */
  last_project_id: string | null
  /** Huawei's profile (OS-USER): `areacode` and `phone` go together, as do `xuser_type` and `xuser_id`. */
  areacode: string | null; phone: string | null; access_mode: 'default' | 'programmatic' | 'console'
  /** 1: the user must change its password at the next login. */
  pwd_status: number; xuser_type: string | null; xuser_id: string | null
  password_changed_at: string | null; pwd_strength: 'low' | 'medium' | 'strong' | null
  /** 1 for the administrator the account was created with. */
  is_domain_owner: number
}
export interface GroupRow { id: string; domain_id: string; name: string; description: string; created_at: string }
export interface GroupMemberRow { group_id: string; user_id: string }
export interface RoleRow {
  id: string; domain_key: string; name: string; display_name: string; description: string; description_cn: string
  type: 'AX' | 'XA' | 'AA'; catalog: string; flag: string
  /** JSON permission document, see auth/policy-document.ts. */
  policy: string
  created_at: string; updated_at: string
}
export interface RoleAssignmentRow {
  actor_type: 'user' | 'group' | 'agency'; actor_id: string; target_type: 'domain' | 'project' | 'system' | 'enterprise_project'
  target_id: string; role_id: string; inherited: number
}
/** A Keystone inference rule (migration 0012): holding `prior_role_id` means holding `implied_role_id`. */
export interface ImpliedRoleRow { prior_role_id: string; implied_role_id: string }
export interface CredentialRow {
  access: string; user_id: string
  /** Sealed with the server's credential key; see auth/secret-box.ts. */
  secret: string
  status: 'active' | 'inactive'; description: string
  kind: 'permanent' | 'temporary'; slot: number | null
  security_token_hash: string | null; expires_at: string | null
  created_at: string; last_used_at: string | null
  /** A temporary key made by assuming this agency (migration 0010); null otherwise. */
  agency_id: string | null
  /** The session name given when the agency was assumed (`session_user.name`). */
  session_name: string | null
}
/**
 * Keystone's credentials and EC2 credentials (migration 0015). blob: sealed with the server's
 * credential key (auth/secret-box.ts); extra: the body's other attributes as JSON.
 */
export interface KeystoneCredentialRow {
  id: string; user_id: string; project_id: string | null; type: string
  blob: string; extra: string; created_at: string
}
/** Migration 0010. duration: the client's value echoed back; expire_time null = never expires. */
export interface AgencyRow {
  id: string; domain_id: string; name: string
  /** Null for a cloud-service agency (`op_svc_*`). */
  trust_domain_id: string | null; trust_domain_name: string
  description: string; duration: string | null; expire_time: string | null
  created_at: string; updated_at: string
}
export interface EnterpriseProjectRow {
  domain_id: string; id: string; name: string; description: string
  /** 1 enabled, 2 disabled, as EPS spells it. */
  status: number
  type: 'prod' | 'poc'; created_at: string; updated_at: string
}
export interface EpResourceRow {
  domain_id: string; resource_type: string; resource_id: string; resource_name: string
  /** '' for global resource types. */
  project_id: string; region_id: string; enterprise_project_id: string
  attached_to: string | null
  /** JSON object or null. */
  detail: string | null
  created_at: string; updated_at: string
}
export interface EpMigrationRecordRow {
  id: string; domain_id: string; event_time: string; user_id: string; user_name: string
  resource_type: string; resource_id: string; resource_name: string; project_id: string; project_name: string; region_id: string
  associated: number
  initiate_ep_id: string; initiate_ep_name: string; origin_ep_id: string; origin_ep_name: string; target_ep_id: string; target_ep_name: string
}
export interface CocFavouritesRow {
  id: string; domain_id: string; user_id: string
  /** JSON array of enterprise project ids, in the user's order. */
  ep_ids: string
  created_at: string; updated_at: string
}
export interface AuditTraceRow {
  id: string; domain_id: string
  /** ISO time with microseconds, as every other row's times. */
  time: string
  service_type: string; trace_name: string; trace_type: string
  resource_type: string; resource_id: string; resource_name: string
  user_id: string; user_name: string; user_domain_id: string; user_domain_name: string
  source_ip: string; request_id: string; user_agent: string
  /** JSON text, secrets removed: after whole (null after a deletion), before as the columns it changed (whole when there is no after). */
  before_state: string | null; after_state: string | null
  /** JSON `{"user":{id,name},"domain":{id,name}}` of whoever assumed the agency acting; null otherwise. */
  assumed_by: string | null
}
export interface TokenKeyRow { id: string; secret: string; created_at: string }
export interface RevokedTokenRow { audit_id: string; expires_at: string; revoked_at: string }
export interface SchemaMigrationRow { version: string; applied_at: string }
/** Migration 0023: a count of changes per account and list, bumped by triggers (db/keyset-pages.ts). */
export interface ListGenerationRow { list_name: string; domain_id: string; generation: number | string }
/** A range of an account's project list (migration 0024): from its first key, `n` rows. */
export interface ProjectBucketRow { domain_id: string; kind: string; name: string; id: string; n: number }
/** A range of an account's enterprise projects in created_at order (migration 0024). */
export interface EnterpriseProjectBucketRow { domain_id: string; created_at: string; id: string; n: number }
/** The catalog (migration 0014): `extra` is a JSON object of Keystone's other attributes. */
export interface CatalogServiceRow { id: string; type: string; name: string; enabled: number; extra: string; created_at: string }
export interface CatalogEndpointRow {
  id: string; service_id: string; interface: string; region_id: string | null
  /** Absolute, or (seeded endpoints only) a path under the server's public base URL. */
  url: string
  enabled: number; extra: string; created_at: string
}
export interface EndpointGroupRow { id: string; name: string; description: string | null; filters: string; created_at: string }
export interface ProjectEndpointRow { endpoint_id: string; project_id: string }
export interface ProjectEndpointGroupRow { endpoint_group_id: string; project_id: string }
export interface CatalogSeedRow { id: string }
/** Keystone's trusts (migration 0016); `impersonation` 0/1, `extra` a JSON object. */
export interface TrustRow {
  id: string; trustor_user_id: string; trustee_user_id: string; project_id: string | null; impersonation: number
  expires_at: string | null; remaining_uses: number | null; redelegated_trust_id: string | null; redelegation_count: number | null
  extra: string; created_at: string
}
export interface TrustRoleRow { trust_id: string; role_id: string }
/** Keystone's application credentials (migration 0017); `unrestricted` is null when never said. */
export interface ApplicationCredentialRow {
  id: string; user_id: string; project_id: string; name: string; description: string | null
  secret_hash: string; expires_at: string | null; unrestricted: number | null; created_at: string
}
export interface ApplicationCredentialRoleRow { application_credential_id: string; role_id: string }
export interface AccessRuleRow { id: string; user_id: string; service: string; path: string; method: string; created_at: string }
export interface ApplicationCredentialAccessRuleRow { application_credential_id: string; access_rule_id: string }
// ---- keystone flavour: stored-only APIs (migration 0018)
/** An OAuth1 consumer; `secret` is sealed, `extra` a JSON object of free attributes. */
export interface OauthConsumerRow { id: string; description: string | null; secret: string; extra: string; created_at: string }
/** One option of a domain's configuration; `value` is JSON (sealed when `sensitive` is 1). */
export interface DomainConfigOptionRow { domain_id: string; group_name: string; option_name: string; value: string; sensitive: number }
/** A policy blob of `/v3/policies`; `extra` a JSON object of free attributes. */
export interface PolicyBlobRow { id: string; type: string; blob: string; extra: string; created_at: string }
// ---- account security (migration 0019)
/** One of an account's security policies (`kind`: password, login, protect, console_acl, api_acl); `body` a JSON object. */
export interface SecurityPolicyRow { domain_id: string; kind: string; body: string; updated_at: string }
/** A password a user has had (the current one included), as its argon2id hash. */
export interface PasswordHistoryRow { user_id: string; set_at: string; password_hash: string }
// ---- issue 18: virtual MFA, login protection, the outbox (migration 0020)
/** A user's virtual MFA device; `seed_sealed` sealed (secret-box.ts), `bound` 0/1, `last_used_step` the last TOTP step accepted. */
export interface MfaDeviceRow {
  user_id: string; domain_id: string; name: string; serial_number: string; seed_sealed: string
  bound: number; last_used_step: number | null; created_at: string; bound_at: string | null
}
/** A user's login protection; `verification_method` is `none` while disabled; flags 0/1. */
export interface LoginProtectRow { user_id: string; domain_id: string; enabled: number; verification_method: string; api_login_protection: number; updated_at: string }
/** A code the clouds would send by SMS or e-mail, kept for the operator. */
export interface OutboxMessageRow {
  id: string; user_id: string; domain_id: string; channel: string; destination: string; purpose: string
  code: string; created_at: string; expires_at: string; used_at: string | null
}
/** SAML metadata imported for an identity provider's protocol (migration 0022); `signing_certificates` a JSON array of PEM. */
export interface SamlMetadataRow {
  idp_id: string; protocol_id: string; id: string; domain_id: string; entity_id: string; xaccount_type: string
  data: string; signing_certificates: string; update_time: string
}
/** The SAML replay cache (migration 0022): assertion ids used for a token, until they expire. */
export interface SamlAssertionRow { idp_id: string; assertion_id: string; expires_at: string }

// ---- identity federation (migration 0021)
/** An identity provider; `id` unique server-wide, `enabled` 0/1, `remote_ids` a JSON array of strings. */
export interface IdentityProviderRow {
  id: string; domain_id: string; description: string; enabled: number; sso_type: string; remote_ids: string; created_at: string; updated_at: string
}
/** A mapping of an account; `rules` is the JSON text as sent. */
export interface FederationMappingRow { domain_id: string; id: string; rules: string; schema_version: string; created_at: string; updated_at: string }
export interface FederationProtocolRow { idp_id: string; id: string; mapping_id: string | null; created_at: string }
/** A provider's OpenID Connect configuration; `signing_key` is the JWKS as JSON text. */
export interface OidcConfigRow {
  idp_id: string; access_mode: string; idp_url: string; client_id: string; authorization_endpoint: string | null
  scope: string | null; response_type: string | null; response_mode: string | null; signing_key: string; created_at: string; updated_at: string
}
/** A virtual user federated sign-ins make, one per (account, mapped name). */
export interface FederatedUserRow { id: string; domain_id: string; name: string; idp_id: string; protocol_id: string; created_at: string; last_login_at: string }

export interface Database {
  domains: DomainRow
  regions: RegionRow
  projects: ProjectRow
  users: UserRow
  user_groups: GroupRow
  group_members: GroupMemberRow
  roles: RoleRow
  role_assignments: RoleAssignmentRow
  implied_roles: ImpliedRoleRow
  credentials: CredentialRow
  agencies: AgencyRow
  enterprise_projects: EnterpriseProjectRow
  ep_resources: EpResourceRow
  ep_migration_records: EpMigrationRecordRow
  coc_favourites: CocFavouritesRow
  audit_traces: AuditTraceRow
  token_keys: TokenKeyRow
  revoked_tokens: RevokedTokenRow
  application_credentials: ApplicationCredentialRow
  application_credential_roles: ApplicationCredentialRoleRow
  access_rules: AccessRuleRow
  application_credential_access_rules: ApplicationCredentialAccessRuleRow
  schema_migrations: SchemaMigrationRow
  list_generations: ListGenerationRow
  project_buckets: ProjectBucketRow
  enterprise_project_buckets: EnterpriseProjectBucketRow
  catalog_services: CatalogServiceRow
  catalog_endpoints: CatalogEndpointRow
  endpoint_groups: EndpointGroupRow
  project_endpoints: ProjectEndpointRow
  project_endpoint_groups: ProjectEndpointGroupRow
  catalog_seed: CatalogSeedRow
  keystone_credentials: KeystoneCredentialRow
  trusts: TrustRow
  trust_roles: TrustRoleRow
  oauth_consumers: OauthConsumerRow
  domain_config_options: DomainConfigOptionRow
  policy_blobs: PolicyBlobRow
  security_policies: SecurityPolicyRow
  password_history: PasswordHistoryRow
  mfa_devices: MfaDeviceRow
  login_protects: LoginProtectRow
  outbox_messages: OutboxMessageRow
  identity_providers: IdentityProviderRow
  federation_mappings: FederationMappingRow
  federation_protocols: FederationProtocolRow
  oidc_configs: OidcConfigRow
  federated_users: FederatedUserRow
  saml_metadata: SamlMetadataRow
  saml_assertions: SamlAssertionRow
}
