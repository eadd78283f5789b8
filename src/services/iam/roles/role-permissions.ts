/**
 * @module What roles allow, compiled: for a caller's roles in its scope, and per enterprise
 * project for the policies granted on single enterprise projects. Shared by every kind of caller
 * (users' tokens and keys, agencies').
 */
import type { RoleRow } from '../../../db/schema.js'
import { parsePolicyDocument, Permissions } from '../../../auth/policy-document.js'

export const NO_ENTERPRISE_PROJECT_GRANTS: ReadonlyMap<string, Permissions> = new Map()

export function permissionsOf(roles: readonly RoleRow[]): Permissions {
  return Permissions.compile(roles.map((r) => parsePolicyDocument(r.policy)).filter((d) => d !== undefined))
}

/** The policies held on each enterprise project, compiled per project. */
export function permissionsByEnterpriseProject(grants: readonly { enterpriseProjectId: string; role: RoleRow }[]): ReadonlyMap<string, Permissions> {
  if (grants.length === 0) return NO_ENTERPRISE_PROJECT_GRANTS
  const byProject = new Map<string, RoleRow[]>()
  for (const g of grants) byProject.set(g.enterpriseProjectId, [...(byProject.get(g.enterpriseProjectId) ?? []), g.role])
  return new Map([...byProject].map(([id, roles]) => [id, permissionsOf(roles)]))
}
