/**
 * @module IAM business rules: tokens, regions, domains and projects, per the seeds (002 OTC,
 * 003 HWC) and Keystone. No SQL and no HTTP here: it reads the `Flavour`, calls the `IamStore`
 * and throws `AppError`s. Every tenant read is bounded by the caller's account.
 */
import { newHexId } from '../../shared/ids.js'
import { isoMicros, type Clock } from '../../shared/clock.js'
import type { Config } from '../../config.js'
import type { Flavour } from '../../flavours.js'
import type { DomainRow, ProjectRow, RegionRow, RoleRow } from '../../db/schema.js'
import type { AuthContext, AuthScope, NamedRef } from '../../auth/auth-context.js'
import { newAuditId, TokenCodec, type TokenPayload, type TokenScope } from '../../auth/token-codec.js'
import { verifyPassword } from '../../auth/password.js'
import type { Policy } from '../../auth/policy.js'
import { parsePolicyDocument, Permissions } from '../../auth/policy-document.js'
import {
  ForbiddenError, InvalidFieldError, MissingAttributeError, NotFoundError, UnauthorizedError, ValidationError,
} from '../../errors/app-error.js'
import type { CallerRecord, IamStore, Page, ProjectChanges, ProjectUpdateGuard } from './store.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../audit/trace.js'
import type {
  DomainCreateBody, DomainListQuery, DomainUpdateBody, ProjectCreateBody, ProjectListQuery, ProjectStatusBody, ProjectUpdateBody, TokenRequest,
} from './schemas.js'


/** Everything a token response shows; `wire.ts` turns it into Keystone's JSON. */
export interface IssuedToken {
  readonly token: string
  readonly ctx: AuthContext
}

export interface ProjectPage {
  readonly projects: ProjectRow[]
  /** Present when the caller asked for a page: whether pages exist before and after it. */
  readonly paging?: { page: number; perPage: number; hasPrevious: boolean; hasNext: boolean }
}

const MAX_PER_PAGE = 5000
/**
 * How long a validated token's context is reused without asking the store again. Changes made
 * through this instance clear it at once; changes made through another instance sharing the
 * store take effect here within this time.
 */
export const AUTH_CACHE_TTL_MS = 1000
const AUTH_CACHE_MAX_ENTRIES = 10_000
/** Keystone attributes the project body may carry that are not plain extras. */
const PROJECT_KNOWN_KEYS = new Set(['name', 'description', 'domain_id', 'parent_id', 'enabled', 'is_domain', 'tags', 'options'])

const NO_GRANTS: ReadonlyMap<string, Permissions> = new Map()

function permissionsOf(roles: readonly RoleRow[]): Permissions {
  return Permissions.compile(roles.map((r) => parsePolicyDocument(r.policy)).filter((d) => d !== undefined))
}

/**
 * A token issued in the same millisecond as a cut-off (password change, disable) would count as
 * cut. This login read the user after the cut, so its token may safely start just after it.
 */
function issuedAfterCut(now: number, tokensValidAfter: string): number {
  return tokensValidAfter === '' ? now : Math.max(now, Date.parse(tokensValidAfter) + 1)
}

export class IamService {
  private readonly authCache = new Map<string, { ctx: AuthContext; until: number }>()

  constructor(
    private readonly store: IamStore,
    private readonly flavour: Flavour,
    private readonly policy: Policy,
    private readonly codec: TokenCodec,
    private readonly clock: Clock,
    private readonly tokenTtlSeconds: number,
    private readonly security: { readonly lockout: Config['lockout'] },
    /** Told after this service dropped its cached callers, so other caches (and instances) follow. */
    private readonly callersChanged: () => void = () => {},
  ) {}

  // ------------------------------------------------------------------ tokens

