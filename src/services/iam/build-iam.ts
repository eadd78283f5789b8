/**
 * @module IAM's one wiring point: its stores over the database, its services by plain constructor
 * injection (each capability's own store, and narrow views of the others' stores it reads), the
 * token and credential keys, the access-key authenticator and the routes. `app.ts` calls it once
 * and gets back only what the rest of the server needs from IAM.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.js'
import type { Db } from '../../db/database.js'
import type { ProjectRow } from '../../db/schema.js'
import type { Flavour } from '../../flavours.js'
import type { AuthContext } from '../../auth/auth-context.js'
import type { Policy } from '../../auth/policy.js'
import { AccessKeyAuthenticator } from '../../auth/access-key-auth.js'
import { loadServerKeys } from '../../auth/keys.js'
import { isoMicros, type Clock } from '../../shared/clock.js'
import { byCodeUnit } from '../../shared/compare.js'
import type { IamRouteOptions } from './iam-route-options.js'
import { iamRoutes } from './iam-routes.js'
import { SqlIamStores } from './iam-stores-sql.js'
import { CatalogService } from './catalog/service.js'
import { CatalogWire } from './catalog/wire.js'
import { EndpointFilterService } from './catalog/endpoint-filter.js'
import { CredentialService } from './credentials/service.js'
import { CredentialWire } from './credentials/wire.js'
import { IdentityService } from './identity/service.js'
import { IdentityWire } from './identity/wire.js'
import { OsUserService } from './identity/os-user-service.js'
import { ProjectService } from './projects/service.js'
import { RegionService } from './projects/region-service.js'
import { ProjectWire } from './projects/wire.js'
import { RoleService } from './roles/service.js'
import { RoleWire } from './roles/wire.js'
import { TokenService } from './tokens/service.js'
import { TokenWire } from './tokens/wire.js'
import { LoginTokenService } from './tokens/login-tokens.js'
import { QuotaService } from './quotas/service.js'
import { AgencyService } from './agencies/service.js'
import { AgencyWire } from './agencies/wire.js'
import { AgencyAssumption } from './agencies/assumption.js'
import { QuotaWire } from './quotas/wire.js'
import { quotaLimits } from './quotas/rules.js'
import { SqlQuotaStore } from './quotas/store-sql.js'
import { KeystoneCredentialService } from './keystone-credentials/service.js'
import { KeystoneCredentialWire } from './keystone-credentials/wire.js'
import { SqlKeystoneCredentialStore } from './keystone-credentials/store-sql.js'
import { SqlTrustStore } from './trusts/store-sql.js'
import { TrustService } from './trusts/service.js'
import { TrustTokenService } from './trusts/trust-tokens.js'
import { TrustWire } from './trusts/wire.js'
import { ApplicationCredentialService } from './application-credentials/service.js'
import { ApplicationCredentialWire } from './application-credentials/wire.js'
import { OauthConsumerService } from './oauth-consumers/service.js'
import { OauthConsumerWire } from './oauth-consumers/wire.js'
import { SqlOauthConsumerStore } from './oauth-consumers/store-sql.js'
import { DomainConfigService } from './domain-config/service.js'
import { DomainConfigWire } from './domain-config/wire.js'
import { SqlDomainConfigStore } from './domain-config/store-sql.js'
import { PolicyBlobService } from './policy-blobs/service.js'
import { PolicyBlobWire } from './policy-blobs/wire.js'
import { SqlPolicyBlobStore } from './policy-blobs/store-sql.js'
import { SecurityService, type SecurityConfig } from './security/service.js'
import { SecurityWire } from './security/wire.js'
import { SqlSecurityStore } from './security/store-sql.js'
import { Lockout } from './security/lockout.js'
import { MfaService } from './mfa/service.js'
import { MfaSignIn } from './mfa/sign-in.js'
import { MfaWire } from './mfa/wire.js'
import { SqlMfaStore } from './mfa/store-sql.js'
import { ConsoleSupport } from './console-support.js'
import { OutboxService } from './mfa/outbox.js'

import { SqlFederationStore } from './federation/store-sql.js'
import { FederatedTokenService } from './federation/federated-tokens.js'
import { FederationService } from './federation/service.js'
import { FederationWire } from './federation/wire.js'
import { SamlService } from './federation/saml/service.js'
import { SqlSamlStore } from './federation/saml/store-sql.js'
import type { IssuedToken } from './tokens/service.js'

export interface IamOptions {
  config: Pick<Config, 'tokenTtlSeconds' | 'iamQuotas' | 'samlSpEntityId' | 'samlClockSkewSeconds'> & SecurityConfig
  db: Db
  flavour: Flavour
  policy: Policy
  clock: Clock
  /** Whether the account has this enterprise project (EPS owns them; IAM grants roles on them). */
  enterpriseProjectExists(accountId: string, id: string): Promise<boolean>
}

