/**
 * @module Tokens (Keystone v3 auth): password logins with lockout, the account administrator's
 * token for the `projectplane` command, validation and revocation, and the per-instance cache of
 * validated callers that every authenticated request reads first. No SQL and no HTTP here: it
 * reads the `Flavour`, calls the stores and throws `AppError`s.
 */
import { isoMicros, type Clock } from '../../../shared/clock.js'
import type { Flavour } from '../../../flavours.js'
import type { AgencyRow, DomainRow, ProjectRow, RoleRow } from '../../../db/schema.js'
import type { AuthContext, AuthScope } from '../../../auth/auth-context.js'
import { newAuditId, type TokenCodec, type TokenPayload, type TokenScope } from '../../../auth/token-codec.js'
import { verifyPassword } from '../../../auth/password.js'
import type { Policy } from '../../../auth/policy.js'
import type { Permissions } from '../../../auth/policy-document.js'
import { NO_ENTERPRISE_PROJECT_GRANTS, permissionsByEnterpriseProject, permissionsOf } from '../roles/role-permissions.js'
import { AssumeRoleRefusedError, ForbiddenError, MissingAttributeError, NotFoundError, UnauthorizedError } from '../../../errors/app-error.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { RoleStore } from '../roles/store.js'
import { ref } from '../iam-wire.js'
import type { CallerRecord, TokenStore } from './store.js'
import type { TokenRequest } from './schemas.js'
import { LOGIN_TOKEN_METHOD } from './login-tokens.js'
import { issuedAfterCut, keystoneMethodRank } from './token-times.js'
import { expiry, type AgencyAssumption, type AssumeRoleTarget } from '../agencies/assumption.js'
import { iamTrace } from '../../../audit/trace.js'
import type { TrustTokens } from '../trusts/trust-tokens.js'
import type { ApplicationCredentialTokens } from '../application-credentials/service.js'
import type { Lockout } from '../security/lockout.js'
import type { SecurityService } from '../security/service.js'
import { NO_SECOND_FACTOR, type SecondFactor } from '../mfa/sign-in.js'
import type { FederatedTokens } from '../federation/federated-tokens.js'

/** A token with the caller it stands for (the routes add its catalog). */
export interface IssuedToken {
  readonly token: string
  readonly ctx: AuthContext
}

/** A validated subject token. */
export interface ValidatedToken {
  readonly ctx: AuthContext
}

/**
 * How long a validated token's context is reused without asking the store again. Changes made
 * through this instance clear it at once; changes made through another instance sharing the
 * store take effect here within this time.
 */
export const AUTH_CACHE_TTL_MS = 1000
const AUTH_CACHE_MAX_ENTRIES = 10_000


/** The users a login names, and the bookkeeping of failed logins. */
export type TokenUsers = Pick<IdentityStore, 'findUser' | 'findUserByName' | 'listUsers' | 'findGroupByName' | 'recordLoginFailure' | 'recordLogin'>
/** The accounts, projects and regions a token is scoped to and lists. */
export type TokenScopes = Pick<ProjectStore, 'findDomain' | 'findDomainByName' | 'findProject' | 'findProjectByName' | 'listRegions'>
/** The roles a token carries. */
export type TokenGrants = Pick<RoleStore, 'findRoleByName' | 'listAssignments' | 'systemRoles' | 'effectiveRoles' | 'enterpriseProjectRoles'>

export interface TokenServiceOptions {
  store: TokenStore
  users: TokenUsers
  scopes: TokenScopes
  grants: TokenGrants
  flavour: Flavour
  policy: Policy
  codec: TokenCodec
  clock: Clock
  tokenTtlSeconds: number
  /** The lock-out of password sign-ins (security/lockout.ts), with the account's settings. */
  lockout: Lockout
  /** The account security settings a password sign-in honours: idle users, Keystone's password expiry. */
  security: Pick<SecurityService, 'signInRefusal'>
  /** Told after this service dropped its cached callers, so other caches (and instances) follow. */
  callersChanged?(): void
  /** Agencies, where the flavour has them: `assume_role` and the callers of agency tokens. */
  assumption?: AgencyAssumption
  /** Trusts, where the flavour has them (Keystone): `OS-TRUST:trust` scopes and the callers of trust tokens. */
  trusts?: TrustTokens
  /** Application credentials, where the flavour has them (Keystone): the `application_credential` method. */
  applicationCredentials?: ApplicationCredentialTokens | undefined
  /** The second factor of a password sign-in (mfa/sign-in.ts), where the flavour has MFA devices; `totp` is refused elsewhere. */
  secondFactor?: SecondFactor | undefined
  /** Federation (OS-FEDERATION): the callers of federated tokens and their rescoping. */
  federation: FederatedTokens
}

