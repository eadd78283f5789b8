/**
 * Keystone's region writes and project tags (issue 16), in the keystone flavour only: exact
 * statuses and bodies as Keystone 22 answers them. The clouds keep read-only regions and no tags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })

describe('regions (keystone)', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer({ flavour: 'keystone' }); token = await s.adminToken() })
  afterAll(() => s.close())
  const region = (id: string, extra: Record<string, unknown> = {}) => ({
    id, description: '', parent_region_id: null, links: { self: `${s.url}/v3/regions/${id}` }, ...extra,
  })

  it('creates with POST (id given or generated) and PUT, shows, lists by parent, keeps extra attributes', async () => {
    const made = await call(`${s.url}/v3/regions`, { method: 'POST', token, body: { region: { description: 'Parent', colour: 'blue' } } })
    expect(made.status).toBe(201)
    const parentId = made.body.region.id as string
    expect(parentId).toMatch(/^[0-9a-f]{32}$/)
    expect(made.body).toEqual({ region: { ...region(parentId), description: 'Parent', colour: 'blue' } })
    const child = await call(`${s.url}/v3/regions/child-1`, { method: 'PUT', token, body: { region: { parent_region_id: parentId } } })
    expect(child.status).toBe(201)
    expect(child.body).toEqual({ region: { ...region('child-1'), parent_region_id: parentId } })
    expect((await call(`${s.url}/v3/regions`, { method: 'POST', token, body: { region: { id: 'child-2', parent_region_id: parentId, description: null } } })).status).toBe(201)
    expect((await call(`${s.url}/v3/regions/child-1`, { token })).body).toEqual(child.body)
    const listed = await call(`${s.url}/v3/regions?parent_region_id=${parentId}`, { token })
    expect(listed.body.regions.map((r: { id: string }) => r.id)).toEqual(['child-1', 'child-2'])
    expect((await call(`${s.url}/v3/regions`, { token })).body.regions.map((r: { id: string }) => r.id)).toEqual(['RegionOne', 'child-1', 'child-2', parentId].sort())
  })

  it("refuses a taken id (409), a missing parent (404), PUT with another id (400), a bad body (400), no token (401)", async () => {
    expect(await call(`${s.url}/v3/regions`, { method: 'POST', token, body: { region: { id: 'RegionOne' } } })).toMatchObject({
      // Keystone's own double stop: its details end with one, its message format adds another.
      status: 409, body: error(409, 'Conflict', 'Conflict occurred attempting to store region - Duplicate ID, RegionOne..'),
    })
    expect(await call(`${s.url}/v3/regions/x1`, { method: 'PUT', token, body: { region: { parent_region_id: 'nowhere' } } })).toMatchObject({
      status: 404, body: error(404, 'Not Found', 'Could not find region: nowhere.'),
    })
    expect(await call(`${s.url}/v3/regions/x1`, { method: 'PUT', token, body: { region: { id: 'x2' } } })).toMatchObject({
      status: 400, body: error(400, 'Bad Request', 'Conflicting region IDs specified: "x1" != "x2"'),
    })
    expect((await call(`${s.url}/v3/regions`, { method: 'POST', token, body: { region: { description: 5 } } })).body).toEqual(
      error(400, 'Bad Request', "Invalid input for field 'region/description': 5 is not of type 'string'"),
    )
    expect((await call(`${s.url}/v3/regions`, { method: 'POST', body: { region: {} } })).status).toBe(401)
  })

  it('updates description and parent; refuses a circle (400), a missing parent or region (404), another id (400)', async () => {
    await call(`${s.url}/v3/regions/top`, { method: 'PUT', token, body: { region: {} } })
    await call(`${s.url}/v3/regions/mid`, { method: 'PUT', token, body: { region: { parent_region_id: 'top' } } })
    const patched = await call(`${s.url}/v3/regions/mid`, { method: 'PATCH', token, body: { region: { description: 'Middle', size: 3 } } })
    expect(patched).toMatchObject({ status: 200, body: { region: { ...region('mid'), description: 'Middle', parent_region_id: 'top', size: 3 } } })
    expect((await call(`${s.url}/v3/regions/top`, { method: 'PATCH', token, body: { region: { parent_region_id: 'mid' } } })).body).toEqual(
      error(400, 'Bad Request', 'The specified parent region mid would create a circular region hierarchy.'),
    )
    expect((await call(`${s.url}/v3/regions/top`, { method: 'PATCH', token, body: { region: { parent_region_id: 'top' } } })).status).toBe(400)
    expect((await call(`${s.url}/v3/regions/top`, { method: 'PATCH', token, body: { region: { parent_region_id: 'nowhere' } } })).body).toEqual(
      error(404, 'Not Found', 'Could not find region: nowhere.'),
    )
    expect((await call(`${s.url}/v3/regions/nowhere`, { method: 'PATCH', token, body: { region: { description: 'x' } } })).body).toEqual(
      error(404, 'Not Found', 'Could not find region: nowhere.'),
    )
    expect((await call(`${s.url}/v3/regions/top`, { method: 'PATCH', token, body: { region: { id: 'other' } } })).body).toEqual(error(400, 'Bad Request', 'Cannot change ID'))
    const unparented = await call(`${s.url}/v3/regions/mid`, { method: 'PATCH', token, body: { region: { parent_region_id: null, description: null } } })
    expect(unparented.body).toEqual({ region: { ...region('mid'), size: 3 } })
  })

  it('deletes a region with its child regions; refuses one with endpoints (the started regions) with 403', async () => {
    await call(`${s.url}/v3/regions/a`, { method: 'PUT', token, body: { region: {} } })
    await call(`${s.url}/v3/regions/a-1`, { method: 'PUT', token, body: { region: { parent_region_id: 'a' } } })
    await call(`${s.url}/v3/regions/a-1-1`, { method: 'PUT', token, body: { region: { parent_region_id: 'a-1' } } })
    const gone = await call(`${s.url}/v3/regions/a`, { method: 'DELETE', token })
    expect(gone.status).toBe(204)
    expect(gone.text).toBe('')
    for (const id of ['a', 'a-1', 'a-1-1']) expect((await call(`${s.url}/v3/regions/${id}`, { token })).status).toBe(404)
    expect((await call(`${s.url}/v3/regions/a`, { method: 'DELETE', token })).body).toEqual(error(404, 'Not Found', 'Could not find region: a.'))
    await call(`${s.url}/v3/regions/under-one`, { method: 'PUT', token, body: { region: { parent_region_id: 'RegionOne' } } })
    expect(await call(`${s.url}/v3/regions/RegionOne`, { method: 'DELETE', token })).toMatchObject({
      status: 403, body: error(403, 'Forbidden', 'Unable to delete region RegionOne because it or its child regions have associated endpoints.'),
    })
    expect((await call(`${s.url}/v3/regions/under-one`, { method: 'DELETE', token })).status).toBe(204)
  })

  it('lists endpoints only in the regions the server started with: a created region has none, in every catalog view', async () => {
    await call(`${s.url}/v3/regions/bare`, { method: 'PUT', token, body: { region: {} } })
    const endpoints = (await call(`${s.url}/v3/endpoints`, { token })).body.endpoints as Array<{ region_id: string }>
    expect(new Set(endpoints.map((e) => e.region_id))).toEqual(new Set(['RegionOne']))
    expect((await call(`${s.url}/v3/endpoints?region_id=bare`, { token })).body.endpoints).toEqual([])
    const catalog = (await call(`${s.url}/v3/auth/catalog`, { token })).body.catalog as Array<{ endpoints: Array<{ region_id: string }> }>
    expect(catalog.flatMap((c) => c.endpoints).every((e) => e.region_id === 'RegionOne')).toBe(true)
  })
})

describe('regions stay read-only on the clouds', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => { s = await startServer(); token = await s.adminToken() })
  afterAll(() => s.close())

  it('answers 405 to region writes and 404 to tag routes, as before', async () => {
    const post = await call(`${s.url}/v3/regions`, { method: 'POST', token, body: { region: {} } })
    expect(post.status).toBe(405)
    expect((await call(`${s.url}/v3/regions/cn-north-4`, { method: 'PATCH', token, body: { region: { description: 'x' } } })).status).toBe(405)
    expect((await call(`${s.url}/v3/regions/cn-north-4`, { method: 'DELETE', token })).status).toBe(405)
    expect((await call(`${s.url}/v3/projects/${s.account.id}/tags`, { token })).status).toBe(404)
  })
})

describe('project tags (keystone)', () => {
  let s: TestServer
  let token: string
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    token = await s.adminToken()
    for (const [name, tags] of [['t-red', ['red']], ['t-redblue', ['red', 'blue']], ['t-blue', ['blue']], ['t-none', []]] as const) {
      ids[name] = (await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name, tags } } })).body.project.id
    }
  })
  afterAll(() => s.close())
  const tagsUrl = (name: string, tag?: string) => `${s.url}/v3/projects/${ids[name]}/tags${tag === undefined ? '' : `/${tag}`}`

  it('lists, replaces (stripping each tag), checks, adds, removes one, and removes all', async () => {
    expect((await call(tagsUrl('t-redblue'), { token })).body).toEqual({ links: { self: tagsUrl('t-redblue') }, tags: ['red', 'blue'] })
    const replaced = await call(tagsUrl('t-none'), { method: 'PUT', token, body: { tags: [' one ', 'two'] } })
    expect(replaced).toMatchObject({ status: 200, body: { links: { self: tagsUrl('t-none') }, tags: ['one', 'two'] } })
    expect((await call(`${s.url}/v3/projects/${ids['t-none']}`, { token })).body.project.tags).toEqual(['one', 'two'])
    const checked = await call(tagsUrl('t-none', 'one'), { token })
    expect([checked.status, checked.text]).toEqual([204, ''])
    expect((await call(tagsUrl('t-none', 'three'), { token })).body).toEqual(error(404, 'Not Found', 'Could not find project tag: three.'))
    const added = await call(tagsUrl('t-none', 'three'), { method: 'PUT', token })
    expect([added.status, added.text, added.headers.get('location')]).toEqual([201, '', tagsUrl('t-none', 'three')])
    expect((await call(tagsUrl('t-none'), { token })).body.tags).toEqual(['one', 'two', 'three'])
    expect((await call(tagsUrl('t-none', 'one'), { method: 'DELETE', token })).status).toBe(204)
    expect((await call(tagsUrl('t-none', 'one'), { method: 'DELETE', token })).body).toEqual(error(404, 'Not Found', 'Could not find project tag: one.'))
    expect((await call(tagsUrl('t-none'), { method: 'DELETE', token })).status).toBe(204)
    expect((await call(tagsUrl('t-none'), { token })).body.tags).toEqual([])
    expect((await call(`${s.url}/v3/projects/${'0'.repeat(32)}/tags`, { token })).body).toEqual(error(404, 'Not Found', `Could not find project: ${'0'.repeat(32)}.`))
  })

  it("refuses Keystone's invalid tags with its texts: ',' or '/', over 255 characters, a repeat, an 81st", async () => {
    expect((await call(tagsUrl('t-blue', 'a,b'), { method: 'PUT', token })).body).toEqual(error(400, 'Bad Request', "'a,b' does not match '^[^,/]*$'"))
    expect((await call(tagsUrl('t-blue', 'x'.repeat(256)), { method: 'PUT', token })).body).toEqual(
      error(400, 'Bad Request', `'${'x'.repeat(80)}...' is too long (at most 255 characters)`),
    )
    expect((await call(tagsUrl('t-blue', 'blue'), { method: 'PUT', token })).body).toEqual(error(400, 'Bad Request', '["blue","blue"] has non-unique elements'))
    expect((await call(tagsUrl('t-blue'), { method: 'PUT', token, body: { tags: ['a/b'] } })).body).toEqual(
      error(400, 'Bad Request', "Invalid input for field 'tags/0': 'a/b' does not match '^[^,/]*$'"),
    )
    expect((await call(tagsUrl('t-blue'), { method: 'PUT', token, body: { tags: ['a', 'a'] } })).body).toEqual(
      error(400, 'Bad Request', "Invalid input for field 'tags': [\"a\",\"a\"] has non-unique elements"),
    )
    const eighty = Array.from({ length: 80 }, (_, i) => `t${i}`)
    expect((await call(tagsUrl('t-blue'), { method: 'PUT', token, body: { tags: [...eighty, 'x'] } })).status).toBe(400)
    expect((await call(tagsUrl('t-blue'), { method: 'PUT', token, body: { tags: eighty } })).status).toBe(200)
    expect((await call(tagsUrl('t-blue', 'x'), { method: 'PUT', token })).status).toBe(400)
    expect((await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'bad-tags', tags: ['a,b'] } } })).body).toEqual(
      error(400, 'Bad Request', "Invalid input for field 'project/tags/0': 'a,b' does not match '^[^,/]*$'"),
    )
    await call(tagsUrl('t-blue'), { method: 'PUT', token, body: { tags: ['blue'] } })
  })

  it('filters the project list with tags, tags-any, not-tags and not-tags-any', async () => {
    const names = async (query: string) => ((await call(`${s.url}/v3/projects?${query}`, { token })).body.projects as Array<{ name: string }>)
      .map((p) => p.name).filter((n) => n.startsWith('t-')).sort()
    expect(await names('tags=red')).toEqual(['t-red', 't-redblue'])
    expect(await names('tags=red,blue')).toEqual(['t-redblue'])
    expect(await names('tags-any=red,blue')).toEqual(['t-blue', 't-red', 't-redblue'])
    expect(await names('not-tags=red,blue')).toEqual(['t-blue', 't-none', 't-red'])
    expect(await names('not-tags-any=red,blue')).toEqual(['t-none'])
    expect(await names('tags=blue&not-tags-any=red')).toEqual(['t-blue'])
  })
})
