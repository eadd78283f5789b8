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
 */

export type PolicyEffect = 'Allow' | 'Deny'

export interface PolicyStatement {
  readonly Effect: PolicyEffect
  readonly Action: readonly string[]
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
  return statements.filter((s) => s.Effect === effect).flatMap((s) => s.Action)
}

/** A 1.0 role: allowed when its Allow matches and its own Deny does not. */
interface ScopedGrant { readonly allow: RegExp; readonly except: RegExp | undefined }

const matchesAny = (pattern: RegExp | undefined, actions: readonly string[]) => pattern !== undefined && actions.some((a) => pattern.test(a))

export class Permissions {
  static readonly NONE = new Permissions([], undefined, undefined)

  private readonly decisions = new Map<string, Decision>()

  private constructor(
    private readonly roleGrants: readonly ScopedGrant[],
    private readonly allow: RegExp | undefined,
    private readonly deny: RegExp | undefined,
  ) {}

  static compile(documents: readonly PolicyDocument[]): Permissions {
    if (documents.length === 0) return Permissions.NONE
    const roleGrants: ScopedGrant[] = []
    const allow: string[] = []
    const deny: string[] = []
    for (const doc of documents) {
      if (doc.Version === '1.0') {
        const granted = compilePatterns(actionsOf(doc.Statement, 'Allow'))
        if (granted) roleGrants.push({ allow: granted, except: compilePatterns(actionsOf(doc.Statement, 'Deny')) })
      } else {
        allow.push(...actionsOf(doc.Statement, 'Allow'))
        deny.push(...actionsOf(doc.Statement, 'Deny'))
      }
    }
    return new Permissions(roleGrants, compilePatterns(allow), compilePatterns(deny))
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
