/**
 * Regions, domains, and what a caller can reach: /v3/regions, /v3/domains, /v3/auth/domains,
 * /v3/auth/projects, /v3/users/{id}/projects, and keystone's domain writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, createPlainUser, tokenFor } from '../helpers/fixtures.js'

describe('regions and domains (huaweicloud)', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer(); token = await s.adminToken() })
  afterAll(() => s.close())

  it('lists the default regions with type and locales, and shows one', async () => {
    const res = await call(`${s.url}/v3/regions`, { token })
    expect(res.status).toBe(200)
    expect(res.body.links).toEqual({ self: `${s.url}/v3/regions`, previous: null, next: null })
    expect(res.body.regions.map((r: { id: string }) => r.id)).toContain('ap-southeast-1')
    expect(res.body.regions).toHaveLength(10)
    const one = await call(`${s.url}/v3/regions/cn-north-4`, { token })
    expect(one.body).toEqual({
      region: {
        id: 'cn-north-4', type: 'public', description: '', parent_region_id: null,
        locales: { 'en-us': 'CN North-Beijing4', 'zh-cn': '华北-北京四' }, links: { self: `${s.url}/v3/regions/cn-north-4` },
      },
    })
    expect((await call(`${s.url}/v3/regions/mars-1`, { token })).body).toEqual({ error: { code: 404, message: 'Could not find region: mars-1.', title: 'Not Found' } })
    expect((await call(`${s.url}/v3/regions`)).body).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } })
  })

  it('shows the own account in /v3/domains, /v3/auth/domains and by id; another account is 404', async () => {
    const own = { id: s.account.id, name: s.account.name, description: '', enabled: true, links: { self: `${s.url}/v3/domains/${s.account.id}` } }
    expect((await call(`${s.url}/v3/domains`, { token })).body.domains).toEqual([own])
    expect((await call(`${s.url}/v3/auth/domains`, { token })).body.domains).toEqual([own])
    expect((await call(`${s.url}/v3/domains/${s.account.id}`, { token })).body).toEqual({ domain: own })
    const other = await createAccount(s, 'domain-other', 'Other-Passw0rd')
    expect((await call(`${s.url}/v3/domains/${other.id}`, { token })).body).toEqual({ error: { code: 404, message: `Could not find domain: ${other.id}.`, title: 'Not Found' } })
    expect((await call(`${s.url}/v3/domains?name=domain-other`, { token })).body.domains).toEqual([])
    expect((await call(`${s.url}/v3/domains`, { method: 'POST', token, body: { domain: { name: 'new' } } })).body).toEqual({ error: { code: 403, message: 'You are not authorized to perform the requested action: identity:create_domain.', title: 'Forbidden' } })
  })

  it('lists reachable projects: the admin reaches every project of the account, a user without roles none', async () => {
    const all = (await call(`${s.url}/v3/projects`, { token })).body.projects.map((p: { id: string }) => p.id).sort()
    const auth = await call(`${s.url}/v3/auth/projects`, { token })
    expect(auth.status).toBe(200)
    expect(auth.body.projects.map((p: { id: string }) => p.id).sort()).toEqual(all)
    const adminId = (await call(`${s.url}/v3/auth/tokens`, { token, headers: { 'x-subject-token': token } })).body.token.user.id
    expect((await call(`${s.url}/v3/users/${adminId}/projects`, { token })).body.projects.map((p: { id: string }) => p.id).sort()).toEqual(all)

    const plainId = await createPlainUser(s, s.account.id, 'lonely', 'Lonely-Passw0rd')
    const plain = await tokenFor(s, 'lonely', 'Lonely-Passw0rd', s.account.name)
    expect((await call(`${s.url}/v3/auth/projects`, { token: plain })).body.projects).toEqual([])
    expect((await call(`${s.url}/v3/users/${plainId}/projects`, { token: plain })).body.projects).toEqual([])
    expect((await call(`${s.url}/v3/users/${plainId}/projects`, { token })).status).toBe(200)
    // Another user's list needs identity admin rights.
    expect((await call(`${s.url}/v3/users/${adminId}/projects`, { token: plain })).body).toEqual({ error: { code: 403, message: 'You are not authorized to perform the requested action: identity:list_user_projects.', title: 'Forbidden' } })
    expect((await call(`${s.url}/v3/users/${'0'.repeat(32)}/projects`, { token })).body).toEqual({ error: { code: 404, message: `Could not find user: ${'0'.repeat(32)}.`, title: 'Not Found' } })
  })
})

describe('domains (keystone)', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer({ flavour: 'keystone' }); token = await s.adminToken() })
  afterAll(() => s.close())

  it('creates, renames, refuses to delete while enabled, then deletes a domain', async () => {
    const created = await call(`${s.url}/v3/domains`, { method: 'POST', token, body: { domain: { name: 'engineering', description: 'eng' } } })
    expect(created.status).toBe(201)
    expect(created.body.domain).toMatchObject({ name: 'engineering', description: 'eng', enabled: true, tags: [], options: {} })
    const id = created.body.domain.id
    expect((await call(`${s.url}/v3/domains`, { method: 'POST', token, body: { domain: { name: 'engineering' } } })).body).toEqual({ error: { code: 409, message: 'Conflict occurred attempting to store domain - Duplicate entry found with name engineering.', title: 'Conflict' } })
    expect((await call(`${s.url}/v3/domains/${id}`, { method: 'PATCH', token, body: { domain: { name: 'eng2' } } })).body.domain.name).toBe('eng2')
    expect((await call(`${s.url}/v3/domains/${id}`, { method: 'DELETE', token })).body.error.message).toBe('Cannot delete a domain that is enabled, please disable it first.')
    // The cloud administrator creates projects in any domain.
    const project = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'in-eng', domain_id: id } } })
    expect(project.body.project).toMatchObject({ domain_id: id, parent_id: id })
    expect((await call(`${s.url}/v3/projects/${project.body.project.id}`, { method: 'DELETE', token })).status).toBe(204)
    expect((await call(`${s.url}/v3/domains/${id}`, { method: 'PATCH', token, body: { domain: { enabled: false } } })).status).toBe(200)
    expect((await call(`${s.url}/v3/domains/${id}`, { method: 'DELETE', token })).status).toBe(204)
    expect((await call(`${s.url}/v3/domains/${id}`, { token })).body).toEqual({ error: { code: 404, message: `Could not find domain: ${id}.`, title: 'Not Found' } })
  })

  it('lists regions in Keystone shape', async () => {
    expect((await call(`${s.url}/v3/regions`, { token })).body.regions).toEqual([
      { id: 'RegionOne', description: '', parent_region_id: null, links: { self: `${s.url}/v3/regions/RegionOne` } },
    ])
  })
})
