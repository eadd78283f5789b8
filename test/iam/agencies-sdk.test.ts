/**
 * Every agency operation through the unmodified Huawei SDK (`@huaweicloud/huaweicloud-sdk-iam`
 * 3.1.172, IamClient), signing with access keys as it always does: each answer is compared with
 * the SDK's own response model (every field it declares, with its type: `modelMismatches`) and
 * what was written is read back. Account A makes the agencies; B's operator (Agent Operator)
 * assumes them with its permanent and temporary keys. Then what Open Telekom Cloud's clients do
 * (`xrole_name`, no `agency_urn`, no paging, no login tickets), and that Keystone has none of it.
 * Runs on SQLite and on PostgreSQL (vitest projects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, createPlainUser, tokenFor } from '../helpers/fixtures.js'
import { basicCredentials, globalCredentials, iam, iamClient, modelMismatches, type AccessKey } from '../helpers/huawei-sdk.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
const PASSWORD = 'Agency-Passw0rd!'
const CLOUD_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/
const TOKEN_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/
const NOT_FOUND = { error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' } }
/** What the SDK rejects with, or undefined when the call succeeded. */
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: any) => e)
/** Agencies never given a duration, or FOREVER, have `null` for it and for `expire_time` (spec §1.1). */
const NULLABLE_AGENCY = (at: string) => [`${at}.duration`, `${at}.expire_time`]
/**
 * What a role in a grant list leaves out of `RoleResult`: a custom policy has no `flag` (the
 * system policies' "fine_grained"), no `description_cn` unless given, no `Depends` and no
 * statement `Condition`/`Resource`; and a role's `links` is `{self}` alone on every role route,
 * though RoleResult's `Links` also declares `previous`/`next` (spec §7 shows them as null).
 */
const ROLE_OPTIONALS = ['flag', 'description_cn', 'links.previous', 'links.next', 'policy.Depends', 'policy.Statement[].Condition', 'policy.Statement[].Resource']
const roleOptionals = (at: string) => ROLE_OPTIONALS.map((f) => `${at}.${f}`)

async function accessKey(s: TestServer, token: string, userId: string): Promise<AccessKey> {
  const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: userId, description: 'sdk' } } })
  expect(created.status, created.text).toBe(201)
  return { access: created.body.credential.access, secret: created.body.credential.secret }
}

/** Account B, trusted by A's agencies, with its admin's token and a user holding Agent Operator there. */
async function trustedAccount(s: TestServer, name: string) {
  const b = await createAccount(s, name, PASSWORD)
  const adminB = await tokenFor(s, 'admin', PASSWORD, b.name)
  const operatorId = await createPlainUser(s, b.id, 'operator', PASSWORD)
  const teAgency = (await call(`${s.url}/v3/roles?name=te_agency`, { token: adminB })).body.roles[0].id
  expect((await call(`${s.url}/v3/domains/${b.id}/users/${operatorId}/roles/${teAgency}`, { method: 'PUT', token: adminB })).status).toBe(204)
  return { b, adminB, operatorId, operatorToken: await tokenFor(s, 'operator', PASSWORD, b.name) }
}

/** A's administrator's access key and the SDK client signing with it. */
async function adminClient(s: TestServer, adminA: string): Promise<{ key: AccessKey; client: any }> {
  const adminId = (await call(`${s.url}/v3/users?name=admin`, { token: adminA })).body.users[0].id
  const key = await accessKey(s, adminA, adminId)
  return { key, client: iamClient(globalCredentials(key, s.account.id), s.url) }
}

