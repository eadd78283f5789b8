/**
 * IAM quotas (`OS-QUOTA`, spec §5) over HTTP and through the unmodified Huawei SDK: the account's
 * and a region's quotas with what is used, in the clouds' flat error style; each flavour's types
 * (Keystone: none, 404); and every limit refused at the limit with the exact error, also when
 * many creations race for the last places (exactly `limit` succeed, on SQLite and PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { basicCredentials, globalCredentials, iam, iamClient, type AccessKey } from '../helpers/huawei-sdk.js'

const PASSWORD = 'Quota-Passw0rd!'
const flat = (error_code: string, error_msg: string) => ({ error_msg, error_code })
const keystone = (message: string) => ({ error: { code: 400, title: 'Bad Request', message } })
const resource = (type: string, quota: number, used: number | null, min: number, max: number) => ({ type, quota, used, min, max })
const policyBody = (name: string) => ({ role: { display_name: name, type: 'AX', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:get*'] }] } } })

describe('OS-QUOTA (huaweicloud, the clouds\' defaults)', () => {
  let s: TestServer
  let token: string
  let regionProject: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token, ...init })

  beforeAll(async () => {
    s = await startServer({ env: { IAM_QUOTAS: '' } })
    token = await s.adminToken()
    regionProject = (await api('/v3/projects?name=cn-north-4')).body.projects[0].id
  })
  afterAll(() => s.close())

  it('GET domains/{id}: every type of the cloud with its default quota, min, max and what the account holds', async () => {
    const users = (await api('/v3/users')).body.users.length
    const groups = (await api('/v3/groups')).body.groups.length
    await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: policyBody('counted') })
    const res = await api(`/v3.0/OS-QUOTA/domains/${s.account.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      quotas: {
        resources: [
          resource('user', 50, users, 50, 1000), resource('group', 20, groups, 10, 300), resource('idp', 10, 0, 10, 20),
          resource('agency', 50, 0, 10, 300), resource('policy', 200, 1, 128, 300),
          resource('assigment_group_mp', 200, 0, 50, 500), resource('assigment_agency_mp', 200, 0, 50, 500),
          resource('assigment_group_ep', 500, 0, 50, 5000), resource('assigment_user_ep', 500, 0, 50, 5000), resource('mapping', 10, null, 10, 100),
        ],
      },
    })
  })

  it('counts per-subject grants as the most one subject holds, and filters by type', async () => {
    const group = (await api('/v3/groups', { method: 'POST', body: { group: { name: 'grants' } } })).body.group.id
    const roles = (await api('/v3/roles')).body.roles.filter((r: { type: string }) => r.type === 'XA' || r.type === 'AA').slice(0, 2)
    for (const role of roles) expect((await api(`/v3/projects/${regionProject}/groups/${group}/roles/${role.id}`, { method: 'PUT' })).status).toBe(204)
    const res = await api(`/v3.0/OS-QUOTA/domains/${s.account.id}?type=assigment_group_mp`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ quotas: { resources: [resource('assigment_group_mp', 200, 2, 50, 500)] } })
  })

  it('refuses an unknown type (IAM.0007), another account\'s domain (IAM.0003) and an unknown one (IAM.0004), in the flat style', async () => {
    expect(await api(`/v3.0/OS-QUOTA/domains/${s.account.id}?type=project`)).toMatchObject({ status: 400, body: flat('IAM.0007', 'Request parameter type is invalid.') })
    const other = await createAccount(s, 'quota-other', PASSWORD)
    expect(await api(`/v3.0/OS-QUOTA/domains/${other.id}`)).toMatchObject({ status: 403, body: flat('IAM.0003', "Policy doesn't allow iam:quotas:listQuotas to be performed.") })
    expect(await api('/v3.0/OS-QUOTA/domains/0123456789abcdef0123456789abcdef')).toMatchObject({ status: 404, body: flat('IAM.0004', 'Could not find domain: 0123456789abcdef0123456789abcdef.') })
    expect((await api(`/v3.0/OS-QUOTA/domains/${s.account.id}`, { token: 'quota-test-dead-token' })).status).toBe(401)
  })

  it('GET projects/{id}: the region\'s sub-projects, for a token scoped to it or an administrator', async () => {
    const before = (await api(`/v3.0/OS-QUOTA/projects/${regionProject}`)).body.quotas.resources[0].used
    const sub = (await api('/v3/projects', { method: 'POST', body: { project: { name: 'cn-north-4_quota' } } })).body.project.id
    expect(await api(`/v3.0/OS-QUOTA/projects/${regionProject}`)).toMatchObject({ status: 200, body: { quotas: { resources: [resource('project', 10, before + 1, 0, 50)] } } })
    // A sub-project reports its region's count.
    expect((await api(`/v3.0/OS-QUOTA/projects/${sub}`)).body).toEqual({ quotas: { resources: [resource('project', 10, before + 1, 0, 50)] } })
    // A user without grants: only with a token scoped to that very project.
    await api('/v3/users', { method: 'POST', body: { user: { name: 'plain', password: PASSWORD } } })
    const scoped = await tokenFor(s, 'plain', PASSWORD, s.account.name, { project: { id: regionProject } })
    expect((await api(`/v3.0/OS-QUOTA/projects/${regionProject}`, { token: scoped })).status).toBe(200)
    expect(await api(`/v3.0/OS-QUOTA/projects/${sub}`, { token: scoped })).toMatchObject({
      status: 403, body: flat('IAM.0003', "Policy doesn't allow iam:quotas:listQuotasForProject to be performed."),
    })
    expect(await api('/v3.0/OS-QUOTA/projects/0123456789abcdef0123456789abcdef')).toMatchObject({ status: 404, body: flat('IAM.0004', 'Could not find project: 0123456789abcdef0123456789abcdef.') })
  })

  it('through the SDK: showDomainQuota and showProjectQuota parse into QuotaResult/Resources', async () => {
    const userId = (await api('/v3/users?name=admin')).body.users[0].id
    const created = await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: userId } } })
    const key: AccessKey = { access: created.body.credential.access, secret: created.body.credential.secret }
    const global = iamClient(globalCredentials(key, s.account.id), s.url)
    const all = await global.showDomainQuota(new iam.ShowDomainQuotaRequest().withDomainId(s.account.id))
    expect(all.httpStatusCode).toBe(200)
    expect(all.quotas.resources).toHaveLength(10)
    for (const r of all.quotas.resources) {
      expect(typeof r.type).toBe('string')
      for (const field of ['quota', 'min', 'max'] as const) expect(Number.isInteger(r[field])).toBe(true)
      expect(r.used === null || Number.isInteger(r.used)).toBe(true)
    }
    const users = (await api('/v3/users')).body.users.length
    const one = await global.showDomainQuota(new iam.ShowDomainQuotaRequest().withDomainId(s.account.id).withType('user'))
    expect(one.quotas.resources).toEqual([resource('user', 50, users, 50, 1000)])
    const bad = await global.showDomainQuota(new iam.ShowDomainQuotaRequest().withDomainId(s.account.id).withType('no-such-type')).catch((e: unknown) => e)
    expect(bad).toMatchObject({ httpStatusCode: 400, errorCode: 'IAM.0007', errorMsg: 'Request parameter type is invalid.' })
    const project = iamClient(basicCredentials(key, regionProject), s.url)
    const region = await project.showProjectQuota(new iam.ShowProjectQuotaRequest())
    expect(region.httpStatusCode).toBe(200)
    expect(region.quotas.resources).toEqual([(await api(`/v3.0/OS-QUOTA/projects/${regionProject}`)).body.quotas.resources[0]])
  })
})

describe('OS-QUOTA per flavour', () => {
  /** A server of `flavour` for one test, with its administrator's token. */
  const withServer = (flavour: 'opentelekomcloud' | 'keystone', quotas: string, test: (s: TestServer, token: string) => Promise<void>) => async () => {
    const s = await startServer({ flavour, env: { IAM_QUOTAS: quotas } })
    await test(s, await s.adminToken()).finally(() => s.close())
  }

  it('opentelekomcloud: the five account types it documents', withServer('opentelekomcloud', 'group=7', async (s, token) => {
    const res = await call(`${s.url}/v3.0/OS-QUOTA/domains/${s.account.id}`, { token })
    expect(res.status).toBe(200)
    expect(res.body.quotas.resources.map((r: { type: string; quota: number }) => `${r.type}=${r.quota}`)).toEqual(['user=50', 'group=7', 'idp=10', 'agency=50', 'policy=200'])
  }))

  it('keystone: no OS-QUOTA (404 as Keystone words it) and no limits', withServer('keystone', 'user=1,group=0', async (s, token) => {
    const res = await call(`${s.url}/v3.0/OS-QUOTA/domains/${s.account.id}`, { token })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe(404)
    expect((await call(`${s.url}/v3/groups`, { method: 'POST', token, body: { group: { name: 'free', domain_id: s.account.id } } })).status).toBe(201)
    expect((await call(`${s.url}/v3/users`, { method: 'POST', token, body: { user: { name: 'free', domain_id: s.account.id } } })).status).toBe(201)
  }))
})
