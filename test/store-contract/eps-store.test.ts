/**
 * The EpsStore contract, run unchanged against every backend: what the EPS service relies on
 * (guarded writes and the refusal they throw, all-or-nothing moves, the quota under races, list
 * order and paging) must hold on SQLite and PostgreSQL alike. Each test works in accounts of its
 * own, so tests sharing one store cannot see each other's rows.
 */
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EnterpriseProjectRow, EpMigrationRecordRow, EpResourceRow } from '../../src/db/schema.js'
import { ConflictError, NotFoundError } from '../../src/errors/app-error.js'
import {
  EnterpriseProjectDisabledError, EnterpriseProjectHoldsResourcesError, EnterpriseProjectHoldsScalingGroupsError, EnterpriseProjectNameTakenError,
  EnterpriseProjectQuotaExceededError, EnterpriseProjectTypeDowngradeError, MoveTargetDisabledError, ResourceMovedMeanwhileError,
} from '../../src/errors/eps-codes.js'
import type { EnterpriseProjectFilter, MigrationRecordFilter, MovingResource, ResourceFilter, ResourceMove, ResourceWithProject } from '../../src/services/eps/store.js'
import { SqlEpsStore } from '../../src/services/eps/store-sql.js'
import type { SqlIamStores } from '../../src/services/iam/iam-stores-sql.js'
import { BACKENDS } from './backends.js'
import { useStore } from './iam-fixtures.js'

const hex = () => randomBytes(16).toString('hex')
/** Distinct, ordered ISO times (microseconds, as the services write them). */
const at = (second: number) => `2024-03-01T10:00:${String(second).padStart(2, '0')}.000000Z`
const CREATED = at(0)

/** UUID-shaped ids whose order is known; ids are only unique per account, so accounts may share them. */
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

function ep(domainId: string, id: string, name: string, over: Partial<EnterpriseProjectRow> = {}): EnterpriseProjectRow {
  return { domain_id: domainId, id, name, description: '', status: 1, type: 'prod', created_at: CREATED, updated_at: CREATED, ...over }
}

function resource(domainId: string, type: string, id: string, epId: string, over: Partial<EpResourceRow> = {}): EpResourceRow {
  return {
    domain_id: domainId, resource_type: type, resource_id: id, resource_name: id, project_id: '', region_id: '', enterprise_project_id: epId,
    attached_to: null, detail: null, created_at: CREATED, updated_at: CREATED, ...over,
  }
}

const withName = (r: EpResourceRow, projectName = ''): ResourceWithProject => ({ ...r, project_name: projectName })

const listAll = (over: Partial<EnterpriseProjectFilter> = {}): EnterpriseProjectFilter =>
  ({ sortKey: 'created_at', sortDir: 'asc', offset: 0, limit: 1000, ...over })

const resourcesOf = (over: Partial<ResourceFilter> = {}): ResourceFilter =>
  ({ types: ['ecs', 'disk', 'eip', 'scaling_group', 'cdn', 'bucket'], projectIds: [], offset: 0, limit: 1000, ...over })

