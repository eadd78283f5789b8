/**
 * @module What a state document's schema cannot say: names that must resolve inside their
 * account, ids unique where the store needs them unique, and the flavour's rules (project names
 * `<region>_…` on the clouds, EPS names, where roles may be granted, the password policy). It
 * reads the raw input defensively, so it runs beside the shape check and both report together:
 * anything of the wrong shape is skipped here, since the shape check names it already.
 */
import type { PasswordPolicy } from '../config.js'
import { FLAVOUR_NAMES, flavourFor, type EpsFlavour, type Flavour, type FlavourName } from '../flavours.js'
import { passwordProblem } from '../auth/password-policy.js'
import { importedPolicy } from '../services/iam/security/rules.js'
import { validateCustomPolicy } from '../auth/custom-policy.js'
import { InvalidFieldError } from '../errors/app-error.js'
import { DEFAULT_ENTERPRISE_PROJECT_ID, DEFAULT_ENTERPRISE_PROJECT_NAME } from '../shared/well-known-ids.js'
import { ADMIN_GROUP_NAME } from '../services/iam/identity/service.js'
import { descriptionLimitExceeded, regionOfProjectName } from '../services/iam/projects/rules.js'
import { AGENCY_FORBIDDEN_ROLES, grantRefusal } from '../services/iam/roles/rules.js'
import { isServiceTrust, parseAgencyDuration } from '../services/iam/agencies/rules.js'
import { ATTACHABLE_TO_ECS, PROVIDERS, resourceType } from '../services/eps/resource-types.js'
import { isEnterpriseProjectName, placementFaults } from '../services/eps/rules.js'
import { favouriteEpId } from '../services/coc/rules.js'
import { checkKeystoneKinds, type StoreContext } from './keystone-checks.js'
import { entries, isObject, list, text, Unique, type Json } from './raw-document.js'

/** An `InvalidFieldError`'s reason without the API's prefix naming the field: the problem's place names it. */
const reasonOf = (error: InvalidFieldError) => error.message.replace(/^Invalid input for field '[^']*': /, '')

/** A role a grant may name: the flavour's system roles and the account's custom policies. */
export interface RoleRef { kind: 'system' | 'custom'; name: string; type: string; fineGrained: boolean }

/**
 * A grant's `role`: a system role's name first, then a custom policy's name, then a custom
 * policy's display name when exactly one policy of the account has it.
 */
export function resolveRole(
  flavour: Flavour, customs: readonly { name?: string; display_name?: string; type?: string }[], ref: string, globalRoles: readonly string[] = [],
): RoleRef | string {
  const system = flavour.systemRoles.find((r) => r.name === ref)
  if (system) return { kind: 'system', name: system.name, type: system.type, fineGrained: system.flag === 'fine_grained' }
  // Keystone's global roles an administrator made: held as the flavour's own are.
  if (globalRoles.includes(ref)) return { kind: 'system', name: ref, type: 'AA', fineGrained: false }
  const byName = customs.find((c) => c.name === ref)
  const byDisplay = byName ? [byName] : customs.filter((c) => c.display_name === ref)
  if (byDisplay.length === 1) {
    const c = byDisplay[0]!
    return { kind: 'custom', name: c.name ?? ref, type: c.type ?? 'AX', fineGrained: true }
  }
  if (byDisplay.length > 1) return `custom policy display name '${ref}' is used by ${byDisplay.length} policies of the account; use the policy's name`
  return `no role '${ref}': neither a system role of ${flavour.name} nor a custom policy of the account`
}

/** A favourite: an enterprise project of the account by id or name, or an id COC keeps as it is. */
export function resolveFavourite(enterpriseProjects: readonly { id?: string; name?: string }[], entry: string): string | undefined {
  const lower = entry.toLowerCase()
  const byId = enterpriseProjects.find((ep) => (ep.id ?? '') === lower)
  if (byId) return lower
  const byName = enterpriseProjects.find((ep) => ep.name === entry)
  if (byName) return byName.id
  if (entry === DEFAULT_ENTERPRISE_PROJECT_NAME) return DEFAULT_ENTERPRISE_PROJECT_ID
  return favouriteEpId(entry)
}

