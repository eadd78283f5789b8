/**
 * @module Keystone's `GET /v3/role_assignments` (keystone/assignment/core.py
 * list_role_assignments): direct assignments filtered as asked, or with `effective` what they
 * amount to for users: group grants become their members', inherited grants land on the projects
 * below the domain or project they were made on, implied roles are added and Keystone's
 * domain-specific roles dropped. Each effective entry remembers where it came from (`indirect`),
 * which the wire turns into Keystone's links. Works on the caller's assignments in memory.
 */
import type { ProjectRow, RoleRow } from '../../../db/schema.js'
import { ValidationError } from '../../../errors/app-error.js'
import type { AssignmentRecord, AssignmentSource } from './store.js'
import type { RoleAssignmentQuery } from './schemas.js'
import { isDomainSpecificRole } from './rules.js'

export interface KeystoneAssignmentFilter {
  readonly roleId?: string
  readonly userId?: string
  readonly groupId?: string
  readonly domainId?: string
  readonly projectId?: string
  /** `scope.system=all`: only grants on the system (Keystone reads any other value as absent). */
  readonly system: boolean
  readonly includeSubtree: boolean
  /** `scope.OS-INHERIT:inherited_to`: true for `projects`, false for any other value, undefined when absent. */
  readonly inherited?: boolean
  readonly effective: boolean
}

/** Keystone's `query_filter_is_true`: present and anything but `0`. */
export function queryFlag(value: string | undefined): boolean {
  return value !== undefined && value !== '0'
}

/** The filters, refused in Keystone's words where a combination can only be a mistake. */
export function parseKeystoneAssignmentQuery(q: RoleAssignmentQuery): KeystoneAssignmentFilter {
  const given = (key: keyof RoleAssignmentQuery) => (q[key] === undefined || q[key] === '' ? undefined : q[key])
  const includeSubtree = queryFlag(q.include_subtree)
  if (includeSubtree && given('scope.project.id') === undefined) throw new ValidationError('scope.project.id must be specified if include_subtree is also specified')
  if (given('scope.domain.id') !== undefined && given('scope.project.id') !== undefined) throw new ValidationError('Specify a domain or project, not both')
  const system = q['scope.system'] === 'all'
  if (given('scope.domain.id') !== undefined && q['scope.system'] !== undefined) throw new ValidationError('Specify system or domain, not both')
  if (given('scope.project.id') !== undefined && q['scope.system'] !== undefined) throw new ValidationError('Specify system or project, not both')
  if (given('user.id') !== undefined && given('group.id') !== undefined) throw new ValidationError('Specify a user or group, not both')
  const effective = queryFlag(q.effective)
  const inheritedTo = q['scope.OS-INHERIT:inherited_to']
  const inherited = inheritedTo === undefined ? undefined : inheritedTo === 'projects'
  if (effective && given('group.id') !== undefined) throw new ValidationError('Combining effective and group filter will always result in an empty list.')
  if (effective && inherited === true && given('scope.domain.id') !== undefined) {
    throw new ValidationError('Combining effective, domain and inherited filters will always result in an empty list.')
  }
  return {
    roleId: given('role.id'), userId: given('user.id'), groupId: given('group.id'), domainId: given('scope.domain.id'), projectId: given('scope.project.id'),
    system, includeSubtree, inherited, effective,
  }
}

/** What the computation reads besides the assignments themselves. */
export interface AssignmentWorld {
  /** Every assignment the caller may see, grants on the system included where it may see those. */
  readonly assignments: readonly AssignmentRecord[]
  /** The projects of the domains involved, with their parents. */
  readonly projects: readonly Pick<ProjectRow, 'id' | 'domain_id' | 'parent_id'>[]
  membersOf(groupId: string): Promise<readonly string[]>
  groupsOf(userId: string): Promise<readonly string[]>
  impliedBy(roleId: string): Promise<readonly string[]>
  role(roleId: string): Promise<RoleRow | undefined>
}

