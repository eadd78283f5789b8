/**
 * @module Federated tokens (spec iam-federation.md §2.3, §6): `federatedSignIn` turns an identity
 * provider, a protocol and the attributes the provider asserted (SAML attributes, OIDC claims)
 * into a token, through the protocol's mapping; the tokens service asks `context` for the caller
 * behind such a token on every use, and `rescope` for a token made from one (method `token`).
 * The OIDC exchange (oidc.ts) and the SAML sign-in (federation/saml/) both end here.
 *
 * A virtual user (virtual_user_sso) holds nothing itself: its permissions are those of the groups
 * the mapping named, frozen in the token at sign-in. An IAM user signing in through an
 * `iam_user_sso` provider gets its own token with the `OS-FEDERATION` section added (spec OQ-8).
 */
import { createHash } from 'node:crypto'
import type { AuthContext, NamedRef, RequestOrigin } from '../../../auth/auth-context.js'
import { newAuditId, type TokenCodec, type TokenPayload, type TokenScope } from '../../../auth/token-codec.js'
import type { TraceContext } from '../../../audit/trace.js'
import type { DomainRow, FederatedUserRow, GroupRow, IdentityProviderRow, ProjectRow, RoleRow } from '../../../db/schema.js'
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../../errors/app-error.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { RoleStore } from '../roles/store.js'
import { NO_ENTERPRISE_PROJECT_GRANTS, permissionsOf } from '../roles/role-permissions.js'
import type { IssuedToken } from '../tokens/service.js'
import { ref } from '../iam-wire.js'
import { evaluateMapping, type Attributes, type MappedGroup, type MappingRule } from './mapping-rules.js'
import type { FederationStore } from './store.js'

/** A scope asked for at sign-in or when rescoping: a project wins over a domain (spec OQ-16). */
export interface RequestedScope {
  readonly domain?: { readonly id?: string; readonly name?: string } | undefined
  readonly project?: { readonly id?: string; readonly name?: string; readonly domain?: { readonly id?: string; readonly name?: string } } | undefined
}

export interface FederatedSignIn {
  readonly idpId: string
  readonly protocolId: string
  readonly attributes: Attributes
  /** Absent: an unscoped token. */
  readonly scope?: RequestedScope | undefined
  /** The API operation, as the audit trail names it (`createTokenWithIdToken`, …). */
  readonly action?: string
  readonly origin?: RequestOrigin | undefined
}

/** What the tokens service asks of federation. */
export interface FederatedTokens {
  /** The caller behind a federated token; undefined once it no longer holds. */
  context(payload: TokenPayload): Promise<AuthContext | undefined>
  /** A token made from a federated one (method `token`), expiring with it. */
  rescope(parent: TokenPayload, scope: RequestedScope | 'unscoped' | undefined): Promise<IssuedToken>
}

export interface FederatedTokenOptions {
  store: FederationStore
  domains: Pick<ProjectStore, 'findDomain' | 'findDomainByName' | 'findProject' | 'findProjectByName'>
  groups: Pick<IdentityStore, 'findGroup' | 'findGroupByName' | 'listGroups'>
  roles: Pick<RoleStore, 'groupsEffectiveRoles'>
  codec: TokenCodec
  clock: Clock
  tokenTtlSeconds: number
  /** The flavour's methods for a rescoped token: `token` alone (the clouds) or with the parent's (Keystone). */
  rescopedTokenMethods: 'token' | 'token-and-parent'
  /** The flavour's `adminRoleAnywhere`: a mapped group's `admin` makes the caller the cloud administrator. */
  adminRoleAnywhere: boolean
  /** The tokens service's caller for a payload that is not federated: an `iam_user_sso` sign-in's IAM user. */
  plainContext(payload: TokenPayload): Promise<AuthContext | undefined>
}

/** Spec §2.4: what a protocol without a mapping of its own maps with (anyone with a NameID, no groups). */
export const DEFAULT_MAPPING_RULES: readonly MappingRule[] = [{ local: [{ user: { name: 'FederationUser' } }], remote: [{ type: '__NAMEID__' }] }]
/** The mapping the console and terraform make for a provider. */
export const defaultMappingId = (idpId: string) => `mapping_${idpId}`
/** The assertion attribute naming the IAM user of an `iam_user_sso` sign-in (spec §6.2). */
export const XUSER_ID_ATTRIBUTE = 'IAM_SAML_Attributes_xUserId'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Spec OQ-18: 32 characters of [A-Za-z0-9] derived from (account, name), the same at every sign-in. */
export function virtualUserId(accountId: string, name: string): string {
  let n = BigInt(`0x${createHash('sha256').update(`${accountId}\n${name}`).digest('hex')}`)
  let id = ''
  while (id.length < 32) {
    id += BASE62[Number(n % 62n)]
    n /= 62n
  }
  return id
}