  async issueToken(body: TokenRequest): Promise<IssuedToken> {
    const { identity, scope } = body.auth
    if (!identity.methods.includes('password')) {
      throw new UnauthorizedError('Attempted to authenticate with an unsupported method.')
    }
    if (!identity.password) throw new MissingAttributeError('password', 'identity')
    const userRef = identity.password.user
    const user = userRef.id !== undefined
      ? await this.store.findUser(userRef.id)
      : await this.findUserByName(userRef)
    const now = this.clock.now()
    if (user?.locked_until && user.locked_until > isoMicros(now)) throw this.lockedError(user.id)
    const passwordOk = await verifyPassword(user?.password_hash, userRef.password)
    if (user && !passwordOk) await this.countFailedLogin(user.id, now)
    if (!user || !passwordOk || user.enabled !== 1) throw new UnauthorizedError()
    if (user.failed_logins > 0 || user.locked_until) await this.store.recordLogin(user.id, isoMicros(now))
    const userDomain = await this.store.findDomain(user.domain_id)
    if (!userDomain || userDomain.enabled !== 1) throw new UnauthorizedError()

    const tokenScope = await this.resolveRequestedScope(scope, user.domain_id, user.default_project_id)
    const payload: TokenPayload = {
      userId: user.id, scope: tokenScope, issuedAt: issuedAfterCut(now, user.tokens_valid_after), expiresAt: now + this.tokenTtlSeconds * 1000, auditId: newAuditId(),
    }
    const ctx = await this.contextFor(payload, { user, domain: userDomain, revoked: false })
    if (!ctx) throw new UnauthorizedError()
    return { token: this.codec.encode(payload), ctx }
  }

  /**
   * A token of an account's administrator, without a password: for the `projectplane` command,
   * which opened the store itself and so already holds everything a token would grant. On the
   * clouds the first enabled member of the account's `admin` group, domain-scoped; in the
   * keystone flavour the first enabled holder of `admin` on the system, scoped to its `admin`
   * project as after `keystone-manage bootstrap`. It goes through every check a login's does.
   */
  async issueOperatorToken(accountId: string): Promise<string> {
    const now = this.clock.now()
    let candidates: { userId: string; scope: TokenScope }[]
    if (this.flavour.iam.managementNeedsDomainScope) {
      const group = await this.store.findGroupByName(accountId, 'admin')
      const members = group ? await this.store.listUsers({ groupId: group.id, enabled: true }) : []
      candidates = members.map((u) => ({ userId: u.id, scope: { type: 'domain', id: accountId } }))
    } else {
      const admin = await this.store.findRoleByName('admin')
      const holders = admin ? await this.store.listAssignments({ actorType: 'user', targetType: 'system', roleId: admin.id }) : []
      candidates = []
      for (const { actorId } of holders) {
        const user = await this.store.findUser(actorId)
        const project = user && (await this.store.findProjectByName(user.domain_id, 'admin'))
        if (project) candidates.push({ userId: actorId, scope: { type: 'project', id: project.id } })
      }
    }
    for (const { userId, scope } of candidates) {
      const auditId = newAuditId()
      const caller = await this.store.findCaller(userId, auditId)
      if (!caller) continue
      const payload: TokenPayload = {
        userId, scope, issuedAt: issuedAfterCut(now, caller.user.tokens_valid_after), expiresAt: now + this.tokenTtlSeconds * 1000, auditId,
      }
      if (await this.contextFor(payload, caller)) return this.codec.encode(payload)
    }
    throw new UnauthorizedError(`account ${accountId} has no enabled administrator (a member of its 'admin' group, or keystone's system admin)`)
  }

  /** Counts the failure; the one that reaches the limit locks the user and says so. */
  private async countFailedLogin(userId: string, now: number): Promise<void> {
    const { attempts, windowSeconds, durationSeconds } = this.security.lockout
    if (attempts === 0) return
    const lockedUntil = await this.store.recordLoginFailure({
      userId, now: isoMicros(now), windowStart: isoMicros(now - windowSeconds * 1000), attempts, lockUntil: isoMicros(now + durationSeconds * 1000),
    })
    if (lockedUntil) throw this.lockedError(userId)
  }

  private lockedError(userId: string): UnauthorizedError {
    return new UnauthorizedError(this.flavour.iam.accountLockedMessage.replace('%(user_id)s', userId))
  }

  private async findUserByName(ref: { name?: string; domain?: { id?: string; name?: string } }) {
    if (ref.name === undefined) throw new MissingAttributeError('id or name', 'user')
    if (!ref.domain || (ref.domain.id === undefined && ref.domain.name === undefined)) {
      throw new MissingAttributeError('domain', 'user')
    }
    const domain = ref.domain.id !== undefined ? await this.store.findDomain(ref.domain.id) : await this.store.findDomainByName(ref.domain.name!)
    return domain ? this.store.findUserByName(domain.id, ref.name) : undefined
  }