/** EPS's name rule (services/eps/rules.ts), worded for a seed's author: what the flavour accepts. */
export function epsNameProblem(eps: EpsFlavour, flavour: FlavourName, name: string): string | undefined {
  if (isEnterpriseProjectName(eps, name)) return undefined
  const chinese = eps.namePattern.test('中') ? ", '-' or Chinese characters" : " or '-'"
  const rule = eps.reservedName === 'equals' ? "not 'default' in any case" : "not containing 'default' in any case"
  return `'${name}' is not an enterprise project name on ${flavour}: 1 to ${eps.nameMaxLength} letters, digits, '_'${chinese}, ${rule}`
}

export function checkReferences(doc: Json, passwordPolicy?: PasswordPolicy, otherAccounts: readonly string[] = [], store?: StoreContext): string[] {
  const problems: string[] = []
  const flavourName = FLAVOUR_NAMES.find((f) => f === doc.flavour)
  // Without a known flavour no rule can be applied; the shape check reports the flavour.
  if (!flavourName) return problems
  const flavour = flavourFor(flavourName)
  const policy = passwordPolicy ?? flavour.defaultPasswordPolicy

  const regionIds = new Set<string>()
  const regionIndex = new Unique(problems)
  if (doc.regions === undefined) for (const r of flavour.defaultRegions) regionIds.add(r.id)
  for (const [i, region] of entries(doc.regions)) {
    const id = text(region.id)
    regionIndex.claim(id, `regions[${i}].id`, `region '${id}'`)
    if (id !== undefined) regionIds.add(id)
  }
  for (const [i, region] of entries(doc.regions)) {
    const parent = text(region.parent_region_id)
    if (parent !== undefined && !regionIds.has(parent)) problems.push(`regions[${i}].parent_region_id: no region '${parent}'`)
  }

  // Ids the store keeps unique across accounts.
  const global = {
    accountNames: new Unique(problems), accountIds: new Unique(problems), userIds: new Unique(problems), groupIds: new Unique(problems),
    projectIds: new Unique(problems), roleIds: new Unique(problems), accessKeys: new Unique(problems), favouriteIds: new Unique(problems),
    agencyIds: new Unique(problems),
  }
  // Agencies trust accounts of the document by name (an import leaves no other account in the
  // store), or, in an import of one account, the store's other accounts.
  const globalRoles = [...(store?.globalRoles ?? []), ...entries(doc.roles).flatMap(([, r]) => text(r.name) ?? [])]
  const accountNames = new Set([...entries(doc.accounts).flatMap(([, a]) => text(a.name) ?? []), ...otherAccounts])
  for (const [i, account] of entries(doc.accounts)) {
    const at = `accounts[${i}]`
    const name = text(account.name)
    global.accountNames.claim(name, `${at}.name`, `account name '${name}'`)
    global.accountIds.claim(text(account.id), `${at}.id`, `account id '${text(account.id)}'`)
    // Plain passwords meet the account's own password policy when the document gives one.
    const own = isObject(account.security_policies) && isObject(account.security_policies.password) ? account.security_policies.password : {}
    const accountPolicy = {
      minLength: typeof own.minimum_password_length === 'number' ? own.minimum_password_length : policy.minLength,
      minCharacterClasses: typeof own.password_char_combination === 'number' ? own.password_char_combination : policy.minCharacterClasses,
    }
    new AccountChecks(problems, flavour, accountPolicy, regionIds, accountNames, global, account, at, name ?? `#${i}`, globalRoles).run()
    // Account security policies (issue 18): checked as the API's PUT checks them.
    for (const [kind, body] of Object.entries(isObject(account.security_policies) ? account.security_policies : {})) {
      if (!flavour.iam.regionProjects) problems.push(`${at}.security_policies: security policies exist on the clouds' flavours only, not on ${flavour.name}`)
      else if (isObject(body)) {
        try { importedPolicy(kind, body, flavour.name) } catch (error) { problems.push(`${at}.security_policies.${kind}: ${(error as Error).message}`) }
      }
    }
  }
  problems.push(...checkKeystoneKinds(doc, flavour, regionIds, store))
  return problems
}

