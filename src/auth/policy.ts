/**
 * @module The one enforcement point. Routes name an action; `enforce()` finds its rule in the
 * policy tables and decides. Rules that depend on the target (own account, own user) get the
 * target passed in; a route without a rule cannot be registered (see app.ts).
 */
import type { Flavour } from '../flavours.js'
import { ForbiddenError, UnauthorizedError } from '../errors/app-error.js'
import type { AuthContext } from './auth-context.js'

export type PolicyRuleKind =
  /** No token needed. */
  | 'public'
  /** Any valid token. */
  | 'authenticated'
  /** An identity administrator of the account: `admin` or `secu_admin` (a domain-scoped token on the clouds). */
  | 'identity_admin'
  /** As identity_admin, or the user the request is about. */
  | 'identity_admin_or_self'
  /** Keystone flavour's cloud administrator only. */
  | 'system_admin'

export interface PolicyEntry {
  readonly action: string
  readonly method: string
  readonly path: string
  readonly rule: PolicyRuleKind
  readonly description: string
  /** The clouds' fine-grained action names for this operation (both spellings where they differ). */
  readonly cloudActions?: readonly string[]
}

/** Role names that carry identity administration. */
export const IDENTITY_ADMIN_ROLES: ReadonlySet<string> = new Set(['admin', 'secu_admin'])

export class Policy {
  private readonly byAction = new Map<string, PolicyEntry>()

  constructor(private readonly flavour: Flavour, tables: readonly (readonly PolicyEntry[])[]) {
    for (const entry of tables.flat()) this.byAction.set(entry.action, entry)
  }

  entry(action: string): PolicyEntry | undefined {
    return this.byAction.get(action)
  }

  /** Throws UnauthorizedError (no token) or ForbiddenError (not allowed). */
  enforce(ctx: AuthContext | undefined, action: string, target: { userId?: string } = {}): void {
    const entry = this.byAction.get(action)
    if (!entry) throw new ForbiddenError(action) // unreachable for registered routes; deny by default
    if (entry.rule === 'public') return
    if (!ctx) throw new UnauthorizedError()
    switch (entry.rule) {
      case 'authenticated':
        return
      case 'identity_admin_or_self':
        if (target.userId !== undefined && target.userId === ctx.user.id) return
        if (this.isIdentityAdmin(ctx)) return
        break
      case 'identity_admin':
        if (this.isIdentityAdmin(ctx)) return
        break
      case 'system_admin':
        if (ctx.systemAdmin) return
        break
    }
    throw new ForbiddenError(action)
  }

  isIdentityAdmin(ctx: AuthContext): boolean {
    if (ctx.systemAdmin) return true
    if (this.flavour.iam.managementNeedsDomainScope && ctx.scope.type !== 'domain') return false
    return ctx.roles.some((role) => IDENTITY_ADMIN_ROLES.has(role.name))
  }
}
