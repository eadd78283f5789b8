/**
 * No secret reaches the log, at any level: a server logging at trace to a file is driven through
 * every path that carries one (password logins good and bad, users made and changed with
 * passwords, token validation and revocation, access keys and their signed requests, security
 * tokens, malformed and schema-failing bodies holding a password, a 500), then every line is
 * searched for every secret used. The same file shows the one summary line per request with its
 * request id, route, status, duration, account and user.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from './helpers/server.js'
import { iam, iamClient, globalCredentials, signRequest, type AccessKey } from './helpers/huawei-sdk.js'
import { newLogFile } from './helpers/secrets.js'
import { findLeaks, hintFor } from './helpers/log-secrets-check.js'

const WRONG_PASSWORD = 'Wrong-Passw0rd-91'
const USER_PASSWORD = 'Carol-Passw0rd-1'
const NEW_PASSWORD = 'Carol-Passw0rd-2'
const WEAK_PASSWORD = 'alllowercaseletters'
const MALFORMED_PASSWORD = 'Malformed-Passw0rd-7'
const NUMERIC_PASSWORD = 87654321
const STRING_USER_PASSWORD = 'Stringy-Passw0rd-9'
const UNKNOWN_TOKEN = 'gAAAAABnot-a-token-but-long-enough-to-look-like-one'
const UNKNOWN_BODY_TOKEN = 'gAAAAABanother-made-up-token-sent-in-a-body'

interface LogLine { level: number; msg: string; reqId?: string; [field: string]: unknown }

describe('secrets never reach the log (trace level, every secret-bearing path)', () => {
  let s: TestServer
  let logFile: string
  let adminToken: string
  let adminId: string
  let lines: LogLine[]
  let raw: string
  /** Every secret this suite sent or was given. */
  const secrets = new Set<string>([WRONG_PASSWORD, USER_PASSWORD, NEW_PASSWORD, WEAK_PASSWORD, MALFORMED_PASSWORD, String(NUMERIC_PASSWORD), STRING_USER_PASSWORD, UNKNOWN_TOKEN, UNKNOWN_BODY_TOKEN])
  /** Request id and status of every answer, to find its summary line; `admin` when made with the admin's token. */
  const answers: { id: string; status: number; admin: boolean }[] = []

  const note = <R extends { status: number; headers: Headers }>(res: R, admin = false): R => {
    answers.push({ id: res.headers.get('x-request-id')!, status: res.status, admin })
    return res
  }
  const api = async (url: string, init: Parameters<typeof call>[1] = {}) => note(await call(`${s.url}${url}`, init), init.token !== undefined && init.token === adminToken)
  const login = (name: string, password: unknown) => api('/v3/auth/tokens?nocatalog', {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name, password, domain: { name: s.account.name } } } }, scope: { domain: { name: s.account.name } } } },
  })
  const signed = async (key: AccessKey, method: string, url: string, body?: unknown) => {
    const request = signRequest({ endpoint: s.url, method, path: url, key, body, domainId: s.account.id })
    secrets.add(request.init.headers.Authorization!)
    secrets.add(/Signature=([^,\s]+)/.exec(request.init.headers.Authorization!)![1]!)
    const res = await fetch(request.url, request.init)
    await res.text()
    return note(res)
  }

  beforeAll(async () => {
    logFile = newLogFile('server')
    s = await startServer({ env: { LOG_LEVEL: 'trace', LOG_FILE: logFile } })
    secrets.add(s.adminPassword)

    // Passwords: good and bad logins, a user made with one, a weak one refused, a change.
    const good = await login(s.adminUser, s.adminPassword)
    expect(good.status).toBe(201)
    adminToken = good.headers.get('x-subject-token')!
    secrets.add(adminToken)
    expect((await login(s.adminUser, WRONG_PASSWORD)).status).toBe(401)
    adminId = (await api('/v3/users?name=admin', { token: adminToken })).body.users[0].id
    const carol = await api('/v3/users', { method: 'POST', token: adminToken, body: { user: { name: 'carol', password: USER_PASSWORD } } })
    expect(carol.status).toBe(201)
    expect((await api('/v3/users', { method: 'POST', token: adminToken, body: { user: { name: 'weak', password: WEAK_PASSWORD } } })).status).toBe(400)
    const carolLogin = await login('carol', USER_PASSWORD)
    const carolToken = carolLogin.headers.get('x-subject-token')!
    secrets.add(carolToken)
    const change = await api(`/v3/users/${carol.body.user.id}/password`, {
      method: 'POST', token: carolToken, body: { user: { original_password: USER_PASSWORD, password: NEW_PASSWORD } },
    })
    expect(change.status).toBe(204)
    expect((await api(`/v3/users/${carol.body.user.id}/password`, {
      method: 'POST', token: carolToken, body: { user: { original_password: WRONG_PASSWORD, password: NEW_PASSWORD } },
    })).status).toBe(401)
    const carolAgain = (await login('carol', NEW_PASSWORD)).headers.get('x-subject-token')!
    secrets.add(carolAgain)

    // Tokens in X-Auth-Token and X-Subject-Token: validate, check, revoke, then the revoked and
    // an unknown one (Keystone's 404 message quotes the token), and token auth with one in a body.
    expect((await api('/v3/auth/tokens', { token: adminToken, headers: { 'x-subject-token': carolAgain } })).status).toBe(200)
    expect((await api('/v3/auth/tokens', { method: 'HEAD', token: adminToken, headers: { 'x-subject-token': carolAgain } })).status).toBe(200)
    expect((await api('/v3/auth/tokens', { method: 'DELETE', token: adminToken, headers: { 'x-subject-token': carolAgain } })).status).toBe(204)
    expect((await api('/v3/auth/tokens', { token: adminToken, headers: { 'x-subject-token': carolAgain } })).status).toBe(404)
    expect((await api('/v3/auth/tokens', { token: adminToken, headers: { 'x-subject-token': UNKNOWN_TOKEN } })).status).toBe(404)
    expect((await api('/v3/projects', { token: UNKNOWN_TOKEN })).status).toBe(401)
    expect((await api('/v3/projects', { token: carolAgain })).status).toBe(401)
    expect((await api('/v3/auth/tokens', { method: 'POST', body: { auth: { identity: { methods: ['token'], token: { id: UNKNOWN_BODY_TOKEN } } } } })).status).toBe(401)

    // Access keys: the secret in the answer, requests signed with it (good, tampered, wrong key),
    // the SDK's own client, and a temporary key with its security token.
    const created = await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', token: adminToken, body: { credential: { user_id: adminId, description: 'logs' } } })
    expect(created.status).toBe(201)
    const key: AccessKey = { access: created.body.credential.access, secret: created.body.credential.secret }
    secrets.add(key.secret)
    expect((await signed(key, 'GET', '/v3/projects')).status).toBe(200)
    expect((await signed(key, 'PATCH', `/v3/projects/${s.account.id}`, { project: { description: 'x' } })).status).toBe(404)
    expect((await signed({ ...key, secret: `${key.secret.slice(1)}x` }, 'GET', '/v3/projects')).status).toBe(401)
    const sdk = iamClient(globalCredentials(key, s.account.id), s.url)
    expect((await sdk.keystoneListProjects(new iam.KeystoneListProjectsRequest())).projects.length).toBeGreaterThan(0)
    const temporary = await api('/v3.0/OS-CREDENTIAL/securitytokens', { method: 'POST', token: adminToken, body: { auth: { identity: { methods: ['token'], token: { duration_seconds: 900 } } } } })
    expect(temporary.status).toBe(201)
    const temp: AccessKey = { access: temporary.body.credential.access, secret: temporary.body.credential.secret, securityToken: temporary.body.credential.securitytoken }
    secrets.add(temp.secret)
    secrets.add(temp.securityToken!)
    expect((await signed(temp, 'GET', '/v3/projects')).status).toBe(200)
    expect((await signed({ ...temp, securityToken: `${temp.securityToken!.slice(0, -4)}AAAA` }, 'GET', '/v3/projects')).status).toBe(401)

    // Bodies that fail before any service sees them, each holding a password.
    const malformed = `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"${MALFORMED_PASSWORD}"`
    expect((await api('/v3/auth/tokens', { method: 'POST', body: malformed })).status).toBe(400)
    expect((await login(s.adminUser, NUMERIC_PASSWORD)).status).toBe(400)
    const stringUser = await api('/v3/auth/tokens', { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: STRING_USER_PASSWORD } } } } })
    expect(stringUser.status).toBe(400)
    // The client is told what was wrong, value included, as Keystone does; the log is not.
    expect(stringUser.body.error.message).toContain(STRING_USER_PASSWORD)
    const numeric = await api('/v3/users', { method: 'POST', token: adminToken, body: { user: { name: 'numeric', password: NUMERIC_PASSWORD } } })
    expect(numeric.status).toBe(400)
    expect(numeric.body.error.message).toContain(String(NUMERIC_PASSWORD))
    expect((await api(`/v3/users/${carol.body.user.id}/password`, { method: 'POST', token: adminToken, body: { user: { password: NEW_PASSWORD, original_password: 1 } } })).status).toBe(400)

    // A 500 with its stack: the store loses the table a password login reads.
    await sql`ALTER TABLE users RENAME TO users_away`.execute(s.server.db.kysely)
    try {
      expect((await login(s.adminUser, s.adminPassword)).status).toBe(500)
    } finally {
      await sql`ALTER TABLE users_away RENAME TO users`.execute(s.server.db.kysely)
    }

    await s.close()
    raw = fs.readFileSync(logFile, 'utf8')
    lines = raw.trimEnd().split('\n').map((line) => JSON.parse(line) as LogLine)
  })
  afterAll(() => s.close().catch(() => {}))

  it('logged at every level down to debug, the 500 with its stack', () => {
    const levels = new Set(lines.map((l) => l.level))
    expect([...levels].sort()).toEqual(expect.arrayContaining([20, 30, 40, 50]))
    const failure = lines.find((l) => l.level === 50)!
    expect(failure).toMatchObject({ msg: 'request failed', code: 'internal', err: { message: expect.stringContaining('users') } })
    expect((failure.err as { stack: string }).stack).toMatch(/\n\s+at /)
  })

  it('holds no password, token, secret key, security token or Authorization value on any line', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(18)
    const rawLines = raw.split('\n')
    for (const secret of secrets) {
      const escaped = JSON.stringify(secret).slice(1, -1)
      const line = rawLines.findIndex((text) => text.includes(secret) || text.includes(escaped))
      expect(line, `secret (${hintFor(secret)}) on log line ${line + 1}`).toBe(-1)
    }
  })

  it('logs a schema failure by field and rule, without the value that failed', () => {
    const rejected = lines.filter((l) => l.msg === 'request rejected' && l.code === 'validation_failed').map((l) => l.reason)
    expect(rejected).toEqual(expect.arrayContaining([
      "Invalid input in the body at '/auth/identity/password/user/password': fails 'type'",
      "Invalid input in the body at '/auth/identity/password/user': fails 'type'",
      "Invalid input in the body at '/user/password': fails 'type'",
      "Invalid input in the body at '/user/original_password': fails 'type'",
    ]))
    expect(lines.some((l) => l.code === 'malformed_json' || /JSON/.test(String(l.reason)))).toBe(true)
  })

  it('writes one summary line per request: request id, service, route pattern, status, duration, account and user', () => {
    const summaries = lines.filter((l) => l.msg === 'request')
    // The SDK client's request is the one made without `note`.
    expect(summaries).toHaveLength(answers.length + 1)
    for (const answer of answers) {
      const mine = summaries.filter((l) => l.reqId === answer.id)
      expect(mine, answer.id).toHaveLength(1)
      const line = mine[0]!
      expect(line).toMatchObject({ level: 30, status: answer.status, method: expect.any(String), route: expect.stringMatching(/^\//), service: 'iam', url: expect.any(String) })
      expect(line.durationMs).toBeGreaterThanOrEqual(0)
      if (answer.admin && answer.status < 400) expect(line, answer.id).toMatchObject({ account: s.account.id, user: adminId })
    }
    const project = summaries.find((l) => l.url === `/v3/projects/${s.account.id}`)!
    expect(project).toMatchObject({ route: '/v3/projects/:project_id', method: 'PATCH', status: 404, account: s.account.id, user: adminId })
  })
})

describe('the end-of-run check', () => {
  it('finds a secret planted in a log file and names the file and line, never the secret', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-check-'))
    const secret = 'Planted-Passw0rd-"quoted"'
    fs.writeFileSync(path.join(dir, 'a.log'), `{"msg":"fine"}\n${JSON.stringify({ msg: 'oops', body: { password: secret } })}\n`)
    fs.writeFileSync(path.join(dir, 'b.log'), '{"msg":"clean"}\n')
    const leaks = findLeaks([{ kind: 'password', value: secret }, { kind: 'token', value: 'not-in-any-log-at-all' }], dir)
    expect(leaks).toEqual([{ file: expect.stringMatching(/a\.log$/), line: 2, kind: 'password', hint: "25 characters, starting 'Pl…'" }])
    expect(JSON.stringify(leaks)).not.toContain('Passw0rd')
    fs.rmSync(dir, { recursive: true })
  })
})
