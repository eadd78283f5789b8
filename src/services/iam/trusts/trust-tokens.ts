/**
 * @module Trust-scoped tokens (Keystone's `"scope": {"OS-TRUST:trust": {"id": …}}`): the trustee
 * logs in (password or token, through the tokens service), and gets a token on the trust's
 * project with the trust's roles, acting as the trustor when the trust impersonates. Every use
 * of such a token checks the trust again (tokens/service.ts calls `context`): it stops working
 * once the trust is deleted or expired, the trustor disabled, or a delegated role no longer
 * held by the trust chain's first trustor.
 */
import type { AuthContext } from '../../../auth/auth-context.js'
import type { TokenCodec, TokenPayload } from '../../../auth/token-codec.js'
import { AppError, ForbiddenError, MissingAttributeError, NotFoundError, UnauthorizedError } from '../../../errors/app-error.js'
import { isoMicros } from '../../../shared/clock.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { RoleStore } from '../roles/store.js'
import { NO_ENTERPRISE_PROJECT_GRANTS, permissionsOf } from '../roles/role-permissions.js'
import type { IssuedToken } from '../tokens/service.js'
import type { TokenRequest } from '../tokens/schemas.js'
import type { CallerRecord, TokenStore } from '../tokens/store.js'
import { ref } from '../iam-wire.js'
import type { TrustService } from './service.js'
import type { TrustRecord, TrustStore } from './store.js'

/** What the tokens service asks of trusts. */
export interface TrustTokens {
  /** A token for an `OS-TRUST:trust` scope; `login` authenticates the request's identity, unscoped. */
  issue(body: TokenRequest, login: (body: TokenRequest) => Promise<IssuedToken>): Promise<IssuedToken>
  /** The caller behind a trust-scoped token, `caller` being its (checked) trustee; undefined once the trust no longer holds. */
  context(payload: TokenPayload, caller: CallerRecord): Promise<AuthContext | undefined>
}

export interface TrustTokenOptions {
  trusts: TrustService
  store: Pick<TrustStore, 'consumeUse'>
  callers: Pick<TokenStore, 'findCaller'>
  users: Pick<IdentityStore, 'findUser'>
  projects: Pick<ProjectStore, 'findProject' | 'findDomain'>
  roles: Pick<RoleStore, 'effectiveRoles'>
  codec: TokenCodec
  /** The flavour's `adminRoleAnywhere`: a delegated `admin` makes the token's holder the cloud administrator. */
  adminRoleAnywhere: boolean
}

export class TrustTokenService implements TrustTokens {
  constructor(private readonly deps: TrustTokenOptions) {}

