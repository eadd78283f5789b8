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
    expect(t.roles).toEqual([{ id: roleIds.admin, name: 'admin' }])
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
