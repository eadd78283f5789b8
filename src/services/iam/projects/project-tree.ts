/**
 * @module Keystone's project hierarchy as `GET /v3/projects/{id}` shows it (`parents_as_*`,
 * `subtree_as_*`): the projects of one domain, arranged by parent, the domain as the root.
 */
import type { ProjectRow } from '../../../db/schema.js'
import { AppError } from '../../../errors/app-error.js'

/** Keystone's `max_project_tree_depth` default: levels of projects under the domain. */
export const KEYSTONE_MAX_PROJECT_DEPTH = 5

/** Keystone's refusal of a project one level too deep, a `ForbiddenNotSecurity`: its own sentence. */
export class ProjectDepthError extends AppError {
  readonly status = 403
  readonly code = 'project_depth'
  constructor(parentId: string) {
    super(`Max hierarchy depth reached for ${parentId} branch.`, { parentId })
  }
}

/** Keystone's `parents_as_ids`/`subtree_as_ids`: each id maps to its own parents or children, null at the end. */
export interface IdTree { [id: string]: IdTree | null }

/** Keystone's `query_filter_is_true`: present means true, unless it is `0`. */
export function queryFlag(value: string | undefined): boolean {
  return value !== undefined && value !== '0'
}


/**
 * The projects of one domain, by parent: the domain is the root, as in Keystone, where it is a
 * project acting as a domain. Keystone's orders: parents nearest first, the subtree level by level.
 */
export class ProjectTree {
  private readonly byId = new Map<string, ProjectRow>()
  private readonly children = new Map<string, ProjectRow[]>()

  constructor(projects: readonly ProjectRow[], private readonly domainId: string) {
    for (const p of projects) {
      this.byId.set(p.id, p)
      const siblings = this.children.get(p.parent_id)
      if (siblings) siblings.push(p)
      else this.children.set(p.parent_id, [p])
    }
  }

  parentsOf(id: string): ProjectRow[] {
    const parents: ProjectRow[] = []
    const seen = new Set([id])
    for (let p = this.byId.get(this.byId.get(id)?.parent_id ?? ''); p && !seen.has(p.id); p = this.byId.get(p.parent_id)) {
      seen.add(p.id)
      parents.push(p)
    }
    return parents
  }

  /** `{parent: {grandparent: … {domain: null}}}`; null for the domain itself. */
  parentIdsOf(id: string): IdTree | null {
    if (id === this.domainId) return null
    let tree: IdTree = { [this.domainId]: null }
    for (const p of this.parentsOf(id).reverse()) tree = { [p.id]: tree }
    return tree
  }

  subtreeOf(id: string): ProjectRow[] {
    const out: ProjectRow[] = []
    const seen = new Set([id])
    for (let level = [id]; level.length > 0;) {
      const next: string[] = []
      for (const parent of level) {
        for (const child of this.children.get(parent) ?? []) {
          if (seen.has(child.id)) continue
          seen.add(child.id)
          out.push(child)
          next.push(child.id)
        }
      }
      level = next
    }
    return out
  }

  /** `{child: {grandchild: null, …}, …}`; null without children. */
  subtreeIdsOf(id: string, seen = new Set<string>([id])): IdTree | null {
    const kids = (this.children.get(id) ?? []).filter((c) => !seen.has(c.id))
    if (kids.length === 0) return null
    const tree: IdTree = {}
    for (const c of kids) {
      seen.add(c.id)
      tree[c.id] = this.subtreeIdsOf(c.id, seen)
    }
    return tree
  }
}