  private async resolveRequestedScope(
    scope: TokenRequest['auth']['scope'],
    userDomainId: string,
    defaultProjectId: string | null,
  ): Promise<TokenScope> {
    if (scope === undefined || scope === 'unscoped') {
      if (scope === undefined && this.flavour.iam.unscopedTokenRequest === 'domain') return { type: 'domain', id: userDomainId }
      if (scope === undefined && defaultProjectId) return { type: 'project', id: defaultProjectId }
      return { type: 'unscoped' }
    }
    if (scope.project) {
      // Both given: the project wins, as on the clouds.
      const ref = scope.project
      let project: ProjectRow | undefined
      if (ref.id !== undefined) project = await this.store.findProject(ref.id)
      else if (ref.name !== undefined) {
        const domainId = ref.domain?.id ?? (ref.domain?.name !== undefined ? (await this.store.findDomainByName(ref.domain.name))?.id : userDomainId)
        project = domainId ? await this.store.findProjectByName(domainId, ref.name) : undefined
      } else throw new MissingAttributeError('id or name', 'project')
      if (!project) throw new UnauthorizedError()
      return { type: 'project', id: project.id }
    }
    if (scope.domain) {
      const ref = scope.domain
      if (ref.id === undefined && ref.name === undefined) throw new MissingAttributeError('id or name', 'domain')
      const domain = ref.id !== undefined ? await this.store.findDomain(ref.id) : await this.store.findDomainByName(ref.name!)
      if (!domain) throw new UnauthorizedError()
      return { type: 'domain', id: domain.id }
    }
    throw new MissingAttributeError('project or domain', 'scope')
  }

  /**
   * Builds the caller from a token payload, re-checking everything that can change after issue:
   * user and account still enabled, token not revoked, project still enabled and not suspended,
   * and (Keystone) a role still held in the scope. Undefined when any check fails.
   */
  private async contextFor(payload: TokenPayload, known?: CallerRecord): Promise<AuthContext | undefined> {
    const caller = known ?? (await this.store.findCaller(payload.userId, payload.auditId))
    if (!caller || caller.user.enabled !== 1 || caller.domain.enabled !== 1 || caller.revoked) return undefined
    // Cut off by a password change, a disable or a group change after this token was issued.
    if (caller.user.tokens_valid_after !== '' && isoMicros(payload.issuedAt) <= caller.user.tokens_valid_after) return undefined
    const { user, domain: userDomain } = caller
    const systemRoles = await this.store.systemRoles(user.id)
    const systemAdmin = systemRoles.some((r) => r.name === 'admin')

    let scope: AuthScope
    let roles: RoleRow[] = []
    let accountId: string | undefined
    if (payload.scope.type === 'domain') {
      const domain = payload.scope.id === userDomain.id ? userDomain : await this.store.findDomain(payload.scope.id)
      if (!domain || domain.enabled !== 1) return undefined
      roles = await this.store.effectiveRoles(user.id, payload.scope)
      const allowed = this.flavour.iam.scopeNeedsRole ? roles.length > 0 || systemAdmin : domain.id === user.domain_id || systemAdmin
      if (!allowed) return undefined
      scope = { type: 'domain', domain: ref(domain) }
      accountId = domain.id
    } else if (payload.scope.type === 'project') {
      const project = await this.store.findProject(payload.scope.id)
      if (!project || project.enabled !== 1 || project.status !== 'normal') return undefined
      const domain = project.domain_id === userDomain.id ? userDomain : await this.store.findDomain(project.domain_id)
      if (!domain || domain.enabled !== 1) return undefined
      roles = await this.store.effectiveRoles(user.id, payload.scope, project.domain_id)
      if (this.flavour.iam.scopeNeedsRole ? roles.length === 0 : project.domain_id !== user.domain_id) return undefined
      scope = { type: 'project', project: ref(project), domain: ref(domain) }
      accountId = domain.id
    } else {
      scope = { type: 'unscoped' }
    }
    return {
      user: ref(user), userDomain: ref(userDomain), scope, accountId, roles: roles.map(ref), systemAdmin,
      permissions: permissionsOf(roles),
      enterpriseProjectPermissions: payload.scope.type === 'domain' ? await this.enterpriseProjectPermissions(user.id) : NO_GRANTS,
      auditId: payload.auditId, issuedAt: payload.issuedAt, expiresAt: payload.expiresAt,
    }
  }

