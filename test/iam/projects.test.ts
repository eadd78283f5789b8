/**
 * /v3/projects and /v3-ext/projects over HTTP: the seeds' PATCH rules one by one, create, list
 * with filters and pages, show, delete per flavour, status, and account isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, createPlainUser, tokenFor } from '../helpers/fixtures.js'

const bad = (message: string) => ({ error: { code: 400, message, title: 'Bad Request' } })

describe('projects (huaweicloud)', () => {
  let s: TestServer
  let token: string
  let regionProjectId: string
  const create = (name: string, extra: Record<string, unknown> = {}) =>
    call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name, ...extra } } })
  const patch = (id: string, project: unknown) => call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project } })

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    regionProjectId = (await call(`${s.url}/v3/projects?name=ap-southeast-1`, { token })).body.projects[0].id
  })
  afterAll(() => s.close())

  describe('POST /v3/projects', () => {
    it('creates under the region project named by the prefix, without parent_id (as the openstack CLI sends it)', async () => {
      const res = await create('ap-southeast-1_created', { description: 'first', enabled: true, tags: [], options: {} })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        project: {
          is_domain: false, description: 'first', links: { self: `${s.url}/v3/projects/${res.body.project.id}` },
          enabled: true, id: expect.stringMatching(/^[0-9a-f]{32}$/), parent_id: regionProjectId, domain_id: s.account.id, name: 'ap-southeast-1_created',
        },
      })
    })

    it('accepts the right parent_id and domain_id, and refuses a wrong parent_id', async () => {
      expect((await create('ap-southeast-1_withparent', { parent_id: regionProjectId, domain_id: s.account.id })).status).toBe(201)
      const wrong = await create('ap-southeast-1_wrongparent', { parent_id: s.account.id })
      expect(wrong).toMatchObject({ status: 400, body: bad(`Invalid input for field 'project/parent_id': '${s.account.id}' is not the project of region ap-southeast-1; it must be '${regionProjectId}' or be left out`) })
    })

    it('refuses names without an existing region prefix, too long, or taken', async () => {
      const prefix = "Invalid input for field 'project/name': "
      expect((await create('nowhere_x')).body).toEqual(bad(`${prefix}'nowhere_x' must start with the ID of an existing region followed by '_' and a suffix (for example 'cn-north-4_project')`))
      for (const name of ['cn-north-4_', 'cn-north-4']) {
        expect((await create(name)).body).toEqual(bad(`${prefix}'${name}' must start with the ID of an existing region followed by '_' and a suffix (for example 'cn-north-4_project')`))
      }
      const long = `cn-north-4_${'x'.repeat(54)}`
      expect((await create(long)).body).toEqual(bad(`${prefix}'${long.slice(0, 80)}' is too long (at most 64 characters)`))
      expect((await create(long.slice(0, 64))).status).toBe(201)
      const dup = await create(long.slice(0, 64))
      expect(dup).toMatchObject({ status: 409, body: { error: { code: 409, title: 'Conflict', message: `Conflict occurred attempting to store project - Duplicate entry found with name ${long.slice(0, 64)} at domain ID ${s.account.id}.` } } })
    })

    it('refuses a description over 255 characters, unknown fields, tags and another account', async () => {
      expect((await create('cn-north-4_d', { description: 'd'.repeat(256) })).body).toEqual(bad("Invalid input for field 'project/description': the description is 256 characters long; at most 255 are allowed"))
      expect((await create('cn-north-4_d', { colour: 'red' })).body).toEqual(bad("Invalid input for field 'project': Additional properties are not allowed ('colour' was unexpected)"))
      expect((await create('cn-north-4_d', { tags: ['a'] })).body).toEqual(bad("Invalid input for field 'project/tags': projects on huaweicloud have no tags"))
      expect((await create('cn-north-4_d', { domain_id: 'f'.repeat(32) })).body).toEqual({ error: { code: 403, message: 'You are not authorized to perform the requested action: identity:create_project.', title: 'Forbidden' } })
    })
  })

  describe('PATCH /v3/projects/{project_id}', () => {
    let id: string
    beforeAll(async () => { id = (await create('ap-southeast-1_IAMProject', { description: 'before' })).body.project.id })

    it('changes only the description and keeps the name', async () => {
      const res = await patch(id, { description: 'only description' })
      expect(res.status).toBe(200)
      expect(res.body.project).toMatchObject({ name: 'ap-southeast-1_IAMProject', description: 'only description', extra: {} })
    })

    it('changes only the name and keeps the description; GET shows the change', async () => {
      const res = await patch(id, { name: 'ap-southeast-1_Renamed' })
      expect(res.body.project).toMatchObject({ name: 'ap-southeast-1_Renamed', description: 'only description' })
      const show = await call(`${s.url}/v3/projects/${id}`, { token })
      expect(show.body.project).toMatchObject({ name: 'ap-southeast-1_Renamed', description: 'only description' })
      expect(show.body.project.extra).toBeUndefined()
    })

    it('accepts an empty description and a 255-character one, a 64-character name', async () => {
      expect((await patch(id, { description: '' })).body.project.description).toBe('')
      expect((await patch(id, { description: 'x'.repeat(255) })).status).toBe(200)
      const name = `ap-southeast-1_${'n'.repeat(49)}`
      expect(name).toHaveLength(64)
      expect((await patch(id, { name })).body.project.name).toBe(name)
    })

    it('rule 1: body not JSON, or `project` missing or not an object → 400', async () => {
      expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: '{"project":' })).body).toEqual(bad('Expecting to find valid JSON in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'))
      expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: {} })).body).toEqual(bad("'project' is a required property"))
      expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: 'x' } })).body).toEqual(bad("Invalid input for field 'project': 'x' is not of type 'object'"))
      expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { name: 'ap-southeast-1_z' }, other: 1 } })).body).toEqual(bad("Additional properties are not allowed ('other' was unexpected)"))
    })

    it('rule 2: neither name nor description → 400', async () => {
      expect((await patch(id, {})).body).toEqual(bad("Invalid input for field 'project': at least one of 'name' and 'description' must be given"))
    })

    it('rule 3: name not a string, empty, over 64, or without a region prefix → 400', async () => {
      expect((await patch(id, { name: 5 })).body).toEqual(bad("Invalid input for field 'project/name': 5 is not of type 'string'"))
      expect((await patch(id, { name: '' })).body).toEqual(bad("Invalid input for field 'project/name': '' is too short"))
      const long = `ap-southeast-1_${'n'.repeat(50)}`
      expect((await patch(id, { name: long })).body).toEqual(bad(`Invalid input for field 'project/name': '${long}' is too long (at most 64 characters)`))
      for (const name of ['IAMNewProject', 'xx-nowhere-1_p']) {
        expect((await patch(id, { name })).body).toEqual(bad(`Invalid input for field 'project/name': '${name}' must start with the ID of an existing region followed by '_' and a suffix (for example 'cn-north-4_project')`))
      }
    })

    it('rule 4: the region prefix cannot change → 400', async () => {
      expect((await patch(id, { name: 'cn-north-4_IAMNewProject' })).body).toEqual(bad("Invalid input for field 'project/name': the region of a project cannot change: the name must start with 'ap-southeast-1_'"))
    })

    it('rule 5: region (system) projects cannot be modified → 403', async () => {
      const res = await patch(regionProjectId, { description: 'mine now' })
      expect(res).toMatchObject({ status: 403, body: { error: { code: 403, title: 'Forbidden', message: 'You are not authorized to perform the requested action: identity:update_project: project ap-southeast-1 is the system project of a region and is managed by the cloud.' } } })
      expect((await call(`${s.url}/v3/projects/${regionProjectId}`, { token })).body.project.description).toBe('')
    })

    it('rule 6: description not a string or over 255 → 400', async () => {
      expect((await patch(id, { description: ['x'] })).body).toEqual(bad(`Invalid input for field 'project/description': ["x"] is not of type 'string'`))
      expect((await patch(id, { description: 'd'.repeat(256) })).body).toEqual(bad("Invalid input for field 'project/description': the description is 256 characters long; at most 255 are allowed"))
    })

    it('rule 7: a name another project of the account has → 409, nothing changed', async () => {
      await create('ap-southeast-1_Taken')
      const res = await patch(id, { name: 'ap-southeast-1_Taken', description: 'should not stick' })
      expect(res.status).toBe(409)
      expect(res.body.error.message).toBe(`Conflict occurred attempting to store project - Duplicate entry found with name ap-southeast-1_Taken at domain ID ${s.account.id}.`)
      expect((await call(`${s.url}/v3/projects/${id}`, { token })).body.project.description).not.toBe('should not stick')
    })

    it('rule 8: unknown id → 404 in Keystone words', async () => {
      expect((await patch('0'.repeat(32), { description: 'x' })).body).toEqual({ error: { code: 404, message: `Could not find project: ${'0'.repeat(32)}.`, title: 'Not Found' } })
      // The Huawei SDK's show/update requests carry the literal `{project_id}` (spec: SDK quirk).
      expect((await patch('{project_id}', { description: 'x' })).body).toEqual({ error: { code: 404, message: 'Could not find project: {project_id}.', title: 'Not Found' } })
    })

    it('rule 9: honours enabled; refuses changing domain_id/parent_id/is_domain', async () => {
      expect((await patch(id, { enabled: false })).body.project.enabled).toBe(false)
      expect((await patch(id, { enabled: true })).body.project.enabled).toBe(true)
      expect((await patch(id, { description: 'same parent', parent_id: regionProjectId })).status).toBe(200)
      expect((await patch(id, { parent_id: s.account.id, description: 'x' })).body).toEqual(bad('Update of `parent_id` is not allowed.'))
      expect((await patch(id, { domain_id: 'f'.repeat(32), description: 'x' })).body).toEqual(bad('Update of `domain_id` is not allowed.'))
      expect((await patch(id, { is_domain: true, description: 'x' })).body).toEqual(bad('Update of `is_domain` is not allowed.'))
      expect((await patch(id, { enabled: 'no' })).body).toEqual(bad("Invalid input for field 'project/enabled': 'no' is not of type 'boolean'"))
    })

    it('without a token → 401; a user without identity rights → 403; a project-scoped admin token → 403', async () => {
      const none = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', body: { project: { description: 'x' } } })
      expect(none.body).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } })
      expect(none.headers.get('www-authenticate')).toBe(`Keystone uri="${s.url}/v3"`)
      await createPlainUser(s, s.account.id, 'reader', 'Reader-Passw0rd')
      const reader = await tokenFor(s, 'reader', 'Reader-Passw0rd', s.account.name)
      const forbidden = { error: { code: 403, message: 'You are not authorized to perform the requested action: identity:update_project.', title: 'Forbidden' } }
      expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token: reader, body: { project: { description: 'x' } } })).body).toEqual(forbidden)
      // but may read
      expect((await call(`${s.url}/v3/projects/${id}`, { token: reader })).status).toBe(200)
      const projectScoped = await tokenFor(s, 'admin', s.adminPassword, s.account.name, { project: { name: 'ap-southeast-1' } })
      expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token: projectScoped, body: { project: { description: 'x' } } })).body).toEqual(forbidden)
    })
  })

  describe('GET /v3/projects', () => {
    it('lists the account: region projects first, then custom ones, with links', async () => {
      const res = await call(`${s.url}/v3/projects`, { token })
      expect(res.status).toBe(200)
      expect(res.body.links).toEqual({ self: `${s.url}/v3/projects`, previous: null, next: null })
      const names = res.body.projects.map((p: { name: string }) => p.name)
      expect(names.slice(0, 10)).toEqual([...names.slice(0, 10)].sort())
      expect(names).toContain('cn-north-4')
      expect(names).toContain('ap-southeast-1_created')
      for (const p of res.body.projects) expect(p.domain_id).toBe(s.account.id)
    })

    it('filters by name, parent_id, domain_id and enabled', async () => {
      const byName = await call(`${s.url}/v3/projects?name=cn-north-4`, { token })
      expect(byName.body.projects).toHaveLength(1)
      expect(byName.body.projects[0]).toMatchObject({ name: 'cn-north-4', parent_id: s.account.id })
      const children = await call(`${s.url}/v3/projects?parent_id=${regionProjectId}`, { token })
      expect(children.body.projects.length).toBeGreaterThan(0)
      expect(children.body.projects.every((p: { name: string }) => p.name.startsWith('ap-southeast-1_'))).toBe(true)
      const regions = await call(`${s.url}/v3/projects?parent_id=${s.account.id}`, { token })
      expect(regions.body.projects).toHaveLength(10)
      expect((await call(`${s.url}/v3/projects?domain_id=${s.account.id}`, { token })).body.projects.length).toBeGreaterThan(10)
      expect((await call(`${s.url}/v3/projects?domain_id=${'f'.repeat(32)}`, { token })).body.projects).toEqual([])
      const off = await create('cn-north-4_off', { enabled: false })
      const disabled = await call(`${s.url}/v3/projects?enabled=false`, { token })
      expect(disabled.body.projects.map((p: { id: string }) => p.id)).toEqual([off.body.project.id])
      expect((await call(`${s.url}/v3/projects?is_domain=true`, { token })).body.projects).toEqual([])
      expect((await call(`${s.url}/v3/projects?is_domain=false&name=cn-north-4`, { token })).body.projects).toHaveLength(1)
    })

    it('pages with page+per_page and links to the neighbours', async () => {
      const all = (await call(`${s.url}/v3/projects`, { token })).body.projects
      const p2 = await call(`${s.url}/v3/projects?page=2&per_page=3`, { token })
      expect(p2.body.projects.map((p: { id: string }) => p.id)).toEqual(all.slice(3, 6).map((p: { id: string }) => p.id))
      expect(p2.body.links).toEqual({
        self: `${s.url}/v3/projects?page=2&per_page=3`,
        previous: `${s.url}/v3/projects?page=1&per_page=3`,
        next: `${s.url}/v3/projects?page=3&per_page=3`,
      })
      const last = Math.ceil(all.length / 3)
      const lastPage = await call(`${s.url}/v3/projects?page=${last}&per_page=3`, { token })
      expect(lastPage.body.links.next).toBeNull()
      expect((await call(`${s.url}/v3/projects?page=${last + 1}&per_page=3`, { token })).body.projects).toEqual([])
    })

    it('refuses bad query values with the field named', async () => {
      expect((await call(`${s.url}/v3/projects?page=1`, { token })).body).toEqual(bad("Invalid input for field 'per_page': 'page' and 'per_page' must be given together"))
      expect((await call(`${s.url}/v3/projects?page=0&per_page=5`, { token })).body).toEqual(bad("Invalid input for field 'page': '0' is not a whole number of at least 1"))
      expect((await call(`${s.url}/v3/projects?page=1&per_page=5001`, { token })).body).toEqual(bad("Invalid input for field 'per_page': '5001' is not a whole number from 1 to 5000"))
      expect((await call(`${s.url}/v3/projects?page=1&per_page=abc`, { token })).body).toEqual(bad("Invalid input for field 'per_page': 'abc' is not a whole number from 1 to 5000"))
      expect((await call(`${s.url}/v3/projects?enabled=maybe`, { token })).body).toEqual(bad("Invalid input for field 'enabled': 'maybe' is not a boolean; use true or false"))
    })
  })

  describe('DELETE and /v3-ext status', () => {
    it('has no project deletion on Huawei Cloud', async () => {
      const id = (await create('cn-north-4_keepme')).body.project.id
      const res = await call(`${s.url}/v3/projects/${id}`, { method: 'DELETE', token })
      expect(res.body).toEqual({ error: { code: 403, message: 'You are not authorized to perform the requested action: projects cannot be deleted on huaweicloud.', title: 'Forbidden' } })
      expect((await call(`${s.url}/v3/projects/${id}`, { token })).status).toBe(200)
    })

    it('suspends and resumes a project; GET /v3-ext shows the status and a suspended project takes no scoped token', async () => {
      const id = (await create('cn-north-4_frozen')).body.project.id
      const ext = await call(`${s.url}/v3-ext/projects/${id}`, { token })
      expect(ext.status).toBe(200)
      expect(ext.body.project).toMatchObject({ id, name: 'cn-north-4_frozen', status: 'normal', is_domain: false, enabled: true })
      const put = await call(`${s.url}/v3-ext/projects/${id}`, { method: 'PUT', token, body: { project: { status: 'suspended' } } })
      expect(put.status).toBe(204)
      expect(put.text).toBe('')
      const frozen = (await call(`${s.url}/v3-ext/projects/${id}`, { token })).body.project
      expect(frozen.status).toBe('suspended')
      expect(frozen.suspended_time).toMatch(/Z$/)
      const scoped = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: s.adminPassword, domain: { name: s.account.name } } } }, scope: { project: { id } } } } })
      expect(scoped.body).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } })
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { method: 'PUT', token, body: { project: { status: 'normal' } } })).status).toBe(204)
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { token })).body.project.status).toBe('normal')
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { method: 'PUT', token, body: { project: { status: 'frozen' } } })).body).toEqual(bad("Invalid input for field 'project/status': 'frozen' is not one of ['normal', 'suspended']"))
    })
  })

  describe('reads after writes', () => {
    it('shows every change at once, however often the project was read before', async () => {
      const id = (await create('cn-north-4_cached', { description: 'v0' })).body.project.id
      for (let i = 1; i <= 5; i++) {
        // Read twice (the second read is served from memory), write, read again.
        await call(`${s.url}/v3/projects/${id}`, { token })
        expect((await call(`${s.url}/v3/projects/${id}`, { token })).body.project.description).toBe(`v${i - 1}`)
        expect((await patch(id, { description: `v${i}` })).status).toBe(200)
        expect((await call(`${s.url}/v3/projects/${id}`, { token })).body.project.description).toBe(`v${i}`)
      }
      // A refused write changes nothing, and the next read says so.
      await create('cn-north-4_cached-taken')
      expect((await patch(id, { name: 'cn-north-4_cached-taken', description: 'no' })).body).toEqual({ error: { code: 409, message: `Conflict occurred attempting to store project - Duplicate entry found with name cn-north-4_cached-taken at domain ID ${s.account.id}.`, title: 'Conflict' } })
      expect((await call(`${s.url}/v3/projects/${id}`, { token })).body.project).toMatchObject({ name: 'cn-north-4_cached', description: 'v5' })
      // Status changes are seen by the next read too.
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { token })).body.project.status).toBe('normal')
      await call(`${s.url}/v3-ext/projects/${id}`, { method: 'PUT', token, body: { project: { status: 'suspended' } } })
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { token })).body.project.status).toBe('suspended')
    })

    it('keeps every acknowledged write under concurrent reads and writes of one project', async () => {
      const id = (await create('cn-north-4_busy')).body.project.id
      const writes = Array.from({ length: 40 }, (_, i) => i)
      const results = await Promise.all(writes.flatMap((i) => [
        patch(id, { description: `w${i}` }),
        call(`${s.url}/v3/projects/${id}`, { token }),
      ]))
      expect(results.every((r) => r.status === 200)).toBe(true)
      const last = (await call(`${s.url}/v3/projects/${id}`, { token })).body.project.description
      const stored = await s.server.db.kysely.selectFrom('projects').select('description').where('id', '=', id).executeTakeFirstOrThrow()
      expect(last).toBe(stored.description)
      expect(writes.map((i) => `w${i}`)).toContain(last)
    })
  })

  describe('account isolation', () => {
    it("another account's admin sees 404 for this account's projects and lists only its own", async () => {
      const id = (await create('cn-north-4_private', { description: 'secret' })).body.project.id
      const other = await createAccount(s, 'other-account', 'Other-Passw0rd')
      const otherToken = await tokenFor(s, 'admin', 'Other-Passw0rd', 'other-account')
      const notFound = { error: { code: 404, message: `Could not find project: ${id}.`, title: 'Not Found' } }
      expect((await call(`${s.url}/v3/projects/${id}`, { token: otherToken })).body).toEqual(notFound)
      expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token: otherToken, body: { project: { description: 'mine' } } })).body).toEqual(notFound)
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { token: otherToken })).body).toEqual(notFound)
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { method: 'PUT', token: otherToken, body: { project: { status: 'suspended' } } })).body).toEqual(notFound)
      expect((await call(`${s.url}/v3-ext/projects/${id}`, { token })).body.project.status).toBe('normal')
      const list = await call(`${s.url}/v3/projects`, { token: otherToken })
      expect(list.body.projects.every((p: { domain_id: string }) => p.domain_id === other.id)).toBe(true)
      expect((await call(`${s.url}/v3/projects?domain_id=${s.account.id}`, { token: otherToken })).body.projects).toEqual([])
      // The same project name may exist in both accounts.
      expect((await call(`${s.url}/v3/projects`, { method: 'POST', token: otherToken, body: { project: { name: 'cn-north-4_private' } } })).status).toBe(201)
      expect((await call(`${s.url}/v3/projects/${id}`, { token })).body.project.description).toBe('secret')
    })
  })
})

describe('projects (opentelekomcloud)', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer({ flavour: 'opentelekomcloud' }); token = await s.adminToken() })
  afterAll(() => s.close())

  it('has eu-de and eu-nl, deletes custom projects (204) but not region projects', async () => {
    const regions = (await call(`${s.url}/v3/projects?parent_id=${s.account.id}`, { token })).body.projects.map((p: { name: string }) => p.name)
    expect(regions).toEqual(['eu-de', 'eu-nl'])
    const id = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'eu-nl_gone' } } })).body.project.id
    const del = await call(`${s.url}/v3/projects/${id}`, { method: 'DELETE', token })
    expect(del.status).toBe(204)
    const gone = { error: { code: 404, message: `Could not find project: ${id}.`, title: 'Not Found' } }
    expect((await call(`${s.url}/v3/projects/${id}`, { token })).body).toEqual(gone)
    expect((await call(`${s.url}/v3/projects/${id}`, { method: 'DELETE', token })).body).toEqual(gone)
    const euDe = (await call(`${s.url}/v3/projects?name=eu-de`, { token })).body.projects[0].id
    expect((await call(`${s.url}/v3/projects/${euDe}`, { method: 'DELETE', token })).body).toEqual({ error: { code: 403, message: 'You are not authorized to perform the requested action: identity:delete_project: project eu-de is the system project of a region and is managed by the cloud.', title: 'Forbidden' } })
    expect((await call(`${s.url}/v3/projects/${euDe}`, { token })).status).toBe(200)
  })
})

describe('projects (keystone)', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer({ flavour: 'keystone' }); token = await s.adminToken() })
  afterAll(() => s.close())

  it('takes any name, keeps tags, options and extra attributes, and deletes', async () => {
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'demo', description: 'd'.repeat(300), tags: ['a', 'b'], colour: 'red', enabled: true } } })
    expect(created.status).toBe(201)
    expect(created.body.project).toMatchObject({ name: 'demo', parent_id: 'default', domain_id: 'default', tags: ['a', 'b'], options: {}, colour: 'red' })
    const id = created.body.project.id
    const patched = await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { enabled: false, colour: 'blue' } } })
    expect(patched.body.project).toMatchObject({ enabled: false, colour: 'blue', name: 'demo' })
    expect(patched.body.project.extra).toBeUndefined()
    expect((await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: {} } })).body).toEqual({ error: { code: 400, message: "Invalid input for field 'project': at least one of 'name' and 'description' must be given", title: 'Bad Request' } })
    // Keystone refuses a project under a disabled one.
    expect((await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'child', parent_id: id } } })).status).toBe(400)
    await call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { enabled: true } } })
    const child = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'child', parent_id: id } } })
    expect(child.body.project.parent_id).toBe(id)
    expect((await call(`${s.url}/v3/projects/${id}`, { method: 'DELETE', token })).body).toEqual({ error: { code: 403, message: `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`, title: 'Forbidden' } })
    expect((await call(`${s.url}/v3/projects/${child.body.project.id}`, { method: 'DELETE', token })).status).toBe(204)
    expect((await call(`${s.url}/v3/projects/${id}`, { method: 'DELETE', token })).status).toBe(204)
  })
})
