/**
 * POST/GET/HEAD/DELETE /v3/auth/tokens over HTTP: scopes, catalog, expiry, revocation,
 * tampering, and tokens surviving a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, defaultTestDatabase, dropPostgresSchema, newPostgresSchema, startServer, type TestServer } from '../helpers/server.js'
import { createPlainUser, tokenFor } from '../helpers/fixtures.js'

const UNAUTHORIZED = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } }

function passwordAuth(user: string, password: string, domain: Record<string, string>, scope?: unknown) {
  return { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain } } }, ...(scope ? { scope } : {}) } }
}

describe('tokens (huaweicloud)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer() })
  afterAll(() => s.close())

  it('issues a domain-scoped token: 201, X-Subject-Token, 24 h expiry, roles and a catalog', async () => {
    const before = Date.now()
    const res = await call(`${s.url}/v3/auth/tokens`, {
      method: 'POST', body: passwordAuth('admin', s.adminPassword, { name: s.account.name }, { domain: { name: s.account.name } }),
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('x-subject-token')).toMatch(/^[A-Za-z0-9_-]{100,}$/)
    const t = res.body.token
    expect(t.methods).toEqual(['password'])
    expect(t.user).toEqual({ domain: { id: s.account.id, name: s.account.name }, id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'admin', password_expires_at: null })
    expect(t.domain).toEqual({ id: s.account.id, name: s.account.name })
    expect(t.project).toBeUndefined()
    expect(t.roles.map((r: { name: string }) => r.name).sort()).toEqual(['secu_admin', 'te_admin'])
    expect(t.issued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const lifetime = Date.parse(t.expires_at) - Date.parse(t.issued_at)
    expect(lifetime).toBe(24 * 3600 * 1000)
    expect(Date.parse(t.issued_at)).toBeGreaterThanOrEqual(before - 1000)
    const identity = t.catalog.find((c: { type: string }) => c.type === 'identity')
    expect(identity.name).toBe('iam')
    expect(identity.endpoints).toContainEqual({ id: expect.any(String), interface: 'public', region: 'cn-north-4', region_id: 'cn-north-4', url: `${s.url}/v3` })
    expect(t.catalog.map((c: { type: string }) => c.type)).toEqual(['identity', 'eps', 'coc'])
  })

  it('omits the catalog with ?nocatalog and accepts user and scope by id', async () => {
    const user = (await call(`${s.url}/v3/auth/tokens?nocatalog=1`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { id: s.account.id }, { domain: { id: s.account.id } }) }))
    expect(user.status).toBe(201)
    expect(user.body.token.catalog).toBeUndefined()
    const byId = await call(`${s.url}/v3/auth/tokens?nocatalog=1`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { id: user.body.token.user.id, password: s.adminPassword } } } } } })
    expect(byId.status).toBe(201)
    // No scope: the clouds treat it as a token for global services (domain scope).
    expect(byId.body.token.domain).toEqual({ id: s.account.id, name: s.account.name })
    // Present without a value is enough, as in Keystone ('nocatalog' in the query).
    const bare = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { id: s.account.id }, { domain: { id: s.account.id } }) })
    expect(bare.body.token.catalog).toBeUndefined()
    const validated = await call(`${s.url}/v3/auth/tokens?nocatalog`, { headers: { 'x-subject-token': bare.headers.get('x-subject-token')! }, token: bare.headers.get('x-subject-token')! })
    expect(validated.status).toBe(200)
    expect(validated.body.token.catalog).toBeUndefined()
  })

  it('issues a project-scoped token by project name alone, with inherited roles', async () => {
    const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { name: s.account.name }, { project: { name: 'cn-north-4' } }) })
    expect(res.status).toBe(201)
    expect(res.body.token.project).toEqual({ domain: { id: s.account.id, name: s.account.name }, id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'cn-north-4' })
    expect(res.body.token.domain).toBeUndefined()
    expect(res.body.token.roles.map((r: { name: string }) => r.name).sort()).toEqual(['secu_admin', 'te_admin'])
  })

  it('refuses a wrong password, an unknown user and an unknown account with the same 401', async () => {
    for (const body of [
      passwordAuth('admin', 'wrong', { name: s.account.name }),
      passwordAuth('nobody', s.adminPassword, { name: s.account.name }),
      passwordAuth('admin', s.adminPassword, { name: 'no-such-account' }),
    ]) {
      const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
      expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${s.url}/v3"`)
      expect(res.headers.get('x-subject-token')).toBeNull()
    }
  })

  it('refuses a disabled user and a scope on a project that does not exist', async () => {
    await createPlainUser(s, s.account.id, 'disabled-user', 'Disabled-Passw0rd', { enabled: false })
    expect((await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('disabled-user', 'Disabled-Passw0rd', { name: s.account.name }) })).body).toEqual(UNAUTHORIZED)
    expect((await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { name: s.account.name }, { project: { id: 'f'.repeat(32) } }) })).body).toEqual(UNAUTHORIZED)
  })

  it('names the missing part of a malformed auth body', async () => {
    const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['password'] } } } })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('Expecting to find password in identity. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.')
    const noAuth = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: {} })
    expect(noAuth.body).toEqual({ error: { code: 400, message: "'auth' is a required property", title: 'Bad Request' } })
    const totp = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['totp'] } } } })
    // Keystone: a method this server does not offer is an authentication failure, not a bad request.
    expect(totp).toMatchObject({ status: 401, body: { error: { code: 401, message: 'Attempted to authenticate with an unsupported method.', title: 'Unauthorized' } } })
    // The token method is offered (token-rescope.test.ts): a token that is none is a 401 like a bad password.
    const token = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['token'], token: { id: 'x' } } } } })
    expect(token).toMatchObject({ status: 401, body: UNAUTHORIZED })
  })

  it('validates (GET), checks (HEAD) and revokes (DELETE) a token; a revoked token stays revoked', async () => {
    const caller = await s.adminToken()
    const subject = await s.adminToken()
    const get = await call(`${s.url}/v3/auth/tokens`, { token: caller, headers: { 'x-subject-token': subject } })
    expect(get.status).toBe(200)
    expect(get.headers.get('x-subject-token')).toBe(subject)
    expect(get.body.token.user.name).toBe('admin')
    expect(get.body.token.catalog).toBeDefined()
    const head = await fetch(`${s.url}/v3/auth/tokens`, { method: 'HEAD', headers: { 'x-auth-token': caller, 'x-subject-token': subject } })
    expect(head.status).toBe(200)

    const del = await call(`${s.url}/v3/auth/tokens`, { method: 'DELETE', token: caller, headers: { 'x-subject-token': subject } })
    expect(del.status).toBe(204)
    expect(del.text).toBe('')
    const after = await call(`${s.url}/v3/auth/tokens`, { token: caller, headers: { 'x-subject-token': subject } })
    expect(after).toMatchObject({ status: 404, body: { error: { code: 404, message: `Could not find token: ${subject}.`, title: 'Not Found' } } })
    expect((await call(`${s.url}/v3/regions`, { token: subject })).body).toEqual(UNAUTHORIZED)
    expect((await fetch(`${s.url}/v3/auth/tokens`, { method: 'HEAD', headers: { 'x-auth-token': caller, 'x-subject-token': subject } })).status).toBe(404)
  })

  it('lets a user without admin rights validate only its own token', async () => {
    await createPlainUser(s, s.account.id, 'plain', 'Plain-Passw0rd')
    const plain = await tokenFor(s, 'plain', 'Plain-Passw0rd', s.account.name)
    expect((await call(`${s.url}/v3/auth/tokens`, { token: plain, headers: { 'x-subject-token': plain } })).status).toBe(200)
    const other = await call(`${s.url}/v3/auth/tokens`, { token: plain, headers: { 'x-subject-token': await s.adminToken() } })
    expect(other.status).toBe(403)
    expect(other.body).toEqual({ error: { code: 403, message: 'You are not authorized to perform the requested action: identity:validate_token.', title: 'Forbidden' } })
  })

  it('asks for X-Subject-Token when it is missing', async () => {
    const res = await call(`${s.url}/v3/auth/tokens`, { token: await s.adminToken() })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/^Expecting to find X-Subject-Token in request headers\./)
  })

  it('refuses tampered, foreign and garbage tokens with 401', async () => {
    const good = await s.adminToken()
    const flipped = good.slice(0, 60) + (good[60] === 'A' ? 'B' : 'A') + good.slice(61)
    for (const bad of [flipped, good.slice(0, -2), 'not-a-token', 'x'.repeat(5000)]) {
      const res = await call(`${s.url}/v3/projects`, { token: bad })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    }
    const other = await startServer()
    try {
      // Same format, another store's key: not accepted here.
      expect((await call(`${s.url}/v3/projects`, { token: await other.adminToken() })).status).toBe(401)
    } finally {
      await other.close()
    }
  })
})

describe('tokens across a restart', () => {
  it('accepts tokens issued before a restart, keeps revocations, and bootstraps only once', async () => {
    // The store outlives the first server, on SQLite (its folder) and PostgreSQL (its schema).
    const schema = defaultTestDatabase() === 'postgres' ? newPostgresSchema() : undefined
    const first = await startServer({ schema })
    const kept = await first.adminToken()
    const revoked = await first.adminToken()
    expect((await call(`${first.url}/v3/auth/tokens`, { method: 'DELETE', token: kept, headers: { 'x-subject-token': revoked } })).status).toBe(204)
    const created = await call(`${first.url}/v3/projects`, { method: 'POST', token: kept, body: { project: { name: 'cn-north-4_kept' } } })
    expect(created.status).toBe(201)
    await first.close()

    const second = await startServer({ dataDir: first.dataDir, schema })
    try {
      expect(second.server.bootstrap.created).toBe(false)
      expect(second.account).toEqual(first.account)
      const show = await call(`${second.url}/v3/projects/${created.body.project.id}`, { token: kept })
      expect(show.status).toBe(200)
      expect(show.body.project.name).toBe('cn-north-4_kept')
      expect((await call(`${second.url}/v3/projects`, { token: revoked })).status).toBe(401)
    } finally {
      await second.close()
      if (schema) await dropPostgresSchema(schema)
    }
  })

  it('expires tokens after TOKEN_TTL', async () => {
    const s = await startServer({ env: { TOKEN_TTL: '60' } })
    try {
      const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { name: s.account.name }) })
      expect(Date.parse(res.body.token.expires_at) - Date.parse(res.body.token.issued_at)).toBe(60_000)
    } finally {
      await s.close()
    }
  })
})

describe('tokens (keystone)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'keystone' }) })
  afterAll(() => s.close())

  it('mirrors keystone-manage bootstrap: admin on project admin in domain Default, RegionOne catalog', async () => {
    expect(s.account).toEqual({ id: 'default', name: 'Default' })
    const res = await call(`${s.url}/v3/auth/tokens`, {
      method: 'POST', body: passwordAuth('admin', s.adminPassword, { name: 'Default' }, { project: { name: 'admin', domain: { name: 'Default' } } }),
    })
    expect(res.status).toBe(201)
    const t = res.body.token
    expect(t.project).toEqual({ domain: { id: 'default', name: 'Default' }, id: expect.any(String), name: 'admin' })
    expect(t.is_domain).toBe(false)
    expect(t.audit_ids).toEqual([expect.any(String)])
    // keystone-manage bootstrap's chain: admin implies member implies reader; a token lists them all.
    expect(t.roles.map((r: { name: string }) => r.name).sort()).toEqual(['admin', 'member', 'reader'])
    const identity = t.catalog.find((c: { type: string }) => c.type === 'identity')
    expect(identity.name).toBe('keystone')
    expect(identity.endpoints.map((e: { interface: string }) => e.interface).sort()).toEqual(['admin', 'internal', 'public'])
    expect(identity.endpoints.every((e: { region_id: string }) => e.region_id === 'RegionOne')).toBe(true)
  })

  it('issues an unscoped token without scope, with neither roles nor catalog', async () => {
    const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('admin', s.adminPassword, { name: 'Default' }) })
    expect(res.status).toBe(201)
    expect(res.body.token.project).toBeUndefined()
    expect(res.body.token.domain).toBeUndefined()
    expect(res.body.token.roles).toBeUndefined()
    expect(res.body.token.catalog).toBeUndefined()
  })

  it('a default project without a role there gives an unscoped token without scope (as Keystone), and the project with one', async () => {
    const admin = await s.adminToken()
    const project = (await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'defaulted', domain_id: 'default' } } })).body.project.id
    const user = (await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: 'defaulted', password: 'Defaulted-Passw0rd', domain_id: 'default', default_project_id: project } } })).body.user.id
    const unscoped = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('defaulted', 'Defaulted-Passw0rd', { name: 'Default' }) })
    expect(unscoped.status, unscoped.text).toBe(201)
    expect(unscoped.body.token).not.toHaveProperty('project')
    expect(unscoped.body.token).not.toHaveProperty('roles')
    // Asked for explicitly, a project without a role stays refused.
    expect((await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('defaulted', 'Defaulted-Passw0rd', { name: 'Default' }, { project: { id: project } }) })).status).toBe(401)
    const member = (await call(`${s.url}/v3/roles?name=member`, { token: admin })).body.roles[0].id
    expect((await call(`${s.url}/v3/projects/${project}/users/${user}/roles/${member}`, { method: 'PUT', token: admin })).status).toBe(204)
    const scoped = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('defaulted', 'Defaulted-Passw0rd', { name: 'Default' }) })
    expect(scoped.body.token.project.id).toBe(project)
  })

  it('refuses to scope a user without a role there', async () => {
    await createPlainUser(s, 'default', 'norole', 'Norole-Passw0rd')
    const res = await call(`${s.url}/v3/auth/tokens`, { method: 'POST', body: passwordAuth('norole', 'Norole-Passw0rd', { name: 'Default' }, { project: { name: 'admin', domain: { name: 'Default' } } }) })
    expect(res.status).toBe(401)
  })
})
