/**
 * Keystone 22's projects, domains, users and groups in the keystone flavour (area core): projects
 * acting as domains, the hierarchy on `GET /v3/projects/{id}`, who may list projects, a domain's
 * delete taking its contents, a password changed by proving the old one, memberships across
 * domains, and the scopes a user can reach. Exact statuses and bodies, as Keystone answers them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const forbidden = (action: string) => error(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`)
const UNAUTHORIZED = error(401, 'Unauthorized', 'The request you have made requires authentication.')

describe('keystone projects, domains, users and groups', () => {
  let s: TestServer
  let admin: string
  let roleIds: Record<string, string>
  let n = 0
  const unique = (prefix: string) => `${prefix}-${++n}`
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    const roles = await call(`${s.url}/v3/roles`, { token: admin })
    roleIds = Object.fromEntries(roles.body.roles.map((r: { id: string; name: string }) => [r.name, r.id]))
  })
  afterAll(() => s.close())

  async function create(kind: 'projects' | 'users' | 'groups' | 'domains', body: Record<string, unknown>): Promise<any> {
    const key = kind.slice(0, -1)
    const res = await call(`${s.url}/v3/${kind}`, { method: 'POST', token: admin, body: { [key]: body } })
    expect(res.status, res.text).toBe(201)
    return res.body[key]
  }

  async function tokenOf(userId: string, password: string, scope?: unknown): Promise<string> {
    const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      body: { auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, ...(scope === undefined ? {} : { scope }) } },
    })
    expect(res.status, res.text).toBe(201)
    return res.headers.get('x-subject-token')!
  }

  async function grant(target: string, actor: string, role: string): Promise<void> {
    expect((await call(`${s.url}/v3/${target}/${actor}/roles/${roleIds[role]}`, { method: 'PUT', token: admin })).status).toBe(204)
  }

  /** A user of `default` holding `role` on a fresh project, and its token there. */
  async function memberOfProject(role: string): Promise<{ user: any; project: any; token: string }> {
    const project = await create('projects', { name: unique('p'), domain_id: 'default' })
    const user = await create('users', { name: unique('u'), password: 'pw-1', domain_id: 'default' })
    await grant(`projects/${project.id}/users`, user.id, role)
    return { user, project, token: await tokenOf(user.id, 'pw-1', { project: { id: project.id } }) }
  }

  describe('projects acting as domains (is_domain)', () => {
    const acting = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
      is_domain: true, description: '', links: { self: `${s.url}/v3/projects/${id}` }, enabled: true,
      id, parent_id: null, domain_id: null, name, tags: [], options: {}, ...extra,
    })

    it('creates a domain through POST /v3/projects; both APIs list it, and plain project lists leave it out', async () => {
      const res = await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'acting', domain_id: null, is_domain: true, description: 'd' } } })
      expect(res.status).toBe(201)
      const id = res.body.project.id as string
      expect(res.body).toEqual({ project: acting(id, 'acting', { description: 'd' }) })
      expect((await call(`${s.url}/v3/domains/${id}`, { token: admin })).body.domain).toMatchObject({ id, name: 'acting', description: 'd', enabled: true })
      const domains = await call(`${s.url}/v3/projects?is_domain=true`, { token: admin })
      expect(domains.body.projects).toContainEqual(acting(id, 'acting', { description: 'd' }))
      expect(domains.body.projects.map((p: any) => p.id)).toContain('default')
      expect((await call(`${s.url}/v3/projects?is_domain=true&name=acting`, { token: admin })).body.projects.map((p: any) => p.id)).toEqual([id])
      expect((await call(`${s.url}/v3/projects?is_domain=true&domain_id=default`, { token: admin })).body.projects).toEqual([])
      const plain = await call(`${s.url}/v3/projects`, { token: admin })
      expect(plain.body.projects.every((p: any) => p.is_domain === false)).toBe(true)
      expect((await call(`${s.url}/v3/projects/${id}`, { token: admin })).body).toEqual({ project: acting(id, 'acting', { description: 'd' }) })
    })

    it('shows a domain made through /v3/domains as a project too; updates and deletes it through /v3/projects', async () => {
      const domain = await create('domains', { name: 'through-domains' })
      expect((await call(`${s.url}/v3/projects/${domain.id}`, { token: admin })).body).toEqual({ project: acting(domain.id, 'through-domains') })
      // Keystone checks the domain is disabled before anything else.
      expect(await call(`${s.url}/v3/projects/${domain.id}`, { method: 'DELETE', token: admin })).toMatchObject({
        status: 403, body: error(403, 'Forbidden', 'Cannot delete a domain that is enabled, please disable it first.'),
      })
      const patched = await call(`${s.url}/v3/projects/${domain.id}`, { method: 'PATCH', token: admin, body: { project: { enabled: false, description: 'off' } } })
      expect(patched).toMatchObject({ status: 200, body: { project: acting(domain.id, 'through-domains', { enabled: false, description: 'off' }) } })
      expect((await call(`${s.url}/v3/domains/${domain.id}`, { token: admin })).body.domain).toMatchObject({ enabled: false, description: 'off' })
      expect((await call(`${s.url}/v3/projects/${domain.id}`, { method: 'PATCH', token: admin, body: { project: { is_domain: false } } })).body)
        .toEqual(error(400, 'Bad Request', 'Update of `is_domain` is not allowed.'))
      expect((await call(`${s.url}/v3/projects/${domain.id}`, { method: 'DELETE', token: admin })).status).toBe(204)
      expect((await call(`${s.url}/v3/domains/${domain.id}`, { token: admin })).body).toEqual(error(404, 'Not Found', `Could not find domain: ${domain.id}.`))
      expect((await call(`${s.url}/v3/projects/${domain.id}`, { token: admin })).body).toEqual(error(404, 'Not Found', `Could not find project: ${domain.id}.`))
    })

    it('refuses one with a parent or a domain (400), a taken name (409), a non-admin (403)', async () => {
      for (const extra of [{ domain_id: 'default' }, { parent_id: 'default' }]) {
        expect((await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: unique('x'), is_domain: true, ...extra } } })).body)
          .toEqual(error(400, 'Bad Request', 'only root projects are allowed to act as domains.'))
      }
      expect((await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'Default', is_domain: true } } })).status).toBe(409)
      const { token } = await memberOfProject('member')
      expect(await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: unique('x'), is_domain: true } } })).toMatchObject({
        status: 403, body: forbidden('identity:create_project'),
      })
    })
  })

  describe('the hierarchy on GET /v3/projects/{id}', () => {
    let a: any, b: any, c: any, d: any
    beforeAll(async () => {
      a = await create('projects', { name: unique('a'), domain_id: 'default' })
      b = await create('projects', { name: unique('b'), parent_id: a.id })
      c = await create('projects', { name: unique('c'), parent_id: b.id })
      d = await create('projects', { name: unique('d'), parent_id: b.id })
    })
    const show = (id: string, query: string) => call(`${s.url}/v3/projects/${id}?${query}`, { token: admin })

    it('parents_as_ids and subtree_as_ids: nested ids up to the domain and down to the leaves', async () => {
      expect((await show(c.id, 'parents_as_ids')).body.project.parents).toEqual({ [b.id]: { [a.id]: { default: null } } })
      expect((await show(a.id, 'parents_as_ids')).body.project.parents).toEqual({ default: null })
      expect((await show(a.id, 'subtree_as_ids')).body.project.subtree).toEqual({ [b.id]: { [c.id]: null, [d.id]: null } })
      const leaf = await show(c.id, 'subtree_as_ids&parents_as_ids=0')
      expect(leaf.body.project.subtree).toBeNull()
      expect(leaf.body.project).not.toHaveProperty('parents')
      expect((await show('default', 'subtree_as_ids')).body.project.subtree).toMatchObject({ [a.id]: { [b.id]: { [c.id]: null, [d.id]: null } } })
    })

    it('parents_as_list and subtree_as_list: wrapped projects, only those the caller holds a role on', async () => {
      const admin = await call(`${s.url}/v3/users?name=admin`, { token: (await s.adminToken()) })
      const adminId = admin.body.users[0].id as string
      expect((await show(c.id, 'parents_as_list')).body.project.parents).toEqual([])
      await grant(`projects/${a.id}/users`, adminId, 'reader')
      await grant(`projects/${d.id}/users`, adminId, 'reader')
      const parents = await show(c.id, 'parents_as_list')
      expect(parents.status).toBe(200)
      expect(parents.body.project.parents).toEqual([{ project: (await show(a.id, '')).body.project }])
      const subtree = await show(a.id, 'subtree_as_list=true')
      expect(subtree.body.project.subtree).toEqual([{ project: (await show(d.id, '')).body.project }])
    })

    it('refuses list and ids together (400) and answers 404 for an unknown project', async () => {
      expect(await show(c.id, 'parents_as_list&parents_as_ids')).toMatchObject({
        status: 400, body: error(400, 'Bad Request', 'Cannot use parents_as_list and parents_as_ids query params at the same time.'),
      })
      expect((await show(c.id, 'subtree_as_list=1&subtree_as_ids=yes')).body)
        .toEqual(error(400, 'Bad Request', 'Cannot use subtree_as_list and subtree_as_ids query params at the same time.'))
      expect((await show('nowhere', 'parents_as_ids')).body).toEqual(error(404, 'Not Found', 'Could not find project: nowhere.'))
    })
  })

  describe("creating and deleting in the hierarchy (Keystone's constraints)", () => {
    it('refuses a missing parent or domain, a parent of another domain, a disabled branch (400), a sixth level (403)', async () => {
      const post = (project: Record<string, unknown>) => call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: unique('h'), ...project } } })
      expect((await post({ parent_id: 'nowhere' })).body).toEqual(error(400, 'Bad Request', 'Could not find project: nowhere.'))
      expect((await post({ domain_id: 'nowhere' })).body).toEqual(error(400, 'Bad Request', 'Could not find domain: nowhere.'))
      const other = await create('domains', { name: unique('other') })
      const foreign = await create('projects', { name: unique('f'), domain_id: other.id })
      expect((await post({ domain_id: 'default', parent_id: foreign.id })).body).toEqual(error(400, 'Bad Request',
        `Cannot create project, since it specifies its domain_id default, but specifies a parent in a different domain (${other.id}).`))
      const off = await create('projects', { name: unique('off'), domain_id: 'default', enabled: false })
      expect((await post({ parent_id: off.id })).body).toEqual(error(400, 'Bad Request', `cannot create a project in a branch containing a disabled project: ${off.id}`))
      await call(`${s.url}/v3/domains/${other.id}`, { method: 'PATCH', token: admin, body: { domain: { enabled: false } } })
      expect((await post({ domain_id: other.id })).body).toEqual(error(400, 'Bad Request', `cannot create a project in a branch containing a disabled project: ${other.id}`))
      let parent = 'default'
      for (let level = 1; level <= 5; level++) parent = (await create('projects', { name: unique('lvl'), parent_id: parent })).id
      expect(await post({ parent_id: parent })).toMatchObject({ status: 403, body: error(403, 'Forbidden', `Max hierarchy depth reached for ${parent} branch.`) })
    })

    it('refuses to delete a project that has children (403), then deletes it as a leaf', async () => {
      const parent = await create('projects', { name: unique('parent'), domain_id: 'default' })
      const child = await create('projects', { name: unique('child'), parent_id: parent.id })
      expect(await call(`${s.url}/v3/projects/${parent.id}`, { method: 'DELETE', token: admin })).toMatchObject({
        status: 403,
        body: error(403, 'Forbidden', `Cannot delete the project ${parent.id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`),
      })
      expect((await call(`${s.url}/v3/projects/${child.id}`, { method: 'DELETE', token: admin })).status).toBe(204)
      expect((await call(`${s.url}/v3/projects/${parent.id}`, { method: 'DELETE', token: admin })).status).toBe(204)
    })
  })

  describe('who may list projects', () => {
    it("refuses a project's member (403); lets a domain's reader list its own domain", async () => {
      const { token } = await memberOfProject('member')
      expect(await call(`${s.url}/v3/projects`, { token })).toMatchObject({ status: 403, body: forbidden('identity:list_projects') })
      const domain = await create('domains', { name: unique('dom') })
      const inside = await create('projects', { name: unique('in'), domain_id: domain.id })
      const user = await create('users', { name: unique('u'), password: 'pw-1', domain_id: domain.id })
      await grant(`domains/${domain.id}/users`, user.id, 'reader')
      const reader = await tokenOf(user.id, 'pw-1', { domain: { id: domain.id } })
      const listed = await call(`${s.url}/v3/projects`, { token: reader })
      expect(listed.status).toBe(200)
      expect(listed.body.projects.map((p: any) => p.id)).toEqual([inside.id])
      expect((await call(`${s.url}/v3/projects?domain_id=default`, { token: reader })).body.projects).toEqual([])
    })
  })

  describe('domains', () => {
    it("takes the empty options the openstack CLI sends; refuses options it cannot keep (400)", async () => {
      expect((await call(`${s.url}/v3/domains`, { method: 'POST', token: admin, body: { domain: { name: unique('opt'), options: {} } } })).status).toBe(201)
      expect(await call(`${s.url}/v3/domains`, { method: 'POST', token: admin, body: { domain: { name: unique('opt'), options: { immutable: true } } } })).toMatchObject({
        status: 400, body: error(400, 'Bad Request', "Invalid input for field 'domain/options': Additional properties are not allowed ('immutable' was unexpected)"),
      })
    })
  })

  describe('deleting a domain', () => {
    it('deletes its projects, users and groups with it, once disabled; 404 for an unknown domain', async () => {
      const domain = await create('domains', { name: unique('doomed') })
      const project = await create('projects', { name: unique('p'), domain_id: domain.id })
      const user = await create('users', { name: unique('u'), domain_id: domain.id, password: 'pw-1' })
      const group = await create('groups', { name: unique('g'), domain_id: domain.id })
      const outsider = await create('users', { name: unique('u'), domain_id: 'default' })
      expect((await call(`${s.url}/v3/groups/${group.id}/users/${outsider.id}`, { method: 'PUT', token: admin })).status).toBe(204)
      await grant(`projects/${project.id}/users`, user.id, 'member')
      expect(await call(`${s.url}/v3/domains/${domain.id}`, { method: 'DELETE', token: admin })).toMatchObject({
        status: 403, body: error(403, 'Forbidden', 'Cannot delete a domain that is enabled, please disable it first.'),
      })
      expect((await call(`${s.url}/v3/domains/${domain.id}`, { method: 'PATCH', token: admin, body: { domain: { enabled: false } } })).status).toBe(200)
      expect((await call(`${s.url}/v3/domains/${domain.id}`, { method: 'DELETE', token: admin })).status).toBe(204)
      expect((await call(`${s.url}/v3/users/${user.id}`, { token: admin })).body).toEqual(error(404, 'Not Found', `Could not find user: ${user.id}.`))
      expect((await call(`${s.url}/v3/groups/${group.id}`, { token: admin })).body).toEqual(error(404, 'Not Found', `Could not find group: ${group.id}.`))
      expect((await call(`${s.url}/v3/projects/${project.id}`, { token: admin })).status).toBe(404)
      expect((await call(`${s.url}/v3/users/${outsider.id}/groups`, { token: admin })).body.groups).toEqual([])
      expect((await call(`${s.url}/v3/domains/${domain.id}`, { method: 'DELETE', token: admin })).body).toEqual(error(404, 'Not Found', `Could not find domain: ${domain.id}.`))
    })
  })

  describe('users', () => {
    it('changes a password for whoever proves the old one; the old tokens stop working', async () => {
      const user = await create('users', { name: unique('u'), password: 'old-pw', domain_id: 'default' })
      const before = await tokenOf(user.id, 'old-pw')
      expect(await call(`${s.url}/v3/users/${user.id}/password`, { method: 'POST', token: admin, body: { user: { password: 'x', original_password: 'wrong' } } }))
        .toMatchObject({ status: 401, body: UNAUTHORIZED })
      const changed = await call(`${s.url}/v3/users/${user.id}/password`, { method: 'POST', token: admin, body: { user: { password: 'new-pw', original_password: 'old-pw' } } })
      expect(changed.status).toBe(204)
      expect(changed.text).toBe('')
      expect((await call(`${s.url}/v3/auth/tokens`, { token: admin, headers: { 'x-subject-token': before } })).status).toBe(404)
      const after = await tokenOf(user.id, 'new-pw')
      // The user itself, with its own token; Keystone keeps no password history by default.
      expect((await call(`${s.url}/v3/users/${user.id}/password`, { method: 'POST', token: after, body: { user: { password: 'new-pw', original_password: 'new-pw' } } })).status).toBe(204)
      expect(await call(`${s.url}/v3/users/nobody/password`, { method: 'POST', token: admin, body: { user: { password: 'x', original_password: 'y' } } }))
        .toMatchObject({ status: 401, body: UNAUTHORIZED })
    })

    it('answers 404 for a user or group in a domain that does not exist', async () => {
      expect(await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: unique('u'), domain_id: 'no-such-domain' } } })).toMatchObject({
        status: 404, body: error(404, 'Not Found', 'Could not find domain: no-such-domain.'),
      })
      expect((await call(`${s.url}/v3/groups`, { method: 'POST', token: admin, body: { group: { name: unique('g'), domain_id: 'no-such-domain' } } })).body)
        .toEqual(error(404, 'Not Found', 'Could not find domain: no-such-domain.'))
    })
  })

  describe('groups across domains, and the scopes a user can reach', () => {
    it('adds a user to a group of another domain without ending its tokens; removing it does end them', async () => {
      const domain = await create('domains', { name: unique('gd') })
      const group = await create('groups', { name: unique('g'), domain_id: domain.id })
      const user = await create('users', { name: unique('u'), password: 'pw-1', domain_id: 'default' })
      const token = await tokenOf(user.id, 'pw-1')
      const member = `${s.url}/v3/groups/${group.id}/users/${user.id}`
      expect((await call(member, { method: 'PUT', token: admin })).status).toBe(204)
      expect((await call(member, { method: 'HEAD', token: admin })).status).toBe(204)
      expect((await call(`${s.url}/v3/groups/${group.id}/users`, { token: admin })).body.users.map((u: any) => u.id)).toEqual([user.id])
      expect((await call(`${s.url}/v3/users/${user.id}/groups`, { token: admin })).body.groups.map((g: any) => g.id)).toEqual([group.id])
      expect((await call(`${s.url}/v3/auth/tokens`, { token: admin, headers: { 'x-subject-token': token } })).status).toBe(200)
      expect((await call(`${s.url}/v3/groups/${group.id}/users/nobody`, { method: 'PUT', token: admin })).body).toEqual(error(404, 'Not Found', 'Could not find user: nobody.'))
      expect((await call(member, { method: 'DELETE', token: admin })).status).toBe(204)
      expect((await call(`${s.url}/v3/auth/tokens`, { token: admin, headers: { 'x-subject-token': token } })).status).toBe(404)
      expect((await call(member, { method: 'HEAD', token: admin })).status).toBe(404)
    })

    it('GET /v3/auth/system: [{"all": true}] for a holder of a system role (the bootstrap admin), [] for others', async () => {
      const links = { self: `${s.url}/v3/auth/system` }
      expect(await call(`${s.url}/v3/auth/system`, { token: admin })).toMatchObject({ status: 200, body: { system: [{ all: true }], links } })
      const { token } = await memberOfProject('member')
      expect((await call(`${s.url}/v3/auth/system`, { token })).body).toEqual({ system: [], links })
      expect((await call(`${s.url}/v3/auth/system`)).body).toEqual(UNAUTHORIZED)
    })

    it('lists the domains and projects a user holds roles on, directly or through groups, in every domain', async () => {
      const user = await create('users', { name: unique('u'), password: 'pw-1', domain_id: 'default' })
      const direct = await create('domains', { name: unique('direct') })
      const viaGroup = await create('domains', { name: unique('via-group') })
      const inheritedOnly = await create('domains', { name: unique('inherited') })
      const group = await create('groups', { name: unique('g'), domain_id: viaGroup.id })
      expect((await call(`${s.url}/v3/groups/${group.id}/users/${user.id}`, { method: 'PUT', token: admin })).status).toBe(204)
      await grant(`domains/${direct.id}/users`, user.id, 'member')
      await grant(`domains/${viaGroup.id}/groups`, group.id, 'member')
      expect((await call(`${s.url}/v3/OS-INHERIT/domains/${inheritedOnly.id}/groups/${group.id}/roles/${roleIds.member}/inherited_to_projects`, { method: 'PUT', token: admin })).status).toBe(204)
      const elsewhere = await create('projects', { name: unique('p'), domain_id: direct.id })
      const inherited = await create('projects', { name: unique('p'), domain_id: inheritedOnly.id })
      await grant(`projects/${elsewhere.id}/users`, user.id, 'member')
      const token = await tokenOf(user.id, 'pw-1')
      const domains = await call(`${s.url}/v3/auth/domains`, { token })
      expect(domains.status).toBe(200)
      expect(domains.body.domains.map((d: any) => d.id).sort()).toEqual([direct.id, viaGroup.id].sort())
      const projects = await call(`${s.url}/v3/auth/projects`, { token })
      expect(projects.body.projects.map((p: any) => p.id).sort()).toEqual([elsewhere.id, inherited.id].sort())
      const ofUser = await call(`${s.url}/v3/users/${user.id}/projects`, { token: admin })
      expect(ofUser.body.projects.map((p: any) => p.id).sort()).toEqual([elsewhere.id, inherited.id].sort())
      expect((await call(`${s.url}/v3/users/nobody/projects`, { token: admin })).body).toEqual(error(404, 'Not Found', 'Could not find user: nobody.'))
    })
  })
})
