/**
 * POST /v3/auth/tokens with `methods: ["token"]` (rescoping, the SDK's keystoneCreateScopedToken)
 * over HTTP in every flavour: the new token keeps the user and the original expiry, takes the
 * scope asked for, lists its methods (and in Keystone its audit chain); dead tokens and scopes
 * the user may not use get the password login's 401; and the unmodified Huawei SDK parses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { globalCredentials, iam, iamClient } from '../helpers/huawei-sdk.js'
import { SqlIamStores } from '../../src/services/iam/iam-stores-sql.js'
import { createRegionProject } from '../../src/services/iam/bootstrap.js'
import { isoMicros } from '../../src/shared/clock.js'
import type { FlavourName } from '../../src/flavours.js'

const UNAUTHORIZED = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } }

interface Case {
  flavour: FlavourName
  /** A project of the bootstrap account the admin may scope to. */
  project: string
  /** `methods` of a token rescoped from a password login. */
  methods: string[]
  keystone: boolean
}
const CASES: Case[] = [
  { flavour: 'huaweicloud', project: 'cn-north-4', methods: ['token'], keystone: false },
  { flavour: 'opentelekomcloud', project: 'eu-de', methods: ['token'], keystone: false },
  { flavour: 'keystone', project: 'admin', methods: ['token', 'password'], keystone: true },
]

function rescope(token: string, scope?: unknown) {
  return { auth: { identity: { methods: ['token'], token: { id: token } }, ...(scope === undefined ? {} : { scope }) } }
}

