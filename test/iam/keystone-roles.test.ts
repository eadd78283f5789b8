/**
 * Issue 16 in the keystone flavour: Keystone 22's default administrator with `enforce_scope`
 * off (`admin` on any project or domain), system-scoped tokens, and the role API (create,
 * update, delete, domain-specific roles).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

function passwordAuth(user: string, password: string, scope?: unknown) {
  return { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { id: 'default' } } } }, ...(scope === undefined ? {} : { scope }) } }
}

async function tokenOf(s: TestServer, user: string, password: string, scope: unknown): Promise<string> {
  const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: passwordAuth(user, password, scope) })
  if (res.status !== 201) throw new Error(`token for ${user}: ${res.status} ${res.text}`)
  return res.headers.get('x-subject-token')!
}

describe('keystone default admin and system scope (issue 16)', () => {
  let s: TestServer
  let admin: string
  let roleIds: Record<string, string>
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    const roles = await call(`${s.url}/v3/roles`, { token: admin })
    roleIds = Object.fromEntries(roles.body.roles.map((r: { id: string; name: string }) => [r.name, r.id]))
  })
  afterAll(() => s.close())

  /** A user holding `role` on a fresh project, as Tempest's dynamic credentials make one. */
  async function userWithRoleOnProject(name: string, role: string): Promise<string> {
    const project = await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: `${name}-project`, domain_id: 'default' } } })
    expect(project.status).toBe(201)
    const user = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password: `${name}-Passw0rd`, domain_id: 'default' } } })
    expect(user.status).toBe(201)
    const grant = await call(`${s.url}/v3/projects/${project.body.project.id}/users/${user.body.user.id}/roles/${roleIds[role]}`, { method: 'PUT', token: admin })
    expect(grant.status).toBe(204)
    return tokenOf(s, name, `${name}-Passw0rd`, { project: { id: project.body.project.id } })
  }

  it('treats admin on any project as the cloud administrator, as Keystone 22 does with enforce_scope off', async () => {
    const token = await userWithRoleOnProject('tempest-admin', 'admin')
    const created = await call(`${s.url}/v3/domains`, { method: 'POST', token, body: { domain: { name: 'made-by-project-admin' } } })
    expect(created.status).toBe(201)
    expect(created.body.domain.name).toBe('made-by-project-admin')
    const users = await call(`${s.url}/v3/users?domain_id=${created.body.domain.id}`, { token })
    expect(users.status).toBe(200)
  })

  it('refuses a member of a project what needs admin', async () => {
    const token = await userWithRoleOnProject('tempest-member', 'member')
    const created = await call(`${s.url}/v3/domains`, { method: 'POST', token, body: { domain: { name: 'refused' } } })
    expect(created.status).toBe(403)
  })

  it('issues a system-scoped token to a holder of a system role, with "system": {"all": true}', async () => {
    const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { system: { all: true } }) })
    expect(res.status).toBe(201)
    const t = res.body.token
    expect(t.system).toEqual({ all: true })
    expect(t.project).toBeUndefined()
    expect(t.domain).toBeUndefined()
    expect([...t.roles].sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
      { id: roleIds.admin, name: 'admin' }, { id: roleIds.member, name: 'member' }, { id: roleIds.reader, name: 'reader' },
    ])
    expect(t.catalog.some((c: { type: string }) => c.type === 'identity')).toBe(true)
    const token = res.headers.get('x-subject-token')!
    const validated = await call(`${s.url}/v3/auth/tokens`, { token, headers: { 'x-subject-token': token } })
    expect(validated.status).toBe(200)
    expect(validated.body.token.system).toEqual({ all: true })
    const domain = await call(`${s.url}/v3/domains`, { method: 'POST', token, body: { domain: { name: 'made-by-system-admin' } } })
    expect(domain.status).toBe(201)
  })

  it('refuses a system-scoped token to a user without a role on the system', async () => {
    await userWithRoleOnProject('no-system', 'admin')
    const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('no-system', 'no-system-Passw0rd', { system: { all: true } }) })
    expect(res.status).toBe(401)
  })
})

