/**
 * Every IAM quota enforced on create (spec §5.3, §5.4), with small limits set by `IAM_QUOTAS`:
 * users, groups, custom policies, agencies and a region's sub-projects are refused at the limit with the
 * exact error, the refused row is not there, and freeing a place lets the next one in. Then the
 * races: many creations at once against the last places, on a fresh account each; exactly as
 * many succeed as the quota leaves room for (the count and the insert are settled under one lock
 * in the database, on SQLite and on PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'

const PASSWORD = 'Quota-Passw0rd!'
const LIMITS = { user: 5, group: 4, policy: 3, project: 3, agency: 3 } as const
type Limited = keyof typeof LIMITS
const refusal = (message: string) => ({ error: { code: 400, title: 'Bad Request', message } })
const MESSAGES: Record<Limited, string> = {
  user: 'The number of IAM users has reached the maximum allowed limit.',
  group: 'The number of user groups has reached the maximum allowed limit.',
  policy: 'The number of custom policies has reached the maximum allowed limit.',
  project: 'The number of subprojects has reached the maximum allowed limit.',
  agency: 'The number of agencies has reached the maximum allowed limit.',
}
const RACERS = 10

describe('IAM quotas enforced on create (huaweicloud)', () => {
  let s: TestServer
  let n = 0
  const unique = (p: string) => `${p}${++n}`

  beforeAll(async () => {
    s = await startServer({ env: { IAM_QUOTAS: Object.entries(LIMITS).map(([t, v]) => `${t}=${v}`).join(',') } })
    await createAccount(s, 'quota-trusted', PASSWORD)
  })
  afterAll(() => s.close())

  const accountOfToken = new Map<string, string>()
  const domainOf = (token: string) => accountOfToken.get(token)!
  /** A fresh account with its administrator's token and its region project. */
  const account = async () => {
    const a = await createAccount(s, unique('quota-acct'), PASSWORD)
    const token = await tokenFor(s, 'admin', PASSWORD, a.name)
    accountOfToken.set(token, a.id)
    const region = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token })).body.projects[0].id as string
    return { ...a, token, region }
  }
  const create = (token: string, type: Limited) => {
    switch (type) {
      case 'user': return call(`${s.url}/v3/users`, { method: 'POST', token, body: { user: { name: unique('u'), password: PASSWORD } } })
      case 'group': return call(`${s.url}/v3/groups`, { method: 'POST', token, body: { group: { name: unique('g') } } })
      case 'policy': return call(`${s.url}/v3.0/OS-ROLE/roles`, {
        method: 'POST', token,
        body: { role: { display_name: unique('p'), type: 'AX', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:get*'] }] } } },
      })
      case 'project': return call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: unique('cn-north-4_p') } } })
      case 'agency': return call(`${s.url}/v3.0/OS-AGENCY/agencies`, { method: 'POST', token, body: { agency: { name: unique('a'), domain_id: domainOf(token), trust_domain_name: 'quota-trusted' } } })
    }
  }
  const used = async (acct: { id: string; token: string; region: string }, type: Limited): Promise<number> => {
    const path = type === 'project' ? `/v3.0/OS-QUOTA/projects/${acct.region}` : `/v3.0/OS-QUOTA/domains/${acct.id}?type=${type}`
    const res = await call(`${s.url}${path}`, { token: acct.token })
    expect(res.body.quotas.resources[0]).toMatchObject({ type, quota: LIMITS[type] })
    return res.body.quotas.resources[0].used
  }

  for (const type of Object.keys(LIMITS) as Limited[]) {
    it(`${type}: refused at the limit with the exact error; a freed place takes the next one`, async () => {
      const acct = await account()
      const room = LIMITS[type] - (await used(acct, type))
      expect(room).toBeGreaterThan(0)
      const made: string[] = []
      for (let i = 0; i < room; i++) {
        const res = await create(acct.token, type)
        expect(res.status, res.text).toBe(201)
        made.push((res.body.user ?? res.body.group ?? res.body.role ?? res.body.project ?? res.body.agency).id)
      }
      const refused = await create(acct.token, type)
      expect(refused.status).toBe(400)
      expect(refused.body).toEqual(refusal(MESSAGES[type]))
      expect(await used(acct, type)).toBe(LIMITS[type])
      // Another account is not limited by this one's rows.
      const other = await account()
      expect((await create(other.token, type)).status).toBe(201)
      // Deleting one frees its place (sub-projects cannot be deleted on Huawei Cloud).
      if (type !== 'project') {
        const path = { user: '/v3/users/', group: '/v3/groups/', policy: '/v3.0/OS-ROLE/roles/', agency: '/v3.0/OS-AGENCY/agencies/' }[type]
        expect((await call(`${s.url}${path}${made[0]}`, { method: 'DELETE', token: acct.token })).status).toBeLessThan(300)
        expect((await create(acct.token, type)).status).toBe(201)
        expect((await create(acct.token, type)).status).toBe(400)
      }
    })

    it(`${type}: ${RACERS} concurrent creations against the last places: exactly the room succeeds`, async () => {
      const acct = await account()
      const room = LIMITS[type] - (await used(acct, type))
      const results = await Promise.all(Array.from({ length: RACERS }, () => create(acct.token, type)))
      const statuses = results.map((r) => r.status)
      expect(statuses.filter((st) => st === 201), statuses.join(',')).toHaveLength(room)
      for (const r of results.filter((x) => x.status !== 201)) expect(r.body, r.text).toEqual(refusal(MESSAGES[type]))
      expect(await used(acct, type)).toBe(LIMITS[type])
    })
  }
})