/** What the rest of the server needs from IAM. */
export interface Iam {
  /** The caller behind an `X-Auth-Token`; 401 for anything but a live token. */
  authenticate(token: string | undefined): Promise<AuthContext>
  /** `authenticate`'s answer when it is at hand (a token validated moments ago), synchronously. */
  cachedCaller(token: string | undefined): AuthContext | undefined
  /** The caller behind an AK/SK-signed request. */
  readonly accessKeys: AccessKeyAuthenticator
  /** Drops every cached caller here and, through the database, on every other instance. */
  invalidateAuthCache(): void
  /** A token of the account's administrator, minted without a password, for the `projectplane` command. */
  issueOperatorToken(accountId: string): Promise<string>
  /** The project, if it belongs to the account. */
  findProjectInAccount(projectId: string, accountId: string): Promise<ProjectRow | undefined>
  projectInAccount(projectId: string, accountId: string): Promise<boolean>
  listRegionIds(): Promise<string[]>
  /** The account the first start created (the oldest; ties by id), if any. */
  firstAccountId(): Promise<string | undefined>
  routes(options: IamRouteOptions & { epsVersions?(base: string): unknown }): FastifyPluginAsyncTypebox
  /** Account security for the web console: the console ACL, the idle sign-out and the login notices (issue 18). */
  readonly security: Pick<SecurityService, 'consoleAclAllows' | 'sessionTimeoutMinutes' | 'consoleLoginPolicy'>
  /** The API ACL of the caller's account (issue 18): the authentication hook refuses addresses outside it. */
  assertApiAclAllows(ctx: AuthContext, ip: string, requestId: string): void | Promise<void>
  /** The web console's sign-in, login protection and operation protection (issue 18, console-security-routes.ts). */
  readonly console: ConsoleSupport
  /** Codes that would go by SMS or e-mail, for the operator API (mfa/outbox.ts). */
  readonly outbox: OutboxService
}