  /**
   * Keystone's order: the scope (one kind only, a trust id, a trust that holds, its project),
   * then the login, then the trust's own checks, and a use is taken only from a token issued.
   */
  async issue(body: TokenRequest, login: (body: TokenRequest) => Promise<IssuedToken>): Promise<IssuedToken> {
    const scope = body.auth.scope
    if (typeof scope !== 'object') throw new MissingAttributeError('trust_id', 'trust')
    if (scope.project !== undefined || scope.domain !== undefined || scope.system !== undefined) {
      throw new MissingAttributeError('system, project, domain, OS-TRUST:trust or unscoped', 'scope')
    }
    const trustId = scope['OS-TRUST:trust']?.id
    if (!trustId) throw new MissingAttributeError('trust_id', 'trust')
    const chain = await this.deps.trusts.trustChain(trustId).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new UnauthorizedError() : error
    })
    // A trust without a project scopes nothing (Keystone fails on it with a 500).
    if (chain[0].project_id === null) throw new UnauthorizedError()
    const project = await this.deps.projects.findProject(chain[0].project_id)
    const projectDomain = project && await this.deps.projects.findDomain(project.domain_id)
    if (!project || project.enabled !== 1 || !projectDomain || projectDomain.enabled !== 1) throw new UnauthorizedError()

    // The login's token is never handed out: its user, times, methods and audit ids become this token's.
    const issued = await login({ auth: { identity: body.auth.identity, scope: 'unscoped' } })
    const { user, issuedAt, expiresAt, auditId, methods, parentAuditId } = issued.ctx
    const payload: TokenPayload = {
      userId: user.id, scope: { type: 'project', id: project.id }, issuedAt, expiresAt, auditId,
      ...(methods === undefined ? {} : { methods, parentAuditId }), trustId,
    }
    const caller = await this.deps.callers.findCaller(payload.userId, payload.auditId)
    if (!caller) throw new UnauthorizedError()
    const ctx = await this.build(payload, caller, chain)
    const use = await this.deps.store.consumeUse(trustId)
    if (use === 'missing') throw new UnauthorizedError()
    if (use === 'exhausted') throw new ForbiddenError()
    return { token: this.deps.codec.encode(payload), ctx }
  }

  async context(payload: TokenPayload, caller: CallerRecord): Promise<AuthContext | undefined> {
    if (payload.trustId === undefined) return undefined
    try {
      // A trust's remaining uses count the tokens it gives; those given stay valid.
      return await this.build(payload, caller, await this.deps.trusts.trustChain(payload.trustId, true))
    } catch (error) {
      if (error instanceof AppError) return undefined
      throw error
    }
  }

  /** Keystone's `_validate_token_user` and `_validate_trust_scope`, with their statuses (all plain texts). */
  private async build(payload: TokenPayload, caller: CallerRecord, chain: readonly [TrustRecord, ...TrustRecord[]]): Promise<AuthContext> {
    const trust = chain[0]
    if (payload.userId !== trust.trustee_user_id) throw new ForbiddenError()
    const trustor = await this.deps.users.findUser(trust.trustor_user_id)
    if (!trustor) throw new UnauthorizedError()
    const trustorDomain = trustor.domain_id === caller.domain.id ? caller.domain : await this.deps.projects.findDomain(trustor.domain_id)
    if (!trustorDomain || trustorDomain.enabled !== 1) throw new NotFoundError('token', trust.id, 'Trustor domain is disabled.')
    if (trustor.enabled !== 1) throw new ForbiddenError()
    // The trustor's password change or disable cuts its trust tokens too (Keystone's revocation by trustor).
    if (trustor.tokens_valid_after !== '' && isoMicros(payload.issuedAt) <= trustor.tokens_valid_after) throw new UnauthorizedError()
    if (payload.scope.type !== 'project' || payload.scope.id !== trust.project_id) throw new UnauthorizedError()
    const project = await this.deps.projects.findProject(trust.project_id)
    if (!project || project.enabled !== 1 || project.status !== 'normal') throw new UnauthorizedError()
    const projectDomain = await this.deps.projects.findDomain(project.domain_id)
    if (!projectDomain || projectDomain.enabled !== 1) throw new UnauthorizedError()
    // Roles are judged on the first trustor of the chain: a redelegated trust delegates its roles.
    const held = await this.deps.roles.effectiveRoles(chain[chain.length - 1]!.trustor_user_id, payload.scope, project.domain_id)
    const heldIds = new Set(held.map((r) => r.id))
    if (!trust.roleIds.every((id) => heldIds.has(id))) throw new ForbiddenError()
    // Domain-specific roles never appear in a token (Keystone keeps only global ones).
    const roles = held.filter((r) => trust.roleIds.includes(r.id) && r.domain_key === '')
    const impersonating = trust.impersonation === 1
    return {
      user: ref(impersonating ? trustor : caller.user), userDomain: ref(impersonating ? trustorDomain : caller.domain),
      scope: { type: 'project', project: ref(project), domain: ref(projectDomain) }, accountId: projectDomain.id,
      roles: roles.map(ref), systemAdmin: this.deps.adminRoleAnywhere && roles.some((r) => r.name === 'admin'),
      permissions: permissionsOf(roles), enterpriseProjectPermissions: NO_ENTERPRISE_PROJECT_GRANTS,
      auditId: payload.auditId, issuedAt: payload.issuedAt, expiresAt: payload.expiresAt,
      methods: payload.methods, parentAuditId: payload.parentAuditId,
      trust: { id: trust.id, impersonation: impersonating, trustorUserId: trust.trustor_user_id, trusteeUserId: trust.trustee_user_id },
    }
  }
}