describe('agencies through the Huawei SDK (huaweicloud)', () => {
  let s: TestServer
  let adminA: string
  let b: { id: string; name: string }
  let operatorId: string
  let operatorToken: string
  let sdkA: any
  let sdkB: any
  let p1: string
  let domainPolicy: string
  let projectPolicy: string

  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${s.url}${path}`, { token: adminA, ...init })
  const onProject = (projectId: string) => iamClient(basicCredentials(keyA, projectId), s.url)
  let keyA: AccessKey
  const createAgency = (option: any) => sdkA.createAgency(new iam.CreateAgencyRequest().withBody(new iam.CreateAgencyRequestBody(option)))
  const agencyOption = (name: string) => new iam.CreateAgencyOption(name, s.account.id)

  beforeAll(async () => {
    s = await startServer()
    adminA = await s.adminToken()
    ;({ key: keyA, client: sdkA } = await adminClient(s, adminA))
    const trusted = await trustedAccount(s, 'agency-sdk-trusted')
    ;({ b, operatorId, operatorToken } = trusted)
    // B's operator signs with its own permanent key: the server takes the caller from the signature.
    sdkB = iamClient(globalCredentials(await accessKey(s, trusted.adminB, operatorId), b.id), s.url)
    p1 = (await api('/v3/projects', { method: 'POST', body: { project: { name: 'cn-north-4_agencysdk' } } })).body.project.id
    const policy = async (displayName: string, type: string, actions: string[]) => (await api('/v3.0/OS-ROLE/roles', {
      method: 'POST', body: { role: { display_name: displayName, type, description: displayName, policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: actions }] } } },
    })).body.role.id as string
    domainPolicy = await policy('sdk-project-editor', 'AX', ['iam:projects:updateProject', 'iam:projects:listProjects'])
    projectPolicy = await policy('sdk-ecs-reader', 'XA', ['ecs:*:get*'])
  })
  afterAll(() => s.close())

  describe('OS-AGENCY CRUD', () => {
    it('createAgency: CreateAgencyResponse/AgencyCreateResult, durations FOREVER, a number of days and none', async () => {
      const forever = await createAgency(agencyOption('sdk-forever').withTrustDomainName(b.name).withDescription('by the SDK').withDuration('FOREVER'))
      expect(forever.httpStatusCode).toBe(201)
      // trust_domain_name is not in AgencyCreateResult, but the docs list it (spec §10): an extra field.
      expect(modelMismatches(forever, 'CreateAgencyResponse', { nullable: ['agency.expire_time'], extra: ['agency.trust_domain_name'] })).toEqual([])
      expect(forever.agency).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'sdk-forever', domain_id: s.account.id, trust_domain_id: b.id, trust_domain_name: b.name,
        description: 'by the SDK', duration: 'FOREVER', expire_time: null, create_time: expect.stringMatching(CLOUD_TIME),
      })
      // The SDK types duration `object`: a JSON number of days is echoed as a string.
      const days = await createAgency(agencyOption('sdk-days').withTrustDomainId(b.id).withDuration(20))
      expect(modelMismatches(days, 'CreateAgencyResponse', { extra: ['agency.trust_domain_name'] })).toEqual([])
      expect(days.agency).toMatchObject({ duration: '20', trust_domain_name: b.name, description: '' })
      expect(Date.parse(`${days.agency.expire_time}Z`) - Date.parse(`${days.agency.create_time}Z`)).toBe(20 * 86_400_000)
      const none = await createAgency(agencyOption('sdk-none').withTrustDomainId(b.id))
      expect(modelMismatches(none, 'CreateAgencyResponse', { nullable: NULLABLE_AGENCY('agency'), extra: ['agency.trust_domain_name'] })).toEqual([])

      const taken = await failure(createAgency(agencyOption('sdk-forever').withTrustDomainId(b.id)))
      expect(taken).toMatchObject({ httpStatusCode: 409, errorCode: 409, errorMsg: 'Conflict occurred attempting to store agency - Duplicate entry.' })
      const noTrust = await failure(createAgency(agencyOption('sdk-x').withTrustDomainName('no-such-account')))
      expect(noTrust).toMatchObject({ httpStatusCode: 404, errorMsg: 'TrustDomainNotFound' })
    })

    it('showAgency and listAgencies: AgencyShowResult/AgencyListResult with agency_urn; filters by name and trust_domain_id', async () => {
      const created = (await createAgency(agencyOption('sdk-show').withTrustDomainId(b.id).withDescription('shown').withDuration('ONEDAY'))).agency
      const shown = await sdkA.showAgency(new iam.ShowAgencyRequest(created.id))
      expect(shown.httpStatusCode).toBe(200)
      expect(modelMismatches(shown, 'ShowAgencyResponse')).toEqual([])
      expect(shown.agency).toEqual({ ...created, agency_urn: `iam::${s.account.id}:agency:sdk-show` })
      expect(shown.agency.duration).toBe('ONEDAY')

      const byName = await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id).withName('sdk-show'))
      expect(byName.httpStatusCode).toBe(200)
      expect(modelMismatches(byName, 'ListAgenciesResponse')).toEqual([])
      expect(byName.agencies).toEqual([shown.agency])
      const all = await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id))
      expect(modelMismatches(all, 'ListAgenciesResponse', { nullable: NULLABLE_AGENCY('agencies[]') })).toEqual([])
      const byTrust = await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id).withTrustDomainId(b.id))
      expect(byTrust.agencies.map((a: any) => a.name).sort()).toEqual(all.agencies.map((a: any) => a.name).sort())
      expect((await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id).withTrustDomainId(s.account.id))).agencies).toEqual([])
      expect(await failure(sdkA.showAgency(new iam.ShowAgencyRequest('0123456789abcdef0123456789abcdef')))).toMatchObject({
        httpStatusCode: 404, errorCode: 404, errorMsg: 'Could not find agency: 0123456789abcdef0123456789abcdef',
      })
    })

    it('listAgencies pages with page and per_page (HWC): in name order of creation, together or refused', async () => {
      const all = (await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id))).agencies.map((a: any) => a.id)
      expect(all.length).toBeGreaterThanOrEqual(4)
      const page = async (n: number, per: number) => (await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id).withPage(n).withPerPage(per))).agencies.map((a: any) => a.id)
      expect(await page(1, 2)).toEqual(all.slice(0, 2))
      expect(await page(2, 2)).toEqual(all.slice(2, 4))
      expect(await page(1, 500)).toEqual(all)
      expect(await page(100, 2)).toEqual([])
      expect(await failure(sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id).withPage(1)))).toMatchObject({ httpStatusCode: 400, errorCode: 400 })
      expect(await failure(sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id).withPage(1).withPerPage(501)))).toMatchObject({ httpStatusCode: 400 })
    })

    it('updateAgency: UpdateAgencyResponse/AgencyUpdateResult, and the change reads back; deleteAgency: 204, then 404', async () => {
      const created = (await createAgency(agencyOption('sdk-update').withTrustDomainId(b.id))).agency
      const option = new iam.UpdateAgencyOption().withDescription('updated by the SDK').withDuration('3')
      const updated = await sdkA.updateAgency(new iam.UpdateAgencyRequest(created.id).withBody(new iam.UpdateAgencyRequestBody(option)))
      expect(updated.httpStatusCode).toBe(200)
      expect(modelMismatches(updated, 'UpdateAgencyResponse', { extra: ['agency.trust_domain_name'] })).toEqual([])
      expect(updated.agency).toMatchObject({ id: created.id, name: 'sdk-update', description: 'updated by the SDK', duration: '3', trust_domain_id: b.id, create_time: created.create_time })
      expect(Date.parse(`${updated.agency.expire_time}Z`) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000)
      const shown = (await sdkA.showAgency(new iam.ShowAgencyRequest(created.id))).agency
      expect(shown).toEqual({ ...updated.agency, agency_urn: `iam::${s.account.id}:agency:sdk-update` })

      const forever = await sdkA.updateAgency(new iam.UpdateAgencyRequest(created.id).withBody(new iam.UpdateAgencyRequestBody(new iam.UpdateAgencyOption().withDuration('FOREVER'))))
      expect(forever.agency).toMatchObject({ duration: 'FOREVER', expire_time: null })
      expect(await failure(sdkA.updateAgency(new iam.UpdateAgencyRequest(created.id).withBody(new iam.UpdateAgencyRequestBody(new iam.UpdateAgencyOption()))))).toMatchObject({ httpStatusCode: 400 })

      const deleted = await sdkA.deleteAgency(new iam.DeleteAgencyRequest(created.id))
      expect(deleted.httpStatusCode).toBe(204)
      expect(modelMismatches(deleted, 'DeleteAgencyResponse')).toEqual([])
      expect(await failure(sdkA.showAgency(new iam.ShowAgencyRequest(created.id)))).toMatchObject({ httpStatusCode: 404 })
      expect(await failure(sdkA.deleteAgency(new iam.DeleteAgencyRequest(created.id)))).toMatchObject({ httpStatusCode: 404 })
      expect((await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id).withName('sdk-update'))).agencies).toEqual([])
    })
  })

  describe('grants to an agency', () => {
    let agencyId: string

    beforeAll(async () => {
      agencyId = (await createAgency(agencyOption('sdk-grants').withTrustDomainId(b.id))).agency.id
    })

    it('on the account: associate 204, check 204 (404 when not held), list RoleResult, remove 204 then 404', async () => {
      const req = (cls: string) => new iam[cls](s.account.id, agencyId, domainPolicy)
      const put = await sdkA.associateAgencyWithDomainPermission(req('AssociateAgencyWithDomainPermissionRequest'))
      expect(put.httpStatusCode).toBe(204)
      expect(modelMismatches(put, 'AssociateAgencyWithDomainPermissionResponse')).toEqual([])
      const check = await sdkA.checkDomainPermissionForAgency(req('CheckDomainPermissionForAgencyRequest'))
      expect(check.httpStatusCode).toBe(204)
      expect(modelMismatches(check, 'CheckDomainPermissionForAgencyResponse')).toEqual([])
      const listed = await sdkA.listDomainPermissionsForAgency(new iam.ListDomainPermissionsForAgencyRequest(s.account.id, agencyId))
      expect(listed.httpStatusCode).toBe(200)
      expect(modelMismatches(listed, 'ListDomainPermissionsForAgencyResponse', { absent: roleOptionals('roles[]') })).toEqual([])
      expect(listed.roles).toEqual([expect.objectContaining({ id: domainPolicy, display_name: 'sdk-project-editor', type: 'AX', catalog: 'CUSTOMED', domain_id: s.account.id })])

      const removed = await sdkA.removeDomainPermissionFromAgency(req('RemoveDomainPermissionFromAgencyRequest'))
      expect(removed.httpStatusCode).toBe(204)
      expect(modelMismatches(removed, 'RemoveDomainPermissionFromAgencyResponse')).toEqual([])
      expect(await failure(sdkA.checkDomainPermissionForAgency(req('CheckDomainPermissionForAgencyRequest')))).toMatchObject({ httpStatusCode: 404 })
      expect(await failure(sdkA.removeDomainPermissionFromAgency(req('RemoveDomainPermissionFromAgencyRequest')))).toMatchObject({ httpStatusCode: 404 })
      expect((await sdkA.listDomainPermissionsForAgency(new iam.ListDomainPermissionsForAgencyRequest(s.account.id, agencyId))).roles).toEqual([])
      // A project policy (XA) cannot go on the account; Agent Operator never goes to an agency.
      expect(await failure(sdkA.associateAgencyWithDomainPermission(new iam.AssociateAgencyWithDomainPermissionRequest(s.account.id, agencyId, projectPolicy)))).toMatchObject({ httpStatusCode: 400 })
      const teAgency = (await api('/v3/roles?name=te_agency')).body.roles[0].id
      expect(await failure(sdkA.associateAgencyWithDomainPermission(new iam.AssociateAgencyWithDomainPermissionRequest(s.account.id, agencyId, teAgency)))).toMatchObject({
        httpStatusCode: 403, errorMsg: 'You are not authorized to perform the requested action.',
      })
    })

    it('on a project (the SDK takes the project from BasicCredentials): associate, check, list, remove', async () => {
      const client = onProject(p1)
      const req = (cls: string) => new iam[cls](agencyId, projectPolicy)
      expect((await client.associateAgencyWithProjectPermission(req('AssociateAgencyWithProjectPermissionRequest'))).httpStatusCode).toBe(204)
      const check = await client.checkProjectPermissionForAgency(req('CheckProjectPermissionForAgencyRequest'))
      expect(check.httpStatusCode).toBe(204)
      expect(modelMismatches(check, 'CheckProjectPermissionForAgencyResponse')).toEqual([])
      const listed = await client.listProjectPermissionsForAgency(new iam.ListProjectPermissionsForAgencyRequest(agencyId))
      expect(listed.httpStatusCode).toBe(200)
      expect(modelMismatches(listed, 'ListProjectPermissionsForAgencyResponse', { absent: roleOptionals('roles[]') })).toEqual([])
      expect(listed.roles.map((r: any) => [r.id, r.type])).toEqual([[projectPolicy, 'XA']])
      // A system role (Tenant Guest, AA) has description_cn and domain_id null.
      const readonly = (await api('/v3/roles?name=readonly')).body.roles[0].id
      expect((await client.associateAgencyWithProjectPermission(new iam.AssociateAgencyWithProjectPermissionRequest(agencyId, readonly))).httpStatusCode).toBe(204)
      const withSystem = await client.listProjectPermissionsForAgency(new iam.ListProjectPermissionsForAgencyRequest(agencyId))
      const system = withSystem.roles.find((r: any) => r.id === readonly)
      expect(modelMismatches(system, 'RoleResult', { nullable: ['domain_id'], absent: ROLE_OPTIONALS.filter((f) => f !== 'description_cn') })).toEqual([])
      expect(system).toMatchObject({ name: 'readonly', display_name: 'Tenant Guest', type: 'AA', domain_id: null, description_cn: expect.any(String) })
      expect((await client.removeProjectPermissionFromAgency(new iam.RemoveProjectPermissionFromAgencyRequest(agencyId, readonly))).httpStatusCode).toBe(204)

      const removed = await client.removeProjectPermissionFromAgency(req('RemoveProjectPermissionFromAgencyRequest'))
      expect(removed.httpStatusCode).toBe(204)
      expect(await failure(client.checkProjectPermissionForAgency(req('CheckProjectPermissionForAgencyRequest')))).toMatchObject({ httpStatusCode: 404 })
      expect((await client.listProjectPermissionsForAgency(new iam.ListProjectPermissionsForAgencyRequest(agencyId))).roles).toEqual([])
    })

    it('on all projects (OS-INHERIT): associate, check, list AgencyAllProjectRole with links, remove', async () => {
      const req = (cls: string) => new iam[cls](agencyId, s.account.id, projectPolicy)
      const put = await sdkA.associateAgencyWithAllProjectsPermission(req('AssociateAgencyWithAllProjectsPermissionRequest'))
      expect(put.httpStatusCode).toBe(204)
      expect(modelMismatches(put, 'AssociateAgencyWithAllProjectsPermissionResponse')).toEqual([])
      const check = await sdkA.checkAllProjectsPermissionForAgency(req('CheckAllProjectsPermissionForAgencyRequest'))
      expect(check.httpStatusCode).toBe(204)
      const listed = await sdkA.listAllProjectsPermissionsForAgency(new iam.ListAllProjectsPermissionsForAgencyRequest(agencyId, s.account.id))
      expect(listed.httpStatusCode).toBe(200)
      expect(modelMismatches(listed, 'ListAllProjectsPermissionsForAgencyResponse')).toEqual([])
      expect(listed).toMatchObject({
        roles: [{ id: projectPolicy, links: { self: `${s.url}/v3/roles/${projectPolicy}` } }],
        links: { self: `${s.url}/v3.0/OS-INHERIT/domains/${s.account.id}/agencies/${agencyId}/roles/inherited_to_projects` },
      })
      // The inherited grant is the agency's role in every project of A.
      const assignments = await sdkA.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id).withSubjectAgencyId(agencyId).withScopeDomainId(s.account.id).withIsInherited(true))
      expect(assignments.role_assignments).toEqual([{ role: { id: projectPolicy }, agency: { id: agencyId }, scope: { domain: { id: s.account.id } }, is_inherited: true }])

      const removed = await sdkA.removeAllProjectsPermissionFromAgency(req('RemoveAllProjectsPermissionFromAgencyRequest'))
      expect(removed.httpStatusCode).toBe(204)
      expect(modelMismatches(removed, 'RemoveAllProjectsPermissionFromAgencyResponse')).toEqual([])
      expect(await failure(sdkA.checkAllProjectsPermissionForAgency(req('CheckAllProjectsPermissionForAgencyRequest')))).toMatchObject({ httpStatusCode: 404 })
      expect((await sdkA.listAllProjectsPermissionsForAgency(new iam.ListAllProjectsPermissionsForAgencyRequest(agencyId, s.account.id))).roles).toEqual([])
    })

    it('on enterprise projects: associateRoleToAgencyOnEnterpriseProject 200, revokeRoleFromAgencyOnEnterpriseProject 204, read back through showDomainRoleAssignments', async () => {
      const eps = (await api('/v3/roles?name=eps_read_only_access')).body.roles[0].id
      const entries = [new iam.CreateAgencyEpPolicyAssignmentReqBodyRoleAssignments(agencyId, '0', eps)]
      const put = await sdkA.associateRoleToAgencyOnEnterpriseProject(new iam.AssociateRoleToAgencyOnEnterpriseProjectRequest()
        .withBody(new iam.CreateAgencyEpPolicyAssignmentReqBody(entries)))
      expect(put.httpStatusCode).toBe(200)
      // The SDK's `body` stands for the empty answer (spec §1.10: 200 with no body).
      expect(modelMismatches(put, 'AssociateRoleToAgencyOnEnterpriseProjectResponse', { absent: ['body'] })).toEqual([])
      const onEps = () => sdkA.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id).withSubjectAgencyId(agencyId).withScope('enterprise_project'))
      const listed = await onEps()
      expect(modelMismatches(listed, 'ShowDomainRoleAssignmentsResponse', { absent: ['role_assignments[].user', 'role_assignments[].group', 'role_assignments[].scope.domain', 'role_assignments[].scope.project'] })).toEqual([])
      expect(listed).toMatchObject({ total_num: 1, role_assignments: [{ role: { id: eps }, agency: { id: agencyId }, scope: { enterprise_project: { id: '0' } }, is_inherited: false }] })
      const bad = await failure(sdkA.associateRoleToAgencyOnEnterpriseProject(new iam.AssociateRoleToAgencyOnEnterpriseProjectRequest()
        .withBody(new iam.CreateAgencyEpPolicyAssignmentReqBody([...entries, new iam.CreateAgencyEpPolicyAssignmentReqBodyRoleAssignments('nope', '0', eps)]))))
      expect(bad).toMatchObject({ httpStatusCode: 400, errorCode: 400, errorMsg: 'Illegal request' })

      const revoked = await sdkA.revokeRoleFromAgencyOnEnterpriseProject(new iam.RevokeRoleFromAgencyOnEnterpriseProjectRequest()
        .withBody(new iam.CreateOrDelAgencyEpPolicyAssignmentReqBody(entries)))
      expect(revoked.httpStatusCode).toBe(204)
      expect(modelMismatches(revoked, 'RevokeRoleFromAgencyOnEnterpriseProjectResponse', { absent: ['body'] })).toEqual([])
      expect(await onEps()).toMatchObject({ total_num: 0, role_assignments: [] })
    })

    it('showDomainRoleAssignments with subject.agency_id lists domain and project grants as RoleAssignmentBody', async () => {
      expect((await sdkA.associateAgencyWithDomainPermission(new iam.AssociateAgencyWithDomainPermissionRequest(s.account.id, agencyId, domainPolicy))).httpStatusCode).toBe(204)
      expect((await onProject(p1).associateAgencyWithProjectPermission(new iam.AssociateAgencyWithProjectPermissionRequest(agencyId, projectPolicy))).httpStatusCode).toBe(204)
      const res = await sdkA.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id).withSubjectAgencyId(agencyId))
      expect(res.httpStatusCode).toBe(200)
      expect(modelMismatches(res, 'ShowDomainRoleAssignmentsResponse', {
        absent: ['role_assignments[].user', 'role_assignments[].group', 'role_assignments[].scope.domain', 'role_assignments[].scope.project', 'role_assignments[].scope.enterprise_project'],
      })).toEqual([])
      expect(res.total_num).toBe(2)
      expect(res.role_assignments).toEqual(expect.arrayContaining([
        { role: { id: domainPolicy }, agency: { id: agencyId }, scope: { domain: { id: s.account.id } }, is_inherited: false },
        { role: { id: projectPolicy }, agency: { id: agencyId }, scope: { project: { id: p1 } }, is_inherited: false },
      ]))
      const paged = await sdkA.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id).withSubject('agency').withPage(1).withPerPage(1))
      expect(paged.role_assignments).toHaveLength(1)
      expect(paged.total_num).toBeGreaterThanOrEqual(2)
    })
  })

  describe('using an agency', () => {
    let agencyId: string

    beforeAll(async () => {
      agencyId = (await createAgency(agencyOption('sdk-ops').withTrustDomainName(b.name).withDuration('FOREVER'))).agency.id
      expect((await sdkA.associateAgencyWithDomainPermission(new iam.AssociateAgencyWithDomainPermissionRequest(s.account.id, agencyId, domainPolicy))).httpStatusCode).toBe(204)
      expect((await onProject(p1).associateAgencyWithProjectPermission(new iam.AssociateAgencyWithProjectPermissionRequest(agencyId, projectPolicy))).httpStatusCode).toBe(204)
    })

    const agencyToken = (client: any, scope: any, nocatalog = true) => {
      const assume = new iam.AgencyTokenAssumerole('sdk-ops').withDomainId(s.account.id)
      const identity = new iam.AgencyTokenIdentity([iam.AgencyTokenIdentityMethodsEnum.ASSUME_ROLE ?? 'assume_role'], assume)
      const request = new iam.KeystoneCreateAgencyTokenRequest().withBody(new iam.KeystoneCreateAgencyTokenRequestBody(new iam.AgencyTokenAuth(identity, scope)))
      return client.keystoneCreateAgencyToken(nocatalog ? request.withNocatalog('true') : request)
    }
    const assumedBy = () => ({ user: { id: operatorId, name: 'operator', domain: { id: b.id, name: b.name }, password_expires_at: '' } })

    it('keystoneCreateAgencyToken signed with B\'s permanent key: KeystoneCreateAgencyTokenResponse/AgencyTokenResult, domain and project scope', async () => {
      const domain = await agencyToken(sdkB, new iam.AgencyTokenScope().withDomain(new iam.AgencyTokenScopeDomain().withId(s.account.id)))
      expect(domain.httpStatusCode).toBe(201)
      expect(modelMismatches(domain, 'KeystoneCreateAgencyTokenResponse', { absent: ['token.project', 'token.catalog'] })).toEqual([])
      expect(domain['X-Subject-Token']).toEqual(expect.any(String))
      expect(domain.token).toMatchObject({
        methods: ['assume_role'], expires_at: expect.stringMatching(TOKEN_TIME), issued_at: expect.stringMatching(TOKEN_TIME),
        user: { id: agencyId, name: `${s.account.name}/sdk-ops`, domain: { id: s.account.id, name: s.account.name } },
        domain: { id: s.account.id, name: s.account.name },
        roles: [{ id: domainPolicy, name: expect.any(String) }],
        assumed_by: assumedBy(),
      })
      // The token is the agency's in A: it validates as such and may do what the grant allows.
      const validated = await call(`${s.url}/v3/auth/tokens`, { token: adminA, headers: { 'x-subject-token': domain['X-Subject-Token'] } })
      expect(validated.body.token.user.id).toBe(agencyId)
      const patched = await call(`${s.url}/v3/projects/${p1}`, { method: 'PATCH', token: domain['X-Subject-Token'], body: { project: { description: 'by the agency token' } } })
      expect(patched.status, patched.text).toBe(200)

      const project = await agencyToken(sdkB, new iam.AgencyTokenScope().withProject(new iam.AgencyTokenScopeProject().withId(p1)), false)
      expect(modelMismatches(project, 'KeystoneCreateAgencyTokenResponse', { absent: ['token.domain'] })).toEqual([])
      expect(project.token).toMatchObject({ project: { id: p1, name: 'cn-north-4_agencysdk', domain: { id: s.account.id, name: s.account.name } }, roles: [{ id: projectPolicy }] })
      expect(project.token.catalog.length).toBeGreaterThan(0)
    })

    it('keystoneCreateAgencyToken signed with B\'s temporary key (from its token); A\'s own key may not assume it', async () => {
      const temp = await call(`${s.url}/v3.0/OS-CREDENTIAL/securitytokens`, { method: 'POST', token: operatorToken, body: { auth: { identity: { methods: ['token'], token: { duration_seconds: 900 } } } } })
      expect(temp.status, temp.text).toBe(201)
      const { access, secret, securitytoken } = temp.body.credential
      const client = iamClient(globalCredentials({ access, secret, securityToken: securitytoken }, b.id), s.url)
      const res = await agencyToken(client, new iam.AgencyTokenScope().withDomain(new iam.AgencyTokenScopeDomain().withName(s.account.name)))
      expect(res.httpStatusCode).toBe(201)
      expect(modelMismatches(res, 'KeystoneCreateAgencyTokenResponse', { absent: ['token.project', 'token.catalog'] })).toEqual([])
      expect(res.token.assumed_by).toEqual(assumedBy())
      expect(await failure(agencyToken(sdkA, new iam.AgencyTokenScope().withDomain(new iam.AgencyTokenScopeDomain().withId(s.account.id))))).toMatchObject({
        httpStatusCode: 403, errorCode: 403, errorMsg: 'You have no right to do this action',
      })
    })

    it('createTemporaryAccessKeyByAgency with session_user and duration_seconds: Credential; the keys act as the agency; createLoginToken from them', async () => {
      const assume = new iam.IdentityAssumerole('sdk-ops').withDomainId(s.account.id).withDurationSeconds(1800).withSessionUser(new iam.AssumeroleSessionuser().withName('sdk-session'))
      const body = new iam.CreateTemporaryAccessKeyByAgencyRequestBody(new iam.AgencyAuth(new iam.AgencyAuthIdentity(['assume_role'], assume)))
      const res = await sdkB.createTemporaryAccessKeyByAgency(new iam.CreateTemporaryAccessKeyByAgencyRequest().withBody(body))
      expect(res.httpStatusCode).toBe(201)
      expect(modelMismatches(res, 'CreateTemporaryAccessKeyByAgencyResponse')).toEqual([])
      expect(res.credential.expires_at).toMatch(TOKEN_TIME)
      const lifetime = (Date.parse(res.credential.expires_at) - Date.now()) / 1000
      expect(lifetime).toBeGreaterThan(1790)
      expect(lifetime).toBeLessThanOrEqual(1800)
      const key = { access: res.credential.access, secret: res.credential.secret, securityToken: res.credential.securitytoken }

      // Signed with them, the SDK is the agency in A: it finds A and what the grants allow.
      const asAgency = iamClient(globalCredentials(key), s.url)
      const projects = await asAgency.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName('cn-north-4_agencysdk'))
      expect(projects.projects.map((p: any) => p.id)).toEqual([p1])
      expect(await failure(asAgency.listAgencies(new iam.ListAgenciesRequest(s.account.id)))).toMatchObject({ httpStatusCode: 403 })

      const option = new iam.LoginTokenSecurityToken(key.access, key.secret, key.securityToken).withDurationSeconds(900)
      const ticket = await asAgency.createLoginToken(new iam.CreateLoginTokenRequest().withBody(new iam.CreateLoginTokenRequestBody(new iam.LoginTokenAuth(option))))
      expect(ticket.httpStatusCode).toBe(201)
      expect(modelMismatches(ticket, 'CreateLoginTokenResponse')).toEqual([])
      expect(ticket['X-Subject-LoginToken']).toMatch(/^[A-Za-z0-9_-]{100,}$/)
      expect(ticket.logintoken).toMatchObject({
        domain_id: s.account.id, method: 'federation_proxy', user_id: agencyId, user_name: `${s.account.name}/sdk-ops`,
        session_name: 'sdk-session', session_user_id: operatorId, assumed_by: assumedBy(),
      })

      const badDuration = new iam.IdentityAssumerole('sdk-ops').withDomainId(s.account.id).withDurationSeconds(60)
      expect(await failure(sdkB.createTemporaryAccessKeyByAgency(new iam.CreateTemporaryAccessKeyByAgencyRequest()
        .withBody(new iam.CreateTemporaryAccessKeyByAgencyRequestBody(new iam.AgencyAuth(new iam.AgencyAuthIdentity(['assume_role'], badDuration))))))).toMatchObject({ httpStatusCode: 400 })
    })

    it('showDomainQuota: type=agency counts A\'s agencies, assigment_agency_mp the most grants one agency holds', async () => {
      const quota = async (type: string) => {
        const res = await sdkA.showDomainQuota(new iam.ShowDomainQuotaRequest(s.account.id).withType(type))
        expect(modelMismatches(res, 'ShowDomainQuotaResponse')).toEqual([])
        expect(res.quotas.resources).toHaveLength(1)
        return res.quotas.resources[0]
      }
      const agencies = (await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id))).agencies.length
      expect(await quota('agency')).toEqual({ type: 'agency', quota: 50, used: agencies, min: 10, max: 300 })
      const grants = await quota('assigment_agency_mp')
      expect(grants).toEqual({ type: 'assigment_agency_mp', quota: 200, used: 2, min: 50, max: 500 })
      // A third grant on one agency (all projects) raises it; a new agency raises the count.
      expect((await sdkA.associateAgencyWithAllProjectsPermission(new iam.AssociateAgencyWithAllProjectsPermissionRequest(agencyId, s.account.id, projectPolicy))).httpStatusCode).toBe(204)
      expect((await quota('assigment_agency_mp')).used).toBe(3)
      await createAgency(agencyOption('sdk-counted').withTrustDomainId(b.id))
      expect((await quota('agency')).used).toBe(agencies + 1)
    })
  })
})

describe('agencies as Open Telekom Cloud\'s clients use them (opentelekomcloud)', () => {
  let s: TestServer
  let adminA: string
  let b: { id: string; name: string }
  let operatorId: string
  let operatorToken: string
  let sdkA: any
  let agencyId: string
  let projectId: string

  beforeAll(async () => {
    s = await startServer({ flavour: 'opentelekomcloud' })
    adminA = await s.adminToken()
    sdkA = (await adminClient(s, adminA)).client
    ;({ b, operatorId, operatorToken } = await trustedAccount(s, 'otc-trusted'))
    projectId = (await call(`${s.url}/v3/projects?name=eu-de&domain_id=${s.account.id}`, { token: adminA })).body.projects[0].id
    const created = await sdkA.createAgency(new iam.CreateAgencyRequest().withBody(new iam.CreateAgencyRequestBody(
      new iam.CreateAgencyOption('otc-ops', s.account.id).withTrustDomainName(b.name))))
    expect(created.httpStatusCode).toBe(201)
    agencyId = created.agency.id
    const readonly = (await call(`${s.url}/v3/roles?name=readonly`, { token: adminA })).body.roles[0].id
    expect((await call(`${s.url}/v3.0/OS-AGENCY/projects/${projectId}/agencies/${agencyId}/roles/${readonly}`, { method: 'PUT', token: adminA })).status).toBe(204)
  })
  afterAll(() => s.close())

  it('the SDK\'s CRUD answers are its models without agency_urn (OTC has none)', async () => {
    const created = (await sdkA.showAgency(new iam.ShowAgencyRequest(agencyId)))
    expect(modelMismatches(created, 'ShowAgencyResponse', { nullable: NULLABLE_AGENCY('agency'), absent: ['agency.agency_urn'] })).toEqual([])
    expect(created.agency).toMatchObject({ id: agencyId, name: 'otc-ops', trust_domain_id: b.id, trust_domain_name: b.name, duration: null, expire_time: null })
    expect(created.agency).not.toHaveProperty('agency_urn')
    const listed = await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id))
    expect(modelMismatches(listed, 'ListAgenciesResponse', { nullable: NULLABLE_AGENCY('agencies[]'), absent: ['agencies[].agency_urn'] })).toEqual([])
    const updated = await sdkA.updateAgency(new iam.UpdateAgencyRequest(agencyId).withBody(new iam.UpdateAgencyRequestBody(new iam.UpdateAgencyOption().withDescription('otc'))))
    expect(modelMismatches(updated, 'UpdateAgencyResponse', { nullable: NULLABLE_AGENCY('agency'), extra: ['agency.trust_domain_name'] })).toEqual([])
  })

  it('listAgencies has no paging: page and per_page are ignored, even alone or out of range', async () => {
    for (const name of ['otc-a', 'otc-b']) {
      await sdkA.createAgency(new iam.CreateAgencyRequest().withBody(new iam.CreateAgencyRequestBody(new iam.CreateAgencyOption(name, s.account.id).withTrustDomainId(b.id))))
    }
    const all = (await sdkA.listAgencies(new iam.ListAgenciesRequest(s.account.id))).agencies.map((a: any) => a.name)
    expect(all).toHaveLength(3)
    const list = async (page?: number, perPage?: number) => {
      let request = new iam.ListAgenciesRequest(s.account.id)
      if (page !== undefined) request = request.withPage(page)
      if (perPage !== undefined) request = request.withPerPage(perPage)
      return (await sdkA.listAgencies(request)).agencies.map((a: any) => a.name)
    }
    expect(await list(1, 1)).toEqual(all)
    expect(await list(2, 1)).toEqual(all)
    expect(await list(1)).toEqual(all)
    expect(await list(1, 501)).toEqual(all)
  })

  it('assume_role as gophertelekomcloud and otcextensions send it: xrole_name with domain_name, B\'s user token', async () => {
    const res = await call(`${s.url}/v3/auth/tokens`, {
      method: 'POST', token: operatorToken,
      body: { auth: { identity: { methods: ['assume_role'], assume_role: { domain_name: s.account.name, xrole_name: 'otc-ops' } }, scope: { project: { name: 'eu-de' } } } },
    })
    expect(res.status, res.text).toBe(201)
    // The header is the SDK's X-Subject-Token; the body is its AgencyTokenResult.
    expect(res.headers.get('x-subject-token')).toEqual(expect.any(String))
    expect(modelMismatches(res.body, 'KeystoneCreateAgencyTokenResponse', { absent: ['token.domain', 'X-Subject-Token'] })).toEqual([])
    expect(res.body.token).toMatchObject({
      methods: ['assume_role'], user: { id: agencyId, name: `${s.account.name}/otc-ops` }, project: { id: projectId, name: 'eu-de' },
      assumed_by: { user: { id: operatorId, name: 'operator', domain: { id: b.id, name: b.name } } },
    })
    // Temporary keys the same way; OTC has no login tickets to make from them.
    const keys = await call(`${s.url}/v3.0/OS-CREDENTIAL/securitytokens`, {
      method: 'POST', token: operatorToken,
      body: { auth: { identity: { methods: ['assume_role'], assume_role: { domain_name: s.account.name, xrole_name: 'otc-ops', duration_seconds: 900 } } } },
    })
    expect(keys.status, keys.text).toBe(201)
    expect(modelMismatches(keys.body, 'CreateTemporaryAccessKeyByAgencyResponse')).toEqual([])
    const { access, secret, securitytoken } = keys.body.credential
    const asAgency = iamClient(basicCredentials({ access, secret, securityToken: securitytoken }, projectId), s.url)
    expect((await asAgency.keystoneShowProject(new iam.KeystoneShowProjectRequest())).project.id).toBe(projectId)
    const ticket = await failure(asAgency.createLoginToken(new iam.CreateLoginTokenRequest().withBody(new iam.CreateLoginTokenRequestBody(
      new iam.LoginTokenAuth(new iam.LoginTokenSecurityToken(access, secret, securitytoken))))))
    expect(ticket).toMatchObject({ httpStatusCode: 404, errorCode: 404, errorMsg: NOT_FOUND.error.message })
    const raw = await call(`${s.url}/v3.0/OS-AUTH/securitytoken/logintokens`, { method: 'POST', body: { auth: { securitytoken: { access, secret, id: securitytoken } } } })
    expect(raw).toMatchObject({ status: 404, body: NOT_FOUND })
  })
})

describe('agencies in the keystone flavour: none', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer({ flavour: 'keystone' }); token = await s.adminToken() })
  afterAll(() => s.close())

  it('every agency route is 404 The resource could not be found.', async () => {
    const id = '0123456789abcdef0123456789abcdef'
    const d = s.account.id
    const routes: [string, string][] = [
      ['GET', '/v3.0/OS-AGENCY/agencies'], ['POST', '/v3.0/OS-AGENCY/agencies'], ['GET', `/v3.0/OS-AGENCY/agencies/${id}`],
      ['PUT', `/v3.0/OS-AGENCY/agencies/${id}`], ['DELETE', `/v3.0/OS-AGENCY/agencies/${id}`],
      ['PUT', `/v3.0/OS-AGENCY/domains/${d}/agencies/${id}/roles/${id}`], ['HEAD', `/v3.0/OS-AGENCY/domains/${d}/agencies/${id}/roles/${id}`],
      ['DELETE', `/v3.0/OS-AGENCY/domains/${d}/agencies/${id}/roles/${id}`], ['GET', `/v3.0/OS-AGENCY/domains/${d}/agencies/${id}/roles`],
      ['PUT', `/v3.0/OS-AGENCY/projects/${id}/agencies/${id}/roles/${id}`], ['GET', `/v3.0/OS-AGENCY/projects/${id}/agencies/${id}/roles`],
      ['PUT', `/v3.0/OS-INHERIT/domains/${d}/agencies/${id}/roles/${id}/inherited_to_projects`], ['GET', `/v3.0/OS-INHERIT/domains/${d}/agencies/${id}/roles/inherited_to_projects`],
      ['PUT', '/v3.0/OS-PERMISSION/subjects/agency/scopes/enterprise-project/role-assignments'],
      ['DELETE', '/v3.0/OS-PERMISSION/subjects/agency/scopes/enterprise-project/role-assignments'],
      ['GET', `/v3.0/OS-PERMISSION/role-assignments?domain_id=${d}&subject.agency_id=${id}`],
      ['POST', '/v3.0/OS-AUTH/securitytoken/logintokens'],
    ]
    for (const [method, path] of routes) {
      const body = method === 'GET' || method === 'HEAD' ? undefined : {}
      const res = await call(`${s.url}${path}`, { method, token, body })
      expect([method, path, res.status], res.text).toEqual([method, path, 404])
      if (method !== 'HEAD') expect(res.body, `${method} ${path}`).toEqual(NOT_FOUND)
    }
  })

  it('assume_role is an unsupported method: 401 for a token, 400 for temporary keys (only the token method is)', async () => {
    const assume = { methods: ['assume_role'], assume_role: { domain_id: s.account.id, agency_name: 'any' } }
    const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', token, body: { auth: { identity: assume } } })
    expect({ status: res.status, body: res.body }).toEqual({
      status: 401, body: { error: { code: 401, message: 'Attempted to authenticate with an unsupported method.', title: 'Unauthorized' } },
    })
    const keys = await call(`${s.url}/v3.0/OS-CREDENTIAL/securitytokens`, { method: 'POST', token, body: { auth: { identity: assume } } })
    expect({ status: keys.status, body: keys.body }).toEqual({
      status: 400, body: { error: { code: 400, message: "Only the 'token' method is supported for temporary access keys.", title: 'Bad Request' } },
    })
  })
})
