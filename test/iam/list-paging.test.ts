/**
 * Paging deep into long lists (issue 19) over HTTP, on both stores: `GET /v3/projects` with
 * page/per_page and `GET /v1.0/enterprise-projects` with limit/offset answer by seeks from
 * remembered page starts (src/db/keyset-pages.ts), which must give exactly what OFFSET gave: the
 * same rows in the same order, no duplicate and no gap, across the starts remembered every 1,000
 * rows, across the region/custom boundary of the projects' order, with ties in the enterprise
 * projects' sort key, in walks and in cold jumps, and after the list changed. The unpaged project
 * list is streamed; it must be the same JSON as the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { tokenFor } from '../helpers/fixtures.js'

const PROJECTS = 2300
const ENTERPRISE_PROJECTS = 1250

describe('paging long lists', () => {
  let s: TestServer
  let token: string
  let all: string[]
  const get = async (path: string) => {
    const res = await call(`${s.url}${path}`, { token })
    expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200)
    return res
  }
  const page = async (n: number, perPage: number) => (await get(`/v3/projects?page=${n}&per_page=${perPage}`)).body.projects.map((p: { name: string }) => p.name) as string[]
  const eps = async (query: string) => (await get(`/v1.0/enterprise-projects?${query}`)).body as { enterprise_projects: { id: string; name: string; created_at: string }[]; total_count: number }

  beforeAll(async () => {
    // Room to create enterprise projects over the API beside the 1,250 imported.
    s = await startServer({ env: { EPS_QUOTA: '100000' } })
    const operator = await s.adminToken()
    const created = (await call(`${s.url}/_projectplane/accounts`, { method: 'POST', token: operator, body: { account: { name: 'paging' } } })).body
    const state = (await call(`${s.url}/_projectplane/state?account=${created.account.id}`, { token: operator })).body
    const account = state.accounts[0]
    // Names in shuffled order, so insertion order is not list order.
    const shuffled = Array.from({ length: PROJECTS }, (_, i) => (i * 7919) % PROJECTS)
    account.projects = [...(account.projects ?? []), ...shuffled.map((i) => ({ name: `cn-north-4_k${String(i).padStart(5, '0')}` }))]
    // Five creation times for 1,250 enterprise projects: 250 ties each, ordered by id within a time.
    account.enterprise_projects = [...(account.enterprise_projects ?? []), ...Array.from({ length: ENTERPRISE_PROJECTS }, (_, i) => ({
      name: `ep_${String(i).padStart(5, '0')}`, created_at: `2026-01-0${1 + (i % 5)}T00:00:00Z`, updated_at: `2026-02-0${1 + (i % 3)}T00:00:00Z`,
    }))]
    const put = await call(`${s.url}/_projectplane/state?account=${created.account.id}`, { method: 'PUT', token: operator, body: state })
    expect(put.status, JSON.stringify(put.body).slice(0, 500)).toBe(200)
    token = await tokenFor(s, 'admin', created.admin.password, 'paging')
  }, 120_000)
  afterAll(() => s.close())

  it('streams the unpaged list as the same JSON, in list order: region projects first, then by name', async () => {
    const res = await call(`${s.url}/v3/projects`, { token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.body.links).toEqual({ self: `${s.url}/v3/projects`, previous: null, next: null })
    const projects = res.body.projects as { name: string; parent_id: string; domain_id: string }[]
    all = projects.map((p) => p.name)
    expect(all.length).toBeGreaterThan(PROJECTS)
    const regions = projects.filter((p) => p.parent_id === p.domain_id).map((p) => p.name)
    const custom = all.slice(regions.length)
    expect(all.slice(0, regions.length)).toEqual(regions)
    expect(regions).toEqual([...regions].sort())
    expect(custom).toEqual([...custom].sort())
    expect(new Set(all).size).toBe(all.length)
    // What the administrator reaches through its inherited grant is streamed the same way.
    const reach = await get('/v3/auth/projects')
    expect(reach.body.projects).toEqual(projects)
    expect(reach.body.links).toEqual({ self: `${s.url}/v3/auth/projects`, previous: null, next: null })
    // The same project as the paged answer shows it, field for field.
    const first = (await get('/v3/projects?page=1&per_page=1')).body.projects[0]
    expect(projects[0]).toEqual(first)
  })

  it('answers cold jumps deep into the list with the rows OFFSET gave, then walks without a gap', async () => {
    const perPage = 97
    const last = Math.ceil(all.length / perPage)
    // Jumps first, far past the 1,000-row steps, then back and between them.
    for (const n of [last, 19, 11, 12, 2, 1, last - 1]) {
      expect(await page(n, perPage), `page ${n}`).toEqual(all.slice((n - 1) * perPage, n * perPage))
    }
    expect(await page(last + 1, perPage)).toEqual([])
    const walked: string[] = []
    for (let n = 1; n <= last; n++) walked.push(...await page(n, perPage))
    expect(walked).toEqual(all)
    // Another page size shares the starts remembered every 1,000 rows, and gets its own.
    expect(await page(3, 1000)).toEqual(all.slice(2000, 3000))
    expect(await page(2, 1001)).toEqual(all.slice(1001, 2002))
  })

  it('forgets the remembered starts when the list changes, so a page stays what OFFSET gives', async () => {
    expect(await page(15, 100)).toEqual(all.slice(1400, 1500))
    const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_k00001a' } } })
    expect(created.status).toBe(201)
    const withNew = [...all]
    withNew.splice(withNew.indexOf('cn-north-4_k00001') + 1, 0, 'cn-north-4_k00001a')
    expect(await page(15, 100)).toEqual(withNew.slice(1400, 1500))
    expect(await page(24, 100)).toEqual(withNew.slice(2300, 2400))
    // The clouds delete no project: a rename moves it to the end instead.
    const renamed = await call(`${s.url}/v3/projects/${created.body.project.id}`, { method: 'PATCH', token, body: { project: { name: 'cn-north-4_zz' } } })
    expect(renamed.status).toBe(200)
    all.push('cn-north-4_zz')
    expect(await page(15, 100)).toEqual(all.slice(1400, 1500))
    expect(await page(Math.ceil(all.length / 100), 100)).toEqual(all.slice(Math.floor((all.length - 1) / 100) * 100))
    // A filtered view is another list: disabling a project moves the pages of `enabled=true`.
    const enabled = async (n: number) => (await get(`/v3/projects?enabled=true&page=${n}&per_page=500`)).body.projects.map((p: { name: string }) => p.name)
    expect(await enabled(4)).toEqual(all.slice(1500, 2000))
    const target = (await get(`/v3/projects?name=${all[10]}`)).body.projects[0].id
    expect((await call(`${s.url}/v3/projects/${target}`, { method: 'PATCH', token, body: { project: { enabled: false } } })).status).toBe(200)
    expect(await enabled(4)).toEqual(all.filter((_, i) => i !== 10).slice(1500, 2000))
  })

  for (const [sortKey, sortDir] of [['created_at', 'desc'], ['created_at', 'asc'], ['updated_at', 'desc']] as const) {
    it(`pages enterprise projects by ${sortKey} ${sortDir} with ties, ordered by id within them, jumps and walks alike`, async () => {
      const sort = `sort_key=${sortKey}&sort_dir=${sortDir}`
      // Jumps past the 1,000-row steps before any walk.
      const jump = await eps(`${sort}&limit=100&offset=1150`)
      const walked: { id: string; name: string; created_at: string; updated_at?: string }[] = []
      for (let offset = 0; ; offset += 83) {
        const body = await eps(`${sort}&limit=83&offset=${offset}`)
        walked.push(...body.enterprise_projects)
        if (offset + 83 >= body.total_count) {
          expect(walked.length).toBe(body.total_count)
          break
        }
      }
      expect(walked.length).toBe(ENTERPRISE_PROJECTS + 1)
      expect(new Set(walked.map((e) => e.id)).size).toBe(walked.length)
      const key = (e: { id: string } & Record<string, unknown>) => `${e[sortKey] as string}|${e.id}`
      const expected = [...walked].sort((a, b) => (key(a) < key(b) ? -1 : 1))
      if (sortDir === 'desc') expected.reverse()
      expect(walked.map((e) => e.id)).toEqual(expected.map((e) => e.id))
      expect(jump.enterprise_projects.map((e) => e.id)).toEqual(walked.slice(1150, 1250).map((e) => e.id))
      expect((await eps(`${sort}&limit=1000&offset=1000`)).enterprise_projects.map((e) => e.id)).toEqual(walked.slice(1000).map((e) => e.id))
    })
  }

  it('keeps enterprise project pages and total_count exact as enterprise projects are created and deleted between page requests', async () => {
    const ids = async (query: string) => (await eps(query)).enterprise_projects.map((e) => e.id)
    const walk = async (sort: string) => {
      const seen: string[] = []
      for (let offset = 0; ; offset += 1000) {
        const body = await eps(`${sort}&limit=1000&offset=${offset}`)
        seen.push(...body.enterprise_projects.map((e) => e.id))
        if (offset + 1000 >= body.total_count) return seen
      }
    }
    let desc = await walk('sort_key=created_at&sort_dir=desc')
    expect(await ids('limit=100&offset=1100')).toEqual(desc.slice(1100, 1200))
    // Created now: the newest, first in the default order (created_at, newest first).
    const made: string[] = []
    for (const name of ['ep_new_a', 'ep_new_b', 'ep_new_c']) {
      const res = await call(`${s.url}/v1.0/enterprise-projects`, { method: 'POST', token, body: { name } })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      made.push(res.body.enterprise_project.id)
    }
    // Deleted: one just created, two from the middle of the list.
    const gone = [made[1]!, desc[600]!, desc[1150]!]
    for (const id of gone) expect((await call(`${s.url}/v1.0/enterprise-projects/${id}`, { method: 'DELETE', token })).status).toBe(204)
    // The new ones are the newest, so first; their times have whole seconds on the wire, finer in
    // the store, so their order among themselves is the store's.
    const newest = await ids('limit=2&offset=0')
    expect([...newest].sort()).toEqual([made[0]!, made[2]!].sort())
    desc = [...newest, ...desc].filter((id) => !gone.includes(id))
    const page = await eps('limit=100&offset=1100')
    expect(page.total_count).toBe(desc.length)
    expect(page.enterprise_projects.map((e) => e.id)).toEqual(desc.slice(1100, 1200))
    expect(await ids('limit=100&offset=0')).toEqual(desc.slice(0, 100))
    expect(await ids(`limit=100&offset=${desc.length - 7}`)).toEqual(desc.slice(-7))
    expect(await ids('sort_key=created_at&sort_dir=asc&limit=100&offset=550')).toEqual([...desc].reverse().slice(550, 650))
    expect(await walk('sort_key=created_at&sort_dir=desc')).toEqual(desc)
  })
})
