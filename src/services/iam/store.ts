/**
 * @module What the IAM service needs from storage, named after operations rather than tables.
 * `find*` returns undefined when nothing matches; `create*`/`update*` throw `ConflictError` when a
 * unique rule (project name per account, user name per account, …) is broken. Every method that
 * reads tenant data takes the account (domain) id, so no query can wander into another account.
 */
import type { DomainRow, GroupRow, ProjectRow, RegionRow, RoleRow, UserRow } from '../../db/schema.js'
import type { TokenScope } from '../../auth/token-codec.js'

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

  // users, groups, roles (the full management API comes with the identity issue)
  findUser(id: string): Promise<UserRow | undefined>
  findUserByName(domainId: string, name: string): Promise<UserRow | undefined>
  createUser(row: UserRow): Promise<UserRow>
  createGroup(row: GroupRow): Promise<GroupRow>
  findGroupByName(domainId: string, name: string): Promise<GroupRow | undefined>
  addGroupMember(groupId: string, userId: string): Promise<void>
  findRoleByName(name: string): Promise<RoleRow | undefined>
  createRole(row: RoleRow): Promise<RoleRow>
  /** Inserts a system role, or brings an existing one (same name) up to this definition. */
  upsertSystemRole(row: RoleRow): Promise<void>
  assignRole(a: { actorType: 'user' | 'group'; actorId: string; targetType: 'domain' | 'project' | 'system'; targetId: string; roleId: string; inherited: boolean }): Promise<void>
  /** Roles the user holds in the scope: direct and through groups; for a project also those inherited from its domain. */
  effectiveRoles(userId: string, scope: TokenScope, projectDomainId?: string): Promise<RoleRow[]>
  /** Roles held on the system scope (keystone flavour's cloud administrator). */
  systemRoles(userId: string): Promise<RoleRow[]>
  /** Domains on which the user holds any role. */
  listDomainsForUser(userId: string): Promise<DomainRow[]>

  // tokens
  /** The user, its account and whether the token is revoked, in one round trip. */
  findCaller(userId: string, auditId: string): Promise<CallerRecord | undefined>
  listTokenKeys(): Promise<{ id: string; secret: string }[]>
  /** Inserts unless a key with that id exists: instances starting together settle on one key by the primary key. */
  ensureTokenKey(row: { id: string; secret: string; created_at: string }): Promise<void>
  revokeToken(auditId: string, expiresAt: string, now: string): Promise<void>

  /** Runs `work` in one transaction; the store passed in sees and writes only inside it. */
  transaction<T>(work: (store: IamStore) => Promise<T>): Promise<T>
}
