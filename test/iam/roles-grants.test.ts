/**
 * Roles over HTTP: the system roles list, custom policies (OS-ROLE), grants on the account,
 * projects, all projects and enterprise projects, role assignments, and what a grant changes for
 * the user who receives it. Another account reaches none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { groupMember } from '../helpers/members.js'

const PASSWORD = 'User-Passw0rd!'
/** Well formed, but no account has it. */
const UNKNOWN_EP = '8a2f6b1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b'
let EP: string
const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const policy = (...statements: { Effect: string; Action: string[] }[]) => ({ Version: '1.1', Statement: statements })

describe('roles, custom policies and grants (huaweicloud)', () => {
  let s: TestServer
  let token: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token, ...init })
  const roleId = async (name: string) => (await api(`/v3/roles?name=${name}`)).body.roles[0].id as string
  const member = (name: string) => groupMember(s, api, name, PASSWORD)
  const createPolicy = async (displayName: string, doc: unknown, type = 'AX') => {
    const res = await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: { role: { display_name: displayName, type, description: `${displayName} policy`, policy: doc } } })
    expect(res.status, res.text).toBe(201)
    return res.body.role as { id: string; name: string }
  }

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    EP = (await call(`${s.url}/v1.0/enterprise-projects`, { method: 'POST', token, body: { name: 'grants-ep' } })).body.enterprise_project.id
  })
  afterAll(() => s.close())

  describe('GET /v3/roles', () => {
    it('lists the system roles and policies with their documents, and total_number', async () => {
      const res = await api('/v3/roles')
      expect(res.status).toBe(200)
      const secu = res.body.roles.find((r: { name: string }) => r.name === 'secu_admin')
      expect(secu).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'secu_admin', display_name: 'Security Administrator', type: 'AX', catalog: 'BASE',
        description: 'Full permissions for Identity and Access Management.', description_cn: '统一身份认证服务的所有执行权限', domain_id: null,
        policy: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['identity:*'] }] }, links: { self: `${s.url}/v3/roles/${secu.id}` },
        created_time: expect.stringMatching(/^\d{13}$/), updated_time: expect.stringMatching(/^\d{13}$/),
      })
      expect(res.body.total_number).toBe(res.body.roles.length)
      expect(res.body.links).toEqual({ self: `${s.url}/v3/roles`, previous: null, next: null })
      expect(res.body.roles.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['te_admin', 'readonly', 'eps_full_access', 'coc_full_access']))
    })

    it('filters by name, type, permission_type and part of the display name; pages with links', async () => {
      expect((await api('/v3/roles?name=te_admin')).body.roles.map((r: { name: string }) => r.name)).toEqual(['te_admin'])
      const project = (await api('/v3/roles?type=project')).body.roles
      expect(project.every((r: { type: string }) => r.type === 'AA' || r.type === 'XA')).toBe(true)
      const policies = (await api('/v3/roles?permission_type=policy')).body.roles
      expect(policies.length).toBeGreaterThan(0)
      expect(policies.every((r: { flag?: string }) => r.flag === 'fine_grained')).toBe(true)
      expect((await api('/v3/roles?display_name=EPS')).body.roles.map((r: { display_name: string }) => r.display_name).sort()).toEqual(['EPS FullAccess', 'EPS ReadOnlyAccess'])
      const page = await api('/v3/roles?page=2&per_page=3')
      expect(page.body.roles).toHaveLength(3)
      expect(page.body.links.previous).toBe(`${s.url}/v3/roles?page=1&per_page=3`)
      expect((await api('/v3/roles?type=galaxy')).body).toEqual(error(400, 'Bad Request', "Invalid input for field 'type': 'galaxy' is not one of 'domain', 'project', 'all'"))
    })

    it('shows one role by id; an unknown id is 404', async () => {
      const id = await roleId('readonly')
      expect((await api(`/v3/roles/${id}`)).body.role).toMatchObject({ id, name: 'readonly', display_name: 'Tenant Guest' })
      expect((await api('/v3/roles/nope')).body).toEqual(error(404, 'Not Found', 'Could not find role: nope.'))
    })
  })

  describe('custom policies (OS-ROLE)', () => {
    it('POST creates custom_<account>_<n> in catalog CUSTOMED; GET lists it with total_number and references', async () => {
      const doc = policy({ Effect: 'Allow', Action: ['eps:enterpriseProjects:get', 'eps:enterpriseProjects:list'] })
      const res = await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: { role: { display_name: 'EpsReader', type: 'AX', description: 'read EPs', description_cn: '读取', policy: doc } } })
      expect(res.status).toBe(201)
      const id = res.body.role.id
      expect(res.body).toEqual({
        role: {
          id: expect.stringMatching(/^[0-9a-f]{32}$/), name: `custom_${s.account.id}_0`, display_name: 'EpsReader', type: 'AX', catalog: 'CUSTOMED',
          description: 'read EPs', description_cn: '读取', domain_id: s.account.id, policy: doc, links: { self: `${s.url}/v3/roles/${id}` },
          created_time: expect.stringMatching(/^\d{13}$/), updated_time: expect.stringMatching(/^\d{13}$/),
        },
      })
      const second = await createPolicy('Second', policy({ Effect: 'Deny', Action: ['coc:*:*'] }))
      expect(second.name).toBe(`custom_${s.account.id}_1`)
      const list = await api('/v3.0/OS-ROLE/roles')
      expect(list.status).toBe(200)
      expect(list.body.total_number).toBe(2)
      expect(list.body.roles.map((r: { id: string; references: number }) => [r.id, r.references])).toEqual([[id, 0], [second.id, 0]])
      expect((await api(`/v3/roles?domain_id=${s.account.id}`)).body.roles.map((r: { id: string }) => r.id)).toEqual([id, second.id])
      expect((await api(`/v3.0/OS-ROLE/roles/${id}`)).body.role).toMatchObject({ id, references: 0 })
    })

    it('PATCH replaces the definition and keeps id and name; DELETE answers 200 with a message', async () => {
      const role = await createPolicy('Temp', policy({ Effect: 'Allow', Action: ['coc:*:list*'] }))
      const replaced = await api(`/v3.0/OS-ROLE/roles/${role.id}`, {
        method: 'PATCH', body: { role: { display_name: 'Temp2', type: 'XA', description: 'now project level', policy: policy({ Effect: 'Deny', Action: ['eps:*:*'] }) } },
      })
      expect(replaced.status).toBe(200)
      expect(replaced.body.role).toMatchObject({ id: role.id, name: role.name, display_name: 'Temp2', type: 'XA', policy: policy({ Effect: 'Deny', Action: ['eps:*:*'] }) })
      const partial = await api(`/v3.0/OS-ROLE/roles/${role.id}`, { method: 'PATCH', body: { role: { display_name: 'Temp3' } } })
      expect(partial.status).toBe(400)
      expect(partial.body.error.message).toBe("Invalid input for field 'role': 'type' is a required property")
      const del = await api(`/v3.0/OS-ROLE/roles/${role.id}`, { method: 'DELETE' })
      expect(del.status).toBe(200)
      expect(del.body).toEqual({ message: 'Delete success' })
      expect((await api(`/v3.0/OS-ROLE/roles/${role.id}`)).body).toEqual(error(404, 'Not Found', `Could not find role: ${role.id}.`))
    })

    it('refuses documents it cannot honour, naming the field', async () => {
      const create = (role: Record<string, unknown>) => api('/v3.0/OS-ROLE/roles', { method: 'POST', body: { role: { display_name: 'Bad', type: 'AX', description: 'd', ...role } } })
      const cases: [Record<string, unknown>, string][] = [
        [{ policy: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['eps:*:*'] }] } }, `Invalid input for field 'role/policy/Version': '1.0' is not supported; custom policies use "1.1"`],
        [{ policy: policy() }, "Invalid input for field 'role/policy/Statement': Statement must be a list of 1 to 8 statements"],
        [{ policy: policy({ Effect: 'Permit', Action: ['eps:*:*'] }) }, "Invalid input for field 'role/policy/Statement/0/Effect': 'Permit' is not one of 'Allow', 'Deny'"],
        [{ policy: policy({ Effect: 'Allow', Action: ['eps:update'] }) }, "Invalid input for field 'role/policy/Statement/0/Action/0': 'eps:update' is not an action of the form service:resource:action (service in lower case, at most 128 characters, wildcards * and ?)"],
        [{ policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['obs:bucket:get*'], Condition: { Bool: { 'g:MFAPresent': ['true'] } } }] } }, "Invalid input for field 'role/policy/Statement/0/Condition': 'Condition' is not supported by this server; a statement may only have Effect, Action and, on an agency statement, Resource"],
        [{ policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['obs:bucket:get*'], Resource: ['obs:*:*:bucket:*'] }] } }, 'Invalid input for field \'role/policy/Statement/0/Resource\': \'Resource\' is only supported on an agency statement, whose Action is exactly ["iam:agencies:assume"] (Old resources only support agencies.)'],
        [{ display_name: 'has space', policy: policy({ Effect: 'Allow', Action: ['eps:*:*'] }) }, "Invalid input for field 'role/display_name': 'has space' does not match '^\\S+$'"],
        [{ type: 'AA', policy: policy({ Effect: 'Allow', Action: ['eps:*:*'] }) }, "Invalid input for field 'role/type': 'AA' is not one of ['AX', 'XA']"],
      ]
      for (const [role, message] of cases) {
        const res = await create(role)
        expect(res.status, JSON.stringify(role)).toBe(400)
        expect(res.body.error.message, JSON.stringify(role)).toBe(message)
      }
    })
  })

  describe('grants', () => {
    it('PUT/HEAD/GET/DELETE a role for a group on the account, with Keystone 204s and 404s', async () => {
      const { groupId } = await member('grant-a')
      const secu = await roleId('secu_admin')
      const path = `/v3/domains/${s.account.id}/groups/${groupId}/roles/${secu}`
      expect((await api(path, { method: 'HEAD' })).status).toBe(404)
      const put = await api(path, { method: 'PUT' })
      expect(put.status).toBe(204)
      expect(put.text).toBe('')
      expect((await api(path, { method: 'PUT' })).status).toBe(204)
      expect((await api(path, { method: 'HEAD' })).status).toBe(204)
      const list = await api(`/v3/domains/${s.account.id}/groups/${groupId}/roles`)
      expect(list.body.roles.map((r: { name: string }) => r.name)).toEqual(['secu_admin'])
      expect((await api(path, { method: 'DELETE' })).status).toBe(204)
      const again = await api(path, { method: 'DELETE' })
      expect(again.status).toBe(404)
      expect(again.body).toEqual(error(404, 'Not Found', `Could not find role assignment with role: ${secu}, user or group: ${groupId}, project, domain, or system: ${s.account.id}.`))
    })

    it('grants on a project and on all projects (OS-INHERIT) take project-level roles only', async () => {
      const { groupId } = await member('grant-b')
      const projectId = (await api('/v3/projects?name=cn-north-4')).body.projects[0].id
      const teAdmin = await roleId('te_admin')
      const secu = await roleId('secu_admin')
      expect((await api(`/v3/projects/${projectId}/groups/${groupId}/roles/${teAdmin}`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`/v3/projects/${projectId}/groups/${groupId}/roles`)).body.roles.map((r: { name: string }) => r.name)).toEqual(['te_admin'])
      const global = await api(`/v3/projects/${projectId}/groups/${groupId}/roles/${secu}`, { method: 'PUT' })
      expect(global.status).toBe(400)
      expect(global.body).toEqual(error(400, 'Bad Request', "'secu_admin' is a global (AX) permission; grant it on the account, not on projects."))
      const inherited = `/v3/OS-INHERIT/domains/${s.account.id}/groups/${groupId}/roles/${teAdmin}/inherited_to_projects`
      expect((await api(inherited, { method: 'PUT' })).status).toBe(204)
      expect((await api(inherited, { method: 'HEAD' })).status).toBe(204)
      expect((await api(`/v3/OS-INHERIT/domains/${s.account.id}/groups/${groupId}/roles/inherited_to_projects`)).body.roles.map((r: { name: string }) => r.name)).toEqual(['te_admin'])
      const xa = await createPolicy('ProjectOnly', policy({ Effect: 'Allow', Action: ['ecs:*:*'] }), 'XA')
      const onDomain = await api(`/v3/domains/${s.account.id}/groups/${groupId}/roles/${xa.id}`, { method: 'PUT' })
      expect(onDomain.body).toEqual(error(400, 'Bad Request', `'${xa.name}' is a project-level (XA) permission; grant it on projects, not on the account.`))
    })

    it('answers the Node SDK\'s unfilled {project_id} path with Keystone\'s 404', async () => {
      const { groupId } = await member('grant-c')
      const res = await api(`/v3/projects/%7Bproject_id%7D/groups/${groupId}/roles/${await roleId('te_admin')}`, { method: 'PUT' })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(error(404, 'Not Found', 'Could not find project: {project_id}.'))
    })

    it('a custom policy granted on the account lets its holders do exactly what it allows, and Deny beats secu_admin', async () => {
      const m = await member('grant-d')
      const project = (await api('/v3/projects', { method: 'POST', body: { project: { name: 'cn-north-4_granted' } } })).body.project
      const before = await m.token()
      expect((await call(`${s.url}/v3/projects/${project.id}`, { method: 'PATCH', token: before, body: { project: { description: 'x' } } })).status).toBe(403)
      const updater = await createPolicy('ProjectUpdater', policy({ Effect: 'Allow', Action: ['iam:projects:update'] }))
      expect((await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${updater.id}`, { method: 'PUT' })).status).toBe(204)
      const t = await m.token()
      const patched = await call(`${s.url}/v3/projects/${project.id}`, { method: 'PATCH', token: t, body: { project: { description: 'by policy' } } })
      expect(patched.status).toBe(200)
      const create = await call(`${s.url}/v3/projects`, { method: 'POST', token: t, body: { project: { name: 'cn-north-4_notallowed' } } })
      expect(create.body).toEqual(error(403, 'Forbidden', 'You are not authorized to perform the requested action: identity:create_project.'))
      // Grants count at once: no new token needed.
      expect((await api(`/v3.0/OS-ROLE/roles/${updater.id}`)).body.role.references).toBe(1)
      const denier = await createPolicy('NoProjectWrites', policy({ Effect: 'Deny', Action: ['iam:projects:update*'] }))
      expect((await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${await roleId('secu_admin')}`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${denier.id}`, { method: 'PUT' })).status).toBe(204)
      expect((await call(`${s.url}/v3/projects/${project.id}`, { method: 'PATCH', token: t, body: { project: { description: 'y' } } })).status).toBe(403)
      expect((await call(`${s.url}/v3/users`, { token: t })).status).toBe(200)
      const inUse = await api(`/v3.0/OS-ROLE/roles/${denier.id}`, { method: 'DELETE' })
      expect(inUse.status).toBe(409)
      expect(inUse.body).toEqual(error(409, 'Conflict', `Conflict occurred attempting to store role - the custom policy ${denier.id} is used by 1 grant; revoke it first.`))
    })

    it('refuses unknown roles, groups and targets with 404', async () => {
      const { groupId } = await member('grant-e')
      const secu = await roleId('secu_admin')
      expect((await api(`/v3/domains/${s.account.id}/groups/${groupId}/roles/${'0'.repeat(32)}`, { method: 'PUT' })).body).toEqual(error(404, 'Not Found', `Could not find role: ${'0'.repeat(32)}.`))
      expect((await api(`/v3/domains/${s.account.id}/groups/${'0'.repeat(32)}/roles/${secu}`, { method: 'PUT' })).body).toEqual(error(404, 'Not Found', `Could not find group: ${'0'.repeat(32)}.`))
      expect((await api(`/v3/domains/${'0'.repeat(32)}/groups/${groupId}/roles/${secu}`, { method: 'PUT' })).body).toEqual(error(404, 'Not Found', `Could not find domain: ${'0'.repeat(32)}.`))
    })
  })

  describe('enterprise-project grants (OS-PERMISSION)', () => {
    it('grants a fine-grained policy to a group on one enterprise project and lists it every way', async () => {
      const m = await member('ep-a')
      const updater = await createPolicy('EpUpdater', policy({ Effect: 'Allow', Action: ['eps:enterpriseProjects:update'] }))
      const path = `/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups/${m.groupId}/roles/${updater.id}`
      expect((await api(path, { method: 'PUT' })).status).toBe(204)
      const roles = await api(`/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups/${m.groupId}/roles`)
      expect(roles.body).toEqual({ roles: [expect.objectContaining({ id: updater.id, name: updater.name, catalog: 'CUSTOMED' })] })
      const groups = await api(`/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups`)
      expect(groups.body).toEqual({ groups: [{ createTime: expect.any(Number), description: '', domainId: s.account.id, id: m.groupId, name: 'ep-a-group' }] })
      expect((await api(`/v3.0/OS-PERMISSION/groups/${m.groupId}/enterprise-projects`)).body).toEqual({ 'enterprise-projects': [{ projectId: EP }] })
      // A user lists its own enterprise projects: only direct grants count there, as on the clouds.
      expect((await call(`${s.url}/v3.0/OS-PERMISSION/users/${m.userId}/enterprise-projects`, { token: await m.token() })).body).toEqual({ 'enterprise-projects': [] })
      expect((await api(path, { method: 'DELETE' })).status).toBe(204)
      expect((await api(`/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups`)).body).toEqual({ groups: [] })
    })

    it('grants to a user directly, refuses RBAC roles and ids that are not enterprise projects', async () => {
      const m = await member('ep-b')
      const reader = await createPolicy('EpReader', policy({ Effect: 'Allow', Action: ['eps:enterpriseProjects:get'] }))
      expect((await api(`/v3.0/OS-PERMISSION/enterprise-projects/${EP}/users/${m.userId}/roles/${reader.id}`, { method: 'PUT' })).status).toBe(204)
      expect((await api(`/v3.0/OS-PERMISSION/enterprise-projects/${EP}/users`)).body).toEqual({
        users: [{ domain_id: s.account.id, id: m.userId, name: 'ep-b', enabled: true, description: '' }],
      })
      expect((await api(`/v3.0/OS-PERMISSION/users/${m.userId}/enterprise-projects`)).body).toEqual({ 'enterprise-projects': [{ projectId: EP }] })
      const rbac = await api(`/v3.0/OS-PERMISSION/enterprise-projects/${EP}/users/${m.userId}/roles/${await roleId('te_admin')}`, { method: 'PUT' })
      expect(rbac.body).toEqual(error(400, 'Bad Request', "Only fine-grained policies can be granted on an enterprise project; 'te_admin' is a role."))
      const badId = await api(`/v3.0/OS-PERMISSION/enterprise-projects/not-an-ep/users/${m.userId}/roles/${reader.id}`, { method: 'PUT' })
      expect(badId.body).toEqual(error(404, 'Not Found', 'Could not find enterprise project: not-an-ep.'))
      const unknown = await api(`/v3.0/OS-PERMISSION/enterprise-projects/${UNKNOWN_EP}/users/${m.userId}/roles/${reader.id}`, { method: 'PUT' })
      expect(unknown.body).toEqual(error(404, 'Not Found', `Could not find enterprise project: ${UNKNOWN_EP}.`))
      // The default enterprise project exists in every account.
      expect((await api(`/v3.0/OS-PERMISSION/enterprise-projects/0/users/${m.userId}/roles/${reader.id}`, { method: 'PUT' })).status).toBe(204)
    })
  })

  describe('GET /v3/role_assignments', () => {
    it('lists the account\'s assignments with Keystone filters, effective expansion and names', async () => {
      const m = await member('assign-a')
      const secu = await roleId('secu_admin')
      await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${secu}`, { method: 'PUT' })
      const byGroup = await api(`/v3/role_assignments?group.id=${m.groupId}&scope.domain.id=${s.account.id}`)
      expect(byGroup.status).toBe(200)
      expect(byGroup.body.role_assignments).toEqual([{
        scope: { domain: { id: s.account.id } }, role: { id: secu }, group: { id: m.groupId },
        links: { assignment: `${s.url}/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${secu}` },
      }])
      const effective = await api(`/v3/role_assignments?user.id=${m.userId}&effective=True&include_names=True`)
      expect(effective.body.role_assignments).toEqual([{
        scope: { domain: { id: s.account.id, name: s.account.name } }, role: { id: secu, name: 'secu_admin' },
        user: { id: m.userId, name: 'assign-a', domain: { id: s.account.id, name: s.account.name } },
        // Keystone links an effective entry to the group's grant and to the membership it comes through.
        links: {
          assignment: `${s.url}/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${secu}`,
          membership: `${s.url}/v3/groups/${m.groupId}/users/${m.userId}`,
        },
      }])
      const inherited = await api('/v3/role_assignments?scope.OS-INHERIT:inherited_to=projects')
      expect(inherited.body.role_assignments.every((a: { scope: Record<string, unknown> }) => a.scope['OS-INHERIT:inherited_to'] === 'projects')).toBe(true)
    })
  })

  describe('isolation between accounts', () => {
    it("another account's administrator can neither see nor grant this account's roles, groups and policies", async () => {
      const other = await createAccount(s, 'other-roles', PASSWORD)
      const otherToken = await tokenFor(s, 'admin', PASSWORD, other.name)
      const m = await member('iso-a')
      const mine = await createPolicy('Mine', policy({ Effect: 'Allow', Action: ['eps:*:*'] }))
      const as = (path: string, method = 'GET') => call(`${s.url}${path}`, { method, token: otherToken })
      expect((await as(`/v3.0/OS-ROLE/roles/${mine.id}`)).body).toEqual(error(404, 'Not Found', `Could not find role: ${mine.id}.`))
      expect((await as(`/v3/roles/${mine.id}`)).status).toBe(404)
      expect((await as(`/v3.0/OS-ROLE/roles/${mine.id}`, 'DELETE')).status).toBe(404)
      expect((await as('/v3.0/OS-ROLE/roles')).body.total_number).toBe(0)
      expect((await as(`/v3/roles?domain_id=${s.account.id}`)).body.roles).toEqual([])
      const secu = (await as('/v3/roles?name=secu_admin')).body.roles[0].id
      expect((await as(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${secu}`, 'PUT')).status).toBe(404)
      expect((await as(`/v3/domains/${other.id}/groups/${m.groupId}/roles/${secu}`, 'PUT')).body).toEqual(error(404, 'Not Found', `Could not find group: ${m.groupId}.`))
      expect((await as(`/v3.0/OS-PERMISSION/enterprise-projects/${EP}/groups/${m.groupId}/roles/${secu}`, 'PUT')).status).toBe(404)
      expect((await as(`/v3.0/OS-PERMISSION/groups/${m.groupId}/enterprise-projects`)).status).toBe(404)
      const assignments = (await as('/v3/role_assignments')).body.role_assignments
      expect(assignments.every((a: { scope: { domain?: { id: string } } }) => a.scope.domain?.id !== s.account.id)).toBe(true)
    })
  })
})
