/**
 * @module Huawei-style permission documents and how they decide. Roles carry a document
 * (`{"Version", "Statement":[{"Effect","Action"}]}`); a caller's documents compile into one
 * `Permissions` that answers "may these action names run?".
 *
 * Two versions, two meanings of Deny, as on the clouds:
 * - `1.0` is a system RBAC role (`te_admin`, `readonly`): its Deny carves an exception out of that
 *   role's own Allow ("Tenant Administrator, excluding IAM"). Holding `te_admin` and `secu_admin`
 *   together therefore grants everything, which is what the built-in `admin` group has.
 * - `1.1` is a fine-grained policy (system or custom): its Deny is explicit and beats every Allow
 *   from any role.
 * No Allow means deny. Action patterns match case-insensitively; `*` matches any run of characters
 * (colons included, so `eps:*` covers `eps:enterpriseProjects:update`) and `?` one character.
 *
 * A statement with a `Resource` (only agency custom policies have one: `{"uri":["/iam/agencies/<id>"]}`)
 * speaks about those resources alone. It takes no part in `decide`, which asks about an operation
 * in general, so an Allow limited to some agencies grants nothing else; only `decideOn` with a
 * resource it lists sees it.
 */

export type PolicyEffect = 'Allow' | 'Deny'

/** The resources an agency statement is limited to: `/iam/agencies/<agency id>` paths. */
export interface PolicyResource {
  readonly uri: readonly string[]
}

export interface PolicyStatement {
  readonly Effect: PolicyEffect
  readonly Action: readonly string[]
  readonly Resource?: PolicyResource
}

export interface PolicyDocument {
  readonly Version: '1.0' | '1.1'
  readonly Statement: readonly PolicyStatement[]
}

export type Decision = 'allow' | 'deny' | 'none'

/** One pattern per role or per effect, as a single anchored alternation. */
function compilePatterns(patterns: readonly string[]): RegExp | undefined {
  if (patterns.length === 0) return undefined
  const alternatives = patterns.map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'))
  return new RegExp(`^(?:${alternatives.join('|')})$`, 'i')
}

function actionsOf(statements: readonly PolicyStatement[], effect: PolicyEffect): string[] {
  return statements.filter((s) => s.Effect === effect && s.Resource === undefined).flatMap((s) => s.Action)
}

/** A 1.0 role: allowed when its Allow matches and its own Deny does not. */
interface ScopedGrant { readonly allow: RegExp; readonly except: RegExp | undefined }

/** A statement limited to some resources; its Deny is explicit whatever the document's version. */
interface ResourceStatement { readonly effect: PolicyEffect; readonly actions: RegExp; readonly uris: readonly string[] }

/** The resources the resource-limited statements allow and deny for one operation. */
interface ResourceReach { readonly allow: ReadonlySet<string>; readonly deny: ReadonlySet<string> }

/**
 * The resources of a stored statement. A malformed one (never written by the validation) names
 * no resource, so it can neither grant nor take anything away.
 */
function urisOf(resource: unknown): string[] {
  const uris = typeof resource === 'object' && resource !== null ? (resource as { uri?: unknown }).uri : undefined
  return Array.isArray(uris) ? uris.filter((u): u is string => typeof u === 'string') : []
}

const matchesAny = (pattern: RegExp | undefined, actions: readonly string[]) => pattern !== undefined && actions.some((a) => pattern.test(a))

export class Permissions {
  static readonly NONE = new Permissions([], undefined, undefined, [])

  private readonly decisions = new Map<string, Decision>()
  private readonly reaches = new Map<string, ResourceReach>()

  private constructor(
    private readonly roleGrants: readonly ScopedGrant[],
    private readonly allow: RegExp | undefined,
    private readonly deny: RegExp | undefined,
    private readonly resourceStatements: readonly ResourceStatement[],
  ) {}

  static compile(documents: readonly PolicyDocument[]): Permissions {
    if (documents.length === 0) return Permissions.NONE
    const roleGrants: ScopedGrant[] = []
    const allow: string[] = []
    const deny: string[] = []
    const resourceStatements: ResourceStatement[] = []
    for (const doc of documents) {
      for (const s of doc.Statement) {
        const actions = s.Resource === undefined ? undefined : compilePatterns(s.Action)
        if (actions) resourceStatements.push({ effect: s.Effect, actions, uris: urisOf(s.Resource) })
      }
      if (doc.Version === '1.0') {
        const granted = compilePatterns(actionsOf(doc.Statement, 'Allow'))
        if (granted) roleGrants.push({ allow: granted, except: compilePatterns(actionsOf(doc.Statement, 'Deny')) })
      } else {
        allow.push(...actionsOf(doc.Statement, 'Allow'))
        deny.push(...actionsOf(doc.Statement, 'Deny'))
      }
    }
    return new Permissions(roleGrants, compilePatterns(allow), compilePatterns(deny), resourceStatements)
  }

