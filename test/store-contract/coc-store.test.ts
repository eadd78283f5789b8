/**
 * The CocStore contract, run unchanged against every backend: one favourites record per user and
 * account whose id never changes once allocated, saves that settle races in the database, and
 * reads that never reach another user's record. Each test works with users of its own.
 */
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CocFavouritesRow } from '../../src/db/schema.js'
import { NotFoundError } from '../../src/errors/app-error.js'
import { FavouritesIdMismatchError } from '../../src/errors/coc-codes.js'
import { SqlCocStore } from '../../src/services/coc/store-sql.js'
import type { SqlIamStores } from '../../src/services/iam/iam-stores-sql.js'
import { BACKENDS } from './backends.js'
import { useStore } from './iam-fixtures.js'

const hex = (bytes = 16) => randomBytes(bytes).toString('hex')
/** A record id as the service allocates them: 24 lowercase hex characters. */
const newId = () => hex(12)
const at = (second: number) => `2024-03-01T10:00:${String(second).padStart(2, '0')}.000000Z`
const CREATED = at(0)

describe.each(BACKENDS)('CocStore on $name', (backend) => {
  const opened = useStore(backend)
  let store: SqlCocStore
  let iam: SqlIamStores

  beforeAll(() => {
    store = new SqlCocStore(opened.db)
    iam = opened.store
  })

  async function account(): Promise<string> {
    const id = hex()
    await iam.projects.createDomain({ id, name: `acct-${id}`, description: '', enabled: 1, created_at: CREATED, updated_at: CREATED })
    return id
  }

  async function user(domainId: string): Promise<string> {
    const id = hex()
    await iam.identity.createUser({ id, domain_id: domainId, name: `user-${id}`, password_hash: null, enabled: 1, created_at: CREATED, updated_at: CREATED })
    return id
  }

  /** The stored rows of a user, to check what the interface does not show (one row, its times). */
  function rowsOf(domainId: string, userId: string): Promise<CocFavouritesRow[]> {
    return opened.db.kysely.selectFrom('coc_favourites').selectAll().where('domain_id', '=', domainId).where('user_id', '=', userId).execute()
  }

  const all = { limit: 100 }

  /** Two accounts; in the first, users `u` (whose record `id` holds `['a']`) and `v` (none yet). */
  async function recordOfOneOfTwo() {
    const d = await account()
    const other = await account()
    const u = await user(d)
    const v = await user(d)
    const id = newId()
    await store.saveFavourites(d, u, ['a'], id, at(1))
    return { d, other, u, v, id }
  }

  describe('saveFavourites', () => {
    it('creates the record with the new id and the list in the order given', async () => {
      const d = await account()
      const u = await user(d)
      const id = newId()
      expect(await store.saveFavourites(d, u, ['z', '0', 'a', 'z'], id, at(1))).toBe(id)
      expect(await store.listFavourites(d, u, all)).toEqual([{ id, userId: u, epIds: ['z', '0', 'a', 'z'] }])
      expect(await rowsOf(d, u)).toEqual([{ id, domain_id: d, user_id: u, ep_ids: '["z","0","a","z"]', created_at: at(1), updated_at: at(1) }])
    })

    it('replaces the list of an existing record, keeping its id and creation time', async () => {
      const d = await account()
      const u = await user(d)
      const first = newId()
      expect(await store.saveFavourites(d, u, ['a', 'b'], first, at(1))).toBe(first)
      expect(await store.saveFavourites(d, u, ['c'], newId(), at(2))).toBe(first)
      expect(await store.listFavourites(d, u, all)).toEqual([{ id: first, userId: u, epIds: ['c'] }])
      expect(await store.saveFavourites(d, u, [], newId(), at(3))).toBe(first)
      expect(await store.listFavourites(d, u, all)).toEqual([{ id: first, userId: u, epIds: [] }])
      expect(await rowsOf(d, u)).toEqual([{ id: first, domain_id: d, user_id: u, ep_ids: '[]', created_at: at(1), updated_at: at(3) }])
    })

    it('keeps one record per user and account', async () => {
      const d = await account()
      const u1 = await user(d)
      const u2 = await user(d)
      const id1 = newId()
      const id2 = newId()
      expect(await store.saveFavourites(d, u1, ['one'], id1, at(1))).toBe(id1)
      expect(await store.saveFavourites(d, u2, ['two'], id2, at(1))).toBe(id2)
      expect(await store.listFavourites(d, u1, all)).toEqual([{ id: id1, userId: u1, epIds: ['one'] }])
      expect(await store.listFavourites(d, u2, all)).toEqual([{ id: id2, userId: u2, epIds: ['two'] }])
    })

    it("throws NotFoundError('user') for a user that does not exist, or no longer does", async () => {
      const d = await account()
      const u = await user(d)
      const ghost = hex()
      const error = await store.saveFavourites(d, ghost, ['a'], newId(), at(1)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NotFoundError)
      expect((error as NotFoundError).details).toEqual({ target: 'user', id: ghost })
      expect(await rowsOf(d, ghost)).toEqual([])

      const id = newId()
      await store.saveFavourites(d, u, ['a'], id, at(1))
      expect(await iam.identity.deleteUser(d, u)).toBe(true)
      // The record went with its user.
      expect(await store.listFavourites(d, u, all)).toEqual([])
      expect(await rowsOf(d, u)).toEqual([])
      await expect(store.saveFavourites(d, u, ['b'], newId(), at(2))).rejects.toThrow(NotFoundError)
      await expect(store.updateFavourites(d, u, id, ['c'], at(3))).rejects.toThrow(FavouritesIdMismatchError)
    })

    it("throws NotFoundError('user') when the account does not exist", async () => {
      const d = await account()
      const u = await user(d)
      await expect(store.saveFavourites(hex(), u, ['a'], newId(), at(1))).rejects.toThrow(NotFoundError)
      expect(await store.listFavourites(d, u, all)).toEqual([])
    })

    it('settles 10 racing first saves by one user on one record and one of the lists sent', async () => {
      const d = await account()
      const u = await user(d)
      const ids = Array.from({ length: 10 }, () => newId())
      const lists = ids.map((_, i) => [`ep-${i}`, `ep-${i}-b`])
      const returned = await Promise.all(ids.map((id, i) => store.saveFavourites(d, u, lists[i]!, id, at(i + 1))))
      const winner = returned[0]!
      expect(ids).toContain(winner)
      expect(returned).toEqual(ids.map(() => winner))
      const records = await store.listFavourites(d, u, all)
      expect(records).toHaveLength(1)
      expect(records[0]!.id).toBe(winner)
      expect(lists).toContainEqual(records[0]!.epIds)
      expect(await rowsOf(d, u)).toHaveLength(1)

      // Later races, saves and guarded updates mixed, never change the id either.
      const again = await Promise.allSettled([
        ...Array.from({ length: 8 }, (_, i) => store.saveFavourites(d, u, [`again-${i}`], newId(), at(20 + i))),
        store.updateFavourites(d, u, winner, ['updated'], at(30)),
        store.updateFavourites(d, u, newId(), ['stale'], at(31)),
      ])
      expect(again.slice(0, 9)).toEqual([...Array.from({ length: 8 }, () => winner), undefined].map((value) => ({ status: 'fulfilled', value })))
      expect((again[9] as PromiseRejectedResult).reason).toBeInstanceOf(FavouritesIdMismatchError)
      const [after] = await store.listFavourites(d, u, all)
      expect(after!.id).toBe(winner)
      expect([...Array.from({ length: 8 }, (_, i) => [`again-${i}`]), ['updated']]).toContainEqual(after!.epIds)
      expect(await rowsOf(d, u)).toHaveLength(1)
    })

    it('keeps racing saves of different users apart', async () => {
      const d = await account()
      const users = await Promise.all(Array.from({ length: 6 }, () => user(d)))
      const ids = users.map(() => newId())
      expect(await Promise.all(users.map((u, i) => store.saveFavourites(d, u, [u], ids[i]!, at(1))))).toEqual(ids)
      for (const [i, u] of users.entries()) expect(await store.listFavourites(d, u, all)).toEqual([{ id: ids[i], userId: u, epIds: [u] }])
    })
  })

  describe('updateFavourites', () => {
    it('replaces the list only of the record with that id', async () => {
      const d = await account()
      const u = await user(d)
      const id = newId()
      await store.saveFavourites(d, u, ['a'], id, at(1))
      await store.updateFavourites(d, u, id, ['b', 'a'], at(2))
      expect(await store.listFavourites(d, u, all)).toEqual([{ id, userId: u, epIds: ['b', 'a'] }])
      expect(await rowsOf(d, u)).toEqual([{ id, domain_id: d, user_id: u, ep_ids: '["b","a"]', created_at: at(1), updated_at: at(2) }])
      await store.updateFavourites(d, u, id, [], at(3))
      expect(await store.listFavourites(d, u, all)).toEqual([{ id, userId: u, epIds: [] }])
    })

    it('throws FavouritesIdMismatchError and writes nothing for another id, another user, another account, or no record', async () => {
      const { d, other, u, v, id } = await recordOfOneOfTwo()
      const vId = newId()
      await store.saveFavourites(d, v, ['v'], vId, at(1))
      await expect(store.updateFavourites(d, u, newId(), ['x'], at(2))).rejects.toThrow(FavouritesIdMismatchError)
      await expect(store.updateFavourites(d, u, vId, ['x'], at(2))).rejects.toThrow(FavouritesIdMismatchError)
      await expect(store.updateFavourites(d, v, id, ['x'], at(2))).rejects.toThrow(FavouritesIdMismatchError)
      await expect(store.updateFavourites(other, u, id, ['x'], at(2))).rejects.toThrow(FavouritesIdMismatchError)
      const w = await user(d)
      await expect(store.updateFavourites(d, w, id, ['x'], at(2))).rejects.toThrow(FavouritesIdMismatchError)
      expect(await rowsOf(d, u)).toEqual([{ id, domain_id: d, user_id: u, ep_ids: '["a"]', created_at: at(1), updated_at: at(1) }])
      expect(await store.listFavourites(d, v, all)).toEqual([{ id: vId, userId: v, epIds: ['v'] }])
      expect(await rowsOf(d, w)).toEqual([])
    })
  })

  describe('findFavourites', () => {
    it("finds the user's own record in that account only, inside a transaction too", async () => {
      const d = await account()
      const other = await account()
      const u = await user(d)
      const v = await user(d)
      expect(await store.findFavourites(d, u)).toBeUndefined()
      const id = newId()
      await store.saveFavourites(d, u, ['b', 'a'], id, at(1))
      expect(await store.findFavourites(d, u)).toEqual({ id, userId: u, epIds: ['b', 'a'] })
      expect(await store.findFavourites(d, v)).toBeUndefined()
      expect(await store.findFavourites(other, u)).toBeUndefined()
      expect(await store.transaction((tx) => tx.findFavourites(d, u))).toEqual({ id, userId: u, epIds: ['b', 'a'] })
    })
  })

  describe('listFavourites', () => {
    it('is empty for a user with no record', async () => {
      const d = await account()
      expect(await store.listFavourites(d, await user(d), all)).toEqual([])
    })

    it('reads only the user’s own record in that account', async () => {
      const { d, other, u, v, id } = await recordOfOneOfTwo()
      expect(await store.listFavourites(d, v, all)).toEqual([])
      expect(await store.listFavourites(other, u, all)).toEqual([])
      expect(await store.listFavourites(other, u, { id, limit: 10 })).toEqual([])
      expect(await store.listFavourites(d, v, { id, limit: 10 })).toEqual([])
    })

    it('filters by id and by ids after a given one, and honours the limit', async () => {
      const d = await account()
      const u = await user(d)
      const id = '5'.repeat(24)
      await store.saveFavourites(d, u, ['a', 'b'], id, at(1))
      const record = { id, userId: u, epIds: ['a', 'b'] }
      expect(await store.listFavourites(d, u, { id, limit: 10 })).toEqual([record])
      expect(await store.listFavourites(d, u, { id: '6'.repeat(24), limit: 10 })).toEqual([])
      expect(await store.listFavourites(d, u, { afterId: '4'.repeat(24), limit: 10 })).toEqual([record])
      expect(await store.listFavourites(d, u, { afterId: `${'5'.repeat(23)}4`, limit: 10 })).toEqual([record])
      // Strictly after: the previous page's last id is not repeated.
      expect(await store.listFavourites(d, u, { afterId: id, limit: 10 })).toEqual([])
      expect(await store.listFavourites(d, u, { afterId: `${'5'.repeat(23)}6`, limit: 10 })).toEqual([])
      expect(await store.listFavourites(d, u, { afterId: 'f'.repeat(24), limit: 10 })).toEqual([])
      expect(await store.listFavourites(d, u, { afterId: '', limit: 10 })).toEqual([record])
      expect(await store.listFavourites(d, u, { afterId: '4'.repeat(24), id, limit: 10 })).toEqual([record])
      expect(await store.listFavourites(d, u, { afterId: id, id, limit: 10 })).toEqual([])
      expect(await store.listFavourites(d, u, { limit: 1 })).toEqual([record])
      expect(await store.listFavourites(d, u, { limit: 0 })).toEqual([])
    })
  })
})
