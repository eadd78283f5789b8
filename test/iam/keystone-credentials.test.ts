/**
 * Keystone 22's credentials (`/v3/credentials`) and EC2 credentials (`/v3/users/{id}/credentials/OS-EC2`)
 * in the keystone flavour: bodies, ids, Keystone's validation words, who may see and change what
 * (an administrator everything, anyone else its own), and that both APIs show the same rows.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const forbidden = (action: string) => error(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`)
const notFound = (target: string, id: string) => error(404, 'Not Found', `Could not find ${target}: ${id}.`)
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const missing = (attribute: string) => error(400, 'Bad Request', `Expecting to find ${attribute} in credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`)

describe('keystone credentials and EC2 credentials', () => {
  let s: TestServer
  let admin: string
  let member: { id: string; token: string; project: string }
  let other: { id: string; token: string; project: string }
  let projects: string[]

  async function api(method: string, path: string, body?: unknown, token = admin) {
    return call(`${s.url}${path}`, { method, token, body })
  }

  /** A user holding `member` on a project of its own, with a token scoped there (Tempest's primary user). */
  async function memberUser(name: string) {
    const project = (await api('POST', '/v3/projects', { project: { name: `${name}-project`, domain_id: 'default' } })).body.project.id as string
    const id = (await api('POST', '/v3/users', { user: { name, password: `${name}-Passw0rd`, domain_id: 'default' } })).body.user.id as string
    const roles = (await api('GET', '/v3/roles?name=member')).body.roles as Array<{ id: string }>
    expect((await api('PUT', `/v3/projects/${project}/users/${id}/roles/${roles[0]!.id}`)).status).toBe(204)
    const auth = { auth: { identity: { methods: ['password'], password: { user: { id, password: `${name}-Passw0rd` } } }, scope: { project: { id: project } } } }
    const issued = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: auth })
    expect(issued.status).toBe(201)
    return { id, token: issued.headers.get('x-subject-token')!, project }
  }

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    member = await memberUser('cred-member')
    other = await memberUser('cred-other')
    projects = []
    for (const name of ['cred-p1', 'cred-p2']) projects.push((await api('POST', '/v3/projects', { project: { name, domain_id: 'default' } })).body.project.id)
  })
  afterAll(() => s.close())

  const ec2Blob = (access: string, secret: string) => JSON.stringify({ access, secret })

  it("creates, shows, updates and deletes an ec2 credential as Tempest's test does, keeping its id when the access key changes", async () => {
    const blob = ec2Blob('tempest-access-1', 'tempest-secret-1')
    const created = await api('POST', '/v3/credentials', { credential: { user_id: member.id, project_id: projects[0], blob, type: 'ec2' } })
    const id = sha256('tempest-access-1')
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      credential: { id, user_id: member.id, project_id: projects[0], type: 'ec2', blob, links: { self: `${s.url}/v3/credentials/${id}` } },
    })

    const newBlob = ec2Blob('tempest-access-2', 'tempest-secret-2')
    const updated = await api('PATCH', `/v3/credentials/${id}`, { credential: { blob: newBlob, project_id: projects[1], type: 'ec2' } })
    expect(updated.status).toBe(200)
    expect(updated.body.credential).toEqual({ id, user_id: member.id, project_id: projects[1], type: 'ec2', blob: newBlob, links: { self: `${s.url}/v3/credentials/${id}` } })
    const shown = await api('GET', `/v3/credentials/${id}`)
    expect(shown.status).toBe(200)
    expect(shown.body).toEqual(updated.body)

    // The blob is sealed at rest: neither key is in the row.
    const row = await s.server.db.kysely.selectFrom('keystone_credentials').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.blob).not.toContain('tempest-secret-2')
    expect(row.blob).not.toContain('tempest-access-2')

    expect((await api('DELETE', `/v3/credentials/${id}`)).status).toBe(204)
    expect((await api('GET', `/v3/credentials/${id}`)).body).toEqual(notFound('credential', id))
    expect((await api('DELETE', `/v3/credentials/${id}`)).body).toEqual(notFound('credential', id))

    // Traced in the owner's domain, without the blob, sealed or not.
    const traces = await s.server.db.kysely.selectFrom('audit_traces').selectAll().where('resource_type', '=', 'credential').where('resource_id', '=', id).orderBy('time').execute()
    expect(traces.map((t) => [t.trace_name, t.domain_id])).toEqual([['createCredential', 'default'], ['updateCredential', 'default'], ['deleteCredential', 'default']])
    for (const t of traces) expect(`${t.before_state} ${t.after_state}`).not.toMatch(/blob|tempest-secret/)
  })

  it('gives other types a random id, a null project_id and keeps extra attributes, their names normalized', async () => {
    const created = await api('POST', '/v3/credentials', { credential: { user_id: member.id, type: 'cert', blob: 'not json at all', 'my-note': 'kept', id: 'ignored' } })
    expect(created.status).toBe(201)
    const c = created.body.credential
    expect(c.id).toMatch(/^[0-9a-f]{32}$/)
    expect(c).toEqual({ id: c.id, user_id: member.id, project_id: null, type: 'cert', blob: 'not json at all', my_note: 'kept', links: { self: `${s.url}/v3/credentials/${c.id}` } })
    const patched = await api('PATCH', `/v3/credentials/${c.id}`, { credential: { colour: 'blue' } })
    expect(patched.body.credential).toMatchObject({ my_note: 'kept', colour: 'blue', blob: 'not json at all' })
    expect((await api('GET', `/v3/credentials/${c.id}`)).body.credential).toMatchObject({ my_note: 'kept', colour: 'blue' })
    expect((await api('DELETE', `/v3/credentials/${c.id}`)).status).toBe(204)
  })

  it("refuses bad bodies with Keystone's words", async () => {
    const post = (credential: unknown) => api('POST', '/v3/credentials', { credential })
    const bad = (message: string) => ({ status: 400, body: error(400, 'Bad Request', message) })
    expect(await post({ user_id: member.id, type: 'ec2', blob: ec2Blob('a', 'b') })).toMatchObject(
      bad(`{'user_id': '${member.id}', 'type': 'ec2', 'blob': '{"access":"a","secret":"b"}'} is not valid under any of the given schemas`))
    expect(await post({ user_id: member.id, type: 'cert', blob: 5 })).toMatchObject(bad("Invalid input for field 'blob': 5 is not of type 'string'"))
    expect(await post('text')).toMatchObject(bad("'text' is not of type 'object'"))
    expect(await post({ user_id: member.id, type: 'ec2', project_id: projects[0], blob: '{nope' })).toMatchObject(bad('Invalid blob in credential'))
    expect(await post({ user_id: member.id, type: 'ec2', project_id: projects[0], blob: '{}' })).toMatchObject({ status: 400, body: missing('blob') })
    expect(await post({ user_id: member.id, type: 'ec2', project_id: projects[0], blob: '{"secret": "s"}' })).toMatchObject({ status: 400, body: missing('access') })
    expect(await post({ user_id: 'no-such-user', type: 'cert', blob: 'x' })).toMatchObject({ status: 404, body: notFound('user', 'no-such-user') })
    expect(await post({ user_id: member.id, type: 'ec2', project_id: 'no-such-project', blob: ec2Blob('x', 'y') })).toMatchObject({ status: 404, body: notFound('project', 'no-such-project') })

    const blob = ec2Blob('dup-access', 'one')
    const first = await post({ user_id: member.id, type: 'ec2', project_id: projects[0], blob })
    expect(first.status).toBe(201)
    expect(await post({ user_id: other.id, type: 'ec2', project_id: projects[0], blob: ec2Blob('dup-access', 'two') })).toMatchObject({
      status: 409, body: error(409, 'Conflict', `Conflict occurred attempting to store credential - Duplicate entry found with ID ${sha256('dup-access')}.`),
    })
    const id = first.body.credential.id as string
    const patch = (credential: unknown) => api('PATCH', `/v3/credentials/${id}`, { credential })
    expect(await patch({})).toMatchObject(bad('{} does not have enough properties'))
    expect(await patch({ id: 'another' })).toMatchObject(bad('Cannot change ID'))
    expect(await patch({ blob: JSON.stringify({ access: 'dup-access', trust_id: 'a-trust' }) })).toMatchObject(bad('trust_id can not be updated for credential'))
    expect(await patch({ blob: '[1]' })).toMatchObject({ status: 400, body: missing('blob') })
    const cert = (await post({ user_id: member.id, type: 'cert', blob: 'x' })).body.credential.id as string
    expect(await api('PATCH', `/v3/credentials/${cert}`, { credential: { type: 'ec2' } })).toMatchObject({ status: 400, body: missing('project_id') })
  })

  it('lets an administrator see every credential, filtered by user_id and type, and anyone else only its own', async () => {
    const mine = (await api('POST', '/v3/credentials', { credential: { user_id: member.id, type: 'totp', blob: 'seed' } }, member.token))
    expect(mine.status).toBe(201)
    const theirs = (await api('POST', '/v3/credentials', { credential: { user_id: other.id, type: 'totp', blob: 'seed2' } })).body.credential.id as string
    const all = await api('GET', '/v3/credentials')
    expect(all.status).toBe(200)
    expect(all.body.links).toEqual({ self: `${s.url}/v3/credentials`, previous: null, next: null })
    const ids = (res: { body: { credentials: Array<{ id: string; user_id: string; type: string }> } }) => res.body.credentials.map((c) => c.id)
    expect(ids(all)).toEqual(expect.arrayContaining([mine.body.credential.id, theirs]))
    const byType = await api('GET', '/v3/credentials?type=totp')
    expect(new Set(byType.body.credentials.map((c: { type: string }) => c.type))).toEqual(new Set(['totp']))
    const byUser = await api('GET', `/v3/credentials?user_id=${other.id}`)
    expect(new Set(byUser.body.credentials.map((c: { user_id: string }) => c.user_id))).toEqual(new Set([other.id]))

    const own = await api('GET', '/v3/credentials', undefined, member.token)
    expect(own.status).toBe(200)
    expect(new Set(own.body.credentials.map((c: { user_id: string }) => c.user_id))).toEqual(new Set([member.id]))
    expect(ids(own)).toContain(mine.body.credential.id)
    expect((await api('GET', `/v3/credentials?user_id=${other.id}`, undefined, member.token)).body.credentials).toEqual([])
  })

  it("refuses a non-administrator someone else's credentials with 403, an unknown id too, as Keystone judges before it looks", async () => {
    const theirs = (await api('POST', '/v3/credentials', { credential: { user_id: other.id, type: 'totp', blob: 'x' } })).body.credential.id as string
    const t = member.token
    expect(await api('POST', '/v3/credentials', { credential: { user_id: other.id, type: 'totp', blob: 'x' } }, t)).toMatchObject({ status: 403, body: forbidden('identity:create_credential') })
    expect(await api('POST', '/v3/credentials', { credential: { type: 'totp' } }, t)).toMatchObject({ status: 403, body: forbidden('identity:create_credential') })
    expect(await api('GET', `/v3/credentials/${theirs}`, undefined, t)).toMatchObject({ status: 403, body: forbidden('identity:get_credential') })
    expect(await api('PATCH', `/v3/credentials/${theirs}`, { credential: { blob: 'y' } }, t)).toMatchObject({ status: 403, body: forbidden('identity:update_credential') })
    expect(await api('DELETE', `/v3/credentials/${theirs}`, undefined, t)).toMatchObject({ status: 403, body: forbidden('identity:delete_credential') })
    expect(await api('GET', '/v3/credentials/unknown', undefined, t)).toMatchObject({ status: 403, body: forbidden('identity:get_credential') })
    expect(await api('GET', '/v3/credentials/unknown')).toMatchObject({ status: 404, body: notFound('credential', 'unknown') })

    // One's own: shown, changed, but never given away.
    const mine = (await api('POST', '/v3/credentials', { credential: { user_id: member.id, type: 'totp', blob: 'x' } }, t)).body.credential.id as string
    expect((await api('GET', `/v3/credentials/${mine}`, undefined, t)).status).toBe(200)
    expect(await api('PATCH', `/v3/credentials/${mine}`, { credential: { user_id: other.id } }, t)).toMatchObject({ status: 403, body: forbidden('identity:update_credential') })
    expect((await api('PATCH', `/v3/credentials/${mine}`, { credential: { blob: 'z' } }, t)).body.credential.blob).toBe('z')
    expect((await api('DELETE', `/v3/credentials/${mine}`, undefined, t)).status).toBe(204)
  })

  it('creates, lists, shows and deletes EC2 credentials, which /v3/credentials shows as type ec2', async () => {
    const t = member.token
    const created = await api('POST', `/v3/users/${member.id}/credentials/OS-EC2`, { tenant_id: member.project }, t)
    expect(created.status).toBe(201)
    const c = created.body.credential
    expect(c.access).toMatch(/^[0-9a-f]{32}$/)
    expect(c.secret).toMatch(/^[0-9a-f]{32}$/)
    const self = `${s.url}/v3/users/${member.id}/credentials/OS-EC2/${c.access}`
    expect(c).toEqual({ user_id: member.id, tenant_id: member.project, access: c.access, secret: c.secret, trust_id: null, links: { self } })

    const listed = await api('GET', `/v3/users/${member.id}/credentials/OS-EC2`, undefined, t)
    expect(listed.status).toBe(200)
    expect(listed.body.links).toEqual({ self: `${s.url}/v3/users/${member.id}/credentials/OS-EC2`, previous: null, next: null })
    expect(listed.body.credentials).toContainEqual(c)
    expect((await api('GET', `/v3/users/${member.id}/credentials/OS-EC2/${c.access}`, undefined, t)).body).toEqual({ credential: c })

    const v3 = await api('GET', `/v3/credentials/${sha256(c.access)}`, undefined, t)
    expect(v3.body.credential).toMatchObject({ type: 'ec2', project_id: member.project, blob: `{"access": "${c.access}", "secret": "${c.secret}", "trust_id": null}` })

    expect((await api('DELETE', `/v3/users/${member.id}/credentials/OS-EC2/${c.access}`, undefined, t)).status).toBe(204)
    expect(await api('GET', `/v3/users/${member.id}/credentials/OS-EC2/${c.access}`, undefined, t)).toMatchObject({ status: 404, body: notFound('credential', sha256(c.access)) })
  })

  it('names the trust in EC2 keys made with a trust-scoped token', async () => {
    const memberRole = (await api('GET', '/v3/roles?name=member')).body.roles[0].id as string
    const trust = await api('POST', '/v3/OS-TRUST/trusts', {
      trust: { trustor_user_id: member.id, trustee_user_id: other.id, project_id: member.project, roles: [{ id: memberRole }], impersonation: false },
    }, member.token)
    expect(trust.status).toBe(201)
    const auth = { auth: { identity: { methods: ['password'], password: { user: { id: other.id, password: 'cred-other-Passw0rd' } } }, scope: { 'OS-TRUST:trust': { id: trust.body.trust.id } } } }
    const issued = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: auth })
    expect(issued.status).toBe(201)
    const created = await api('POST', `/v3/users/${other.id}/credentials/OS-EC2`, { tenant_id: member.project }, issued.headers.get('x-subject-token')!)
    expect(created.status).toBe(201)
    expect(created.body.credential).toMatchObject({ user_id: other.id, tenant_id: member.project, trust_id: trust.body.trust.id })
    const v3 = await api('GET', `/v3/credentials/${sha256(created.body.credential.access)}`)
    expect(JSON.parse(v3.body.credential.blob).trust_id).toBe(trust.body.trust.id)
  })

  it("refuses EC2 credentials of another user, unknown users and projects, and a credential that is not ec2 any more", async () => {
    const t = member.token
    const path = (user: string, access?: string) => `/v3/users/${user}/credentials/OS-EC2${access === undefined ? '' : `/${access}`}`
    expect(await api('POST', path(other.id), { tenant_id: other.project }, t)).toMatchObject({ status: 403, body: forbidden('identity:ec2_create_credential') })
    expect(await api('GET', path(other.id), undefined, t)).toMatchObject({ status: 403, body: forbidden('identity:ec2_list_credentials') })
    const theirs = (await api('POST', path(other.id), { tenant_id: other.project })).body.credential.access as string
    expect(await api('GET', path(other.id, theirs), undefined, t)).toMatchObject({ status: 403, body: forbidden('identity:ec2_get_credential') })
    expect(await api('DELETE', path(member.id, theirs), undefined, t)).toMatchObject({ status: 403, body: forbidden('identity:ec2_delete_credential') })
    expect(await api('GET', path(member.id, 'no-such-access'), undefined, t)).toMatchObject({ status: 404, body: notFound('credential', sha256('no-such-access')) })
    expect(await api('POST', path('no-such-user'), { tenant_id: projects[0] })).toMatchObject({ status: 404, body: notFound('user', 'no-such-user') })
    expect(await api('GET', path('no-such-user'))).toMatchObject({ status: 404, body: notFound('user', 'no-such-user') })
    expect(await api('POST', path(member.id), {}, t)).toMatchObject({ status: 404, body: notFound('project', 'None') })
    expect(await api('POST', path(member.id), { tenant_id: 'nowhere' }, t)).toMatchObject({ status: 404, body: notFound('project', 'nowhere') })

    // Made ec2 through OS-EC2, then changed to another type through /v3/credentials: OS-EC2 no longer knows it.
    const id = sha256(theirs)
    expect((await api('PATCH', `/v3/credentials/${id}`, { credential: { type: 'cert' } })).status).toBe(200)
    expect(await api('GET', path(other.id, theirs))).toMatchObject({ status: 401, body: error(401, 'Unauthorized', 'EC2 access key not found.') })
  })

  it("deletes a user's and a project's credentials with them, as Keystone's callbacks do", async () => {
    const doomed = await memberUser('cred-doomed')
    const keys = (await api('POST', `/v3/users/${doomed.id}/credentials/OS-EC2`, { tenant_id: doomed.project }, doomed.token)).body.credential.access as string
    const onProject = (await api('POST', '/v3/credentials', { credential: { user_id: member.id, type: 'ec2', project_id: doomed.project, blob: ec2Blob('on-doomed-project', 's') } })).body.credential.id as string
    expect((await api('DELETE', `/v3/users/${doomed.id}`)).status).toBe(204)
    expect((await api('GET', `/v3/credentials/${sha256(keys)}`)).status).toBe(404)
    expect((await api('GET', `/v3/credentials/${onProject}`)).status).toBe(200)
    expect((await api('DELETE', `/v3/projects/${doomed.project}`)).status).toBe(204)
    expect((await api('GET', `/v3/credentials/${onProject}`)).status).toBe(404)
  })
})

describe('the clouds have no Keystone credentials', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer() })
  afterAll(() => s.close())

  it('answers 404 to /v3/credentials and OS-EC2, keeping the access keys of OS-CREDENTIAL', async () => {
    const token = await s.adminToken()
    expect((await call(`${s.url}/v3/credentials`, { token })).status).toBe(404)
    expect((await call(`${s.url}/v3/users/x/credentials/OS-EC2`, { token })).status).toBe(404)
    expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { token })).status).toBe(200)
  })
})
