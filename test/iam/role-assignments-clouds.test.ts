/**
 * The clouds' role (permission) object and their role-assignment query
 * (`GET /v3.0/OS-PERMISSION/role-assignments`, SDK `showDomainRoleAssignments`): every field the
 * SDK's models declare, the filters by subject, scope, role and inheritance, group expansion,
 * paging with `total_num`, refusals, and the keystone flavour without the route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, defaultTestDatabase, dropPostgresSchema, newPostgresSchema, startServer, type TestServer } from '../helpers/server.js'
import { globalCredentials, iam, iamClient } from '../helpers/huawei-sdk.js'

const PASSWORD = 'Assign-Passw0rd!'

describe('the clouds\' role fields and role assignments (huaweicloud)', () => {
  let s: TestServer
  let token: string
  const ids = {} as Record<string, string>
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(`${s.url}${path}`, { method, token, body })
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  const roleId = async (name: string) => (await api('GET', `/v3/roles?name=${name}`)).roles[0].id as string
  const query = (q: string) => call(`${s.url}/v3.0/OS-PERMISSION/role-assignments?domain_id=${s.account.id}${q}`, { token })
  const a = (role: string | undefined, actor: 'user' | 'group', actorId: string | undefined, scope: 'domain' | 'project' | 'enterprise_project', target: string | undefined, inherited = false) =>
    ({ role: { id: role }, [actor]: { id: actorId }, scope: { [scope]: { id: target } }, is_inherited: inherited })

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    ids.user = (await api('POST', '/v3/users', { user: { name: 'ra-user', password: PASSWORD } })).user.id
    ids.group = (await api('POST', '/v3/groups', { group: { name: 'ra-group' } })).group.id
    ids.empty = (await api('POST', '/v3/groups', { group: { name: 'ra-empty' } })).group.id
    await api('PUT', `/v3/groups/${ids.group}/users/${ids.user}`)
    ids.project = (await api('POST', '/v3/projects', { project: { name: 'cn-north-4_ra' } })).project.id
    ids.ep = (await api('POST', '/v1.0/enterprise-projects', { name: 'ra-ep' })).enterprise_project.id
    ids.custom = (await api('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'RaRead', type: 'AX', description: 'read EPs', description_cn: '读取', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:get*'] }] } } })).role.id
    for (const name of ['te_admin', 'readonly', 'secu_admin', 'eps_full_access']) ids[name] = await roleId(name)
    const acct = s.account.id
    await api('PUT', `/v3/domains/${acct}/groups/${ids.group}/roles/${ids.te_admin}`)
    await api('PUT', `/v3/OS-INHERIT/domains/${acct}/groups/${ids.group}/roles/${ids.readonly}/inherited_to_projects`)
    await api('PUT', `/v3/projects/${ids.project}/users/${ids.user}/roles/${ids.readonly}`)
    await api('PUT', `/v3.0/OS-PERMISSION/enterprise-projects/${ids.ep}/groups/${ids.group}/roles/${ids.custom}`)
    await api('PUT', `/v3.0/OS-PERMISSION/enterprise-projects/${ids.ep}/users/${ids.user}/roles/${ids.eps_full_access}`)
    await api('PUT', `/v3/domains/${acct}/groups/${ids.empty}/roles/${ids.secu_admin}`)
  }, 60_000)
  afterAll(() => s.close())

  describe('role fields', () => {
    it('system roles carry description_cn and their seeding times; policies their flag', async () => {
      const res = await api('GET', '/v3/roles?name=secu_admin')
      const secu = res.roles[0]
      expect(secu).toEqual({
        id: ids.secu_admin, name: 'secu_admin', display_name: 'Security Administrator', type: 'AX', catalog: 'BASE',
        description: 'Full permissions for Identity and Access Management.', description_cn: '统一身份认证服务的所有执行权限', domain_id: null,
        policy: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['identity:*'] }] }, links: { self: `${s.url}/v3/roles/${secu.id}` },
        created_time: expect.stringMatching(/^\d{13}$/), updated_time: secu.created_time,
      })
      expect(Math.abs(Number(secu.created_time) - Date.now())).toBeLessThan(600_000)
      expect((await api('GET', `/v3/roles/${ids.eps_full_access}`)).role).toMatchObject({ flag: 'fine_grained', catalog: 'EPS', description_cn: '企业项目管理服务所有权限' })
    })

    it('custom policies carry their stored times on /v3/roles and OS-ROLE alike', async () => {
      const listed = (await api('GET', `/v3/roles?domain_id=${s.account.id}`)).roles.find((r: { id: string }) => r.id === ids.custom)
      const shown = (await api('GET', `/v3.0/OS-ROLE/roles/${ids.custom}`)).role
      expect(listed).toMatchObject({ catalog: 'CUSTOMED', description_cn: '读取', domain_id: s.account.id, created_time: expect.stringMatching(/^\d{13}$/) })
      expect(shown).toMatchObject({ created_time: listed.created_time, updated_time: listed.updated_time, references: 1 })
    })

    it('the SDK parses every RoleResult field (keystoneListPermissions, keystoneShowPermission)', async () => {
      const key = (await api('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: (await api('GET', '/v3/users?name=admin')).users[0].id } })).credential
      const client = iamClient(globalCredentials({ access: key.access, secret: key.secret }, s.account.id), s.url)
      const list = await client.keystoneListPermissions(new iam.KeystoneListPermissionsRequest().withName('eps_full_access'))
      expect(list.total_number).toBe(1)
      const role = list.roles[0]
      expect(role).toMatchObject({
        id: ids.eps_full_access, name: 'eps_full_access', type: 'AX', catalog: 'EPS', flag: 'fine_grained', description: expect.any(String),
        policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:*'] }] }, links: { self: `${s.url}/v3/roles/${ids.eps_full_access}` },
      })
      // RoleResult declares these thirteen fields; each arrives with the type it declares.
      expect(Object.keys(role).sort()).toEqual(['catalog', 'created_time', 'description', 'description_cn', 'display_name', 'domain_id', 'flag', 'id', 'links', 'name', 'policy', 'type', 'updated_time'])
      expect([role.domain_id, typeof role.display_name, typeof role.description_cn, typeof role.created_time, typeof role.updated_time]).toEqual([null, 'string', 'string', 'string', 'string'])
      const shown = await client.keystoneShowPermission(new iam.KeystoneShowPermissionRequest().withRoleId(ids.custom))
      expect([shown.role.domain_id, shown.role.catalog, shown.role.description_cn, shown.role.created_time]).toEqual([s.account.id, 'CUSTOMED', '读取', expect.stringMatching(/^\d{13}$/)])
    })
  })

  describe('GET /v3.0/OS-PERMISSION/role-assignments', () => {
    it('a group: its grants on the account, on all projects (inherited) and on enterprise projects', async () => {
      const res = await query(`&subject.group_id=${ids.group}`)
      expect(res.status).toBe(200)
      expect(res.body.total_num).toBe(3)
      expect(res.body.role_assignments).toEqual(expect.arrayContaining([
        a(ids.te_admin, 'group', ids.group, 'domain', s.account.id),
        a(ids.readonly, 'group', ids.group, 'domain', s.account.id, true),
        a(ids.custom, 'group', ids.group, 'enterprise_project', ids.ep),
      ]))
      expect(res.body.role_assignments).toHaveLength(3)
    })

    it('a user: with its groups\' grants unless include_group=false', async () => {
      const own = [a(ids.readonly, 'user', ids.user, 'project', ids.project), a(ids.eps_full_access, 'user', ids.user, 'enterprise_project', ids.ep)]
      const withGroups = await query(`&subject.user_id=${ids.user}`)
      expect(withGroups.body.total_num).toBe(5)
      expect(withGroups.body.role_assignments).toEqual(expect.arrayContaining([...own, a(ids.te_admin, 'group', ids.group, 'domain', s.account.id)]))
      const direct = await query(`&subject.user_id=${ids.user}&include_group=false`)
      expect(direct.body).toEqual({ total_num: 2, role_assignments: expect.arrayContaining(own) })
      // subject=user: every user's grants, and those of groups that have members (not the empty one).
      const users = (await query('&subject=user')).body.role_assignments as Record<string, { id: string }>[]
      expect(users.some((r) => r.group?.id === ids.group)).toBe(true)
      expect(users.some((r) => r.group?.id === ids.empty)).toBe(false)
      expect((await query('&subject=user&include_group=false')).body.role_assignments.every((r: object) => 'user' in r)).toBe(true)
    })

    it('scopes: the account\'s own grants or (is_inherited) its all-projects grants, a project, an enterprise project in both spellings', async () => {
      expect((await query(`&subject.group_id=${ids.group}&scope.domain_id=${s.account.id}`)).body)
        .toEqual({ total_num: 1, role_assignments: [a(ids.te_admin, 'group', ids.group, 'domain', s.account.id)] })
      expect((await query(`&subject.group_id=${ids.group}&scope=domain&is_inherited=true`)).body)
        .toEqual({ total_num: 1, role_assignments: [a(ids.readonly, 'group', ids.group, 'domain', s.account.id, true)] })
      expect((await query(`&scope.project_id=${ids.project}`)).body).toEqual({ total_num: 1, role_assignments: [a(ids.readonly, 'user', ids.user, 'project', ids.project)] })
      const ep = await query(`&scope.enterprise_projects_id=${ids.ep}`)
      expect(ep.body.total_num).toBe(2)
      expect((await query(`&scope.enterprise_project_id=${ids.ep}`)).body).toEqual(ep.body)
      expect((await query('&scope=enterprise_project')).body.role_assignments.every((r: { scope: object }) => 'enterprise_project' in r.scope)).toBe(true)
      expect((await query(`&role_id=${ids.secu_admin}&subject=group`)).body.role_assignments).toContainEqual(a(ids.secu_admin, 'group', ids.empty, 'domain', s.account.id))
    })

    it('pages with page and per_page; total_num counts every match', async () => {
      const all = (await query(`&subject.user_id=${ids.user}`)).body.role_assignments
      const page = await query(`&subject.user_id=${ids.user}&page=2&per_page=2`)
      expect(page.body).toEqual({ total_num: 5, role_assignments: all.slice(2, 4) })
      expect((await query(`&subject.user_id=${ids.user}&page=3&per_page=2`)).body).toEqual({ total_num: 5, role_assignments: all.slice(4) })
    })

    it('agencies: none exist, so an agency subject matches nothing', async () => {
      expect((await query('&subject=agency')).body).toEqual({ total_num: 0, role_assignments: [] })
      expect((await query('&subject.agency_id=0760a9e2a60026664f1fc0031f9f205e')).body).toEqual({ total_num: 0, role_assignments: [] })
    })

    it('refuses what the clouds refuse, naming the parameter, in their flat style', async () => {
      const bad = (key: string) => ({ error_msg: `Request parameter ${key} is invalid.`, error_code: 'IAM.0007' })
      for (const [q, key] of [
        [`&subject=user&subject.user_id=${ids.user}`, 'subject'], ['&subject=robot', 'subject'], [`&subject.user_id=${ids.user}&subject.group_id=${ids.group}`, 'subject.group_id'],
        ['&scope=region', 'scope'], [`&scope=project&scope.project_id=${ids.project}`, 'scope'], ['&page=1&per_page=51', 'per_page'], ['&page=0&per_page=5', 'page'],
        ['&page=1', 'per_page'], ['&is_inherited=yes', 'is_inherited'], ['&include_group=2', 'include_group'],
      ] as const) {
        const res = await query(q)
        expect({ q, status: res.status, body: res.body }).toEqual({ q, status: 400, body: bad(key) })
      }
      const missing = await call(`${s.url}/v3.0/OS-PERMISSION/role-assignments`, { token })
      expect([missing.status, missing.body]).toEqual([400, bad('domain_id')])
      const other = await call(`${s.url}/v3.0/OS-PERMISSION/role-assignments?domain_id=0123456789abcdef0123456789abcdef`, { token })
      expect([other.status, other.body]).toEqual([403, { error_msg: "You are not authorized to perform the requested action: domain_id 0123456789abcdef0123456789abcdef is not the caller's account.", error_code: 'IAM.0002' }])
    })

    it('showDomainRoleAssignments through the unmodified SDK: filters arrive, the answer maps onto its model', async () => {
      const key = (await api('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: (await api('GET', '/v3/users?name=admin')).users[0].id } })).credential
      const client = iamClient(globalCredentials({ access: key.access, secret: key.secret }, s.account.id), s.url)
      const res = await client.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id)
        .withSubjectUserId(ids.user).withIncludeGroup(false).withScopeEnterpriseProjectsId(ids.ep).withPage(1).withPerPage(10))
      expect(res.httpStatusCode).toBe(200)
      expect(res.total_num).toBe(1)
      expect(res.role_assignments).toEqual([a(ids.eps_full_access, 'user', ids.user, 'enterprise_project', ids.ep)])
      const inherited = await client.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id)
        .withSubjectGroupId(ids.group).withScopeDomainId(s.account.id).withIsInherited(true).withRoleId(ids.readonly))
      expect(inherited.total_num).toBe(1)
      expect(inherited.role_assignments[0].is_inherited).toBe(true)
      expect(inherited.role_assignments[0].scope.domain.id).toBe(s.account.id)
      // What the SDK reads is the state: a revoked grant is gone from its next answer.
      await api('DELETE', `/v3.0/OS-PERMISSION/enterprise-projects/${ids.ep}/users/${ids.user}/roles/${ids.eps_full_access}`)
      const after = await client.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id).withSubjectUserId(ids.user).withIncludeGroup(false))
      expect([after.total_num, after.role_assignments]).toEqual([1, [a(ids.readonly, 'user', ids.user, 'project', ids.project)]])
      const failure = await client.showDomainRoleAssignments(new iam.ShowDomainRoleAssignmentsRequest(s.account.id).withSubject('robot')).then(() => undefined, (e: unknown) => e)
      expect(failure).toMatchObject({ httpStatusCode: 400, errorCode: 'IAM.0007', errorMsg: 'Request parameter subject is invalid.' })
      await api('PUT', `/v3.0/OS-PERMISSION/enterprise-projects/${ids.ep}/users/${ids.user}/roles/${ids.eps_full_access}`)
    })
  })
})

describe('role assignments in the other flavours', () => {
  it('opentelekomcloud has the same query', async () => {
    const s = await startServer({ flavour: 'opentelekomcloud' })
    try {
      const res = await call(`${s.url}/v3.0/OS-PERMISSION/role-assignments?domain_id=${s.account.id}&subject=group`, { token: await s.adminToken() })
      expect(res.status).toBe(200)
      expect(res.body.total_num).toBe(res.body.role_assignments.length)
      expect(res.body.total_num).toBeGreaterThan(0)
    } finally { await s.close() }
  })

  it('keystone has no such route: 404 in Keystone\'s format', async () => {
    const s = await startServer({ flavour: 'keystone' })
    try {
      const res = await call(`${s.url}/v3.0/OS-PERMISSION/role-assignments?domain_id=${s.account.id}`, { token: await s.adminToken() })
      expect([res.status, res.body]).toEqual([404, { error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } }])
    } finally { await s.close() }
  })

  it('system roles keep their creation and update times across restarts', async () => {
    const schema = defaultTestDatabase() === 'postgres' ? newPostgresSchema() : undefined
    const first = await startServer({ schema })
    const before = (await call(`${first.url}/v3/roles?name=te_admin`, { token: await first.adminToken() })).body.roles[0]
    await first.close()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = await startServer({ dataDir: first.dataDir, schema })
    try {
      const after = (await call(`${second.url}/v3/roles?name=te_admin`, { token: await second.adminToken() })).body.roles[0]
      expect([after.id, after.created_time, after.updated_time]).toEqual([before.id, before.created_time, before.updated_time])
    } finally {
      await second.close()
      if (schema) await dropPostgresSchema(schema)
    }
  })
})
