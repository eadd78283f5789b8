/**
 * Both COC favourites operations through the real, unmodified Huawei Cloud SDK core
 * (`@huaweicloud/huaweicloud-sdk-core`'s HcClient, spec aksk-and-sdk.md §9 recipe A), as the
 * generated COC clients call them: signed with an access key under GlobalCredentials and under
 * BasicCredentials with a project id, and with an X-Auth-Token. Errors arrive as the SDK's own
 * exceptions carrying COC's code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { tokenFor } from '../helpers/fixtures.js'
import { basicCredentials, globalCredentials, hcClient, type AccessKey } from '../helpers/huawei-sdk.js'

const PATH = '/v1/enterprise-project-collect'
const SEED_EP_IDS = ['0', 'a30b64a9-4b25-46b1-b063-ed477ee94069', 'fae3f65d-43b1-4ec6-bd0f-ba23c3d1df05', 'ba2d2a6a-6d15-464b-9ba3-278919a78e82']
const PASSWORD = 'User-Passw0rd!'

/* eslint-disable @typescript-eslint/no-explicit-any */
/** What the generated COC client sends for UpdateEnterpriseProjectCollect. */
const update = (hc: any, body: unknown, headers: Record<string, string> = {}) =>
  hc.sendRequest({ method: 'PUT', url: PATH, contentType: 'application/json;charset=UTF-8', queryParams: {}, pathParams: {}, headers: { ...headers }, data: body })
/** ...and for ListEnterpriseProjectCollect. */
const list = (hc: any, queryParams: Record<string, unknown>, headers: Record<string, string> = {}) =>
  hc.sendRequest({ method: 'GET', url: PATH, contentType: 'application/json', queryParams, pathParams: {}, headers: { ...headers } })
const failureOf = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected the SDK to throw') }, (e: any) => e)