  /** Policies granted on single enterprise projects count only with the account-wide (domain) scope EPS uses. */
  private async enterpriseProjectPermissions(userId: string): Promise<ReadonlyMap<string, Permissions>> {
    const grants = await this.store.enterpriseProjectRoles(userId)
    if (grants.length === 0) return NO_GRANTS
    const byProject = new Map<string, RoleRow[]>()
    for (const g of grants) byProject.set(g.enterpriseProjectId, [...(byProject.get(g.enterpriseProjectId) ?? []), g.role])
    return new Map([...byProject].map(([id, roles]) => [id, permissionsOf(roles)]))
  }

  /**
   * The caller behind an access key: its user, account-wide in `domainId` (its own account when
   * undefined), with every check a token gets. Undefined when the user may not act there.
   */
  async accessKeyContext(userId: string, domainId: string | undefined, auditId: string): Promise<AuthContext | undefined> {
    const caller = await this.store.findCaller(userId, auditId)
    if (!caller) return undefined
    const now = this.clock.now()
    return this.contextFor({ userId, scope: { type: 'domain', id: domainId ?? caller.user.domain_id }, issuedAt: now, expiresAt: now + AUTH_CACHE_TTL_MS, auditId }, caller)
  }

  /** The project, if it belongs to the account. */
  async findProjectInAccount(projectId: string, accountId: string): Promise<ProjectRow | undefined> {
    const project = await this.store.findProject(projectId)
    return project?.domain_id === accountId ? project : undefined
  }

  async projectInAccount(projectId: string, accountId: string): Promise<boolean> {
    return (await this.findProjectInAccount(projectId, accountId)) !== undefined
  }

  /** The caller behind an `X-Auth-Token`; 401 for anything but a live token. */
  async authenticate(token: string | undefined): Promise<AuthContext> {
    if (!token) throw new UnauthorizedError()
    const now = this.clock.now()
    const cached = this.authCache.get(token)
    if (cached && cached.until > now && cached.ctx.expiresAt > now) return cached.ctx
    const ctx = await this.validate(token)
    if (!ctx) throw new UnauthorizedError()
    if (this.authCache.size >= AUTH_CACHE_MAX_ENTRIES) this.authCache.delete(this.authCache.keys().next().value!)
    this.authCache.set(token, { ctx, until: now + AUTH_CACHE_TTL_MS })
    return ctx
  }

  /**
   * Forget every cached caller. Called after any change that can end a token's validity or
   * alter what its context says: revocation, and project, account or (later) user, group and
   * grant changes.
   */
  invalidateAuthCache(): void {
    this.dropCachedCallers()
    this.callersChanged()
  }

  /** Only this service's cache: for a change another instance announced. */
  dropCachedCallers(): void {
    this.authCache.clear()
  }

  private async validate(token: string): Promise<AuthContext | undefined> {
    const payload = this.codec.decode(token)
    if (!payload || payload.expiresAt <= this.clock.now()) return undefined
    return this.contextFor(payload)
  }

  /** GET/HEAD /v3/auth/tokens: the subject token's context, if the caller may see it. */
  async validateSubjectToken(caller: AuthContext, subject: string | undefined, action: string): Promise<AuthContext> {
    if (!subject) throw new MissingAttributeError('X-Subject-Token', 'request headers')
    const ctx = await this.validate(subject)
    if (!ctx) throw new NotFoundError('token', subject)
    this.assertMayTouchToken(caller, ctx, action)
    return ctx
  }

  async revokeSubjectToken(caller: AuthContext, subject: string | undefined): Promise<void> {
    const ctx = await this.validateSubjectToken(caller, subject, 'identity:revoke_token')
    const now = this.clock.now()
    await this.store.revokeToken(ctx.auditId, isoMicros(ctx.expiresAt), isoMicros(now))
    this.invalidateAuthCache()
  }

  private assertMayTouchToken(caller: AuthContext, subject: AuthContext, action: string): void {
    // Another account's tokens are out of reach whatever the caller's permissions say.
    if (caller.user.id !== subject.user.id && !caller.systemAdmin && caller.accountId !== subject.userDomain.id) throw new ForbiddenError(action)
    this.policy.enforce(caller, action, { userId: subject.user.id })
  }

  // ------------------------------------------------------------------ regions

