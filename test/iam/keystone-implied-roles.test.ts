/**
 * Issue 16 in the keystone flavour: Keystone 22's implied roles (inference rules, their effect on
 * tokens and on effective role assignments), domain-specific roles, inherited grants on domains
 * and projects (OS-INHERIT) and grants on the system, as Tempest's role and inherit tests and the
 * openstack CLI use them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const PASSWORD = 'Implied-Passw0rd'
const UNKNOWN = '0'.repeat(32)

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })

describe('keystone implied roles, domain-specific roles and inherited grants (issue 16)', () => {
  let s: TestServer
  let admin: string
  let domainId: string
  let memberToken: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    domainId = (await api('/v3/domains', 'POST', { domain: { name: 'implied-domain' } })).body.domain.id
    const project = await createProject('member-project')
    const user = await createUser('plain-member')
    const member = await roleNamed('member')
    expect((await api(`/v3/projects/${project}/users/${user}/roles/${member}`, 'PUT')).status).toBe(204)
    memberToken = await tokenOf('plain-member', { project: { id: project } })
  })
  afterAll(() => s.close())

  function api(path: string, method = 'GET', body?: unknown, token = admin) {
    return call(`${s.url}${path}`, { method, token, ...(body === undefined ? {} : { body }) })
  }
  const link = (id: string) => ({ self: `${s.url}/v3/roles/${id}` })
  const ref = (role: { id: string; name: string }) => ({ id: role.id, links: link(role.id), name: role.name })

  async function createRole(name: string, domain?: string): Promise<{ id: string; name: string }> {
    const res = await api('/v3/roles', 'POST', { role: { name, ...(domain === undefined ? {} : { domain_id: domain }) } })
    expect(res.status).toBe(201)
    return { id: res.body.role.id, name }
  }
  async function roleNamed(name: string): Promise<string> {
    return (await api(`/v3/roles?name=${name}`)).body.roles[0].id
  }
  async function createProject(name: string, parent?: string): Promise<string> {
    const res = await api('/v3/projects', 'POST', { project: { name, domain_id: domainId, ...(parent === undefined ? {} : { parent_id: parent }) } })
    expect(res.status).toBe(201)
    return res.body.project.id
  }
  async function createUser(name: string): Promise<string> {
    const res = await api('/v3/users', 'POST', { user: { name, password: PASSWORD, domain_id: domainId } })
    expect(res.status).toBe(201)
    return res.body.user.id
  }
  async function tokenResponse(user: string, scope: unknown) {
    return call(`${s.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: user, password: PASSWORD, domain: { id: domainId } } } }, scope } },
    })
  }
  async function tokenOf(user: string, scope: unknown): Promise<string> {
    const res = await tokenResponse(user, scope)
    expect(res.status).toBe(201)
    return res.headers.get('x-subject-token')!
  }
  async function tokenRoles(user: string, scope: unknown): Promise<string[]> {
    const res = await tokenResponse(user, scope)
    expect(res.status).toBe(201)
    return res.body.token.roles.map((r: { name: string }) => r.name).sort()
  }

  describe('inference rules', () => {
    it('creates, checks, shows, lists and deletes a rule in Keystone\'s shape', async () => {
      const prior = await createRole('prior-a')
      const implied = await createRole('implied-a')
      const path = `/v3/roles/${prior.id}/implies/${implied.id}`
      const created = await api(path, 'PUT')
      expect(created.status).toBe(201)
      const rule = { role_inference: { prior_role: ref(prior), implies: ref(implied) }, links: { self: `${s.url}${path}` } }
      expect(created.body).toEqual(rule)
      expect((await api(path, 'HEAD')).status).toBe(204)
      const shown = await api(path)
      expect(shown.status).toBe(200)
      expect(shown.body).toEqual(rule)
      const listed = await api(`/v3/roles/${prior.id}/implies`)
      expect(listed.body).toEqual({ role_inference: { prior_role: ref(prior), implies: [ref(implied)] }, links: { self: `${s.url}/v3/roles/${prior.id}/implies` } })
      const all = await api('/v3/role_inferences')
      expect(all.status).toBe(200)
      expect(all.body.role_inferences).toContainEqual({ prior_role: ref(prior), implies: [ref(implied)] })

      expect((await api(path, 'PUT')).body).toEqual(error(409, 'Conflict', 'Conflict occurred attempting to store implied_role - Duplicate entry.'))
      expect((await api(path, 'DELETE')).status).toBe(204)
      const gone = await api(path)
      expect(gone.status).toBe(404)
      expect(gone.body).toEqual(error(404, 'Not Found', `${prior.id} does not imply ${implied.id}.`))
      expect((await api(path, 'HEAD')).status).toBe(404)
      expect((await api(path, 'DELETE')).body).toEqual(error(404, 'Not Found', `${prior.id} does not imply ${implied.id}.`))
      expect((await api(`/v3/roles/${prior.id}/implies`)).body.role_inference.implies).toEqual([])
    })

    it('names the unknown role, prior first', async () => {
      const known = await createRole('known-b')
      expect((await api(`/v3/roles/${UNKNOWN}/implies/${known.id}`, 'PUT')).body).toEqual(error(404, 'Not Found', `Could not find role: ${UNKNOWN}.`))
      expect((await api(`/v3/roles/${known.id}/implies/${UNKNOWN}`, 'PUT')).body).toEqual(error(404, 'Not Found', `Could not find role: ${UNKNOWN}.`))
      expect((await api(`/v3/roles/${UNKNOWN}/implies`)).body).toEqual(error(404, 'Not Found', `Could not find role: ${UNKNOWN}.`))
    })

    it('refuses admin as an implied role and a global role implying a domain-specific one, with Keystone\'s fixed sentence', async () => {
      const prior = await createRole('prior-c')
      const adminRole = await roleNamed('admin')
      expect((await api(`/v3/roles/${prior.id}/implies/${adminRole}`, 'PUT')).body).toEqual(error(403, 'Forbidden', `${adminRole} cannot be an implied roles.`))
      const domainRole = await createRole('domain-c', domainId)
      expect((await api(`/v3/roles/${prior.id}/implies/${domainRole.id}`, 'PUT')).body).toEqual(error(403, 'Forbidden', `${domainRole.id} cannot be an implied roles.`))
      // The other way round, and between domains, is allowed.
      expect((await api(`/v3/roles/${domainRole.id}/implies/${prior.id}`, 'PUT')).status).toBe(201)
      const otherDomain = (await api('/v3/domains', 'POST', { domain: { name: 'implied-other' } })).body.domain.id
      const foreign = await createRole('domain-c', otherDomain)
      expect((await api(`/v3/roles/${domainRole.id}/implies/${foreign.id}`, 'PUT')).status).toBe(201)
    })

    it('refuses a non-admin every rule route (403)', async () => {
      const prior = await createRole('prior-d')
      const implied = await createRole('implied-d')
      const path = `/v3/roles/${prior.id}/implies/${implied.id}`
      for (const [p, method] of [[path, 'PUT'], [path, 'GET'], [path, 'DELETE'], [`/v3/roles/${prior.id}/implies`, 'GET'], ['/v3/role_inferences', 'GET']] as const) {
        const res = await api(p, method, undefined, memberToken)
        expect(res.status).toBe(403)
        expect(res.body.error.code).toBe(403)
      }
      expect((await api(path, 'HEAD', undefined, memberToken)).status).toBe(403)
    })

    it('puts implied roles in tokens, following chains and stopping at cycles; deleting a role deletes its rules', async () => {
      const [top, middle, bottom] = [await createRole('chain-top'), await createRole('chain-middle'), await createRole('chain-bottom')]
      expect((await api(`/v3/roles/${top.id}/implies/${middle.id}`, 'PUT')).status).toBe(201)
      expect((await api(`/v3/roles/${middle.id}/implies/${bottom.id}`, 'PUT')).status).toBe(201)
      expect((await api(`/v3/roles/${bottom.id}/implies/${top.id}`, 'PUT')).status).toBe(201)
      const project = await createProject('chain-project')
      const user = await createUser('chain-user')
      expect((await api(`/v3/projects/${project}/users/${user}/roles/${top.id}`, 'PUT')).status).toBe(204)
      expect(await tokenRoles('chain-user', { project: { id: project } })).toEqual(['chain-bottom', 'chain-middle', 'chain-top'])

      const effective = await api(`/v3/role_assignments?effective&user.id=${user}&scope.project.id=${project}`)
      expect(effective.status).toBe(200)
      const byRole = Object.fromEntries(effective.body.role_assignments.map((a: { role: { id: string } }) => [a.role.id, a]))
      expect(Object.keys(byRole).sort()).toEqual([top.id, middle.id, bottom.id].sort())
      expect(byRole[middle.id]).toEqual({
        scope: { project: { id: project } }, role: { id: middle.id }, user: { id: user },
        links: {
          assignment: `${s.url}/v3/projects/${project}/users/${user}/roles/${top.id}`,
          // Keystone builds this link with the two ids the other way round.
          prior_role: `${s.url}/v3/prior_role/${middle.id}/implies/${top.id}`,
        },
      })
      // Without `effective`, only the grant itself.
      expect((await api(`/v3/role_assignments?user.id=${user}&scope.project.id=${project}`)).body.role_assignments).toHaveLength(1)

      expect((await api(`/v3/roles/${middle.id}`, 'DELETE')).status).toBe(204)
      expect((await api(`/v3/roles/${top.id}/implies`)).body.role_inference.implies).toEqual([])
      expect(await tokenRoles('chain-user', { project: { id: project } })).toEqual(['chain-top'])
    })
  })

  describe('domain-specific roles', () => {
    it('are listed only with their domain_id, lead a token to the global roles they imply but never reach it themselves', async () => {
      const domainRole = await createRole('dom-role', domainId)
      const global = await createRole('dom-implied')
      expect((await api(`/v3/roles?domain_id=${domainId}`)).body.roles.map((r: { id: string }) => r.id)).toContain(domainRole.id)
      expect((await api('/v3/roles')).body.roles.map((r: { id: string }) => r.id)).not.toContain(domainRole.id)

      const project = await createProject('dom-project')
      const user = await createUser('dom-user')
      const member = await roleNamed('member')
      expect((await api(`/v3/projects/${project}/users/${user}/roles/${member}`, 'PUT')).status).toBe(204)
      expect((await api(`/v3/projects/${project}/users/${user}/roles/${domainRole.id}`, 'PUT')).status).toBe(204)
      expect(await tokenRoles('dom-user', { project: { id: project } })).toEqual(['member', 'reader'])
      const effective = () => api(`/v3/role_assignments?effective&user.id=${user}&scope.project.id=${project}&role.id=${global.id}`)
      expect((await effective()).body.role_assignments).toEqual([])
      expect((await api(`/v3/role_assignments?effective&user.id=${user}&scope.project.id=${project}&role.id=${domainRole.id}`)).body.role_assignments).toEqual([])

      expect((await api(`/v3/roles/${domainRole.id}/implies/${global.id}`, 'PUT')).status).toBe(201)
      expect(await tokenRoles('dom-user', { project: { id: project } })).toEqual(['dom-implied', 'member', 'reader'])
      expect((await effective()).body.role_assignments).toEqual([{
        scope: { project: { id: project } }, role: { id: global.id }, user: { id: user },
        links: {
          assignment: `${s.url}/v3/projects/${project}/users/${user}/roles/${domainRole.id}`,
          prior_role: `${s.url}/v3/prior_role/${global.id}/implies/${domainRole.id}`,
        },
      }])
    })

    it('is granted only on projects of its domain, and never on the system', async () => {
      const otherDomain = (await api('/v3/domains', 'POST', { domain: { name: 'dom-mismatch' } })).body.domain.id
      const foreignRole = await createRole('foreign-role', otherDomain)
      const project = await createProject('mismatch-project')
      const user = await createUser('mismatch-user')
      expect((await api(`/v3/projects/${project}/users/${user}/roles/${foreignRole.id}`, 'PUT')).body)
        .toEqual(error(403, 'Forbidden', `Project ${project} must be in the same domain as the role ${foreignRole.id} being assigned.`))
      expect((await api(`/v3/system/users/${user}/roles/${foreignRole.id}`, 'PUT')).body)
        .toEqual(error(400, 'Bad Request', `Role ${foreignRole.id} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`))
    })
  })

  describe('inherited grants (OS-INHERIT)', () => {
    it('grants, checks, lists and revokes a user\'s role on every project of a domain', async () => {
      const role = await createRole('inherit-domain-role')
      const user = await createUser('inherit-domain-user')
      const parent = await createProject('inherit-parent')
      const leaf = await createProject('inherit-leaf', parent)
      const path = `/v3/OS-INHERIT/domains/${domainId}/users/${user}/roles/${role.id}/inherited_to_projects`
      expect((await api(path, 'HEAD')).status).toBe(404)
      expect((await api(path, 'PUT')).status).toBe(204)
      expect((await api(path, 'HEAD')).status).toBe(204)
      const listed = await api(`/v3/OS-INHERIT/domains/${domainId}/users/${user}/roles/inherited_to_projects`)
      expect(listed.status).toBe(200)
      expect(listed.body.roles.map((r: { id: string }) => r.id)).toEqual([role.id])

      // On the projects, not on the domain itself.
      expect(await tokenRoles('inherit-domain-user', { project: { id: leaf } })).toEqual(['inherit-domain-role'])
      expect((await tokenResponse('inherit-domain-user', { domain: { id: domainId } })).status).toBe(401)
      const effective = await api(`/v3/role_assignments?effective&user.id=${user}&scope.project.id=${leaf}`)
      expect(effective.body.role_assignments).toEqual([{
        scope: { project: { id: leaf }, 'OS-INHERIT:inherited_to': 'projects' }, role: { id: role.id }, user: { id: user },
        links: { assignment: `${s.url}/v3/OS-INHERIT/domains/${domainId}/users/${user}/roles/${role.id}/inherited_to_projects` },
      }])
      const direct = await api(`/v3/role_assignments?user.id=${user}&scope.OS-INHERIT:inherited_to=projects`)
      expect(direct.body.role_assignments).toEqual([{
        scope: { domain: { id: domainId }, 'OS-INHERIT:inherited_to': 'projects' }, role: { id: role.id }, user: { id: user },
        links: { assignment: `${s.url}${path}` },
      }])

      expect((await api(path, 'DELETE')).status).toBe(204)
      expect((await api(`/v3/role_assignments?effective&user.id=${user}&scope.project.id=${leaf}`)).body.role_assignments).toEqual([])
      expect((await api(path, 'DELETE')).body).toEqual(error(404, 'Not Found',
        `Could not find role assignment with role: ${role.id}, user or group: ${user}, project, domain, or system: ${domainId}.`))
    })

    it('grants a user\'s and a group\'s role on a project\'s subtree, not on the project itself', async () => {
      const role = await createRole('inherit-tree-role')
      const user = await createUser('tree-user')
      const member = await createUser('tree-member')
      const group = (await api('/v3/groups', 'POST', { group: { name: 'tree-group', domain_id: domainId, project_id: 'ignored' } })).body.group.id
      expect((await api(`/v3/groups/${group}/users/${member}`, 'PUT')).status).toBe(204)
      const root = await createProject('tree-root')
      const child = await createProject('tree-child', root)
      const grandchild = await createProject('tree-grandchild', child)
      const other = await createRole('tree-other')
      for (const u of [user, member]) expect((await api(`/v3/projects/${root}/users/${u}/roles/${other.id}`, 'PUT')).status).toBe(204)

      const userPath = `/v3/OS-INHERIT/projects/${root}/users/${user}/roles/${role.id}/inherited_to_projects`
      const groupPath = `/v3/OS-INHERIT/projects/${root}/groups/${group}/roles/${role.id}/inherited_to_projects`
      for (const p of [userPath, groupPath]) {
        expect((await api(p, 'PUT')).status).toBe(204)
        expect((await api(p, 'HEAD')).status).toBe(204)
      }
      expect(await tokenRoles('tree-user', { project: { id: root } })).toEqual(['tree-other'])
      expect(await tokenRoles('tree-user', { project: { id: grandchild } })).toEqual(['inherit-tree-role'])
      expect(await tokenRoles('tree-member', { project: { id: child } })).toEqual(['inherit-tree-role'])

      const subtree = await api(`/v3/role_assignments?effective&include_subtree&role.id=${role.id}&scope.project.id=${root}`)
      expect(subtree.status).toBe(200)
      const seen = subtree.body.role_assignments.map((a: { user: { id: string }; scope: { project: { id: string } } }) => `${a.user.id}@${a.scope.project.id}`).sort()
      expect(seen).toEqual([`${member}@${child}`, `${member}@${grandchild}`, `${user}@${child}`, `${user}@${grandchild}`].sort())
      const viaGroup = subtree.body.role_assignments.find((a: { user: { id: string }; scope: { project: { id: string } } }) => a.user.id === member && a.scope.project.id === child)
      expect(viaGroup.links).toEqual({
        membership: `${s.url}/v3/groups/${group}/users/${member}`,
        assignment: `${s.url}${groupPath}`,
      })

      for (const p of [userPath, groupPath]) expect((await api(p, 'DELETE')).status).toBe(204)
      expect((await api(userPath, 'HEAD')).status).toBe(404)
      expect((await tokenResponse('tree-user', { project: { id: grandchild } })).status).toBe(401)
    })

    it('refuses the role assignment filters Keystone refuses, in its words', async () => {
      const bad = (query: string) => api(`/v3/role_assignments?${query}`)
      expect((await bad('effective&group.id=g')).body).toEqual(error(400, 'Bad Request', 'Combining effective and group filter will always result in an empty list.'))
      expect((await bad(`effective&scope.OS-INHERIT:inherited_to=projects&scope.domain.id=${domainId}`)).body)
        .toEqual(error(400, 'Bad Request', 'Combining effective, domain and inherited filters will always result in an empty list.'))
      expect((await bad('user.id=u&group.id=g')).body).toEqual(error(400, 'Bad Request', 'Specify a user or group, not both'))
      expect((await bad('scope.domain.id=d&scope.project.id=p')).body).toEqual(error(400, 'Bad Request', 'Specify a domain or project, not both'))
      expect((await bad('include_subtree')).body).toEqual(error(400, 'Bad Request', 'scope.project.id must be specified if include_subtree is also specified'))
      expect((await bad('effective=0&include_subtree=0')).status).toBe(200)
    })

    it('answers 404 for unknown targets, actors and roles, and 403 to a non-admin', async () => {
      const role = await createRole('inherit-errors')
      const user = await createUser('inherit-errors-user')
      expect((await api(`/v3/OS-INHERIT/projects/${UNKNOWN}/users/${user}/roles/${role.id}/inherited_to_projects`, 'PUT')).body)
        .toEqual(error(404, 'Not Found', `Could not find project: ${UNKNOWN}.`))
      expect((await api(`/v3/OS-INHERIT/domains/${domainId}/users/${UNKNOWN}/roles/${role.id}/inherited_to_projects`, 'PUT')).body)
        .toEqual(error(404, 'Not Found', `Could not find user: ${UNKNOWN}.`))
      expect((await api(`/v3/OS-INHERIT/domains/${domainId}/users/${user}/roles/${UNKNOWN}/inherited_to_projects`, 'PUT')).body)
        .toEqual(error(404, 'Not Found', `Could not find role: ${UNKNOWN}.`))
      const refused = await api(`/v3/OS-INHERIT/domains/${domainId}/users/${user}/roles/${role.id}/inherited_to_projects`, 'PUT', undefined, memberToken)
      expect(refused.status).toBe(403)
      expect(refused.body.error.code).toBe(403)
    })
  })

  describe('system grants', () => {
    it('grants, checks, lists and revokes a user\'s and a group\'s role on the system', async () => {
      const role = await createRole('system-role')
      const user = await createUser('system-user')
      const group = (await api('/v3/groups', 'POST', { group: { name: 'system-group', domain_id: domainId } })).body.group.id
      for (const actor of [`users/${user}`, `groups/${group}`]) {
        const path = `/v3/system/${actor}/roles/${role.id}`
        expect((await api(path, 'PUT')).status).toBe(204)
        expect((await api(path, 'HEAD')).status).toBe(204)
        const listed = await api(`/v3/system/${actor}/roles`)
        expect(listed.status).toBe(200)
        expect(listed.body.roles).toEqual([{ id: role.id, name: role.name, domain_id: null, description: '', links: link(role.id), options: {} }])
        const assigned = await api(`/v3/role_assignments?scope.system=all&role.id=${role.id}`)
        expect(assigned.body.role_assignments).toEqual([{
          scope: { system: { all: true } }, role: { id: role.id }, [actor.split('/')[0]!.slice(0, -1)]: { id: actor.split('/')[1] },
          links: { assignment: `${s.url}${path}` },
        }])
        // Asked about a project, no system grant shows.
        expect((await api(`/v3/role_assignments?role.id=${role.id}&scope.domain.id=${domainId}`)).body.role_assignments).toEqual([])
        expect((await api(path, 'DELETE')).status).toBe(204)
        expect((await api(path, 'HEAD')).status).toBe(404)
      }
      expect((await api(`/v3/system/users/${user}/roles/${role.id}`, 'PUT', undefined, memberToken)).status).toBe(403)
      expect((await api(`/v3/system/users/${UNKNOWN}/roles`)).body).toEqual(error(404, 'Not Found', `Could not find user: ${UNKNOWN}.`))
      expect((await api(`/v3/role_assignments?scope.system=all&scope.project.id=${UNKNOWN}`)).body).toEqual(error(400, 'Bad Request', 'Specify system or project, not both'))
    })
  })
})
