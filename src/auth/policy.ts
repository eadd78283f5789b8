/**
 * @module The one enforcement point. Routes name an action; `enforce()` finds its rule in the
 * policy tables and decides. Rules that depend on the target (own user, an enterprise project)
 * get the target passed in; a route without a rule cannot be registered (see http/authenticate.ts).
 */
import type { Flavour } from '../flavours.js'
import type { ServiceName } from '../http/fastify-types.js'
import { ForbiddenError, UnauthorizedError } from '../errors/app-error.js'
import type { AuthContext } from './auth-context.js'
import { Permissions } from './policy-document.js'

export type PolicyRuleKind =
  /** No token needed. */
  | 'public'
  /** Any valid token. */
  | 'authenticated'
  /** The caller's roles must allow the action (see policy-document.ts). */
  | 'permission'
  /** As permission, or the request is about the caller's own user. */
  | 'permission_or_self'
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
  /**
   * The target is only known once the service has loaded it (the user behind a subject token):
   * the route hook authenticates, and the service calls `enforce` with the target.
   */
  readonly enforcedBy?: 'service'
  /** Policies granted on the enterprise project in the path count besides the account-wide ones. */
  readonly enterpriseProjectScoped?: boolean
  /**
   * An action the service enforces inside another route (`enforcedBy: 'service'`), chosen by what
   * the request asks (enable or disable); it has no route of its own.
   */
  readonly partOf?: string
  /** Registered only in the keystone flavour (Keystone's APIs the clouds answer 405 to). */
  readonly keystoneOnly?: boolean
}

/** Where a caller may perform an action: the whole account, or only some enterprise projects. */
export interface PolicyReach {
  readonly everywhere: boolean
  readonly enterpriseProjectIds: readonly string[]
}

export interface PolicyTarget {
  /** The user the request is about, for `permission_or_self`. */
  readonly userId?: string | undefined
  /** Grants on this enterprise project count besides the account-wide ones. */
  readonly enterpriseProjectId?: string | undefined
}

interface CompiledEntry extends PolicyEntry {
  readonly service: ServiceName
  /** The action under every name a permission document may use for it. */
  readonly names: readonly string[]
}

export class Policy {
  private readonly byAction = new Map<string, CompiledEntry>()

  constructor(private readonly flavour: Flavour, tables: Readonly<Partial<Record<ServiceName, readonly PolicyEntry[]>>>) {
    for (const [service, entries] of Object.entries(tables) as [ServiceName, readonly PolicyEntry[]][]) {
      for (const entry of entries) {
        this.byAction.set(entry.action, { ...entry, service, names: [entry.action, ...(entry.cloudActions ?? [])] })
      }
    }
  }

  entry(action: string): PolicyEntry | undefined {
    return this.byAction.get(action)
  }

  /**
   * For lists: the whole account when the caller's account-wide policies allow the action, else
   * the enterprise projects whose grants allow it (possibly none).
   */
  reach(ctx: AuthContext, action: string): PolicyReach {
    const entry = this.byAction.get(action)
    if (!entry) return { everywhere: false, enterpriseProjectIds: [] }
    if (this.permitted(ctx, entry, {})) return { everywhere: true, enterpriseProjectIds: [] }
    const ids = [...ctx.enterpriseProjectPermissions.keys()].filter((id) => this.permitted(ctx, entry, { enterpriseProjectId: id }))
    return { everywhere: false, enterpriseProjectIds: ids }
  }

  /** Throws UnauthorizedError (no caller) or ForbiddenError (not allowed). */
  enforce(ctx: AuthContext | undefined, action: string, target: PolicyTarget = {}): void {
    const entry = this.byAction.get(action)
    if (!entry) throw new ForbiddenError(action) // unreachable for registered routes; deny by default
    if (entry.rule === 'public') return
    if (!ctx) throw new UnauthorizedError()
    if (!this.allows(ctx, entry, target)) throw new ForbiddenError(action)
  }

  private allows(ctx: AuthContext, entry: CompiledEntry, target: PolicyTarget): boolean {
    switch (entry.rule) {
      case 'public':
      case 'authenticated':
        return true
      case 'system_admin':
        return ctx.systemAdmin
      case 'permission_or_self':
        if (target.userId !== undefined && target.userId === ctx.user.id) return true
        return this.permitted(ctx, entry, target)
      case 'permission':
        return this.permitted(ctx, entry, target)
    }
  }

  private permitted(ctx: AuthContext, entry: CompiledEntry, target: PolicyTarget): boolean {
    if (ctx.systemAdmin) return true
    // IAM and EPS are global services on the clouds: only a domain-scoped token manages them.
    if ((entry.service === 'iam' || entry.service === 'eps') && this.flavour.iam.managementNeedsDomainScope && ctx.scope.type !== 'domain') return false
    const onProject = target.enterpriseProjectId === undefined ? undefined : ctx.enterpriseProjectPermissions.get(target.enterpriseProjectId)
    const sets = onProject ? [ctx.permissions, onProject] : [ctx.permissions]
    return Permissions.decideAll(sets, entry.names) === 'allow'
  }
}
