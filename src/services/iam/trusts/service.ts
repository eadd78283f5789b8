/**
 * @module Trusts (OS-TRUST, keystone flavour): a trustor delegates some of its roles on a project
 * to a trustee, for a while or a number of tokens, perhaps letting the trustee pass them on
 * (redelegation). Keystone 22's rules, order of checks and texts (keystone/api/trusts.py,
 * keystone/trust/core.py); its policies (keystone/common/policies/trust.py) are checked here,
 * since they depend on the trust. No SQL and no HTTP here.
 */
import type { RoleRow, TrustRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { creationOf, deletionOf, iamTrace } from '../../../audit/trace.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { newHexId } from '../../../shared/ids.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { RoleStore } from '../roles/store.js'
import type { TrustCreateBody, TrustListQuery } from './schemas.js'
import type { TrustRecord, TrustStore } from './store.js'
import {
  isSystemAdmin, isSystemReader, MAX_REDELEGATION_COUNT, parseTrustExpiry, TRUST_KNOWN_KEYS, trustExpired, validateRedelegation,
  type RedelegatedDraft,
} from './rules.js'

/** A trust with the roles it delegates that still exist. */
export interface TrustView {
  readonly trust: TrustRecord
  readonly roles: readonly RoleRow[]
}

export interface TrustServiceOptions {
  store: TrustStore
  users: Pick<IdentityStore, 'findUser'>
  projects: Pick<ProjectStore, 'findProject'>
  roles: Pick<RoleStore, 'findRole' | 'findRoleByName' | 'effectiveRoles'>
  clock: Clock
  /** Called after a trust is deleted: its tokens stop working at once. */
  invalidateAuthCache(): void
}

const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id
/** Trusts have no name: traces name them by id. */
const named = (trust: TrustRecord) => ({ ...trust, name: trust.id })

export class TrustService {
  constructor(private readonly deps: TrustServiceOptions) {}

  /**
   * Keystone's `get_trust`: 404 for a trust that is gone, expired or used up, and for one made
   * from such a trust. The trust first, then the trusts it was made from, up to the first.
   * `usedUp`: whether a trust without remaining uses still counts (for the tokens it gave).
   */
  async trustChain(id: string, usedUp = false): Promise<[TrustRecord, ...TrustRecord[]]> {
    const now = this.deps.clock.now()
    const trust = await this.deps.store.findTrust(id)
    if (!trust || trustExpired(trust, now) || (!usedUp && trust.remaining_uses !== null && trust.remaining_uses <= 0)) throw new NotFoundError('trust', id)
    const chain: [TrustRecord, ...TrustRecord[]] = [trust]
    for (let up = trust.redelegated_trust_id; up !== null && !chain.some((t) => t.id === up);) {
      const parent = await this.deps.store.findTrust(up)
      if (!parent || trustExpired(parent, now)) throw new NotFoundError('trust', up)
      chain.push(parent)
      up = parent.redelegated_trust_id
    }
    return chain
  }

  async usableTrust(id: string): Promise<TrustRecord> {
    return (await this.trustChain(id))[0]
  }

  /** The trust's roles that still exist, in the order stored. */
  async rolesOf(trust: TrustRecord): Promise<RoleRow[]> {
    const roles = await Promise.all(trust.roleIds.map((id) => this.deps.roles.findRole(id)))
    return roles.filter((r): r is RoleRow => r !== undefined)
  }

  /** `SYSTEM_READER_OR_TRUSTOR_OR_TRUSTEE` (get, roles): the 404 for a missing trust comes first. */
  private async relatedTrust(ctx: AuthContext, id: string, action: string): Promise<TrustRecord> {
    const trust = await this.usableTrust(id)
    if (!isSystemReader(ctx) && ctx.user.id !== trust.trustor_user_id && ctx.user.id !== trust.trustee_user_id) throw new ForbiddenError(action)
    return trust
  }

  async getTrust(ctx: AuthContext, id: string): Promise<TrustView> {
    const trust = await this.relatedTrust(ctx, id, 'identity:get_trust')
    return { trust, roles: await this.rolesOf(trust) }
  }

  async listTrustRoles(ctx: AuthContext, id: string): Promise<TrustView> {
    const trust = await this.relatedTrust(ctx, id, 'identity:list_roles_for_trust')
    return { trust, roles: await this.rolesOf(trust) }
  }

  async getTrustRole(ctx: AuthContext, id: string, roleId: string): Promise<RoleRow> {
    const trust = await this.relatedTrust(ctx, id, 'identity:get_role_for_trust')
    const role = trust.roleIds.includes(roleId) ? await this.deps.roles.findRole(roleId) : undefined
    if (!role) throw new NotFoundError('role', roleId)
    return role
  }

  /**
   * Keystone's list: with `trustor_user_id` the trustor's trusts (`identity:list_trusts_for_trustor`:
   * the trustor or the system's reader), else with `trustee_user_id` the trustee's, else with no
   * parameter all of them (`identity:list_trusts`, `admin_required` while scopes are not enforced);
   * any other parameter lists nothing. Expired and used-up trusts are listed, as Keystone does.
   */
  async listTrusts(ctx: AuthContext, query: TrustListQuery): Promise<TrustRecord[]> {
    const { trustor_user_id: trustor, trustee_user_id: trustee } = query
    if (trustor) {
      if (!isSystemReader(ctx) && ctx.user.id !== trustor) throw new ForbiddenError('identity:list_trusts_for_trustor')
      return this.deps.store.listTrusts({ trustorUserId: trustor })
    }
    if (trustee) {
      if (!isSystemReader(ctx) && ctx.user.id !== trustee) throw new ForbiddenError('identity:list_trusts_for_trustee')
      return this.deps.store.listTrusts({ trusteeUserId: trustee })
    }
    if (!isSystemReader(ctx) && !ctx.systemAdmin) throw new ForbiddenError('identity:list_trusts')
    return Object.keys(query).length === 0 ? this.deps.store.listTrusts({}) : []
  }

  /**
   * `SYSTEM_ADMIN_OR_TRUSTOR`. The trusts made from this one by the same trustor go with it
   * (Keystone's recursive delete), and every token of them stops working.
   */
  async deleteTrust(ctx: AuthContext, id: string): Promise<void> {
    refuseRestrictedApplicationCredential(ctx)
    const trust = await this.usableTrust(id)
    if (!isSystemAdmin(ctx) && ctx.user.id !== trust.trustor_user_id) throw new ForbiddenError('identity:delete_trust')
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const doomed = [trust]
      for (let i = 0; i < doomed.length; i++) {
        const children = await tx.listTrusts({ trustorUserId: doomed[i]!.trustor_user_id, redelegatedTrustId: doomed[i]!.id })
        for (const child of children) if (!doomed.some((t) => t.id === child.id)) doomed.push(child)
      }
      for (const t of doomed.reverse()) {
        if (await tx.deleteTrust(t.id)) await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deleteTrust', now), deletionOf('trust', named(t)))
      }
    })
    this.deps.invalidateAuthCache()
  }

  /**
   * identity:create_trust is `user_id:%(trust.trustor_user_id)s`: only the trustor makes a trust.
   * Keystone reads it from the body as sent, before validating the body: the route asks this first.
   */
  assertTrustor(ctx: AuthContext, body: unknown): void {
    const trustor = (body as { trust?: { trustor_user_id?: unknown } } | null | undefined)?.trust?.trustor_user_id
    if (ctx.user.id !== trustor) throw new ForbiddenError('identity:create_trust')
  }

  /** POST /v3/OS-TRUST/trusts, in Keystone's order of checks. */
  async createTrust(ctx: AuthContext, body: TrustCreateBody): Promise<TrustView> {
    const input = body.trust
    refuseRestrictedApplicationCredential(ctx)
    this.assertTrustor(ctx, body)
    if (input.project_id && !input.roles?.length) throw new ForbiddenError('At least one role should be specified')
    if (!(await this.deps.users.findUser(input.trustee_user_id))) throw new NotFoundError('user', input.trustee_user_id)
    const roleIds: string[] = []
    for (const ref of input.roles ?? []) {
      if (ref.id !== undefined) roleIds.push(ref.id)
      else {
        const role = await this.deps.roles.findRoleByName(ref.name!)
        if (!role) throw new NotFoundError('role', ref.name!, `Role ${ref.name!} is not defined`)
        roleIds.push(role.id)
      }
    }
    await this.assertTrustorHolds(input.trustor_user_id, input.project_id ?? null, roleIds)
    const now = this.deps.clock.now()
    const draft: RedelegatedDraft = {
      remainingUses: input.remaining_uses ?? null,
      expiresAt: input.expires_at == null ? null : parseTrustExpiry(input.expires_at, now),
      roleIds, impersonation: input.impersonation,
    }
    const parent = ctx.trust ? await this.usableTrust(ctx.trust.id) : undefined
    const redelegationCount = await this.redelegationCount(input, draft, parent)
    const row: TrustRow = {
      id: newHexId(), trustor_user_id: input.trustor_user_id, trustee_user_id: input.trustee_user_id, project_id: input.project_id ?? null,
      impersonation: input.impersonation ? 1 : 0, expires_at: draft.expiresAt, remaining_uses: draft.remainingUses,
      redelegated_trust_id: parent?.id ?? null, redelegation_count: redelegationCount,
      extra: JSON.stringify(Object.fromEntries(Object.entries(input).filter(([k]) => !TRUST_KNOWN_KEYS.has(k)))),
      created_at: isoMicros(now),
    }
    const created = await this.deps.store.transaction(async (tx) => {
      const trust = await tx.createTrust(row, roleIds)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'createTrust', isoMicros(now)), creationOf('trust', named(trust)))
      return trust
    })
    return { trust: created, roles: await this.rolesOf(created) }
  }

  /**
   * `_require_trustor_has_role_in_project`: each role must be one the trustor holds on the
   * project, directly, through a group or inherited (404 naming the first that is not). A trust
   * without a project delegates no role at all.
   */
  private async assertTrustorHolds(trustorId: string, projectId: string | null, roleIds: readonly string[]): Promise<void> {
    let held = new Set<string>()
    if (projectId) {
      const project = await this.deps.projects.findProject(projectId)
      if (!project) throw new NotFoundError('project', projectId)
      held = new Set((await this.deps.roles.effectiveRoles(trustorId, { type: 'project', id: projectId }, project.domain_id)).map((r) => r.id))
    }
    const missing = roleIds.find((id) => !held.has(id))
    if (missing !== undefined) throw new NotFoundError('role', missing)
  }

  /**
   * Keystone's `create_trust`: a trust not allowing redelegation gets 0; one allowing it the
   * depth asked (at most 3) or, made from another trust, one less than that trust's. A trust
   * made from another must fit within every trust of its chain (`validateRedelegation`).
   */
  private async redelegationCount(input: TrustCreateBody['trust'], draft: RedelegatedDraft, parent: TrustRecord | undefined): Promise<number | null> {
    const requested = input.redelegation_count
    const redelegatable = Boolean(input.allow_redelegation) && requested !== 0
    let count: number | null | undefined = requested
    if (!redelegatable) count = 0
    else {
      if (requested && requested > MAX_REDELEGATION_COUNT) throw new ForbiddenError()
      if (draft.remainingUses !== null) throw new ValidationError('remaining_uses must not be set if redelegation is allowed')
    }
    if (parent) {
      const remaining = (parent.redelegation_count ?? 0) - 1
      if (redelegatable && requested && requested !== remaining) throw new ForbiddenError()
      if (count === undefined) count = remaining
      for (let t: TrustRecord | undefined = parent; t;) {
        validateRedelegation(t, draft)
        t = t.redelegated_trust_id === null ? undefined : await this.deps.store.findTrust(t.redelegated_trust_id)
      }
    }
    return count === undefined ? MAX_REDELEGATION_COUNT : count
  }
}

/**
 * A restricted application credential's token must not hand its roles on through a trust, nor
 * end one: Keystone refuses both before anything else.
 */
function refuseRestrictedApplicationCredential(ctx: AuthContext): void {
  if (ctx.applicationCredential?.restricted) throw new ForbiddenError("Using method 'application_credential' is not allowed for managing trusts.")
}