describe('grant quotas and the groups-per-user limit (huaweicloud)', () => {
  const GRANTS = 3
  let s: TestServer
  let n = 0
  const unique = (p: string) => `${p}${++n}`
  const grantRefusal = (actor: string, target: string) => refusal(`The number of permissions of the ${actor} on ${target} has reached the maximum allowed limit.`)

  beforeAll(async () => {
    s = await startServer({ env: { IAM_QUOTAS: `assigment_group_mp=${GRANTS},assigment_group_ep=${GRANTS},assigment_user_ep=${GRANTS},assigment_agency_mp=${GRANTS}` } })
    await createAccount(s, 'grant-trusted', PASSWORD)
  })
  afterAll(() => s.close())

  /** A fresh account: its administrator's token, a group, a user, the region projects, `eps` enterprise projects and two grantable roles. */
  const account = async (eps: number) => {
    const a = await createAccount(s, unique('grant-acct'), PASSWORD)
    const token = await tokenFor(s, 'admin', PASSWORD, a.name)
    const api = async (method: string, path: string, body?: unknown) => (await call(`${s.url}${path}`, { method, token, body })).body
    const group = (await api('POST', '/v3/groups', { group: { name: 'g' } })).group.id as string
    const user = (await api('POST', '/v3/users', { user: { name: 'u', password: PASSWORD } })).user.id as string
    const agency = (await api('POST', '/v3.0/OS-AGENCY/agencies', { agency: { name: 'ag', domain_id: a.id, trust_domain_name: 'grant-trusted' } })).agency.id as string
    const regions = (await api('GET', '/v3/projects')).projects.map((p: { id: string }) => p.id) as string[]
    const enterpriseProjects: string[] = []
    for (let i = 0; i < eps; i++) enterpriseProjects.push((await api('POST', '/v1.0/enterprise-projects', { name: unique('ep') })).enterprise_project.id)
    const roleId = async (name: string) => (await api('GET', `/v3/roles?name=${name}`)).roles[0].id as string
    return { ...a, token, group, user, agency, regions, enterpriseProjects, projectRole: await roleId('te_admin'), epRole: await roleId('eps_full_access') }
  }
  type Account = Awaited<ReturnType<typeof account>>
  const KINDS = {
    'a group on IAM projects': { targets: (a: Account) => a.regions, path: (a: Account, t: string) => `/v3/projects/${t}/groups/${a.group}/roles/${a.projectRole}`, error: grantRefusal('user group', 'IAM projects'), eps: 0 },
    'a group on enterprise projects': { targets: (a: Account) => a.enterpriseProjects, path: (a: Account, t: string) => `/v3.0/OS-PERMISSION/enterprise-projects/${t}/groups/${a.group}/roles/${a.epRole}`, error: grantRefusal('user group', 'enterprise projects'), eps: RACERS },
    // An agency's quota counts its grants on the account and on projects together.
    'an agency on IAM projects': { targets: (a: Account) => a.regions, path: (a: Account, t: string) => `/v3.0/OS-AGENCY/projects/${t}/agencies/${a.agency}/roles/${a.projectRole}`, error: refusal('The number of permissions of the agency has reached the maximum allowed limit.'), eps: 0 },
    'a user on enterprise projects': { targets: (a: Account) => a.enterpriseProjects, path: (a: Account, t: string) => `/v3.0/OS-PERMISSION/enterprise-projects/${t}/users/${a.user}/roles/${a.epRole}`, error: grantRefusal('user', 'enterprise projects'), eps: RACERS },
  }

  for (const [kind, spec] of Object.entries(KINDS)) {
    it(`grants of ${kind}: refused past the quota, a repeated grant still idempotent, exactly the quota when ${RACERS} race`, async () => {
      const a = await account(spec.eps)
      const targets = spec.targets(a)
      expect(targets.length).toBeGreaterThanOrEqual(RACERS)
      const put = (t: string) => call(`${s.url}${spec.path(a, t)}`, { method: 'PUT', token: a.token })
      for (const t of targets.slice(0, GRANTS)) expect((await put(t)).status).toBe(204)
      expect(await put(targets[GRANTS]!)).toMatchObject({ status: 400, body: spec.error })
      expect((await put(targets[0]!)).status).toBe(204)
      // Free the places, then race for them.
      for (const t of targets.slice(0, GRANTS)) expect((await call(`${s.url}${spec.path(a, t)}`, { method: 'DELETE', token: a.token })).status).toBe(204)
      const results = await Promise.all(targets.slice(0, RACERS).map(put))
      expect(results.filter((r) => r.status === 204)).toHaveLength(GRANTS)
      for (const r of results.filter((x) => x.status !== 204)) expect(r.body, r.text).toEqual(spec.error)
    })
  }

  it('a user belongs to at most 10 groups: the 11th is refused, also when many adds race; re-adding stays idempotent', async () => {
    const a = await account(0)
    const api = (method: string, path: string, body?: unknown) => call(`${s.url}${path}`, { method, token: a.token, body })
    const groups: string[] = []
    for (let i = 0; i < 15; i++) groups.push((await api('POST', '/v3/groups', { group: { name: unique('m') } })).body.group.id)
    const results = await Promise.all(groups.map((g) => api('PUT', `/v3/groups/${g}/users/${a.user}`)))
    expect(results.filter((r) => r.status === 204)).toHaveLength(10)
    const message = refusal('The number of user groups the user belongs to has reached the maximum allowed limit.')
    for (const r of results.filter((x) => x.status !== 204)) expect(r.body, r.text).toEqual(message)
    expect((await api('GET', `/v3/users/${a.user}/groups`)).body.groups).toHaveLength(10)
    const member = groups[results.findIndex((r) => r.status === 204)]!
    const outsider = groups[results.findIndex((r) => r.status !== 204)]!
    expect((await api('PUT', `/v3/groups/${member}/users/${a.user}`)).status).toBe(204)
    expect(await api('PUT', `/v3/groups/${outsider}/users/${a.user}`)).toMatchObject({ status: 400, body: message })
  })
})
