/**
 * @module Keystone's implied roles (keystone flavour, issue 16): inference rules saying that
 * holding a prior role means holding the implied one too. The rules themselves are plain rows;
 * what they imply is applied where roles are read (tokens, effective role assignments).
 */
import type { RoleRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { NotFoundError } from '../../../errors/app-error.js'
import { isoMicros } from '../../../shared/clock.js'
import { iamTrace, type TracedChange } from '../../../audit/trace.js'
import { PROHIBITED_IMPLIED_ROLES, RoleRefusedError } from './rules.js'
import type { RoleServiceOptions } from './service.js'
import { roleAccount } from './keystone-roles.js'

/**
 * Keystone's `InvalidImpliedRole` is a `Forbidden` security error: outside insecure_debug mode it
 * shows its fixed sentence whatever the reason (a prohibited role, or a global role implying a
 * domain-specific one), so the reason is not on the wire.
 */
function invalidImpliedRole(roleId: string): RoleRefusedError {
  return new RoleRefusedError(`${roleId} cannot be an implied roles.`)
}

/** One rule, with both roles, as the routes show it. */
export interface RoleInference { readonly prior: RoleRow; readonly implied: RoleRow }
/** A prior role with the roles it implies directly. */
export interface RoleInferenceList { readonly prior: RoleRow; readonly implies: readonly RoleRow[] }


/** Keystone looks the prior role up first, then the implied one: a 404 names the first missing. */
async function bothRoles(deps: RoleServiceOptions, priorRoleId: string, impliedRoleId: string): Promise<RoleInference> {
  const prior = await deps.store.findRole(priorRoleId)
  if (!prior) throw new NotFoundError('role', priorRoleId)
  const implied = await deps.store.findRole(impliedRoleId)
  if (!implied) throw new NotFoundError('role', impliedRoleId)
  return { prior, implied }
}

function ruleChange(rule: RoleInference, created: boolean): TracedChange {
  const state = { prior_role_id: rule.prior.id, implied_role_id: rule.implied.id, implied_role_name: rule.implied.name }
  return { resourceType: 'role', resourceId: rule.prior.id, resourceName: rule.prior.name, before: created ? null : state, after: created ? state : null }
}

/**
 * PUT /v3/roles/{prior}/implies/{implied}. Refused (403) for a prohibited implied role (`admin`)
 * and for a global role implying a domain-specific one; a rule may otherwise close a cycle, as in
 * Keystone, whose expansion stops where it started.
 */
export async function createImpliedRole(deps: RoleServiceOptions, ctx: AuthContext, priorRoleId: string, impliedRoleId: string): Promise<RoleInference> {
  const rule = await bothRoles(deps, priorRoleId, impliedRoleId)
  if (PROHIBITED_IMPLIED_ROLES.includes(rule.implied.name)) throw invalidImpliedRole(impliedRoleId)
  if (rule.prior.domain_key === '' && rule.implied.domain_key !== '') throw invalidImpliedRole(impliedRoleId)
  const now = isoMicros(deps.clock.now())
  await deps.store.transaction(async (tx) => {
    await tx.createImpliedRole(rule.prior.id, rule.implied.id)
    await tx.recordChange(iamTrace(ctx, roleAccount(ctx, rule.prior), 'createImpliedRole', now), ruleChange(rule, true))
  })
  deps.invalidateAuthCache()
  return rule
}

/** GET (and HEAD) /v3/roles/{prior}/implies/{implied}: 404 in Keystone's words when no such rule. */
export async function getImpliedRole(deps: RoleServiceOptions, priorRoleId: string, impliedRoleId: string): Promise<RoleInference> {
  const rule = await bothRoles(deps, priorRoleId, impliedRoleId)
  const rules = await deps.store.listImpliedRoles(rule.prior.id)
  if (!rules.some((r) => r.implied_role_id === rule.implied.id)) throw impliedRoleNotFound(rule.prior.id, rule.implied.id)
  return rule
}

export async function deleteImpliedRole(deps: RoleServiceOptions, ctx: AuthContext, priorRoleId: string, impliedRoleId: string): Promise<void> {
  const rule = await bothRoles(deps, priorRoleId, impliedRoleId)
  const now = isoMicros(deps.clock.now())
  await deps.store.transaction(async (tx) => {
    if (!(await tx.deleteImpliedRole(rule.prior.id, rule.implied.id))) throw impliedRoleNotFound(rule.prior.id, rule.implied.id)
    await tx.recordChange(iamTrace(ctx, roleAccount(ctx, rule.prior), 'deleteImpliedRole', now), ruleChange(rule, false))
  })
  deps.invalidateAuthCache()
}

/** GET /v3/roles/{prior}/implies: the roles it implies directly, not what those imply in turn. */
export async function listImpliedRoles(deps: RoleServiceOptions, priorRoleId: string): Promise<RoleInferenceList> {
  const prior = await deps.store.findRole(priorRoleId)
  if (!prior) throw new NotFoundError('role', priorRoleId)
  const implies: RoleRow[] = []
  for (const rule of await deps.store.listImpliedRoles(prior.id)) {
    const implied = await deps.store.findRole(rule.implied_role_id)
    if (implied) implies.push(implied)
  }
  return { prior, implies }
}

/** GET /v3/role_inferences: every rule, grouped by prior role. */
export async function listRoleInferences(deps: RoleServiceOptions): Promise<RoleInferenceList[]> {
  const rules = await deps.store.listImpliedRoles()
  const roles = new Map<string, RoleRow | undefined>()
  const role = async (id: string) => {
    if (!roles.has(id)) roles.set(id, await deps.store.findRole(id))
    return roles.get(id)
  }
  const byPrior = new Map<string, { prior: RoleRow; implies: RoleRow[] }>()
  for (const rule of rules) {
    const prior = await role(rule.prior_role_id)
    const implied = await role(rule.implied_role_id)
    if (!prior || !implied) continue
    const entry = byPrior.get(prior.id) ?? { prior, implies: [] }
    entry.implies.push(implied)
    byPrior.set(prior.id, entry)
  }
  return [...byPrior.values()]
}

/** keystone.exception.ImpliedRoleNotFound. */
function impliedRoleNotFound(priorRoleId: string, impliedRoleId: string): NotFoundError {
  return new NotFoundError('implied role', `${priorRoleId}/${impliedRoleId}`, `${priorRoleId} does not imply ${impliedRoleId}.`)
}
