/**
 * Persona × route matrix for the keystone flavour: every route it serves (but the public ones),
 * asked by Keystone 22's callers with `enforce_scope` off — the bootstrap admin, a user holding
 * `admin` on some other project (Tempest's dynamic administrator, also the cloud administrator),
 * a `member` and a `reader` of a project, and a user with no role at all (an unscoped token) —
 * against Keystone's default policies, one class of rule per route. A refused cell must answer
 * Keystone's exact 403 body naming the action; an allowed one anything but 401/403/5xx (the ids
 * are made up, so an allowed caller mostly meets a 404 or a 400: nothing real is changed). A
 * route without a class fails the test, so a new keystone route cannot skip the matrix.
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { expectOneCasePerRoute, matrixRoutes } from '../helpers/policy-matrix.js'

const PASSWORD = 'Matrix-Passw0rd!'
const PERSONAS = ['admin', 'project_admin', 'member', 'reader', 'no_role'] as const
type Persona = (typeof PERSONAS)[number]
const ADMINS: readonly Persona[] = ['admin', 'project_admin']

/**
 * Who passes Keystone's default policy for a route:
 * - `admin`: `rule:admin_required` (with enforce_scope off, `admin` on any project or domain);
 * - `any`: any valid token;
 * - `self`: an administrator, or anyone about its own user (`:user_id`, else `?user_id=`);
 * - `project`: an administrator, or a token scoped to the project in the path;
 * - `token`: an administrator, or anyone about its own token (X-Subject-Token);
 * - `body`: whoever the body names (`user_id:%(trust.trustor_user_id)s`), so nobody with the empty body sent here;
 * - `owner`: anyone about its own user, and no one else (a system-scoped reader would pass; no persona is one);
 * - `scoped`: any token with a project scope; an unscoped one gets Keystone's bare 403 (a
 *   `Forbidden` keeps its details to itself unless `insecure_debug` is on).
 */
type RuleClass = 'admin' | 'any' | 'self' | 'project' | 'token' | 'body' | 'owner' | 'scoped'

