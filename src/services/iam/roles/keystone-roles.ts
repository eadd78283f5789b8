/**
 * @module Keystone's role writes (keystone flavour, issue 16): create a global or domain-specific
 * role, rename or describe it, delete it with its assignments. The clouds have no such API (405).
 */
import type { RoleRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { newHexId } from '../../../shared/ids.js'
import { isoMicros } from '../../../shared/clock.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import type { KeystoneRoleCreateBody, KeystoneRoleUpdateBody } from './schemas.js'
import type { RoleServiceOptions } from './service.js'
import { DOMAIN_ROLE_CATALOG } from './rules.js'

const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id

/**
 * POST /v3/roles: a global role, or a domain-specific one with `domain_id`. Such roles carry no
 * permissions of their own here: what they allow is Keystone's policy file, whose default rules
 * know only `admin` (and `reader`/`member`, which allow what any token may).
 */
export async function createKeystoneRole(deps: RoleServiceOptions, ctx: AuthContext, body: KeystoneRoleCreateBody): Promise<RoleRow> {
  const input = body.role
  const domainKey = input.domain_id ?? ''
  if (domainKey !== '' && !(await deps.targets.findDomain(domainKey))) throw new NotFoundError('domain', domainKey)
  const now = isoMicros(deps.clock.now())
  return deps.store.transaction(async (tx) => {
    const created = await tx.createRole({
      id: newHexId(), domain_key: domainKey, name: input.name, display_name: input.name, description: input.description ?? '', description_cn: '',
      type: 'AA', catalog: domainKey === '' ? 'BASE' : DOMAIN_ROLE_CATALOG, flag: '', policy: JSON.stringify({ Version: '1.0', Statement: [] }), created_at: now, updated_at: now,
    })
    await tx.recordChange(iamTrace(ctx, roleAccount(ctx, created), 'createRole', now), creationOf('role', created))
    return created
  })
}

/**
 * The trail a role's change goes to: a domain-specific role's domain (as a user's change goes to
 * its domain, whoever makes it), a global role's the caller's. So an account's trail holds its
 * own roles' history, and it goes with the account.
 */
export function roleAccount(ctx: AuthContext, role: Pick<RoleRow, 'domain_key'>): string {
  return role.domain_key === '' ? accountOf(ctx) : role.domain_key
}

/** PATCH /v3/roles/{id}: name and description; a role never moves to another domain (Keystone's words). */
export async function updateKeystoneRole(deps: RoleServiceOptions, ctx: AuthContext, id: string, body: KeystoneRoleUpdateBody): Promise<RoleRow> {
  const input = body.role
  const now = isoMicros(deps.clock.now())
  const updated = await deps.store.transaction(async (tx) => {
    const before = await tx.findRole(id)
    if (!before) throw new NotFoundError('role', id)
    if (input.domain_id !== undefined && (input.domain_id ?? '') !== before.domain_key) throw new ValidationError('Update of `domain_id` is not allowed.')
    const changes: { name?: string; display_name?: string; description?: string } = {}
    if (input.name !== undefined) Object.assign(changes, { name: input.name, display_name: input.name })
    if (input.description !== undefined) changes.description = input.description ?? ''
    const after = await tx.updateRole(id, changes, now)
    if (!after) throw new NotFoundError('role', id)
    await tx.recordChange(iamTrace(ctx, roleAccount(ctx, before), 'updateRole', now), updateOf('role', before, after))
    return after
  })
  deps.invalidateAuthCache()
  return updated
}

/** DELETE /v3/roles/{id}: the role and, as Keystone does, every assignment of it. */
export async function deleteKeystoneRole(deps: RoleServiceOptions, ctx: AuthContext, id: string): Promise<void> {
  const now = isoMicros(deps.clock.now())
  await deps.store.transaction(async (tx) => {
    const before = await tx.findRole(id)
    if (!before || !(await tx.deleteRole(id))) throw new NotFoundError('role', id)
    await tx.recordChange(iamTrace(ctx, roleAccount(ctx, before), 'deleteRole', now), deletionOf('role', before))
  })
  deps.invalidateAuthCache()
}
