/**
 * Access keys over HTTP: OS-CREDENTIAL (create, list, show, update, delete, at most two per user,
 * secret shown once and stored sealed), temporary keys with a security token, and requests signed
 * with them by the real SDK signer: accepted when intact, 401 in IAM's format when anything is off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { signRequest, type AccessKey } from '../helpers/huawei-sdk.js'
import http from 'node:http'

/** A request fetch cannot make: a GET with a body, as the SDK's discovery sends. */
function rawRequest(url: string, method: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = ''
      res.on('data', (c) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const PASSWORD = 'User-Passw0rd!'
const error = (code: number, title: string, message: string) => ({ error: { code, title, message } })
const PREFIX = 'Incorrect IAM authentication information: '

describe('access keys (huaweicloud)', () => {
  let s: TestServer
  let token: string
  let adminId: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token, ...init })
  const newKey = async (userId: string, as = token): Promise<AccessKey> => {
    const res = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: as, body: { credential: { user_id: userId, description: 'ci' } } })
    expect(res.status, res.text).toBe(201)
    return { access: res.body.credential.access, secret: res.body.credential.secret }
  }
  const signed = async (key: AccessKey, method: string, path: string, opts: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string>; domainId?: string } = {}) => {
    const { url, init } = signRequest({ endpoint: s.url, method, path, key, ...opts })
    const res = await fetch(url, init)
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined }
  }

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
    adminId = (await api('/v3/users?name=admin')).body.users[0].id
  })
  afterAll(() => s.close())

  describe('OS-CREDENTIAL', () => {
    it('POST shows the secret once; list and show never do; the store holds it sealed', async () => {
      const res = await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: adminId, description: 'deploy' } } })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        credential: {
          access: expect.stringMatching(/^[A-Z0-9]{20}$/), secret: expect.stringMatching(/^[A-Za-z0-9]{40}$/), status: 'active',
          user_id: adminId, description: 'deploy', create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
        },
      })
      const { access, secret } = res.body.credential
      const list = await api('/v3.0/OS-CREDENTIAL/credentials')
      expect(list.body).toEqual({ credentials: [{ access, status: 'active', user_id: adminId, description: 'deploy', create_time: res.body.credential.create_time }] })
      const show = await api(`/v3.0/OS-CREDENTIAL/credentials/${access}`)
      expect(show.body).toEqual({ credential: { access, status: 'active', user_id: adminId, description: 'deploy', create_time: res.body.credential.create_time, last_use_time: res.body.credential.create_time } })
      expect(list.text + show.text).not.toContain(secret)
      const row = await s.server.db.kysely.selectFrom('credentials').selectAll().where('access', '=', access).executeTakeFirstOrThrow()
      expect(row.secret).not.toContain(secret)
      expect(Buffer.from(row.secret, 'base64').toString('latin1')).not.toContain(secret)
      expect((await api(`/v3.0/OS-CREDENTIAL/credentials/${access}`, { method: 'DELETE' })).status).toBe(204)
    })

    it('allows two permanent keys per user, even when five requests race for them', async () => {
      const user = (await api('/v3/users', { method: 'POST', body: { user: { name: 'racer', password: PASSWORD } } })).body.user
      const results = await Promise.all(Array.from({ length: 5 }, () => api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: user.id } } })))
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 400, 400, 400])
      expect(results.find((r) => r.status === 400)!.body).toEqual(error(400, 'Bad Request', 'akSkNumExceed'))
      expect((await api(`/v3.0/OS-CREDENTIAL/credentials?user_id=${user.id}`)).body.credentials).toHaveLength(2)
    })

    it('PUT disables a key and the key stops working; DELETE removes it', async () => {
      const key = await newKey(adminId)
      expect((await signed(key, 'GET', '/v3/projects')).status).toBe(200)
      const off = await api(`/v3.0/OS-CREDENTIAL/credentials/${key.access}`, { method: 'PUT', body: { credential: { status: 'inactive' } } })
      expect(off.status).toBe(200)
      expect(off.body.credential).toMatchObject({ access: key.access, status: 'inactive' })
      const refused = await signed(key, 'GET', '/v3/projects')
      expect(refused.status).toBe(401)
      expect(refused.body).toEqual(error(401, 'Unauthorized', `${PREFIX}the access key ${key.access} is inactive`))
      expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
      expect((await api(`/v3.0/OS-CREDENTIAL/credentials/${key.access}`, { method: 'DELETE' })).status).toBe(204)
      expect((await api(`/v3.0/OS-CREDENTIAL/credentials/${key.access}`)).body).toEqual(error(404, 'Not Found', `Could not find credential: ${key.access}.`))
      expect((await signed(key, 'GET', '/v3/projects')).body).toEqual(error(401, 'Unauthorized', `${PREFIX}the access key ${key.access} does not exist`))
    })

    it('a user manages its own keys but not another user\'s; another account sees none', async () => {
      const user = (await api('/v3/users', { method: 'POST', body: { user: { name: 'keyholder', password: PASSWORD } } })).body.user
      const userToken = await tokenFor(s, 'keyholder', PASSWORD, s.account.name)
      const own = await newKey(user.id, userToken)
      expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { token: userToken })).body.credentials.map((c: { access: string }) => c.access)).toEqual([own.access])
      const forAdmin = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: userToken, body: { credential: { user_id: adminId } } })
      expect(forAdmin.body).toEqual(error(403, 'Forbidden', 'You are not authorized to perform the requested action: identity:create_credential.'))
      const other = await createAccount(s, 'other-keys', PASSWORD)
      const otherToken = await tokenFor(s, 'admin', PASSWORD, other.name)
      expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials/${own.access}`, { token: otherToken })).body).toEqual(error(404, 'Not Found', `Could not find credential: ${own.access}.`))
      expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials/${own.access}`, { method: 'DELETE', token: otherToken })).status).toBe(404)
      expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials?user_id=${user.id}`, { token: otherToken })).status).toBe(404)
      expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: otherToken, body: { credential: { user_id: user.id } } })).status).toBe(404)
    })
  })

  describe('signed requests', () => {
    let key: AccessKey
    beforeAll(async () => { key = await newKey(adminId) })

    it('accepts an intact signed request in place of a token, with or without X-Domain-Id, GET body and all', async () => {
      const plain = await signed(key, 'GET', '/v3/projects', { query: { name: 'cn-north-4' } })
      expect(plain.status).toBe(200)
      expect(plain.body.projects.map((p: { name: string }) => p.name)).toEqual(['cn-north-4'])
      expect((await signed(key, 'GET', '/v3/auth/domains', { domainId: s.account.id })).body.domains.map((d: { id: string }) => d.id)).toEqual([s.account.id])
      // The SDK's own discovery GETs carry the body '{}' and sign it: the server must read and hash it.
      const withBody = signRequest({ endpoint: s.url, method: 'GET', path: '/v3/auth/domains', key, body: {} })
      const raw = await rawRequest(withBody.url, 'GET', withBody.init.headers, withBody.init.body!)
      expect(raw.status).toBe(200)
      const tamperedBody = await rawRequest(withBody.url, 'GET', withBody.init.headers, '[]')
      expect(tamperedBody.status).toBe(401)
      const created = await signed(key, 'POST', '/v3/projects', { domainId: s.account.id, body: { project: { name: 'cn-north-4_signed', description: 'by AK/SK' } } })
      expect(created.status).toBe(201)
      const patched = await signed(key, 'PATCH', `/v3/projects/${created.body.project.id}`, { body: { project: { description: 'changed' } } })
      expect(patched.status).toBe(200)
      expect(patched.body.project.description).toBe('changed')
    })

    it('refuses a tampered method, path, query, header or body, a wrong secret and a stale date, each with 401 in IAM\'s format', async () => {
      const project = (await api('/v3/projects', { method: 'POST', body: { project: { name: 'cn-north-4_tamper' } } })).body.project
      const base = signRequest({ endpoint: s.url, method: 'PATCH', path: `/v3/projects/${project.id}`, key, domainId: s.account.id, body: { project: { description: 'x' } } })
      const send = (url: string, init: RequestInit) => fetch(url, init).then(async (r) => ({ status: r.status, body: await r.json() }))
      const mismatch = error(401, 'Unauthorized', `${PREFIX}verify aksk signature fail`)
      const group = (await api('/v3/groups', { method: 'POST', body: { group: { name: 'tamper-target' } } })).body.group
      const groupPatch = signRequest({ endpoint: s.url, method: 'PATCH', path: `/v3/groups/${group.id}`, key, body: { group: { description: 'x' } } })
      expect(await send(groupPatch.url, { ...groupPatch.init, method: 'DELETE' })).toEqual({ status: 401, body: mismatch })
      expect((await api(`/v3/groups/${group.id}`)).status).toBe(200)
      expect(await send(base.url.replace(project.id, project.id.replace(/.$/, project.id.endsWith('0') ? '1' : '0')), base.init)).toEqual({ status: 401, body: mismatch })
      expect(await send(`${base.url}?name=x`, base.init)).toEqual({ status: 401, body: mismatch })
      expect(await send(base.url, { ...base.init, headers: { ...base.init.headers, 'X-Domain-Id': 'f'.repeat(32) } })).toEqual({ status: 401, body: mismatch })
      expect(await send(base.url, { ...base.init, body: '{"project":{"description":"y"}}' })).toEqual({ status: 401, body: mismatch })
      const wrongSecret = signRequest({ endpoint: s.url, method: 'GET', path: '/v3/projects', key: { ...key, secret: key.secret.replace(/^./, key.secret.startsWith('x') ? 'y' : 'x') } })
      expect(await send(wrongSecret.url, wrongSecret.init)).toEqual({ status: 401, body: mismatch })
      const stale = signRequest({ endpoint: s.url, method: 'GET', path: '/v3/projects', key, headers: { 'X-Sdk-Date': '20200101T000000Z' } })
      expect(await send(stale.url, stale.init)).toEqual({ status: 401, body: error(401, 'Unauthorized', `${PREFIX}X-Sdk-Date is more than 15 minutes away from the server time`) })
      const sm3 = await send(`${s.url}/v3/projects`, { headers: { authorization: `SDK-HMAC-SM3 Access=${key.access}, SignedHeaders=host;x-sdk-date, Signature=${'0'.repeat(64)}` } })
      expect(sm3.body.error.message).toBe(`${PREFIX}the signing algorithm is not supported (use SDK-HMAC-SHA256 or V11-HMAC-SHA256)`)
      // The original, untouched, still works: nothing above changed the project.
      expect((await send(base.url, base.init)).status).toBe(200)
    })

    it('scopes to the key owner\'s account: another account in X-Domain-Id or X-Project-Id is refused', async () => {
      const other = await createAccount(s, 'other-scope', PASSWORD)
      expect((await signed(key, 'GET', '/v3/projects', { domainId: other.id })).body).toEqual(error(401, 'Unauthorized', `${PREFIX}the user of access key ${key.access} cannot act in this account`))
      const otherProject = (await s.server.db.kysely.selectFrom('projects').select('id').where('domain_id', '=', other.id).executeTakeFirstOrThrow()).id
      expect((await signed(key, 'GET', '/v3/projects', { headers: { 'X-Project-Id': otherProject } })).body).toEqual(error(401, 'Unauthorized', `${PREFIX}the project ${otherProject} in X-Project-Id is not in the account`))
    })

    it('a key acts with its user\'s permissions, and stops when the user is disabled', async () => {
      const user = (await api('/v3/users', { method: 'POST', body: { user: { name: 'signer', password: PASSWORD } } })).body.user
      const userKey = await newKey(user.id)
      expect((await signed(userKey, 'GET', `/v3/users/${user.id}`)).status).toBe(200)
      expect((await signed(userKey, 'GET', '/v3/users')).body).toEqual(error(403, 'Forbidden', 'You are not authorized to perform the requested action: identity:list_users.'))
      await api(`/v3/users/${user.id}`, { method: 'PATCH', body: { user: { enabled: false } } })
      expect((await signed(userKey, 'GET', `/v3/users/${user.id}`)).body).toEqual(error(401, 'Unauthorized', `${PREFIX}the user of access key ${userKey.access} cannot act in this account`))
    })
  })

  describe('temporary keys (securitytokens)', () => {
    it('issues keys with a security token that work only together and only until they expire', async () => {
      const res = await api('/v3.0/OS-CREDENTIAL/securitytokens', { method: 'POST', body: { auth: { identity: { methods: ['token'], token: { duration_seconds: 900 } } } } })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        credential: {
          access: expect.stringMatching(/^[A-Z0-9]{20}$/), secret: expect.stringMatching(/^[A-Za-z0-9]{40}$/),
          expires_at: expect.stringMatching(/Z$/), securitytoken: expect.stringMatching(/^[A-Za-z0-9_-]{100,}$/),
        },
      })
      const ttl = Date.parse(res.body.credential.expires_at) - Date.now()
      expect(ttl).toBeGreaterThan(880_000)
      expect(ttl).toBeLessThanOrEqual(900_000)
      const temp: AccessKey = { access: res.body.credential.access, secret: res.body.credential.secret, securityToken: res.body.credential.securitytoken }
      expect((await signed(temp, 'GET', '/v3/projects')).status).toBe(200)
      const withoutToken = await signed({ access: temp.access, secret: temp.secret }, 'GET', '/v3/projects')
      expect(withoutToken.body).toEqual(error(401, 'Unauthorized', `${PREFIX}a temporary access key needs its signed X-Security-Token`))
      const wrongToken = await signed({ ...temp, securityToken: `${temp.securityToken}x` }, 'GET', '/v3/projects')
      expect(wrongToken.status).toBe(401)
      await s.server.db.kysely.updateTable('credentials').set({ expires_at: '2000-01-01T00:00:00.000000Z' }).where('access', '=', temp.access).execute()
      s.server.app.log.level = 'silent'
      await new Promise((r) => setTimeout(r, 1100)) // the key cache holds a key for a second
      expect((await signed(temp, 'GET', '/v3/projects')).body).toEqual(error(401, 'Unauthorized', `${PREFIX}the securitytoken has expired`))
      // Temporary keys are not permanent ones: they neither list nor count towards the two.
      expect((await api('/v3.0/OS-CREDENTIAL/credentials')).body.credentials.map((c: { access: string }) => c.access)).not.toContain(temp.access)
    })

    it('refuses durations outside 15 minutes to a day, other methods, and anonymous callers', async () => {
      const ask = (identity: unknown, as: string | null = token) => call(`${s.url}/v3.0/OS-CREDENTIAL/securitytokens`, { method: 'POST', token: as ?? undefined, body: { auth: { identity } } })
      expect((await ask({ methods: ['token'], token: { duration_seconds: 899 } })).body).toEqual(error(400, 'Bad Request', "Invalid input for field 'auth/identity/token/duration_seconds': 899 is less than the minimum of 900"))
      expect((await ask({ methods: ['password'] })).body).toEqual(error(400, 'Bad Request', "Only the 'token' and 'assume_role' methods are supported for temporary access keys."))
      expect((await ask({ methods: ['token'] }, null)).status).toBe(401)
      expect((await ask({ methods: ['token'], token: { id: 'not-a-token' } })).status).toBe(401)
    })
  })
})
