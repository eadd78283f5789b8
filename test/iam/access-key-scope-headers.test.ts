/**
 * Signed requests whose scope headers are present but empty (issue 19, finding 5): refused every
 * time, whatever the same key did before. The answer once depended on the caller cache, which
 * filed `X-Project-Id: ''` under the same key as no header at all. Also: a signed GET whose body
 * is over the limit gets its 413, not a reset connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { signRequest, type AccessKey } from '../helpers/huawei-sdk.js'
import { nodeRequest } from '../helpers/raw-http.js'

const PREFIX = 'Incorrect IAM authentication information: '
const unauthorized = (message: string) => ({ error: { code: 401, title: 'Unauthorized', message: PREFIX + message } })

describe('access-key scope headers (huaweicloud)', () => {
  let s: TestServer
  let key: AccessKey

  const signed = async (headers: Record<string, string> = {}) => {
    const { url, init } = signRequest({ endpoint: s.url, method: 'GET', path: '/v3/projects', key, headers })
    const res = await fetch(url, init)
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }

  beforeAll(async () => {
    s = await startServer()
    const token = await s.adminToken()
    const adminId = (await call(`${s.url}/v3/users?name=admin`, { token })).body.users[0].id
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: adminId } } })
    key = { access: created.body.credential.access, secret: created.body.credential.secret }
  })
  afterAll(() => s.close())

  for (const header of ['X-Project-Id', 'X-Domain-Id']) {
    it(`${header}: '' is refused before, after and between requests without it`, async () => {
      const empty = { [header]: '' }
      const refusal = unauthorized(`the ${header} header is empty: send the id, or leave the header out`)
      expect(await signed(empty)).toEqual({ status: 401, body: refusal })
      expect((await signed()).status).toBe(200)
      // Within the caller cache's second: the answer must not come from the header-less entry.
      expect(await signed(empty)).toEqual({ status: 401, body: refusal })
      expect((await signed()).status).toBe(200)
    })
  }

  it('the real ids are still accepted, and told apart from each other in the cache', async () => {
    const projectId = (await s.server.db.kysely.selectFrom('projects').select('id').where('domain_id', '=', s.account.id).executeTakeFirstOrThrow()).id
    expect((await signed({ 'X-Project-Id': projectId })).status).toBe(200)
    expect((await signed({ 'X-Domain-Id': s.account.id })).status).toBe(200)
    expect(await signed({ 'X-Project-Id': '' })).toEqual({ status: 401, body: unauthorized("the X-Project-Id header is empty: send the id, or leave the header out") })
  })

  // Chunked, so the body is read piece by piece until it passes the limit.
  it('a signed GET with a chunked body over 1 MiB gets its 413 in Keystone\'s format', async () => {
    const { url, init } = signRequest({ endpoint: s.url, method: 'GET', path: '/v3/projects', key, body: {} })
    const size = 32 * 1024 * 1024
    const answer = await nodeRequest(url, { method: 'GET', headers: { ...init.headers, 'transfer-encoding': 'chunked' }, body: Buffer.alloc(size, ' ') })
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 413, title: 'Request Entity Too Large', message: 'Request is too large.' } })
  })
})