  /**
   * The decision for one operation, known by several names (Keystone's `identity:update_project`
   * and the clouds' `iam:projects:updateProject` / `iam:projects:update`): a Deny of any name
   * denies, an Allow of any name allows.
   */
  decide(actions: readonly string[]): Decision {
    const key = actions.join('\n')
    let decision = this.decisions.get(key)
    if (decision === undefined) {
      decision = this.evaluate(actions)
      // Few distinct operations exist, so the memo stays small.
      this.decisions.set(key, decision)
    }
    return decision
  }

  /**
   * The decision for one operation on one resource (`/iam/agencies/<id>`): what `decide` says of
   * the operation in general, together with the statements limited to resources that list this
   * one. A Deny from either wins; a resource-limited Deny reaches only the resources it lists.
   */
  decideOn(actions: readonly string[], resourceUri: string): Decision {
    const general = this.decide(actions)
    if (general === 'deny') return 'deny'
    const reach = this.reachOf(actions)
    if (reach.deny.has(resourceUri)) return 'deny'
    return general === 'allow' || reach.allow.has(resourceUri) ? 'allow' : 'none'
  }

  /** Memoised per operation, not per resource: resources are many, operations few. */
  private reachOf(actions: readonly string[]): ResourceReach {
    const key = actions.join('\n')
    let reach = this.reaches.get(key)
    if (reach === undefined) {
      const allow = new Set<string>()
      const deny = new Set<string>()
      for (const s of this.resourceStatements) {
        if (matchesAny(s.actions, actions)) for (const uri of s.uris) (s.effect === 'Deny' ? deny : allow).add(uri)
      }
      reach = { allow, deny }
      this.reaches.set(key, reach)
    }
    return reach
  }

  private evaluate(actions: readonly string[]): Decision {
    if (matchesAny(this.deny, actions)) return 'deny'
    if (matchesAny(this.allow, actions)) return 'allow'
    for (const grant of this.roleGrants) {
      if (matchesAny(grant.allow, actions) && !matchesAny(grant.except, actions)) return 'allow'
    }
    return 'none'
  }

  /** Both sets together: a Deny in either wins. */
  static decideAll(sets: readonly Permissions[], actions: readonly string[]): Decision {
    let allowed = false
    for (const set of sets) {
      const decision = set.decide(actions)
      if (decision === 'deny') return 'deny'
      if (decision === 'allow') allowed = true
    }
    return allowed ? 'allow' : 'none'
  }
}

/** Parses a stored document; a corrupt one grants nothing rather than failing every request. */
export function parsePolicyDocument(text: string): PolicyDocument | undefined {
  try {
    const doc = JSON.parse(text) as PolicyDocument
    if ((doc.Version !== '1.0' && doc.Version !== '1.1') || !Array.isArray(doc.Statement)) return undefined
    return doc
  } catch {
    return undefined
  }
}

/**
 * Every name the right to switch into an agency goes by: the agency custom policy's action, the
 * clouds' action for `POST /v3/auth/tokens` (which their agency grant pages also name) and Agent
 * Operator's (`te_agency`) RBAC action.
 */
export const ASSUME_AGENCY_ACTIONS: readonly string[] = ['iam:agencies:assume', 'iam:tokens:assume', 'identity:assume role']

/** The resource an agency custom policy names an agency by. */
export const agencyResourceUri = (agencyId: string): string => `/iam/agencies/${agencyId}`

/**
 * Whether these permissions (a user's, in the account the agency trusts) let their holder switch
 * into agency `agencyId`. Permissions only: that the account owner and the `admin` group may
 * switch anyway, and every check of the agency itself, are the caller's.
 * - allow: an Allow of one of ASSUME_AGENCY_ACTIONS (or a wildcard covering it: `iam:agencies:*`,
 *   `iam:*:*`, `*:*:*`, `*`, `identity:*`) with no Resource, or with one listing this agency;
 * - deny: a 1.1 Deny of one of them with no Resource, or with one listing this agency (a 1.0
 *   role's Deny only narrows that role's own Allow, as everywhere);
 * - none otherwise.
 * So te_agency allows; secu_admin allows (`identity:*` covers `identity:assume role`); te_admin
 * alone does not (its own Deny of `identity:*` carves that name out of its `*`, and a 1.0 Deny of
 * any name of an operation cuts the whole operation); te_admin with secu_admin allows.
 */
export function decideAssume(permissions: Permissions, agencyId: string): Decision {
  return permissions.decideOn(ASSUME_AGENCY_ACTIONS, agencyResourceUri(agencyId))
}
