/**
 * @module What the IAM service needs from storage, named after operations rather than tables.
 * `find*` returns undefined when nothing matches; `create*`/`update*` throw `ConflictError` when a
 * unique rule (project name per account, user name per account, …) is broken. Every method that
 * reads tenant data takes the account (domain) id, so no query can wander into another account.
 */
import type { CredentialRow, DomainRow, GroupRow, ProjectRow, RegionRow, RoleRow, UserRow } from '../../db/schema.js'
import type { TokenScope } from '../../auth/token-codec.js'
import type { TraceContext, TracedChange } from '../../audit/trace.js'

export interface ProjectFilter {
  /** undefined only for a cloud-wide administrator (keystone flavour). */
  domainId?: string
  name?: string
  parentId?: string
  enabled?: boolean
  ids?: readonly string[]
}

export interface Page { offset: number; limit: number }

export interface ProjectChanges {
  name?: string
  description?: string
  enabled?: boolean
  tags?: string
  options?: string
  extra?: string
}

/** Conditions the row must meet for an update to apply; a row that fails them is left alone. */
export interface ProjectUpdateGuard {
  kind?: ProjectRow['kind']
  regionId?: string
}

/** What creating a user needs; the store fills the rest with its defaults. */
export type NewUser = Pick<UserRow, 'id' | 'domain_id' | 'name' | 'password_hash' | 'enabled' | 'created_at' | 'updated_at'>
  & Partial<Pick<UserRow, 'description' | 'email' | 'extra' | 'default_project_id' | 'password_expires_at'>>

export type UserChanges = Partial<Pick<UserRow,
  'name' | 'enabled' | 'description' | 'email' | 'default_project_id' | 'extra' | 'password_hash' | 'password_expires_at' | 'tokens_valid_after'>>

export interface LoginFailure {
  userId: string
  now: string
  /** Failures before this time no longer count. */
  windowStart: string
  /** The failure that reaches this count locks the user... */
  attempts: number
  /** ...until this time. */
  lockUntil: string
}

export type ActorType = 'user' | 'group'
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
  actorType?: ActorType
  actorId?: string
  targetType?: TargetType
  targetIds?: readonly string[]
  roleId?: string
  inherited?: boolean
}

export interface AssignmentRecord extends Assignment { role: RoleRow }

/** A token's user with its account, and whether that token was revoked. */
export interface CallerRecord {
  user: UserRow
  domain: Pick<DomainRow, 'id' | 'name' | 'enabled'>
  revoked: boolean
}

export interface IamStore {
  // accounts (domains)
  findDomain(id: string): Promise<DomainRow | undefined>
  findDomainByName(name: string): Promise<DomainRow | undefined>
  listDomains(filter: { ids?: readonly string[]; name?: string; enabled?: boolean }): Promise<DomainRow[]>
  createDomain(row: DomainRow): Promise<DomainRow>
  /** The enterprise project `0` (`default`) every cloud account has from its creation (EPS reads it). */
  createDefaultEnterpriseProject(domainId: string, now: string): Promise<void>
  updateDomain(id: string, changes: Partial<Pick<DomainRow, 'name' | 'description' | 'enabled'>>, now: string): Promise<DomainRow | undefined>
  /** Throws ConflictError while the domain still owns projects, users or groups. */
  deleteDomain(id: string): Promise<boolean>

  // regions
  listRegions(): Promise<RegionRow[]>
  findRegion(id: string): Promise<RegionRow | undefined>
  upsertRegion(row: RegionRow): Promise<void>

  // projects
  findProject(id: string): Promise<ProjectRow | undefined>
  findProjectByName(domainId: string, name: string): Promise<ProjectRow | undefined>
  listProjects(filter: ProjectFilter, page?: Page): Promise<ProjectRow[]>
  createProject(row: ProjectRow): Promise<ProjectRow>
  /** Updates only inside `domainId` and only a row meeting `guard`; undefined when none matched. */
  updateProject(domainId: string, id: string, changes: ProjectChanges, now: string, guard?: ProjectUpdateGuard): Promise<ProjectRow | undefined>
  setProjectStatus(domainId: string, id: string, status: ProjectRow['status'], now: string): Promise<boolean>
  /** Throws ConflictError while other projects name it as parent. */
  deleteProject(domainId: string, id: string): Promise<boolean>
  /** Projects on which the user holds a role, directly, through a group, or inherited from the domain. */
  listProjectsForUser(userId: string, domainId: string): Promise<ProjectRow[]>

  // users
  findUser(id: string): Promise<UserRow | undefined>
  findUserByName(domainId: string, name: string): Promise<UserRow | undefined>
  listUsers(filter: { domainId?: string; name?: string; enabled?: boolean; groupId?: string }): Promise<UserRow[]>
  /** Throws ConflictError when the new name is taken in the account. */
  createUser(row: NewUser): Promise<UserRow>
  /** Updates only inside `domainId`; undefined when no such user. Throws ConflictError on a taken name. */
  updateUser(domainId: string, id: string, changes: UserChanges, now: string): Promise<UserRow | undefined>
  /** Also ends its group memberships and role assignments. */
  deleteUser(domainId: string, id: string): Promise<boolean>
  /** Kills every token the users hold now (they were issued at or before `now`). */
  cutUserTokens(userIds: readonly string[], now: string): Promise<void>
  /** Counts a failed login in one statement; returns the lock time when this failure locked the user. */
  recordLoginFailure(failure: LoginFailure): Promise<string | undefined>
  /** A successful login: the failure count starts again. */
  recordLogin(userId: string, now: string): Promise<void>

