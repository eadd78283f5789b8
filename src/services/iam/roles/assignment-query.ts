/**
 * @module Reading the clouds' role-assignment query (`GET /v3.0/OS-PERMISSION/role-assignments`):
 * which subject and scope it asks about, and its paging. A kind (`subject`, `scope`) and an id of
 * the same family exclude each other; every refusal names the parameter in the clouds' words.
 */
import { ServiceCodedError } from '../../../errors/app-error.js'
import type { DomainRoleAssignmentQuery } from './schemas.js'

/** The clouds page this list by at most 50. */
export const MAX_ASSIGNMENTS_PER_PAGE = 50

export type SubjectKind = 'user' | 'group' | 'agency'
export type ScopeKind = 'project' | 'domain' | 'enterprise_project'

export interface DomainAssignmentFilter {
  readonly domainId: string
  readonly roleId?: string
  /** Which subjects: of a kind, or one by id. */
  readonly subject?: { readonly kind: SubjectKind; readonly id?: string }
  /** Where: of a kind, or one target by id. */
  readonly scope?: { readonly kind: ScopeKind; readonly id?: string }
  /** With a domain scope: all-projects grants (true) or the account's own (false). */
  readonly inherited: boolean
  /** With a user subject: also the grants of the user's groups. */
  readonly includeGroup: boolean
  readonly paging?: { readonly page: number; readonly perPage: number }
}

/** The clouds' flat `IAM.0007` (spec §4): this route family answers in Huawei's flat style. */
const invalid = (key: string) => new ServiceCodedError(400, 'IAM.0007', `Request parameter ${key} is invalid.`)

function oneOf<T extends string>(key: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw invalid(key)
  return value as T
}

function flag(key: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (value.toLowerCase() === 'true') return true
  if (value.toLowerCase() === 'false') return false
  throw invalid(key)
}

/** A kind, or exactly one of the ids that name a member of a kind; never both. */
function pick<K extends string>(kindKey: string, kind: K | undefined, ids: readonly (readonly [string, K, string | undefined])[]) {
  const given = ids.filter(([, , id]) => id !== undefined)
  if (given.length > 1) throw invalid(given[1]![0])
  if (kind !== undefined && given.length > 0) throw invalid(kindKey)
  if (given.length === 1) return { kind: given[0]![1], id: given[0]![2] }
  return kind === undefined ? undefined : { kind }
}

function positive(key: string, value: string, max: number): number {
  if (!/^[1-9]\d{0,8}$/.test(value) || Number(value) > max) throw invalid(key)
  return Number(value)
}

export function parseDomainAssignmentQuery(q: DomainRoleAssignmentQuery): DomainAssignmentFilter {
  if (q.domain_id === undefined || q.domain_id === '') throw invalid('domain_id')
  const subject = pick('subject', oneOf<SubjectKind>('subject', q.subject, ['user', 'group', 'agency']), [
    ['subject.user_id', 'user', q['subject.user_id']],
    ['subject.group_id', 'group', q['subject.group_id']],
    ['subject.agency_id', 'agency', q['subject.agency_id']],
  ])
  // The SDK sends `scope.enterprise_projects_id`; the docs' note spells it without the s.
  const epKey = q['scope.enterprise_projects_id'] !== undefined ? 'scope.enterprise_projects_id' : 'scope.enterprise_project_id'
  if (q['scope.enterprise_projects_id'] !== undefined && q['scope.enterprise_project_id'] !== undefined) throw invalid('scope.enterprise_project_id')
  const scope = pick('scope', oneOf<ScopeKind>('scope', q.scope, ['project', 'domain', 'enterprise_project']), [
    ['scope.project_id', 'project', q['scope.project_id']],
    ['scope.domain_id', 'domain', q['scope.domain_id']],
    [epKey, 'enterprise_project', q['scope.enterprise_projects_id'] ?? q['scope.enterprise_project_id']],
  ])
  if ((q.page === undefined) !== (q.per_page === undefined)) throw invalid(q.page === undefined ? 'page' : 'per_page')
  const paging = q.page === undefined || q.per_page === undefined ? undefined
    : { page: positive('page', q.page, Number.MAX_SAFE_INTEGER), perPage: positive('per_page', q.per_page, MAX_ASSIGNMENTS_PER_PAGE) }
  return {
    domainId: q.domain_id, roleId: q.role_id, subject, scope, paging,
    inherited: flag('is_inherited', q.is_inherited, false),
    includeGroup: flag('include_group', q.include_group, true),
  }
}
