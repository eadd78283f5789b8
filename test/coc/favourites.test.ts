/**
 * COC enterprise-project favourites over HTTP (`PUT`/`GET /v1/enterprise-project-collect`): the
 * seed example, the terraform provider's flow (save with only `ep_id_list`, read `data[0]`, clear
 * with `[""]`), every refusal with its exact body, who may call what, isolation between users and
 * accounts, paging, a deleted user, concurrent saves, and the routes' absence on OTC.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'

const PASSWORD = 'User-Passw0rd!'
const PATH = '/v1/enterprise-project-collect'
const SEED_EP_IDS = ['0', 'a30b64a9-4b25-46b1-b063-ed477ee94069', 'fae3f65d-43b1-4ec6-bd0f-ba23c3d1df05', 'ba2d2a6a-6d15-464b-9ba3-278919a78e82']
const RECORD_ID = /^[0-9a-f]{24}$/
const invalid = (reason: string) => ({ error_code: 'COC.00010002', error_msg: `Invalid parameter values. ${reason}` })
const UNAUTHORIZED = { error_code: 'common.01010001', error_msg: 'Token missing or invalid.' }
const FORBIDDEN = { error_code: 'COC.00010003', error_msg: 'Permission denied.' }
const NOT_FOUND = { error_code: 'COC.00010004', error_msg: 'Resource not found.' }

interface Persona { id: string; token: string }

describe('COC favourites (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let counter = 0
  const roleIds = new Map<string, string>()

  const put = (token: string | undefined, body: unknown, headers?: Record<string, string>) =>
    call(`${s.url}${PATH}`, { method: 'PUT', token, body, headers })
  const get = (token: string | undefined, query = 'limit=100') => call(`${s.url}${PATH}${query ? `?${query}` : ''}`, { token })
  /** A new user of the account holding `role` on it (no role when null), with a domain-scoped token. */
  const persona = async (role: string | null = 'coc_full_access'): Promise<Persona> => {
    const name = `coc-user-${++counter}`
    const created = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password: PASSWORD } } })
    expect(created.status, created.text).toBe(201)
    const id = created.body.user.id as string
    if (role) {
      if (!roleIds.has(role)) roleIds.set(role, (await call(`${s.url}/v3/roles?name=${role}`, { token: admin })).body.roles[0].id)
      const granted = await call(`${s.url}/v3/domains/${s.account.id}/users/${id}/roles/${roleIds.get(role)}`, { method: 'PUT', token: admin })
      expect(granted.status, granted.text).toBe(204)
    }
    return { id, token: await tokenFor(s, name, PASSWORD, s.account.name) }
  }
  /** Saves a list with only `ep_id_list`, as terraform does, and returns the record id. */
  const save = async (p: Persona, epIds: string[]) => {
    const res = await put(p.token, { ep_id_list: epIds })
    expect(res.status, res.text).toBe(200)
    return res.body.data as string
  }

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
  })
  afterAll(() => s.close())

  describe('the seed and the terraform flow', () => {
    it('the seed example: PUT with the caller\'s record id and user id answers {"data": <that id>} and the list reads back in order', async () => {
      const p = await persona()
      const id = await save(p, ['0'])
      const res = await put(p.token, { id, user_id: p.id, ep_id_list: SEED_EP_IDS }, { 'content-type': 'application/json;charset=UTF-8' })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
      expect(res.text).toBe(`{"data":"${id}"}`)
      const listed = await get(p.token)
      expect(listed.status).toBe(200)
      expect(listed.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(listed.text).toBe(JSON.stringify({ data: [{ id, user_id: p.id, ep_id_list: SEED_EP_IDS }] }))
    })

    it('the seed body sent as printed (someone else\'s id and user id) is refused', async () => {
      const p = await persona()
      const res = await put(p.token, { id: '67f377fb82f8e23d90f75574', user_id: '653989085ba7487184d7cf219b8aa51e', ep_id_list: SEED_EP_IDS })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(invalid("user_id '653989085ba7487184d7cf219b8aa51e' is not the id of the calling user."))
    })

    it('terraform: PUT with only ep_id_list creates the record, GET ?limit=100 has it at data[0], a second PUT keeps the id', async () => {
      const p = await persona()
      expect((await get(p.token)).body).toEqual({ data: [] })
      const id = await save(p, ['0', SEED_EP_IDS[1]!])
      expect(id).toMatch(RECORD_ID)
      expect((await get(p.token)).body).toEqual({ data: [{ id, user_id: p.id, ep_id_list: ['0', SEED_EP_IDS[1]] }] })
      expect(await save(p, [SEED_EP_IDS[2]!])).toBe(id)
      expect((await get(p.token)).body.data[0]).toEqual({ id, user_id: p.id, ep_id_list: [SEED_EP_IDS[2]] })
    })

    it('terraform\'s delete, [""], clears the list; the record and its id stay', async () => {
      const p = await persona()
      const id = await save(p, SEED_EP_IDS)
      expect(await save(p, [''])).toBe(id)
      expect((await get(p.token)).body).toEqual({ data: [{ id, user_id: p.id, ep_id_list: [] }] })
      expect(await save(p, [])).toBe(id)
      expect(await save(p, ['0'])).toBe(id)
      expect((await get(p.token)).body.data[0].ep_id_list).toEqual(['0'])
    })

    it('id and user_id given as "" or null count as not given', async () => {
      const p = await persona()
      const id = (await put(p.token, { id: '', user_id: '', ep_id_list: ['0'] })).body.data
      expect(id).toMatch(RECORD_ID)
      expect((await put(p.token, { id: null, user_id: null, ep_id_list: [SEED_EP_IDS[3]] })).body).toEqual({ data: id })
      expect((await get(p.token)).body.data[0].ep_id_list).toEqual([SEED_EP_IDS[3]])
    })

    it('drops empty strings and duplicates, keeping the first occurrence\'s order; upper-case UUIDs are stored lower-case', async () => {
      const p = await persona()
      const [a, b, c] = SEED_EP_IDS.slice(1) as [string, string, string]
      await save(p, [b, '', '0', a, b, '0', '', a.toUpperCase(), c])
      expect((await get(p.token)).body.data[0].ep_id_list).toEqual([b, '0', a, c])
    })

    it('ids need not name an existing enterprise project: the form is checked, not EPS', async () => {
      const p = await persona()
      const unknown = randomUUID()
      await save(p, [unknown])
      expect((await get(p.token)).body.data[0].ep_id_list).toEqual([unknown])
    })
  })

  describe('refusals', () => {
    let p: Persona
    let id: string
    beforeAll(async () => {
      p = await persona()
      id = await save(p, ['0'])
    })
    /** After each refusal the stored list is what it was. */
    const unchanged = async () => expect((await get(p.token)).body).toEqual({ data: [{ id, user_id: p.id, ep_id_list: ['0'] }] })

    it.each([
      ['no ep_id_list', {}, 'ep_id_list is mandatory.'],
      ['ep_id_list not an array', { ep_id_list: '0' }, 'ep_id_list must be an array.'],
      ['ep_id_list null', { ep_id_list: null }, 'ep_id_list must be an array.'],
      ['an element not a string', { ep_id_list: ['0', 7] }, 'ep_id_list[1] must be a string.'],
      ['an unknown field', { ep_id_list: ['0'], name: 'x' }, "Unknown field 'name'."],
      ['id not a string', { ep_id_list: ['0'], id: 5 }, 'id must be a string.'],
      ['user_id not a string', { ep_id_list: ['0'], user_id: ['x'] }, 'user_id must be a string.'],
      ['a body that is an array', [{ ep_id_list: ['0'] }], 'The request body must be a JSON object.'],
      ['a body that is a string', '"0"', 'The request body must be a JSON object.'],
      ['an element that is no enterprise project id', { ep_id_list: ['0', 'my-project'] }, "ep_id_list[1] 'my-project' is not an enterprise project id: expected 0 or a UUID."],
      ['a UUID without dashes', { ep_id_list: ['a30b64a94b2546b1b063ed477ee94069'] }, "ep_id_list[0] 'a30b64a94b2546b1b063ed477ee94069' is not an enterprise project id: expected 0 or a UUID."],
      ['a blank element', { ep_id_list: [' '] }, "ep_id_list[0] ' ' is not an enterprise project id: expected 0 or a UUID."],
      ['a very long element, quoted short', { ep_id_list: ['x'.repeat(100)] }, `ep_id_list[0] '${'x'.repeat(64)}...' is not an enterprise project id: expected 0 or a UUID.`],
      ['more than 1000 ids', { ep_id_list: Array.from({ length: 1001 }, () => randomUUID()) }, 'ep_id_list holds 1001 enterprise project ids; at most 1000 are allowed.'],
      ['malformed JSON', '{"ep_id_list": [', 'Expecting to find valid JSON in request body.'],
    ])('PUT with %s: 400', async (_, body, reason) => {
      const res = await put(p.token, body)
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(res.body).toEqual(invalid(reason))
      await unchanged()
    })

    it('1000 distinct ids are accepted (duplicates and empty strings do not count)', async () => {
      const q = await persona()
      const ids = Array.from({ length: 1000 }, () => randomUUID())
      await save(q, [...ids, '', ids[0]!])
      expect((await get(q.token)).body.data[0].ep_id_list).toEqual(ids)
    })

    it('PUT with a body that is not JSON: 400', async () => {
      const res = await put(p.token, 'ep_id_list=0', { 'content-type': 'text/plain' })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(invalid('Expecting to find application/json in Content-Type header.'))
      await unchanged()
    })

    it('PUT with an id that is not the caller\'s record (unknown, another user\'s): 400', async () => {
      const other = await persona()
      const othersId = await save(other, ['0'])
      for (const wrong of ['67f377fb82f8e23d90f75574', othersId, id.toUpperCase()]) {
        const res = await put(p.token, { id: wrong, ep_id_list: SEED_EP_IDS })
        expect(res.status).toBe(400)
        expect(res.body).toEqual(invalid(`id '${wrong}' is not the id of the caller's favourites record.`))
      }
      await unchanged()
      expect((await get(other.token)).body.data[0].ep_id_list).toEqual(['0'])
    })

    it('PUT with an id by a user who has no record yet: 400, and no record is made', async () => {
      const q = await persona()
      const res = await put(q.token, { id, ep_id_list: ['0'] })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(invalid(`id '${id}' is not the id of the caller's favourites record.`))
      expect((await get(q.token)).body).toEqual({ data: [] })
    })

    it('PUT with another user\'s user_id: 400, even with the caller\'s record id', async () => {
      const other = await persona()
      const res = await put(p.token, { id, user_id: other.id, ep_id_list: SEED_EP_IDS })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(invalid(`user_id '${other.id}' is not the id of the calling user.`))
      await unchanged()
    })

    it.each([
      ['', 'limit is mandatory.'],
      ['marker=abc', 'limit is mandatory.'],
      ['limit=0', "limit '0' is not an integer from 1 to 500."],
      ['limit=501', "limit '501' is not an integer from 1 to 500."],
      ['limit=-1', "limit '-1' is not an integer from 1 to 500."],
      ['limit=1.5', "limit '1.5' is not an integer from 1 to 500."],
      ['limit=ten', "limit 'ten' is not an integer from 1 to 500."],
      ['limit=', "limit '' is not an integer from 1 to 500."],
      ['limit=99999999999999999999', "limit '99999999999999999999' is not an integer from 1 to 500."],
      ['limit=1&limit=2', 'limit must be given once.'],
      ['limit=1&marker=a&marker=b', 'marker must be given once.'],
    ])('GET ?%s: 400', async (query, reason) => {
      const res = await get(p.token, query)
      expect(res.status).toBe(400)
      expect(res.body).toEqual(invalid(reason))
    })

    it('GET accepts limit 1 and 500 (and leading zeros); unknown query parameters are ignored', async () => {
      for (const query of ['limit=1', 'limit=500', 'limit=007', 'limit=10&offset=3']) {
        const res = await get(p.token, query)
        expect(res.status, query).toBe(200)
        expect(res.body).toEqual({ data: [{ id, user_id: p.id, ep_id_list: ['0'] }] })
      }
    })

    it('another method on the path: 405 with Allow (HEAD comes with GET)', async () => {
      const res = await call(`${s.url}${PATH}`, { method: 'POST', token: p.token, body: { ep_id_list: ['0'] } })
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toBe('PUT, GET, HEAD')
      expect(res.body).toEqual(invalid('The method is not allowed for the requested URL.'))
    })
  })

  describe('who may call', () => {
    it('401 without a token and with a bad one, on both calls, before the body is looked at', async () => {
      for (const token of [undefined, 'not-a-token']) {
        for (const res of [await put(token, { ep_id_list: ['0'] }), await put(token, '{bad json'), await get(token), await get(token, '')]) {
          expect(res.status).toBe(401)
          expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
          expect(res.body).toEqual(UNAUTHORIZED)
        }
      }
    })

    it('readonly (Tenant Guest) may list but not update: 403 on PUT', async () => {
      const p = await persona('readonly')
      const res = await put(p.token, { ep_id_list: ['0'] })
      expect(res.status).toBe(403)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(res.body).toEqual(FORBIDDEN)
      const listed = await get(p.token)
      expect(listed.status).toBe(200)
      expect(listed.body).toEqual({ data: [] })
    })

    it('COC ReadOnlyAccess likewise; a user with no role gets 403 on both', async () => {
      const reader = await persona('coc_read_only_access')
      expect((await put(reader.token, { ep_id_list: ['0'] })).body).toEqual(FORBIDDEN)
      expect((await get(reader.token)).status).toBe(200)
      const none = await persona(null)
      for (const res of [await put(none.token, { ep_id_list: ['0'] }), await get(none.token)]) {
        expect(res.status).toBe(403)
        expect(res.body).toEqual(FORBIDDEN)
      }
    })

    it('an unscoped token (no account) is refused: 403, as it holds no roles', async () => {
      const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
        method: 'POST',
        body: { auth: { identity: { methods: ['password'], password: { user: { name: s.adminUser, password: s.adminPassword, domain: { id: s.account.id } } } }, scope: 'unscoped' } },
      })
      expect(res.status).toBe(201)
      const unscoped = res.headers.get('x-subject-token')!
      for (const answer of [await put(unscoped, { ep_id_list: ['0'] }), await get(unscoped)]) {
        expect(answer.status).toBe(403)
        expect(answer.body).toEqual(FORBIDDEN)
      }
    })

    it('a project-scoped token works and reaches the same record as the domain-scoped one', async () => {
      const projectToken = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name, { project: { name: 'cn-north-4', domain: { name: s.account.name } } })
      const adminId = (await call(`${s.url}/v3/users?name=${s.adminUser}`, { token: admin })).body.users[0].id
      const res = await put(projectToken, { ep_id_list: ['0', SEED_EP_IDS[1]] })
      expect(res.status, res.text).toBe(200)
      const id = res.body.data
      expect((await get(admin)).body).toEqual({ data: [{ id, user_id: adminId, ep_id_list: ['0', SEED_EP_IDS[1]] }] })
      expect(await put(admin, { id, user_id: adminId, ep_id_list: ['0'] })).toMatchObject({ status: 200, body: { data: id } })
      expect((await get(projectToken)).body).toEqual({ data: [{ id, user_id: adminId, ep_id_list: ['0'] }] })
    })
  })

  describe('isolation, paging and lifetime', () => {
    it('two users of one account have separate records', async () => {
      const [a, b] = [await persona(), await persona()]
      const idA = await save(a, [SEED_EP_IDS[1]!])
      const idB = await save(b, [SEED_EP_IDS[2]!])
      expect(idA).not.toBe(idB)
      expect((await get(a.token)).body).toEqual({ data: [{ id: idA, user_id: a.id, ep_id_list: [SEED_EP_IDS[1]] }] })
      expect((await get(b.token)).body).toEqual({ data: [{ id: idB, user_id: b.id, ep_id_list: [SEED_EP_IDS[2]] }] })
      expect((await get(a.token, `limit=10&id=${idB}`)).body).toEqual({ data: [] })
    })

    it('another account\'s administrator never sees them, not even by id, and cannot write them', async () => {
      const p = await persona()
      const id = await save(p, ['0'])
      const other = await createAccount(s, 'coc-other', PASSWORD)
      const stranger = await tokenFor(s, 'admin', PASSWORD, other.name)
      expect((await get(stranger)).body).toEqual({ data: [] })
      expect((await get(stranger, `limit=10&id=${id}`)).body).toEqual({ data: [] })
      expect((await put(stranger, { id, ep_id_list: SEED_EP_IDS })).body).toEqual(invalid(`id '${id}' is not the id of the caller's favourites record.`))
      expect((await put(stranger, { ep_id_list: [SEED_EP_IDS[3]] })).body.data).not.toBe(id)
      expect((await get(p.token)).body.data[0]).toEqual({ id, user_id: p.id, ep_id_list: ['0'] })
    })

    it('marker: records after the given id only, so the next page after the last record is empty', async () => {
      const p = await persona()
      const id = await save(p, ['0'])
      const record = { id, user_id: p.id, ep_id_list: ['0'] }
      expect((await get(p.token, 'limit=1')).body).toEqual({ data: [record] })
      expect((await get(p.token, `limit=1&marker=${id}`)).body).toEqual({ data: [] })
      expect((await get(p.token, `limit=1&marker=${'0'.repeat(23)}`)).body).toEqual({ data: [record] })
      expect((await get(p.token, `limit=1&marker=${'f'.repeat(24)}`)).body).toEqual({ data: [] })
      expect((await get(p.token, 'limit=1&marker=')).body).toEqual({ data: [record] })
    })

    it('id filters by record id; an empty id does not filter', async () => {
      const p = await persona()
      const id = await save(p, ['0'])
      const record = { id, user_id: p.id, ep_id_list: ['0'] }
      expect((await get(p.token, `limit=10&id=${id}`)).body).toEqual({ data: [record] })
      expect((await get(p.token, 'limit=10&id=67f377fb82f8e23d90f75574')).body).toEqual({ data: [] })
      expect((await get(p.token, 'limit=10&id=')).body).toEqual({ data: [record] })
      expect((await get(p.token, `limit=10&id=${id}&marker=${id}`)).body).toEqual({ data: [] })
    })

    it('deleting the IAM user deletes its record; other users keep theirs', async () => {
      const [gone, stays] = [await persona(), await persona()]
      await save(gone, SEED_EP_IDS)
      const kept = await save(stays, ['0'])
      const rows = () => s.server.db.kysely.selectFrom('coc_favourites').select(['id', 'user_id']).where('user_id', 'in', [gone.id, stays.id]).execute()
      expect(await rows()).toHaveLength(2)
      const deleted = await call(`${s.url}/v3/users/${gone.id}`, { method: 'DELETE', token: admin })
      expect(deleted.status).toBe(204)
      expect(await rows()).toEqual([{ id: kept, user_id: stays.id }])
      expect((await get(gone.token)).status).toBe(401)
      expect((await get(stays.token)).body.data[0].id).toBe(kept)
    })

    it('50 concurrent PUTs by one user with 50 lists: all 200 with one id, and the list is exactly one of them', async () => {
      const p = await persona()
      const lists = Array.from({ length: 50 }, (_, i) => [randomUUID(), ...(i % 2 ? ['0'] : []), randomUUID()])
      const answers = await Promise.all(lists.map((list) => put(p.token, { ep_id_list: list })))
      expect(answers.map((a) => a.status)).toEqual(lists.map(() => 200))
      const ids = new Set(answers.map((a) => a.body.data))
      expect(ids.size).toBe(1)
      const [id] = [...ids]
      expect(id).toMatch(RECORD_ID)
      const listed = await get(p.token)
      expect(listed.body.data).toHaveLength(1)
      expect(listed.body.data[0].id).toBe(id)
      expect(lists).toContainEqual(listed.body.data[0].ep_id_list)
    })
  })
})

describe('COC favourites on opentelekomcloud', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'opentelekomcloud' }) })
  afterAll(() => s.close())

  it('the routes do not exist: 404 as any unknown path of the server, in IAM\'s format, with or without a token', async () => {
    const token = await s.adminToken()
    const unknown = await call(`${s.url}/v3/no-such-path`, { token })
    expect(unknown.status).toBe(404)
    for (const res of [
      await call(`${s.url}${PATH}`, { method: 'PUT', token, body: { ep_id_list: ['0'] } }),
      await call(`${s.url}${PATH}?limit=100`, { token }),
      await call(`${s.url}${PATH}?limit=100`),
    ]) {
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(res.body).toEqual(unknown.body)
      expect(res.body).not.toEqual(NOT_FOUND)
    }
  })
})