export class TokenService {
  private readonly authCache = new Map<string, { ctx: AuthContext; until: number }>()
  private readonly tokenTtlMs: number
  private readonly callersChanged: () => void

  constructor(private readonly deps: TokenServiceOptions) {
    this.tokenTtlMs = deps.tokenTtlSeconds * 1000
    this.callersChanged = deps.callersChanged ?? (() => {})
  }

  // ------------------------------------------------------------------ issue

  /** `callerOf`: who asks, for the methods made with a token or signature (`assume_role`). */
  async issueToken(body: TokenRequest, callerOf?: () => Promise<AuthContext>): Promise<IssuedToken> {
    const { identity, scope } = body.auth
    if (this.deps.trusts && typeof scope === 'object' && scope['OS-TRUST:trust'] !== undefined) return this.deps.trusts.issue(body, (login) => this.issueToken(login, callerOf))
    if (!identity.methods.includes('password')) {
      if (identity.methods.includes('token')) return this.rescopeToken(body)
      if (identity.methods.includes('assume_role') && this.deps.assumption && callerOf) return this.assumeRole(body, await callerOf(), this.deps.assumption)
      if (identity.methods.includes('application_credential') && this.deps.applicationCredentials) return this.applicationCredentialToken(body, this.deps.applicationCredentials)
      throw new UnauthorizedError('Attempted to authenticate with an unsupported method.')
    }
    if (!identity.password) throw new MissingAttributeError('password', 'identity')
    const userRef = identity.password.user
    const user = userRef.id !== undefined
      ? await this.deps.users.findUser(userRef.id)
      : await this.findUserByName(userRef)
    const now = this.deps.clock.now()
    if (user && this.deps.lockout.isLocked(user, now)) throw this.lockedError(user.id)
    const passwordOk = await verifyPassword(user?.password_hash, userRef.password)
    if (user && !passwordOk && await this.deps.lockout.recordFailure(user, now)) throw this.lockedError(user.id)
    if (!user || !passwordOk || user.enabled !== 1) throw new UnauthorizedError()
    // The account's sign-in rules: an idle IAM user is disabled now (its cached tokens go); Keystone refuses an expired password.
    const refusal = await this.deps.security.signInRefusal(user, now)
    if (refusal) {
      this.invalidateAuthCache()
      throw refusal
    }
    // A wrong or reused TOTP code counts as a failed sign-in, as a wrong password does (spec §8.2).
    const methods = await (this.deps.secondFactor ?? NO_SECOND_FACTOR).check({ identity, user, countFailure: async () => { if (await this.deps.lockout.recordFailure(user, now)) throw this.lockedError(user.id) } })
    const userDomain = await this.deps.scopes.findDomain(user.domain_id)
    if (!userDomain || userDomain.enabled !== 1) throw new UnauthorizedError()

    let tokenScope = await this.resolveRequestedScope(scope, user.domain_id, user.default_project_id)
    let payload: TokenPayload = {
      userId: user.id, scope: tokenScope, issuedAt: issuedAfterCut(now, user.tokens_valid_after), expiresAt: now + this.tokenTtlMs, auditId: newAuditId(), ...(methods ? { methods } : {}),
    }
    let ctx = await this.contextFor(payload, { user, domain: userDomain, revoked: false })
    if (!ctx && scope === undefined && tokenScope.type === 'project') {
      // Keystone: a default project the user cannot use (gone, disabled, no role there) yields an
      // unscoped token, not a refusal (Ansible's openstack.cloud `auth` relies on it).
      tokenScope = { type: 'unscoped' }
      payload = { ...payload, scope: tokenScope }
      ctx = await this.contextFor(payload, { user, domain: userDomain, revoked: false })
    }
    if (!ctx) throw new UnauthorizedError()
    // Only a login that gets its token counts: it restarts the failure count, and OS-USER shows it
    // as `last_login_time` (next to argon2, one UPDATE is noise). A right password refused for its
    // account or scope is neither a failure nor a login.
    await this.deps.users.recordLogin(user.id, isoMicros(now), tokenScope.type === 'project' ? tokenScope.id : undefined)
    return { token: this.deps.codec.encode(payload), ctx }
  }

