/**
 * The seeds' example requests give the seeds' example responses (ids and times aside):
 * 003 (Huawei Cloud) and 002 (Open Telekom Cloud), PATCH /v3/projects/{project_id}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

describe('seed 003: Huawei Cloud "Modifying Project Information"', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'huaweicloud' })
    token = await s.adminToken()
  })
  afterAll(() => s.close())

  it('renames ap-southeast-1_IAMProject with the seed body and answers the seed response', async () => {
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'ap-southeast-1_IAMProject' } } })
    expect(created.status).toBe(201)
    const id = created.body.project.id as string
    const regionProject = (await call(`${s.url}/v3/projects?name=ap-southeast-1`, { token })).body.projects[0]

    const res = await call(`${s.url}/v3/projects/${id}`, {
      method: 'PATCH', token, body: { project: { name: 'ap-southeast-1_IAMNewProject', description: 'IAMDescription' } },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
    // Same keys in the same order as the seed's example response.
    expect(Object.keys(res.body.project)).toEqual(['is_domain', 'description', 'links', 'extra', 'enabled', 'id', 'parent_id', 'domain_id', 'name'])
    expect(res.body).toEqual({
      project: {
        is_domain: false,
        description: 'IAMDescription',
        links: { self: `${s.url}/v3/projects/${id}` },
        extra: {},
        enabled: true,
        id,
        parent_id: regionProject.id,
        domain_id: s.account.id,
        name: 'ap-southeast-1_IAMNewProject',
      },
    })
    expect(id).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('seed 002: Open Telekom Cloud "Modifying Project Data"', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'opentelekomcloud' })
    token = await s.adminToken()
  })
  afterAll(() => s.close())

  it('applies {"project":{"name":"<region>_test2","description":"test_project_desc"}} and answers the seed shape', async () => {
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'eu-de_test1' } } })
    expect(created.status).toBe(201)
    const id = created.body.project.id as string
    const res = await call(`${s.url}/v3/projects/${id}`, {
      method: 'PATCH', token, body: { project: { name: 'eu-de_test2', description: 'test_project_desc' } },
    })
    expect(res.status).toBe(200)
    // OTC's example has no `extra`.
    expect(Object.keys(res.body.project)).toEqual(['is_domain', 'description', 'links', 'enabled', 'id', 'parent_id', 'domain_id', 'name'])
    expect(res.body.project).toMatchObject({
      is_domain: false, description: 'test_project_desc', links: { self: `${s.url}/v3/projects/${id}` },
      enabled: true, id, domain_id: s.account.id, name: 'eu-de_test2',
    })
  })
})