  // groups
  findGroup(id: string): Promise<GroupRow | undefined>
  findGroupByName(domainId: string, name: string): Promise<GroupRow | undefined>
  listGroups(filter: { domainId?: string; name?: string; userId?: string }): Promise<GroupRow[]>
  createGroup(row: GroupRow): Promise<GroupRow>
  updateGroup(domainId: string, id: string, changes: Partial<Pick<GroupRow, 'name' | 'description'>>): Promise<GroupRow | undefined>
  /** Also ends its memberships and role assignments. */
  deleteGroup(domainId: string, id: string): Promise<boolean>
  addGroupMember(groupId: string, userId: string): Promise<void>
  /** False when the user was not a member. */
  removeGroupMember(groupId: string, userId: string): Promise<boolean>
  isGroupMember(groupId: string, userId: string): Promise<boolean>

  // roles: system roles (domain_key '') and each account's custom policies (domain_key = account id)
  findRoleByName(name: string): Promise<RoleRow | undefined>
  findRole(id: string): Promise<RoleRow | undefined>
  /** System roles, plus the custom roles of `customOf` when given (only those with `customOnly`). */
  listRoles(filter: { customOf?: string; customOnly?: boolean; name?: string; displayName?: string; type?: string; catalog?: string }): Promise<RoleRow[]>
  /** A custom role of `row.domain_key`, unless that account holds `cap` of them already. ConflictError on a taken name. */
  createCustomRole(row: RoleRow, cap: number): Promise<RoleRow | 'cap'>
  /** Only a custom role of `domainKey`; undefined when none matched. */
  updateCustomRole(domainKey: string, id: string, changes: Partial<Pick<RoleRow, 'display_name' | 'description' | 'description_cn' | 'type' | 'policy'>>, now: string): Promise<RoleRow | undefined>
  /** Only a custom role of `domainKey` that no assignment uses; else how many use it. */
  deleteCustomRole(domainKey: string, id: string): Promise<'deleted' | 'not_found' | number>
  countAssignmentsByRole(roleIds: readonly string[]): Promise<Map<string, number>>
  /** Inserts a system role, or brings an existing one (same name) up to this definition. */
  upsertSystemRole(row: RoleRow): Promise<void>
  /** Idempotent: granting what is already granted changes nothing. */
  assignRole(a: Assignment): Promise<void>
  /** False when there was no such assignment. */
  unassignRole(a: Assignment): Promise<boolean>
  hasAssignment(a: Assignment): Promise<boolean>
  /** Roles granted to exactly this actor on exactly this target. */
  listAssignedRoles(a: Omit<Assignment, 'roleId'>): Promise<RoleRow[]>
  listAssignments(filter: AssignmentFilter): Promise<AssignmentRecord[]>
  /** Roles the user holds (directly or through a group) on each enterprise project of its grants. */
  enterpriseProjectRoles(userId: string): Promise<{ enterpriseProjectId: string; role: RoleRow }[]>
  /** Roles the user holds in the scope: direct and through groups; for a project also those inherited from its domain. */
  effectiveRoles(userId: string, scope: TokenScope, projectDomainId?: string): Promise<RoleRow[]>
  /** Roles held on the system scope (keystone flavour's cloud administrator). */
  systemRoles(userId: string): Promise<RoleRow[]>
  /** Domains on which the user holds any role. */
  listDomainsForUser(userId: string): Promise<DomainRow[]>

  // access keys
  /** Takes a free slot (1 or 2) for a permanent key; undefined when both are taken. */
  createPermanentCredential(row: Omit<CredentialRow, 'slot' | 'kind'>): Promise<CredentialRow | undefined>
  createTemporaryCredential(row: Omit<CredentialRow, 'slot' | 'kind'>): Promise<CredentialRow>
  findCredential(access: string): Promise<CredentialRow | undefined>
  listCredentials(userId: string): Promise<CredentialRow[]>
  updateCredential(access: string, changes: Partial<Pick<CredentialRow, 'status' | 'description'>>): Promise<CredentialRow | undefined>
  deleteCredential(access: string): Promise<boolean>
  markCredentialUsed(access: string, now: string): Promise<void>
  deleteExpiredCredentials(now: string): Promise<void>

  // tokens
  /** The user, its account and whether the token is revoked, in one round trip. */
  findCaller(userId: string, auditId: string): Promise<CallerRecord | undefined>
  listTokenKeys(): Promise<{ id: string; secret: string }[]>
  /** Inserts unless a key with that id exists: instances starting together settle on one key by the primary key. */
  ensureTokenKey(row: { id: string; secret: string; created_at: string }): Promise<void>
  revokeToken(auditId: string, expiresAt: string, now: string): Promise<void>

  /**
   * Writes the trace of a change to the audit trail. Call it on the store `transaction` passes
   * in, beside the change, so both commit together or neither does.
   */
  recordChange(trace: TraceContext, change: TracedChange): Promise<void>

  /** Runs `work` in one transaction; the store passed in sees and writes only inside it. */
  transaction<T>(work: (store: IamStore) => Promise<T>): Promise<T>
}