  /**
   * `methods: ["token"]`: a new token for the user of a live token, in the scope asked for (as a
   * password login resolves and refuses it), expiring when that token does, so rescoping never
   * extends a login. The new token has its own audit id and carries its chain's first one.
   */
  private async rescopeToken({ auth: { identity, scope } }: TokenRequest): Promise<IssuedToken> {
    if (!identity.token) throw new MissingAttributeError('token', 'identity')
    const now = this.deps.clock.now()
    const parent = this.decode(identity.token.id)
    if (!parent || parent.expiresAt <= now) throw new UnauthorizedError()
    if (parent.federation !== undefined) return this.deps.federation.rescope(parent, scope)
    const caller = await this.deps.store.findCaller(parent.userId, parent.auditId)
    // Keystone validates the parent first: one cut by a password change is 404 (Tempest); one revoked stays 401 (decisions).
    if (this.deps.flavour.iam.keystoneIdentityRules && caller && !caller.revoked && caller.user.tokens_valid_after !== '' && isoMicros(parent.issuedAt) <= caller.user.tokens_valid_after) {
      throw new NotFoundError('token', identity.token.id, 'Failed to validate token')
    }
    const parentCtx = caller && await this.contextFor(parent, caller)
    if (!caller || !parentCtx) throw new UnauthorizedError()
    if (parent.trustId !== undefined) throw new ForbiddenError('Using trust-scoped token to create another token. Create a new trust-scoped token instead')
    const { user } = caller
    // An agency token rescopes within the delegating account only, and stays the agency's.
    const agencyAccount = parent.agencyId !== undefined && this.deps.assumption ? await this.deps.scopes.findDomain(parentCtx.userDomain.id) : undefined
    const tokenScope = agencyAccount
      ? await this.deps.assumption!.scopeIn(agencyAccount, scope === 'unscoped' ? undefined : scope)
      : await this.resolveRequestedScope(scope, user.domain_id, user.default_project_id)
    const parentMethods = parent.methods ?? ['password']
    const methods = this.deps.flavour.iam.rescopedTokenMethods === 'token'
      ? ['token']
      : [...new Set(['token', ...parentMethods])].sort((a, b) => keystoneMethodRank(a) - keystoneMethodRank(b))
    const payload: TokenPayload = {
      userId: user.id, scope: tokenScope, issuedAt: issuedAfterCut(now, user.tokens_valid_after), expiresAt: parent.expiresAt,
      auditId: newAuditId(), methods, parentAuditId: parent.parentAuditId ?? parent.auditId,
      ...(parent.agencyId === undefined ? {} : { agencyId: parent.agencyId, restrictRoles: parent.restrictRoles }),
    }
    const ctx = await this.contextFor(payload, { ...caller, revoked: false })
    if (!ctx) throw new UnauthorizedError()
    return { token: this.deps.codec.encode(payload), ctx }
  }

  /**
   * `methods: ["assume_role"]`: a token of the agency the caller may assume (agencies/assumption.ts),
   * in its account or one of its projects, never outliving the agency. The assumption is traced
   * in the delegating account, naming both the agency and the user.
   */
  private async assumeRole({ auth: { identity, scope } }: TokenRequest, caller: AuthContext, assumption: AgencyAssumption): Promise<IssuedToken> {
    if (!identity.assume_role) throw new MissingAttributeError('assume_role', 'identity')
    const { agency, domain, record } = await this.resolveAssumptionWith(assumption, caller, identity.assume_role)
    const now = this.deps.clock.now()
    const tokenScope = await assumption.scopeIn(domain, scope === 'unscoped' ? undefined : scope)
    const payload: TokenPayload = {
      userId: record.user.id, scope: tokenScope, issuedAt: issuedAfterCut(now, record.user.tokens_valid_after),
      expiresAt: Math.min(now + this.tokenTtlMs, expiry(agency)), auditId: newAuditId(), methods: ['assume_role'], agencyId: agency.id,
      ...(identity.assume_role.restrict?.roles ? { restrictRoles: identity.assume_role.restrict.roles } : {}),
    }
    const ctx = await this.contextFor(payload, { ...record, revoked: false })
    if (!ctx) throw new UnauthorizedError()
    await this.deps.store.recordChange(iamTrace({ ...ctx, origin: caller.origin }, domain.id, 'assumeRole', isoMicros(now)), {
      resourceType: 'agency', resourceId: agency.id, resourceName: agency.name, before: null,
      after: { agency_id: agency.id, scope: tokenScope, methods: payload.methods, expires_at: isoMicros(payload.expiresAt) },
    })
    return { token: this.deps.codec.encode(payload), ctx }
  }