export class FederatedTokenService implements FederatedTokens {
  private readonly ttlMs: number

  constructor(private readonly deps: FederatedTokenOptions) {
    this.ttlMs = deps.tokenTtlSeconds * 1000
  }

  /**
   * Spec §2.3 step 1, §6: the provider (unknown → 404 `Could not find Identity Provider`,
   * disabled → 403), its protocol (none → 401), then the mapping (no rule applied, or no user
   * name → 401) or, for `iam_user_sso`, the IAM user the assertion names (none → 401); then the
   * token, in the scope asked for (no role there → 401). Each sign-in leaves a trace.
   */
  async federatedSignIn(request: FederatedSignIn): Promise<IssuedToken> {
    const idp = await this.enabledProvider(request.idpId)
    const protocol = await this.deps.store.findProtocol(idp.id, request.protocolId)
    if (!protocol) throw new UnauthorizedError()
    const account = await this.deps.domains.findDomain(idp.domain_id)
    if (!account || account.enabled !== 1) throw new UnauthorizedError()
    const now = this.deps.clock.now()
    const scope = await this.resolveScope(request.scope, account)

    let userRow: FederatedUserRow | undefined
    let userId: string
    let groupIds: string[]
    if (idp.sso_type === 'iam_user_sso') {
      const xUserId = request.attributes[XUSER_ID_ATTRIBUTE]?.[0]
      const user = xUserId === undefined ? undefined : await this.deps.store.findUserByExternalId(account.id, xUserId)
      if (!user || user.enabled !== 1) throw new UnauthorizedError()
      userId = user.id
      groupIds = (await this.deps.groups.listGroups({ userId: user.id })).map((g) => g.id)
    } else {
      const mapped = await this.mapAttributes(idp, protocol.mapping_id, request.attributes)
      userId = virtualUserId(account.id, mapped.name)
      groupIds = mapped.groupIds
      userRow = {
        id: userId, domain_id: account.id, name: mapped.name, idp_id: idp.id, protocol_id: protocol.id, created_at: isoMicros(now), last_login_at: isoMicros(now),
      }
    }
    const payload: TokenPayload = {
      userId, scope, issuedAt: now, expiresAt: now + this.ttlMs, auditId: newAuditId(), methods: ['mapped'],
      federation: { idpId: idp.id, protocolId: protocol.id, groupIds },
    }
    const ctx = await this.build(payload, userRow && { user: userRow, domain: account, idp })
    if (!ctx) throw new UnauthorizedError()
    const trace: TraceContext = {
      accountId: account.id, service: 'IAM', action: request.action ?? 'federatedSignIn', user: ctx.user, userDomain: ctx.userDomain,
      origin: request.origin, time: isoMicros(now),
    }
    await this.deps.store.transaction(async (tx) => {
      const before = userRow && await tx.findFederatedUser(userRow.id)
      const after = userRow ? await tx.upsertFederatedUser(before ? { ...userRow, created_at: before.created_at } : userRow) : undefined
      await tx.recordChange(trace, {
        resourceType: 'federated_user', resourceId: ctx.user.id, resourceName: ctx.user.name, before: before ?? null,
        after: { ...(after ?? { id: ctx.user.id, name: ctx.user.name, domain_id: account.id }), identity_provider: idp.id, protocol: protocol.id, scope: payload.scope, groups: ctx.federation?.groups ?? [] },
      })
    })
    return { token: this.deps.codec.encode(payload), ctx: { ...ctx, origin: request.origin } }
  }

  /** The provider, enabled: unknown → 404 (`Could not find Identity Provider: …`), disabled → 403. */
  async enabledProvider(idpId: string): Promise<IdentityProviderRow> {
    const idp = await this.deps.store.findIdentityProvider(idpId)
    if (!idp) throw new NotFoundError('Identity Provider', idpId)
    if (idp.enabled !== 1) throw new ForbiddenError()
    return idp
  }

