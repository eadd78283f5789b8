/**
 * Persona × route matrix for every IAM route (Keystone's tests/protection, in one table): the
 * account administrator, a Security Administrator, a Tenant Administrator, a read-only guest, a
 * user whose one custom policy allows one action on one enterprise project, a user with no
 * grants, a disabled user, another account's administrator and an agency of the account assumed
 * by a third account's Agent Operator. Each cell checks the exact status
 * and, for refusals, the exact error body. A route without a case fails the test, so a new route
 * cannot skip the matrix.
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, ROOMY_IAM_QUOTAS, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { agencyPersona, expectOneCasePerRoute, matrixRoutes as routesNeedingCaller, persona } from '../helpers/policy-matrix.js'
import { bindDevice } from '../helpers/mfa.js'

const PASSWORD = 'Matrix-Passw0rd!'
let EP: string
const PERSONAS = ['admin', 'secu', 'te', 'readonly', 'ep_one', 'none', 'disabled', 'other', 'agency'] as const
type Persona = (typeof PERSONAS)[number]
const IDENTITY_ADMINS: readonly Persona[] = ['admin', 'secu']
const ANY_LIVE: readonly Persona[] = ['admin', 'secu', 'te', 'readonly', 'ep_one', 'none', 'other', 'agency']
/**
 * What the agency persona's one policy (AX, on the account) allows: reading agencies and users,
 * and updating projects — an auditor that may also describe projects, so its cells show the
 * grant working (allowed, next to the identity administrators) and ending where the policy ends.
 */
const AGENCY_POLICY_ACTIONS = ['iam:agencies:listAgencies', 'iam:agencies:getAgency', 'iam:users:listUsers', 'iam:users:getUser', 'iam:projects:updateProject']
const IDENTITY_ADMINS_AND_AGENCY: readonly Persona[] = [...IDENTITY_ADMINS, 'agency']

interface Request { path: string; body?: unknown; headers?: Record<string, string> }
interface Expectation { status: number; body?: unknown }
interface Case {
  /** Builds the request for one cell; may create fresh targets (deletes need their own). */
  request(persona: Persona): Promise<Request>
  okStatus: number
  /** Who succeeds; everyone else alive is refused with 403 naming the action. */
  allowed: readonly Persona[]
  /** Another account's administrator: 'ok' when it succeeds on its own data, else the refusal. */
  other: 'ok' | Expectation | ((req: Request) => Expectation)
  /** What the allowed get, when the success is itself a refusal (HWC has no project delete). */
  okBody?: unknown
  /** The route answers errors flat (`error_msg`, `error_code`), as OS-USER does: refusals are expected so. */
  flat?: boolean
  /** What the refused get, when not Keystone's 403 naming the action (the clouds' flat OS-QUOTA errors). */
  denied?: Expectation
  /**
   * The agency persona, where it gets neither the success (when in `allowed`) nor what the other
   * refused get: routes about the caller's own user, which an agency is not.
   */
  agency?: Expectation | ((req: Request) => Expectation)
  /** The success has no body at all (the clouds' 200 to the agency enterprise-project batch PUT). */
  okEmpty?: boolean
}

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const notFound = (target: string, id: string) => ({ status: 404, body: error(404, 'Not Found', `Could not find ${target}: ${id}.`) })
/** 404 for the id that follows `segment` in the cell's path (targets made fresh for that cell). */
const notFoundIn = (target: string, segment: string) => (req: Request) =>
  notFound(target, req.path.split('/')[req.path.split('/').indexOf(segment) + 1]!)