  /**
   * `methods: ["application_credential"]` (Keystone): a token of the credential's user, project
   * and roles (application-credentials/service.ts), never outliving the credential.
   */
  private async applicationCredentialToken({ auth: { identity, scope } }: TokenRequest, credentials: ApplicationCredentialTokens): Promise<IssuedToken> {
    const grant = await credentials.authenticate(identity.application_credential, scope !== undefined)
    const now = this.deps.clock.now()
    const auditId = newAuditId()
    const caller = await this.deps.store.findCaller(grant.userId, auditId)
    if (!caller) throw new UnauthorizedError()
    const payload: TokenPayload = {
      userId: grant.userId, scope: { type: 'project', id: grant.projectId }, issuedAt: issuedAfterCut(now, caller.user.tokens_valid_after),
      expiresAt: Math.min(now + this.tokenTtlMs, grant.expiresAt ?? Infinity), auditId, methods: ['application_credential'], applicationCredentialId: grant.credentialId,
    }
    const ctx = await this.contextFor(payload, caller)
    if (!ctx) throw new UnauthorizedError()
    return { token: this.deps.codec.encode(payload), ctx }
  }

  /** The agency `caller` may assume (agencies/assumption.ts), for temporary keys made through it. */
  async resolveAssumption(caller: AuthContext, target: AssumeRoleTarget): Promise<{ agency: AgencyRow; domain: DomainRow }> {
    if (!this.deps.assumption) throw new UnauthorizedError('Attempted to authenticate with an unsupported method.')
    return this.resolveAssumptionWith(this.deps.assumption, caller, target)
  }

  /** Judged with the caller's permissions on its own account, whatever its token's scope (Agent Operator is granted there). */
  private async resolveAssumptionWith(assumption: AgencyAssumption, caller: AuthContext, target: AssumeRoleTarget) {
    if (caller.assumedBy) throw new AssumeRoleRefusedError('an agency cannot assume another agency')
    const record = await this.deps.store.findCaller(caller.user.id, caller.auditId)
    if (!record) throw new UnauthorizedError()
    const now = this.deps.clock.now()
    const onAccount = await this.contextFor({ userId: record.user.id, scope: { type: 'domain', id: record.user.domain_id }, issuedAt: now, expiresAt: now + 1, auditId: caller.auditId }, record)
    return { ...(await assumption.resolve(caller, target, record.user, onAccount?.permissions ?? caller.permissions)), record }
  }

  /**
   * A token of an account's administrator, without a password: for the `projectplane` command,
   * which opened the store itself and so already holds everything a token would grant. On the
   * clouds the first enabled member of the account's `admin` group, domain-scoped; in the
   * keystone flavour the first enabled holder of `admin` on the system, scoped to its `admin`
   * project as after `keystone-manage bootstrap`. It goes through every check a login's does.
   */
  async issueOperatorToken(accountId: string): Promise<string> {
    const now = this.deps.clock.now()
    let candidates: { userId: string; scope: TokenScope }[]
    if (this.deps.flavour.iam.managementNeedsDomainScope) {
      const group = await this.deps.users.findGroupByName(accountId, 'admin')
      const members = group ? await this.deps.users.listUsers({ groupId: group.id, enabled: true }) : []
      candidates = members.map((u) => ({ userId: u.id, scope: { type: 'domain', id: accountId } }))
    } else {
      const admin = await this.deps.grants.findRoleByName('admin')
      const holders = admin ? await this.deps.grants.listAssignments({ actorType: 'user', targetType: 'system', roleId: admin.id }) : []
      candidates = []
      for (const { actorId } of holders) {
        const user = await this.deps.users.findUser(actorId)
        const project = user && (await this.deps.scopes.findProjectByName(user.domain_id, 'admin'))
        if (project) candidates.push({ userId: actorId, scope: { type: 'project', id: project.id } })
      }
    }
    for (const { userId, scope } of candidates) {
      const auditId = newAuditId()
      const caller = await this.deps.store.findCaller(userId, auditId)
      if (!caller) continue
      const payload: TokenPayload = {
        userId, scope, issuedAt: issuedAfterCut(now, caller.user.tokens_valid_after), expiresAt: now + this.tokenTtlMs, auditId,
      }
      if (await this.contextFor(payload, caller)) return this.deps.codec.encode(payload)
    }
    throw new UnauthorizedError(`account ${accountId} has no enabled administrator (a member of its 'admin' group, or keystone's system admin)`)
  }