export async function buildIam({ config, db, flavour, policy, clock, enterpriseProjectExists }: IamOptions): Promise<Iam> {
  const stores = new SqlIamStores({ db })
  const quota = quotaLimits(flavour, config.iamQuotas)
  const { tokens: codec, secrets: secretBox } = await loadServerKeys(stores.tokens, isoMicros(clock.now()))
  // Every change that can alter a caller (revocation, disabled user, grant, policy) drops the
  // cached callers here and, through the database, on every other instance sharing it.
  const assumption = flavour.iam.agencies && new AgencyAssumption({
    agencies: stores.agencies, scopes: stores.projects, grants: stores.roles, users: stores.identity, clock,
  })
  const catalog = new CatalogService({
    store: stores.catalog, projects: stores.projects, flavour, clock,
    transaction: (work) => stores.transaction((tx) => work({ catalog: tx.catalog, projects: tx.projects })),
  })
  // Trusts (keystone flavour): their own store; their tokens are checked by the tokens service through `trustTokens`.
  const trustStore = new SqlTrustStore({ db })
  const trusts = flavour.iam.trusts ? new TrustService({
    store: trustStore, users: stores.identity, projects: stores.projects, roles: stores.roles, clock, invalidateAuthCache: () => tokens.invalidateAuthCache(),
  }) : undefined
  const trustTokens = trusts && new TrustTokenService({
    trusts, store: trustStore, callers: stores.tokens, users: stores.identity, projects: stores.projects, roles: stores.roles, codec, adminRoleAnywhere: flavour.iam.adminRoleAnywhere,
  })
  const applicationCredentials = flavour.iam.applicationCredentials ? new ApplicationCredentialService({
    store: stores.applicationCredentials, roles: stores.roles, users: stores.identity, domains: stores.projects, policy, clock,
    invalidateAuthCache: () => invalidateAuthCache(),
  }) : undefined
  // Account security (issue 18): its policies, and the lock-out every password check goes through.
  const security = new SecurityService({ store: new SqlSecurityStore({ db }), domains: stores.projects, flavour, config, policy, clock, announceChange: () => db.announceChange() })
  const lockout = new Lockout({ users: stores.identity, settings: (domainId) => security.lockoutSettings(domainId), clearFailures: (userId) => security.clearLoginFailures(userId), clock })
  // Virtual MFA and login protection (issue 18), where the flavour has Huawei's user API; the
  // tokens service checks a sign-in's second factor through `secondFactor`.
  const mfaStore = new SqlMfaStore({ db })
  const outbox = new OutboxService({ store: mfaStore, clock })
  const mfa = flavour.iam.osUser && new MfaService({
    store: mfaStore, users: stores.identity, domains: stores.projects, policy, box: secretBox, clock, ownLoginProtection: flavour.name !== 'huaweicloud', outbox,
  })
  // Federation (OS-FEDERATION): its own store; federated tokens are checked by the tokens service through `federatedTokens`.
  const federationStore = new SqlFederationStore({ db })
  const federatedTokens = new FederatedTokenService({
    store: federationStore, domains: stores.projects, groups: stores.identity, roles: stores.roles, codec, clock, tokenTtlSeconds: config.tokenTtlSeconds,
    rescopedTokenMethods: flavour.iam.rescopedTokenMethods, adminRoleAnywhere: flavour.iam.adminRoleAnywhere, plainContext: (payload): Promise<AuthContext | undefined> => tokens.contextFor(payload),
  })
  const tokens = new TokenService({
    assumption, trusts: trustTokens, applicationCredentials, federation: federatedTokens,
    secondFactor: mfa && new MfaSignIn({ store: mfaStore, keyOf: (device) => mfa.keyOf(device), clock }),
    store: stores.tokens, users: stores.identity, scopes: stores.projects, grants: stores.roles,
    flavour, policy, codec, clock, tokenTtlSeconds: config.tokenTtlSeconds, lockout, security,
    callersChanged: () => {
      accessKeys.clear()
      db.announceChange()
    },
  })
  const invalidateAuthCache = () => tokens.invalidateAuthCache()
  const authenticate = (token: string | undefined) => tokens.authenticate(token)
  const projects = new ProjectService({
    projects: stores.projects, users: stores.identity, flavour, clock, invalidateAuthCache, quota,
    federatedScopes: { domains: (ctx) => federatedTokens.scopeDomains(ctx), projects: (ctx) => federatedTokens.scopeProjects(ctx) },
  })
  const credentials = new CredentialService({
    store: stores.credentials, users: stores.identity, clock, policy, box: secretBox, invalidateAuthCache, checkToken: authenticate,
    resolveAssumption: assumption && ((caller, target) => tokens.resolveAssumption(caller, target)),
    assertSelfService: (ctx, userId) => security.assertSelfService(ctx, userId, 'manage_accesskey', 'identity:create_credential'),
  })
  const accessKeys = new AccessKeyAuthenticator({
    signingKey: (access) => credentials.signingKey(access),
    contextFor: (key, domainId, auditId) => tokens.accessKeyContext(key.user_id, domainId, auditId, key.agency_id ?? undefined),
    projectInAccount: (projectId, accountId) => projects.projectInAccount(projectId, accountId),
    markUsed: (access) => credentials.markUsed(access),
    now: () => clock.now(),
  })
  db.onChangeElsewhere(() => {
    tokens.dropCachedCallers()
    accessKeys.clear()
    security.dropCachedAcls()
  })
  const osUser = flavour.iam.osUser
  const identity = new IdentityService({ store: stores.identity, projects: stores.projects, clock, security, lockout, invalidateAuthCache, quota, pwdStatusField: osUser !== undefined, keystoneRules: flavour.iam.keystoneIdentityRules })
  const roles = new RoleService({
    store: stores.roles, targets: stores.projects, actors: stores.identity, agencies: stores.agencies, clock,
    roleTypesRestrictGrants: flavour.iam.roleTypesRestrictGrants, invalidateAuthCache, enterpriseProjectExists, quota,
    systemGrants: flavour.iam.systemScope,
  })
  const projectWire = new ProjectWire({ flavour })
  const quotas = new QuotaService({ store: new SqlQuotaStore({ db }), flavour, policy, quota })

  return {
    authenticate,
    cachedCaller: (token) => tokens.cachedContext(token),
    accessKeys,
    outbox,
    invalidateAuthCache,
    security,
    assertApiAclAllows: (ctx, ip, requestId) => security.assertApiAclAllows(ctx, ip, requestId),
    console: new ConsoleSupport({
      tokens, users: stores.identity, clock, securityStore: new SqlSecurityStore({ db }), policies: flavour.iam.osUser !== undefined,
      mfa: mfa && { store: mfaStore, keyOf: (device) => mfa.keyOf(device), outbox },
    }),
    issueOperatorToken: (accountId) => tokens.issueOperatorToken(accountId),
    findProjectInAccount: (projectId, accountId) => projects.findProjectInAccount(projectId, accountId),
    projectInAccount: (projectId, accountId) => projects.projectInAccount(projectId, accountId),
    listRegionIds: async () => (await stores.projects.listRegions()).map((r) => r.id),
    firstAccountId: async () => (await stores.projects.listDomains({}))
      .sort((a, b) => byCodeUnit(a.created_at, b.created_at) || byCodeUnit(a.id, b.id))[0]?.id,
    routes: ({ baseUrl, epsVersions }) => iamRoutes({
      baseUrl,
      tokens: {
        service: tokens, wire: new TokenWire({ flavour }), epsVersions, catalog: (ctx) => catalog.catalogFor(ctx),
        loginTokens: flavour.iam.loginTokens ? new LoginTokenService({
          signingKey: (access) => credentials.signingKey(access), keyContext: (key, auditId) => tokens.accessKeyContext(key.user_id, undefined, auditId, key.agency_id ?? undefined), codec, clock,
        }) : undefined,
      },
      projects: { service: projects, regions: new RegionService({ projects: stores.projects, clock }), wire: projectWire, regionWrites: flavour.iam.regionWrites, projectTags: flavour.iam.projectTags, authSystem: flavour.iam.systemScope },
      identity: {
        service: identity, wire: new IdentityWire({ flavour }),
        osUser: osUser && { service: new OsUserService({ store: stores.identity, clock, security, osUser, invalidateAuthCache, quota }), flavour: osUser },
      },
      roles: { service: roles, wire: new RoleWire({ flavour }), cloudExtensions: !flavour.iam.keystoneIdentityShape, roleWrites: flavour.iam.roleWrites },
      credentials: { service: credentials, wire: new CredentialWire() },
      catalog: {
        service: catalog,
        wire: new CatalogWire({ flavour, projectEntity: (base, row) => projectWire.project(base, row).project }),
        endpointFilter: flavour.iam.catalogWrites ? new EndpointFilterService({ store: stores.catalog, projects: stores.projects, clock }) : undefined,
      },
      quotas: { service: quotas, wire: new QuotaWire(), enabled: flavour.iam.quotaTypes.length > 0 },
      trusts: trusts && { service: trusts, wire: new TrustWire(new RoleWire({ flavour })) },
      agencies: flavour.iam.agencies && {
        service: new AgencyService({ store: stores.agencies, domains: stores.projects, clock, invalidateAuthCache, quota, paging: flavour.iam.agencies.urnAndPaging }),
        wire: new AgencyWire(flavour.iam.agencies),
      },
      keystoneCredentials: flavour.iam.keystoneCredentials ? {
        service: new KeystoneCredentialService({ store: new SqlKeystoneCredentialStore({ db }), users: stores.identity, projects: stores.projects, box: secretBox, clock }),
        wire: new KeystoneCredentialWire(),
      } : undefined,
      applicationCredentials: applicationCredentials && { service: applicationCredentials, wire: new ApplicationCredentialWire() },
      keystoneStored: flavour.iam.keystoneStoredApis ? {
        oauthConsumers: { service: new OauthConsumerService({ store: new SqlOauthConsumerStore({ db }), box: secretBox, clock }), wire: new OauthConsumerWire() },
        domainConfig: {
          service: new DomainConfigService({ store: new SqlDomainConfigStore({ db }), domains: stores.projects, box: secretBox, clock }),
          wire: new DomainConfigWire(),
        },
        policyBlobs: { service: new PolicyBlobService({ store: new SqlPolicyBlobStore({ db }), clock }), wire: new PolicyBlobWire() },
      } : undefined,
      security: { service: security, wire: new SecurityWire(), policies: flavour.iam.osUser !== undefined },
      mfa: mfa && { service: mfa, wire: new MfaWire() },
      federation: {
        service: new FederationService({ store: federationStore, domains: stores.projects, tokens: federatedTokens, clock, keystone: flavour.name === 'keystone', invalidateAuthCache }),
        wire: new FederationWire(flavour.name === 'keystone'), keystone: flavour.name === 'keystone',
        tokenWire: new TokenWire({ flavour }), projectWire, catalog: (ctx) => catalog.catalogFor(ctx),
        scopes: {
          domains: (ctx) => projects.listAuthDomains(ctx),
          projects: (ctx) => projects.listAuthProjects(ctx),
        },
      },
      // SAML (issue 20 item 3): metadata import and IdP-initiated sign-in on the clouds; Keystone has neither API.
      saml: flavour.name === 'keystone' ? undefined : {
        service: new SamlService<IssuedToken>({
          store: new SqlSamlStore({ db }), clock, skewMs: config.samlClockSkewSeconds * 1000,
          federation: {
            findIdentityProvider: (id) => federationStore.findIdentityProvider(id),
            findProtocol: (idpId, protocolId) => federationStore.findProtocol(idpId, protocolId),
            signIn: (request) => federatedTokens.federatedSignIn(request),
          },
        }),
        spEntityId: config.samlSpEntityId,
        tokenWire: new TokenWire({ flavour }),
      },
    }),
  }
}
