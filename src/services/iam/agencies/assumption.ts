/**
 * @module Who may use an agency, and what using it gives (spec §2.1, open questions 4 and 5):
 * the same rule for agency tokens (`assume_role` on `POST /v3/auth/tokens`) and temporary keys
 * (`POST /v3.0/OS-CREDENTIAL/securitytokens`), and the caller built from a token or key made so.
 * An agency's caller is re-judged every time it is built, so deleting the agency, changing whom
 * it trusts, letting it expire or revoking a grant ends or narrows it within the caller caches'
 * life (a second), on every instance.
 */
import type { AgencyRow, DomainRow, RoleRow, UserRow } from '../../../db/schema.js'
import type { AuthContext, AuthScope, NamedRef } from '../../../auth/auth-context.js'
import { decideAssume, type Permissions } from '../../../auth/policy-document.js'
import type { TokenScope } from '../../../auth/token-codec.js'
import { AssumeRoleRefusedError, InvalidFieldError, MissingAttributeError, NotFoundError } from '../../../errors/app-error.js'
import type { Clock } from '../../../shared/clock.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { RoleStore } from '../roles/store.js'
import { NO_ENTERPRISE_PROJECT_GRANTS, permissionsByEnterpriseProject, permissionsOf } from '../roles/role-permissions.js'
import type { AgencyStore } from './store.js'
import { agencyExpired } from './rules.js'

/** What a request names: the delegating account and the agency (`xrole_name` is OTC's word). */
export interface AssumeRoleTarget {
  readonly domain_id?: string
  readonly domain_name?: string
  readonly agency_name?: string
  readonly xrole_name?: string
}

/** What an agency's caller is built from, re-checked on every build. */
export interface AgencySession {
  /** The user who assumed it: its state (enabled, revoked token) is the token service's to check. */
  readonly user: UserRow
  readonly userDomain: NamedRef
  readonly agencyId: string
  readonly scope: TokenScope
  readonly auditId: string
  readonly issuedAt: number
  readonly expiresAt: number
  readonly methods?: readonly string[]
  /** otcextensions' `restrict.roles`: only these of the agency's roles count. */
  readonly restrictRoles?: readonly string[]
}

export interface AgencyAssumptionOptions {
  agencies: Pick<AgencyStore, 'findAgency' | 'findAgencyByName'>
  scopes: Pick<ProjectStore, 'findDomain' | 'findDomainByName' | 'findProject' | 'findProjectByName'>
  grants: Pick<RoleStore, 'effectiveRoles' | 'enterpriseProjectRoles'>
  users: Pick<IdentityStore, 'findGroupByName' | 'listGroups'>
  clock: Clock
}

const ref = (row: { id: string; name: string }): NamedRef => ({ id: row.id, name: row.name })

export class AgencyAssumption {
  constructor(private readonly deps: AgencyAssumptionOptions) {}

  /**
   * The agency `caller` asks to assume, if rule 2.1 lets it: a user (not an agency: no chains) of
   * the account the agency trusts, the agency alive, and the user its account's owner, in its
   * `admin` group, or allowed `iam:agencies:assume` on this agency by the grants on its account
   * (`accountPermissions`, which Agent Operator gives for every agency).
   */
  async resolve(caller: AuthContext, target: AssumeRoleTarget, owner: UserRow, accountPermissions: Permissions): Promise<{ agency: AgencyRow; domain: DomainRow }> {
    if (caller.assumedBy) throw new AssumeRoleRefusedError('an agency cannot assume another agency')
    const name = agencyName(target)
    let domain: DomainRow | undefined
    if (target.domain_id !== undefined) domain = await this.deps.scopes.findDomain(target.domain_id)
    else if (target.domain_name !== undefined) domain = await this.deps.scopes.findDomainByName(target.domain_name)
    else throw new MissingAttributeError('domain_id or domain_name', 'assume_role')
    if (!domain || domain.enabled !== 1) throw new NotFoundError('domain', target.domain_id ?? target.domain_name ?? '')
    const agency = await this.deps.agencies.findAgencyByName(domain.id, name)
    if (!agency) throw new NotFoundError('agency', name, `Could not find agency: ${name}`)
    if (agency.trust_domain_id !== caller.userDomain.id) throw new AssumeRoleRefusedError('the agency does not trust the caller\'s account')
    if (agencyExpired(agency.expire_time, this.deps.clock.now())) throw new AssumeRoleRefusedError('the agency has expired')
    if (!(await this.mayAssume(owner, agency.id, accountPermissions))) throw new AssumeRoleRefusedError('the caller holds no permission to assume this agency')
    return { agency, domain }
  }

  private async mayAssume(user: UserRow, agencyId: string, accountPermissions: Permissions): Promise<boolean> {
    if (user.is_domain_owner === 1) return true
    if ((await this.deps.users.listGroups({ userId: user.id })).some((g) => g.name === 'admin' && g.domain_id === user.domain_id)) return true
    return decideAssume(accountPermissions, agencyId) === 'allow'
  }