describe('COC favourites through the Huawei SDK core (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let adminId: string
  let key: AccessKey
  let projectId: string

  /** A user with `role` on the account and a permanent access key of its own. */
  const userWithKey = async (name: string, role: string) => {
    const id = (await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password: PASSWORD } } })).body.user.id
    const roleId = (await call(`${s.url}/v3/roles?name=${role}`, { token: admin })).body.roles[0].id
    expect((await call(`${s.url}/v3/domains/${s.account.id}/users/${id}/roles/${roleId}`, { method: 'PUT', token: admin })).status).toBe(204)
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: id, description: 'coc sdk' } } })
    return { id, key: { access: created.body.credential.access, secret: created.body.credential.secret } as AccessKey }
  }

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
    adminId = (await call(`${s.url}/v3/users?name=admin`, { token: admin })).body.users[0].id
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: adminId, description: 'coc sdk' } } })
    expect(created.status, created.text).toBe(201)
    key = { access: created.body.credential.access, secret: created.body.credential.secret }
    projectId = (await call(`${s.url}/v3/projects?name=cn-north-4`, { token: admin })).body.projects[0].id
  })
  afterAll(() => s.close())

  it('GlobalCredentials: update with only ep_id_list creates the record, list returns it, the seed-shaped update keeps its id', async () => {
    const hc = hcClient(globalCredentials(key, s.account.id), s.url)
    expect(await list(hc, { limit: 100 })).toEqual({ data: [], httpStatusCode: 200 })
    const saved = await update(hc, { ep_id_list: ['0'] })
    expect(saved).toEqual({ data: expect.stringMatching(/^[0-9a-f]{24}$/), httpStatusCode: 200 })
    const id = saved.data
    expect(await update(hc, { id, user_id: adminId, ep_id_list: SEED_EP_IDS })).toEqual({ data: id, httpStatusCode: 200 })
    expect(await list(hc, { limit: 100 })).toEqual({ data: [{ id, user_id: adminId, ep_id_list: SEED_EP_IDS }], httpStatusCode: 200 })
    expect(await list(hc, { limit: 100, id })).toEqual({ data: [{ id, user_id: adminId, ep_id_list: SEED_EP_IDS }], httpStatusCode: 200 })
    expect(await list(hc, { limit: 100, marker: id })).toEqual({ data: [], httpStatusCode: 200 })
  })

  it('GlobalCredentials without a domain id (the SDK then sends no X-Domain-Id): the key alone names the account', async () => {
    const hc = hcClient(globalCredentials(key), s.url)
    const listed = await list(hc, { limit: 1 })
    expect(listed.data).toHaveLength(1)
    expect(listed.data[0].user_id).toBe(adminId)
  })

  it('BasicCredentials with a project id reach the same record', async () => {
    const hc = hcClient(basicCredentials(key, projectId), s.url)
    const before = await list(hc, { limit: 100 })
    expect(before.data).toHaveLength(1)
    const id = before.data[0].id
    expect(await update(hc, { ep_id_list: ['', SEED_EP_IDS[2], SEED_EP_IDS[2], '0'] })).toEqual({ data: id, httpStatusCode: 200 })
    expect(await list(hc, { limit: 500 })).toEqual({ data: [{ id, user_id: adminId, ep_id_list: [SEED_EP_IDS[2], '0'] }], httpStatusCode: 200 })
  })

  it('X-Auth-Token instead of a signature: domain- and project-scoped tokens', async () => {
    const hc = hcClient(undefined, s.url)
    const projectToken = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name, { project: { id: projectId } })
    for (const token of [admin, projectToken]) {
      const id = (await list(hc, { limit: 100 }, { 'X-Auth-Token': token })).data[0].id
      expect(await update(hc, { id, ep_id_list: [SEED_EP_IDS[1]] }, { 'X-Auth-Token': token })).toEqual({ data: id, httpStatusCode: 200 })
      expect(await list(hc, { limit: 100, id }, { 'X-Auth-Token': token })).toEqual({ data: [{ id, user_id: adminId, ep_id_list: [SEED_EP_IDS[1]] }], httpStatusCode: 200 })
    }
  })

  it('refusals surface as the SDK\'s ClientRequestException with COC\'s code, message and our request id', async () => {
    const hc = hcClient(globalCredentials(key, s.account.id), s.url)
    const badLimit = await failureOf(list(hc, { limit: 0 }))
    expect(badLimit.constructor.name).toBe('ClientRequestException')
    expect(badLimit).toMatchObject({
      httpStatusCode: 400, errorCode: 'COC.00010002', errorMsg: "Invalid parameter values. limit '0' is not an integer from 1 to 500.",
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
    })
    const badId = await failureOf(update(hc, { ep_id_list: ['0', 'not-an-ep'] }))
    expect(badId).toMatchObject({ httpStatusCode: 400, errorCode: 'COC.00010002', errorMsg: "Invalid parameter values. ep_id_list[1] 'not-an-ep' is not an enterprise project id: expected 0 or a UUID." })
    const badToken = await failureOf(list(hcClient(undefined, s.url), { limit: 1 }, { 'X-Auth-Token': 'nope' }))
    expect(badToken).toMatchObject({ httpStatusCode: 401, errorCode: 'common.01010001', errorMsg: 'Token missing or invalid.' })
    const wrongSecret = await failureOf(list(hcClient(globalCredentials({ access: key.access, secret: 'x'.repeat(40) }, s.account.id), s.url), { limit: 1 }))
    expect(wrongSecret).toMatchObject({ httpStatusCode: 401, errorCode: 'common.01010001' })
  })

  it('a Tenant Guest\'s key lists but may not update: 403 COC.00010003; its own list is separate', async () => {
    const guest = await userWithKey('coc-sdk-guest', 'readonly')
    const hc = hcClient(globalCredentials(guest.key, s.account.id), s.url)
    expect(await list(hc, { limit: 100 })).toEqual({ data: [], httpStatusCode: 200 })
    expect(await failureOf(update(hc, { ep_id_list: ['0'] }))).toMatchObject({ httpStatusCode: 403, errorCode: 'COC.00010003', errorMsg: 'Permission denied.' })
  })

  it('a COC FullAccess user\'s key keeps a record of its own', async () => {
    const user = await userWithKey('coc-sdk-user', 'coc_full_access')
    const hc = hcClient(basicCredentials(user.key, projectId), s.url)
    const id = (await update(hc, { user_id: user.id, ep_id_list: ['0'] })).data
    const adminRecord = (await list(hcClient(globalCredentials(key, s.account.id), s.url), { limit: 100 })).data[0]
    expect(id).not.toBe(adminRecord.id)
    expect(await list(hc, { limit: 100 })).toEqual({ data: [{ id, user_id: user.id, ep_id_list: ['0'] }], httpStatusCode: 200 })
  })
})
