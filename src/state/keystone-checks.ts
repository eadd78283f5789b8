/**
 * @module The checks of the keystone flavour's stored kinds in a state document (see
 * keystone-export.ts): names resolving inside their account (or the account a trust names),
 * ids unique where the store keeps them unique, role names resolving to a global role or a
 * domain role of the account, and Keystone's own rules (a prohibited implied role, a domain
 * configuration's groups and options). Reads the raw input as state-checks.ts does.
 */
import type { Flavour } from '../flavours.js'
import { PROHIBITED_IMPLIED_ROLES } from '../services/iam/roles/rules.js'
import { assertValidGroupAndOption } from '../services/iam/domain-config/rules.js'
import { entries, isObject, list, text, Unique, type Json } from './raw-document.js'

const names = (v: unknown) => new Set(entries(v).flatMap(([, e]) => text(e.name) ?? []))

/** What an import of one account finds in the store around it. */
export interface StoreContext {
  /** Account name → its users' and projects' names. */
  users: ReadonlyMap<string, ReadonlySet<string>>
  projects: ReadonlyMap<string, ReadonlySet<string>>
  globalRoles: readonly string[]
  endpoints: ReadonlySet<string>
  endpointGroups: ReadonlySet<string>
}

const ACCOUNT_KINDS = ['roles', 'trusts', 'access_rules', 'application_credentials', 'credentials', 'domain_config'] as const
const GLOBAL_KINDS = ['roles', 'implied_roles', 'catalog', 'oauth_consumers', 'policies'] as const

