/**
 * Group commit over HTTP: concurrent PATCHes share commits, yet each answer is about its own
 * write only. A write refused in a batch (duplicate name) leaves the others in it committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from './helpers/server.js'

describe('group commit', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer(); token = await s.adminToken() })
  afterAll(() => s.close())

  it('commits every accepted write of a concurrent burst and refuses exactly the conflicting ones', async () => {
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      ids.push((await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: `cn-north-4_gc${i}` } } })).body.project.id)
    }
    // 30 renames at once: ten pairs race for the same new name, ten more change only descriptions.
    const requests = ids.map((id, i) =>
      i < 20
        ? call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { name: `cn-north-4_pair${i % 10}` } } })
        : call(`${s.url}/v3/projects/${id}`, { method: 'PATCH', token, body: { project: { description: `d${i}` } } }),
    )
    const results = await Promise.all(requests)
    const renames = results.slice(0, 20)
    expect(renames.filter((r) => r.status === 200)).toHaveLength(10)
    expect(renames.filter((r) => r.status === 409)).toHaveLength(10)
    for (const r of renames.filter((r) => r.status === 409)) {
      expect(r.body.error.message).toMatch(/^Conflict occurred attempting to store project - Duplicate entry found with name cn-north-4_pair\d at domain ID [0-9a-f]{32}\.$/)
    }
    expect(results.slice(20).every((r) => r.status === 200)).toBe(true)

    // What the answers said is what the store holds.
    const rows = await s.server.db.kysely.selectFrom('projects').select(['id', 'name', 'description']).where('id', 'in', ids).execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    results.forEach((r, i) => {
      const row = byId.get(ids[i]!)!
      if (r.status === 200) expect(row).toMatchObject({ name: r.body.project.name, description: r.body.project.description })
      else expect(row.name).toBe(`cn-north-4_gc${i}`)
    })
    for (let p = 0; p < 10; p++) expect(rows.filter((r) => r.name === `cn-north-4_pair${p}`)).toHaveLength(1)
  })
})