  /** The protocol's mapping applied; its user name and the ids of the groups it names that exist in the provider's account. */
  private async mapAttributes(idp: IdentityProviderRow, mappingId: string | null, attributes: Attributes): Promise<{ name: string; groupIds: string[] }> {
    let rules: readonly MappingRule[] = DEFAULT_MAPPING_RULES
    const mapping = await this.deps.store.findMapping(idp.domain_id, mappingId ?? defaultMappingId(idp.id))
    if (mapping) rules = JSON.parse(mapping.rules) as MappingRule[]
    // A protocol naming a mapping deleted since cannot sign anyone in.
    else if (mappingId !== null) throw new UnauthorizedError()
    const result = evaluateMapping(rules, attributes)
    const name = result?.user?.name
    if (!result || name === undefined || name === '') throw new UnauthorizedError()
    const groupIds: string[] = []
    for (const group of result.groups) {
      const row = await this.findMappedGroup(idp.domain_id, group)
      // Names that exist nowhere are skipped (Keystone); so are ids (Keystone answers 500).
      if (row && !groupIds.includes(row.id)) groupIds.push(row.id)
    }
    return { name, groupIds }
  }

  /** A group of the provider's account: a mapping cannot reach into another account's groups. */
  private async findMappedGroup(accountId: string, group: MappedGroup): Promise<GroupRow | undefined> {
    if (group.id !== undefined) {
      const row = await this.deps.groups.findGroup(group.id)
      return row?.domain_id === accountId ? row : undefined
    }
    if (group.name === undefined) return undefined
    if (group.domain?.id !== undefined && group.domain.id !== accountId) return undefined
    if (group.domain?.name !== undefined && group.domain.id === undefined) {
      const domain = await this.deps.domains.findDomainByName(group.domain.name)
      if (domain?.id !== accountId) return undefined
    }
    return this.deps.groups.findGroupByName(accountId, group.name)
  }

  /** A scope within the provider's account; anything else, or nothing by that id or name, → 401. */
  private async resolveScope(requested: RequestedScope | undefined, account: DomainRow): Promise<TokenScope> {
    if (!requested || (requested.project === undefined && requested.domain === undefined)) return { type: 'unscoped' }
    if (requested.project) {
      const { id, name } = requested.project
      let project: ProjectRow | undefined
      if (id !== undefined) project = await this.deps.domains.findProject(id)
      else if (name !== undefined) project = await this.deps.domains.findProjectByName(account.id, name)
      if (!project || project.domain_id !== account.id) throw new UnauthorizedError()
      return { type: 'project', id: project.id }
    }
    const { id, name } = requested.domain!
    const domain = id !== undefined ? await this.deps.domains.findDomain(id) : name !== undefined ? await this.deps.domains.findDomainByName(name) : undefined
    if (!domain || domain.id !== account.id) throw new UnauthorizedError()
    return { type: 'domain', id: domain.id }
  }

  async context(payload: TokenPayload): Promise<AuthContext | undefined> {
    return this.build(payload)
  }

  /**
   * Spec §6.5: the parent must still hold (its provider enabled, not revoked); the new token
   * keeps its groups and its expiry, and needs a role in the new scope.
   */
  async rescope(parent: TokenPayload, scope: RequestedScope | 'unscoped' | undefined): Promise<IssuedToken> {
    const parentCtx = await this.build(parent)
    if (!parentCtx) throw new UnauthorizedError()
    const idp = await this.enabledProvider(parent.federation!.idpId).catch(() => {
      throw new UnauthorizedError()
    })
    const account = await this.deps.domains.findDomain(idp.domain_id)
    if (!account) throw new UnauthorizedError()
    const tokenScope = await this.resolveScope(scope === 'unscoped' ? undefined : scope, account)
    const methods = this.deps.rescopedTokenMethods === 'token' ? ['token'] : ['token', ...(parent.methods ?? ['mapped']).filter((m) => m !== 'token')]
    const payload: TokenPayload = {
      userId: parent.userId, scope: tokenScope, issuedAt: this.deps.clock.now(), expiresAt: parent.expiresAt, auditId: newAuditId(), methods,
      parentAuditId: parent.parentAuditId ?? parent.auditId, federation: parent.federation,
    }
    const ctx = await this.build(payload)
    if (!ctx) throw new UnauthorizedError()
    return { token: this.deps.codec.encode(payload), ctx }
  }