describe.each(BACKENDS)('EpsStore on $name', (backend) => {
  const opened = useStore(backend)
  let store: SqlEpsStore
  let iam: SqlIamStores

  beforeAll(() => {
    store = new SqlEpsStore(opened.db)
    iam = opened.store
  })

  /** A cloud account as EPS sees it: the domain and its default enterprise project `0`. */
  async function account(): Promise<string> {
    const id = hex()
    await iam.projects.createDomain({ id, name: `acct-${id}`, description: '', enabled: 1, created_at: CREATED, updated_at: CREATED })
    await iam.projects.createDefaultEnterpriseProject(id, CREATED)
    return id
  }

  const defaultEp = (domainId: string) => ep(domainId, '0', 'default')

  async function createEps(domainId: string, rows: EnterpriseProjectRow[]): Promise<void> {
    for (const row of rows) expect(await store.createEnterpriseProject(row, 1000)).toEqual(row)
  }

  async function iamProject(domainId: string, name: string): Promise<string> {
    const id = hex()
    await iam.projects.createProject({
      id, domain_id: domainId, name, description: '', parent_id: domainId, kind: 'region', region_id: name,
      enabled: 1, status: 'normal', suspended_at: null, tags: '[]', options: '{}', extra: '{}', created_at: CREATED, updated_at: CREATED,
    })
    return id
  }

  async function rowsOf(domainId: string): Promise<EnterpriseProjectRow[]> {
    return (await store.listEnterpriseProjects(domainId, listAll())).rows
  }

  async function recordsOf(domainId: string): Promise<EpMigrationRecordRow[]> {
    return store.listMigrationRecords(domainId, { offset: 0, limit: 1000 })
  }

  // ---------------------------------------------------------------- enterprise projects

  describe('findEnterpriseProject', () => {
    it('finds a project of the account only', async () => {
      const a = await account()
      const b = await account()
      const row = ep(a, uuid(1), 'alpha', { description: 'the first', type: 'poc' })
      await createEps(a, [row])
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(row)
      expect(await store.findEnterpriseProject(a, '0')).toEqual(defaultEp(a))
      expect(await store.findEnterpriseProject(b, uuid(1))).toBeUndefined()
      expect(await store.findEnterpriseProject(a, uuid(2))).toBeUndefined()
    })
  })

  describe('createEnterpriseProject and countEnterpriseProjects', () => {
    it('inserts the row as given; the count leaves out the default project', async () => {
      const a = await account()
      expect(await store.countEnterpriseProjects(a)).toBe(0)
      const row = ep(a, uuid(1), 'alpha', { description: 'd', type: 'poc', created_at: at(1), updated_at: at(2) })
      expect(await store.createEnterpriseProject(row, 5)).toEqual(row)
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(row)
      expect(await store.countEnterpriseProjects(a)).toBe(1)
    })

    it('throws EnterpriseProjectQuotaExceededError and inserts nothing once the account holds `quota` projects', async () => {
      const a = await account()
      const b = await account()
      await createEps(b, [ep(b, uuid(1), 'other')])
      expect(await store.createEnterpriseProject(ep(a, uuid(1), 'one'), 2)).toEqual(ep(a, uuid(1), 'one'))
      expect(await store.createEnterpriseProject(ep(a, uuid(2), 'two'), 2)).toEqual(ep(a, uuid(2), 'two'))
      await expect(store.createEnterpriseProject(ep(a, uuid(3), 'three'), 2)).rejects.toThrow(EnterpriseProjectQuotaExceededError)
      await expect(store.createEnterpriseProject(ep(a, uuid(3), 'three'), 0)).rejects.toThrow(EnterpriseProjectQuotaExceededError)
      expect(await store.findEnterpriseProject(a, uuid(3))).toBeUndefined()
      expect(await store.countEnterpriseProjects(a)).toBe(2)
      // Another account's projects do not count against this one.
      expect(await store.countEnterpriseProjects(b)).toBe(1)
    })

    it('throws EnterpriseProjectNameTakenError for a name taken in the account, and inserts nothing', async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha')])
      await expect(store.createEnterpriseProject(ep(a, uuid(2), 'alpha'), 10)).rejects.toThrow(EnterpriseProjectNameTakenError)
      await expect(store.createEnterpriseProject(ep(a, uuid(3), 'default'), 10)).rejects.toThrow(EnterpriseProjectNameTakenError)
      expect(await rowsOf(a)).toEqual([defaultEp(a), ep(a, uuid(1), 'alpha')])
      // Names are unique per account only.
      expect(await store.createEnterpriseProject(ep(b, uuid(2), 'alpha'), 10)).toEqual(ep(b, uuid(2), 'alpha'))
    })

    it('never exceeds the quota when 8 creations race for 3 places', async () => {
      const a = await account()
      const rows = Array.from({ length: 8 }, (_, i) => ep(a, uuid(i + 1), `race-${i}`))
      const outcomes = await Promise.allSettled(rows.map((row) => store.createEnterpriseProject(row, 3)))
      const created = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
      expect(created).toHaveLength(3)
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []))
      expect(refused).toHaveLength(5)
      for (const reason of refused) expect(reason).toBeInstanceOf(EnterpriseProjectQuotaExceededError)
      expect(await store.countEnterpriseProjects(a)).toBe(3)
      expect(await rowsOf(a)).toEqual([defaultEp(a), ...created.sort((x, y) => x.id.localeCompare(y.id))])
    })

    it('lets exactly one of 6 racing creations of one name in', async () => {
      const a = await account()
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.createEnterpriseProject(ep(a, uuid(i + 1), 'same'), 100)))
      const won = outcomes.filter((o) => o.status === 'fulfilled')
      expect(won).toHaveLength(1)
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(EnterpriseProjectNameTakenError)
      expect((await rowsOf(a)).filter((r) => r.name === 'same')).toEqual([(won[0] as PromiseFulfilledResult<EnterpriseProjectRow>).value])
      expect(await store.countEnterpriseProjects(a)).toBe(1)
    })
  })

  describe('listEnterpriseProjects', () => {
    /** created_at ties between 2 and 3 (broken by id); updated_at in another order. */
    async function seeded() {
      const a = await account()
      const rows = [
        ep(a, uuid(3), 'Prod-East', { created_at: at(2), updated_at: at(9), type: 'prod' }),
        ep(a, uuid(2), 'poc_west', { created_at: at(2), updated_at: at(7), type: 'poc' }),
        ep(a, uuid(1), 'Archive', { created_at: at(5), updated_at: at(5), status: 2 }),
        ep(a, uuid(4), '100%_done', { created_at: at(1), updated_at: at(8), type: 'poc' }),
        ep(a, uuid(5), '100x-done', { created_at: at(3), updated_at: at(3) }),
      ]
      await createEps(a, rows)
      const [east, west, archive, pct, plain] = rows as [EnterpriseProjectRow, EnterpriseProjectRow, EnterpriseProjectRow, EnterpriseProjectRow, EnterpriseProjectRow]
      return { a, dflt: defaultEp(a), east, west, archive, pct, plain }
    }

    it('orders by the sort key, then by id in the same direction', async () => {
      const { a, dflt, east, west, archive, pct, plain } = await seeded()
      const ids = async (f: Partial<EnterpriseProjectFilter>) => (await store.listEnterpriseProjects(a, listAll(f))).rows
      expect(await ids({ sortKey: 'created_at', sortDir: 'asc' })).toEqual([dflt, pct, west, east, plain, archive])
      expect(await ids({ sortKey: 'created_at', sortDir: 'desc' })).toEqual([archive, plain, east, west, pct, dflt])
      expect(await ids({ sortKey: 'updated_at', sortDir: 'asc' })).toEqual([dflt, plain, archive, west, pct, east])
      expect(await ids({ sortKey: 'updated_at', sortDir: 'desc' })).toEqual([east, pct, west, archive, plain, dflt])
    })

    it('pages with offset and limit; the total counts every match', async () => {
      const { a, dflt, east, west, archive, pct, plain } = await seeded()
      const page = (offset: number, limit: number) => store.listEnterpriseProjects(a, listAll({ offset, limit }))
      expect(await page(0, 2)).toEqual({ rows: [dflt, pct], total: 6 })
      expect(await page(2, 2)).toEqual({ rows: [west, east], total: 6 })
      expect(await page(4, 2)).toEqual({ rows: [plain, archive], total: 6 })
      expect(await page(5, 2)).toEqual({ rows: [archive], total: 6 })
      expect(await page(6, 2)).toEqual({ rows: [], total: 6 })
      expect(await page(100, 1)).toEqual({ rows: [], total: 6 })
      expect(await page(0, 6)).toEqual({ rows: [dflt, pct, west, east, plain, archive], total: 6 })
      expect(await page(0, 1)).toEqual({ rows: [dflt], total: 6 })
    })

    it('filters by id, status, type and a set of ids', async () => {
      const { a, dflt, east, west, archive, pct, plain } = await seeded()
      const list = (f: Partial<EnterpriseProjectFilter>) => store.listEnterpriseProjects(a, listAll(f))
      expect(await list({ id: uuid(2) })).toEqual({ rows: [west], total: 1 })
      expect(await list({ id: uuid(99) })).toEqual({ rows: [], total: 0 })
      expect(await list({ status: 2 })).toEqual({ rows: [archive], total: 1 })
      expect(await list({ status: 1 })).toEqual({ rows: [dflt, pct, west, east, plain], total: 5 })
      expect(await list({ type: 'poc' })).toEqual({ rows: [pct, west], total: 2 })
      expect(await list({ type: 'prod', status: 1 })).toEqual({ rows: [dflt, east, plain], total: 3 })
      expect(await list({ onlyIds: [uuid(1), uuid(3), uuid(99)] })).toEqual({ rows: [east, archive], total: 2 })
      expect(await list({ onlyIds: [] })).toEqual({ rows: [], total: 0 })
      expect(await list({ onlyIds: [uuid(1), uuid(3)], status: 1, offset: 0, limit: 1 })).toEqual({ rows: [east], total: 1 })
    })

    it('matches a name substring in any case, with % and _ taken literally', async () => {
      const { a, east, west, pct, plain } = await seeded()
      const names = async (text: string) => (await store.listEnterpriseProjects(a, listAll({ nameContains: text }))).rows
      expect(await names('EAST')).toEqual([east])
      expect(await names('prOD-e')).toEqual([east])
      expect(await names('p')).toEqual([west, east])
      expect(await names('%')).toEqual([pct])
      expect(await names('0%_')).toEqual([pct])
      expect(await names('_')).toEqual([pct, west])
      // As wildcards, these would match '100%_done' and '100x-done'.
      expect(await names('00_')).toEqual([])
      expect(await names('0%d')).toEqual([])
      expect(await names('100')).toEqual([pct, plain])
      expect(await names('100X')).toEqual([plain])
      expect(await names('\\')).toEqual([])
      expect(await names('nothing')).toEqual([])
      expect((await store.listEnterpriseProjects(a, listAll({ nameContains: 'o', offset: 1, limit: 2 })))).toEqual({ rows: [west, east], total: 4 })
    })

    // Both stores fold ASCII letters only (SQLite's lower() does no more): a non-ASCII letter is
    // found as written, never through its other case, whatever the database's locale.
    it('finds non-ASCII names as written, folding only their ASCII letters', async () => {
      const a = await account()
      const row = ep(a, uuid(1), 'Ärger-Ösen')
      const han = ep(a, uuid(2), '项目-Ω')
      await createEps(a, [row, han])
      const names = async (text: string) => (await store.listEnterpriseProjects(a, listAll({ nameContains: text }))).rows
      expect(await names('Ärger-Ösen')).toEqual([row])
      expect(await names('ÄRGER-ÖSEN')).toEqual([row])
      expect(await names('rGeR-Ö')).toEqual([row])
      expect(await names('ärger')).toEqual([])
      expect(await names('-ösen')).toEqual([])
      expect(await names('项目-Ω')).toEqual([han])
      expect(await names('项目-ω')).toEqual([])
      expect(await names('-')).toEqual([row, han])
    })

    it('lists the account’s projects only', async () => {
      const { a } = await seeded()
      const b = await account()
      await createEps(b, [ep(b, uuid(2), 'poc_west')])
      expect(await store.listEnterpriseProjects(b, listAll())).toEqual({ rows: [defaultEp(b), ep(b, uuid(2), 'poc_west')], total: 2 })
      expect((await store.listEnterpriseProjects(a, listAll())).total).toBe(6)
    })
  })

  describe('updateEnterpriseProject', () => {
    it('changes name, description and type, and returns the row', async () => {
      const a = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha', { description: 'old', type: 'poc' })])
      expect(await store.updateEnterpriseProject(a, uuid(1), { name: 'beta', description: 'new', type: 'prod', updatedAt: at(10) }))
        .toEqual(ep(a, uuid(1), 'beta', { description: 'new', type: 'prod', updated_at: at(10) }))
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'beta', { description: 'new', type: 'prod', updated_at: at(10) }))
    })

    it('keeps description and type when they are not given', async () => {
      const a = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha', { description: 'keep', type: 'poc' }), ep(a, uuid(2), 'gamma', { description: 'also' })])
      // Twice per shape: the second run goes through the cached SQL text with new parameters.
      expect(await store.updateEnterpriseProject(a, uuid(1), { name: 'beta', updatedAt: at(11) }))
        .toEqual(ep(a, uuid(1), 'beta', { description: 'keep', type: 'poc', updated_at: at(11) }))
      expect(await store.updateEnterpriseProject(a, uuid(2), { name: 'delta', updatedAt: at(12) }))
        .toEqual(ep(a, uuid(2), 'delta', { description: 'also', updated_at: at(12) }))
      expect(await store.updateEnterpriseProject(a, uuid(1), { name: 'beta', description: '', updatedAt: at(13) }))
        .toEqual(ep(a, uuid(1), 'beta', { description: '', type: 'poc', updated_at: at(13) }))
      expect(await store.updateEnterpriseProject(a, uuid(2), { name: 'delta', description: 'x', updatedAt: at(14) }))
        .toEqual(ep(a, uuid(2), 'delta', { description: 'x', updated_at: at(14) }))
    })

    it('keeps poc as poc, but never turns prod into poc', async () => {
      const a = await account()
      await createEps(a, [ep(a, uuid(1), 'p1', { type: 'poc' }), ep(a, uuid(2), 'p2', { type: 'poc' }), ep(a, uuid(3), 'p3')])
      expect(await store.updateEnterpriseProject(a, uuid(1), { name: 'p1', type: 'poc', updatedAt: at(20) })).toEqual(ep(a, uuid(1), 'p1', { type: 'poc', updated_at: at(20) }))
      expect(await store.updateEnterpriseProject(a, uuid(2), { name: 'p2b', type: 'poc', updatedAt: at(21) })).toEqual(ep(a, uuid(2), 'p2b', { type: 'poc', updated_at: at(21) }))
      await expect(store.updateEnterpriseProject(a, uuid(3), { name: 'p3b', type: 'poc', updatedAt: at(22) })).rejects.toThrow(EnterpriseProjectTypeDowngradeError)
      await expect(store.updateEnterpriseProject(a, uuid(3), { name: 'p3b', description: 'd', type: 'poc', updatedAt: at(22) })).rejects.toThrow(EnterpriseProjectTypeDowngradeError)
      expect(await store.findEnterpriseProject(a, uuid(3))).toEqual(ep(a, uuid(3), 'p3'))
    })

    it('refuses a disabled project (EnterpriseProjectDisabledError) and a missing one (NotFoundError), changing nothing', async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'off', { status: 2, type: 'poc' })])
      await expect(store.updateEnterpriseProject(a, uuid(1), { name: 'on', updatedAt: at(30) })).rejects.toThrow(EnterpriseProjectDisabledError)
      await expect(store.updateEnterpriseProject(a, uuid(1), { name: 'on', type: 'prod', updatedAt: at(30) })).rejects.toThrow(EnterpriseProjectDisabledError)
      await expect(store.updateEnterpriseProject(a, uuid(1), { name: 'on', type: 'poc', updatedAt: at(30) })).rejects.toThrow(EnterpriseProjectDisabledError)
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'off', { status: 2, type: 'poc' }))
      await expect(store.updateEnterpriseProject(a, uuid(9), { name: 'x', updatedAt: at(30) })).rejects.toThrow(NotFoundError)
      await expect(store.updateEnterpriseProject(b, uuid(1), { name: 'x', updatedAt: at(30) })).rejects.toThrow(NotFoundError)
      await expect(store.updateEnterpriseProject(b, uuid(1), { name: 'x', type: 'poc', updatedAt: at(30) })).rejects.toThrow(NotFoundError)
    })

    it('throws EnterpriseProjectNameTakenError for a name taken in the account, and changes nothing', async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha'), ep(a, uuid(2), 'beta')])
      await createEps(b, [ep(b, uuid(1), 'gamma')])
      await expect(store.updateEnterpriseProject(a, uuid(2), { name: 'alpha', description: 'changed', updatedAt: at(40) })).rejects.toThrow(EnterpriseProjectNameTakenError)
      await expect(store.updateEnterpriseProject(a, uuid(2), { name: 'default', updatedAt: at(40) })).rejects.toThrow(EnterpriseProjectNameTakenError)
      expect(await store.findEnterpriseProject(a, uuid(2))).toEqual(ep(a, uuid(2), 'beta'))
      // Its own name, and a name used in another account, are free.
      expect(await store.updateEnterpriseProject(a, uuid(2), { name: 'beta', updatedAt: at(41) })).toEqual(ep(a, uuid(2), 'beta', { updated_at: at(41) }))
      expect(await store.updateEnterpriseProject(a, uuid(2), { name: 'gamma', updatedAt: at(42) })).toEqual(ep(a, uuid(2), 'gamma', { updated_at: at(42) }))
    })

    it('lets exactly one of 10 racing renames to one name win', async () => {
      const a = await account()
      const rows = Array.from({ length: 10 }, (_, i) => ep(a, uuid(i + 1), `before-${i}`))
      await createEps(a, rows)
      const outcomes = await Promise.allSettled(rows.map((r) => store.updateEnterpriseProject(a, r.id, { name: 'winner', updatedAt: at(50) })))
      const won = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<unknown>).value as EnterpriseProjectRow)
      expect(won).toHaveLength(1)
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(EnterpriseProjectNameTakenError)
      const winner = won[0]!
      expect(winner).toEqual({ ...rows.find((r) => r.id === winner.id), name: 'winner', updated_at: at(50) })
      expect(await rowsOf(a)).toEqual([defaultEp(a), ...rows.map((r) => (r.id === winner.id ? winner : r))])
    })
  })

  describe('setEnterpriseProjectStatus', () => {
    it('disables and enables, stamping updated_at; repeating a status succeeds', async () => {
      const a = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha')])
      await store.setEnterpriseProjectStatus(a, uuid(1), 2, at(1))
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'alpha', { status: 2, updated_at: at(1) }))
      await store.setEnterpriseProjectStatus(a, uuid(1), 2, at(2))
      await store.setEnterpriseProjectStatus(a, uuid(1), 1, at(3))
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'alpha', { updated_at: at(3) }))
      await store.setEnterpriseProjectStatus(a, uuid(1), 1, at(4))
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'alpha', { updated_at: at(4) }))
    })

    it('throws NotFoundError for a project not in the account', async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha')])
      await expect(store.setEnterpriseProjectStatus(b, uuid(1), 2, at(1))).rejects.toThrow(NotFoundError)
      await expect(store.setEnterpriseProjectStatus(b, uuid(1), 1, at(1))).rejects.toThrow(NotFoundError)
      await expect(store.setEnterpriseProjectStatus(a, uuid(2), 2, at(1))).rejects.toThrow(NotFoundError)
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'alpha'))
    })

    it('refuses to disable a project holding scaling groups (EnterpriseProjectHoldsScalingGroupsError); enabling it is fine', async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'scaled', { status: 2 }), ep(a, uuid(2), 'plain')])
      await createEps(b, [ep(b, uuid(2), 'plain-b')])
      await store.registerResource(resource(a, 'scaling_group', 'sg-1', uuid(1)))
      // Other types, and a scaling group of the same id in another account, do not block.
      await store.registerResource(resource(a, 'ecs', 'vm-1', uuid(2)))
      await store.registerResource(resource(b, 'scaling_group', 'sg-1', uuid(2)))
      await store.setEnterpriseProjectStatus(a, uuid(1), 1, at(1))
      await expect(store.setEnterpriseProjectStatus(a, uuid(1), 2, at(2))).rejects.toThrow(EnterpriseProjectHoldsScalingGroupsError)
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'scaled', { updated_at: at(1) }))
      await store.setEnterpriseProjectStatus(a, uuid(2), 2, at(3))
      expect(await store.findEnterpriseProject(a, uuid(2))).toEqual(ep(a, uuid(2), 'plain', { status: 2, updated_at: at(3) }))
    })
  })

  describe('deleteEnterpriseProject', () => {
    it('deletes an empty project; a second delete, or another account, finds nothing', async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha'), ep(a, uuid(2), 'beta')])
      await createEps(b, [ep(b, uuid(1), 'alpha')])
      await store.deleteEnterpriseProject(a, uuid(1))
      expect(await store.findEnterpriseProject(a, uuid(1))).toBeUndefined()
      await expect(store.deleteEnterpriseProject(a, uuid(1))).rejects.toThrow(NotFoundError)
      await expect(store.deleteEnterpriseProject(a, uuid(9))).rejects.toThrow(NotFoundError)
      expect(await rowsOf(a)).toEqual([defaultEp(a), ep(a, uuid(2), 'beta')])
      expect(await rowsOf(b)).toEqual([defaultEp(b), ep(b, uuid(1), 'alpha')])
      expect(await store.countEnterpriseProjects(a)).toBe(1)
    })

    it('refuses while the project holds resources (EnterpriseProjectHoldsResourcesError), leaving everything in place', async () => {
      const a = await account()
      await createEps(a, [ep(a, uuid(1), 'full')])
      const r = resource(a, 'cdn', 'site-1', uuid(1))
      await store.registerResource(r)
      await expect(store.deleteEnterpriseProject(a, uuid(1))).rejects.toThrow(EnterpriseProjectHoldsResourcesError)
      expect(await store.findEnterpriseProject(a, uuid(1))).toEqual(ep(a, uuid(1), 'full'))
      expect(await store.findResource(a, 'cdn', 'site-1')).toEqual(withName(r))
      await store.deleteResource(a, 'cdn', 'site-1')
      await store.deleteEnterpriseProject(a, uuid(1))
    })

    it("removes the grants on it of the account's users and groups, and nothing else", async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'doomed'), ep(a, uuid(2), 'kept')])
      // Enterprise project ids are unique per account only: b has a project with the same id.
      await createEps(b, [ep(b, uuid(1), 'doomed-too')])
      const roleId = hex()
      await iam.roles.upsertSystemRole({
        id: roleId, domain_key: '', name: `eps_role_${roleId}`, display_name: 'EPS role', description: '', description_cn: '',
        type: 'XA', catalog: 'BASE', flag: '', policy: '{"Version":"1.1","Statement":[]}', created_at: CREATED, updated_at: CREATED,
      })
      const user = (await iam.identity.createUser({ id: hex(), domain_id: a, name: 'u', password_hash: null, enabled: 1, created_at: CREATED, updated_at: CREATED })).id
      const group = (await iam.identity.createGroup({ id: hex(), domain_id: a, name: 'g', description: '', created_at: CREATED })).id
      const userB = (await iam.identity.createUser({ id: hex(), domain_id: b, name: 'u', password_hash: null, enabled: 1, created_at: CREATED, updated_at: CREATED })).id
      const grant = (actorType: 'user' | 'group', actorId: string, targetType: 'enterprise_project' | 'domain', targetId: string) =>
        ({ actorType, actorId, targetType, targetId, roleId, inherited: false }) as const
      const grants = [
        grant('user', user, 'enterprise_project', uuid(1)),
        grant('group', group, 'enterprise_project', uuid(1)),
        grant('user', user, 'enterprise_project', uuid(2)),
        grant('user', user, 'domain', a),
        grant('user', userB, 'enterprise_project', uuid(1)),
      ]
      for (const g of grants) await iam.roles.assignRole(g)
      await store.deleteEnterpriseProject(a, uuid(1))
      const left = await opened.db.kysely.selectFrom('role_assignments').select(['actor_type', 'actor_id', 'target_type', 'target_id'])
        .where('role_id', '=', roleId).orderBy('actor_id').orderBy('target_type').orderBy('target_id').execute()
      const expected = [
        { actor_type: 'user', actor_id: user, target_type: 'domain', target_id: a },
        { actor_type: 'user', actor_id: user, target_type: 'enterprise_project', target_id: uuid(2) },
        { actor_type: 'user', actor_id: userB, target_type: 'enterprise_project', target_id: uuid(1) },
      ].sort((x, y) => (x.actor_id < y.actor_id ? -1 : x.actor_id > y.actor_id ? 1 : 0))
      expect(left).toEqual(expected)
    })

    it('keeps the grants when it refuses', async () => {
      const a = await account()
      await createEps(a, [ep(a, uuid(1), 'full')])
      await store.registerResource(resource(a, 'cdn', 'site-1', uuid(1)))
      const roleId = hex()
      await iam.roles.upsertSystemRole({
        id: roleId, domain_key: '', name: `eps_role_${roleId}`, display_name: '', description: '', description_cn: '',
        type: 'XA', catalog: 'BASE', flag: '', policy: '{"Version":"1.1","Statement":[]}', created_at: CREATED, updated_at: CREATED,
      })
      const user = (await iam.identity.createUser({ id: hex(), domain_id: a, name: 'u', password_hash: null, enabled: 1, created_at: CREATED, updated_at: CREATED })).id
      const g = { actorType: 'user', actorId: user, targetType: 'enterprise_project', targetId: uuid(1), roleId, inherited: false } as const
      await iam.roles.assignRole(g)
      await expect(store.deleteEnterpriseProject(a, uuid(1))).rejects.toThrow(EnterpriseProjectHoldsResourcesError)
      expect(await iam.roles.hasAssignment(g)).toBe(true)
    })
  })

  // ---------------------------------------------------------------- resources

  describe('registerResource and findResource', () => {
    it('registers a resource and finds it with its IAM project name', async () => {
      const a = await account()
      const projectId = await iamProject(a, 'eu-de')
      const regional = resource(a, 'ecs', 'vm-1', '0', { resource_name: 'web', project_id: projectId, region_id: 'eu-de', detail: '{"flavor":"s3"}' })
      const global = resource(a, 'cdn', 'site-1', '0')
      expect(await store.registerResource(regional)).toEqual(regional)
      expect(await store.registerResource(global)).toEqual(global)
      expect(await store.findResource(a, 'ecs', 'vm-1')).toEqual(withName(regional, 'eu-de'))
      expect(await store.findResource(a, 'cdn', 'site-1')).toEqual(withName(global, ''))
      expect(await store.findResource(a, 'disk', 'vm-1')).toBeUndefined()
      expect(await store.findResource(a, 'ecs', 'vm-2')).toBeUndefined()
    })

    it("names no project that belongs to another account", async () => {
      const a = await account()
      const b = await account()
      const foreign = await iamProject(b, 'eu-nl')
      const r = resource(a, 'ecs', 'vm-1', '0', { project_id: foreign })
      await store.registerResource(r)
      expect(await store.findResource(a, 'ecs', 'vm-1')).toEqual(withName(r, ''))
    })

    it('throws ConflictError for a resource registered already, keeping the first', async () => {
      const a = await account()
      const b = await account()
      await createEps(a, [ep(a, uuid(1), 'alpha')])
      const first = resource(a, 'ecs', 'vm-1', '0', { resource_name: 'first' })
      await store.registerResource(first)
      await expect(store.registerResource(resource(a, 'ecs', 'vm-1', uuid(1), { resource_name: 'second' }))).rejects.toThrow(ConflictError)
      expect(await store.findResource(a, 'ecs', 'vm-1')).toEqual(withName(first))
      // The key is (account, type, id).
      const sameIdOtherType = resource(a, 'disk', 'vm-1', '0')
      const sameIdOtherAccount = resource(b, 'ecs', 'vm-1', '0')
      expect(await store.registerResource(sameIdOtherType)).toEqual(sameIdOtherType)
      expect(await store.registerResource(sameIdOtherAccount)).toEqual(sameIdOtherAccount)
    })

    it('throws NotFoundError for an enterprise project the account does not have', async () => {
      const a = await account()
      const b = await account()
      await createEps(b, [ep(b, uuid(1), 'b-only')])
      const error = await store.registerResource(resource(a, 'ecs', 'vm-1', uuid(1))).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NotFoundError)
      expect((error as NotFoundError).details).toEqual({ target: 'enterprise project', id: uuid(1) })
      expect(await store.findResource(a, 'ecs', 'vm-1')).toBeUndefined()
    })

    it('keeps concurrent registrations independent: a failing one takes no other with it', async () => {
      const a = await account()
      const ok1 = resource(a, 'ecs', 'vm-1', '0')
      const ok2 = resource(a, 'ecs', 'vm-2', '0')
      const outcomes = await Promise.allSettled([
        store.registerResource(ok1), store.registerResource(resource(a, 'ecs', 'vm-3', uuid(9))), store.registerResource(ok2),
        store.registerResource({ ...ok1 }),
      ])
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError)
      expect(outcomes[2]).toEqual({ status: 'fulfilled', value: ok2 })
      // Which of the two registrations of vm-1 wins is the database's choice; exactly one does.
      const twins = [outcomes[0]!, outcomes[3]!]
      expect(twins.filter((o) => o.status === 'fulfilled')).toEqual([{ status: 'fulfilled', value: ok1 }])
      expect((twins.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError)
      expect(await store.listAllResources(a)).toEqual([withName(ok1), withName(ok2)])
    })
  })

  describe('listResources', () => {
    async function seeded() {
      const a = await account()
      const other = await account()
      await createEps(a, [ep(a, uuid(1), 'one'), ep(a, uuid(2), 'two')])
      const de = await iamProject(a, 'eu-de')
      const nl = await iamProject(a, 'eu-nl')
      const r = {
        vmDe: resource(a, 'ecs', 'vm-b', uuid(1), { resource_name: 'Web_Server', project_id: de, region_id: 'eu-de', created_at: at(1) }),
        vmNl: resource(a, 'ecs', 'vm-a', uuid(1), { resource_name: 'web%server', project_id: nl, region_id: 'eu-nl', created_at: at(1) }),
        disk: resource(a, 'disk', 'd-1', uuid(1), { resource_name: 'WEBXSERVER-data', project_id: de, region_id: 'eu-de', created_at: at(1), attached_to: 'vm-b' }),
        cdn: resource(a, 'cdn', 'site', uuid(1), { resource_name: 'cdn \\ edge', created_at: at(2) }),
        bucket: resource(a, 'bucket', 'logs', uuid(2), { resource_name: 'Logs', region_id: 'eu-de', created_at: at(0) }),
        eip: resource(a, 'eip', 'ip-1', uuid(2), { resource_name: 'ip', project_id: de, region_id: 'eu-de', created_at: at(3) }),
      }
      for (const row of Object.values(r)) await store.registerResource(row)
      await store.registerResource(resource(other, 'ecs', 'vm-x', '0', { resource_name: 'Web_Server' }))
      const n = {
        vmDe: withName(r.vmDe, 'eu-de'), vmNl: withName(r.vmNl, 'eu-nl'), disk: withName(r.disk, 'eu-de'), cdn: withName(r.cdn),
        bucket: withName(r.bucket), eip: withName(r.eip, 'eu-de'),
      }
      return { a, de, nl, n }
    }

    it('orders by creation, then type, then id; pages with a total', async () => {
      const { a, de, nl, n } = await seeded()
      const all = [n.bucket, n.disk, n.vmNl, n.vmDe, n.cdn, n.eip]
      const list = (offset: number, limit: number) => store.listResources(a, resourcesOf({ projectIds: [de, nl], offset, limit }))
      expect(await list(0, 100)).toEqual({ rows: all, total: 6 })
      expect(await list(0, 2)).toEqual({ rows: all.slice(0, 2), total: 6 })
      expect(await list(2, 2)).toEqual({ rows: all.slice(2, 4), total: 6 })
      expect(await list(4, 2)).toEqual({ rows: all.slice(4, 6), total: 6 })
      expect(await list(5, 5)).toEqual({ rows: all.slice(5), total: 6 })
      expect(await list(6, 5)).toEqual({ rows: [], total: 6 })
      expect(await list(0, 1)).toEqual({ rows: [n.bucket], total: 6 })
    })

    it('filters by enterprise project, type and IAM project; global resources match any projects', async () => {
      const { a, de, nl, n } = await seeded()
      const list = (f: Partial<ResourceFilter>) => store.listResources(a, resourcesOf(f))
      expect(await list({ enterpriseProjectId: uuid(1), projectIds: [de, nl] })).toEqual({ rows: [n.disk, n.vmNl, n.vmDe, n.cdn], total: 4 })
      expect(await list({ enterpriseProjectId: uuid(2), projectIds: [de] })).toEqual({ rows: [n.bucket, n.eip], total: 2 })
      expect(await list({ enterpriseProjectId: '0', projectIds: [de, nl] })).toEqual({ rows: [], total: 0 })
      expect(await list({ projectIds: [nl] })).toEqual({ rows: [n.bucket, n.vmNl, n.cdn], total: 3 })
      expect(await list({ projectIds: [] })).toEqual({ rows: [n.bucket, n.cdn], total: 2 })
      expect(await list({ projectIds: ['unknown'] })).toEqual({ rows: [n.bucket, n.cdn], total: 2 })
      expect(await list({ types: ['ecs'], projectIds: [de, nl] })).toEqual({ rows: [n.vmNl, n.vmDe], total: 2 })
      expect(await list({ types: ['ecs', 'eip'], projectIds: [de] })).toEqual({ rows: [n.vmDe, n.eip], total: 2 })
      expect(await list({ types: ['nat_gateways'], projectIds: [de, nl] })).toEqual({ rows: [], total: 0 })
      expect(await list({ types: [], projectIds: [de, nl] })).toEqual({ rows: [], total: 0 })
      expect(await list({ enterpriseProjectId: uuid(1), types: ['ecs', 'disk'], projectIds: [de, nl], offset: 1, limit: 1 })).toEqual({ rows: [n.vmNl], total: 3 })
    })

    it('matches a name substring in any case, with %, _ and \\ taken literally', async () => {
      const { a, de, nl, n } = await seeded()
      const names = (text: string) => store.listResources(a, resourcesOf({ projectIds: [de, nl], nameContains: text }))
      expect(await names('WEB')).toEqual({ rows: [n.disk, n.vmNl, n.vmDe], total: 3 })
      expect(await names('_')).toEqual({ rows: [n.vmDe], total: 1 })
      expect(await names('b_s')).toEqual({ rows: [n.vmDe], total: 1 })
      expect(await names('%')).toEqual({ rows: [n.vmNl], total: 1 })
      expect(await names('B%S')).toEqual({ rows: [n.vmNl], total: 1 })
      expect(await names('\\')).toEqual({ rows: [n.cdn], total: 1 })
      expect(await names(' \\ e')).toEqual({ rows: [n.cdn], total: 1 })
      expect(await names('logs')).toEqual({ rows: [n.bucket], total: 1 })
      expect(await names('web%server-')).toEqual({ rows: [], total: 0 })
      expect(await names('')).toEqual({ rows: [n.bucket, n.disk, n.vmNl, n.vmDe, n.cdn, n.eip], total: 6 })
      expect(await store.listResources(a, resourcesOf({ projectIds: [de], nameContains: 'server' }))).toEqual({ rows: [n.disk, n.vmDe], total: 2 })
    })

    it('takes every pattern character literally: * ? [ ] ^ - as well as % _ \\', async () => {
      const a = await account()
      const rows = ['a*b', 'axb', 'a?c', 'abc', 'x[1]', 'x1', '^]-', 'a%b', 'a_b', 'a\\b'].map((name, i) =>
        resource(a, 'cdn', `r-${String(i).padStart(2, '0')}`, '0', { resource_name: name }))
      for (const r of rows) await store.registerResource(r)
      const names = async (text: string) => (await store.listResources(a, resourcesOf({ nameContains: text }))).rows.map((r) => r.resource_name)
      expect(await names('*')).toEqual(['a*b'])
      expect(await names('A*B')).toEqual(['a*b'])
      expect(await names('?')).toEqual(['a?c'])
      expect(await names('a?C')).toEqual(['a?c'])
      expect(await names('[1]')).toEqual(['x[1]'])
      expect(await names('[')).toEqual(['x[1]'])
      expect(await names(']')).toEqual(['x[1]', '^]-'])
      expect(await names('^')).toEqual(['^]-'])
      expect(await names('^]-')).toEqual(['^]-'])
      expect(await names('X1')).toEqual(['x1'])
      expect(await names('%')).toEqual(['a%b'])
      expect(await names('_')).toEqual(['a_b'])
      expect(await names('\\')).toEqual(['a\\b'])
      expect(await names('B')).toEqual(['a*b', 'axb', 'abc', 'a%b', 'a_b', 'a\\b'])
    })

    it('finds non-ASCII names as written, folding only their ASCII letters', async () => {
      const a = await account()
      const r = resource(a, 'cdn', 'umlaut', '0', { resource_name: 'ÄRGER-Ösen' })
      await store.registerResource(r)
      const names = async (text: string) => (await store.listResources(a, resourcesOf({ nameContains: text }))).rows
      expect(await names('ÄRGER')).toEqual([withName(r)])
      expect(await names('Ärger-Ösen')).toEqual([withName(r)])
      expect(await names('rger-Ö')).toEqual([withName(r)])
      expect(await names('ärger')).toEqual([])
      expect(await names('-ösen')).toEqual([])
    })
  })

  describe('listAllResources, attachedResources and deleteResource', () => {
    it("lists every resource of the account, ordered by creation, type and id", async () => {
      const a = await account()
      const b = await account()
      const rows = [
        resource(a, 'ecs', 'b', '0', { created_at: at(2) }),
        resource(a, 'disk', 'z', '0', { created_at: at(2) }),
        resource(a, 'ecs', 'a', '0', { created_at: at(2) }),
        resource(a, 'cdn', 'c', '0', { created_at: at(1) }),
        resource(a, 'bucket', 'y', '0', { created_at: at(3) }),
      ]
      for (const r of rows) await store.registerResource(r)
      await store.registerResource(resource(b, 'ecs', 'a', '0'))
      expect(await store.listAllResources(a)).toEqual([rows[3], rows[1], rows[2], rows[0], rows[4]].map((r) => withName(r!)))
      expect(await store.listAllResources(await account())).toEqual([])
    })

    it('lists what is attached to a resource, by type then id, in the account only', async () => {
      const a = await account()
      const b = await account()
      const attached = [
        resource(a, 'eip', 'ip-2', '0', { attached_to: 'vm-1' }),
        resource(a, 'disk', 'd-9', '0', { attached_to: 'vm-1', created_at: at(9) }),
        resource(a, 'eip', 'ip-1', '0', { attached_to: 'vm-1' }),
        resource(a, 'disk', 'd-1', '0', { attached_to: 'vm-1', created_at: at(1) }),
      ]
      await store.registerResource(resource(a, 'ecs', 'vm-1', '0'))
      for (const r of attached) await store.registerResource(r)
      await store.registerResource(resource(a, 'disk', 'd-5', '0', { attached_to: 'vm-2' }))
      await store.registerResource(resource(b, 'disk', 'd-0', '0', { attached_to: 'vm-1' }))
      expect(await store.attachedResources(a, 'vm-1')).toEqual([attached[3], attached[1], attached[2], attached[0]])
      expect(await store.attachedResources(a, 'vm-3')).toEqual([])
      expect(await store.attachedResources(b, 'vm-1')).toEqual([resource(b, 'disk', 'd-0', '0', { attached_to: 'vm-1' })])
    })

    it('deletes one resource by account, type and id', async () => {
      const a = await account()
      const b = await account()
      const keep = resource(a, 'disk', 'x', '0')
      await store.registerResource(resource(a, 'ecs', 'x', '0'))
      await store.registerResource(keep)
      await store.registerResource(resource(b, 'ecs', 'x', '0'))
      await expect(store.deleteResource(a, 'ecs', 'y')).rejects.toThrow(NotFoundError)
      await expect(store.deleteResource(a, 'eip', 'x')).rejects.toThrow(NotFoundError)
      await store.deleteResource(a, 'ecs', 'x')
      await expect(store.deleteResource(a, 'ecs', 'x')).rejects.toThrow(NotFoundError)
      expect(await store.listAllResources(a)).toEqual([withName(keep)])
      expect(await store.findResource(b, 'ecs', 'x')).toEqual(withName(resource(b, 'ecs', 'x', '0')))
    })
  })

  // ---------------------------------------------------------------- moves

  describe('moveResources and listMigrationRecords', () => {
    let seq = 0
    const recordIds = () => () => `rec-${backend.name}-${String(++seq).padStart(6, '0')}`

    function moveOf(domainId: string, target: EnterpriseProjectRow, moving: MovingResource[], eventTime: string, ids = recordIds()): ResourceMove {
      return {
        domainId, toEnterpriseProjectId: target.id, moving,
        record: {
          domain_id: domainId, event_time: eventTime, user_id: 'user-1', user_name: 'alice',
          initiate_ep_id: moving[0]?.resource.enterprise_project_id ?? target.id, initiate_ep_name: moving[0]?.originName ?? target.name,
          target_ep_id: target.id, target_ep_name: target.name,
        },
        newRecordId: ids,
      }
    }

    function recordOf(move: ResourceMove, id: string, m: MovingResource): EpMigrationRecordRow {
      const r = m.resource
      return {
        ...move.record, id, origin_ep_id: r.enterprise_project_id, origin_ep_name: m.originName, resource_type: r.resource_type,
        resource_id: r.resource_id, resource_name: r.resource_name, project_id: r.project_id, project_name: r.project_name, region_id: r.region_id,
        associated: m.associated ? 1 : 0,
      }
    }

    /** Returns ids in the order the store asks for them. */
    function countingIds(prefix: string) {
      const issued: string[] = []
      return { issued, next: () => { const id = `${prefix}-${issued.length}`; issued.push(id); return id } }
    }

    async function seeded() {
      const a = await account()
      const src = ep(a, uuid(1), 'source')
      const dst = ep(a, uuid(2), 'target')
      const off = ep(a, uuid(3), 'off', { status: 2 })
      await createEps(a, [src, dst, off])
      const de = await iamProject(a, 'eu-de')
      const vm = resource(a, 'ecs', 'vm-1', src.id, { resource_name: 'web', project_id: de, region_id: 'eu-de' })
      const disk = resource(a, 'disk', 'd-1', src.id, { project_id: de, region_id: 'eu-de', attached_to: 'vm-1' })
      const cdn = resource(a, 'cdn', 'site', '0')
      for (const r of [vm, disk, cdn]) await store.registerResource(r)
      const found = async (type: string, id: string) => (await store.findResource(a, type, id))!
      return { a, src, dst, off, vm, disk, cdn, de, found }
    }

    it('moves every resource and writes one record each, in the order given', async () => {
      const { a, src, dst, vm, disk, cdn, found } = await seeded()
      const ids = countingIds(`mv-${backend.name}-${a}`)
      const moving: MovingResource[] = [
        { resource: await found('ecs', 'vm-1'), originName: 'source', associated: false },
        { resource: await found('disk', 'd-1'), originName: 'source', associated: true },
        { resource: await found('cdn', 'site'), originName: 'default', associated: false },
      ]
      const move = moveOf(a, dst, moving, at(30), ids.next)
      await store.moveResources(move)
      expect(await store.listAllResources(a)).toEqual([
        withName({ ...cdn, enterprise_project_id: dst.id, updated_at: at(30) }),
        withName({ ...disk, enterprise_project_id: dst.id, updated_at: at(30) }, 'eu-de'),
        withName({ ...vm, enterprise_project_id: dst.id, updated_at: at(30) }, 'eu-de'),
      ])
      expect(ids.issued).toHaveLength(3)
      expect(await recordsOf(a)).toEqual(moving.map((m, i) => recordOf(move, ids.issued[i]!, m)).reverse())
      // Resources can move on from where they arrived.
      const back = moveOf(a, src, [{ resource: await found('ecs', 'vm-1'), originName: 'target', associated: false }], at(31))
      await store.moveResources(back)
      expect((await store.findResource(a, 'ecs', 'vm-1'))!.enterprise_project_id).toBe(src.id)
      expect(await recordsOf(a)).toHaveLength(4)
    })

    it('accepts a move of nothing, writing nothing', async () => {
      const { a, dst } = await seeded()
      const before = await store.listAllResources(a)
      await store.moveResources(moveOf(a, dst, [], at(30)))
      expect(await store.listAllResources(a)).toEqual(before)
      expect(await recordsOf(a)).toEqual([])
    })

    it('refuses a missing target (NotFoundError) and a disabled one (MoveTargetDisabledError), writing nothing', async () => {
      const { a, off, found } = await seeded()
      const b = await account()
      await createEps(b, [ep(b, uuid(9), 'elsewhere')])
      const before = await store.listAllResources(a)
      const moving = [{ resource: await found('ecs', 'vm-1'), originName: 'source', associated: false }]
      await expect(store.moveResources(moveOf(a, ep(a, uuid(8), 'ghost'), moving, at(30)))).rejects.toThrow(NotFoundError)
      await expect(store.moveResources(moveOf(a, ep(b, uuid(9), 'elsewhere'), moving, at(30)))).rejects.toThrow(NotFoundError)
      await expect(store.moveResources(moveOf(a, off, moving, at(30)))).rejects.toThrow(MoveTargetDisabledError)
      expect(await store.listAllResources(a)).toEqual(before)
      expect(await recordsOf(a)).toEqual([])
    })

    it('rolls the whole move back when one resource moved meanwhile (ResourceMovedMeanwhileError)', async () => {
      const { a, src, dst, vm, disk, cdn, found } = await seeded()
      const extra = resource(a, 'ecs', 'vm-2', src.id, { created_at: at(5) })
      await store.registerResource(extra)
      const stale: MovingResource[] = [
        { resource: await found('ecs', 'vm-1'), originName: 'source', associated: false },
        { resource: await found('disk', 'd-1'), originName: 'source', associated: true },
        { resource: await found('ecs', 'vm-2'), originName: 'source', associated: false },
      ]
      // The disk goes to the default project between the read and the move.
      const meanwhile = moveOf(a, ep(a, '0', 'default'), [stale[1]!], at(20))
      await store.moveResources(meanwhile)
      const afterMeanwhile = await store.listAllResources(a)
      const recordsBefore = await recordsOf(a)
      expect(recordsBefore).toHaveLength(1)

      await expect(store.moveResources(moveOf(a, dst, stale, at(30)))).rejects.toThrow(ResourceMovedMeanwhileError)
      expect(await store.listAllResources(a)).toEqual(afterMeanwhile)
      expect(afterMeanwhile).toEqual([
        withName(cdn),
        withName({ ...disk, enterprise_project_id: '0', updated_at: at(20) }, 'eu-de'),
        withName(vm, 'eu-de'),
        withName(extra),
      ])
      expect(await recordsOf(a)).toEqual(recordsBefore)
    })

    it('undoes a refused move alone when other writes share its commit', async () => {
      const { a, dst, found } = await seeded()
      const stale = [
        { resource: await found('ecs', 'vm-1'), originName: 'source', associated: false },
        { resource: { ...(await found('cdn', 'site')), enterprise_project_id: uuid(1) }, originName: 'source', associated: false },
      ]
      const before = await store.listAllResources(a)
      const late = resource(a, 'eip', 'ip-9', '0', { created_at: at(59) })
      const [moved, registered] = await Promise.allSettled([store.moveResources(moveOf(a, dst, stale, at(40))), store.registerResource(late)])
      expect((moved as PromiseRejectedResult).reason).toBeInstanceOf(ResourceMovedMeanwhileError)
      expect(registered).toEqual({ status: 'fulfilled', value: late })
      expect(await store.listAllResources(a)).toEqual([...before, withName(late)])
      expect(await recordsOf(a)).toEqual([])
    })

    it('lets one of two racing moves of one resource win; the other changes nothing', async () => {
      const { a, src, dst, found } = await seeded()
      const third = ep(a, uuid(4), 'third')
      await createEps(a, [third])
      const read = await found('ecs', 'vm-1')
      const outcomes = await Promise.allSettled([
        store.moveResources(moveOf(a, dst, [{ resource: read, originName: 'source', associated: false }], at(41))),
        store.moveResources(moveOf(a, third, [{ resource: read, originName: 'source', associated: false }], at(42))),
      ])
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
      expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ResourceMovedMeanwhileError)
      const winner = outcomes[0].status === 'fulfilled' ? dst : third
      const now = (await store.findResource(a, 'ecs', 'vm-1'))!
      expect(now.enterprise_project_id).toBe(winner.id)
      const records = await recordsOf(a)
      expect(records).toHaveLength(1)
      expect(records[0]).toMatchObject({ resource_id: 'vm-1', origin_ep_id: src.id, target_ep_id: winner.id })
    })

    it('lists records newest first (ties by id, descending), filtered by time and resource, paged', async () => {
      const { a, dst, src, found } = await seeded()
      const b = await account()
      await createEps(b, [ep(b, uuid(2), 'b-target')])
      await store.registerResource(resource(b, 'ecs', 'vm-1', '0'))
      const fixedIds = (...ids: string[]) => { const queue = [...ids]; return () => queue.shift()! }
      const p = `${backend.name}-${a}`
      const m1 = moveOf(a, dst, [
        { resource: await found('ecs', 'vm-1'), originName: 'source', associated: false },
        { resource: await found('disk', 'd-1'), originName: 'source', associated: true },
      ], at(10), fixedIds(`${p}-b`, `${p}-a`))
      await store.moveResources(m1)
      const m2 = moveOf(a, src, [{ resource: await found('cdn', 'site'), originName: 'default', associated: false }], at(20), fixedIds(`${p}-c`))
      await store.moveResources(m2)
      const m3 = moveOf(a, src, [{ resource: await found('ecs', 'vm-1'), originName: 'target', associated: false }], at(20), fixedIds(`${p}-d`))
      await store.moveResources(m3)
      const mb = moveOf(b, ep(b, uuid(2), 'b-target'), [{ resource: (await store.findResource(b, 'ecs', 'vm-1'))!, originName: 'default', associated: false }], at(15), fixedIds(`${p}-z`))
      await store.moveResources(mb)

      const vm1 = m1.moving[0]!
      const d1 = m1.moving[1]!
      const r = {
        a: recordOf(m1, `${p}-a`, d1), b: recordOf(m1, `${p}-b`, vm1),
        c: recordOf(m2, `${p}-c`, m2.moving[0]!), d: recordOf(m3, `${p}-d`, m3.moving[0]!),
      }
      const list = (f: Partial<MigrationRecordFilter>) => store.listMigrationRecords(a, { offset: 0, limit: 100, ...f })
      expect(await list({})).toEqual([r.d, r.c, r.b, r.a])
      expect(await list({ offset: 1, limit: 2 })).toEqual([r.c, r.b])
      expect(await list({ offset: 3, limit: 2 })).toEqual([r.a])
      expect(await list({ offset: 4, limit: 2 })).toEqual([])
      expect(await list({ limit: 1 })).toEqual([r.d])
      expect(await list({ from: at(20) })).toEqual([r.d, r.c])
      expect(await list({ to: at(10) })).toEqual([r.b, r.a])
      expect(await list({ from: at(10), to: at(20) })).toEqual([r.d, r.c, r.b, r.a])
      expect(await list({ from: at(11), to: at(19) })).toEqual([])
      expect(await list({ resourceId: 'vm-1' })).toEqual([r.d, r.b])
      expect(await list({ resourceId: 'vm-1', from: at(11) })).toEqual([r.d])
      expect(await list({ resourceId: 'none' })).toEqual([])
      expect(await store.listMigrationRecords(b, { offset: 0, limit: 100 })).toEqual([recordOf(mb, `${p}-z`, mb.moving[0]!)])
    })
  })
})