  private lockedError(userId: string): UnauthorizedError {
    return new UnauthorizedError(this.deps.flavour.iam.accountLockedMessage.replace('%(user_id)s', userId))
  }

  private async findUserByName(ref: { name?: string; domain?: { id?: string; name?: string } }) {
    if (ref.name === undefined) throw new MissingAttributeError('id or name', 'user')
    if (!ref.domain || (ref.domain.id === undefined && ref.domain.name === undefined)) {
      throw new MissingAttributeError('domain', 'user')
    }
    const domain = ref.domain.id !== undefined ? await this.deps.scopes.findDomain(ref.domain.id) : await this.deps.scopes.findDomainByName(ref.domain.name!)
    return domain ? this.deps.users.findUserByName(domain.id, ref.name) : undefined
  }

  private async resolveRequestedScope(
    scope: TokenRequest['auth']['scope'],
    userDomainId: string,
    defaultProjectId: string | null,
  ): Promise<TokenScope> {
    if (scope === undefined || scope === 'unscoped') {
      if (scope === undefined && this.deps.flavour.iam.unscopedTokenRequest === 'domain') return { type: 'domain', id: userDomainId }
      if (scope === undefined && defaultProjectId) return { type: 'project', id: defaultProjectId }
      return { type: 'unscoped' }
    }
    if (scope.project) {
      // Both given: the project wins, as on the clouds.
      const ref = scope.project
      let project: ProjectRow | undefined
      if (ref.id !== undefined) project = await this.deps.scopes.findProject(ref.id)
      else if (ref.name !== undefined) {
        const domainId = ref.domain?.id ?? (ref.domain?.name !== undefined ? (await this.deps.scopes.findDomainByName(ref.domain.name))?.id : userDomainId)
        project = domainId ? await this.deps.scopes.findProjectByName(domainId, ref.name) : undefined
      } else throw new MissingAttributeError('id or name', 'project')
      if (!project) throw new UnauthorizedError()
      return { type: 'project', id: project.id }
    }
    if (scope.domain) {
      const ref = scope.domain
      if (ref.id === undefined && ref.name === undefined) throw new MissingAttributeError('id or name', 'domain')
      const domain = ref.id !== undefined ? await this.deps.scopes.findDomain(ref.id) : await this.deps.scopes.findDomainByName(ref.name!)
      if (!domain) throw new UnauthorizedError()
      return { type: 'domain', id: domain.id }
    }
    if (scope.system && this.deps.flavour.iam.systemScope) return { type: 'system' }
    throw new MissingAttributeError('project or domain', 'scope')
  }

  // ------------------------------------------------------------------ callers

