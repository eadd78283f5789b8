/**
 * @module Where a role may be granted, and how custom policies are named: the same for a grant
 * made through the API (`RoleService`) and one written in a state document (`src/state/`).
 */
import { AppError } from '../../../errors/app-error.js'

/**
 * Keystone's 403s about roles (`InvalidImpliedRole`, `DomainSpecificRoleMismatch`) are its own
 * sentences, not "You are not authorized to perform the requested action".
 */
export class RoleRefusedError extends AppError {
  readonly status = 403
  readonly code = 'role_refused'
}

/** The clouds cap custom policies per account. */
export const MAX_CUSTOM_ROLES_PER_ACCOUNT = 200

/** What the rule needs to know of a role. */
export interface GrantedRole {
  readonly type: string
  /** A fine-grained (1.1) policy: every custom policy, and system policies flagged so. */
  readonly fineGrained: boolean
}

/** Where a grant applies: an enterprise project, projects (one, or all as an inherited grant), or the account. */
export type GrantPlace = 'enterprise_project' | 'projects' | 'account'

export type GrantRefusal = 'not_fine_grained' | 'global_on_projects' | 'project_level_on_account'

/**
 * The clouds grant global (AX) permissions on the account and project-level (XA) ones on
 * projects; enterprise projects take only fine-grained policies. AA fits both. Keystone's roles
 * have no types (`roleTypesRestrictGrants` off).
 */
export function grantRefusal(role: GrantedRole, place: GrantPlace, roleTypesRestrictGrants: boolean): GrantRefusal | undefined {
  if (place === 'enterprise_project') return role.fineGrained ? undefined : 'not_fine_grained'
  if (!roleTypesRestrictGrants || role.type === 'AA') return undefined
  if (place === 'projects' && role.type === 'AX') return 'global_on_projects'
  if (place === 'account' && role.type === 'XA') return 'project_level_on_account'
  return undefined
}

/** The clouds number an account's custom policies: `custom_<account id>_<n>`. */
export function customRoleName(accountId: string, n: number): string {
  return `custom_${accountId}_${n}`
}

/** The number after the highest one the names use (0 for none). */
export function nextCustomRoleNumber(names: readonly (string | undefined)[]): number {
  return names.reduce((max, name) => Math.max(max, Number(/_(\d+)$/.exec(name ?? '')?.[1] ?? -1)), -1) + 1
}

/** Roles no agency may hold: the union of the clouds' lists (spec §1.8, open question 6). */
export const AGENCY_FORBIDDEN_ROLES: readonly string[] = ['secu_admin', 'te_agency']

/**
 * The catalog of Keystone's domain-specific roles (keystone flavour, POST /v3/roles with a
 * `domain_id`). Like the clouds' custom policies they belong to a domain; unlike them they never
 * reach a token or an effective assignment themselves, only the roles they imply do.
 */
export const DOMAIN_ROLE_CATALOG = 'DOMAIN_ROLE'

export function isDomainSpecificRole(role: { readonly domain_key: string; readonly catalog: string }): boolean {
  return role.domain_key !== '' && role.catalog === DOMAIN_ROLE_CATALOG
}

/** Keystone's `[assignment] prohibited_implied_role` default: `admin` stays a root, never implied. */
export const PROHIBITED_IMPLIED_ROLES: readonly string[] = ['admin']
