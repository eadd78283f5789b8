/**
 * @module What roles and grants need from storage: system roles (owner key '') and each account's
 * custom policies (owner key = the account id), and role assignments of users and groups on the
 * system, domains, projects and enterprise projects. `find*` returns undefined when nothing
 * matches; a write that matches no row says so in its result. Refusals are thrown, as each
 * method says: `ConflictError` for a taken name, `RoleInUseError` for a policy still granted,
 * `CustomRoleQuotaExceededError` at the cap, `NotFoundError` for a role deleted meanwhile.
 */
import type { ImpliedRoleRow, RoleRow } from '../../../db/schema.js'
import type { TokenScope } from '../../../auth/token-codec.js'
import type { TracedStore } from '../traced-store.js'

export type ActorType = 'user' | 'group' | 'agency'
export type TargetType = 'domain' | 'project' | 'system' | 'enterprise_project'

export interface Assignment {
  actorType: ActorType
  actorId: string
  targetType: TargetType
  targetId: string
  roleId: string
  /** On a domain: applies to every project of it (OS-INHERIT), not to the domain itself. */
  inherited: boolean
}

export interface AssignmentFilter {
  /** Only assignments on this account or on one of its projects. */
  inAccount?: string
  /** With `inAccount`: also its users' and groups' grants on enterprise projects. */
  withEnterpriseProjects?: boolean
  actorType?: ActorType
  actorId?: string
  targetType?: TargetType
  targetIds?: readonly string[]
  roleId?: string
  inherited?: boolean
}

/**
 * Where an effective assignment (Keystone's `effective`) comes from, when not from itself: the
 * group whose member got it, the domain or project it is inherited from, the role that implies it.
 */
export interface AssignmentSource { groupId?: string; domainId?: string; projectId?: string; roleId?: string }

export interface AssignmentRecord extends Assignment { role: RoleRow; indirect?: AssignmentSource }

export interface RoleFilter { customOf?: string; customOnly?: boolean; name?: string; displayName?: string; type?: string; catalog?: string }

export type CustomRoleChanges = Partial<Pick<RoleRow, 'display_name' | 'description' | 'description_cn' | 'type' | 'policy'>>

export interface RoleStore extends TracedStore<RoleStore> {
  // roles
  /** A system role only. */
  findRoleByName(name: string): Promise<RoleRow | undefined>
  findRole(id: string): Promise<RoleRow | undefined>
  /** System roles, plus the custom roles of `customOf` when given (only those with `customOnly`). */
  listRoles(filter: RoleFilter): Promise<RoleRow[]>
  /**
   * A custom role of `row.domain_key`. Throws CustomRoleQuotaExceededError when that account holds `cap`
   * of them already (counted in the insert's own transaction), ConflictError on a taken name.
   */
  createCustomRole(row: RoleRow, cap: number): Promise<RoleRow>
  /** Only a custom role of `domainKey`; undefined when none matched. */
  updateCustomRole(domainKey: string, id: string, changes: CustomRoleChanges, now: string): Promise<RoleRow | undefined>
  /**
   * Only a custom role of `domainKey`; false when none matched. Throws RoleInUseError while any
   * assignment uses it.
   */
  deleteCustomRole(domainKey: string, id: string): Promise<boolean>
  countAssignmentsByRole(roleIds: readonly string[]): Promise<Map<string, number>>
  /** Keystone's roles (global: owner key ''; a domain's: its id). Throws ConflictError on a name taken in that owner. */
  createRole(row: RoleRow): Promise<RoleRow>
  /** Keystone's role update (name, description); undefined when none matched. Throws ConflictError on a taken name. */
  updateRole(id: string, changes: Partial<Pick<RoleRow, 'name' | 'display_name' | 'description'>>, now: string): Promise<RoleRow | undefined>
  /** Keystone's role delete: the role with every assignment of it; false when none matched. */
  deleteRole(id: string): Promise<boolean>
  /**
   * Inserts a system role, or brings an existing one (same name) up to this definition; id and
   * `created_at` stay, `updated_at` moves only when the definition changed.
   */
  upsertSystemRole(row: RoleRow): Promise<void>

  // grants
  /**
   * Idempotent: granting what is already granted changes nothing. Throws NotFoundError when the
   * role was deleted meanwhile; GrantQuotaExceededError when `limit` is given and the actor
   * already holds that many other grants on targets of this kind (projects, enterprise projects),
   * counted under a lock.
   */
  assignRole(a: Assignment, limit?: number): Promise<void>
  /** False when there was no such assignment. */
  unassignRole(a: Assignment): Promise<boolean>
  hasAssignment(a: Assignment): Promise<boolean>
  /** Roles granted to exactly this actor on exactly this target. */
  listAssignedRoles(a: Omit<Assignment, 'roleId'>): Promise<RoleRow[]>
  listAssignments(filter: AssignmentFilter): Promise<AssignmentRecord[]>
  /** Roles the user holds (directly or through a group) on each enterprise project of its grants. */
  enterpriseProjectRoles(userId: string): Promise<{ enterpriseProjectId: string; role: RoleRow }[]>
  /**
   * Roles the user holds in the scope: direct and through groups; for a project also those
   * inherited from its domain and its parent projects; with every role they imply, and without
   * Keystone's domain-specific roles, which only lead to what they imply.
   */
  effectiveRoles(userId: string, scope: TokenScope, projectDomainId?: string): Promise<RoleRow[]>
  /** As `effectiveRoles`, for the groups alone (a federated token's mapped groups); none on the system scope. */
  groupsEffectiveRoles(groupIds: readonly string[], scope: TokenScope, projectDomainId?: string): Promise<RoleRow[]>
  /** Roles held on the system scope (keystone flavour's cloud administrator), with the roles they imply. */
  systemRoles(userId: string): Promise<RoleRow[]>

  // implied roles (Keystone's inference rules; keystone flavour)
  /** Throws ConflictError when the rule exists, NotFoundError when a role was deleted meanwhile. */
  createImpliedRole(priorRoleId: string, impliedRoleId: string): Promise<void>
  /** False when there was no such rule. */
  deleteImpliedRole(priorRoleId: string, impliedRoleId: string): Promise<boolean>
  /** The rules of one prior role, or every rule. */
  listImpliedRoles(priorRoleId?: string): Promise<ImpliedRoleRow[]>
}