type GlobalIndex = Record<'accountNames' | 'accountIds' | 'userIds' | 'groupIds' | 'projectIds' | 'roleIds' | 'accessKeys' | 'favouriteIds' | 'agencyIds', Unique>

class AccountChecks {
  private readonly users: [number, Json][]
  private readonly groups: [number, Json][]
  private readonly policies: [number, Json][]
  private readonly projects: [number, Json][]
  private readonly enterpriseProjects: [number, Json][]
  private readonly resources: [number, Json][]
  private readonly agencies: [number, Json][]
  private readonly groupNames: Set<string>
  private readonly agencyNames: Set<string>
  private readonly userNames: Set<string>
  private readonly projectByName: Map<string, Json>

  constructor(
    private readonly problems: string[],
    private readonly flavour: Flavour,
    private readonly policy: PasswordPolicy,
    private readonly regionIds: ReadonlySet<string>,
    private readonly accountNames: ReadonlySet<string>,
    private readonly global: GlobalIndex,
    private readonly account: Json,
    private readonly at: string,
    private readonly name: string,
    private readonly globalRoles: readonly string[],
  ) {
    this.users = entries(account.users)
    this.groups = entries(account.groups)
    this.policies = entries(account.custom_policies)
    this.projects = entries(account.projects)
    this.enterpriseProjects = entries(account.enterprise_projects)
    this.resources = entries(account.resources)
    this.agencies = entries(account.agencies)
    this.groupNames = new Set(this.groups.flatMap(([, g]) => text(g.name) ?? []))
    // Every cloud account has the built-in group, whether the document lists it or not.
    if (flavour.iam.regionProjects) this.groupNames.add(ADMIN_GROUP_NAME)
    this.userNames = new Set(this.users.flatMap(([, u]) => text(u.name) ?? []))
    this.agencyNames = new Set(this.agencies.flatMap(([, a]) => text(a.name) ?? []))
    this.projectByName = new Map(this.projects.flatMap(([, p]) => (text(p.name) === undefined ? [] : [[text(p.name)!, p] as [string, Json]])))
  }

  private problem(place: string, message: string): void {
    this.problems.push(`${place}: ${message}`)
  }

  private missing(kind: string, name: string): string {
    return `no ${kind} '${name}' in account '${this.name}'`
  }

  run(): void {
    this.checkGroups()
    this.checkUsers()
    this.checkPolicies()
    this.checkProjects()
    this.checkEnterpriseProjects()
    this.checkResources()
    this.checkAgencies()
    this.checkGrants()
  }

  private checkGroups(): void {
    const names = new Unique(this.problems)
    for (const [i, group] of this.groups) {
      const at = `${this.at}.groups[${i}]`
      names.claim(text(group.name), `${at}.name`, `group name '${text(group.name)}' in account '${this.name}'`)
      this.global.groupIds.claim(text(group.id), `${at}.id`, `group id '${text(group.id)}'`)
    }
  }

  private checkUsers(): void {
    const names = new Unique(this.problems)
    for (const [i, user] of this.users) {
      const at = `${this.at}.users[${i}]`
      const userName = text(user.name)
      names.claim(userName, `${at}.name`, `user name '${userName}' in account '${this.name}'`)
      this.global.userIds.claim(text(user.id), `${at}.id`, `user id '${text(user.id)}'`)
      const password = text(user.password)
      if (password !== undefined && user.password_hash !== undefined) this.problem(at, 'give password or password_hash, not both')
      if (password !== undefined) {
        const problem = passwordProblem(password, this.policy, userName)
        if (problem) this.problem(`${at}.password`, problem)
      }
      const memberOf = new Unique(this.problems)
      list(user.groups).forEach((g, j) => {
        if (typeof g !== 'string') return
        memberOf.claim(g, `${at}.groups[${j}]`, `group '${g}'`)
        if (!this.groupNames.has(g)) this.problem(`${at}.groups[${j}]`, this.missing('group', g))
      })
      const defaultProject = text(user.default_project)
      if (defaultProject !== undefined && !this.projectByName.has(defaultProject)) this.problem(`${at}.default_project`, this.missing('project', defaultProject))
      for (const [k, key] of entries(user.access_keys)) {
        this.global.accessKeys.claim(text(key.access), `${at}.access_keys[${k}].access`, `access key '${text(key.access)}'`)
      }
      if (isObject(user.favourites)) this.checkFavourites(user.favourites, `${at}.favourites`)
    }
  }

