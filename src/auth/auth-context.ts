/**
 * @module Who is calling, as established from a valid token. Built once per request by
 * `authenticate()` and passed explicitly to every service call: there is no implicit caller.
 */
export interface NamedRef { readonly id: string; readonly name: string }

export type AuthScope =
  | { readonly type: 'domain'; readonly domain: NamedRef }
  | { readonly type: 'project'; readonly project: NamedRef; readonly domain: NamedRef }
  | { readonly type: 'unscoped' }

export interface AuthContext {
  readonly user: NamedRef
  readonly userDomain: NamedRef
  readonly scope: AuthScope
  /** The account (domain) whose data this token may touch; undefined for an unscoped token. */
  readonly accountId: string | undefined
  readonly roles: readonly NamedRef[]
  /** Keystone flavour: holds `admin` on the system scope, so may act in every domain. */
  readonly systemAdmin: boolean
  readonly auditId: string
  readonly issuedAt: number
  readonly expiresAt: number
}
