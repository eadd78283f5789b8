/**
 * Agencies end to end over two accounts (issue 15): account A makes an agency trusting account B
 * and grants it roles; B's user assumes it with a token and with temporary keys (the unmodified
 * SDK signing with them) and can do in A exactly what the grants allow; revoking the grant,
 * deleting the agency or letting it expire ends it. Plus the wire of every agency route and its
 * refusals. Runs on SQLite and on PostgreSQL (vitest projects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, createPlainUser, tokenFor } from '../helpers/fixtures.js'
import { basicCredentials, globalCredentials, iam, iamClient } from '../helpers/huawei-sdk.js'

const PASSWORD = 'Agency-Passw0rd!'
const CLOUD_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/
const FORBIDDEN_ASSUME = { error: { code: 403, message: 'You have no right to do this action', title: 'Forbidden' } }
const TITLES: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }
/** A refusal: the status and Keystone's whole error body. */
const refused = (code: number, message: string) => ({ status: code, body: { error: { code, message, title: TITLES[code] } } })
const UNAUTHORIZED = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } }

describe('agencies (huaweicloud)', () => {
  let s: TestServer
  let adminA: string
  let b: { id: string; name: string }
  let adminB: string
  let operatorId: string
  let operatorToken: string
  let outsiderToken: string
  let p1: string
  let p2: string
  let updatePolicyId: string
  let projectPolicyId: string

  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${s.url}${path}`, { token: adminA, ...init })
  const roleId = async (name: string) => (await api(`/v3/roles?name=${name}`)).body.roles[0].id as string
  const createAgency = async (agency: Record<string, unknown>) => api('/v3.0/OS-AGENCY/agencies', { method: 'POST', body: { agency: { domain_id: s.account.id, ...agency } } })
  const assume = (token: string, agencyName: string, scope?: unknown, extra: Record<string, unknown> = {}) => call(`${s.url}/v3/auth/tokens`, {
    method: 'POST', token,
    body: { auth: { identity: { methods: ['assume_role'], assume_role: { domain_id: s.account.id, agency_name: agencyName, ...extra } }, ...(scope === undefined ? {} : { scope }) } },
  })
  const temporaryKeys = (token: string, agencyName: string, extra: Record<string, unknown> = {}) => call(`${s.url}/v3.0/OS-CREDENTIAL/securitytokens`, {
    method: 'POST', token,
    body: { auth: { identity: { methods: ['assume_role'], assume_role: { domain_name: s.account.name, agency_name: agencyName, ...extra } } } },
  })
  /** Polls until the answer's status is `status`: changes reach every cache within a second. */
  const eventually = async (probe: () => Promise<{ status: number }>, status: number) => {
    const until = Date.now() + 3000
    let last = await probe()
    while (last.status !== status && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100))
      last = await probe()
    }
    expect(last.status).toBe(status)
    return last
  }

  beforeAll(async () => {
    s = await startServer()
    adminA = await s.adminToken()
    b = await createAccount(s, 'agency-trusted', PASSWORD)
    adminB = await tokenFor(s, 'admin', PASSWORD, b.name)
    operatorId = await createPlainUser(s, b.id, 'operator', PASSWORD)
    await createPlainUser(s, b.id, 'outsider', PASSWORD)
    // Agent Operator on B's account lets B's operator assume every agency trusting B.
    const teAgency = (await call(`${s.url}/v3/roles?name=te_agency`, { token: adminB })).body.roles[0].id
    expect((await call(`${s.url}/v3/domains/${b.id}/users/${operatorId}/roles/${teAgency}`, { method: 'PUT', token: adminB })).status).toBe(204)
    operatorToken = await tokenFor(s, 'operator', PASSWORD, b.name)
    outsiderToken = await tokenFor(s, 'outsider', PASSWORD, b.name)
    p1 = (await api('/v3/projects', { method: 'POST', body: { project: { name: 'cn-north-4_agency1' } } })).body.project.id
    p2 = (await api('/v3/projects', { method: 'POST', body: { project: { name: 'cn-north-4_agency2' } } })).body.project.id
    const policy = async (displayName: string, type: string, actions: string[]) => (await api('/v3.0/OS-ROLE/roles', {
      method: 'POST', body: { role: { display_name: displayName, type, description: displayName, policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: actions }] } } },
    })).body.role.id as string
    updatePolicyId = await policy('agency-project-editor', 'AX', ['iam:projects:updateProject', 'iam:projects:listProjects'])
    projectPolicyId = await policy('agency-ecs-reader', 'XA', ['ecs:*:get*'])
  })
  afterAll(() => s.close())

  describe('OS-AGENCY CRUD', () => {
    it('creates (201) with every field the SDK reads, echoing duration; lists and shows with agency_urn', async () => {
      const res = await createAgency({ name: 'crud-forever', trust_domain_name: b.name, description: 'd', duration: 'FOREVER' })
      expect(res.status, res.text).toBe(201)
      expect(res.body).toEqual({
        agency: {
          id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'crud-forever', domain_id: s.account.id, trust_domain_id: b.id, trust_domain_name: b.name,
          description: 'd', duration: 'FOREVER', expire_time: null, create_time: expect.stringMatching(CLOUD_TIME),
        },
      })
      const id = res.body.agency.id
      const shown = await api(`/v3.0/OS-AGENCY/agencies/${id}`)
      expect(shown.body.agency).toEqual({ ...res.body.agency, agency_urn: `iam::${s.account.id}:agency:crud-forever` })
      const listed = await api(`/v3.0/OS-AGENCY/agencies?domain_id=${s.account.id}&name=crud-forever`)
      expect(listed.body).toEqual({ agencies: [shown.body.agency] })
      expect((await api(`/v3.0/OS-AGENCY/agencies?domain_id=${s.account.id}&trust_domain_id=${s.account.id}`)).body).toEqual({ agencies: [] })
    })

    it('durations: none is null; ONEDAY and a number of days set expire_time from now; update counts from the update', async () => {
      const none = (await createAgency({ name: 'crud-none', trust_domain_id: b.id })).body.agency
      expect(none).toMatchObject({ duration: null, expire_time: null, description: '' })
      const oneDay = (await createAgency({ name: 'crud-oneday', trust_domain_id: b.id, duration: 'ONEDAY' })).body.agency
      expect(Date.parse(`${oneDay.expire_time}Z`) - Date.parse(`${oneDay.create_time}Z`)).toBe(86_400_000)
      const days = (await createAgency({ name: 'crud-days', trust_domain_id: b.id, duration: 20 })).body.agency
      expect(days.duration).toBe('20')
      const updated = await api(`/v3.0/OS-AGENCY/agencies/${none.id}`, { method: 'PUT', body: { agency: { duration: '3', description: 'now' } } })
      expect(updated.status).toBe(200)
      expect(updated.body.agency).toMatchObject({ id: none.id, duration: '3', description: 'now', trust_domain_id: b.id })
      expect(Date.parse(`${updated.body.agency.expire_time}Z`) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000)
      const forever = await api(`/v3.0/OS-AGENCY/agencies/${none.id}`, { method: 'PUT', body: { agency: { duration: 'FOREVER' } } })
      expect(forever.body.agency).toMatchObject({ duration: 'FOREVER', expire_time: null })
    })

    it('refuses bad input in Keystone\'s format, and a taken name with 409', async () => {
      const bad = async (agency: Record<string, unknown>) => (await createAgency(agency))
      expect((await bad({ name: 'x', trust_domain_id: b.id, duration: 'TWODAYS' }))).toMatchObject({
        status: 400, body: { error: { code: 400, title: 'Bad Request', message: "Invalid input for field 'agency/duration': 'TWODAYS' is not FOREVER, ONEDAY or a number of days from 1 to 36500" } },
      })
      expect(await bad({ name: 'x', trust_domain_id: b.id, duration: 0 })).toMatchObject(refused(400, "Invalid input for field 'agency/duration': '0' is not FOREVER, ONEDAY or a number of days from 1 to 36500"))
      expect((await bad({ name: 'x' })).body.error.message).toBe("Invalid input for field 'agency': give the trusted account as trust_domain_id or trust_domain_name")
      expect(await bad({ name: 'x', trust_domain_id: s.account.id })).toMatchObject(refused(400, "Invalid input for field 'agency/trust_domain_id': an agency cannot trust the account that makes it"))
      expect(await bad({ name: 'x', trust_domain_name: 'no-such-account' })).toMatchObject({ status: 404, body: { error: { code: 404, message: 'TrustDomainNotFound', title: 'Not Found' } } })
      expect(await bad({ name: 'x', trust_domain_id: b.id, domain_id: b.id })).toMatchObject(refused(403, `You are not authorized to perform the requested action: domain_id ${b.id} is not the caller's account.`))
      expect(await bad({ name: 'crud-forever', trust_domain_id: b.id })).toMatchObject({
        status: 409, body: { error: { code: 409, title: 'Conflict', message: 'Conflict occurred attempting to store agency - Duplicate entry.' } },
      })
      const id = (await api(`/v3.0/OS-AGENCY/agencies?name=crud-days`)).body.agencies[0].id
      expect(await api(`/v3.0/OS-AGENCY/agencies/${id}`, { method: 'PUT', body: { agency: {} } }))
        .toMatchObject(refused(400, "Invalid input for field 'agency': give at least one of trust_domain_id, trust_domain_name, description, duration"))
      expect(await api(`/v3.0/OS-AGENCY/agencies/${id}`, { method: 'PUT', body: { agency: { name: 'renamed' } } }))
        .toMatchObject(refused(400, "Invalid input for field 'agency/name': the name of an agency cannot be changed"))
      expect(await api('/v3.0/OS-AGENCY/agencies/0123456789abcdef0123456789abcdef')).toMatchObject({
        status: 404, body: { error: { code: 404, title: 'Not Found', message: 'Could not find agency: 0123456789abcdef0123456789abcdef' } },
      })
      // Another account's agency is not found, and its own list is its own.
      expect(await call(`${s.url}/v3.0/OS-AGENCY/agencies/${id}`, { token: adminB })).toMatchObject(refused(404, `Could not find agency: ${id}`))
      expect(await call(`${s.url}/v3.0/OS-AGENCY/agencies?domain_id=${s.account.id}`, { token: adminB }))
        .toMatchObject(refused(403, 'You are not authorized to perform the requested action: identity:list_agencies.'))
    })

    it('a cloud-service agency (op_svc_*) trusts no account', async () => {
      const res = await createAgency({ name: 'crud-service', trust_domain_name: 'op_svc_evs' })
      expect(res.body.agency).toMatchObject({ trust_domain_id: null, trust_domain_name: 'op_svc_evs' })
    })
  })

  describe('grants to an agency', () => {
    let agencyId: string

    beforeAll(async () => {
      agencyId = (await createAgency({ name: 'grants', trust_domain_id: b.id })).body.agency.id
    })

    it('on the account, a project and all projects: PUT 204, HEAD 204/404, GET lists, DELETE 204 then 404', async () => {
      const onDomain = `/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/${agencyId}/roles`
      const onProject = `/v3.0/OS-AGENCY/projects/${p1}/agencies/${agencyId}/roles`
      expect((await api(`${onDomain}/${updatePolicyId}`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`${onDomain}/${updatePolicyId}`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`${onDomain}/${updatePolicyId}`, { method: 'HEAD' })).status).toBe(204)
      expect((await api(`${onProject}/${projectPolicyId}`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`/v3.0/OS-AGENCY/projects/${p2}/agencies/${agencyId}/roles/${projectPolicyId}`, { method: 'HEAD' })).status).toBe(404)
      const listed = await api(onDomain)
      expect(listed.body).toEqual({ roles: [expect.objectContaining({ id: updatePolicyId, display_name: 'agency-project-editor', type: 'AX' })] })
      expect((await api(onProject)).body.roles.map((r: { id: string }) => r.id)).toEqual([projectPolicyId])
      const inherited = `/v3.0/OS-INHERIT/domains/${s.account.id}/agencies/${agencyId}/roles`
      expect((await api(`${inherited}/${projectPolicyId}/inherited_to_projects`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`${inherited}/${projectPolicyId}/inherited_to_projects`, { method: 'HEAD' })).status).toBe(204)
      const all = await api(`${inherited}/inherited_to_projects`)
      expect(all.body).toMatchObject({ roles: [{ id: projectPolicyId, links: { self: expect.stringContaining(`/v3/roles/${projectPolicyId}`) } }], links: { self: expect.stringContaining('/inherited_to_projects') } })
      expect((await api(`${inherited}/${projectPolicyId}/inherited_to_projects`, { method: 'DELETE' })).status).toBe(204)
      expect((await api(`${inherited}/${projectPolicyId}/inherited_to_projects`, { method: 'DELETE' })).status).toBe(404)
      // The clouds' assignment query shows them with the agency as subject.
      const assignments = await api(`/v3.0/OS-PERMISSION/role-assignments?domain_id=${s.account.id}&subject.agency_id=${agencyId}`)
      expect(assignments.body.role_assignments).toEqual(expect.arrayContaining([
        { role: { id: updatePolicyId }, agency: { id: agencyId }, scope: { domain: { id: s.account.id } }, is_inherited: false },
        { role: { id: projectPolicyId }, agency: { id: agencyId }, scope: { project: { id: p1 } }, is_inherited: false },
      ]))
      expect(assignments.body.total_num).toBe(2)
    })

    it('refuses Security Administrator and Agent Operator (403), wrong role types (400), unknown agency or role (404)', async () => {
      const onDomain = `/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/${agencyId}/roles`
      for (const name of ['secu_admin', 'te_agency']) {
        expect(await api(`${onDomain}/${await roleId(name)}`, { method: 'PUT' })).toMatchObject({
          status: 403, body: { error: { code: 403, title: 'Forbidden', message: 'You are not authorized to perform the requested action.' } },
        })
      }
      expect((await api(`${onDomain}/${projectPolicyId}`, { method: 'PUT' })).status).toBe(400)
      expect((await api(`/v3.0/OS-AGENCY/projects/${p1}/agencies/${agencyId}/roles/${updatePolicyId}`, { method: 'PUT' })).status).toBe(400)
      expect(await api(`/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/0123456789abcdef0123456789abcdef/roles/${updatePolicyId}`, { method: 'PUT' })).toMatchObject({
        status: 404, body: { error: { message: 'Could not find agency: 0123456789abcdef0123456789abcdef' } },
      })
      expect((await api(`${onDomain}/0123456789abcdef0123456789abcdef`, { method: 'PUT' })).status).toBe(404)
    })

    it('on enterprise projects, as one batch: PUT 200 with no body, DELETE 204, any bad entry 400 Illegal request and nothing applied', async () => {
      const path = '/v3.0/OS-PERMISSION/subjects/agency/scopes/enterprise-project/role-assignments'
      const eps = await roleId('eps_read_only_access')
      const entry = { agency_id: agencyId, enterprise_project_id: '0', role_id: eps }
      const put = await api(path, { method: 'PUT', body: { role_assignments: [entry] } })
      expect(put.status).toBe(200)
      expect(put.text).toBe('')
      const listed = async () => (await api(`/v3.0/OS-PERMISSION/role-assignments?domain_id=${s.account.id}&subject.agency_id=${agencyId}&scope=enterprise_project`)).body.role_assignments
      expect(await listed()).toEqual([{ role: { id: eps }, agency: { id: agencyId }, scope: { enterprise_project: { id: '0' } }, is_inherited: false }])
      const illegal = { status: 400, body: { error: { code: 400, message: 'Illegal request', title: 'Bad Request' } } }
      expect(await api(path, { method: 'DELETE', body: { role_assignments: [entry, { ...entry, agency_id: 'nope' }] } })).toMatchObject(illegal)
      expect(await api(path, { method: 'PUT', body: { role_assignments: [] } })).toMatchObject(illegal)
      expect(await api(path, { method: 'PUT', body: {} })).toMatchObject(illegal)
      expect(await listed()).toHaveLength(1)
      expect((await api(path, { method: 'DELETE', body: { role_assignments: [entry] } })).status).toBe(204)
      expect((await api(path, { method: 'DELETE', body: { role_assignments: [entry] } })).status).toBe(204)
      expect(await listed()).toEqual([])
    })
  })

  describe('using an agency', () => {
    let agencyId: string
    const onDomain = () => `/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/${agencyId}/roles/${updatePolicyId}`

    beforeAll(async () => {
      agencyId = (await createAgency({ name: 'ops', trust_domain_name: b.name, duration: 'FOREVER' })).body.agency.id
      expect((await api(onDomain(), { method: 'PUT' })).status).toBe(204)
      expect((await api(`/v3.0/OS-AGENCY/projects/${p1}/agencies/${agencyId}/roles/${projectPolicyId}`, { method: 'PUT' })).status).toBe(204)
    })

    it('assume_role gives a token of the agency in A with assumed_by, exactly its grants per scope', async () => {
      const res = await assume(operatorToken, 'ops', { domain: { id: s.account.id } })
      expect(res.status, res.text).toBe(201)
      const token = res.body.token
      expect(token).toMatchObject({
        methods: ['assume_role'],
        user: { id: agencyId, name: `${s.account.name}/ops`, domain: { id: s.account.id, name: s.account.name } },
        domain: { id: s.account.id, name: s.account.name },
        roles: [{ id: updatePolicyId, name: expect.any(String) }],
        assumed_by: { user: { id: operatorId, name: 'operator', domain: { id: b.id, name: b.name }, password_expires_at: '' } },
      })
      expect(token.user).not.toHaveProperty('password_expires_at')
      const inP1 = await assume(operatorToken, 'ops', { project: { id: p1 } })
      expect(inP1.body.token.roles.map((r: { id: string }) => r.id)).toEqual([projectPolicyId])
      const inP2 = await assume(operatorToken, 'ops', { project: { name: 'cn-north-4_agency2' } }, { agency_name: undefined, xrole_name: 'ops' })
      expect(inP2.status).toBe(201)
      expect(inP2.body.token.roles).toEqual([])
      // GET /v3/auth/tokens validates it like any token.
      const validated = await call(`${s.url}/v3/auth/tokens`, { token: adminA, headers: { 'x-subject-token': res.headers.get('x-subject-token')! } })
      expect(validated.body.token.user.id).toBe(agencyId)
    })

    it('the agency token does in A what the grant allows, traced with both identities, and nothing else', async () => {
      const agencyToken = (await assume(operatorToken, 'ops')).headers.get('x-subject-token')!
      const patch = await call(`${s.url}/v3/projects/${p1}`, { method: 'PATCH', token: agencyToken, body: { project: { description: 'by the agency' } } })
      expect(patch.status, patch.text).toBe(200)
      expect((await call(`${s.url}/v3/users`, { token: agencyToken })).status).toBe(403)
      expect((await call(`${s.url}/v3/projects/${p1}`, { method: 'PATCH', token: operatorToken, body: { project: { description: 'not B' } } })).status).toBe(403)
      const traces = await api(`/v3/${s.account.id}/traces?service_type=IAM&resource_id=${p1}&trace_name=updateProject`)
      expect(traces.status, traces.text).toBe(200)
      expect(traces.body.traces[0].user).toEqual({
        id: agencyId, name: `${s.account.name}/ops`, domain: { id: s.account.id, name: s.account.name }, type: 'AssumedAgency',
        assumed_by: { user: { id: operatorId, name: 'operator' }, domain: { id: b.id, name: b.name } },
      })
      // The assumption itself is traced in A, on the agency, with both identities.
      const assumed = await api(`/v3/${s.account.id}/traces?service_type=IAM&resource_id=${agencyId}&trace_name=assumeRole`)
      expect(assumed.body.traces[0]).toMatchObject({ resource_type: 'agency', resource_name: 'ops', user: { id: agencyId, type: 'AssumedAgency', assumed_by: { user: { id: operatorId } } } })
    })

    it('temporary keys by agency: the SDK signs with them and acts as the agency in A', async () => {
      const res = await temporaryKeys(operatorToken, 'ops', { duration_seconds: 900, session_user: { name: 'ci-run' } })
      expect(res.status, res.text).toBe(201)
      expect(res.body.credential).toEqual({ access: expect.any(String), secret: expect.any(String), securitytoken: expect.any(String), expires_at: expect.any(String) })
      const { access, secret, securitytoken } = res.body.credential
      const client = iamClient(globalCredentials({ access, secret, securityToken: securitytoken }, s.account.id), s.url)
      const onP1 = iamClient(basicCredentials({ access, secret, securityToken: securitytoken }, p1), s.url)
      const updated = await onP1.keystoneUpdateProject(new iam.KeystoneUpdateProjectRequest()
        .withBody(new iam.KeystoneUpdateProjectRequestBody().withProject(new iam.KeystoneUpdateProjectOption().withDescription('by agency keys'))))
      expect(updated.project.description).toBe('by agency keys')
      await expect(client.keystoneListUsers(new iam.KeystoneListUsersRequest())).rejects.toMatchObject({ httpStatusCode: 403 })
      // Without a domain id the SDK asks /v3/auth/domains which account the keys act in: A.
      const discovering = iamClient(globalCredentials({ access, secret, securityToken: securitytoken }), s.url)
      const regions = await discovering.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName('cn-north-4'))
      expect(regions.projects).toEqual([expect.objectContaining({ name: 'cn-north-4', domain_id: s.account.id })])
      expect((await discovering.keystoneListAuthDomains(new iam.KeystoneListAuthDomainsRequest())).domains).toEqual([expect.objectContaining({ id: s.account.id })])
      // A login ticket from agency keys with a session name: federation_proxy with both identities.
      const ticket = await call(`${s.url}/v3.0/OS-AUTH/securitytoken/logintokens`, { method: 'POST', body: { auth: { securitytoken: { access, secret, id: securitytoken } } } })
      expect(ticket.status, ticket.text).toBe(201)
      expect(ticket.body.logintoken).toMatchObject({
        domain_id: s.account.id, method: 'federation_proxy', user_id: agencyId, user_name: `${s.account.name}/ops`, session_name: 'ci-run',
        session_user_id: operatorId, assumed_by: { user: { id: operatorId, name: 'operator', domain: { id: b.id, name: b.name } } },
      })
      // The `token` method with an agency's token: keys that act as the same agency.
      const agencyToken = (await assume(operatorToken, 'ops')).headers.get('x-subject-token')!
      const byToken = await call(`${s.url}/v3.0/OS-CREDENTIAL/securitytokens`, { method: 'POST', token: agencyToken, body: { auth: { identity: { methods: ['token'] } } } })
      expect(byToken.status, byToken.text).toBe(201)
      const viaToken = byToken.body.credential
      const onP1ViaToken = iamClient(basicCredentials({ access: viaToken.access, secret: viaToken.secret, securityToken: viaToken.securitytoken }, p1), s.url)
      expect((await onP1ViaToken.keystoneShowProject(new iam.KeystoneShowProjectRequest())).project.id).toBe(p1)
      await expect(iamClient(globalCredentials({ access: viaToken.access, secret: viaToken.secret, securityToken: viaToken.securitytoken }), s.url)
        .keystoneListUsers(new iam.KeystoneListUsersRequest())).rejects.toMatchObject({ httpStatusCode: 403 })
      const unnamed = (await temporaryKeys(operatorToken, 'ops')).body.credential
      expect(await call(`${s.url}/v3.0/OS-AUTH/securitytoken/logintokens`, { method: 'POST', body: { auth: { securitytoken: { access: unnamed.access, secret: unnamed.secret, id: unnamed.securitytoken } } } }))
        .toMatchObject({ status: 400, body: { error: { code: 400, message: 'The request body is invalid', title: 'Bad Request' } } })
    })

    it('only the callers the agency trusts, with the permission, may assume it; no chains', async () => {
      expect(await assume(outsiderToken, 'ops')).toMatchObject({ status: 403, body: FORBIDDEN_ASSUME })
      expect(await temporaryKeys(outsiderToken, 'ops')).toMatchObject({ status: 403, body: FORBIDDEN_ASSUME })
      // B's administrator (admin group) may; A's own administrator may not (the agency trusts B).
      expect((await assume(adminB, 'ops')).status).toBe(201)
      expect(await assume(adminA, 'ops')).toMatchObject({ status: 403, body: FORBIDDEN_ASSUME })
      const agencyToken = (await assume(operatorToken, 'ops')).headers.get('x-subject-token')!
      expect(await assume(agencyToken, 'ops')).toMatchObject({ status: 403, body: FORBIDDEN_ASSUME })
      expect((await assume(operatorToken, 'no-such-agency')).body.error).toMatchObject({ code: 404, message: 'Could not find agency: no-such-agency' })
      expect(await assume(operatorToken, 'ops', undefined, { xrole_name: 'other' }))
        .toMatchObject(refused(400, "Invalid input for field 'assume_role/xrole_name': agency_name and xrole_name name different agencies"))
      expect(await assume(operatorToken, 'ops', { project: { id: (await call(`${s.url}/v3/projects?domain_id=${b.id}`, { token: adminB })).body.projects[0].id } }))
        .toMatchObject(refused(400, "Invalid input for field 'auth/scope/project': the project is not one of the delegating account"))
      expect(await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['assume_role'], assume_role: { domain_id: s.account.id, agency_name: 'ops' } } } } }))
        .toMatchObject({ status: 401, body: UNAUTHORIZED })
      // A custom policy naming this agency lets the outsider assume it, and only it.
      const other = (await createAgency({ name: 'ops-other', trust_domain_id: b.id })).body.agency.id
      const onlyOps = (await call(`${s.url}/v3.0/OS-ROLE/roles`, {
        method: 'POST', token: adminB,
        body: { role: { display_name: 'assume-ops', type: 'AX', description: 'x', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['iam:agencies:assume'], Resource: { uri: [`/iam/agencies/${agencyId}`] } }] } } },
      })).body.role.id
      const outsiderId = (await call(`${s.url}/v3/users?name=outsider`, { token: adminB })).body.users[0].id
      expect((await call(`${s.url}/v3/domains/${b.id}/users/${outsiderId}/roles/${onlyOps}`, { method: 'PUT', token: adminB })).status).toBe(204)
      await eventually(() => assume(outsiderToken, 'ops'), 201)
      expect((await assume(outsiderToken, 'ops-other')).status).toBe(403)
      expect(other).toMatch(/^[0-9a-f]{32}$/)
    })

    it('a removed grant, an expired or a deleted agency ends its tokens and keys', async () => {
      const agency = (await createAgency({ name: 'short', trust_domain_id: b.id })).body.agency.id
      const grant = `/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/${agency}/roles/${updatePolicyId}`
      expect((await api(grant, { method: 'PUT' })).status).toBe(204)
      const token = (await assume(operatorToken, 'short')).headers.get('x-subject-token')!
      const keys = (await temporaryKeys(operatorToken, 'short')).body.credential
      const client = iamClient(basicCredentials({ access: keys.access, secret: keys.secret, securityToken: keys.securitytoken }, p2), s.url)
      const patchWithToken = () => call(`${s.url}/v3/projects/${p2}`, { method: 'PATCH', token, body: { project: { description: 'x' } } })
      const patchWithKeys = async () => {
        try {
          await client.keystoneUpdateProject(new iam.KeystoneUpdateProjectRequest()
            .withBody(new iam.KeystoneUpdateProjectRequestBody().withProject(new iam.KeystoneUpdateProjectOption().withDescription('y'))))
          return { status: 200 }
        } catch (error) {
          return { status: (error as { httpStatusCode: number }).httpStatusCode }
        }
      }
      expect((await patchWithToken()).status).toBe(200)
      expect((await patchWithKeys()).status).toBe(200)
      expect((await api(grant, { method: 'DELETE' })).status).toBe(204)
      await eventually(patchWithToken, 403)
      await eventually(patchWithKeys, 403)
      expect((await api(grant, { method: 'PUT' })).status).toBe(204)
      await eventually(patchWithToken, 200)
      // Expired: the clock is real, so the expiry is moved into the past in the store.
      await s.server.db.kysely.updateTable('agencies').set({ expire_time: '2020-01-01T00:00:00.000000Z' }).where('id', '=', agency).execute()
      await eventually(patchWithToken, 401)
      await eventually(patchWithKeys, 401)
      expect(await assume(operatorToken, 'short')).toMatchObject({ status: 403, body: FORBIDDEN_ASSUME })
      await s.server.db.kysely.updateTable('agencies').set({ expire_time: null }).where('id', '=', agency).execute()
      await eventually(patchWithToken, 200)
      expect((await api(`/v3.0/OS-AGENCY/agencies/${agency}`, { method: 'DELETE' })).status).toBe(204)
      await eventually(patchWithToken, 401)
      await eventually(patchWithKeys, 401)
      expect((await api(grant, { method: 'HEAD' })).status).toBe(404)
    })
  })
})