const RULES: Record<string, RuleClass> = {
  'GET /v3/auth/tokens': 'token',
  'HEAD /v3/auth/tokens': 'token',
  'DELETE /v3/auth/tokens': 'token',
  'GET /v3/auth/catalog': 'scoped',
  'GET /v3/auth/domains': 'any',
  'GET /v3/auth/projects': 'any',
  'GET /v3/auth/system': 'any',
  'GET /v3/regions': 'any',
  'GET /v3/regions/:region_id': 'any',
  'POST /v3/regions': 'admin',
  'PATCH /v3/regions/:region_id': 'admin',
  'PUT /v3/regions/:region_id': 'admin',
  'DELETE /v3/regions/:region_id': 'admin',
  'GET /v3/domains': 'admin',
  'POST /v3/domains': 'admin',
  'GET /v3/domains/:domain_id': 'admin',
  'PATCH /v3/domains/:domain_id': 'admin',
  'DELETE /v3/domains/:domain_id': 'admin',
  'GET /v3/projects': 'admin',
  'POST /v3/projects': 'admin',
  'GET /v3/projects/:project_id': 'project',
  'PATCH /v3/projects/:project_id': 'admin',
  'DELETE /v3/projects/:project_id': 'admin',
  'GET /v3/projects/:project_id/tags': 'project',
  'PUT /v3/projects/:project_id/tags': 'admin',
  'DELETE /v3/projects/:project_id/tags': 'admin',
  'GET /v3/projects/:project_id/tags/:value': 'project',
  'PUT /v3/projects/:project_id/tags/:value': 'admin',
  'DELETE /v3/projects/:project_id/tags/:value': 'admin',
  'GET /v3/users': 'admin',
  'POST /v3/users': 'admin',
  'GET /v3/users/:user_id': 'self',
  'PATCH /v3/users/:user_id': 'admin',
  'DELETE /v3/users/:user_id': 'admin',
  // Keystone leaves it unenforced: the original password is the check (a wrong one is 401).
  'POST /v3/users/:user_id/password': 'any',
  'GET /v3/users/:user_id/groups': 'self',
  'GET /v3/users/:user_id/projects': 'self',
  'GET /v3/groups': 'admin',
  'POST /v3/groups': 'admin',
  'GET /v3/groups/:group_id': 'admin',
  'PATCH /v3/groups/:group_id': 'admin',
  'DELETE /v3/groups/:group_id': 'admin',
  'GET /v3/groups/:group_id/users': 'admin',
  'PUT /v3/groups/:group_id/users/:user_id': 'admin',
  'HEAD /v3/groups/:group_id/users/:user_id': 'admin',
  'DELETE /v3/groups/:group_id/users/:user_id': 'admin',
  'GET /v3/roles': 'admin',
  'POST /v3/roles': 'admin',
  'GET /v3/roles/:role_id': 'admin',
  'PATCH /v3/roles/:role_id': 'admin',
  'DELETE /v3/roles/:role_id': 'admin',
  'GET /v3/role_assignments': 'admin',
  // Implied roles and system grants (admin_required; Keystone also lets a system reader read them).
  'GET /v3/roles/:prior_role_id/implies': 'admin',
  'PUT /v3/roles/:prior_role_id/implies/:implied_role_id': 'admin',
  'GET /v3/roles/:prior_role_id/implies/:implied_role_id': 'admin',
  'HEAD /v3/roles/:prior_role_id/implies/:implied_role_id': 'admin',
  'DELETE /v3/roles/:prior_role_id/implies/:implied_role_id': 'admin',
  'GET /v3/role_inferences': 'admin',
  'GET /v3/system/users/:user_id/roles': 'admin',
  'PUT /v3/system/users/:user_id/roles/:role_id': 'admin',
  'HEAD /v3/system/users/:user_id/roles/:role_id': 'admin',
  'DELETE /v3/system/users/:user_id/roles/:role_id': 'admin',
  'GET /v3/system/groups/:group_id/roles': 'admin',
  'PUT /v3/system/groups/:group_id/roles/:role_id': 'admin',
  'HEAD /v3/system/groups/:group_id/roles/:role_id': 'admin',
  'DELETE /v3/system/groups/:group_id/roles/:role_id': 'admin',
  'GET /v3/services': 'admin',
  'GET /v3/services/:service_id': 'admin',
  'GET /v3/endpoints': 'admin',
  'GET /v3/endpoints/:endpoint_id': 'admin',
  // catalog writes and OS-EP-FILTER: admin_required (Keystone 22's defaults with enforce_scope off)
  'POST /v3/services': 'admin',
  'PATCH /v3/services/:service_id': 'admin',
  'DELETE /v3/services/:service_id': 'admin',
  'POST /v3/endpoints': 'admin',
  'PATCH /v3/endpoints/:endpoint_id': 'admin',
  'DELETE /v3/endpoints/:endpoint_id': 'admin',
  'GET /v3/OS-EP-FILTER/endpoint_groups': 'admin',
  'POST /v3/OS-EP-FILTER/endpoint_groups': 'admin',
  'GET /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id': 'admin',
  'PATCH /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id': 'admin',
  'DELETE /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id': 'admin',
  'GET /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/endpoints': 'admin',
  'GET /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects': 'admin',
  'PUT /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects/:project_id': 'admin',
  'GET /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects/:project_id': 'admin',
  'DELETE /v3/OS-EP-FILTER/endpoint_groups/:endpoint_group_id/projects/:project_id': 'admin',
  'GET /v3/OS-EP-FILTER/projects/:project_id/endpoint_groups': 'admin',
  'PUT /v3/OS-EP-FILTER/projects/:project_id/endpoints/:endpoint_id': 'admin',
  'GET /v3/OS-EP-FILTER/projects/:project_id/endpoints/:endpoint_id': 'admin',
  'DELETE /v3/OS-EP-FILTER/projects/:project_id/endpoints/:endpoint_id': 'admin',
  'GET /v3/OS-EP-FILTER/projects/:project_id/endpoints': 'admin',
  'GET /v3/OS-EP-FILTER/endpoints/:endpoint_id/projects': 'admin',
  // The clouds' extensions, served in this flavour too (docs/decisions.md): their permission
  // documents hold nothing for member or reader, so they are the administrator's.
  'GET /v3-ext/projects/:project_id': 'admin',
  'PUT /v3-ext/projects/:project_id': 'admin',
  'GET /v3.0/OS-ROLE/roles': 'admin',
  'POST /v3.0/OS-ROLE/roles': 'admin',
  'GET /v3.0/OS-ROLE/roles/:role_id': 'admin',
  'PATCH /v3.0/OS-ROLE/roles/:role_id': 'admin',
  'DELETE /v3.0/OS-ROLE/roles/:role_id': 'admin',
  'GET /v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/groups': 'admin',
  'GET /v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/users': 'admin',
  'GET /v3.0/OS-PERMISSION/groups/:group_id/enterprise-projects': 'admin',
  'GET /v3.0/OS-PERMISSION/users/:user_id/enterprise-projects': 'self',
  // Whose keys is in the body; an empty body is a 400 for anyone.
  'POST /v3.0/OS-CREDENTIAL/credentials': 'any',
  'GET /v3.0/OS-CREDENTIAL/credentials': 'any',
  'GET /v3.0/OS-CREDENTIAL/credentials/:access_key': 'any',
  'PUT /v3.0/OS-CREDENTIAL/credentials/:access_key': 'any',
  'DELETE /v3.0/OS-CREDENTIAL/credentials/:access_key': 'any',
  'POST /v3.0/OS-CREDENTIAL/securitytokens': 'any',
  // Trusts: the rules name the trust's trustor and trustee, so with made-up ids everyone meets
  // the 404 first (Keystone loads the trust before the policy, lp#1840288); a trust's creator must
  // be the trustor the body names; listing every trust is `admin_required` (test/iam/keystone-trusts.test.ts has the rest).
  'POST /v3/OS-TRUST/trusts': 'body',
  'GET /v3/OS-TRUST/trusts': 'admin',
  'GET /v3/OS-TRUST/trusts/:trust_id': 'any',
  'DELETE /v3/OS-TRUST/trusts/:trust_id': 'any',
  'GET /v3/OS-TRUST/trusts/:trust_id/roles': 'any',
  'GET /v3/OS-TRUST/trusts/:trust_id/roles/:role_id': 'any',
  // OAuth1 consumers, domain configuration, policy blobs: system reader or admin_required, system admin or admin_required.
  'POST /v3/OS-OAUTH1/consumers': 'admin',
  'GET /v3/OS-OAUTH1/consumers': 'admin',
  'GET /v3/OS-OAUTH1/consumers/:consumer_id': 'admin',
  'PATCH /v3/OS-OAUTH1/consumers/:consumer_id': 'admin',
  'DELETE /v3/OS-OAUTH1/consumers/:consumer_id': 'admin',
  'GET /v3/domains/config/default': 'admin',
  'GET /v3/domains/config/:group/default': 'admin',
  'GET /v3/domains/config/:group/:option/default': 'admin',
  'PUT /v3/domains/:domain_id/config': 'admin',
  'GET /v3/domains/:domain_id/config': 'admin',
  'PATCH /v3/domains/:domain_id/config': 'admin',
  'DELETE /v3/domains/:domain_id/config': 'admin',
  'GET /v3/domains/:domain_id/config/:group': 'admin',
  'PATCH /v3/domains/:domain_id/config/:group': 'admin',
  'DELETE /v3/domains/:domain_id/config/:group': 'admin',
  'GET /v3/domains/:domain_id/config/:group/:option': 'admin',
  'PATCH /v3/domains/:domain_id/config/:group/:option': 'admin',
  'DELETE /v3/domains/:domain_id/config/:group/:option': 'admin',
  'POST /v3/policies': 'admin',
  'GET /v3/policies': 'admin',
  'GET /v3/policies/:policy_id': 'admin',
  'PATCH /v3/policies/:policy_id': 'admin',
  'DELETE /v3/policies/:policy_id': 'admin',
  // Keystone's credentials: an administrator's, or the owner's. With an empty body or a made-up id
  // only an administrator passes, as Keystone judges these before it looks the id up.
  'POST /v3/credentials': 'admin',
  'GET /v3/credentials': 'any',
  'GET /v3/credentials/:credential_id': 'admin',
  'PATCH /v3/credentials/:credential_id': 'admin',
  'DELETE /v3/credentials/:credential_id': 'admin',
  'POST /v3/users/:user_id/credentials/OS-EC2': 'self',
  'GET /v3/users/:user_id/credentials/OS-EC2': 'self',
  // OS-EC2 looks the access key up first: a made-up one is 404 to anyone.
  'GET /v3/users/:user_id/credentials/OS-EC2/:credential_id': 'any',
  'DELETE /v3/users/:user_id/credentials/OS-EC2/:credential_id': 'any',
  // Application credentials: an administrator or the owner (the credential's own user, for one
  // credential). Keystone lets only the owner create; an administrator's create for another
  // user is refused by the service once the body is valid (the matrix sends an empty one).
  'POST /v3/users/:user_id/application_credentials': 'self',
  'GET /v3/users/:user_id/application_credentials': 'self',
  'GET /v3/users/:user_id/application_credentials/:application_credential_id': 'self',
  'DELETE /v3/users/:user_id/application_credentials/:application_credential_id': 'self',
  'GET /v3/users/:user_id/access_rules': 'owner',
  'GET /v3/users/:user_id/access_rules/:access_rule_id': 'owner',
  'DELETE /v3/users/:user_id/access_rules/:access_rule_id': 'owner',
  // Security compliance (issue 18): identity:get_security_compliance_domain_config is "" in Keystone 22.
  'GET /v3/domains/:domain_id/config/security_compliance': 'any',
  'GET /v3/domains/:domain_id/config/security_compliance/:option': 'any',
  // Identity federation (issue 20): admin_required for every management call (Keystone's
  // identity_provider, mapping and protocol policies, and the OIDC configuration kept as an
  // extension); the scoping lists take any token, as /v3/auth/domains and /projects do.
  'GET /v3/OS-FEDERATION/identity_providers': 'admin',
  'GET /v3/OS-FEDERATION/identity_providers/:idp_id': 'admin',
  'PUT /v3/OS-FEDERATION/identity_providers/:idp_id': 'admin',
  'PATCH /v3/OS-FEDERATION/identity_providers/:idp_id': 'admin',
  'DELETE /v3/OS-FEDERATION/identity_providers/:idp_id': 'admin',
  'GET /v3/OS-FEDERATION/mappings': 'admin',
  'GET /v3/OS-FEDERATION/mappings/:id': 'admin',
  'PUT /v3/OS-FEDERATION/mappings/:id': 'admin',
  'PATCH /v3/OS-FEDERATION/mappings/:id': 'admin',
  'DELETE /v3/OS-FEDERATION/mappings/:id': 'admin',
  'GET /v3/OS-FEDERATION/identity_providers/:idp_id/protocols': 'admin',
  'GET /v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id': 'admin',
  'PUT /v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id': 'admin',
  'PATCH /v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id': 'admin',
  'DELETE /v3/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id': 'admin',
  'POST /v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config': 'admin',
  'PUT /v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config': 'admin',
  'GET /v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config': 'admin',
  'GET /v3/OS-FEDERATION/domains': 'any',
  'GET /v3/OS-FEDERATION/projects': 'any',
}