describe.each(CASES)('token rescoping ($flavour)', (c) => {
  let s: TestServer
  const post = (body: unknown, query = '') => call(`${s.url}/v3/auth/tokens${query}`, { method: 'POST', body })
  const validate = async (subject: string) => call(`${s.url}/v3/auth/tokens?nocatalog=1`, { token: await s.adminToken(), headers: { 'x-subject-token': subject } })

  beforeAll(async () => { s = await startServer({ flavour: c.flavour }) })
  afterAll(() => s.close())

  it('domain → project: 201, X-Subject-Token, methods, the original expiry and user, the new scope and catalog', async () => {
    const original = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name)
    const parent = (await validate(original)).body.token
    expect(parent.domain).toEqual({ id: s.account.id, name: s.account.name })

    const res = await post(rescope(original, { project: { name: c.project, domain: { name: s.account.name } } }))
    expect(res.status).toBe(201)
    const subject = res.headers.get('x-subject-token')
    expect(subject).toMatch(/^[A-Za-z0-9_-]{100,}$/)
    expect(subject).not.toBe(original)
    const t = res.body.token
    expect(t.methods).toEqual(c.methods)
    expect(t.expires_at).toBe(parent.expires_at)
    expect(t.issued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    expect(t.user).toEqual(parent.user)
    expect(t.domain).toBeUndefined()
    expect(t.project).toEqual({ domain: { id: s.account.id, name: s.account.name }, id: expect.stringMatching(/^[0-9a-f]{32}$/), name: c.project })
    expect(t.roles.length).toBeGreaterThan(0)
    expect(t.catalog.map((e: { type: string }) => e.type)).toContain('identity')
    if (c.keystone) {
      expect(t.audit_ids).toEqual([expect.any(String), parent.audit_ids[0]])
      expect(t.audit_ids[0]).not.toBe(parent.audit_ids[0])
      expect(t.is_domain).toBe(false)
    } else {
      expect(t.audit_ids).toBeUndefined()
    }

    // The new token works, and validates with the same body (catalog aside).
    expect((await call(`${s.url}/v3/regions`, { token: subject! })).status).toBe(200)
    const shown = await validate(subject!)
    expect(shown.status).toBe(200)
    expect(shown.body.token).toEqual({ ...t, catalog: undefined })
  })

  it('project → domain, by id, keeping the expiry, the methods and the audit chain', async () => {
    const original = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name, { project: { name: c.project, domain: { id: s.account.id } } })
    const parent = (await validate(original)).body.token
    const res = await post(rescope(original, { domain: { id: s.account.id } }), '?nocatalog=1')
    expect(res.status).toBe(201)
    const t = res.body.token
    expect(t).toMatchObject({ methods: c.methods, expires_at: parent.expires_at, user: parent.user, domain: { id: s.account.id, name: s.account.name } })
    expect(t.project).toBeUndefined()
    expect(t.catalog).toBeUndefined()

    // Rescoping a rescoped token: still the first token's expiry, methods and chain.
    const again = await post(rescope(res.headers.get('x-subject-token')!, { project: { id: parent.project.id } }), '?nocatalog=1')
    expect(again.status).toBe(201)
    expect(again.body.token).toMatchObject({ methods: c.methods, expires_at: parent.expires_at, project: parent.project })
    if (c.keystone) expect(again.body.token.audit_ids).toEqual([expect.any(String), parent.audit_ids[0]])
  })

  it('an unscoped token may be scoped to its own account', async () => {
    const unscoped = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name, 'unscoped')
    const parent = (await validate(unscoped)).body.token
    expect(parent.domain).toBeUndefined()
    expect(parent.project).toBeUndefined()
    const res = await post(rescope(unscoped, { domain: { name: s.account.name } }), '?nocatalog=1')
    expect(res.status).toBe(201)
    expect(res.body.token).toMatchObject({ methods: c.methods, expires_at: parent.expires_at, user: parent.user, domain: { id: s.account.id, name: s.account.name } })
  })

  it('refuses garbage, tampered and revoked tokens with the password login 401', async () => {
    const good = await s.adminToken()
    const flipped = good.slice(0, 60) + (good[60] === 'A' ? 'B' : 'A') + good.slice(61)
    const revoked = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name)
    const del = await call(`${s.url}/v3/auth/tokens`, { method: 'DELETE', token: good, headers: { 'x-subject-token': revoked } })
    expect(del.status).toBe(204)
    for (const bad of ['not-a-token', flipped, revoked]) {
      const res = await post(rescope(bad, { domain: { id: s.account.id } }))
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
      expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${s.url}/v3"`)
      expect(res.headers.get('x-subject-token')).toBeNull()
    }
    // A token rescoped before its parent was revoked lives on (Keystone revokes by audit id).
    const parent = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name)
    const child = (await post(rescope(parent, { project: { name: c.project, domain: { id: s.account.id } } }))).headers.get('x-subject-token')!
    expect((await call(`${s.url}/v3/auth/tokens`, { method: 'DELETE', token: good, headers: { 'x-subject-token': parent } })).status).toBe(204)
    expect((await call(`${s.url}/v3/regions`, { token: child })).status).toBe(200)
  })

  it('refuses a project of another account with 401, as a password login does', async () => {
    const other = await createAccount(s, `rescope-other-${c.flavour}`, 'Other-Passw0rd!')
    const store = new SqlIamStores({ db: s.server.db })
    const [region] = await store.projects.listRegions()
    const project = (await store.projects.findProjectByName(other.id, region!.id))
      ?? (await store.transaction((tx) => createRegionProject(tx, other.id, region!.id, isoMicros(Date.now()))))
    const original = await tokenFor(s, s.adminUser, s.adminPassword, s.account.name)
    const asPassword = await post({
      auth: { identity: { methods: ['password'], password: { user: { name: s.adminUser, password: s.adminPassword, domain: { name: s.account.name } } } }, scope: { project: { id: project.id } } },
    })
    const res = await post(rescope(original, { project: { id: project.id } }))
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
    expect(res.body).toEqual(asPassword.body)
    expect(res.headers.get('x-subject-token')).toBeNull()
    // An unknown project, too.
    expect((await post(rescope(original, { project: { id: 'f'.repeat(32) } }))).body).toEqual(UNAUTHORIZED)
  })

  it('asks for the token: a missing identity.token.id is a 400, a missing identity.token a 400', async () => {
    const noId = await post({ auth: { identity: { methods: ['token'], token: {} }, scope: { domain: { id: s.account.id } } } })
    expect(noId.status).toBe(400)
    const noToken = await post({ auth: { identity: { methods: ['token'] }, scope: { domain: { id: s.account.id } } } })
    expect(noToken.status).toBe(400)
    expect(noToken.body.error.message).toMatch(/token/)
  })

  it.skipIf(c.keystone)('the unmodified Huawei SDK: keystoneCreateScopedToken, and its model', async () => {
    const token = await s.adminToken()
    const adminId = (await call(`${s.url}/v3/users?name=${s.adminUser}`, { token })).body.users[0].id
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: adminId, description: 'rescope' } } })
    const client = iamClient(globalCredentials({ access: created.body.credential.access, secret: created.body.credential.secret }, s.account.id), s.url)
    const parent = (await validate(token)).body.token

    const scope = new iam.TokenSocpeOption().withProject(new iam.ScopeProjectOption().withName(c.project).withDomain(new iam.ScopeDomainOption().withName(s.account.name)))
    const identity = new iam.ScopedTokenIdentity(['token'], new iam.ScopedToken(token))
    const body = new iam.KeystoneCreateScopedTokenRequestBody(new iam.ScopedTokenAuth(identity, scope))
    const res = await client.keystoneCreateScopedToken(new iam.KeystoneCreateScopedTokenRequest().withBody(body))
    expect(res.httpStatusCode).toBe(201)
    // The SDK hands back the wire's own keys (its models' attribute names), header included.
    const subject = res['X-Subject-Token']
    expect(subject).toMatch(/^[A-Za-z0-9_-]{100,}$/)
    expect(Object.assign(new iam.KeystoneCreateScopedTokenResponse(), { 'X-Subject-Token': subject }).xSubjectToken).toBe(subject)
    const model = Object.assign(new iam.ScopeTokenResult(), res.token)
    expect(Object.keys(res.token).sort()).toEqual(['catalog', 'expires_at', 'issued_at', 'methods', 'project', 'roles', 'user'])
    expect(model.methods).toEqual(['token'])
    expect(model.expiresAt).toBe(parent.expires_at)
    expect(model.issuedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const user = Object.assign(new iam.ScopedTokenUser(), model.user)
    expect(user).toMatchObject({ id: adminId, name: s.adminUser, domain: { id: s.account.id, name: s.account.name } })
    expect(user.passwordExpiresAt).toBeNull()
    expect(user.osFederation).toBeUndefined()
    expect(model.project).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: c.project, domain: { id: s.account.id, name: s.account.name } })
    expect(model.roles.length).toBeGreaterThan(0)
    for (const role of model.roles) expect(Object.keys(role).sort()).toEqual(['id', 'name'])
    expect(model.catalog.length).toBeGreaterThan(0)
    expect((await call(`${s.url}/v3/regions`, { token: subject })).status).toBe(200)

    // A bad token: the SDK parses our 401.
    const failure = await client.keystoneCreateScopedToken(new iam.KeystoneCreateScopedTokenRequest().withBody(
      new iam.KeystoneCreateScopedTokenRequestBody(new iam.ScopedTokenAuth(new iam.ScopedTokenIdentity(['token'], new iam.ScopedToken('not-a-token')), scope)),
    )).then(() => undefined, (e: unknown) => e)
    expect(failure).toMatchObject({ httpStatusCode: 401, errorCode: 401, errorMsg: UNAUTHORIZED.error.message })
  })
})