  /**
   * The scope of an agency token in the delegating account: the project (by id, or by name,
   * unique there) when one is asked for, else the account. A scope elsewhere is refused.
   */
  async scopeIn(domain: DomainRow, scope: { domain?: { id?: string; name?: string }; project?: { id?: string; name?: string } } | undefined): Promise<TokenScope> {
    if (scope?.project) {
      const { id, name } = scope.project
      if (id === undefined && name === undefined) throw new MissingAttributeError('id or name', 'project')
      const project = id !== undefined ? await this.deps.scopes.findProject(id) : undefined
      const found = project ?? (name !== undefined && id === undefined ? await this.deps.scopes.findProjectByName(domain.id, name) : undefined)
      if (!found || found.domain_id !== domain.id) throw new InvalidFieldError('auth/scope/project', 'the project is not one of the delegating account')
      return { type: 'project', id: found.id }
    }
    const asked = scope?.domain
    if (asked && ((asked.id !== undefined && asked.id !== domain.id) || (asked.name !== undefined && asked.name !== domain.name))) {
      throw new InvalidFieldError('auth/scope/domain', 'an agency token is scoped to the delegating account or one of its projects')
    }
    return { type: 'domain', id: domain.id }
  }

  /** The account an agency belongs to, if it still exists. */
  async accountOf(agencyId: string): Promise<string | undefined> {
    return (await this.deps.agencies.findAgency(agencyId))?.domain_id
  }

  /**
   * The caller of an agency token or key: the agency, named `<account>/<agency>`, in its account,
   * with exactly its grants there; undefined when the agency is gone, expired, no longer trusts
   * the user's account, or the scope is no longer usable.
   */
  async context(session: AgencySession): Promise<AuthContext | undefined> {
    const agency = await this.deps.agencies.findAgency(session.agencyId)
    if (!agency || agency.trust_domain_id !== session.user.domain_id || agencyExpired(agency.expire_time, this.deps.clock.now())) return undefined
    const domain = await this.deps.scopes.findDomain(agency.domain_id)
    if (!domain || domain.enabled !== 1) return undefined
    let scope: AuthScope
    let roles: RoleRow[]
    if (session.scope.type === 'project') {
      const project = await this.deps.scopes.findProject(session.scope.id)
      if (!project || project.domain_id !== domain.id || project.enabled !== 1 || project.status !== 'normal') return undefined
      roles = await this.deps.grants.effectiveRoles(agency.id, session.scope, domain.id)
      scope = { type: 'project', project: ref(project), domain: ref(domain) }
    } else if (session.scope.type === 'domain' && session.scope.id === domain.id) {
      roles = await this.deps.grants.effectiveRoles(agency.id, session.scope)
      scope = { type: 'domain', domain: ref(domain) }
    } else return undefined
    if (session.restrictRoles) roles = roles.filter((r) => session.restrictRoles!.includes(r.name))
    return {
      ...agencyIdentity(agency, domain, session.user, session.userDomain), scope, accountId: domain.id, roles: roles.map(ref), systemAdmin: false,
      permissions: permissionsOf(roles),
      enterpriseProjectPermissions: scope.type === 'domain' ? permissionsByEnterpriseProject(await this.deps.grants.enterpriseProjectRoles(agency.id)) : NO_ENTERPRISE_PROJECT_GRANTS,
      auditId: session.auditId, issuedAt: session.issuedAt, expiresAt: Math.min(session.expiresAt, expiry(agency)),
      methods: session.methods,
    }
  }
}

/** `agency_name` (SDK, HWC) or `xrole_name` (OTC's clients); both, they must agree (open question 3). */
export function agencyName(target: AssumeRoleTarget): string {
  const { agency_name: agencyName, xrole_name: xroleName } = target
  if (agencyName !== undefined && xroleName !== undefined && agencyName !== xroleName) {
    throw new InvalidFieldError('assume_role/xrole_name', 'agency_name and xrole_name name different agencies')
  }
  const name = agencyName ?? xroleName
  if (name === undefined) throw new MissingAttributeError('agency_name', 'assume_role')
  return name
}

/**
 * Who acts through an agency, as callers and traces name it: the agency (`<account>/<agency>`)
 * in the account that made it, assumed by a user of the trusted account.
 */
export function agencyIdentity(agency: Pick<AgencyRow, 'id' | 'name'>, domain: NamedRef, user: NamedRef, userDomain: NamedRef): Pick<AuthContext, 'user' | 'userDomain' | 'assumedBy'> {
  return { user: { id: agency.id, name: `${domain.name}/${agency.name}` }, userDomain: ref(domain), assumedBy: { user: ref(user), domain: ref(userDomain) } }
}

/** When an agency stops working: its expiry, or never. */
export function expiry(agency: Pick<AgencyRow, 'expire_time'>): number {
  return agency.expire_time === null ? Number.POSITIVE_INFINITY : Date.parse(agency.expire_time)
}