  /**
   * Builds the caller from a token payload, re-checking everything that can change after issue:
   * user and account still enabled, token not revoked, project still enabled and not suspended,
   * and (Keystone) a role still held in the scope. Undefined when any check fails. (Federation's `iam_user_sso` tokens use it.)
   */
  async contextFor(payload: TokenPayload, known?: CallerRecord): Promise<AuthContext | undefined> {
    if (payload.federation !== undefined) return this.deps.federation.context(payload)
    const caller = known ?? (await this.deps.store.findCaller(payload.userId, payload.auditId))
    if (!caller || caller.user.enabled !== 1 || caller.domain.enabled !== 1 || caller.revoked) return undefined
    // Cut off by a password change, a disable or a group change after this token was issued.
    if (caller.user.tokens_valid_after !== '' && isoMicros(payload.issuedAt) <= caller.user.tokens_valid_after) return undefined
    const { user, domain: userDomain } = caller
    if (payload.agencyId !== undefined) {
      return this.deps.assumption?.context({
        user, userDomain: ref(userDomain), agencyId: payload.agencyId, scope: payload.scope, auditId: payload.auditId,
        issuedAt: payload.issuedAt, expiresAt: payload.expiresAt, methods: payload.methods, restrictRoles: payload.restrictRoles,
      })
    }
    if (payload.trustId !== undefined) return this.deps.trusts?.context(payload, caller)
    const systemRoles = await this.deps.grants.systemRoles(user.id)
    let systemAdmin = systemRoles.some((r) => r.name === 'admin')

    let scope: AuthScope
    let roles: RoleRow[] = []
    let accountId: string | undefined
    if (payload.scope.type === 'domain') {
      const domain = payload.scope.id === userDomain.id ? userDomain : await this.deps.scopes.findDomain(payload.scope.id)
      if (!domain || domain.enabled !== 1) return undefined
      roles = await this.deps.grants.effectiveRoles(user.id, payload.scope)
      const allowed = this.deps.flavour.iam.scopeNeedsRole ? roles.length > 0 || systemAdmin : domain.id === user.domain_id || systemAdmin
      if (!allowed) return undefined
      scope = { type: 'domain', domain: ref(domain) }
      accountId = domain.id
    } else if (payload.scope.type === 'project') {
      const project = await this.deps.scopes.findProject(payload.scope.id)
      if (!project || project.enabled !== 1 || project.status !== 'normal') return undefined
      const domain = project.domain_id === userDomain.id ? userDomain : await this.deps.scopes.findDomain(project.domain_id)
      if (!domain || domain.enabled !== 1) return undefined
      roles = await this.deps.grants.effectiveRoles(user.id, payload.scope, project.domain_id)
      if (this.deps.flavour.iam.scopeNeedsRole ? roles.length === 0 : project.domain_id !== user.domain_id) return undefined
      scope = { type: 'project', project: ref(project), domain: ref(domain) }
      accountId = domain.id
    } else if (payload.scope.type === 'system') {
      // Keystone: a system-scoped token needs a role on the system, and carries those roles.
      if (!this.deps.flavour.iam.systemScope || systemRoles.length === 0) return undefined
      roles = [...systemRoles].sort((a, b) => a.name.localeCompare(b.name))
      scope = { type: 'system' }
    } else {
      scope = { type: 'unscoped' }
    }
    // A credential's token carries the credential's roles alone, whatever else the user holds.
    let applicationCredential: AuthContext['applicationCredential']
    if (payload.applicationCredentialId !== undefined || payload.methods?.includes('application_credential')) {
      const delegated = await this.deps.applicationCredentials?.delegate(payload, user.id, roles, this.deps.clock.now())
      if (!delegated) return undefined
      ;({ roles, credential: applicationCredential } = delegated)
      systemAdmin = false
    }
    // NOTE: Keystone 22 with `enforce_scope = false` reads `rule:admin_required` as `role:admin`
    // in whatever scope the token has; Tempest's dynamic credentials rely on it (issue 16).
    if (this.deps.flavour.iam.adminRoleAnywhere && roles.some((r) => r.name === 'admin')) systemAdmin = true
    return {
      user: ref(user), userDomain: ref(userDomain), scope, accountId, roles: roles.map(ref), systemAdmin,
      permissions: permissionsOf(roles),
      enterpriseProjectPermissions: payload.scope.type === 'domain' ? await this.enterpriseProjectPermissions(user.id) : NO_ENTERPRISE_PROJECT_GRANTS,
      auditId: payload.auditId, issuedAt: payload.issuedAt, expiresAt: payload.expiresAt,
      methods: payload.methods, parentAuditId: payload.parentAuditId, ...(applicationCredential ? { applicationCredential } : {}),
    }
  }

  /** Policies granted on single enterprise projects count only with the account-wide (domain) scope EPS uses. */
  private async enterpriseProjectPermissions(userId: string): Promise<ReadonlyMap<string, Permissions>> {
    return permissionsByEnterpriseProject(await this.deps.grants.enterpriseProjectRoles(userId))
  }

