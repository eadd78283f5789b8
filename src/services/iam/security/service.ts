/**
 * @module Account security (issue 18): the five policies an account sets for itself
 * (`/v3.0/OS-SECURITYPOLICY/domains/{id}/…`), read and written with the clouds' caller rules and
 * checks, and what the rest of IAM asks of them where a setting bites (spec's enforcement
 * summary): the rules a new password must meet, the lock-out settings, idle users, the API ACL,
 * the self-service switches, and the console's settings. The keystone flavour has no such
 * policies: its rules come from the server's configuration, as Keystone's `[security_compliance]`.
 * No SQL and no HTTP here.
 */
import type { AuthContext } from '../../../auth/auth-context.js'
import type { Policy } from '../../../auth/policy.js'
import { verifyPassword } from '../../../auth/password.js'
import { PASSWORD_MAX_LENGTH } from '../../../auth/password-policy.js'
import type { Config } from '../../../config.js'
import type { UserRow } from '../../../db/schema.js'
import { AppError, NotFoundError, ServiceCodedError, UnauthorizedError } from '../../../errors/app-error.js'
import type { Flavour } from '../../../flavours.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { iamTrace } from '../../../audit/trace.js'
import type { ProjectStore } from '../projects/store.js'
import type { SecurityStore } from './store.js'
import {
  cloudPasswordRules, compileAcl, DEFAULT_ACL, DEFAULT_PROTECT_POLICY, defaultLoginPolicy, defaultPasswordPolicy, mergeLoginPolicy,
  mergePasswordPolicy, mergeProtectPolicy, passwordRegex, passwordRegexDescription, passwordRuleProblem, replaceAcl, securityRanges, wrapped,
  type AclPolicy, type AllowUser, type CompiledAcl, type LoginPolicy, type PasswordPolicy, type PasswordRules, type PolicyKind, type ProtectPolicy,
} from './rules.js'

export type SecurityConfig = Pick<Config, 'passwordPolicy' | 'lockout' | 'keystonePasswordRegex' | 'keystonePasswordRegexDescription'
  | 'keystoneUniqueLastPasswordCount' | 'keystoneMinimumPasswordAge' | 'keystonePasswordExpiresDays'>

export interface SecurityServiceOptions {
  store: SecurityStore
  domains: Pick<ProjectStore, 'findDomain'>
  flavour: Flavour
  config: SecurityConfig
  policy: Policy
  clock: Clock
  /** A policy write that changes who may call (the API ACL): other instances drop what they cached. */
  announceChange(): void
}

/** Who sets a password: the rules differ for history and age (spec §1.4; Keystone checks both on self-service only). */
export type PasswordSetter = 'create' | 'admin' | 'self'

export type PasswordRefusal =
  | { kind: 'weak'; detail: string }
  | { kind: 'same'; count: number }
  | { kind: 'history'; count: number }
  | { kind: 'age'; minutes: number; minutesLeft: number }

export interface PasswordSettings {
  readonly rules: PasswordRules
  /** How many passwords, the current one first, a new one must differ from; by who sets it. */
  readonly history: Readonly<Record<PasswordSetter, number>>
  /** Minutes a user keeps a password before changing it itself. */
  readonly minAgeMinutes: number
  /** Days a password lives; 0: forever. */
  readonly validityDays: number
}

export interface LockoutSettings { readonly attempts: number; readonly windowSeconds: number; readonly durationSeconds: number }

/** The wire name of each policy's wrapper key and the kind stored. */
export const POLICY_WRAPPERS: Record<PolicyKind, string> = {
  password: 'password_policy', login: 'login_policy', protect: 'protect_policy', console_acl: 'console_acl_policy', api_acl: 'api_acl_policy',
}

const FORBIDDEN = () => new ServiceCodedError(403, 'IAM.0002', 'You are not authorized to perform the requested action.')
const DAY_MS = 86_400_000

