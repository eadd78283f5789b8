/**
 * @module Envelopes of roles, custom policies, grants, role assignments and the clouds'
 * enterprise-project permission listings (OS-PERMISSION), in each API's own field spellings.
 */
import type { Flavour } from '../../../flavours.js'
import type { GroupRow, RoleRow, UserRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'
import type { AssignmentRecord } from './store.js'
import type { AssignmentList, DomainAssignmentPage, RolePage } from './service.js'
import type { RoleInference, RoleInferenceList } from './implied-roles.js'

/** A named reference as `include_names` shows it: users, groups and projects also name their domain. */
export interface NamedEntity { readonly name: string; readonly domain?: { readonly id: string; readonly name: string } }

/** Names of the actors and targets in a role assignment list, for `include_names`. */
export interface AssignmentNames {
  readonly actors: ReadonlyMap<string, NamedEntity>
  readonly targets: ReadonlyMap<string, NamedEntity>
  /** The domains of domain-specific roles (and of the clouds' custom policies). */
  readonly roleDomains: ReadonlyMap<string, { readonly id: string; readonly name: string }>
}

export class RoleWire {
  private readonly flavour: Flavour

  constructor({ flavour }: { flavour: Flavour }) {
    this.flavour = flavour
  }

  role(base: string, row: RoleRow, references?: number): unknown {
    return { role: this.roleEntity(base, row, references) }
  }

  roleList(base: string, selfUrl: string, page: RolePage): unknown {
    const paging = page.paging && {
      page: page.paging.page, perPage: page.paging.perPage, hasPrevious: page.paging.page > 1, hasNext: page.paging.page * page.paging.perPage < page.total,
    }
    const references = page.references
    const roles = page.roles.map((r) => this.roleEntity(base, r, references ? references.get(r.id) ?? 0 : undefined))
    if (this.flavour.iam.keystoneIdentityShape) return { roles, links: collectionLinks(selfUrl, paging) }
    return { roles, links: collectionLinks(selfUrl, paging), total_number: page.total }
  }

  /** The roles of one actor on one target; the clouds' enterprise-project listings carry no links. */
  grantedRoles(base: string, selfUrl: string, rows: readonly RoleRow[], withLinks: boolean): unknown {
    const roles = rows.map((r) => this.roleEntity(base, r))
    return withLinks ? { roles, links: collectionLinks(selfUrl) } : { roles }
  }

  /** The roles of one actor on all projects as the clouds list an agency's: id, name and its own link only. */
  shortGrantedRoles(base: string, selfUrl: string, rows: readonly RoleRow[]): unknown {
    return { roles: rows.map((r) => ({ id: r.id, name: r.name, links: { self: `${base}/v3/roles/${r.id}` } })), links: { self: selfUrl } }
  }

  /** `references` (how many grants use it) only on custom policies, and only where the clouds show it. */
  private roleEntity(base: string, row: RoleRow, references?: number): Record<string, unknown> {
    const links = { self: `${base}/v3/roles/${row.id}` }
    const domainId = row.domain_key === '' ? null : row.domain_key
    if (this.flavour.iam.keystoneIdentityShape) {
      return { id: row.id, name: row.name, domain_id: domainId, description: row.description, links, options: {} }
    }
    const out: Record<string, unknown> = {
      id: row.id, name: row.name, display_name: row.display_name, type: row.type, catalog: row.catalog,
      description: row.description, domain_id: domainId, policy: JSON.parse(row.policy), links,
    }
    if (row.description_cn !== '') out.description_cn = row.description_cn
    if (row.flag !== '') out.flag = row.flag
    // The clouds show times as epoch milliseconds in strings; a system role's are when this
    // install first seeded it and when its definition last changed.
    out.created_time = String(Date.parse(row.created_at))
    out.updated_time = String(Date.parse(row.updated_at || row.created_at))
    if (domainId !== null && references !== undefined) out.references = references
    return out
  }

  /** The answer to a custom policy's deletion, as the clouds word it. */
  customRoleDeleted(): unknown {
    return { message: 'Delete success' }
  }

  /** Keystone's role assignment list; with names as `include_names` asks. */
  roleAssignments(base: string, selfUrl: string, list: AssignmentList): unknown {
    return { role_assignments: list.assignments.map((r) => this.roleAssignment(base, r, list.names)), links: collectionLinks(selfUrl) }
  }

  /**
   * keystone/api/role_assignments.py _format_entity: the link names the grant an effective entry
   * comes from (the group's, the domain's or parent project's inherited one, the prior role's),
   * with `membership` for a group's member and `prior_role` for an implied role. Keystone builds
   * that last link with the two role ids the other way round; so does this.
   */
  private roleAssignment(base: string, a: AssignmentRecord, names?: AssignmentNames): Record<string, unknown> {
    const named = (id: string, entity: NamedEntity | undefined) => (names && entity ? { id, ...entity } : { id })
    const indirect = a.indirect ?? {}
    const scope: Record<string, unknown> = a.targetType === 'system'
      ? { system: { all: true } }
      : { [a.targetType]: named(a.targetId, names?.targets.get(a.targetId)) }
    const inherited = a.inherited || indirect.domainId !== undefined || indirect.projectId !== undefined
    let link = indirect.domainId !== undefined ? `/domains/${indirect.domainId}`
      : indirect.projectId !== undefined ? `/projects/${indirect.projectId}`
        : a.targetType === 'domain' ? `/domains/${a.targetId}` : a.targetType === 'system' ? '/system' : `/projects/${a.targetId}`
    const links: Record<string, string> = {}
    if (indirect.groupId !== undefined) {
      links.membership = `${base}/v3/groups/${indirect.groupId}/users/${a.actorId}`
      link += `/groups/${indirect.groupId}`
    } else link += `/${a.actorType}s/${a.actorId}`
    link += `/roles/${indirect.roleId ?? a.roleId}`
    if (inherited) {
      scope['OS-INHERIT:inherited_to'] = 'projects'
      link = `/OS-INHERIT${link}/inherited_to_projects`
    }
    links.assignment = `${base}/v3${link}`
    if (indirect.roleId !== undefined) links.prior_role = `${base}/v3/prior_role/${a.roleId}/implies/${indirect.roleId}`
    const roleDomain = names?.roleDomains.get(a.role.domain_key)
    return {
      scope,
      role: names ? { id: a.roleId, name: a.role.name, ...(roleDomain ? { domain: roleDomain } : {}) } : { id: a.roleId },
      [a.actorType]: named(a.actorId, names?.actors.get(a.actorId)),
      links,
    }
  }

  // ---- Keystone's implied roles (keystone/api/_shared/implied_roles.py): each role as id, name and link
  private roleRef(base: string, row: RoleRow): Record<string, unknown> {
    return { id: row.id, links: { self: `${base}/v3/roles/${row.id}` }, name: row.name }
  }

  impliedRole(base: string, selfUrl: string, rule: RoleInference): unknown {
    return { role_inference: { prior_role: this.roleRef(base, rule.prior), implies: this.roleRef(base, rule.implied) }, links: { self: selfUrl } }
  }

  impliedRoles(base: string, selfUrl: string, list: RoleInferenceList): unknown {
    return { role_inference: { prior_role: this.roleRef(base, list.prior), implies: list.implies.map((r) => this.roleRef(base, r)) }, links: { self: selfUrl } }
  }

  /** Keystone's list has no `links`. */
  roleInferences(base: string, lists: readonly RoleInferenceList[]): unknown {
    return { role_inferences: lists.map((l) => ({ prior_role: this.roleRef(base, l.prior), implies: l.implies.map((r) => this.roleRef(base, r)) })) }
  }

  /** The clouds' role assignment list: ids only, inherited grants on the account with `is_inherited`. */
  domainRoleAssignments(page: DomainAssignmentPage): unknown {
    return {
      total_num: page.total,
      role_assignments: page.assignments.map((a) => ({
        role: { id: a.roleId }, [a.actorType]: { id: a.actorId }, scope: { [a.targetType]: { id: a.targetId } }, is_inherited: a.inherited,
      })),
    }
  }

  // ---- enterprise projects (OS-PERMISSION), in the clouds' own field spellings
  enterpriseProjectGroups(groups: readonly GroupRow[]): unknown {
    return { groups: groups.map((g) => ({ createTime: Date.parse(g.created_at), description: g.description, domainId: g.domain_id, id: g.id, name: g.name })) }
  }

  enterpriseProjectUsers(users: readonly UserRow[]): unknown {
    return { users: users.map((u) => ({ domain_id: u.domain_id, id: u.id, name: u.name, enabled: u.enabled === 1, description: u.description })) }
  }

  enterpriseProjects(projectIds: readonly string[]): unknown {
    return { 'enterprise-projects': projectIds.map((projectId) => ({ projectId })) }
  }
}