describe('keystone roles API (issue 16)', () => {
  let s: TestServer
  let admin: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
  })
  afterAll(() => s.close())

  const link = (id: string) => ({ self: `${s.url}/v3/roles/${id}` })

  it('creates, shows, renames and deletes a global role in Keystone\'s shape', async () => {
    const created = await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { name: 'observer', description: 'looks' } } })
    expect(created.status).toBe(201)
    const id = created.body.role.id
    expect(created.body).toEqual({ role: { id, name: 'observer', domain_id: null, description: 'looks', links: link(id), options: {} } })
    expect((await call(`${s.url}/v3/roles/${id}`, { token: admin })).body).toEqual(created.body)
    const listed = await call(`${s.url}/v3/roles?name=observer`, { token: admin })
    expect(listed.body.roles).toEqual([created.body.role])

    const renamed = await call(`${s.url}/v3/roles/${id}`, { method: 'PATCH', token: admin, body: { role: { name: 'watcher' } } })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toEqual({ role: { id, name: 'watcher', domain_id: null, description: 'looks', links: link(id), options: {} } })

    const moved = await call(`${s.url}/v3/roles/${id}`, { method: 'PATCH', token: admin, body: { role: { domain_id: 'default' } } })
    expect(moved.status).toBe(400)
    expect(moved.body.error.message).toBe('Update of `domain_id` is not allowed.')

    expect((await call(`${s.url}/v3/roles/${id}`, { method: 'DELETE', token: admin })).status).toBe(204)
    const gone = await call(`${s.url}/v3/roles/${id}`, { token: admin })
    expect(gone.status).toBe(404)
    expect(gone.body).toEqual({ error: { code: 404, title: 'Not Found', message: `Could not find role: ${id}.` } })
    const again = await call(`${s.url}/v3/roles/${id}`, { method: 'DELETE', token: admin })
    expect(again.status).toBe(404)
    expect(again.body.error.message).toBe(`Could not find role: ${id}.`)
    expect((await call(`${s.url}/v3/roles/${id}`, { method: 'PATCH', token: admin, body: { role: { name: 'x' } } })).status).toBe(404)
  })

  it('refuses a taken name with Keystone\'s conflict text', async () => {
    const res = await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { name: 'member' } } })
    expect(res.status).toBe(409)
    expect(res.body).toEqual({ error: { code: 409, title: 'Conflict', message: 'Conflict occurred attempting to store role - Duplicate entry found with name member.' } })
  })

  it('refuses a role without a name, and an empty update', async () => {
    const res = await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { description: 'x' } } })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe(400)
    const empty = await call(`${s.url}/v3/roles/${'0'.repeat(32)}`, { method: 'PATCH', token: admin, body: { role: {} } })
    expect(empty.status).toBe(400)
  })

  it('keeps domain-specific roles apart: listed only with their domain_id, names unique per domain', async () => {
    const domain = await call(`${s.url}/v3/domains`, { method: 'POST', token: admin, body: { domain: { name: 'roles-domain' } } })
    const domainId = domain.body.domain.id
    const created = await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { name: 'member', domain_id: domainId } } })
    expect(created.status).toBe(201)
    const id = created.body.role.id
    expect(created.body.role).toEqual({ id, name: 'member', domain_id: domainId, description: '', links: link(id), options: {} })
    const ofDomain = await call(`${s.url}/v3/roles?domain_id=${domainId}`, { token: admin })
    expect(ofDomain.body.roles).toEqual([created.body.role])
    const global = await call(`${s.url}/v3/roles`, { token: admin })
    expect(global.body.roles.map((r: { id: string }) => r.id)).not.toContain(id)
    const twice = await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { name: 'member', domain_id: domainId } } })
    expect(twice.status).toBe(409)
    expect(twice.body.error.message).toBe(`Conflict occurred attempting to store role - Duplicate entry found with name member at domain ID ${domainId}.`)
    const nowhere = await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { name: 'r', domain_id: 'nowhere' } } })
    expect(nowhere.status).toBe(404)
    expect(nowhere.body.error.message).toBe('Could not find domain: nowhere.')
  })

  it('deletes a role\'s assignments with it', async () => {
    const role = (await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { name: 'temporary' } } })).body.role
    const user = (await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: 'holder', domain_id: 'default' } } })).body.user
    expect((await call(`${s.url}/v3/domains/default/users/${user.id}/roles/${role.id}`, { method: 'PUT', token: admin })).status).toBe(204)
    expect((await call(`${s.url}/v3/role_assignments?role.id=${role.id}`, { token: admin })).body.role_assignments).toHaveLength(1)
    expect((await call(`${s.url}/v3/roles/${role.id}`, { method: 'DELETE', token: admin })).status).toBe(204)
    expect((await call(`${s.url}/v3/role_assignments?user.id=${user.id}`, { token: admin })).body.role_assignments).toEqual([])
  })

  it('lets only an administrator write roles', async () => {
    const project = (await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'members-only', domain_id: 'default' } } })).body.project
    const user = (await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: 'plain-member', password: 'Plain-Passw0rd', domain_id: 'default' } } })).body.user
    const member = (await call(`${s.url}/v3/roles?name=member`, { token: admin })).body.roles[0]
    await call(`${s.url}/v3/projects/${project.id}/users/${user.id}/roles/${member.id}`, { method: 'PUT', token: admin })
    const token = await tokenOf(s, 'plain-member', 'Plain-Passw0rd', { project: { id: project.id } })
    const res = await call(`${s.url}/v3/roles`, { method: 'POST', token, body: { role: { name: 'sneaky' } } })
    expect(res.status).toBe(403)
  })
})

describe('roles API on the clouds (issue 16)', () => {
  it('still answers POST /v3/roles with 405 on huaweicloud', async () => {
    const s = await startServer()
    try {
      const res = await call(`${s.url}/v3/roles`, { method: 'POST', token: await s.adminToken(), body: { role: { name: 'x' } } })
      expect(res.status).toBe(405)
    } finally {
      await s.close()
    }
  })
})