/** The API gateway's refusal of an address outside the API ACL (open question 1). */
export class ApiAclRefusal extends ServiceCodedError {
  constructor(readonly requestId: string) {
    super(403, 'APIGW.0302', 'The IAM user is not authorized to access the API.')
  }
}

interface CachedAcl { readonly acl: CompiledAcl; readonly owners: ReadonlySet<string> }

export class SecurityService {
  /** An account's API ACL while it loads, then the loaded ACL itself. */
  private readonly apiAcls = new Map<string, CachedAcl | Promise<CachedAcl>>()
  private readonly keystone: boolean

  constructor(private readonly deps: SecurityServiceOptions) {
    this.keystone = deps.flavour.name === 'keystone'
  }

  // ------------------------------------------------------------------ the policies

  /** GET `…/{kind}`; the account's stored policy or its defaults. */
  async getPolicy(ctx: AuthContext, domainId: string, kind: PolicyKind): Promise<unknown> {
    await this.assertOwnAccount(ctx, domainId)
    return this.policyOf(domainId, kind)
  }

  /** PUT `…/{kind}`: merged (password, login, protect) or replaced (ACLs), checked, stored; answers the stored policy. */
  async updatePolicy(ctx: AuthContext, domainId: string, kind: PolicyKind, body: unknown): Promise<unknown> {
    const domain = await this.assertOwnAccount(ctx, domainId)
    const input = wrapped(body, POLICY_WRAPPERS[kind])
    const before = await this.policyOf(domainId, kind)
    const ranges = securityRanges(this.deps.flavour.name)
    const after = kind === 'password' ? mergePasswordPolicy(before as PasswordPolicy, input, ranges)
      : kind === 'login' ? mergeLoginPolicy(before as LoginPolicy, input, ranges)
        : kind === 'protect' ? mergeProtectPolicy(before as ProtectPolicy, input)
          : replaceAcl(input, kind === 'console_acl' ? 'console' : 'api')
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      await tx.putPolicy(domainId, kind, after, now)
      await tx.recordChange(iamTrace(ctx, domainId, `update${kind.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase())}Policy`, now), {
        resourceType: POLICY_WRAPPERS[kind], resourceId: domainId, resourceName: domain.name, before: before as Record<string, unknown>, after: after as unknown as Record<string, unknown>,
      })
    })
    // "Takes effect immediately": every password's expiry follows the new validity period.
    if (kind === 'password' && (before as PasswordPolicy).password_validity_period !== (after as PasswordPolicy).password_validity_period) {
      await this.recomputeExpiries(domainId, (after as PasswordPolicy).password_validity_period)
    }
    if (kind === 'api_acl') {
      this.apiAcls.delete(domainId)
      this.deps.announceChange()
    }
    return after
  }

  /** The stored policy with any field a later version added filled from the defaults. */
  private async policyOf(domainId: string, kind: 'password'): Promise<PasswordPolicy>
  private async policyOf(domainId: string, kind: 'login'): Promise<LoginPolicy>
  private async policyOf(domainId: string, kind: 'protect'): Promise<ProtectPolicy>
  private async policyOf(domainId: string, kind: PolicyKind): Promise<unknown>
  private async policyOf(domainId: string, kind: PolicyKind): Promise<unknown> {
    const stored = await this.deps.store.findPolicy(domainId, kind) as Record<string, unknown> | undefined
    switch (kind) {
      case 'password': return { ...defaultPasswordPolicy(this.deps.config), ...stored }
      case 'login': return { ...defaultLoginPolicy(this.deps.config), ...stored }
      case 'protect': return { ...DEFAULT_PROTECT_POLICY, ...stored }
      default: return stored ?? DEFAULT_ACL
    }
  }

  /** §0.2: the caller's own account only; another one exists → 403, none → 404. */
  private async assertOwnAccount(ctx: AuthContext, domainId: string) {
    const domain = await this.deps.domains.findDomain(domainId)
    if (!domain) throw new ServiceCodedError(404, 'IAM.0004', `Could not find domain: ${domainId}.`)
    if (domainId !== (ctx.accountId ?? ctx.userDomain.id) && !ctx.systemAdmin) throw FORBIDDEN()
    return domain
  }

  private async recomputeExpiries(domainId: string, days: number): Promise<void> {
    for (const user of await this.deps.store.listUsersWithPassword(domainId)) {
      const since = user.password_changed_at ?? user.created_at
      await this.deps.store.setPasswordExpiry(user.id, days > 0 ? isoMicros(Date.parse(since) + days * DAY_MS) : null)
    }
  }

  // ------------------------------------------------------------------ Keystone's security_compliance

  /** `GET /v3/domains/{id}/config/security_compliance[/{option}]`: derived from the password policy (§2.3); Keystone: its configuration. */
  async securityCompliance(ctx: AuthContext, domainId: string): Promise<{ password_regex: string | null; password_regex_description: string | null }> {
    if (this.keystone) {
      // Keystone keeps one configuration, its default domain's.
      if (domainId !== 'default') throw new InvalidDomainConfigError(OTHER_DOMAIN_COMPLIANCE)
      return { password_regex: this.deps.config.keystonePasswordRegex ?? null, password_regex_description: this.deps.config.keystonePasswordRegexDescription ?? null }
    }
    const domain = await this.deps.domains.findDomain(domainId)
    if (!domain) throw new NotFoundError('domain', domainId)
    if (domainId !== (ctx.accountId ?? ctx.userDomain.id)) throw new InvalidDomainConfigError(OTHER_DOMAIN_COMPLIANCE)
    const policy = await this.policyOf(domainId, 'password')
    return { password_regex: passwordRegex(policy), password_regex_description: passwordRegexDescription(policy) }
  }

  // ------------------------------------------------------------------ where the settings bite

  /** The rules for a password set in the account now. */
  async passwordSettings(domainId: string): Promise<PasswordSettings> {
    const c = this.deps.config
    if (this.keystone) {
      const regex = c.keystonePasswordRegex === undefined ? undefined
        : { pattern: new RegExp(c.keystonePasswordRegex), description: c.keystonePasswordRegexDescription ?? `The password must match ${c.keystonePasswordRegex}.` }
      // Keystone compares a self-service change with the user's last unique_last_password_count passwords.
      const unique = c.keystoneUniqueLastPasswordCount
      return {
        rules: { minLength: c.passwordPolicy.minLength, maxLength: PASSWORD_MAX_LENGTH, classes: c.passwordPolicy.minCharacterClasses, maxRun: 0, notName: true, notContacts: false, ...(regex ? { regex } : {}) },
        history: { create: 0, admin: 0, self: unique },
        minAgeMinutes: c.keystoneMinimumPasswordAge * 1440,
        validityDays: c.keystonePasswordExpiresDays,
      }
    }
    const policy = await this.policyOf(domainId, 'password')
    // Rule 6 (never the current password) holds even with the history off.
    const history = Math.max(1, policy.number_of_recent_passwords_disallowed)
    return {
      rules: cloudPasswordRules(policy), history: { create: 0, admin: history, self: history },
      minAgeMinutes: policy.minimum_password_age, validityDays: policy.password_validity_period,
    }
  }

  /**
   * Why `password` may not be set for the user (spec §1.4's checks in order), or undefined.
   * `user` is the stored user for a change, undefined for a creation.
   */
  async passwordRefusal(input: {
    domainId: string; user?: Pick<UserRow, 'id' | 'password_hash' | 'password_changed_at'>
    name: string; email?: string | null; phone?: string | null; password: string; by: PasswordSetter
  }): Promise<PasswordRefusal | undefined> {
    const settings = await this.passwordSettings(input.domainId)
    const detail = passwordRuleProblem(input.password, settings.rules, input)
    if (detail) return { kind: 'weak', detail }
    const count = settings.history[input.by]
    if (input.user && count > 0) {
      if (await verifyPassword(input.user.password_hash, input.password)) return input.by === 'self' && this.keystone ? { kind: 'history', count } : { kind: 'same', count }
      // The history's newest entry is the current password, checked already.
      const earlier = (await this.deps.store.listPasswordHashes(input.user.id, count)).filter((h) => h !== input.user!.password_hash).slice(0, count - 1)
      for (const hash of earlier) {
        if (await verifyPassword(hash, input.password)) return { kind: 'history', count }
      }
    }
    if (input.by === 'self' && input.user?.password_changed_at && settings.minAgeMinutes > 0) {
      const minutes = (this.deps.clock.now() - Date.parse(input.user.password_changed_at)) / 60_000
      if (minutes < settings.minAgeMinutes) return { kind: 'age', minutes: settings.minAgeMinutes, minutesLeft: Math.ceil(settings.minAgeMinutes - minutes) }
    }
    return undefined
  }

  /** `password_expires_at` of a password set at `at` (ISO); null when passwords do not expire. */
  async passwordExpiresAt(domainId: string, at: string): Promise<string | null> {
    const { validityDays } = await this.passwordSettings(domainId)
    return validityDays > 0 ? isoMicros(Date.parse(at) + validityDays * DAY_MS) : null
  }

  /** Keeps the hash of a password just set, for the history rule. */
  rememberPassword(userId: string, hash: string, at: string): Promise<void> {
    return this.deps.store.rememberPassword(userId, hash, at)
  }

  /**
   * Why a user whose password was right may not sign in, or undefined: idle too long (disabled
   * now, then refused as disabled users are), or, in the keystone flavour, an expired password
   * (the clouds' expiry is for the console alone, §1.4).
   */
  async signInRefusal(user: Pick<UserRow, 'id' | 'domain_id' | 'is_domain_owner' | 'last_login_at' | 'created_at' | 'enabled' | 'password_expires_at'>, now: number): Promise<UnauthorizedError | undefined> {
    if (await this.disableIfIdle(user, now)) return new UnauthorizedError()
    if (this.keystone && user.password_expires_at !== null && user.password_expires_at <= isoMicros(now)) {
      return new UnauthorizedError(`The password is expired and needs to be changed for user: ${user.id}.`)
    }
    return undefined
  }

  /** The lock-out of the account's users: its login policy on the clouds, the configuration's in the keystone flavour or until set. */
  async lockoutSettings(domainId: string): Promise<LockoutSettings> {
    const stored = this.keystone ? undefined : await this.deps.store.findPolicy(domainId, 'login') as Partial<LoginPolicy> | undefined
    if (!stored) return this.deps.config.lockout
    const policy = await this.policyOf(domainId, 'login')
    return { attempts: policy.login_failed_times, windowSeconds: policy.period_with_login_failures * 60, durationSeconds: policy.lockout_duration * 60 }
  }

  clearLoginFailures(userId: string): Promise<void> {
    return this.deps.store.clearLoginFailures(userId)
  }

  /**
   * The account validity period (§3.2): an IAM user (never the owner) idle longer than it is
   * disabled at this sign-in. True when it was.
   */
  private async disableIfIdle(user: Pick<UserRow, 'id' | 'domain_id' | 'is_domain_owner' | 'last_login_at' | 'created_at' | 'enabled'>, now: number): Promise<boolean> {
    if (this.keystone || user.is_domain_owner === 1 || user.enabled !== 1) return false
    const { account_validity_period: days } = await this.policyOf(user.domain_id, 'login')
    if (days === 0) return false
    // Access "using the console or APIs": a password sign-in or an AK/SK call, whichever was last.
    const keyUse = await this.deps.store.lastAccessKeyUse(user.id)
    const since = Math.max(Date.parse(user.last_login_at ?? user.created_at), keyUse === undefined ? 0 : Date.parse(keyUse))
    if (now - since <= days * DAY_MS) return false
    await this.deps.store.disableUser(user.id, isoMicros(now))
    return true
  }

  /**
   * The `allow_user` switches (§4.2): an IAM user acting on itself, without the administrator's
   * permission, is refused what its account switched off. Administrators are never refused.
   */
  async assertSelfService(ctx: AuthContext, userId: string, what: keyof AllowUser, adminAction: string): Promise<void> {
    if (this.keystone || ctx.user.id !== userId || ctx.assumedBy) return
    if (this.deps.policy.reach(ctx, adminAction).everywhere) return
    const { allow_user: allowUser } = await this.policyOf(ctx.userDomain.id, 'protect')
    if (!allowUser[what]) throw FORBIDDEN()
  }

  /**
   * The API ACL (§5.5): a caller outside the account's allowed addresses is refused. The
   * account's owner is exempt on Huawei Cloud, not on Open Telekom Cloud (open question 5).
   */
  assertApiAclAllows(ctx: AuthContext, ip: string, requestId: string): void | Promise<void> {
    if (this.keystone) return
    const cached = this.cachedApiAcl(ctx.accountId ?? ctx.userDomain.id)
    // Every API request asks: once the ACL is loaded the answer is synchronous, with no promise
    // per caller level (they were ~0.9 KB of garbage per GET).
    if (cached instanceof Promise) return cached.then((loaded) => this.judgeApiAcl(loaded, ctx, ip, requestId))
    this.judgeApiAcl(cached, ctx, ip, requestId)
  }

  private judgeApiAcl({ acl, owners }: CachedAcl, ctx: AuthContext, ip: string, requestId: string): void {
    if (acl.allows(ip)) return
    if (this.deps.flavour.name === 'huaweicloud' && owners.has(ctx.user.id) && !ctx.assumedBy) return
    throw new ApiAclRefusal(requestId)
  }

  /** Another instance changed a policy or a user: the cached ACLs go. */
  dropCachedAcls(): void {
    this.apiAcls.clear()
  }

  private cachedApiAcl(accountId: string): CachedAcl | Promise<CachedAcl> {
    let cached = this.apiAcls.get(accountId)
    if (!cached) {
      const loading = (async () => ({
        acl: compileAcl((await this.policyOf(accountId, 'api_acl')) as AclPolicy),
        owners: new Set(await this.deps.store.listOwnerIds(accountId)),
      }))()
      // Only if nothing dropped or replaced the entry meanwhile (a policy change while loading).
      const settled = (next: CachedAcl | undefined) => {
        if (this.apiAcls.get(accountId) !== loading) return
        if (next) this.apiAcls.set(accountId, next)
        else this.apiAcls.delete(accountId)
      }
      loading.then(settled, () => settled(undefined))
      this.apiAcls.set(accountId, (cached = loading))
    }
    return cached
  }

  // ------------------------------------------------------------------ for the web console

  /** Whether the console ACL lets an IAM user of the account sign in from `ip` (owners are not subject to it). */
  async consoleAclAllows(accountId: string, ip: string): Promise<boolean> {
    if (this.keystone) return true
    return compileAcl((await this.policyOf(accountId, 'console_acl')) as AclPolicy).allows(ip)
  }

  /** The console's idle sign-out, in minutes; tokens keep their own lifetime. */
  async sessionTimeoutMinutes(accountId: string): Promise<number> {
    return this.keystone ? defaultLoginPolicy(this.deps.config).session_timeout : (await this.policyOf(accountId, 'login')).session_timeout
  }

  /** The login policy's console-only fields (`show_recent_login_info`, `custom_info_for_login`). */
  async consoleLoginPolicy(accountId: string): Promise<LoginPolicy> {
    return this.policyOf(accountId, 'login')
  }
}

/** Keystone's `InvalidDomainConfig` (403, Keystone's body): another domain's compliance, or an option not readable (spec §2.2). */
export class InvalidDomainConfigError extends AppError {
  readonly status = 403
  readonly code = 'invalid_domain_config'
  constructor(reason: string) {
    super(`Invalid domain specific configuration: ${reason}`)
  }
}

export const OTHER_DOMAIN_COMPLIANCE = 'Reading security compliance information for any domain other than the default domain is not allowed or supported.'
export const UNREADABLE_COMPLIANCE_OPTION = 'Reading security compliance values other than password_regex and password_regex_description is not allowed.'