  /**
   * The caller behind an access key: its user, account-wide in `domainId` (its own account when
   * undefined), with every check a token gets. A key made through an agency acts as the agency,
   * in the agency's account. Undefined when the caller may not act there.
   */
  async accessKeyContext(userId: string, domainId: string | undefined, auditId: string, agencyId?: string): Promise<AuthContext | undefined> {
    const caller = await this.deps.store.findCaller(userId, auditId)
    if (!caller) return undefined
    const now = this.deps.clock.now()
    const account = domainId ?? (agencyId === undefined ? caller.user.domain_id : await this.deps.assumption?.accountOf(agencyId))
    if (account === undefined) return undefined
    const methods = agencyId === undefined ? undefined : ['assume_role']
    return this.contextFor({ userId, scope: { type: 'domain', id: account }, issuedAt: now, expiresAt: now + AUTH_CACHE_TTL_MS, auditId, agencyId, methods }, caller)
  }

  /** The caller behind an `X-Auth-Token`; 401 for anything but a live token. */
  /** The caller of a token validated moments ago, without a promise (every request asks); undefined otherwise. */
  cachedContext(token: string | undefined): AuthContext | undefined {
    if (!token) return undefined
    const now = this.deps.clock.now()
    const cached = this.authCache.get(token)
    return cached && cached.until > now && cached.ctx.expiresAt > now ? cached.ctx : undefined
  }

  async authenticate(token: string | undefined): Promise<AuthContext> {
    if (!token) throw new UnauthorizedError()
    const cached = this.cachedContext(token)
    if (cached) return cached
    const now = this.deps.clock.now()
    const ctx = await this.validate(token)
    if (!ctx) throw new UnauthorizedError()
    if (this.authCache.size >= AUTH_CACHE_MAX_ENTRIES) this.authCache.delete(this.authCache.keys().next().value!)
    this.authCache.set(token, { ctx, until: now + AUTH_CACHE_TTL_MS })
    return ctx
  }

  /**
   * Forget every cached caller. Called after any change that can end a token's validity or
   * alter what its context says: revocation, and project, account, user, group and grant changes.
   */
  invalidateAuthCache(): void {
    this.dropCachedCallers()
    this.callersChanged()
  }

  /** Only this service's cache: for a change another instance announced. */
  dropCachedCallers(): void {
    this.authCache.clear()
  }

  /** A token's payload; a login ticket (login-tokens.ts) is no token here. */
  private decode(token: string): TokenPayload | undefined {
    const payload = this.deps.codec.decode(token)
    return payload?.methods?.includes(LOGIN_TOKEN_METHOD) ? undefined : payload
  }

  private async validate(token: string): Promise<AuthContext | undefined> {
    const payload = this.decode(token)
    if (!payload || payload.expiresAt <= this.deps.clock.now()) return undefined
    return this.contextFor(payload)
  }

  // ------------------------------------------------------------------ subject tokens

  /** HEAD /v3/auth/tokens: the subject token's context, if the caller may see it. */
  async checkSubjectToken(caller: AuthContext, subject: string | undefined, action: string): Promise<AuthContext> {
    if (!subject) throw new MissingAttributeError('X-Subject-Token', 'request headers')
    const ctx = await this.validate(subject)
    if (!ctx) throw new NotFoundError('token', subject)
    this.assertMayTouchToken(caller, ctx, action)
    return ctx
  }

  /** GET /v3/auth/tokens: as `checkSubjectToken`. */
  async validateSubjectToken(caller: AuthContext, subject: string | undefined): Promise<ValidatedToken> {
    const ctx = await this.checkSubjectToken(caller, subject, 'identity:validate_token')
    return { ctx }
  }

  async revokeSubjectToken(caller: AuthContext, subject: string | undefined): Promise<void> {
    const ctx = await this.checkSubjectToken(caller, subject, 'identity:revoke_token')
    const now = this.deps.clock.now()
    await this.deps.store.revokeToken(ctx.auditId, isoMicros(ctx.expiresAt), isoMicros(now))
    this.invalidateAuthCache()
  }

  private assertMayTouchToken(caller: AuthContext, subject: AuthContext, action: string): void {
    // Another account's tokens are out of reach whatever the caller's permissions say.
    if (caller.user.id !== subject.user.id && !caller.systemAdmin && caller.accountId !== subject.userDomain.id) throw new ForbiddenError(action)
    this.deps.policy.enforce(caller, action, { userId: subject.user.id })
  }
}