  listRegions(): Promise<RegionRow[]> {
    return this.store.listRegions()
  }

  async getRegion(id: string): Promise<RegionRow> {
    const region = await this.store.findRegion(id)
    if (!region) throw new NotFoundError('region', id)
    return region
  }

  // ------------------------------------------------------------------ domains

  async listAuthDomains(ctx: AuthContext): Promise<DomainRow[]> {
    if (this.flavour.iam.scopeNeedsRole) return this.store.listDomainsForUser(ctx.user.id)
    const own = await this.store.findDomain(ctx.userDomain.id)
    return own ? [own] : []
  }

  async listDomains(ctx: AuthContext, query: DomainListQuery): Promise<DomainRow[]> {
    const enabled = parseBoolean('enabled', query.enabled)
    return this.store.listDomains({
      ids: ctx.systemAdmin ? undefined : [this.account(ctx)],
      name: query.name,
      enabled,
    })
  }

  async getDomain(ctx: AuthContext, id: string): Promise<DomainRow> {
    const domain = ctx.systemAdmin || id === ctx.accountId ? await this.store.findDomain(id) : undefined
    if (!domain) throw new NotFoundError('domain', id)
    return domain
  }

  async createDomain(ctx: AuthContext, body: DomainCreateBody): Promise<DomainRow> {
    this.assertDomainWrites()
    const now = isoMicros(this.clock.now())
    const id = newHexId()
    return this.store.transaction(async (tx) => {
      const row = await tx.createDomain({
        id, name: body.domain.name, description: body.domain.description ?? '',
        enabled: body.domain.enabled === false ? 0 : 1, created_at: now, updated_at: now,
      })
      await tx.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'createDomain', now), creationOf('domain', row))
      return row
    })
  }

  async updateDomain(ctx: AuthContext, id: string, body: DomainUpdateBody): Promise<DomainRow> {
    this.assertDomainWrites()
    const changes: Partial<Pick<DomainRow, 'name' | 'description' | 'enabled'>> = {}
    if (body.domain.name !== undefined) changes.name = body.domain.name
    if (body.domain.description !== undefined) changes.description = body.domain.description ?? ''
    if (body.domain.enabled !== undefined) changes.enabled = body.domain.enabled ? 1 : 0
    const now = isoMicros(this.clock.now())
    const updated = await this.store.transaction(async (tx) => {
      const before = await tx.findDomain(id)
      const after = before && await tx.updateDomain(id, changes, now)
      if (!after) throw new NotFoundError('domain', id)
      await tx.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'updateDomain', now), updateOf('domain', before, after))
      return after
    })
    this.invalidateAuthCache()
    return updated
  }

  async deleteDomain(ctx: AuthContext, id: string): Promise<void> {
    this.assertDomainWrites()
    const now = isoMicros(this.clock.now())
    await this.store.transaction(async (store) => {
      const domain = await store.findDomain(id)
      if (!domain) throw new NotFoundError('domain', id)
      if (domain.enabled === 1) throw new ForbiddenError('Cannot delete a domain that is enabled, please disable it first.')
      await store.deleteDomain(id)
      await store.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'deleteDomain', now), deletionOf('domain', domain))
    })
    this.invalidateAuthCache()
  }

  private assertDomainWrites(): void {
    if (!this.flavour.iam.domainWrites) {
      throw new ForbiddenError(`domains are accounts on ${this.flavour.name} and cannot be created, changed or deleted through this API`)
    }
  }

  // ------------------------------------------------------------------ projects

  async listProjects(ctx: AuthContext, query: ProjectListQuery): Promise<ProjectPage> {
    const enabled = parseBoolean('enabled', query.enabled)
    const isDomain = parseBoolean('is_domain', query.is_domain)
    const page = parsePaging(query.page, query.per_page)
    const account = ctx.systemAdmin ? undefined : this.account(ctx)
    // Another account's domain_id, or is_domain=true (no project here is a domain), match nothing.
    if ((query.domain_id !== undefined && account !== undefined && query.domain_id !== account) || isDomain === true) {
      return { projects: [], paging: page && { page: page.page, perPage: page.perPage, hasPrevious: page.page > 1, hasNext: false } }
    }
    const filter = { domainId: query.domain_id ?? account, name: query.name, parentId: query.parent_id, enabled }
    if (!page) return { projects: await this.store.listProjects(filter) }
    const window: Page = { offset: (page.page - 1) * page.perPage, limit: page.perPage + 1 }
    const rows = await this.store.listProjects(filter, window)
    return {
      projects: rows.slice(0, page.perPage),
      paging: { page: page.page, perPage: page.perPage, hasPrevious: page.page > 1, hasNext: rows.length > page.perPage },
    }
  }

  async listAuthProjects(ctx: AuthContext): Promise<ProjectRow[]> {
    if (ctx.scope.type === 'unscoped' && !this.flavour.iam.scopeNeedsRole) return []
    return this.store.listProjectsForUser(ctx.user.id, ctx.scope.type === 'unscoped' ? ctx.userDomain.id : this.account(ctx))
  }

  async listUserProjects(ctx: AuthContext, userId: string): Promise<ProjectRow[]> {
    const user = await this.store.findUser(userId)
    if (!user || (!ctx.systemAdmin && user.domain_id !== ctx.accountId && user.id !== ctx.user.id)) throw new NotFoundError('user', userId)
    return this.store.listProjectsForUser(user.id, user.domain_id)
  }

  async getProject(ctx: AuthContext, id: string): Promise<ProjectRow> {
    const project = await this.store.findProject(id)
    if (!project || !this.sees(ctx, project)) throw new NotFoundError('project', id)
    return project
  }

  async createProject(ctx: AuthContext, body: ProjectCreateBody): Promise<ProjectRow> {
    const input = body.project
    const domainId = await this.targetDomainForCreate(ctx, input.domain_id)
    this.assertExtrasAllowed(input, 'project')
    if (input.is_domain === true) throw new InvalidFieldError('project/is_domain', 'projects acting as domains are not supported')
    this.assertName(input.name)
    const description = this.checkedDescription(input.description)

    let parentId: string
    let regionId: string | null = null
    if (this.flavour.iam.regionPrefixedProjectNames) {
      regionId = await this.regionOfName(input.name)
      const regionProject = await this.store.findProjectByName(domainId, regionId)
      if (!regionProject || regionProject.kind !== 'region') {
        throw new InvalidFieldError('project/name', `the account has no project for region '${regionId}'`)
      }
      if (input.parent_id != null && input.parent_id !== regionProject.id) {
        throw new InvalidFieldError(
          'project/parent_id',
          `'${input.parent_id}' is not the project of region ${regionId}; it must be '${regionProject.id}' or be left out`,
        )
      }
      parentId = regionProject.id
    } else if (input.parent_id != null && input.parent_id !== domainId) {
      const parent = await this.store.findProject(input.parent_id)
      if (!parent || parent.domain_id !== domainId) throw new NotFoundError('project', input.parent_id)
      parentId = parent.id
    } else {
      parentId = domainId
    }

    const now = isoMicros(this.clock.now())
    return this.store.transaction(async (tx) => {
      const row = await tx.createProject({
        id: newHexId(), domain_id: domainId, name: input.name, description, parent_id: parentId, kind: 'custom', region_id: regionId,
        enabled: input.enabled === false ? 0 : 1, status: 'normal', suspended_at: null,
        tags: JSON.stringify(input.tags ?? []), options: JSON.stringify(input.options ?? {}),
        extra: JSON.stringify(this.extrasOf(input)), created_at: now, updated_at: now,
      })
      await tx.recordChange(iamTrace(ctx, domainId, 'createProject', now), creationOf('project', row))
      return row
    })
  }

  /**
   * PATCH /v3/projects/{id}: the seeds' rules, plus Keystone's for `enabled` and extras.
   * The common case is one guarded UPDATE (custom project, same region, caller's account), so
   * the rules hold atomically; only when it matches nothing is the row read to say why.
   */
  async updateProject(ctx: AuthContext, id: string, body: ProjectUpdateBody): Promise<ProjectRow> {
    const input = body.project
    const keys = Object.keys(input)
    if (keys.length === 0 || (this.flavour.iam.regionProjects && !keys.some((k) => k === 'name' || k === 'description' || k === 'enabled'))) {
      throw new InvalidFieldError('project', "at least one of 'name' and 'description' must be given")
    }
    this.assertExtrasAllowed(input, 'project')
    if (input.is_domain === true) throw new ValidationError('Update of `is_domain` is not allowed.')
    const changes: ProjectChanges = {}
    if (input.name !== undefined) {
      this.assertName(input.name)
      changes.name = input.name
    }
    if (input.description !== undefined) changes.description = this.checkedDescription(input.description)
    if (input.enabled !== undefined) changes.enabled = input.enabled
    if (input.tags !== undefined) changes.tags = JSON.stringify(input.tags)
    const now = isoMicros(this.clock.now())
    const regionPrefixed = this.flavour.iam.regionPrefixedProjectNames

    const simple = !ctx.systemAdmin && keys.every((k) => k === 'name' || k === 'description' || k === 'enabled' || k === 'tags')
    let updated: ProjectRow | undefined
    if (simple) {
      const regionId = regionPrefixed && input.name !== undefined ? input.name.slice(0, Math.max(0, input.name.indexOf('_'))) : undefined
      updated = await this.updateProjectTraced(ctx, this.account(ctx), id, changes, now, { kind: 'custom', regionId })
    }
    if (!updated) {
      const project = await this.getProject(ctx, id)
      this.assertNotRegionProject(project, 'identity:update_project')
      for (const field of ['domain_id', 'parent_id'] as const) {
        if (field in input && input[field] !== project[field]) throw new ValidationError(`Update of \`${field}\` is not allowed.`)
      }
      if (input.name !== undefined && regionPrefixed) {
        const region = await this.regionOfName(input.name)
        if (project.region_id !== null && region !== project.region_id) {
          throw new InvalidFieldError('project/name', `the region of a project cannot change: the name must start with '${project.region_id}_'`)
        }
      }
      if (input.options !== undefined) changes.options = JSON.stringify({ ...JSON.parse(project.options), ...input.options })
      const extras = this.extrasOf(input)
      if (Object.keys(extras).length > 0) changes.extra = JSON.stringify({ ...JSON.parse(project.extra), ...extras })
      updated = await this.updateProjectTraced(ctx, project.domain_id, project.id, changes, now, { kind: 'custom' })
      if (!updated) throw new NotFoundError('project', id)
    }
    // Project-scoped contexts carry the project's name and depend on it being enabled.
    if (changes.enabled !== undefined || changes.name !== undefined) this.invalidateAuthCache()
    return updated
  }

  /** One guarded UPDATE and its trace, in one transaction; undefined when the guard matched nothing. */
  private updateProjectTraced(ctx: AuthContext, domainId: string, id: string, changes: ProjectChanges, now: string, guard: ProjectUpdateGuard) {
    return this.store.transaction(async (tx) => {
      const before = await tx.findProject(id)
      const after = before && await tx.updateProject(domainId, id, changes, now, guard)
      if (after) await tx.recordChange(iamTrace(ctx, domainId, 'updateProject', now), updateOf('project', before, after))
      return after
    })
  }

  async deleteProject(ctx: AuthContext, id: string): Promise<void> {
    if (!this.flavour.iam.projectDelete) {
      throw new ForbiddenError(`projects cannot be deleted on ${this.flavour.name}`)
    }
    const project = await this.getProject(ctx, id)
    this.assertNotRegionProject(project, 'identity:delete_project')
    const now = isoMicros(this.clock.now())
    await this.store.transaction(async (tx) => {
      const before = await tx.findProject(project.id)
      if (!before || !(await tx.deleteProject(project.domain_id, project.id))) throw new NotFoundError('project', id)
      await tx.recordChange(iamTrace(ctx, project.domain_id, 'deleteProject', now), deletionOf('project', before))
    })
    this.invalidateAuthCache()
  }

  async setProjectStatus(ctx: AuthContext, id: string, body: ProjectStatusBody): Promise<void> {
    const project = await this.getProject(ctx, id)
    const now = isoMicros(this.clock.now())
    await this.store.transaction(async (tx) => {
      const before = await tx.findProject(project.id)
      if (!before || !(await tx.setProjectStatus(project.domain_id, project.id, body.project.status, now))) throw new NotFoundError('project', id)
      const after = await tx.findProject(project.id)
      await tx.recordChange(iamTrace(ctx, project.domain_id, 'updateProjectStatus', now), updateOf('project', before, after!))
    })
    this.invalidateAuthCache()
  }


  // ------------------------------------------------------------------ helpers

  private account(ctx: AuthContext): string {
    if (ctx.accountId === undefined) throw new ForbiddenError('an unscoped token cannot act on an account; request a domain- or project-scoped token')
    return ctx.accountId
  }

  private sees(ctx: AuthContext, project: ProjectRow): boolean {
    return ctx.systemAdmin || project.domain_id === ctx.accountId
  }

  private async targetDomainForCreate(ctx: AuthContext, requested: string | null | undefined): Promise<string> {
    if (requested == null) return this.account(ctx)
    if (ctx.systemAdmin) {
      if (!(await this.store.findDomain(requested))) throw new NotFoundError('domain', requested)
      return requested
    }
    if (requested !== this.account(ctx)) throw new ForbiddenError('identity:create_project')
    return requested
  }

  private assertNotRegionProject(project: ProjectRow, action: string): void {
    if (project.kind === 'region') {
      throw new ForbiddenError(`${action}: project ${project.name} is the system project of a region and is managed by the cloud`)
    }
  }

  /** Keystone keeps unknown project keys as attributes; the clouds document none, so they are refused. */
  private assertExtrasAllowed(input: Record<string, unknown>, path: string): void {
    const extras = Object.keys(input).filter((k) => !PROJECT_KNOWN_KEYS.has(k))
    if (!this.flavour.iam.keystoneProjectAttributes) {
      if (extras.length > 0) {
        throw new InvalidFieldError(path, `Additional properties are not allowed (${extras.map((k) => `'${k}'`).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`)
      }
      if (Array.isArray(input.tags) && input.tags.length > 0) throw new InvalidFieldError(`${path}/tags`, `projects on ${this.flavour.name} have no tags`)
      if (input.options && Object.keys(input.options).length > 0) throw new InvalidFieldError(`${path}/options`, `projects on ${this.flavour.name} have no options`)
    }
  }

  private extrasOf(input: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(input).filter(([k]) => !PROJECT_KNOWN_KEYS.has(k)))
  }

  private assertName(name: string): void {
    if (!/\S/.test(name)) throw new InvalidFieldError('project/name', `'${name}' does not match '[\\S]+'`)
    if (name.length > this.flavour.iam.projectNameMaxLength) {
      throw new InvalidFieldError('project/name', `'${name}' is too long (at most ${this.flavour.iam.projectNameMaxLength} characters)`)
    }
  }

  /** The clouds: `<existing region id>_<suffix>`. Region ids never contain '_'. */
  private async regionOfName(name: string): Promise<string> {
    const cut = name.indexOf('_')
    const region = cut > 0 ? name.slice(0, cut) : ''
    if (!region || cut === name.length - 1 || !(await this.store.findRegion(region))) {
      throw new InvalidFieldError(
        'project/name',
        `'${name}' must start with the ID of an existing region followed by '_' and a suffix (for example '${this.flavour.defaultRegions[0]!.id}_project')`,
      )
    }
    return region
  }

  private checkedDescription(description: string | null | undefined): string {
    const value = description ?? ''
    const max = this.flavour.iam.projectDescriptionMaxLength
    if (max !== undefined && value.length > max) {
      throw new InvalidFieldError('project/description', `the description is ${value.length} characters long; at most ${max} are allowed`)
    }
    return value
  }
}

export function ref(row: { id: string; name: string }): NamedRef {
  return { id: row.id, name: row.name }
}

/** Keystone's reading of boolean query values, with anything else refused rather than guessed. */
export function parseBoolean(field: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  const v = value.toLowerCase()
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw new InvalidFieldError(field, `'${value}' is not a boolean; use true or false`)
}

export function parsePaging(page: string | undefined, perPage: string | undefined, maxPerPage = MAX_PER_PAGE) {
  if (page === undefined && perPage === undefined) return undefined
  if (page === undefined || perPage === undefined) {
    throw new InvalidFieldError(page === undefined ? 'page' : 'per_page', "'page' and 'per_page' must be given together")
  }
  if (!/^[1-9]\d{0,8}$/.test(page)) throw new InvalidFieldError('page', `'${page}' is not a whole number of at least 1`)
  if (!/^[1-9]\d{0,3}$/.test(perPage) || Number(perPage) > maxPerPage) {
    throw new InvalidFieldError('per_page', `'${perPage}' is not a whole number from 1 to ${maxPerPage}`)
  }
  return { page: Number(page), perPage: Number(perPage) }
}

