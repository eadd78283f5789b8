/**
 * @module Roles and who holds them: the roles list, each account's custom policies (Huawei
 * `OS-ROLE`), grants of roles to groups and users on the account, its projects, all its projects
 * (OS-INHERIT) and single enterprise projects (OS-PERMISSION), and Keystone's assignment list.
 * Every target, actor and custom role must belong to the caller's account; anything else is
 * "not found", so an account learns nothing about another.
 */
import { newHexId } from '../../../shared/ids.js'
import { Value } from '@sinclair/typebox/value'
import type { AgencyRow, GroupRow, RoleRow, UserRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { ConflictError, CustomRoleQuotaExceededError, ForbiddenError, InvalidFieldError, NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { validateCustomPolicy } from '../../../auth/custom-policy.js'
import type { IdentityStore } from '../identity/store.js'
import type { IamServiceOptions } from '../iam-service-options.js'
import type { ProjectStore } from '../projects/store.js'
import type { AgencyStore } from '../agencies/store.js'
import type { ActorType, Assignment, AssignmentRecord, RoleStore, TargetType } from './store.js'
import type { AssignmentNames, NamedEntity } from './wire.js'
import { isoMicros } from '../../../shared/clock.js'
import { parsePaging, type Paging } from '../iam-query.js'
import { creationOf, deletionOf, iamTrace, updateOf, type TracedChange } from '../../../audit/trace.js'
import { AgencyEnterpriseProjectGrantsBodySchema } from './schemas.js'
import type { CustomRoleCreateBody, CustomRoleUpdateBody, DomainRoleAssignmentQuery, KeystoneRoleCreateBody, KeystoneRoleUpdateBody, PagingQuery, RoleAssignmentQuery, RoleListQuery } from './schemas.js'
import { parseDomainAssignmentQuery } from './assignment-query.js'
import { keystoneAssignments, parseKeystoneAssignmentQuery } from './keystone-assignments.js'
import { AGENCY_FORBIDDEN_ROLES, customRoleName, grantRefusal, MAX_CUSTOM_ROLES_PER_ACCOUNT, nextCustomRoleNumber, RoleRefusedError } from './rules.js'
import { grantQuotaType } from '../quotas/rules.js'
import { createKeystoneRole, deleteKeystoneRole, updateKeystoneRole } from './keystone-roles.js'
import { createImpliedRole, deleteImpliedRole, getImpliedRole, listImpliedRoles, listRoleInferences, type RoleInference, type RoleInferenceList } from './implied-roles.js'


/** Keystone's only system target (`_SYSTEM_SCOPE_TOKEN`), as bootstrap grants it. */
export const SYSTEM_TARGET_ID = 'all'

export interface GrantRef {
  actorType: ActorType
  actorId: string
  targetType: TargetType
  targetId: string
  inherited?: boolean
}

/** The accounts and projects grants are made on. */
export type GrantTargets = Pick<ProjectStore, 'findDomain' | 'findProject' | 'listDomains' | 'listProjects'>
/** The users and groups grants are made to. */
export type GrantActors = Pick<IdentityStore, 'findUser' | 'findGroup' | 'listUsers' | 'listGroups'>
/** The agencies grants are made to. */
export type GrantAgencies = Pick<AgencyStore, 'findAgency'>

export interface RoleServiceOptions extends IamServiceOptions {
  store: RoleStore
  targets: GrantTargets
  actors: GrantActors
  agencies: GrantAgencies
  /** The clouds: AX roles go on the account, XA roles on projects (see assertGrantable). */
  roleTypesRestrictGrants: boolean
  /** Keystone's grants on the system (keystone flavour): an administrator sees them among the role assignments. */
  systemGrants?: boolean
  /** Whether the account has this enterprise project (EPS owns them). */
  enterpriseProjectExists(accountId: string, id: string): Promise<boolean>
}

export interface RolePage {
  readonly roles: RoleRow[]
  /** All matches, before paging: the clouds' `total_number`. */
  readonly total: number
  readonly paging: Paging | undefined
  /** Custom policies: how many grants use each, the `references` the clouds show. */
  readonly references?: ReadonlyMap<string, number>
}

/** A custom policy with the number of grants that use it. */
export interface CustomRoleView { readonly role: RoleRow; readonly references: number }

/** A page of the clouds' role assignment list, with the number of all matches. */
export interface DomainAssignmentPage { readonly assignments: readonly AssignmentRecord[]; readonly total: number }

/** Keystone's role assignments, with the names `include_names` asks for. */
export interface AssignmentList {
  readonly assignments: readonly AssignmentRecord[]
  readonly names?: AssignmentNames
}

const MAX_ROLES_PER_PAGE = 300
const ROLE_TYPES_FOR: Record<string, readonly RoleRow['type'][]> = { domain: ['AA', 'AX'], project: ['AA', 'XA'], all: ['AA', 'AX', 'XA'] }

export class RoleService {
  constructor(private readonly deps: RoleServiceOptions) {}

  private account(ctx: AuthContext): string {
    return ctx.accountId ?? ctx.userDomain.id
  }

  // ------------------------------------------------------------------ roles

  /**
   * GET /v3/roles: the system roles and policies; with `domain_id` of the caller's account, its
   * custom policies instead. `type` domain/project/all selects by where a role applies,
   * `permission_type` policy/role by kind, `display_name` matches a part of the name.
   */
  async listRoles(ctx: AuthContext, query: RoleListQuery): Promise<RolePage> {
    const custom = query.domain_id !== undefined
    const paging = parsePaging(query.page, query.per_page, MAX_ROLES_PER_PAGE)
    if (custom && query.domain_id !== this.account(ctx) && !ctx.systemAdmin) return { roles: [], total: 0, paging }
    const types = query.type === undefined ? undefined : ROLE_TYPES_FOR[query.type]
    if (query.type !== undefined && !types) throw new InvalidFieldError('type', `'${query.type}' is not one of 'domain', 'project', 'all'`)
    if (query.permission_type !== undefined && query.permission_type !== 'policy' && query.permission_type !== 'role') {
      throw new InvalidFieldError('permission_type', `'${query.permission_type}' is not one of 'policy', 'role'`)
    }
    const rows = (await this.deps.store.listRoles({ customOf: query.domain_id, customOnly: custom, name: query.name, catalog: query.catalog }))
      .filter((r) => (types === undefined || types.includes(r.type))
        && (query.display_name === undefined || r.display_name.includes(query.display_name))
        && (custom || query.permission_type === undefined || (query.permission_type === 'policy') === (r.flag === 'fine_grained')))
    const start = paging ? (paging.page - 1) * paging.perPage : 0
    return { roles: rows.slice(start, start + (paging?.perPage ?? MAX_ROLES_PER_PAGE)), total: rows.length, paging }
  }

  /** A system role, or a custom role of the caller's account. */
  async getRole(ctx: AuthContext, id: string): Promise<RoleRow> {
    const role = await this.deps.store.findRole(id)
    if (!role || (role.domain_key !== '' && role.domain_key !== this.account(ctx) && !ctx.systemAdmin)) throw new NotFoundError('role', id)
    return role
  }

  // ------------------------------------------------------------------ Keystone's roles (keystone flavour, keystone-roles.ts)

  createRole(ctx: AuthContext, body: KeystoneRoleCreateBody): Promise<RoleRow> { return createKeystoneRole(this.deps, ctx, body) }
  updateRole(ctx: AuthContext, id: string, body: KeystoneRoleUpdateBody): Promise<RoleRow> { return updateKeystoneRole(this.deps, ctx, id, body) }
  deleteRole(ctx: AuthContext, id: string): Promise<void> { return deleteKeystoneRole(this.deps, ctx, id) }

  // ------------------------------------------------------------------ Keystone's implied roles (keystone flavour, implied-roles.ts)

  createImpliedRole(ctx: AuthContext, priorId: string, impliedId: string): Promise<RoleInference> { return createImpliedRole(this.deps, ctx, priorId, impliedId) }
  getImpliedRole(priorId: string, impliedId: string): Promise<RoleInference> { return getImpliedRole(this.deps, priorId, impliedId) }
  deleteImpliedRole(ctx: AuthContext, priorId: string, impliedId: string): Promise<void> { return deleteImpliedRole(this.deps, ctx, priorId, impliedId) }
  listImpliedRoles(priorId: string): Promise<RoleInferenceList> { return listImpliedRoles(this.deps, priorId) }
  listRoleInferences(): Promise<RoleInferenceList[]> { return listRoleInferences(this.deps) }

  // ------------------------------------------------------------------ custom policies (OS-ROLE)

  async listCustomRoles(ctx: AuthContext, query: PagingQuery): Promise<RolePage> {
    const paging = parsePaging(query.page, query.per_page, MAX_ROLES_PER_PAGE)
    const rows = await this.deps.store.listRoles({ customOf: this.account(ctx), customOnly: true })
    const start = paging ? (paging.page - 1) * paging.perPage : 0
    const roles = rows.slice(start, start + (paging?.perPage ?? MAX_ROLES_PER_PAGE))
    return { roles, total: rows.length, paging, references: await this.deps.store.countAssignmentsByRole(roles.map((r) => r.id)) }
  }

  /** A custom policy of the caller's account, with the `references` the clouds show on it. */
  async showCustomRole(ctx: AuthContext, id: string): Promise<CustomRoleView> {
    const role = await this.getCustomRole(ctx, id)
    return { role, references: (await this.deps.store.countAssignmentsByRole([role.id])).get(role.id) ?? 0 }
  }

  async getCustomRole(ctx: AuthContext, id: string): Promise<RoleRow> {
    const role = await this.deps.store.findRole(id)
    if (!role || role.domain_key !== this.account(ctx)) throw new NotFoundError('role', id)
    return role
  }

  async createCustomRole(ctx: AuthContext, body: CustomRoleCreateBody): Promise<RoleRow> {
    const account = this.account(ctx)
    const input = body.role
    const policy = JSON.stringify(validateCustomPolicy(input.policy, 'role/policy'))
    const cap = this.deps.quota?.('policy') ?? MAX_CUSTOM_ROLES_PER_ACCOUNT
    const existing = await this.deps.store.listRoles({ customOf: account, customOnly: true })
    if (existing.length >= cap) throw new CustomRoleQuotaExceededError(cap)
    const now = isoMicros(this.deps.clock.now())
    // Names number the account's policies as the clouds do; two creating at once collide on the
    // unique (owner, name) index, and the loser takes the next number.
    let next = nextCustomRoleNumber(existing.map((r) => r.name))
    for (let attempt = 0; ; attempt++) {
      try {
        // The early check above answers most callers; this one, counted in the insert's own
        // transaction, is what holds when several instances create at once.
        const name = customRoleName(account, next)
        return await this.deps.store.transaction(async (tx) => {
          const created = await tx.createCustomRole({
            id: newHexId(), domain_key: account, name, display_name: input.display_name,
            description: input.description, description_cn: input.description_cn ?? '', type: input.type, catalog: 'CUSTOMED', flag: '', policy, created_at: now, updated_at: now,
          }, cap)
          await tx.recordChange(iamTrace(ctx, account, 'createCustomPolicy', now), creationOf('role', created))
          return created
        })
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 5) throw error
        next++
      }
    }
  }

  /** PATCH replaces the whole definition, as the clouds' API does; id and name stay. */
  async updateCustomRole(ctx: AuthContext, id: string, body: CustomRoleUpdateBody): Promise<RoleRow> {
    const input = body.role
    const changes = {
      display_name: input.display_name, description: input.description, description_cn: input.description_cn ?? '', type: input.type,
      policy: JSON.stringify(validateCustomPolicy(input.policy, 'role/policy')),
    }
    const account = this.account(ctx)
    const now = isoMicros(this.deps.clock.now())
    const updated = await this.deps.store.transaction(async (tx) => {
      const before = await tx.findRole(id)
      const after = before && await tx.updateCustomRole(account, id, changes, now)
      if (!after) throw new NotFoundError('role', id)
      await tx.recordChange(iamTrace(ctx, account, 'updateCustomPolicy', now), updateOf('role', before, after))
      return after
    })
    this.deps.invalidateAuthCache()
    return updated
  }

  /** Refused while any grant uses the policy: deleting it would silently take permissions away. */
  async deleteCustomRole(ctx: AuthContext, id: string): Promise<void> {
    const role = await this.getCustomRole(ctx, id)
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findRole(id)
      if (!before || !(await tx.deleteCustomRole(role.domain_key, id))) throw new NotFoundError('role', id)
      await tx.recordChange(iamTrace(ctx, role.domain_key, 'deleteCustomPolicy', now), deletionOf('role', before))
    })
  }

  // ------------------------------------------------------------------ grants

  /** Checks target and actor of a grant against the caller's account. */
  private async checkedGrant(ctx: AuthContext, grant: GrantRef): Promise<Omit<Assignment, 'roleId'>> {
    return (await this.checkedGrantWithActor(ctx, grant)).grant
  }

  private async checkedGrantWithActor(ctx: AuthContext, grant: GrantRef): Promise<{ grant: Omit<Assignment, 'roleId'>; actor: GroupRow | UserRow | AgencyRow; projectDomainId?: string }> {
    const account = this.account(ctx)
    const inAccount = (domainId: string | undefined) => domainId !== undefined && (domainId === account || ctx.systemAdmin)
    let projectDomainId: string | undefined
    switch (grant.targetType) {
      case 'domain': {
        const domain = inAccount(grant.targetId) ? await this.deps.targets.findDomain(grant.targetId) : undefined
        if (!domain) throw new NotFoundError('domain', grant.targetId)
        break
      }
      case 'project': {
        const project = await this.deps.targets.findProject(grant.targetId)
        if (!project || !inAccount(project.domain_id)) throw new NotFoundError('project', grant.targetId)
        projectDomainId = project.domain_id
        break
      }
      case 'system':
        break
      case 'enterprise_project':
        if (!(await this.deps.enterpriseProjectExists(account, grant.targetId))) throw new NotFoundError('enterprise project', grant.targetId)
        break
    }
    const actor = grant.actorType === 'group' ? await this.deps.actors.findGroup(grant.actorId)
      : grant.actorType === 'agency' ? await this.deps.agencies.findAgency(grant.actorId) : await this.deps.actors.findUser(grant.actorId)
    if (!actor || !inAccount(actor.domain_id)) {
      throw grant.actorType === 'agency' ? new NotFoundError('agency', grant.actorId, `Could not find agency: ${grant.actorId}`) : new NotFoundError(grant.actorType, grant.actorId)
    }
    return {
      grant: { actorType: grant.actorType, actorId: actor.id, targetType: grant.targetType, targetId: grant.targetId, inherited: grant.inherited ?? false },
      actor, projectDomainId,
    }
  }

  private async assignment(ctx: AuthContext, grant: GrantRef, roleId: string): Promise<Assignment> {
    return (await this.resolvedAssignment(ctx, grant, roleId)).assignment
  }

  private async resolvedAssignment(ctx: AuthContext, grant: GrantRef, roleId: string) {
    const checked = await this.checkedGrantWithActor(ctx, grant)
    const role = await this.getRole(ctx, roleId)
    if (grant.targetType === 'system' && role.domain_key !== '') {
      throw new ValidationError(`Role ${role.id} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`)
    }
    // Keystone: a domain-specific role goes only on projects of its domain (DomainSpecificRoleMismatch).
    if (grant.targetType === 'project' && role.domain_key !== '' && checked.projectDomainId !== role.domain_key) {
      throw new RoleRefusedError(`Project ${grant.targetId} must be in the same domain as the role ${role.id} being assigned.`)
    }
    // Agencies never hold the Security Administrator or Agent Operator roles (spec open question 6).
    if (grant.actorType === 'agency' && AGENCY_FORBIDDEN_ROLES.includes(role.name)) throw new ForbiddenError()
    this.assertGrantable(role, grant)
    return { assignment: { ...checked.grant, roleId: role.id }, actor: checked.actor, role }
  }

  /** A grant is traced on its user or group; the state names the role and where it applies. */
  private grantChange(resolved: Awaited<ReturnType<RoleService['resolvedAssignment']>>, granted: boolean): TracedChange {
    const { assignment: a, actor, role } = resolved
    const state = { role_id: role.id, role_name: role.name, target_type: a.targetType, target_id: a.targetId, inherited: a.inherited }
    return { resourceType: a.actorType, resourceId: actor.id, resourceName: actor.name, before: granted ? null : state, after: granted ? state : null }
  }

  /**
   * The clouds grant global (AX) permissions on the account and project-level (XA) ones on
   * projects; enterprise projects take only fine-grained (1.1) policies. AA fits both.
   */
  private assertGrantable(role: RoleRow, grant: GrantRef): void {
    const place = grant.targetType === 'enterprise_project' ? 'enterprise_project' : grant.targetType === 'project' || grant.inherited === true ? 'projects' : 'account'
    const fineGrained = role.flag === 'fine_grained' || role.domain_key !== ''
    switch (grantRefusal({ type: role.type, fineGrained }, place, this.deps.roleTypesRestrictGrants)) {
      case 'not_fine_grained': throw new ValidationError(`Only fine-grained policies can be granted on an enterprise project; '${role.name}' is a role.`)
      case 'global_on_projects': throw new ValidationError(`'${role.name}' is a global (AX) permission; grant it on the account, not on projects.`)
      case 'project_level_on_account': throw new ValidationError(`'${role.name}' is a project-level (XA) permission; grant it on projects, not on the account.`)
    }
  }

  async grant(ctx: AuthContext, grant: GrantRef, roleId: string): Promise<void> {
    const resolved = await this.resolvedAssignment(ctx, grant, roleId)
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const quotaType = grantQuotaType(resolved.assignment.actorType, resolved.assignment.targetType)
      await tx.assignRole(resolved.assignment, quotaType && this.deps.quota?.(quotaType))
      await tx.recordChange(iamTrace(ctx, resolved.actor.domain_id, 'grantRole', now), this.grantChange(resolved, true))
    })
    this.deps.invalidateAuthCache()
  }

  async checkGrant(ctx: AuthContext, grant: GrantRef, roleId: string): Promise<void> {
    const assignment = await this.assignment(ctx, grant, roleId)
    if (!(await this.deps.store.hasAssignment(assignment))) throw grantNotFound(assignment)
  }

  async revoke(ctx: AuthContext, grant: GrantRef, roleId: string): Promise<void> {
    const resolved = await this.resolvedAssignment(ctx, grant, roleId)
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.unassignRole(resolved.assignment))) throw grantNotFound(resolved.assignment)
      await tx.recordChange(iamTrace(ctx, resolved.actor.domain_id, 'revokeRole', now), this.grantChange(resolved, false))
    })
    this.deps.invalidateAuthCache()
  }

  async listGranted(ctx: AuthContext, grant: GrantRef): Promise<RoleRow[]> {
    return this.deps.store.listAssignedRoles(await this.checkedGrant(ctx, grant))
  }

  /**
   * The clouds' batch of agency grants on enterprise projects: every entry is checked before any
   * is applied, and all are applied in one transaction. Granting what is held and revoking what
   * is not are no-ops (the clouds document no 404 here); any bad entry is `Illegal request`.
   */
  async changeAgencyEnterpriseProjectGrants(ctx: AuthContext, body: unknown, granted: boolean): Promise<void> {
    if (!Value.Check(AgencyEnterpriseProjectGrantsBodySchema, body)) throw new ValidationError('Illegal request')
    const resolved: Awaited<ReturnType<RoleService['resolvedAssignment']>>[] = []
    for (const entry of body.role_assignments) {
      const grant: GrantRef = { actorType: 'agency', actorId: entry.agency_id, targetType: 'enterprise_project', targetId: entry.enterprise_project_id }
      try {
        resolved.push(await this.resolvedAssignment(ctx, grant, entry.role_id))
      } catch (error) {
        if (error instanceof NotFoundError || error instanceof ValidationError || error instanceof ForbiddenError) throw new ValidationError('Illegal request')
        throw error
      }
    }
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      for (const r of resolved) {
        let changed: boolean
        if (granted) {
          changed = !(await tx.hasAssignment(r.assignment))
          if (changed) await tx.assignRole(r.assignment)
        } else changed = await tx.unassignRole(r.assignment)
        if (changed) await tx.recordChange(iamTrace(ctx, r.actor.domain_id, granted ? 'grantRole' : 'revokeRole', now), this.grantChange(r, granted))
      }
    })
    this.deps.invalidateAuthCache()
  }

  // ------------------------------------------------------------------ enterprise projects (OS-PERMISSION)

  /** Enterprise projects on which the actor holds any role. */
  async enterpriseProjectsOf(ctx: AuthContext, actorType: ActorType, actorId: string): Promise<string[]> {
    const actor = actorType === 'group' ? await this.deps.actors.findGroup(actorId) : await this.deps.actors.findUser(actorId)
    if (!actor || (actor.domain_id !== this.account(ctx) && !ctx.systemAdmin)) throw new NotFoundError(actorType, actorId)
    const rows = await this.deps.store.listAssignments({ actorType, actorId, targetType: 'enterprise_project' })
    return [...new Set(rows.map((r) => r.targetId))]
  }

  /** Groups holding any role on the enterprise project, within the caller's account. */
  async groupsOnEnterpriseProject(ctx: AuthContext, enterpriseProjectId: string): Promise<GroupRow[]> {
    const ids = await this.actorIdsOnEnterpriseProject(ctx, enterpriseProjectId, 'group')
    return (await this.deps.actors.listGroups({ domainId: this.account(ctx) })).filter((g) => ids.has(g.id))
  }

  /** Users holding any role on the enterprise project, within the caller's account. */
  async usersOnEnterpriseProject(ctx: AuthContext, enterpriseProjectId: string): Promise<UserRow[]> {
    const ids = await this.actorIdsOnEnterpriseProject(ctx, enterpriseProjectId, 'user')
    return (await this.deps.actors.listUsers({ domainId: this.account(ctx) })).filter((u) => ids.has(u.id))
  }

  private async actorIdsOnEnterpriseProject(ctx: AuthContext, enterpriseProjectId: string, actorType: ActorType): Promise<Set<string>> {
    if (!(await this.deps.enterpriseProjectExists(this.account(ctx), enterpriseProjectId))) throw new NotFoundError('enterprise project', enterpriseProjectId)
    const rows = await this.deps.store.listAssignments({ actorType, targetType: 'enterprise_project', targetIds: [enterpriseProjectId] })
    return new Set(rows.map((r) => r.actorId))
  }

  // ------------------------------------------------------------------ the clouds' role assignments (OS-PERMISSION)

  /**
   * GET /v3.0/OS-PERMISSION/role-assignments: the account's grants on itself, its projects
   * (inherited ones with the account as scope) and enterprise projects, of users, groups and
   * agencies; a user subject takes its groups' grants too unless
   * `include_group=false`.
   */
  async listDomainAssignments(ctx: AuthContext, query: DomainRoleAssignmentQuery): Promise<DomainAssignmentPage> {
    const q = parseDomainAssignmentQuery(query)
    if (q.domainId !== this.account(ctx)) throw new ForbiddenError(`domain_id ${q.domainId} is not the caller's account`)
    const rows = await this.deps.store.listAssignments({ inAccount: q.domainId, withEnterpriseProjects: true, roleId: q.roleId })
    const viaGroups = q.subject?.kind === 'user' && q.includeGroup ? await this.groupsOfUsers(q.subject.id, rows) : new Set<string>()
    const { subject, scope } = q
    const matches = rows.filter((r) =>
      (subject === undefined || (r.actorType === subject.kind && (subject.id === undefined || r.actorId === subject.id))
        || (r.actorType === 'group' && viaGroups.has(r.actorId)))
      && (scope === undefined || (r.targetType === scope.kind && (scope.id === undefined || r.targetId === scope.id)
        && (scope.kind !== 'domain' || r.inherited === q.inherited))))
    const start = q.paging ? (q.paging.page - 1) * q.paging.perPage : 0
    return { assignments: q.paging ? matches.slice(start, start + q.paging.perPage) : matches, total: matches.length }
  }

  /** The groups of the user, or (no user named) every group of the grants that has a member. */
  private async groupsOfUsers(userId: string | undefined, rows: readonly AssignmentRecord[]): Promise<Set<string>> {
    if (userId !== undefined) return new Set((await this.deps.actors.listGroups({ userId })).map((g) => g.id))
    const groups = new Set(rows.filter((r) => r.actorType === 'group').map((r) => r.actorId))
    const withMembers = new Set<string>()
    for (const id of groups) if ((await this.deps.actors.listUsers({ groupId: id })).length > 0) withMembers.add(id)
    return withMembers
  }

  // ------------------------------------------------------------------ Keystone role assignments

  /** GET /v3/role_assignments over the caller's account (the whole cloud for a system admin). */
  async listAssignments(ctx: AuthContext, query: RoleAssignmentQuery): Promise<AssignmentList> {
    const assignments = await this.findAssignments(ctx, query)
    const withNames = query.include_names !== undefined && query.include_names.toLowerCase() !== 'false' && query.include_names !== '0'
    return withNames ? { assignments, names: await this.assignmentNames(assignments) } : { assignments }
  }

  private async findAssignments(ctx: AuthContext, query: RoleAssignmentQuery): Promise<AssignmentRecord[]> {
    const filter = parseKeystoneAssignmentQuery(query)
    const account = this.account(ctx)
    const accounts = ctx.systemAdmin ? (await this.deps.targets.listDomains({})).map((d) => d.id) : [account]
    const assignments: AssignmentRecord[] = []
    for (const id of accounts) assignments.push(...(await this.deps.store.listAssignments({ inAccount: id })))
    if (this.deps.systemGrants && ctx.systemAdmin) assignments.push(...(await this.deps.store.listAssignments({ targetType: 'system' })))
    const needsProjects = filter.effective || filter.includeSubtree
    const projects = needsProjects ? await this.deps.targets.listProjects(ctx.systemAdmin ? {} : { domainId: account }) : []
    const rules = new Map<string, string[]>()
    if (filter.effective) for (const r of await this.deps.store.listImpliedRoles()) rules.set(r.prior_role_id, [...(rules.get(r.prior_role_id) ?? []), r.implied_role_id])
    const roles = new Map<string, RoleRow | undefined>()
    return keystoneAssignments(filter, {
      assignments, projects,
      membersOf: async (groupId) => (await this.deps.actors.listUsers({ groupId })).map((u) => u.id),
      groupsOf: async (userId) => (await this.deps.actors.listGroups({ userId })).map((g) => g.id),
      impliedBy: async (roleId) => rules.get(roleId) ?? [],
      role: async (roleId) => {
        if (!roles.has(roleId)) roles.set(roleId, await this.deps.store.findRole(roleId))
        return roles.get(roleId)
      },
    })
  }

  /** Names of the actors and targets, each looked up once, with the domains users, groups and projects belong to. */
  private async assignmentNames(rows: readonly AssignmentRecord[]): Promise<AssignmentNames> {
    const actors = new Map<string, NamedEntity>()
    const targets = new Map<string, NamedEntity>()
    const domains = new Map<string, { id: string; name: string }>()
    const domain = async (id: string) => {
      if (!domains.has(id)) domains.set(id, { id, name: (await this.deps.targets.findDomain(id))?.name ?? '' })
      return domains.get(id)!
    }
    for (const r of rows) {
      if (!actors.has(r.actorId)) {
        const actor = r.actorType === 'group' ? await this.deps.actors.findGroup(r.actorId) : await this.deps.actors.findUser(r.actorId)
        if (actor) actors.set(r.actorId, { name: actor.name, domain: await domain(actor.domain_id) })
      }
      if (!targets.has(r.targetId)) {
        if (r.targetType === 'domain') targets.set(r.targetId, { name: (await domain(r.targetId)).name })
        else {
          const project = await this.deps.targets.findProject(r.targetId)
          if (project) targets.set(r.targetId, { name: project.name, domain: await domain(project.domain_id) })
        }
      }
      if (r.role.domain_key !== '') await domain(r.role.domain_key)
    }
    const roleDomains = new Map([...new Set(rows.map((r) => r.role.domain_key))].filter((id) => id !== '').map((id) => [id, domains.get(id)!]))
    return { actors, targets, roleDomains }
  }
}

/** Keystone's words when the actor does not hold the role there. */
function grantNotFound(a: Assignment): NotFoundError {
  return new NotFoundError('role assignment', a.roleId,
    `Could not find role assignment with role: ${a.roleId}, user or group: ${a.actorId}, project, domain, or system: ${a.targetId}.`)
}