export async function keystoneAssignments(f: KeystoneAssignmentFilter, world: AssignmentWorld): Promise<AssignmentRecord[]> {
  const tree = new ProjectTree(world.projects)
  const subtree = f.projectId !== undefined && f.includeSubtree ? tree.below(f.projectId) : undefined
  const projectsOfInterest = f.projectId === undefined ? undefined : [f.projectId, ...(subtree ?? [])]
  if (!f.effective) {
    // Grants on the system come only with `scope.system`, or when no target at all is asked for.
    const withSystem = f.system || (f.domainId === undefined && f.projectId === undefined)
    return world.assignments.filter((a) =>
      (a.targetType === 'system' ? withSystem : !f.system)
      && (f.roleId === undefined || a.roleId === f.roleId)
      && (f.userId === undefined || (a.actorType === 'user' && a.actorId === f.userId))
      && (f.groupId === undefined || (a.actorType === 'group' && a.actorId === f.groupId))
      && (f.domainId === undefined || (a.targetType === 'domain' && a.targetId === f.domainId))
      && (projectsOfInterest === undefined || (a.targetType === 'project' && projectsOfInterest.includes(a.targetId)))
      && (f.inherited === undefined || a.inherited === f.inherited))
  }

  // Effective: domains inherit nothing, so a domain filter wants direct grants only.
  const inherited = f.domainId !== undefined ? false : f.inherited
  const groups = f.userId === undefined ? undefined : new Set(await world.groupsOf(f.userId))
  const actorMatches = (a: AssignmentRecord) => f.userId === undefined
    || (a.actorType === 'user' && a.actorId === f.userId) || (a.actorType === 'group' && groups!.has(a.actorId))
  // Grants inherited onto the projects of interest come from their domain and their parents (and, with the subtree, from inside it).
  const inheritedSources = f.projectId === undefined ? undefined
    : new Set([tree.domainOf(f.projectId), ...tree.above(f.projectId), ...(subtree ? projectsOfInterest! : [])])
  const candidates = world.assignments.filter((a) => {
    if (a.targetType !== 'domain' && a.targetType !== 'project') return false
    if (!actorMatches(a)) return false
    if (!a.inherited) {
      if (inherited === true) return false
      if (f.domainId !== undefined) return a.targetType === 'domain' && a.targetId === f.domainId
      if (projectsOfInterest !== undefined) return a.targetType === 'project' && projectsOfInterest.includes(a.targetId)
      return true
    }
    if (inherited === false) return false
    return inheritedSources === undefined || inheritedSources.has(a.targetId)
  })

  const expanded: AssignmentRecord[] = []
  for (const a of candidates) {
    const users = a.actorType === 'group' ? (f.userId !== undefined ? [f.userId] : await world.membersOf(a.actorId)) : [a.actorId]
    const targets = a.inherited ? inheritedTargets(a, tree, f.projectId, subtree) : [{ targetType: a.targetType, targetId: a.targetId }]
    for (const userId of users) {
      for (const t of targets) {
        const indirect: AssignmentSource = {}
        if (a.actorType === 'group') indirect.groupId = a.actorId
        if (a.inherited) indirect[a.targetType === 'domain' ? 'domainId' : 'projectId'] = a.targetId
        expanded.push({ ...a, ...t, actorType: 'user', actorId: userId, inherited: false, ...(Object.keys(indirect).length > 0 ? { indirect } : {}) })
      }
    }
  }

  const withImplied = await addImpliedRoles(expanded, world)
  const global: AssignmentRecord[] = []
  for (const a of withImplied) if (!isDomainSpecificRole(a.role)) global.push(a)
  return f.roleId === undefined ? global : global.filter((a) => a.roleId === f.roleId)
}

/** Keystone's expand_inherited_assignment: the projects an inherited grant lands on. */
function inheritedTargets(a: AssignmentRecord, tree: ProjectTree, projectId: string | undefined, subtree: readonly string[] | undefined) {
  let ids: readonly string[]
  if (projectId !== undefined) {
    ids = [projectId, ...(subtree ?? [])]
    // A grant made inside the subtree asked about reaches only the part below it.
    if (subtree && a.targetType === 'project' && ids.includes(a.targetId)) ids = tree.below(a.targetId)
  } else ids = a.targetType === 'domain' ? tree.inDomain(a.targetId) : tree.below(a.targetId)
  return ids.map((id) => ({ targetType: 'project' as const, targetId: id }))
}

/**
 * Keystone's add_implied_roles: each entry whose role implies others is copied once per implied
 * role, remembering the prior one, until nothing new appears (a cycle ends where it started).
 */
async function addImpliedRoles(refs: readonly AssignmentRecord[], world: AssignmentWorld): Promise<AssignmentRecord[]> {
  const results = [...refs]
  const seen = new Set(refs.map(refKey))
  const toCheck = [...refs]
  while (toCheck.length > 0) {
    const next = toCheck.pop()!
    for (const impliedId of await world.impliedBy(next.roleId)) {
      const role = await world.role(impliedId)
      if (!role) continue
      const copy: AssignmentRecord = { ...next, roleId: impliedId, role, indirect: { ...next.indirect, roleId: next.roleId } }
      const key = refKey(copy)
      if (seen.has(key)) continue
      seen.add(key)
      results.push(copy)
      toCheck.push(copy)
    }
  }
  return results
}

function refKey(a: AssignmentRecord): string {
  const i = a.indirect ?? {}
  return JSON.stringify([a.actorType, a.actorId, a.targetType, a.targetId, a.roleId, i.groupId, i.domainId, i.projectId, i.roleId])
}

/** The projects of the domains involved, as a tree under each domain. */
class ProjectTree {
  private readonly byId = new Map<string, Pick<ProjectRow, 'id' | 'domain_id' | 'parent_id'>>()
  private readonly children = new Map<string, string[]>()

  constructor(projects: readonly Pick<ProjectRow, 'id' | 'domain_id' | 'parent_id'>[]) {
    for (const p of projects) {
      this.byId.set(p.id, p)
      this.children.set(p.parent_id, [...(this.children.get(p.parent_id) ?? []), p.id])
    }
  }

  domainOf(projectId: string): string {
    return this.byId.get(projectId)?.domain_id ?? ''
  }

  /** The parents of a project up to its domain, nearest first. */
  above(projectId: string): string[] {
    const out: string[] = []
    for (let p = this.byId.get(this.byId.get(projectId)?.parent_id ?? ''); p && !out.includes(p.id); p = this.byId.get(p.parent_id)) out.push(p.id)
    return out
  }

  /** Every project below this one, not itself. */
  below(projectId: string): string[] {
    const out: string[] = []
    const queue = [...(this.children.get(projectId) ?? [])]
    while (queue.length > 0) {
      const id = queue.shift()!
      if (out.includes(id)) continue
      out.push(id)
      queue.push(...(this.children.get(id) ?? []))
    }
    return out
  }

  inDomain(domainId: string): string[] {
    return [...this.byId.values()].filter((p) => p.domain_id === domainId).map((p) => p.id)
  }
}