  /**
   * The caller behind a federated payload, re-checking what can change after sign-in: the
   * provider enabled, the token not revoked, the account enabled, the groups still there, and a
   * role in the scope. `known`: the sign-in's own rows, before they are stored.
   */
  private async build(
    payload: TokenPayload,
    known?: { user: FederatedUserRow; domain: DomainRow; idp: IdentityProviderRow },
  ): Promise<AuthContext | undefined> {
    const claims = payload.federation
    if (!claims) return undefined
    const idp = known?.idp ?? await this.deps.store.findIdentityProvider(claims.idpId)
    if (!idp || idp.enabled !== 1) return undefined
    if (!known && await this.deps.store.isRevoked(payload.auditId)) return undefined
    const groups = await this.liveGroups(idp.domain_id, claims.groupIds)
    const section = { identityProviderId: idp.id, protocolId: claims.protocolId, groups: groups.map(ref) }
    if (idp.sso_type === 'iam_user_sso') {
      const { federation: _claims, ...plainPayload } = payload
      const ctx = await this.deps.plainContext(plainPayload)
      return ctx && ctx.userDomain.id === idp.domain_id ? { ...ctx, federation: section } : undefined
    }
    const user = known?.user ?? await this.deps.store.findFederatedUser(payload.userId)
    if (!user || user.domain_id !== idp.domain_id) return undefined
    const domain = known?.domain ?? await this.deps.domains.findDomain(user.domain_id)
    if (!domain || domain.enabled !== 1) return undefined
    const scoped = await this.scopeOf(payload.scope, domain, groups.map((g) => g.id))
    if (!scoped) return undefined
    const { scope, roles } = scoped
    return {
      user: ref(user), userDomain: ref(domain), scope, accountId: scope.type === 'unscoped' ? undefined : domain.id,
      roles: roles.map(ref), systemAdmin: this.deps.adminRoleAnywhere && roles.some((r) => r.name === 'admin'),
      permissions: permissionsOf(roles), enterpriseProjectPermissions: NO_ENTERPRISE_PROJECT_GRANTS,
      auditId: payload.auditId, issuedAt: payload.issuedAt, expiresAt: payload.expiresAt,
      methods: payload.methods, parentAuditId: payload.parentAuditId, federation: section,
    }
  }

  /** `GET /v3/OS-FEDERATION/domains` for a federated caller: its provider's account (spec §6.3). */
  async scopeDomains(ctx: AuthContext): Promise<DomainRow[]> {
    const domain = await this.deps.domains.findDomain(ctx.userDomain.id)
    return domain && domain.enabled === 1 ? [domain] : []
  }

  /** `GET /v3/OS-FEDERATION/projects` for a federated caller: where its mapped groups hold a role. */
  scopeProjects(ctx: AuthContext): Promise<ProjectRow[]> {
    return this.deps.store.listProjectsForGroups(ctx.userDomain.id, (ctx.federation?.groups ?? []).map((g) => g.id))
  }

  /** The mapped groups that still exist in the account (a deleted one drops out; Keystone fails with a 500). */
  private async liveGroups(accountId: string, groupIds: readonly string[]): Promise<NamedRef[]> {
    const rows = await Promise.all(groupIds.map((id) => this.deps.groups.findGroup(id)))
    return rows.filter((g): g is GroupRow => g !== undefined && g.domain_id === accountId)
  }

  /** The token's scope with the groups' roles there; undefined when scoped where they hold none. */
  private async scopeOf(scope: TokenScope, account: DomainRow, groupIds: readonly string[]): Promise<{ scope: AuthContext['scope']; roles: RoleRow[] } | undefined> {
    if (scope.type === 'unscoped') return { scope: { type: 'unscoped' }, roles: [] }
    if (scope.type === 'domain') {
      if (scope.id !== account.id) return undefined
      const roles = await this.deps.roles.groupsEffectiveRoles(groupIds, scope)
      return roles.length === 0 ? undefined : { scope: { type: 'domain', domain: ref(account) }, roles }
    }
    if (scope.type !== 'project') return undefined
    const project = await this.deps.domains.findProject(scope.id)
    if (!project || project.domain_id !== account.id || project.enabled !== 1 || project.status !== 'normal') return undefined
    const roles = await this.deps.roles.groupsEffectiveRoles(groupIds, scope, account.id)
    return roles.length === 0 ? undefined : { scope: { type: 'project', project: ref(project), domain: ref(account) }, roles }
  }
}
