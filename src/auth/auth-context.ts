/**
 * @module Who is calling, as established from a valid token. Built once per request by
 * `authenticate()` and passed explicitly to every service call: there is no implicit caller.
 */
import type { Permissions } from './policy-document.js'

export interface NamedRef { readonly id: string; readonly name: string }

export type AuthScope =
  | { readonly type: 'domain'; readonly domain: NamedRef }
  | { readonly type: 'project'; readonly project: NamedRef; readonly domain: NamedRef }
  | { readonly type: 'unscoped' }
  /** Keystone flavour: the system scope, `{"system": {"all": true}}`. */
  | { readonly type: 'system' }

/** Where a request came from, for the audit trail; the authentication hook adds it per request. */
export interface RequestOrigin {
  readonly requestId: string
  readonly sourceIp: string
  readonly userAgent: string
}

/** The trust a trust-scoped token (Keystone's OS-TRUST) acts under. */
export interface TrustDelegation {
  readonly id: string
  readonly impersonation: boolean
  readonly trustorUserId: string
  readonly trusteeUserId: string
}

/** Who assumed an agency: a user of the account the agency trusts. */
export interface AssumedBy { readonly user: NamedRef; readonly domain: NamedRef }

/** An access rule of an application credential (Keystone), as its tokens show it. */
export interface AccessRuleRef { readonly id: string; readonly service: string; readonly path: string; readonly method: string }

/** The application credential a token was made with (Keystone), as the token body shows it. */
export interface AppliedCredential {
  readonly id: string
  readonly name: string
  /** Not `unrestricted`: the token may not manage application credentials or trusts. */
  readonly restricted: boolean
  /** Absent when the credential has none. */
  readonly accessRules?: readonly AccessRuleRef[]
}

/** The `OS-FEDERATION` section of a federated token's user. */
export interface FederatedSignInRef {
  readonly identityProviderId: string
  readonly protocolId: string
  readonly groups: readonly NamedRef[]
}

export interface AuthContext {
  readonly user: NamedRef
  readonly userDomain: NamedRef
  readonly scope: AuthScope
  /** The account (domain) whose data this token may touch; undefined for an unscoped token. */
  readonly accountId: string | undefined
  readonly roles: readonly NamedRef[]
  /** What the roles held in the token's scope allow (see policy-document.ts). */
  readonly permissions: Permissions
  /** Roles granted on single enterprise projects, by enterprise project id. */
  readonly enterpriseProjectPermissions: ReadonlyMap<string, Permissions>
  /** Keystone flavour: holds `admin` on the system scope, so may act in every domain. */
  readonly systemAdmin: boolean
  readonly auditId: string
  readonly issuedAt: number
  readonly expiresAt: number
  /** The token's methods when it was made from another token (a password login's are `["password"]`). */
  readonly methods?: readonly string[]
  /** The audit id of the token a rescoped token descends from (Keystone's `audit_ids[1]`). */
  readonly parentAuditId?: string
  /**
   * A caller acting through an agency: `user` is the agency (named `<account>/<agency>`),
   * `userDomain` and `accountId` the account that made it, and this the user who assumed it.
   */
  readonly assumedBy?: AssumedBy
  /**
   * A trust-scoped token: `user` is the trustor when the trust impersonates, else the trustee;
   * `roles` and the project are the trust's.
   */
  readonly trust?: TrustDelegation
  /**
   * A signed request's `X-Project-Id`, checked to be a project of the account: the project the
   * SDK client (BasicCredentials) works in. Signed callers stay account-wide; this only tells
   * routes that answer per project (the catalog) which one is meant.
   */
  readonly signedProjectId?: string
  /** A token made with the `application_credential` method (Keystone): the credential, whose roles it carries. */
  readonly applicationCredential?: AppliedCredential
  /** A federated token (OS-FEDERATION): how its user signed in, and the groups mapped then. */
  readonly federation?: FederatedSignInRef
  /** Set per request (contexts are cached across requests without it); undefined outside HTTP. */
  readonly origin?: RequestOrigin
}
