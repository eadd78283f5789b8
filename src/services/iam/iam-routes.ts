/**
 * @module All of IAM's routes, one plugin per capability. A new capability (agencies, security
 * policies, federation, catalog) adds its plugin here and its services in `build-iam.ts`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { IamRouteOptions } from './iam-route-options.js'
import { catalogRoutes, type CatalogRouteOptions } from './catalog/routes.js'
import { credentialRoutes, type CredentialRouteOptions } from './credentials/routes.js'
import { identityRoutes, type IdentityRouteOptions } from './identity/routes.js'
import { projectRoutes, type ProjectRouteOptions } from './projects/routes.js'
import { roleRoutes, type RoleRouteOptions } from './roles/routes.js'
import { tokenRoutes, type TokenRouteOptions } from './tokens/routes.js'
import { quotaRoutes, type QuotaRouteOptions } from './quotas/routes.js'
import { agencyRoutes, type AgencyRouteOptions } from './agencies/routes.js'
import { keystoneCredentialRoutes, type KeystoneCredentialRouteOptions } from './keystone-credentials/routes.js'
import { trustRoutes, type TrustRouteOptions } from './trusts/routes.js'
import { applicationCredentialRoutes, type ApplicationCredentialRouteOptions } from './application-credentials/routes.js'
import { oauthConsumerRoutes, type OauthConsumerRouteOptions } from './oauth-consumers/routes.js'
import { domainConfigRoutes, type DomainConfigRouteOptions } from './domain-config/routes.js'
import { policyBlobRoutes, type PolicyBlobRouteOptions } from './policy-blobs/routes.js'
import { securityRoutes, type SecurityRouteOptions } from './security/routes.js'
import { mfaRoutes, type MfaRouteOptions } from './mfa/routes.js'
import { federationRoutes, type FederationRouteOptions } from './federation/routes.js'
import { samlRoutes, type SamlRouteOptions } from './federation/saml/routes.js'

type Capability<O> = Omit<O, keyof IamRouteOptions>

export interface IamRoutesOptions extends IamRouteOptions {
  tokens: Capability<TokenRouteOptions>
  projects: Capability<ProjectRouteOptions>
  identity: Capability<IdentityRouteOptions>
  roles: Capability<RoleRouteOptions>
  credentials: CredentialRouteOptions
  catalog: Capability<CatalogRouteOptions>
  quotas: QuotaRouteOptions
  /** Undefined where the flavour has no agencies (Keystone). */
  agencies: AgencyRouteOptions | undefined
  /** Keystone's credentials and EC2 credentials; undefined where the flavour has none (the clouds). */
  keystoneCredentials: Capability<KeystoneCredentialRouteOptions> | undefined
  /** Keystone's trusts; undefined where the flavour has none (the clouds). */
  trusts: Capability<TrustRouteOptions> | undefined
  /** Undefined where the flavour has no application credentials (the clouds). */
  applicationCredentials: Capability<ApplicationCredentialRouteOptions> | undefined
  /** Keystone's stored-only APIs; undefined where the flavour has none (the clouds). */
  keystoneStored: {
    oauthConsumers: Capability<OauthConsumerRouteOptions>
    domainConfig: DomainConfigRouteOptions
    policyBlobs: Capability<PolicyBlobRouteOptions>
  } | undefined
  /** Account security policies (the clouds) and the security compliance read (every flavour). */
  security: SecurityRouteOptions
  /** Virtual MFA and login protection; undefined where the flavour has no Huawei user API (Keystone). */
  mfa: MfaRouteOptions | undefined
  /** Identity federation (OS-FEDERATION), in every flavour. */
  federation: Capability<FederationRouteOptions>
  /** SAML metadata and IdP-initiated sign-in; undefined where the flavour has none (Keystone). */
  saml: Capability<SamlRouteOptions> | undefined
}

/**
 * One plugin, whose context each capability's routes join rather than opening one of their own:
 * Fastify derives request and reply classes per context, and every level deeper lengthens their
 * prototype chains on every request.
 */
export function iamRoutes({ baseUrl, tokens, projects, identity, roles, credentials, catalog, quotas, agencies, keystoneCredentials, trusts, applicationCredentials, keystoneStored, security, mfa, federation, saml }: IamRoutesOptions): FastifyPluginAsyncTypebox {
  return async (app, options) => {
    await tokenRoutes({ ...tokens, baseUrl })(app, options)
    await projectRoutes({ ...projects, baseUrl })(app, options)
    await identityRoutes({ ...identity, baseUrl })(app, options)
    await roleRoutes({ ...roles, baseUrl })(app, options)
    await credentialRoutes(credentials)(app, options)
    await catalogRoutes({ ...catalog, baseUrl })(app, options)
    await quotaRoutes(quotas)(app, options)
    if (agencies) await agencyRoutes(agencies)(app, options)
    if (keystoneCredentials) await keystoneCredentialRoutes({ ...keystoneCredentials, baseUrl })(app, options)
    if (trusts) await trustRoutes({ ...trusts, baseUrl })(app, options)
    if (applicationCredentials) await applicationCredentialRoutes({ ...applicationCredentials, baseUrl })(app, options)
    if (keystoneStored) {
      await oauthConsumerRoutes({ ...keystoneStored.oauthConsumers, baseUrl })(app, options)
      await domainConfigRoutes(keystoneStored.domainConfig)(app, options)
      await policyBlobRoutes({ ...keystoneStored.policyBlobs, baseUrl })(app, options)
    }
    await securityRoutes(security)(app, options)
    if (mfa) await mfaRoutes(mfa)(app, options)
    await federationRoutes({ ...federation, baseUrl })(app, options)
    if (saml) await samlRoutes({ ...saml, baseUrl })(app, options)
  }
}