/** Routes a made-up id would refuse (403) whoever asks: asked with real values instead. */
const REAL_PATHS: Readonly<Record<string, string>> = {
  // Keystone serves the Default domain's compliance only, and two of its options.
  'GET /v3/domains/:domain_id/config/security_compliance': '/v3/domains/default/config/security_compliance',
  'GET /v3/domains/:domain_id/config/security_compliance/:option': '/v3/domains/default/config/security_compliance/password_regex',
}

/**
 * Routes whose refusal names Keystone's action, which differs from the route's own: the clouds'
 * access keys hold Keystone's names for credentials in our policy table (docs/decisions.md).
 */
const REFUSAL_ACTIONS: Record<string, string> = {
  'POST /v3/credentials': 'identity:create_credential',
  'GET /v3/credentials/:credential_id': 'identity:get_credential',
  'PATCH /v3/credentials/:credential_id': 'identity:update_credential',
  'DELETE /v3/credentials/:credential_id': 'identity:delete_credential',
}

/** Path values a made-up one would not do: Keystone refuses an unknown configuration group or option (403) whoever asks. */
const REAL_PATH_VALUES: Readonly<Record<string, string>> = { group: 'ldap', option: 'url' }

/** Grant routes (PUT/HEAD/DELETE/GET of `…/roles…`) are all `admin_required` in Keystone 22. */
const isGrantRoute = (url: string) => /\/(domains|projects|enterprise-projects)\/:(domain|project|enterprise_project)_id\/(users|groups)\/:(user|group)_id\/roles/.test(url)