export function checkKeystoneKinds(doc: Json, flavour: Flavour, regionIds: ReadonlySet<string>, store: StoreContext | undefined): string[] {
  const problems: string[] = []
  const problem = (place: string, message: string) => problems.push(`${place}: ${message}`)
  const accounts = entries(doc.accounts)
  if (flavour.iam.regionProjects) {
    for (const kind of GLOBAL_KINDS) if (doc[kind] !== undefined) problem(kind, `exists on keystone only, not on ${flavour.name}`)
    for (const [i, account] of accounts) {
      for (const kind of ACCOUNT_KINDS) if (account[kind] !== undefined) problem(`accounts[${i}].${kind}`, `exists on keystone only, not on ${flavour.name}`)
      for (const [j, project] of entries(account.projects)) {
        for (const kind of ['endpoints', 'endpoint_groups']) if (project[kind] !== undefined) problem(`accounts[${i}].projects[${j}].${kind}`, `exists on keystone only, not on ${flavour.name}`)
      }
    }
    return problems
  }

  // Global roles: the flavour's, the document's (or, for one account, the store's).
  const systemNames = flavour.systemRoles.map((r) => r.name)
  const globalNames = new Set([...systemNames, ...(store?.globalRoles ?? []), ...names(doc.roles)])
  const roleNames = new Unique(problems)
  for (const [i, role] of entries(doc.roles)) {
    const name = text(role.name)
    roleNames.claim(name, `roles[${i}].name`, `global role name '${name}'`)
    if (name !== undefined && systemNames.includes(name)) problem(`roles[${i}].name`, `'${name}' is a role of ${flavour.name} already; list only the roles an administrator made`)
  }
  const rules = new Unique(problems)
  for (const [i, rule] of entries(doc.implied_roles)) {
    const prior = text(rule.prior)
    const implied = text(rule.implied)
    if (prior !== undefined && !globalNames.has(prior)) problem(`implied_roles[${i}].prior`, `no global role '${prior}'`)
    if (implied !== undefined && !globalNames.has(implied)) problem(`implied_roles[${i}].implied`, `no global role '${implied}'`)
    if (implied !== undefined && PROHIBITED_IMPLIED_ROLES.includes(implied)) problem(`implied_roles[${i}].implied`, `'${implied}' cannot be an implied role`)
    rules.claim(`${prior}|${implied}`, `implied_roles[${i}]`, 'implied-role rule')
  }

  // The catalog: ids unique, endpoints in regions of the document.
  const endpointIds = new Set<string>(store?.endpoints ?? [])
  const groupIds = new Set<string>(store?.endpointGroups ?? [])
  const catalog = isObject(doc.catalog) ? doc.catalog : undefined
  const serviceClaims = new Unique(problems)
  const endpointClaims = new Unique(problems)
  for (const [i, service] of entries(catalog?.services)) {
    serviceClaims.claim(text(service.id), `catalog.services[${i}].id`, `service id '${text(service.id)}'`)
    for (const [j, endpoint] of entries(service.endpoints)) {
      const at = `catalog.services[${i}].endpoints[${j}]`
      const id = text(endpoint.id)
      endpointClaims.claim(id, `${at}.id`, `endpoint id '${id}'`)
      if (id !== undefined) endpointIds.add(id)
      const region = text(endpoint.region)
      if (region !== undefined && !regionIds.has(region)) problem(`${at}.region`, `no region '${region}' in the document`)
    }
  }
  const groupClaims = new Unique(problems)
  for (const [i, group] of entries(catalog?.endpoint_groups)) {
    const id = text(group.id)
    groupClaims.claim(id, `catalog.endpoint_groups[${i}].id`, `endpoint group id '${id}'`)
    if (id !== undefined) groupIds.add(id)
  }
  // Without a catalog a whole import seeds the flavour's, whose ids the document cannot be checked against.
  const catalogKnown = store !== undefined || catalog !== undefined
  const consumerIds = new Unique(problems)
  for (const [i, c] of entries(doc.oauth_consumers)) consumerIds.claim(text(c.id), `oauth_consumers[${i}].id`, `consumer id '${text(c.id)}'`)
  const policyIds = new Unique(problems)
  for (const [i, p] of entries(doc.policies)) policyIds.claim(text(p.id), `policies[${i}].id`, `policy id '${text(p.id)}'`)

  // Accounts: users and projects by account name, for trusts naming another account.
  const usersOf = new Map<string, ReadonlySet<string>>(store?.users ?? [])
  const projectsOf = new Map<string, ReadonlySet<string>>(store?.projects ?? [])
  for (const [, account] of accounts) {
    const name = text(account.name)
    if (name === undefined) continue
    usersOf.set(name, names(account.users))
    projectsOf.set(name, names(account.projects))
  }
  const ids = { trusts: new Unique(problems), rules: new Unique(problems), appCredentials: new Unique(problems), credentials: new Unique(problems), roles: new Unique(problems) }
  for (const [i, account] of accounts) {
    const at = `accounts[${i}]`
    const accountName = text(account.name) ?? `#${i}`
    const users = usersOf.get(accountName) ?? new Set()
    const projects = projectsOf.get(accountName) ?? new Set()
    const domainRoles = names(account.roles)
    const missing = (kind: string, name: string, other = accountName) => `no ${kind} '${name}' in account '${other}'`
    const roleProblem = (place: string, name: unknown) => {
      if (typeof name === 'string' && !globalNames.has(name) && !domainRoles.has(name)) problem(place, `no role '${name}': neither a global role nor a domain role of account '${accountName}'`)
    }
    const user = (place: string, name: string | undefined) => {
      if (name !== undefined && !users.has(name)) problem(place, missing('user', name))
    }
    const project = (place: string, name: string | undefined) => {
      if (name !== undefined && !projects.has(name)) problem(place, missing('project', name))
    }

    for (const [j, p] of entries(account.projects)) {
      list(p.endpoints).forEach((id, k) => {
        if (typeof id === 'string' && catalogKnown && !endpointIds.has(id)) problem(`${at}.projects[${j}].endpoints[${k}]`, `no endpoint '${id}' in the catalog`)
      })
      list(p.endpoint_groups).forEach((id, k) => {
        if (typeof id === 'string' && catalogKnown && !groupIds.has(id)) problem(`${at}.projects[${j}].endpoint_groups[${k}]`, `no endpoint group '${id}' in the catalog`)
      })
    }

    const domainRoleNames = new Unique(problems)
    for (const [j, role] of entries(account.roles)) {
      const place = `${at}.roles[${j}]`
      domainRoleNames.claim(text(role.name), `${place}.name`, `role name '${text(role.name)}' in account '${accountName}'`)
      ids.roles.claim(text(role.id), `${place}.id`, `role id '${text(role.id)}'`)
      list(role.implies).forEach((name, k) => {
        roleProblem(`${place}.implies[${k}]`, name)
        if (typeof name === 'string' && PROHIBITED_IMPLIED_ROLES.includes(name)) problem(`${place}.implies[${k}]`, `'${name}' cannot be an implied role`)
      })
    }

    for (const [j, trust] of entries(account.trusts)) {
      const place = `${at}.trusts[${j}]`
      ids.trusts.claim(text(trust.id), `${place}.id`, `trust id '${text(trust.id)}'`)
      user(`${place}.trustor`, text(trust.trustor))
      const trusteeAccount = text(trust.trustee_account) ?? accountName
      const trustee = text(trust.trustee)
      if (!usersOf.has(trusteeAccount)) problem(`${place}.trustee_account`, `no account '${trusteeAccount}'`)
      else if (trustee !== undefined && !usersOf.get(trusteeAccount)!.has(trustee)) problem(`${place}.trustee`, missing('user', trustee, trusteeAccount))
      const projectAccount = text(trust.project_account) ?? accountName
      const projectName = text(trust.project)
      if (!projectsOf.has(projectAccount)) problem(`${place}.project_account`, `no account '${projectAccount}'`)
      else if (projectName !== undefined && !projectsOf.get(projectAccount)!.has(projectName)) problem(`${place}.project`, missing('project', projectName, projectAccount))
      list(trust.roles).forEach((name, k) => roleProblem(`${place}.roles[${k}]`, name))
    }

    const ruleUser = new Map<string, string | undefined>()
    for (const [j, rule] of entries(account.access_rules)) {
      const place = `${at}.access_rules[${j}]`
      ids.rules.claim(text(rule.id), `${place}.id`, `access rule id '${text(rule.id)}'`)
      user(`${place}.user`, text(rule.user))
      if (text(rule.id) !== undefined) ruleUser.set(text(rule.id)!, text(rule.user))
    }

    const credentialNames = new Unique(problems)
    for (const [j, c] of entries(account.application_credentials)) {
      const place = `${at}.application_credentials[${j}]`
      ids.appCredentials.claim(text(c.id), `${place}.id`, `application credential id '${text(c.id)}'`)
      const owner = text(c.user)
      user(`${place}.user`, owner)
      project(`${place}.project`, text(c.project))
      credentialNames.claim(`${owner}|${text(c.name)}`, `${place}.name`, `application credential name '${text(c.name)}' of user '${owner}'`)
      if ((c.secret === undefined) === (c.secret_hash === undefined)) problem(place, 'give secret or secret_hash, one of them')
      list(c.roles).forEach((name, k) => roleProblem(`${place}.roles[${k}]`, name))
      list(c.access_rules).forEach((id, k) => {
        if (typeof id !== 'string') return
        if (!ruleUser.has(id)) problem(`${place}.access_rules[${k}]`, `no access rule '${id}' in account '${accountName}'`)
        else if (ruleUser.get(id) !== owner) problem(`${place}.access_rules[${k}]`, `access rule '${id}' is user '${ruleUser.get(id)}'s, not '${owner}'s`)
      })
    }

    for (const [j, c] of entries(account.credentials)) {
      const place = `${at}.credentials[${j}]`
      ids.credentials.claim(text(c.id), `${place}.id`, `credential id '${text(c.id)}'`)
      user(`${place}.user`, text(c.user))
      project(`${place}.project`, text(c.project))
      if (c.type === 'ec2' && c.id === undefined && typeof c.blob === 'string' && ec2Access(c.blob) === undefined) {
        problem(`${place}.blob`, "an ec2 credential's blob is a JSON object with an 'access' string (its id is made from it)")
      }
    }

    if (isObject(account.domain_config)) {
      for (const [group, options] of Object.entries(account.domain_config)) {
        if (!isObject(options)) continue
        for (const option of Object.keys(options)) {
          try {
            assertValidGroupAndOption(group, option)
          } catch (error) {
            problem(`${at}.domain_config.${group}.${option}`, (error as Error).message)
          }
        }
      }
    }
  }
  return problems
}

/** The `access` of an EC2 credential's blob, which its id is made from. */
export function ec2Access(blob: string): string | undefined {
  try {
    const parsed = JSON.parse(blob) as unknown
    return isObject(parsed) && typeof parsed.access === 'string' ? parsed.access : undefined
  } catch {
    return undefined
  }
}
