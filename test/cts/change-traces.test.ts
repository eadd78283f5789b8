/**
 * Every kind of change leaves its trace, and only committed changes do: users, passwords, groups,
 * memberships, custom policies, grants, access keys (permanent and temporary), enterprise
 * projects (create, update, disable, enable, delete), resources (register, move, forget) and
 * favourites. Secrets never reach a trace. A trace that cannot be written takes its change with
 * it, and only it: the other writes committed in the same grouped commit stand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { call, startServer, type TestServer } from '../helpers/server.js'

describe('audit trail: what each change records', () => {
  let s: TestServer
  let token: string
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call(`${s.url}${path}`, { method, token, body })
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res
  }
  /** The newest traces of one resource, newest first. */
  const tracesOf = async (resourceId: string) =>
    (await api('GET', `/v3/${s.account.id}/traces?limit=200&resource_id=${encodeURIComponent(resourceId)}`)).body.traces as any[]

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
  })
  afterAll(() => s.close())

  it('users and passwords: create, update, password change, delete; no password hash in any state', async () => {
    const created = await api('POST', '/v3/users', { user: { name: 'audit-u', password: 'Audit-Passw0rd!', email: 'a@example.com' } })
    const id = created.body.user.id
    await api('PATCH', `/v3/users/${id}`, { user: { email: 'b@example.com' } })
    const userToken = (await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { id, password: 'Audit-Passw0rd!' } } }, scope: { domain: { id: s.account.id } } } } })).headers.get('x-subject-token')!
    expect((await call(`${s.url}/v3/users/${id}/password`, { method: 'POST', token: userToken, body: { user: { original_password: 'Audit-Passw0rd!', password: 'Audit-Passw0rd!2' } } })).status).toBe(204)
    await api('DELETE', `/v3/users/${id}`)
    const trail = await tracesOf(id)
    expect(trail.map((t) => [t.trace_name, t.resource_type, t.resource_name, t.user.name])).toEqual([
      ['deleteUser', 'user', 'audit-u', 'admin'],
      ['changePassword', 'user', 'audit-u', 'audit-u'],
      ['updateUser', 'user', 'audit-u', 'admin'],
      ['createUser', 'user', 'audit-u', 'admin'],
    ])
    expect(trail[2].resource_before).toMatchObject({ email: 'a@example.com' })
    expect(trail[2].resource_after).toMatchObject({ email: 'b@example.com' })
    expect(trail[0].resource_after).toBeNull()
    const text = JSON.stringify(trail)
    expect(text).not.toContain('password_hash')
    expect(text).not.toContain('argon2')
    expect(text).not.toContain('Audit-Passw0rd')
  })

  it('groups, memberships and grants', async () => {
    const group = (await api('POST', '/v3/groups', { group: { name: 'audit-g' } })).body.group.id
    const user = (await api('POST', '/v3/users', { user: { name: 'audit-m', password: 'Audit-Passw0rd!' } })).body.user.id
    await api('PATCH', `/v3/groups/${group}`, { group: { description: 'auditors' } })
    await api('PUT', `/v3/groups/${group}/users/${user}`)
    const role = (await api('GET', '/v3/roles?name=readonly')).body.roles[0].id
    await api('PUT', `/v3/domains/${s.account.id}/groups/${group}/roles/${role}`)
    await api('DELETE', `/v3/domains/${s.account.id}/groups/${group}/roles/${role}`)
    await api('DELETE', `/v3/groups/${group}/users/${user}`)
    await api('DELETE', `/v3/groups/${group}`)
    const trail = await tracesOf(group)
    expect(trail.map((t) => t.trace_name)).toEqual(['deleteGroup', 'removeUserFromGroup', 'revokeRole', 'grantRole', 'addUserToGroup', 'updateGroup', 'createGroup'])
    const grant = { role_id: role, role_name: 'readonly', target_type: 'domain', target_id: s.account.id, inherited: false }
    expect(trail[3]).toMatchObject({ resource_type: 'group', resource_name: 'audit-g', resource_before: null, resource_after: grant })
    expect(trail[2]).toMatchObject({ resource_before: grant, resource_after: null })
    expect(trail[4]).toMatchObject({ resource_before: null, resource_after: { group_id: group, user_id: user, user_name: 'audit-m' } })
    expect(trail[1]).toMatchObject({ resource_before: { group_id: group, user_id: user, user_name: 'audit-m' }, resource_after: null })
  })

  it('custom policies: create, update, delete', async () => {
    const policy = { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:enterpriseProjects:get'] }] }
    const created = await api('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'AuditPolicy', type: 'AX', description: 'one', policy } })
    const id = created.body.role.id
    await api('PATCH', `/v3.0/OS-ROLE/roles/${id}`, { role: { display_name: 'AuditPolicy2', type: 'AX', description: 'two', policy } })
    await api('DELETE', `/v3.0/OS-ROLE/roles/${id}`)
    const trail = await tracesOf(id)
    expect(trail.map((t) => t.trace_name)).toEqual(['deleteCustomPolicy', 'updateCustomPolicy', 'createCustomPolicy'])
    expect(trail[1]).toMatchObject({ resource_type: 'role', resource_before: { display_name: 'AuditPolicy' }, resource_after: { display_name: 'AuditPolicy2' } })
  })

  it('access keys: create, disable, delete and temporary keys, never with a secret', async () => {
    const adminId = (await api('GET', '/v3/users?name=admin')).body.users[0].id
    const created = await api('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: adminId, description: 'audit' } })
    const { access, secret } = created.body.credential
    await api('PUT', `/v3.0/OS-CREDENTIAL/credentials/${access}`, { credential: { status: 'inactive' } })
    await api('DELETE', `/v3.0/OS-CREDENTIAL/credentials/${access}`)
    const trail = await tracesOf(access)
    expect(trail.map((t) => [t.trace_name, t.resource_type, t.resource_name])).toEqual([
      ['deleteCredential', 'credential', access], ['updateCredential', 'credential', access], ['createCredential', 'credential', access],
    ])
    expect(trail[1]).toMatchObject({ resource_before: { status: 'active', user_id: adminId }, resource_after: { status: 'inactive' } })
    const temporary = await api('POST', '/v3.0/OS-CREDENTIAL/securitytokens', { auth: { identity: { methods: ['token'], token: { duration_seconds: 900 } } } })
    const temp = temporary.body.credential
    const tempTrail = await tracesOf(temp.access)
    expect(tempTrail.map((t) => t.trace_name)).toEqual(['createTemporaryCredential'])
    const text = JSON.stringify([...trail, ...tempTrail])
    for (const hidden of [secret, temp.secret, temp.securitytoken]) expect(text).not.toContain(hidden)
    expect(text).not.toContain('security_token_hash')
  })

  it('enterprise projects, resources and favourites', async () => {
    const ep = (await api('POST', '/v1.0/enterprise-projects', { name: 'audit_ep', description: 'one' })).body.enterprise_project.id
    const target = (await api('POST', '/v1.0/enterprise-projects', { name: 'audit_target' })).body.enterprise_project.id
    await api('PUT', `/v1.0/enterprise-projects/${ep}`, { name: 'audit_ep2' })
    await api('POST', `/v1.0/enterprise-projects/${ep}/action`, { action: 'disable' })
    await api('POST', `/v1.0/enterprise-projects/${ep}/action`, { action: 'enable' })
    const project = (await api('GET', '/v3/projects?name=cn-north-4')).body.projects[0].id
    const server = (await api('POST', '/_projectplane/resources', { resource_type: 'ecs', project_id: project, resource_name: 'audit-vm', enterprise_project_id: ep })).body.resource.resource_id
    await api('POST', `/v1.0/enterprise-projects/${target}/resources-migrate`, { resource_id: server, resource_type: 'ecs', project_id: project })
    await api('DELETE', `/_projectplane/resources/ecs/${server}`)
    await api('DELETE', `/v1.0/enterprise-projects/${ep}`)
    const favourites = await api('PUT', '/v1/enterprise-project-collect', { ep_id_list: ['0', target] })
    await api('PUT', '/v1/enterprise-project-collect', { ep_id_list: [target] })

    const epTrail = await tracesOf(ep)
    expect(epTrail.map((t) => [t.service_type, t.trace_name, t.resource_name])).toEqual([
      ['EPS', 'deleteEnterpriseProject', 'audit_ep2'], ['EPS', 'enableEnterpriseProject', 'audit_ep2'], ['EPS', 'disableEnterpriseProject', 'audit_ep2'],
      ['EPS', 'updateEnterpriseProject', 'audit_ep2'], ['EPS', 'createEnterpriseProject', 'audit_ep'],
    ])
    expect(epTrail[2]).toMatchObject({ resource_type: 'enterprise_project', resource_before: { status: 1 }, resource_after: { status: 2 } })
    expect(epTrail[3]).toMatchObject({ resource_before: { name: 'audit_ep', description: 'one' }, resource_after: { name: 'audit_ep2', description: 'one' } })
    const vmTrail = await tracesOf(server)
    expect(vmTrail.map((t) => [t.trace_name, t.resource_type, t.resource_name])).toEqual([
      ['deleteResource', 'ecs', 'audit-vm'], ['migrateResource', 'ecs', 'audit-vm'], ['registerResource', 'ecs', 'audit-vm'],
    ])
    expect(vmTrail[1]).toMatchObject({ resource_before: { enterprise_project_id: ep }, resource_after: { enterprise_project_id: target } })
    const favTrail = await tracesOf(favourites.body.data)
    expect(favTrail.map((t) => [t.service_type, t.trace_name, t.resource_type])).toEqual([
      ['COC', 'updateFavouriteEnterpriseProjects', 'enterprise_project_collect'], ['COC', 'updateFavouriteEnterpriseProjects', 'enterprise_project_collect'],
    ])
    expect(favTrail[0]).toMatchObject({ resource_before: { ep_id_list: ['0', target] }, resource_after: { ep_id_list: [target] } })
    expect(favTrail[1].resource_before).toBeNull()
  })
})

describe('audit trail: a change and its trace commit together or not at all', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
  })
  afterAll(async () => {
    await s.close()
  })

  /** Makes the database itself refuse traces of resources with this name: the write fails after the change. */
  const refuseTracesNamed = async (name: string) => {
    const db = s.server.db
    if (db.dialect === 'sqlite') {
      await sql.raw(`CREATE TRIGGER refuse_trace BEFORE INSERT ON audit_traces WHEN NEW.resource_name = '${name}' BEGIN SELECT RAISE(ABORT, 'trace refused by test'); END`).execute(db.kysely)
    } else {
      await sql.raw(`CREATE FUNCTION refuse_trace() RETURNS trigger AS $$ BEGIN IF NEW.resource_name = '${name}' THEN RAISE EXCEPTION 'trace refused by test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`).execute(db.kysely)
      await sql.raw('CREATE TRIGGER refuse_trace BEFORE INSERT ON audit_traces FOR EACH ROW EXECUTE FUNCTION refuse_trace()').execute(db.kysely)
    }
  }

  it('a trace the database refuses undoes its change, and only its change among 20 concurrent ones', async () => {
    const ids: string[] = []
    for (let i = 0; i < 20; i++) {
      ids.push((await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: `cn-north-4_atomic${i}` } } })).body.project.id)
    }
    await refuseTracesNamed('cn-north-4_doomed')
    // Sent at once: on SQLite they share grouped commits, on PostgreSQL they overlap.
    const results = await Promise.all(ids.map((id, i) => call(`${s.url}/v3/projects/${id}`, {
      method: 'PATCH', token, body: { project: { name: i === 7 ? 'cn-north-4_doomed' : `cn-north-4_renamed${i}` } },
    })))
    expect(results.map((r) => r.status)).toEqual(ids.map((_, i) => (i === 7 ? 500 : 200)))
    expect(results[7]!.body).toEqual({ error: { code: 500, title: 'Internal Server Error', message: 'An unexpected error prevented the server from fulfilling your request.' } })
    for (const [i, id] of ids.entries()) {
      const project = (await call(`${s.url}/v3/projects/${id}`, { token })).body.project
      const trail = (await call(`${s.url}/v3/${s.account.id}/traces?resource_id=${id}`, { token })).body.traces
      if (i === 7) {
        // Neither the rename nor its trace: the project is as it was, its only trace its creation.
        expect(project.name).toBe('cn-north-4_atomic7')
        expect(trail.map((t: any) => t.trace_name)).toEqual(['createProject'])
      } else {
        expect(project.name).toBe(`cn-north-4_renamed${i}`)
        expect(trail.map((t: any) => [t.trace_name, t.resource_before?.name ?? null, t.resource_after.name])).toEqual([
          ['updateProject', `cn-north-4_atomic${i}`, `cn-north-4_renamed${i}`], ['createProject', null, `cn-north-4_atomic${i}`],
        ])
      }
    }
  })
})
