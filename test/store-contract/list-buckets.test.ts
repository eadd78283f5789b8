/**
 * The list counts of migration 0024 on both stores: whatever writes an account's projects and
 * enterprise projects (concurrent transactions, multi-row statements, renames, deletions), every
 * bucket holds exactly the rows in its range and never more than 2,000, and a page found from the
 * counts is the page OFFSET gives. On PostgreSQL the writes run on several connections at once:
 * a lost or misplaced count here would put every later page of the account off by its error.
 */
import { describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { EnterpriseProjectRow } from '../../src/db/schema.js'
import { SqlEpsStore } from '../../src/services/eps/store-sql.js'
import { BACKENDS } from './backends.js'
import { newAccount, projectRow, uid, useStore, type StoreHandle } from './iam-fixtures.js'

/** A permutation of 0..n-1, so rows are written out of list order. */
const shuffled = (n: number) => Array.from({ length: n }, (_, i) => (i * 7919) % n)

/** Each bucket's n against the rows in its range, both lists of one account. */
async function expectExactBuckets(h: StoreHandle, domainId: string) {
  const x = h.db.kysely
  const rows = await x.selectFrom('projects').select(['kind', 'name', 'id']).where('domain_id', '=', domainId)
    .orderBy('kind', 'desc').orderBy('name').orderBy('id').execute()
  const buckets = await x.selectFrom('project_buckets').select(['kind', 'name', 'id', 'n']).where('domain_id', '=', domainId)
    .orderBy('kind', 'desc').orderBy('name').orderBy('id').execute()
  const inRange = (b: { kind: string; name: string; id: string }, r: { kind: string; name: string; id: string }) =>
    b.kind === r.kind && (b.name < r.name || (b.name === r.name && b.id <= r.id))
  expectCounts(rows, buckets, inRange)
  const eps = await x.selectFrom('enterprise_projects').select(['created_at', 'id']).where('domain_id', '=', domainId).orderBy('created_at').orderBy('id').execute()
  const epBuckets = await x.selectFrom('enterprise_project_buckets').select(['created_at', 'id', 'n']).where('domain_id', '=', domainId).orderBy('created_at').orderBy('id').execute()
  expectCounts(eps, epBuckets, (b, r) => b.created_at < r.created_at || (b.created_at === r.created_at && b.id <= r.id))
  return { rows, eps }
}

function expectCounts<R, B extends { n: number }>(rows: readonly R[], buckets: readonly B[], inRange: (b: B, r: R) => boolean) {
  const counted = buckets.map(() => 0)
  let at = -1
  for (const r of rows) {
    while (at + 1 < buckets.length && inRange(buckets[at + 1]!, r)) at++
    expect(at >= 0 && inRange(buckets[at]!, r), `a row before every bucket: ${JSON.stringify(r)}`).toBe(true)
    counted[at]!++
  }
  expect(buckets.map((b) => Number(b.n))).toEqual(counted)
  // Only the bucket below every key ('', which SQLite makes sure of before counting) may be empty.
  for (const b of buckets) if (!(Object.values(b) as unknown[]).includes('')) expect(Number(b.n)).toBeGreaterThan(0)
  for (const b of buckets) expect(Number(b.n)).toBeLessThanOrEqual(2000)
}

function epRow(domainId: string, i: number): EnterpriseProjectRow {
  // Twenty creation times: ties the order breaks by id.
  const at = `2026-01-01T00:00:${String(i % 20).padStart(2, '0')}.000000Z`
  return { domain_id: domainId, id: uid('ep'), name: uid('ep-name'), description: '', status: 1, type: 'prod', created_at: at, updated_at: at }
}

describe.each(BACKENDS)('list counts (migration 0024) on $name', (backend) => {
  const h = useStore(backend)

  it('stay exact through concurrent writes, and counted pages are the pages OFFSET gives', async () => {
    const domain = await newAccount(h.store)
    const order = shuffled(3200)
    const name = (i: number) => `cn-north-4_c${String(i).padStart(5, '0')}`
    // 16 transactions of 100 rows each (one statement), with 1,600 single creations beside them.
    const batches = Array.from({ length: 16 }, (_, b) => order.slice(b * 100, b * 100 + 100))
    await Promise.all([
      ...batches.map((batch) => h.db.write((trx) => trx.insertInto('projects').values(batch.map((i) => projectRow(domain.id, { name: name(i) }))).execute())),
      ...order.slice(1600).map((i) => h.store.projects.createProject(projectRow(domain.id, { name: name(i), kind: i % 97 === 0 ? 'region' : 'custom' }))),
    ])
    const eps = new SqlEpsStore(h.db)
    await Promise.all(shuffled(2500).map((i) => h.db.write((trx) => trx.insertInto('enterprise_projects').values(epRow(domain.id, i)).execute())))
    let { rows } = await expectExactBuckets(h, domain.id)
    expect(rows).toHaveLength(3200)

    // Renames move rows between buckets; deletions empty some; a description changes no count.
    const victims = rows.filter((_, i) => i % 3 === 0)
    await Promise.all([
      ...victims.slice(0, 500).map((r) => h.store.projects.deleteProject(domain.id, r.id)),
      ...victims.slice(500, 800).map((r, i) => h.store.projects.updateProject(domain.id, r.id, { name: `cn-north-4_a${String(i).padStart(4, '0')}` }, '2026-01-01T00:00:00.000000Z')),
      ...victims.slice(800).map((r) => h.store.projects.updateProject(domain.id, r.id, { description: 'changed' }, '2026-01-01T00:00:00.000000Z')),
      h.db.write((trx) => trx.deleteFrom('enterprise_projects').where('domain_id', '=', domain.id).where('created_at', 'like', '%:0_.000000Z').execute()),
    ])
    const after = await expectExactBuckets(h, domain.id)
    rows = after.rows
    expect(rows).toHaveLength(2700)

    const listed = (await h.store.projects.listProjects({ domainId: domain.id })).map((p) => p.id)
    expect(listed).toEqual(rows.map((r) => r.id))
    for (const offset of [0, 1, 999, 1000, 1001, 1999, 2000, 2001, 2650, 2699, 2700, 5000]) {
      const page = await h.store.projects.listProjects({ domainId: domain.id }, { offset, limit: 101 })
      expect(page.map((p) => p.id), `offset ${offset}`).toEqual(listed.slice(offset, offset + 101))
    }
    const epIds = after.eps.map((e) => e.id)
    for (const [sortDir, ids] of [['asc', epIds], ['desc', [...epIds].reverse()]] as const) {
      for (const offset of [0, 17, 999, 1000, 1249, 1250, 1300]) {
        const page = await eps.listEnterpriseProjects(domain.id, { sortKey: 'created_at', sortDir, offset, limit: 50 })
        expect(page.total, `${sortDir} ${offset}`).toBe(epIds.length)
        expect(page.rows.map((e) => e.id), `${sortDir} ${offset}`).toEqual(ids.slice(offset, offset + 50))
      }
    }
    // total_count of another order comes from the same counts.
    expect((await eps.listEnterpriseProjects(domain.id, { sortKey: 'updated_at', sortDir: 'asc', offset: 0, limit: 1 })).total).toBe(epIds.length)
  }, 120_000)

  it("go with their account's deletion", async () => {
    const domain = await newAccount(h.store)
    await Promise.all(Array.from({ length: 30 }, () => h.store.projects.createProject(projectRow(domain.id))))
    const count = async () => Number((await sql<{ n: number | string }>`select count(*) as n from project_buckets where domain_id = ${domain.id}`.execute(h.db.kysely)).rows[0]!.n)
    expect(await count()).toBe(1)
    await h.store.projects.deleteDomain(domain.id)
    expect(await count()).toBe(0)
  })
})