  private checkFavourites(favourites: Json, at: string): void {
    if (!this.flavour.coc) {
      this.problem(at, `COC favourites exist on ${FLAVOUR_NAMES.filter((name) => flavourFor(name).coc).join(', ')} only, not on ${this.flavour.name}`)
      return
    }
    this.global.favouriteIds.claim(text(favourites.id), `${at}.id`, `favourites id '${text(favourites.id)}'`)
    const eps = this.enterpriseProjects.map(([, ep]) => ({ id: text(ep.id), name: text(ep.name) }))
    list(favourites.enterprise_projects).forEach((entry, j) => {
      if (typeof entry === 'string' && resolveFavourite(eps, entry) === undefined) {
        this.problem(`${at}.enterprise_projects[${j}]`, `${this.missing('enterprise project', entry)} (and not an enterprise project id: 0 or a UUID)`)
      }
    })
  }

  private checkPolicies(): void {
    const names = new Unique(this.problems)
    for (const [i, policy] of this.policies) {
      const at = `${this.at}.custom_policies[${i}]`
      const name = text(policy.name)
      names.claim(name, `${at}.name`, `custom policy name '${name}' in account '${this.name}'`)
      if (name !== undefined && this.flavour.systemRoles.some((r) => r.name === name)) this.problem(`${at}.name`, `'${name}' is the name of a system role`)
      this.global.roleIds.claim(text(policy.id), `${at}.id`, `custom policy id '${text(policy.id)}'`)
      try {
        validateCustomPolicy(policy.policy, '')
      } catch (error) {
        if (!(error instanceof InvalidFieldError)) throw error
        // validateCustomPolicy names fields as /Statement/0/Action/1, after the field it is given.
        const field = String(error.details.field).split('/').filter(Boolean).map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`)).join('')
        this.problem(`${at}.policy${field}`, reasonOf(error))
      }
    }
  }

  private checkProjects(): void {
    const names = new Unique(this.problems)
    const iam = this.flavour.iam
    for (const [i, project] of this.projects) {
      const at = `${this.at}.projects[${i}]`
      const name = text(project.name)
      names.claim(name, `${at}.name`, `project name '${name}' in account '${this.name}'`)
      this.global.projectIds.claim(text(project.id), `${at}.id`, `project id '${text(project.id)}'`)
      if (iam.regionPrefixedProjectNames && name !== undefined && regionOfProjectName(name, this.regionIds) === undefined) {
        this.problem(`${at}.name`, `'${name}' must be the id of a region of the document (its system project) or start with one followed by '_' and a suffix (for example '${[...this.regionIds][0] ?? 'cn-north-4'}_project')`)
      }
      const description = text(project.description)
      const max = description === undefined ? undefined : descriptionLimitExceeded(this.flavour, description)
      if (max !== undefined) {
        this.problem(`${at}.description`, `the description is ${description!.length} characters long; at most ${max} are allowed on ${this.flavour.name}`)
      }
      if (!iam.keystoneProjectAttributes) {
        if (list(project.tags).length > 0) this.problem(`${at}.tags`, `projects on ${this.flavour.name} have no tags`)
        for (const field of ['options', 'extra'] as const) {
          if (isObject(project[field]) && Object.keys(project[field]).length > 0) this.problem(`${at}.${field}`, `projects on ${this.flavour.name} have no ${field}`)
        }
      }
      const parent = text(project.parent)
      if (parent === undefined) continue
      if (iam.regionProjects) this.problem(`${at}.parent`, `on ${this.flavour.name} a project's parent is its region's project; leave 'parent' out`)
      else if (!this.projectByName.has(parent)) this.problem(`${at}.parent`, this.missing('project', parent))
      else if (this.ancestors(name ?? '').includes(name ?? '')) this.problem(`${at}.parent`, `'${parent}' is '${name}' or one of its descendants: projects cannot form a cycle`)
    }
  }

  /** Parent chain of a keystone project, stopping at the first repetition. */
  private ancestors(name: string): string[] {
    const chain: string[] = []
    let next = text(this.projectByName.get(name)?.parent)
    while (next !== undefined && !chain.includes(next)) {
      chain.push(next)
      next = text(this.projectByName.get(next)?.parent)
    }
    return chain
  }

  private checkEnterpriseProjects(): void {
    const eps = this.flavour.eps
    if (!eps) {
      if (this.enterpriseProjects.length > 0) this.problem(`${this.at}.enterprise_projects`, `enterprise projects do not exist on ${this.flavour.name}`)
      return
    }
    const names = new Unique(this.problems)
    const ids = new Unique(this.problems)
    for (const [i, ep] of this.enterpriseProjects) {
      const at = `${this.at}.enterprise_projects[${i}]`
      const name = text(ep.name)
      const id = text(ep.id)
      names.claim(name, `${at}.name`, `enterprise project name '${name}' in account '${this.name}'`)
      ids.claim(id, `${at}.id`, `enterprise project id '${id}' in account '${this.name}'`)
      if (name === undefined) continue
      if (id === DEFAULT_ENTERPRISE_PROJECT_ID || name === DEFAULT_ENTERPRISE_PROJECT_NAME) {
        if (id !== DEFAULT_ENTERPRISE_PROJECT_ID || name !== DEFAULT_ENTERPRISE_PROJECT_NAME) this.problem(at, `the default enterprise project has id '0' and name 'default'; no other may have either`)
        continue
      }
      const problem = epsNameProblem(eps, this.flavour.name, name)
      if (problem) this.problem(`${at}.name`, problem)
    }
  }

  private hasEnterpriseProject(name: string): boolean {
    return name === DEFAULT_ENTERPRISE_PROJECT_NAME || this.enterpriseProjects.some(([, ep]) => ep.name === name)
  }

  private checkResources(): void {
    if (!this.flavour.eps) {
      if (this.resources.length > 0) this.problem(`${this.at}.resources`, `resources belong to enterprise projects, which do not exist on ${this.flavour.name}`)
      return
    }
    const keys = new Unique(this.problems)
    const ecsProjects = new Map(this.resources.flatMap(([, r]) => (r.type === 'ecs' && text(r.id) !== undefined ? [[text(r.id)!, text(r.project)] as const] : [])))
    for (const [i, resource] of this.resources) {
      const at = `${this.at}.resources[${i}]`
      const typeName = text(resource.type)
      if (typeName === undefined) continue
      const id = text(resource.id)
      keys.claim(id === undefined ? undefined : `${typeName}/${id}`, `${at}.id`, `resource ${typeName} '${id}' in account '${this.name}'`)
      const type = resourceType(typeName)
      if (!type) {
        this.problem(`${at}.type`, `unknown resource type '${typeName}'; known: ${PROVIDERS.flatMap((p) => p.resourceTypes.map((t) => t.type)).join(', ')}`)
        continue
      }
      const project = text(resource.project)
      const region = text(resource.region)
      // EPS's placement rule (services/eps/rules.ts); every fault is reported, not only the first.
      const faults = placementFaults(type, { project: project !== undefined, region: region !== undefined })
      if (faults.includes('project_on_global')) this.problem(`${at}.project`, `${typeName} resources are global and belong to no project`)
      if (faults.includes('no_project')) this.problem(`${at}.project`, `is required for ${typeName} resources (the project holding it)`)
      else if (!type.global && project !== undefined) {
        if (!this.projectByName.has(project)) this.problem(`${at}.project`, this.missing('project', project))
        else if (region !== undefined && this.flavour.iam.regionPrefixedProjectNames && regionOfProjectName(project, this.regionIds) !== region) {
          this.problem(`${at}.region`, `'${region}' is not the region of project '${project}'; leave it out or give '${regionOfProjectName(project, this.regionIds)}'`)
        }
      }
      if (faults.includes('no_region')) this.problem(`${at}.region`, `is required for ${typeName} resources`)
      if (type.global && region !== undefined && !this.regionIds.has(region)) this.problem(`${at}.region`, `no region '${region}' in the document`)
      if (type.global && !type.needsRegion && region !== undefined) this.problem(`${at}.region`, `${typeName} resources have no region`)
      const ep = text(resource.enterprise_project)
      if (ep !== undefined && !this.hasEnterpriseProject(ep)) this.problem(`${at}.enterprise_project`, this.missing('enterprise project', ep))
      const attachedTo = text(resource.attached_to)
      if (attachedTo !== undefined) {
        if (!ATTACHABLE_TO_ECS.has(typeName)) this.problem(`${at}.attached_to`, `only ${[...ATTACHABLE_TO_ECS].join(' and ')} resources can be attached to an ECS`)
        else if (!ecsProjects.has(attachedTo) || ecsProjects.get(attachedTo) !== project) {
          this.problem(`${at}.attached_to`, `no ecs resource '${attachedTo}' in project '${project}' of account '${this.name}'`)
        }
      }
    }
  }

  private checkAgencies(): void {
    if (!this.flavour.iam.agencies) {
      if (this.agencies.length > 0) this.problem(`${this.at}.agencies`, `agencies do not exist on ${this.flavour.name}`)
      return
    }
    const names = new Unique(this.problems)
    for (const [i, agency] of this.agencies) {
      const at = `${this.at}.agencies[${i}]`
      const name = text(agency.name)
      names.claim(name, `${at}.name`, `agency name '${name}' in account '${this.name}'`)
      this.global.agencyIds.claim(text(agency.id), `${at}.id`, `agency id '${text(agency.id)}'`)
      // As AgencyService.resolveTrust: a cloud service, or another account (here: of the document).
      const trust = text(agency.trust_account)
      if (trust !== undefined && !isServiceTrust(trust)) {
        if (trust === this.name) this.problem(`${at}.trust_account`, 'an agency cannot trust the account that makes it')
        else if (!this.accountNames.has(trust)) this.problem(`${at}.trust_account`, `no account '${trust}' in the document (an agency trusts another account of the document, or a cloud service as op_svc_<service>)`)
      }
      // A duration of the wrong type is the shape check's to report.
      const duration = agency.duration
      if (!['string', 'number', 'undefined'].includes(typeof duration) && duration !== null) continue
      let expires: boolean
      try {
        expires = parseAgencyDuration(duration, 'duration').days !== null
      } catch (error) {
        if (!(error instanceof InvalidFieldError)) throw error
        this.problem(`${at}.duration`, reasonOf(error))
        continue
      }
      // What the API could have stored: an expiry exactly when the duration has days.
      const expireTime = agency.expire_time
      if (expires && expireTime === null) this.problem(`${at}.expire_time`, `an agency of duration '${String(duration)}' expires; give the time, or leave expire_time out to count the duration from updated_at`)
      if (!expires && typeof expireTime === 'string') this.problem(`${at}.expire_time`, `an agency of duration ${duration === undefined || duration === null ? 'null' : `'${String(duration)}'`} never expires; leave expire_time out or make it null`)
    }
  }

  private checkGrants(): void {
    const seen = new Unique(this.problems)
    const customs = [
      ...this.policies.map(([, p]) => ({ name: text(p.name), display_name: text(p.display_name), type: text(p.type) })),
      // Keystone's domain roles are granted as custom policies are: roles of the account.
      ...entries(this.account.roles).map(([, r]) => ({ name: text(r.name), display_name: text(r.name), type: 'AA' })),
    ]
    for (const [i, grant] of entries(this.account.grants)) {
      const at = `${this.at}.grants[${i}]`
      const user = text(grant.user)
      const group = text(grant.group)
      const agency = text(grant.agency)
      if ([user, group, agency].filter((a) => a !== undefined).length !== 1) this.problem(at, 'name exactly one of user, group and agency')
      else if (user !== undefined && !this.userNames.has(user)) this.problem(`${at}.user`, this.missing('user', user))
      else if (group !== undefined && !this.groupNames.has(group)) this.problem(`${at}.group`, this.missing('group', group))
      else if (agency !== undefined && !this.flavour.iam.agencies) this.problem(`${at}.agency`, `agencies do not exist on ${this.flavour.name}`)
      else if (agency !== undefined && !this.agencyNames.has(agency)) this.problem(`${at}.agency`, this.missing('agency', agency))

      const project = text(grant.project)
      const ep = text(grant.enterprise_project)
      const system = grant.system === true
      const inherited = grant.inherited === true
      const targets = [project, ep, system ? true : undefined].filter((t) => t !== undefined).length
      if (targets > 1) this.problem(at, 'name at most one of project, enterprise_project and system (none: the account)')
      if (project !== undefined && !this.projectByName.has(project)) this.problem(`${at}.project`, this.missing('project', project))
      if (ep !== undefined) {
        if (!this.flavour.eps) this.problem(`${at}.enterprise_project`, `enterprise projects do not exist on ${this.flavour.name}`)
        else if (!this.hasEnterpriseProject(ep)) this.problem(`${at}.enterprise_project`, this.missing('enterprise project', ep))
      }
      if (system && this.flavour.iam.regionProjects) this.problem(`${at}.system`, `the system scope exists on keystone only`)
      if (inherited && targets > 0) this.problem(`${at}.inherited`, 'only a grant on the account can be inherited (by all its projects)')

      const roleName = text(grant.role)
      if (roleName === undefined) continue
      const role = resolveRole(this.flavour, customs, roleName, this.globalRoles)
      if (typeof role === 'string') {
        this.problem(`${at}.role`, role.replace('the account', `account '${this.name}'`))
        continue
      }
      const target = project !== undefined ? `project:${project}` : ep !== undefined ? `ep:${ep}` : system ? 'system' : 'account'
      seen.claim(`${user ?? ''}|${group ?? ''}|${agency ?? ''}|${target}|${role.kind}:${role.name}|${inherited}`, at, 'grant')
      // As RoleService: agencies never hold the Security Administrator or Agent Operator roles.
      if (agency !== undefined && AGENCY_FORBIDDEN_ROLES.includes(role.name)) {
        this.problem(`${at}.role`, `an agency cannot hold '${role.name}' (agencies never hold ${AGENCY_FORBIDDEN_ROLES.join(' or ')})`)
        continue
      }
      // The bootstrap grants the admin roles to the built-in group on all projects too, beyond what the API allows.
      const builtIn = group === ADMIN_GROUP_NAME && this.flavour.adminRoleNames.includes(role.name) && targets === 0
      const grantable = builtIn ? undefined : this.grantability(role, ep !== undefined, project !== undefined || inherited)
      if (grantable) this.problem(`${at}.role`, grantable)
    }
  }

  /** The clouds' rules on where a role may be granted, as `RoleService` applies them to the API. */
  private grantability(role: RoleRef, onEnterpriseProject: boolean, onProjects: boolean): string | undefined {
    const place = onEnterpriseProject ? 'enterprise_project' : onProjects ? 'projects' : 'account'
    switch (grantRefusal(role, place, this.flavour.iam.roleTypesRestrictGrants)) {
      case 'not_fine_grained': return `only fine-grained policies can be granted on an enterprise project; '${role.name}' is a role`
      case 'global_on_projects': return `'${role.name}' is a global (AX) permission; grant it on the account, not on projects`
      case 'project_level_on_account': return `'${role.name}' is a project-level (XA) permission; grant it on projects, not on the account`
      case undefined: return undefined
    }
  }
}