const forbidden = (action: string) => error(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`)
/** OS-AGENCY words its 404 without the final full stop, as the clouds do. */
const agencyNotFound = (id: string) => ({ status: 404, body: error(404, 'Not Found', `Could not find agency: ${id}`) })
/** The enterprise-project batch refuses any entry it cannot apply (here: another account's agency) so. */
const ILLEGAL_REQUEST = { status: 400, body: error(400, 'Bad Request', 'Illegal request') }
/** A Keystone-style refusal as a flat route words it (src/services/iam/iam-wire.ts). */
const FLAT_CODES: Record<number, string> = { 401: 'IAM.0001', 403: 'IAM.0002', 404: 'IAM.0004' }
const flatOf = (e: Expectation): Expectation => {
  const body = e.body as { error: { code: number; message: string } } | undefined
  return body ? { status: e.status, body: { error_msg: body.error.message, error_code: FLAT_CODES[body.error.code] } } : e
}

describe('persona × route matrix (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  const tokens = {} as Record<Persona, string>
  const ids = {} as Record<string, string>
  let counter = 0
  const unique = (prefix: string) => `${prefix}${++counter}`
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(`${s.url}${path}`, { method, token: admin, body })
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  const newUser = async () => (await api('POST', '/v3/users', { user: { name: unique('u'), password: PASSWORD } })).user.id as string
  const newGroup = async () => (await api('POST', '/v3/groups', { group: { name: unique('g') } })).group.id as string
  const newSubjectToken = () => tokenFor(s, 'target', PASSWORD, s.account.name)
  let newAgencyToken: () => Promise<string>
  /** The agency persona asks about itself where only oneself may ask; everyone else about `target`. */
  const selfOr = (persona: Persona, id: string) => (persona === 'agency' ? ids.agencyPersona! : id)
  const roleByName = async (name: string) => (await api('GET', `/v3/roles?name=${name}`)).roles[0].id as string
  const personaWithRole = (name: string, roleName: string) => persona(s, api, name, roleName, PASSWORD)
  const newAgency = async () => (await api('POST', '/v3.0/OS-AGENCY/agencies', { agency: { name: unique('a'), domain_id: s.account.id, trust_domain_id: ids.trusted } })).agency.id as string

  beforeAll(async () => {
    // Agency cells make fresh agencies (deletes, grant revocations): more than the clouds' 50.
    s = await startServer({ env: { IAM_QUOTAS: `${ROOMY_IAM_QUOTAS},agency=100000` } })
    admin = await s.adminToken()
    tokens.admin = admin
    tokens.secu = (await personaWithRole('p-secu', 'secu_admin')).token
    tokens.te = (await personaWithRole('p-te', 'te_admin')).token
    tokens.readonly = (await personaWithRole('p-readonly', 'readonly')).token
    EP = (await api('POST', '/v1.0/enterprise-projects', { name: 'matrix-ep' })).enterprise_project.id
    const epOne = await personaWithRole('p-ep-one', '')
    const policy = await api('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'UpdateOneEp', type: 'AX', description: 'one EP', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:enterpriseProjects:update'] }] } } })
    await api('PUT', `/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups/${epOne.group}/roles/${policy.role.id}`)
    tokens.ep_one = epOne.token
    tokens.none = (await personaWithRole('p-none', '')).token
    const disabled = await personaWithRole('p-disabled', 'secu_admin')
    tokens.disabled = disabled.token
    await api('PATCH', `/v3/users/${disabled.user}`, { user: { enabled: false } })
    const other = await createAccount(s, 'matrix-other', PASSWORD)
    tokens.other = await tokenFor(s, 'admin', PASSWORD, other.name)
    ids.otherAccount = other.id

    // Shared targets; deletes make their own in request().
    ids.target = (await api('POST', '/v3/users', { user: { name: 'target', password: PASSWORD } })).user.id
    ids.group = await newGroup()
    await api('PUT', `/v3/groups/${ids.group}/users/${ids.target}`)
    ids.project = (await api('POST', '/v3/projects', { project: { name: 'cn-north-4_matrix' } })).project.id
    ids.region = 'cn-north-4'
    ids.secuRole = await roleByName('secu_admin')
    ids.aaRole = await roleByName('te_admin')
    ids.epPolicy = await roleByName('eps_full_access')
    ids.custom = (await api('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'Shared', type: 'AX', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:get*'] }] } } })).role.id
    ids.credential = (await api('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: ids.target } })).credential.access
    for (const [family, target] of [['domains', s.account.id], ['projects', ids.project]] as const) {
      for (const actor of ['groups', 'users'] as const) {
        await api('PUT', `/v3/${family}/${target}/${actor}/${actor === 'groups' ? ids.group : ids.target}/roles/${ids.aaRole}`)
      }
    }
    await api('PUT', `/v3/OS-INHERIT/domains/${s.account.id}/groups/${ids.group}/roles/${ids.aaRole}/inherited_to_projects`)

    // The agency persona: 'matrix-agency' of this account, holding one custom AX policy on the
    // account (AGENCY_POLICY_ACTIONS), assumed by matrix-trusted's Agent Operator.
    const agencyPolicy = await api('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'MatrixAgency', type: 'AX', description: 'the agency persona', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: AGENCY_POLICY_ACTIONS }] } } })
    const agency = await agencyPersona(s, api, 'matrix-trusted', 'matrix-agency', agencyPolicy.role.id, PASSWORD)
    tokens.agency = agency.token
    newAgencyToken = agency.assume
    ids.agencyPersona = agency.agency
    ids.trusted = agency.trusted.id
    ids.trustedName = agency.trusted.name
    // Every agency here trusts matrix-trusted; the agency cells read, change and grant to this one (never the persona's own).
    ids.agency = await newAgency()
  }, 120_000)
  afterAll(() => s.close())

  type Actor = 'groups' | 'users' | 'agencies'
  /** A grant family's four operations: HEAD needs the grant, DELETE a fresh one. */
  const grantCases = (base: (a: string) => string, suffix: string, actor: Actor, role: () => string, other: Case['other']): Record<string, Case> => {
    const actorId = async (fresh: boolean) => (fresh ? { groups: newGroup, users: newUser, agencies: newAgency }[actor]() : { groups: ids.group!, users: ids.target!, agencies: ids.agency! }[actor])
    return {
      PUT: { request: async () => ({ path: `${base(await actorId(false))}/roles/${role()}${suffix}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other },
      HEAD: { request: async () => ({ path: `${base(await actorId(false))}/roles/${role()}${suffix}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other },
      DELETE: {
        request: async () => {
          const path = `${base(await actorId(true))}/roles/${role()}${suffix}`
          await api('PUT', path)
          return { path }
        },
        okStatus: 204, allowed: IDENTITY_ADMINS, other,
      },
      GET: { request: async () => ({ path: `${base(await actorId(false))}/roles${suffix}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other },
    }
  }

  const cases = (): Record<string, Case> => {
    const subject = (h: Record<string, string>) => ({ headers: h })
    const subjectToken = (p: Persona) => (p === 'agency' ? newAgencyToken() : newSubjectToken())
    /** An agency is no user: where it asks about itself by id, the user is not found. */
    const agencyIsNoUser = notFound('user', ids.agencyPersona!)
    const c: Record<string, Case> = {
      // The agency persona validates, checks and revokes a token of its own (a fresh one: the revoke ends it), as anyone may.
      'GET /v3/auth/tokens': { request: async (p) => ({ path: '/v3/auth/tokens?nocatalog', ...subject({ 'x-subject-token': await subjectToken(p) }) }), okStatus: 200, allowed: IDENTITY_ADMINS, other: { status: 403, body: forbidden('identity:validate_token') }, agency: { status: 200 } },
      'HEAD /v3/auth/tokens': { request: async (p) => ({ path: '/v3/auth/tokens', ...subject({ 'x-subject-token': await subjectToken(p) }) }), okStatus: 200, allowed: IDENTITY_ADMINS, other: { status: 403 }, agency: { status: 200 } },
      'DELETE /v3/auth/tokens': { request: async (p) => ({ path: '/v3/auth/tokens', ...subject({ 'x-subject-token': await subjectToken(p) }) }), okStatus: 204, allowed: IDENTITY_ADMINS, other: { status: 403, body: forbidden('identity:revoke_token') }, agency: { status: 204 } },
      'GET /v3/regions': { request: async () => ({ path: '/v3/regions' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/regions/:region_id': { request: async () => ({ path: `/v3/regions/${ids.region}` }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/auth/domains': { request: async () => ({ path: '/v3/auth/domains' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/auth/projects': { request: async () => ({ path: '/v3/auth/projects' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/users/:user_id/projects': { request: async (p) => ({ path: `/v3/users/${selfOr(p, ids.target!)}/projects` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('user', ids.target!), agency: agencyIsNoUser },
      'GET /v3/domains': { request: async () => ({ path: '/v3/domains' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/domains/:domain_id': { request: async () => ({ path: `/v3/domains/${s.account.id}` }), okStatus: 200, allowed: ANY_LIVE, other: notFound('domain', s.account.id) },
      'POST /v3/domains': { request: async () => ({ path: '/v3/domains', body: { domain: { name: unique('d') } } }), okStatus: 201, allowed: [], other: { status: 403, body: forbidden('identity:create_domain') } },
      'PATCH /v3/domains/:domain_id': { request: async () => ({ path: `/v3/domains/${s.account.id}`, body: { domain: { description: 'x' } } }), okStatus: 200, allowed: [], other: { status: 403, body: forbidden('identity:update_domain') } },
      'DELETE /v3/domains/:domain_id': { request: async () => ({ path: `/v3/domains/${s.account.id}` }), okStatus: 204, allowed: [], other: { status: 403, body: forbidden('identity:delete_domain') } },
      'GET /v3/projects': { request: async () => ({ path: '/v3/projects' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'POST /v3/projects': { request: async () => ({ path: '/v3/projects', body: { project: { name: unique('cn-north-4_p') } } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok' },
      'GET /v3/projects/:project_id': { request: async () => ({ path: `/v3/projects/${ids.project}` }), okStatus: 200, allowed: ANY_LIVE.filter((p) => p !== 'other'), other: notFound('project', ids.project!) },
      'PATCH /v3/projects/:project_id': { request: async () => ({ path: `/v3/projects/${ids.project}`, body: { project: { description: unique('d') } } }), okStatus: 200, allowed: IDENTITY_ADMINS_AND_AGENCY, other: notFound('project', ids.project!) },
      'DELETE /v3/projects/:project_id': {
        request: async () => ({ path: `/v3/projects/${ids.project}` }), okStatus: 403, allowed: IDENTITY_ADMINS,
        okBody: forbidden('projects cannot be deleted on huaweicloud'), other: { status: 403, body: forbidden('projects cannot be deleted on huaweicloud') },
      },
      'GET /v3-ext/projects/:project_id': { request: async () => ({ path: `/v3-ext/projects/${ids.project}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('project', ids.project!) },
      'PUT /v3-ext/projects/:project_id': { request: async () => ({ path: `/v3-ext/projects/${ids.project}`, body: { project: { status: 'normal' } } }), okStatus: 204, allowed: IDENTITY_ADMINS_AND_AGENCY, other: notFound('project', ids.project!) },
      'GET /v3/users': { request: async () => ({ path: '/v3/users' }), okStatus: 200, allowed: IDENTITY_ADMINS_AND_AGENCY, other: 'ok' },
      'POST /v3/users': { request: async () => ({ path: '/v3/users', body: { user: { name: unique('n'), password: PASSWORD } } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok' },
      'GET /v3/users/:user_id': { request: async () => ({ path: `/v3/users/${ids.target}` }), okStatus: 200, allowed: IDENTITY_ADMINS_AND_AGENCY, other: notFound('user', ids.target!) },
      'PATCH /v3/users/:user_id': { request: async () => ({ path: `/v3/users/${ids.target}`, body: { user: { description: unique('d') } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('user', ids.target!) },
      'DELETE /v3/users/:user_id': { request: async () => ({ path: `/v3/users/${await newUser()}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other: notFoundIn('user', 'users') },
      'POST /v3/users/:user_id/password': {
        request: async (p) => ({ path: `/v3/users/${selfOr(p, ids.target!)}/password`, body: { user: { original_password: PASSWORD, password: 'Other-Passw0rd!' } } }),
        okStatus: 204, allowed: [], other: { status: 403, body: forbidden('identity:change_password') }, agency: agencyIsNoUser,
      },
      'GET /v3/users/:user_id/groups': { request: async (p) => ({ path: `/v3/users/${selfOr(p, ids.target!)}/groups` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('user', ids.target!), agency: agencyIsNoUser },
      'GET /v3/groups': { request: async () => ({ path: '/v3/groups' }), okStatus: 200, allowed: IDENTITY_ADMINS, other: 'ok' },
      'POST /v3/groups': { request: async () => ({ path: '/v3/groups', body: { group: { name: unique('ng') } } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok' },
      'GET /v3/groups/:group_id': { request: async () => ({ path: `/v3/groups/${ids.group}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('group', ids.group!) },
      'PATCH /v3/groups/:group_id': { request: async () => ({ path: `/v3/groups/${ids.group}`, body: { group: { description: unique('d') } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('group', ids.group!) },
      'DELETE /v3/groups/:group_id': { request: async () => ({ path: `/v3/groups/${await newGroup()}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other: notFoundIn('group', 'groups') },
      'GET /v3/groups/:group_id/users': { request: async () => ({ path: `/v3/groups/${ids.group}/users` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('group', ids.group!) },
      'PUT /v3/groups/:group_id/users/:user_id': { request: async () => ({ path: `/v3/groups/${ids.group}/users/${await newUser()}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other: notFound('group', ids.group!) },
      'HEAD /v3/groups/:group_id/users/:user_id': { request: async () => ({ path: `/v3/groups/${ids.group}/users/${ids.target}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other: { status: 404 } },
      'DELETE /v3/groups/:group_id/users/:user_id': {
        request: async () => {
          const user = await newUser()
          await api('PUT', `/v3/groups/${ids.group}/users/${user}`)
          return { path: `/v3/groups/${ids.group}/users/${user}` }
        },
        okStatus: 204, allowed: IDENTITY_ADMINS, other: notFound('group', ids.group!),
      },
      'GET /v3/roles': { request: async () => ({ path: '/v3/roles' }), okStatus: 200, allowed: IDENTITY_ADMINS, other: 'ok' },
      'GET /v3/roles/:role_id': { request: async () => ({ path: `/v3/roles/${ids.secuRole}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: 'ok' },
      'GET /v3.0/OS-ROLE/roles': { request: async () => ({ path: '/v3.0/OS-ROLE/roles' }), okStatus: 200, allowed: IDENTITY_ADMINS, other: 'ok' },
      'POST /v3.0/OS-ROLE/roles': { request: async () => ({ path: '/v3.0/OS-ROLE/roles', body: { role: { display_name: unique('P'), type: 'AX', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:list*'] }] } } } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok' },
      'GET /v3.0/OS-ROLE/roles/:role_id': { request: async () => ({ path: `/v3.0/OS-ROLE/roles/${ids.custom}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('role', ids.custom!) },
      'PATCH /v3.0/OS-ROLE/roles/:role_id': { request: async () => ({ path: `/v3.0/OS-ROLE/roles/${ids.custom}`, body: { role: { display_name: 'Shared', type: 'AX', description: unique('d'), policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:get*'] }] } } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('role', ids.custom!) },
      'DELETE /v3.0/OS-ROLE/roles/:role_id': {
        request: async () => ({ path: `/v3.0/OS-ROLE/roles/${(await api('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: unique('D'), type: 'AX', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:get*'] }] } } })).role.id}` }),
        okStatus: 200, allowed: IDENTITY_ADMINS, other: notFoundIn('role', 'roles'),
      },
      'GET /v3/role_assignments': { request: async () => ({ path: '/v3/role_assignments' }), okStatus: 200, allowed: IDENTITY_ADMINS, other: 'ok' },
      'GET /v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/groups': { request: async () => ({ path: `/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('enterprise project', EP) },
      'GET /v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/users': { request: async () => ({ path: `/v3.0/OS-PERMISSION/enterprise-projects/${EP}/users` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('enterprise project', EP) },
      'GET /v3.0/OS-PERMISSION/groups/:group_id/enterprise-projects': { request: async () => ({ path: `/v3.0/OS-PERMISSION/groups/${ids.group}/enterprise-projects` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('group', ids.group!) },
      'GET /v3.0/OS-PERMISSION/users/:user_id/enterprise-projects': { request: async () => ({ path: `/v3.0/OS-PERMISSION/users/${ids.target}/enterprise-projects` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('user', ids.target!) },
      // The agency persona asks for permanent keys of its own, and lists its own (no user_id): an
      // agency is no user and holds none, so both are refused with 403 naming the action.
      'POST /v3.0/OS-CREDENTIAL/credentials': {
        request: async (p) => ({ path: '/v3.0/OS-CREDENTIAL/credentials', body: { credential: { user_id: p === 'agency' ? ids.agencyPersona! : await newUser() } } }), okStatus: 201, allowed: IDENTITY_ADMINS,
        other: (req) => notFound('user', (req.body as { credential: { user_id: string } }).credential.user_id), agency: { status: 403, body: forbidden('identity:create_credential') },
      },
      'GET /v3.0/OS-CREDENTIAL/credentials': {
        request: async (p) => ({ path: p === 'agency' ? '/v3.0/OS-CREDENTIAL/credentials' : `/v3.0/OS-CREDENTIAL/credentials?user_id=${ids.target}` }), okStatus: 200, allowed: IDENTITY_ADMINS,
        other: notFound('user', ids.target!), agency: { status: 403, body: forbidden('identity:list_credentials') },
      },
      'GET /v3.0/OS-CREDENTIAL/credentials/:access_key': { request: async () => ({ path: `/v3.0/OS-CREDENTIAL/credentials/${ids.credential}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('credential', ids.credential!) },
      'PUT /v3.0/OS-CREDENTIAL/credentials/:access_key': { request: async () => ({ path: `/v3.0/OS-CREDENTIAL/credentials/${ids.credential}`, body: { credential: { description: unique('d') } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('credential', ids.credential!) },
      'DELETE /v3.0/OS-CREDENTIAL/credentials/:access_key': {
        request: async () => ({ path: `/v3.0/OS-CREDENTIAL/credentials/${(await api('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: await newUser() } })).credential.access}` }),
        okStatus: 204, allowed: IDENTITY_ADMINS, other: notFoundIn('credential', 'credentials'),
      },
      // The clouds document the `token` method for agency tokens too: keys that act as the agency.
      'POST /v3.0/OS-CREDENTIAL/securitytokens': { request: async () => ({ path: '/v3.0/OS-CREDENTIAL/securitytokens', body: { auth: { identity: { methods: ['token'] } } } }), okStatus: 201, allowed: ANY_LIVE, other: 'ok' },
      // ---- issue 15: catalog (login tokens are public: no cell). Every persona's token is domain-scoped: no catalog to show.
      'GET /v3/auth/catalog': { request: async () => ({ path: '/v3/auth/catalog' }), okStatus: 403, allowed: ANY_LIVE, okBody: error(403, 'Forbidden', 'You are not authorized to perform the requested action.'), other: 'ok' },
      'GET /v3/services': { request: async () => ({ path: '/v3/services?type=identity' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/services/:service_id': { request: async () => ({ path: `/v3/services/${(await api('GET', '/v3/services')).services[0].id}` }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/endpoints': { request: async () => ({ path: '/v3/endpoints?interface=admin' }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      'GET /v3/endpoints/:endpoint_id': { request: async () => ({ path: `/v3/endpoints/${(await api('GET', '/v3/endpoints')).endpoints[0].id}` }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' },
      // ---- issue 15: role fields + OS-PERMISSION role-assignments
      'GET /v3.0/OS-PERMISSION/role-assignments': {
        request: async () => ({ path: `/v3.0/OS-PERMISSION/role-assignments?domain_id=${s.account.id}` }), okStatus: 200, allowed: IDENTITY_ADMINS, flat: true,
        other: { status: 403, body: forbidden(`domain_id ${s.account.id} is not the caller's account`) },
      },
      // ---- issue 15: quotas
      'GET /v3.0/OS-QUOTA/domains/:domain_id': {
        request: async () => ({ path: `/v3.0/OS-QUOTA/domains/${s.account.id}` }), okStatus: 200, allowed: ANY_LIVE,
        other: { status: 403, body: { error_msg: "Policy doesn't allow iam:quotas:listQuotas to be performed.", error_code: 'IAM.0003' } },
      },
      'GET /v3.0/OS-QUOTA/projects/:project_id': {
        request: async () => ({ path: `/v3.0/OS-QUOTA/projects/${ids.project}` }), okStatus: 200, allowed: IDENTITY_ADMINS,
        other: (req) => ({ status: 404, body: { error_msg: `Could not find project: ${req.path.split('/').pop()}.`, error_code: 'IAM.0004' } }),
        denied: { status: 403, body: { error_msg: "Policy doesn't allow iam:quotas:listQuotasForProject to be performed.", error_code: 'IAM.0003' } },
      },
    }
    const families: [string, (a: string) => string, string, Actor, () => string, Case['other']][] = [
      ['/v3/domains/:domain_id/groups/:group_id', (a) => `/v3/domains/${s.account.id}/groups/${a}`, '', 'groups', () => ids.secuRole!, notFound('domain', s.account.id)],
      ['/v3/domains/:domain_id/users/:user_id', (a) => `/v3/domains/${s.account.id}/users/${a}`, '', 'users', () => ids.secuRole!, notFound('domain', s.account.id)],
      ['/v3/projects/:project_id/groups/:group_id', (a) => `/v3/projects/${ids.project}/groups/${a}`, '', 'groups', () => ids.aaRole!, notFound('project', ids.project!)],
      ['/v3/projects/:project_id/users/:user_id', (a) => `/v3/projects/${ids.project}/users/${a}`, '', 'users', () => ids.aaRole!, notFound('project', ids.project!)],
      ['/v3/OS-INHERIT/domains/:domain_id/groups/:group_id', (a) => `/v3/OS-INHERIT/domains/${s.account.id}/groups/${a}`, '/inherited_to_projects', 'groups', () => ids.aaRole!, notFound('domain', s.account.id)],
      ['/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/groups/:group_id', (a) => `/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups/${a}`, '', 'groups', () => ids.epPolicy!, notFound('enterprise project', EP)],
      ['/v3.0/OS-PERMISSION/enterprise-projects/:enterprise_project_id/users/:user_id', (a) => `/v3.0/OS-PERMISSION/enterprise-projects/${EP}/users/${a}`, '', 'users', () => ids.epPolicy!, notFound('enterprise project', EP)],
      // ---- issue 15: grants to agencies (Tenant Administrator: any role but secu_admin and te_agency would do)
      ['/v3.0/OS-AGENCY/domains/:domain_id/agencies/:agency_id', (a) => `/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/${a}`, '', 'agencies', () => ids.aaRole!, notFound('domain', s.account.id)],
      ['/v3.0/OS-AGENCY/projects/:project_id/agencies/:agency_id', (a) => `/v3.0/OS-AGENCY/projects/${ids.project}/agencies/${a}`, '', 'agencies', () => ids.aaRole!, notFound('project', ids.project!)],
      ['/v3.0/OS-INHERIT/domains/:domain_id/agencies/:agency_id', (a) => `/v3.0/OS-INHERIT/domains/${s.account.id}/agencies/${a}`, '/inherited_to_projects', 'agencies', () => ids.aaRole!, notFound('domain', s.account.id)],
    ]
    for (const [pattern, base, suffix, actor, role, other] of families) {
      for (const [method, spec] of Object.entries(grantCases(base, suffix, actor, role, other))) {
        // The clouds' enterprise-project grants have no HEAD.
        if (method === 'HEAD' && pattern.includes('OS-PERMISSION')) continue
        const path = method === 'GET' ? `${pattern}/roles${suffix}` : `${pattern}/roles/:role_id${suffix}`
        c[`${method} ${path}`] = spec
      }
    }
    // ---- issue 15: Huawei's user API (/v3.0/OS-USER)
    const osUserBody = (persona: Persona) => ({ user: { name: unique('o'), domain_id: persona === 'other' ? ids.otherAccount! : s.account.id, password: PASSWORD } })
    c['POST /v3.0/OS-USER/users'] = { request: async (p) => ({ path: '/v3.0/OS-USER/users', body: osUserBody(p) }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok', flat: true }
    c['GET /v3.0/OS-USER/users/:user_id'] = { request: async () => ({ path: `/v3.0/OS-USER/users/${ids.target}` }), okStatus: 200, allowed: IDENTITY_ADMINS_AND_AGENCY, other: notFound('user', ids.target!), flat: true }
    c['PUT /v3.0/OS-USER/users/:user_id'] = {
      request: async () => ({ path: `/v3.0/OS-USER/users/${ids.target}`, body: { user: { description: unique('d') } } }),
      okStatus: 200, allowed: IDENTITY_ADMINS, other: notFound('user', ids.target!), flat: true,
    }
    c['PUT /v3.0/OS-USER/users/:user_id/info'] = {
      request: async (p) => ({ path: `/v3.0/OS-USER/users/${selfOr(p, ids.target!)}/info`, body: { user: { email: `${unique('m')}@example.com` } } }),
      okStatus: 204, allowed: [], other: { status: 403, body: forbidden('identity:update_user_information') }, flat: true, agency: agencyIsNoUser,
    }
    // ---- issue 15: agencies (OS-AGENCY). Every agency made here trusts matrix-trusted;
    // another account's administrator names its own account in a create, the first one's agency elsewhere.
    const agencyBody = (persona: Persona) => ({ agency: { name: unique('na'), domain_id: persona === 'other' ? ids.otherAccount! : s.account.id, trust_domain_name: ids.trustedName! } })
    c['GET /v3.0/OS-AGENCY/agencies'] = {
      request: async () => ({ path: `/v3.0/OS-AGENCY/agencies?domain_id=${s.account.id}` }), okStatus: 200, allowed: IDENTITY_ADMINS_AND_AGENCY,
      other: { status: 403, body: forbidden('identity:list_agencies') },
    }
    c['POST /v3.0/OS-AGENCY/agencies'] = { request: async (p) => ({ path: '/v3.0/OS-AGENCY/agencies', body: agencyBody(p) }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok' }
    c['GET /v3.0/OS-AGENCY/agencies/:agency_id'] = { request: async () => ({ path: `/v3.0/OS-AGENCY/agencies/${ids.agency}` }), okStatus: 200, allowed: IDENTITY_ADMINS_AND_AGENCY, other: agencyNotFound(ids.agency!) }
    c['PUT /v3.0/OS-AGENCY/agencies/:agency_id'] = {
      request: async () => ({ path: `/v3.0/OS-AGENCY/agencies/${ids.agency}`, body: { agency: { description: unique('d') } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: agencyNotFound(ids.agency!),
    }
    c['DELETE /v3.0/OS-AGENCY/agencies/:agency_id'] = {
      request: async () => ({ path: `/v3.0/OS-AGENCY/agencies/${await newAgency()}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other: (req) => agencyNotFound(req.path.split('/').pop()!),
    }
    // The clouds' batch of agency grants on enterprise projects: re-granting is a no-op, revoking needs a fresh grant.
    const epBatch = '/v3.0/OS-PERMISSION/subjects/agency/scopes/enterprise-project/role-assignments'
    const epBatchBody = (agency: string) => ({ role_assignments: [{ agency_id: agency, enterprise_project_id: EP, role_id: ids.epPolicy! }] })
    c[`PUT ${epBatch}`] = { request: async () => ({ path: epBatch, body: epBatchBody(ids.agency!) }), okStatus: 200, okEmpty: true, allowed: IDENTITY_ADMINS, other: ILLEGAL_REQUEST }
    c[`DELETE ${epBatch}`] = {
      request: async () => {
        const agency = await newAgency()
        await api('PUT', epBatch, epBatchBody(agency))
        return { path: epBatch, body: epBatchBody(agency) }
      },
      okStatus: 204, allowed: IDENTITY_ADMINS, other: ILLEGAL_REQUEST,
    }
    // ---- issue 18: the account's security policies (bodies that change nothing a later cell meets)
    // and the security compliance read, which any token of the account may make.
    const securityBodies: Record<string, unknown> = {
      'password-policy': { password_policy: {} }, 'login-policy': { login_policy: {} }, 'protect-policy': { protect_policy: { operation_protection: true } },
      'console-acl-policy': { console_acl_policy: { allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255' }] } },
      'api-acl-policy': { api_acl_policy: { allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255' }] } },
    }
    const otherAccountRefused = { status: 403, body: error(403, 'Forbidden', 'You are not authorized to perform the requested action.') }
    for (const [segment, body] of Object.entries(securityBodies)) {
      const path = `/v3.0/OS-SECURITYPOLICY/domains/:domain_id/${segment}`
      const request = async () => ({ path: path.replace(':domain_id', s.account.id), body })
      c[`GET ${path}`] = { request: async () => ({ path: path.replace(':domain_id', s.account.id) }), okStatus: 200, allowed: IDENTITY_ADMINS, other: otherAccountRefused, flat: true }
      c[`PUT ${path}`] = { request, okStatus: 200, allowed: IDENTITY_ADMINS, other: otherAccountRefused, flat: true }
    }
    const otherCompliance = { status: 403, body: error(403, 'Forbidden', 'Invalid domain specific configuration: Reading security compliance information for any domain other than the default domain is not allowed or supported.') }
    c['GET /v3/domains/:domain_id/config/security_compliance'] = {
      request: async () => ({ path: `/v3/domains/${s.account.id}/config/security_compliance` }), okStatus: 200, allowed: ANY_LIVE, other: otherCompliance,
    }
    c['GET /v3/domains/:domain_id/config/security_compliance/:option'] = {
      request: async () => ({ path: `/v3/domains/${s.account.id}/config/security_compliance/password_regex` }), okStatus: 200, allowed: ANY_LIVE, other: otherCompliance,
    }
    // ---- issue 18: virtual MFA devices and login protection (flat errors). The shared target has
    // a device and a login-protection record; unbinding and deleting need a fresh device each.
    const mfaTarget = async () => {
      if (!ids.mfaUser) {
        const user = await newUser()
        await api('POST', '/v3.0/OS-MFA/virtual-mfa-devices', { virtual_mfa_device: { name: 'matrix', user_id: user } })
        await api('PUT', `/v3.0/OS-USER/users/${user}/login-protect`, { login_protect: { enabled: false, verification_method: 'sms' } })
        ids.mfaUser = user
      }
      return ids.mfaUser
    }
    const userIn = (field: 'user_id') => (req: Request) => notFound('user', (req.body as Record<string, string>)[field]!)
    const userInQuery = (req: Request) => notFound('user', new URL(req.path, 'http://x').searchParams.get('user_id')!)
    c['POST /v3.0/OS-MFA/virtual-mfa-devices'] = {
      request: async () => ({ path: '/v3.0/OS-MFA/virtual-mfa-devices', body: { virtual_mfa_device: { name: 'm', user_id: await newUser() } } }),
      okStatus: 201, allowed: IDENTITY_ADMINS, flat: true, other: (req) => notFound('user', (req.body as { virtual_mfa_device: { user_id: string } }).virtual_mfa_device.user_id),
    }
    // Binding is the device holder's own: every persona here asks for the target, so none may.
    c['PUT /v3.0/OS-MFA/mfa-devices/bind'] = {
      request: async () => ({ path: '/v3.0/OS-MFA/mfa-devices/bind', body: { user_id: await mfaTarget(), serial_number: `iam:${s.account.id}:mfa/matrix`, authentication_code_first: '000000', authentication_code_second: '000000' } }),
      okStatus: 204, allowed: [], flat: true, other: userIn('user_id'),
    }
    c['PUT /v3.0/OS-MFA/mfa-devices/unbind'] = {
      request: async () => {
        const name = unique('mfa')
        const id = (await api('POST', '/v3/users', { user: { name, password: PASSWORD } })).user.id as string
        const { serial } = await bindDevice(s, { id, token: await tokenFor(s, name, PASSWORD, s.account.name) })
        return { path: '/v3.0/OS-MFA/mfa-devices/unbind', body: { user_id: id, serial_number: serial, authentication_code: 'any' } }
      },
      okStatus: 204, allowed: IDENTITY_ADMINS, flat: true, other: userIn('user_id'),
    }
    c['DELETE /v3.0/OS-MFA/virtual-mfa-devices'] = {
      request: async () => {
        const user = await newUser()
        const serial = (await api('POST', '/v3.0/OS-MFA/virtual-mfa-devices', { virtual_mfa_device: { name: 'd', user_id: user } })).virtual_mfa_device.serial_number as string
        return { path: `/v3.0/OS-MFA/virtual-mfa-devices?user_id=${user}&serial_number=${encodeURIComponent(serial)}` }
      },
      okStatus: 204, allowed: IDENTITY_ADMINS, flat: true, other: userInQuery,
    }
    c['GET /v3.0/OS-MFA/virtual-mfa-devices'] = { request: async () => ({ path: '/v3.0/OS-MFA/virtual-mfa-devices' }), okStatus: 200, allowed: IDENTITY_ADMINS, flat: true, other: 'ok' }
    c['GET /v3.0/OS-MFA/users/:user_id/virtual-mfa-device'] = {
      request: async () => ({ path: `/v3.0/OS-MFA/users/${await mfaTarget()}/virtual-mfa-device` }), okStatus: 200, allowed: IDENTITY_ADMINS, flat: true, other: notFoundIn('user', 'users'),
    }
    c['GET /v3.0/OS-USER/login-protects'] = { request: async () => ({ path: '/v3.0/OS-USER/login-protects' }), okStatus: 200, allowed: IDENTITY_ADMINS, flat: true, other: 'ok' }
    c['GET /v3.0/OS-USER/users/:user_id/login-protect'] = {
      request: async () => ({ path: `/v3.0/OS-USER/users/${await mfaTarget()}/login-protect` }), okStatus: 200, allowed: IDENTITY_ADMINS, flat: true, other: notFoundIn('user', 'users'),
    }
    c['PUT /v3.0/OS-USER/users/:user_id/login-protect'] = {
      request: async () => ({ path: `/v3.0/OS-USER/users/${await mfaTarget()}/login-protect`, body: { login_protect: { enabled: false, verification_method: 'email' } } }),
      okStatus: 200, allowed: IDENTITY_ADMINS, flat: true, other: notFoundIn('user', 'users'),
    }
    // The console's second step is one's own: every persona here asks for the target, so none may.
    c['POST /v3.0/OS-USER/users/:user_id/login-protect/verification-code'] = {
      request: async () => ({ path: `/v3.0/OS-USER/users/${await mfaTarget()}/login-protect/verification-code` }), okStatus: 201, allowed: [], flat: true, other: notFoundIn('user', 'users'),
    }
    c['PUT /v3.0/OS-USER/users/:user_id/login-protect/verification'] = {
      request: async () => ({ path: `/v3.0/OS-USER/users/${await mfaTarget()}/login-protect/verification`, body: { verification_code: '000000' } }), okStatus: 204, allowed: [], flat: true, other: notFoundIn('user', 'users'),
    }
    // ---- issue 20: identity federation (OS-FEDERATION). Shared targets are made at the first cell that needs
    // them: provider fed-shared (protocol saml → mapping fed-shared-map) and fed-oidc (an OIDC configuration).
    // Creates, deletes and protocol or configuration creates take fresh providers, for the two allowed personas only
    // (the clouds allow 10 providers per account). Another account's administrator finds none of them.
    const fed = '/v3/OS-FEDERATION'
    const fedRules = [{ local: [{ user: { name: 'fed-{0}' } }], remote: [{ type: 'sub' }] }]
    const fedShared = async () => {
      if (ids.fedIdp) return
      const { createOidcIdp } = await import('../helpers/oidc-idp.js')
      ids.fedSigningKey = (await createOidcIdp()).signingKey
      ids.fedMapping = 'fed-shared-map'
      await api('PUT', `${fed}/mappings/${ids.fedMapping}`, { mapping: { rules: fedRules } })
      await api('PUT', `${fed}/identity_providers/fed-shared`, { identity_provider: { enabled: true } })
      await api('PUT', `${fed}/identity_providers/fed-shared/protocols/saml`, { protocol: { mapping_id: ids.fedMapping } })
      await api('PUT', `${fed}/identity_providers/fed-oidc`, { identity_provider: { enabled: true } })
      await api('POST', `/v3.0/OS-FEDERATION/identity-providers/fed-oidc/openid-connect-config`, { openid_connect_config: oidcConfig() })
      ids.fedIdp = 'fed-shared'
    }
    const oidcConfig = () => ({ access_mode: 'program', idp_url: 'https://idp.test/realms/ci', client_id: 'projectplane-ci', signing_key: ids.fedSigningKey! })
    const fedIdp = async (p: Persona) => {
      await fedShared()
      if (!IDENTITY_ADMINS.includes(p)) return ids.fedIdp!
      const id = unique('fed-idp')
      await api('PUT', `${fed}/identity_providers/${id}`, { identity_provider: {} })
      return id
    }
    const idpNotFound = (segment: string) => notFoundIn('Identity Provider', segment)
    c[`GET ${fed}/identity_providers`] = { request: async () => ({ path: `${fed}/identity_providers` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: 'ok' }
    c[`GET ${fed}/identity_providers/:idp_id`] = { request: async () => (await fedShared(), { path: `${fed}/identity_providers/${ids.fedIdp}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers') }
    c[`PUT ${fed}/identity_providers/:idp_id`] = { request: async () => ({ path: `${fed}/identity_providers/${unique('fed-new')}`, body: { identity_provider: { description: 'm' } } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok' }
    c[`PATCH ${fed}/identity_providers/:idp_id`] = {
      request: async () => (await fedShared(), { path: `${fed}/identity_providers/${ids.fedIdp}`, body: { identity_provider: { description: unique('d') } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers'),
    }
    c[`DELETE ${fed}/identity_providers/:idp_id`] = { request: async (p) => ({ path: `${fed}/identity_providers/${await fedIdp(p)}` }), okStatus: 204, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers') }
    c[`GET ${fed}/mappings`] = { request: async () => ({ path: `${fed}/mappings` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: 'ok' }
    c[`GET ${fed}/mappings/:id`] = { request: async () => (await fedShared(), { path: `${fed}/mappings/${ids.fedMapping}` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFoundIn('mapping', 'mappings') }
    c[`PUT ${fed}/mappings/:id`] = { request: async () => ({ path: `${fed}/mappings/${unique('fed-map')}`, body: { mapping: { rules: fedRules } } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: 'ok' }
    c[`PATCH ${fed}/mappings/:id`] = {
      request: async () => (await fedShared(), { path: `${fed}/mappings/${ids.fedMapping}`, body: { mapping: { rules: fedRules } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: notFoundIn('mapping', 'mappings'),
    }
    c[`DELETE ${fed}/mappings/:id`] = {
      request: async (p) => {
        await fedShared()
        if (!IDENTITY_ADMINS.includes(p)) return { path: `${fed}/mappings/${ids.fedMapping}` }
        const id = unique('fed-map')
        await api('PUT', `${fed}/mappings/${id}`, { mapping: { rules: fedRules } })
        return { path: `${fed}/mappings/${id}` }
      },
      okStatus: 204, allowed: IDENTITY_ADMINS, other: notFoundIn('mapping', 'mappings'),
    }
    const protocols = `${fed}/identity_providers/:idp_id/protocols`
    c[`GET ${protocols}`] = { request: async () => (await fedShared(), { path: `${fed}/identity_providers/${ids.fedIdp}/protocols` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers') }
    c[`GET ${protocols}/:protocol_id`] = { request: async () => (await fedShared(), { path: `${fed}/identity_providers/${ids.fedIdp}/protocols/saml` }), okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers') }
    c[`PUT ${protocols}/:protocol_id`] = {
      request: async (p) => ({ path: `${fed}/identity_providers/${await fedIdp(p)}/protocols/oidc`, body: { protocol: { mapping_id: ids.fedMapping } } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers'),
    }
    c[`PATCH ${protocols}/:protocol_id`] = {
      request: async () => (await fedShared(), { path: `${fed}/identity_providers/${ids.fedIdp}/protocols/saml`, body: { protocol: { mapping_id: ids.fedMapping } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers'),
    }
    c[`DELETE ${protocols}/:protocol_id`] = {
      request: async (p) => {
        const idp = await fedIdp(p)
        if (idp !== ids.fedIdp) await api('PUT', `${fed}/identity_providers/${idp}/protocols/oidc`, { protocol: {} })
        return { path: `${fed}/identity_providers/${idp}/protocols/${idp === ids.fedIdp ? 'saml' : 'oidc'}` }
      },
      okStatus: 204, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers'),
    }
    const oidc = '/v3.0/OS-FEDERATION/identity-providers/:idp_id/openid-connect-config'
    const oidcPath = (idp: string) => `/v3.0/OS-FEDERATION/identity-providers/${idp}/openid-connect-config`
    c[`POST ${oidc}`] = { request: async (p) => ({ path: oidcPath(await fedIdp(p)), body: { openid_connect_config: oidcConfig() } }), okStatus: 201, allowed: IDENTITY_ADMINS, other: idpNotFound('identity-providers'), flat: true }
    c[`PUT ${oidc}`] = {
      request: async () => (await fedShared(), { path: oidcPath('fed-oidc'), body: { openid_connect_config: { client_id: unique('client-') } } }), okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity-providers'), flat: true,
    }
    c[`GET ${oidc}`] = { request: async () => (await fedShared(), { path: oidcPath('fed-oidc') }), okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity-providers'), flat: true }
    c[`GET ${fed}/domains`] = { request: async () => ({ path: `${fed}/domains` }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' }
    c[`GET ${fed}/projects`] = { request: async () => ({ path: `${fed}/projects` }), okStatus: 200, allowed: ANY_LIVE, other: 'ok' }
    // ---- issue 20: SAML metadata on fed-shared's saml protocol (the IdP-initiated sign-in is public: no cells).
    // A test IdP's metadata, made once; the show cell imports it first so there is something to show.
    const samlMetadata = async () => {
      if (!ids.samlMetadata) ids.samlMetadata = (await (await import('../helpers/saml-idp.js')).TestSamlIdp.create()).metadata()
      await fedShared()
      return { domain_id: s.account.id, xaccount_type: '', metadata: ids.samlMetadata }
    }
    const metadata = `/v3-ext/OS-FEDERATION/identity_providers/:idp_id/protocols/:protocol_id/metadata`
    const metadataPath = () => `/v3-ext/OS-FEDERATION/identity_providers/${ids.fedIdp}/protocols/saml/metadata`
    c[`POST ${metadata}`] = { request: async () => { const body = await samlMetadata(); return { path: metadataPath(), body } }, okStatus: 201, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers') }
    c[`GET ${metadata}`] = {
      request: async () => { await api('POST', metadataPath(), await samlMetadata()); return { path: metadataPath() } },
      okStatus: 200, allowed: IDENTITY_ADMINS, other: idpNotFound('identity_providers'),
    }
    return c
  }

  /** IAM routes that need a caller. */
  const matrixRoutes = () => routesNeedingCaller(s, (service) => service === 'iam')

  it('has a case for every route that needs a caller, and no case without a route', () => {
    expectOneCasePerRoute(matrixRoutes(), cases())
  })

  for (const persona of PERSONAS) {
    it(`${persona}: every route answers as the matrix says`, async () => {
      const table = cases()
      const routes = matrixRoutes()
      const mismatches: string[] = []
      for (const route of routes) {
        const key = `${route.method} ${route.url}`
        const spec = table[key]!
        const req = await spec.request(persona)
        const res = await call(`${s.url}${req.path}`, { method: route.method, token: tokens[persona], body: req.body, headers: req.headers })
        let expected: Expectation
        if (persona === 'disabled') expected = { status: 401, body: error(401, 'Unauthorized', 'The request you have made requires authentication.') }
        else if (persona === 'other' && spec.other !== 'ok') expected = typeof spec.other === 'function' ? spec.other(req) : spec.other
        else if (persona === 'agency' && spec.agency !== undefined) expected = typeof spec.agency === 'function' ? spec.agency(req) : spec.agency
        else if (spec.allowed.includes(persona) || (persona === 'other' && spec.other === 'ok')) expected = { status: spec.okStatus, body: spec.okBody }
        else expected = spec.denied ?? { status: 403, body: forbidden(route.action!) }
        if (spec.flat) expected = flatOf(expected)
        const bodyOk = route.method === 'HEAD' || expected.body === undefined || isDeepStrictEqual(res.body, expected.body)
        const okShape = expected.status >= 400 || expected.body !== undefined || route.method === 'HEAD'
          || (spec.okEmpty ? res.text === '' : res.status === 204 || (typeof res.body === 'object' && !('error' in res.body)))
        if (res.status !== expected.status || !bodyOk || !okShape) {
          mismatches.push(`${key}: expected ${expected.status} ${expected.body ? JSON.stringify(expected.body) : ''}, got ${res.status} ${res.text.slice(0, 200)}`)
        }
      }
      expect(mismatches).toEqual([])
    }, 120_000)
  }
})