const error = (code: number, title: string, message: string) => ({ error: { code, message, title } })
const forbidden = (action: string) => error(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`)

describe('persona × route matrix (keystone)', () => {
  let s: TestServer
  const tokens = {} as Record<Persona, string>
  const userIds = {} as Record<Persona, string>
  /** Another token of the same persona (a revocation cell must not end the one the matrix uses). */
  const freshTokens = {} as Record<Persona, () => Promise<string>>
  let memberProject: string
  let adminToken: string
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(`${s.url}${path}`, { method, token: adminToken, body })
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  const signIn = async (name: string, projectId?: string) => {
    const scope = projectId === undefined ? {} : { scope: { project: { id: projectId } } }
    const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name, password: PASSWORD, domain: { id: 'default' } } } }, ...scope } },
    })
    if (res.status !== 201) throw new Error(`sign-in of ${name}: ${res.status} ${res.text}`)
    return { token: res.headers.get('x-subject-token')!, userId: res.body.token.user.id as string }
  }
  /** A user holding `role` on `projectId` (none when role is empty), signed in to it. */
  const personaOn = async (persona: Persona, role: string, projectId: string) => {
    const name = `matrix-${persona}`
    const user = (await api('POST', '/v3/users', { user: { name, password: PASSWORD, domain_id: 'default' } })).user.id as string
    if (role) {
      const roleId = (await api('GET', `/v3/roles?name=${role}`)).roles[0].id as string
      await api('PUT', `/v3/projects/${projectId}/users/${user}/roles/${roleId}`)
      freshTokens[persona] = async () => (await signIn(name, projectId)).token
      return signIn(name, projectId)
    }
    freshTokens[persona] = async () => (await signIn(name)).token
    return signIn(name)
  }

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    adminToken = await s.adminToken()
    const validated = await call(`${s.url}/v3/auth/tokens?nocatalog`, { token: adminToken, headers: { 'x-subject-token': adminToken } })
    tokens.admin = adminToken
    freshTokens.admin = () => s.adminToken()
    userIds.admin = validated.body.token.user.id
    const adminProject = (await api('POST', '/v3/projects', { project: { name: 'matrix-admins', domain_id: 'default' } })).project.id as string
    memberProject = (await api('POST', '/v3/projects', { project: { name: 'matrix-members', domain_id: 'default' } })).project.id as string
    const made = {
      project_admin: await personaOn('project_admin', 'admin', adminProject),
      member: await personaOn('member', 'member', memberProject),
      reader: await personaOn('reader', 'reader', memberProject),
      no_role: await personaOn('no_role', '', memberProject),
    }
    for (const [persona, { token, userId }] of Object.entries(made) as [Persona, { token: string; userId: string }][]) {
      tokens[persona] = token
      userIds[persona] = userId
    }
  })
  afterAll(() => s?.close())

  const routes = () => matrixRoutes(s, (service) => service === 'iam')
  const classOf = (method: string, url: string): RuleClass | undefined => RULES[`${method} ${url}`] ?? (isGrantRoute(url) ? 'admin' : undefined)

  it('has a rule class for every route the keystone flavour serves', () => {
    const table = Object.fromEntries(routes().map((r) => [`${r.method} ${r.url}`, classOf(r.method, r.url)]).filter(([, c]) => c !== undefined))
    expectOneCasePerRoute(routes(), { ...table, ...Object.fromEntries(Object.keys(RULES).map((k) => [k, RULES[k]])) })
  })

  /** The path with made-up ids, but `:user_id` / `:project_id` as `about` says. */
  const pathFor = (url: string, about: { user?: string; project?: string }) =>
    url.replace(/:(\w+)/g, (_, param: string) => (param === 'user_id' && about.user) || (param === 'project_id' && about.project) || REAL_PATH_VALUES[param] || `matrix-no-such-${param.replace(/_id$/, '')}`)

  /** Every cell that differs from Keystone, so one run shows them all. */
  let wrong: string[] = []
  const expectRefused = (res: { status: number; body: unknown; text: string }, action: string, cell: string) => {
    // A HEAD answer has no body to name the action.
    const body = cell.includes(' HEAD ') ? undefined : forbidden(action)
    if (res.status !== 403 || !isDeepStrictEqual(res.body, body)) wrong.push(`${cell} => expected Keystone's refusal, got ${res.status} ${res.text}`)
  }
  const expectAllowed = (res: { status: number; text: string }, cell: string) => {
    if (res.status === 401 || res.status === 403 || res.status >= 500) wrong.push(`${cell} => expected to pass the policy, got ${res.status} ${res.text}`)
  }

  it.each(PERSONAS)('%s: every route answers as Keystone 22 default policies say', async (persona) => {
    const isAdmin = ADMINS.includes(persona)
    wrong = []
    for (const route of routes()) {
      const rule = classOf(route.method, route.url)!
      const action = REFUSAL_ACTIONS[`${route.method} ${route.url}`] ?? route.action!
      const send = (path: string, headers: Record<string, string> = {}) => call(`${s.url}${path}`, { method: route.method, token: tokens[persona], headers, ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { body: {} } : {}) })
      const cell = `${persona} ${route.method} ${route.url}`
      if (rule === 'token') {
        // Its own token: anyone; another's (the bootstrap admin's): administrators only.
        const own = route.method === 'DELETE' ? await freshTokens[persona]() : tokens[persona]
        expectAllowed(await send(route.url, { 'x-subject-token': own }), `${cell} (own token)`)
        if (route.method !== 'DELETE') {
          const other = await send(route.url, { 'x-subject-token': persona === 'admin' ? tokens.member : tokens.admin })
          if (isAdmin) expectAllowed(other, `${cell} (another's token)`)
          else expectRefused(other, action, `${cell} (another's token)`)
        }
        continue
      }
      if (rule === 'self') {
        expectAllowed(await send(pathFor(route.url, { user: userIds[persona] })), `${cell} (own user)`)
        const other = await send(pathFor(route.url, { user: persona === 'admin' ? userIds.member : userIds.admin }))
        if (isAdmin) expectAllowed(other, `${cell} (another user)`)
        else expectRefused(other, action, `${cell} (another user)`)
        continue
      }
      if (rule === 'owner') {
        expectAllowed(await send(pathFor(route.url, { user: userIds[persona] })), `${cell} (own user)`)
        expectRefused(await send(pathFor(route.url, { user: persona === 'admin' ? userIds.member : userIds.admin })), action, `${cell} (another user)`)
        continue
      }
      if (rule === 'scoped') {
        const res = await send(pathFor(route.url, {}))
        if (persona !== 'no_role') expectAllowed(res, cell)
        else if (res.status !== 403 || !isDeepStrictEqual(res.body, error(403, 'Forbidden', 'You are not authorized to perform the requested action.'))) {
          wrong.push(`${cell} => expected Keystone's bare refusal, got ${res.status} ${res.text}`)
        }
        continue
      }
      if (rule === 'project') {
        const own = await send(pathFor(route.url, { project: memberProject }))
        if (isAdmin || persona === 'member' || persona === 'reader') expectAllowed(own, `${cell} (the member's project)`)
        else expectRefused(own, action, `${cell} (the member's project)`)
        continue
      }
      const res = await send(REAL_PATHS[`${route.method} ${route.url}`] ?? pathFor(route.url, {}))
      if (rule === 'any' || (isAdmin && rule !== 'body')) expectAllowed(res, cell)
      else expectRefused(res, action, cell)
    }
    expect(wrong).toEqual([])
  }, 120_000)
})
