/**
 * Keystone's trusts (OS-TRUST) in the keystone flavour: the CRUD API with Keystone 22's policies
 * (trustor, trustee, administrator), checks and texts, and trust-scoped tokens: who they act as,
 * what they carry, and what ends them (deletion, expiry, the trustor losing the role, use count).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'

const TAIL = ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.'

function error(code: number, message: string) {
  const title = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' }[code]
  return { error: { code, message, title } }
}
const forbidden = (what?: string) => error(403, what ? `You are not authorized to perform the requested action: ${what}.` : 'You are not authorized to perform the requested action.')

function passwordAuth(userId: string, password: string, scope?: unknown) {
  return { auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, ...(scope === undefined ? {} : { scope }) } }
}

interface User { id: string; password: string }

describe('keystone trusts (OS-TRUST)', () => {
  let s: TestServer
  let admin: string
  let projectId: string
  let trustor: User
  let trustee: User
  let stranger: User
  let trustorToken: string
  let delegated: { id: string; name: string }
  let kept: { id: string; name: string }
  const trusts = () => `${s.url}/v3/OS-TRUST/trusts`

  async function createUser(name: string): Promise<User> {
    const password = `${name}-Passw0rd`
    const res = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password, domain_id: 'default' } } })
    expect(res.status).toBe(201)
    return { id: res.body.user.id, password }
  }
  async function createRole(name: string) {
    const res = await call(`${s.url}/v3/roles`, { method: 'POST', token: admin, body: { role: { name } } })
    expect(res.status).toBe(201)
    return { id: res.body.role.id as string, name }
  }
  async function grant(userId: string, roleId: string, method = 'PUT') {
    const res = await call(`${s.url}/v3/projects/${projectId}/users/${userId}/roles/${roleId}`, { method, token: admin })
    expect(res.status).toBe(204)
  }
  async function token(body: unknown): Promise<{ status: number; body: any; token: string | null }> {
    const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body })
    return { status: res.status, body: res.body, token: res.headers.get('x-subject-token') }
  }
  async function projectToken(user: User): Promise<string> {
    const res = await token(passwordAuth(user.id, user.password, { project: { id: projectId } }))
    expect(res.status).toBe(201)
    return res.token!
  }
  function trustBody(extra: Record<string, unknown> = {}) {
    return { trust: { trustor_user_id: trustor.id, trustee_user_id: trustee.id, project_id: projectId, impersonation: true, roles: [{ name: delegated.name }], ...extra } }
  }
  async function createTrust(extra: Record<string, unknown> = {}, as = trustorToken) {
    const res = await call(trusts(), { method: 'POST', token: as, body: trustBody(extra) })
    expect(res.status, res.text).toBe(201)
    return res.body.trust
  }
  const trustScope = (id: string) => ({ 'OS-TRUST:trust': { id } })

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    const project = await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'trusts', domain_id: 'default' } } })
    projectId = project.body.project.id
    ;[trustor, trustee, stranger] = [await createUser('trustor'), await createUser('trustee'), await createUser('stranger')]
    delegated = await createRole('delegated')
    kept = await createRole('kept')
    const member = (await call(`${s.url}/v3/roles?name=member`, { token: admin })).body.roles[0].id
    for (const role of [delegated.id, kept.id]) await grant(trustor.id, role)
    for (const user of [trustee, stranger]) await grant(user.id, member)
    trustorToken = await projectToken(trustor)
  })
  afterAll(() => s.close())

  it('creates a trust as Keystone shows it: the columns, extra attributes, the roles in full, no allow_redelegation', async () => {
    const expires = new Date(Date.now() + 3600_000).toISOString().slice(0, 19) + 'Z'
    const res = await call(trusts(), { method: 'POST', token: trustorToken, body: trustBody({ expires_at: expires, allow_redelegation: false, colour: 'blue' }) })
    expect(res.status).toBe(201)
    const t = res.body.trust
    expect(t.id).toMatch(/^[0-9a-f]{32}$/)
    expect(t).toEqual({
      id: t.id, trustor_user_id: trustor.id, trustee_user_id: trustee.id, project_id: projectId, impersonation: true,
      expires_at: expires.replace('Z', '.000000Z'), remaining_uses: null, deleted_at: null, redelegated_trust_id: null, redelegation_count: 0,
      colour: 'blue',
      links: { self: `${s.url}/v3/OS-TRUST/trusts/${t.id}` },
      roles: [{ id: delegated.id, name: delegated.name, domain_id: null, description: '', options: {}, links: { self: `${s.url}/v3/roles/${delegated.id}` } }],
      roles_links: { self: `${s.url}/v3/OS-TRUST/trusts/${t.id}/roles`, next: null, previous: null },
    })
    // The trustor and the trustee read it; the trust's roles, one by one and by HEAD.
    const trusteeToken = await projectToken(trustee)
    for (const as of [trustorToken, trusteeToken]) {
      const got = await call(`${trusts()}/${t.id}`, { token: as })
      expect(got.status).toBe(200)
      expect(got.body.trust).toEqual(t)
    }
    const roles = await call(`${trusts()}/${t.id}/roles`, { token: trusteeToken })
    expect(roles.status).toBe(200)
    expect(roles.body).toEqual({ roles: t.roles, links: t.roles_links })
    const role = await call(`${trusts()}/${t.id}/roles/${delegated.id}`, { token: trustorToken })
    expect(role.status).toBe(200)
    expect(role.body).toEqual({ role: t.roles[0] })
    expect((await call(`${trusts()}/${t.id}/roles/${delegated.id}`, { method: 'HEAD', token: trustorToken })).status).toBe(200)
    const notDelegated = await call(`${trusts()}/${t.id}/roles/${kept.id}`, { token: trustorToken })
    expect(notDelegated.status).toBe(404)
    expect(notDelegated.body).toEqual(error(404, `Could not find role: ${kept.id}.`))
    expect((await call(`${trusts()}/${t.id}/roles/${kept.id}`, { method: 'HEAD', token: trustorToken })).status).toBe(404)
    // Anyone else: 403 for a trust that exists, 404 for one that does not.
    const strangerToken = await projectToken(stranger)
    for (const [path, action] of [['', 'get_trust'], ['/roles', 'list_roles_for_trust'], [`/roles/${delegated.id}`, 'get_role_for_trust']] as const) {
      const refused = await call(`${trusts()}/${t.id}${path}`, { token: strangerToken })
      expect(refused.status).toBe(403)
      expect(refused.body).toEqual(forbidden(`identity:${action}`))
    }
    const unknown = await call(`${trusts()}/nosuchtrust`, { token: strangerToken })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual(error(404, 'Could not find trust: nosuchtrust.'))
    const deleted = await call(`${trusts()}/${t.id}`, { method: 'DELETE', token: strangerToken })
    expect(deleted.body).toEqual(forbidden('identity:delete_trust'))
    expect((await call(`${trusts()}/${t.id}`, { method: 'DELETE', token: trusteeToken })).status).toBe(403)
    expect((await call(`${trusts()}/${t.id}`, { method: 'DELETE', token: trustorToken })).status).toBe(204)
    expect((await call(`${trusts()}/${t.id}`, { token: trustorToken })).body).toEqual(error(404, `Could not find trust: ${t.id}.`))
    expect((await call(`${trusts()}/${t.id}`, { method: 'DELETE', token: trustorToken })).status).toBe(404)
  })

  it('lists a trustor\'s trusts to the trustor, a trustee\'s to the trustee, all of them to an administrator', async () => {
    const t = await createTrust({ impersonation: false })
    const trusteeToken = await projectToken(trustee)
    const strangerToken = await projectToken(stranger)
    const mine = await call(`${trusts()}/?trustor_user_id=${trustor.id}`, { token: trustorToken })
    expect(mine.status).toBe(200)
    expect(mine.body.links).toEqual({ self: `${s.url}/v3/OS-TRUST/trusts/?trustor_user_id=${trustor.id}`, previous: null, next: null })
    const summary = mine.body.trusts.find((x: { id: string }) => x.id === t.id)
    expect(summary).toEqual({ ...t, roles: undefined, roles_links: undefined })
    expect(Object.keys(summary)).not.toContain('roles')
    expect((await call(`${trusts()}?trustee_user_id=${trustee.id}`, { token: trusteeToken })).body.trusts.map((x: { id: string }) => x.id)).toContain(t.id)
    expect((await call(`${trusts()}?trustor_user_id=${trustor.id}`, { token: strangerToken })).body).toEqual(forbidden('identity:list_trusts_for_trustor'))
    expect((await call(`${trusts()}?trustee_user_id=${trustee.id}`, { token: strangerToken })).body).toEqual(forbidden('identity:list_trusts_for_trustee'))
    expect((await call(trusts(), { token: trustorToken })).body).toEqual(forbidden('identity:list_trusts'))
    const all = await call(trusts(), { token: admin })
    expect(all.status).toBe(200)
    expect(all.body.trusts.map((x: { id: string }) => x.id)).toContain(t.id)
    // Keystone reads only the two filters: any other parameter lists nothing.
    expect((await call(`${trusts()}?project_id=${projectId}`, { token: admin })).body.trusts).toEqual([])
    expect((await call(`${trusts()}/${t.id}`, { method: 'DELETE', token: trustorToken })).status).toBe(204)
  })

  it('refuses bad trusts with Keystone\'s statuses and texts', async () => {
    const refuse = async (body: unknown, status: number, expected: unknown, as = trustorToken) => {
      const res = await call(trusts(), { method: 'POST', token: as, body })
      expect(res.status, res.text).toBe(status)
      expect(res.body).toEqual(expected)
    }
    await refuse(trustBody(), 403, forbidden('identity:create_trust'), await projectToken(stranger))
    // The policy comes before the schema, as in Keystone: an invalid body that is not the caller's is 403.
    await refuse({ trust: { trustor_user_id: trustor.id } }, 403, forbidden('identity:create_trust'), await projectToken(stranger))
    await refuse({ nothing: true }, 403, forbidden('identity:create_trust'))
    await refuse(trustBody({ roles: [] }), 403, forbidden('At least one role should be specified'))
    await refuse(trustBody({ trustee_user_id: 'nobody' }), 404, error(404, 'Could not find user: nobody.'))
    await refuse(trustBody({ roles: [{ name: 'no-such-role' }] }), 404, error(404, 'Role no-such-role is not defined'))
    const member = (await call(`${s.url}/v3/roles?name=member`, { token: admin })).body.roles[0].id
    await refuse(trustBody({ roles: [{ id: member }] }), 404, error(404, `Could not find role: ${member}.`))
    await refuse(trustBody({ project_id: 'nosuchproject' }), 404, error(404, 'Could not find project: nosuchproject.'))
    await refuse(trustBody({ project_id: null }), 404, error(404, `Could not find role: ${delegated.id}.`))
    await refuse(trustBody({ expires_at: 'bad.123Z' }), 400, error(400, `Timestamp not in expected format.${TAIL}`))
    await refuse(trustBody({ expires_at: '2026-01-01T00:00:00+01:00' }), 400, error(400, `Timestamp not in expected format.${TAIL}`))
    await refuse(trustBody({ expires_at: '2001-01-01T00:00:00Z' }), 400, error(400, `The 'expires_at' must not be before now.${TAIL}`))
    await refuse(trustBody({ allow_redelegation: true, remaining_uses: 2 }), 400, error(400, 'remaining_uses must not be set if redelegation is allowed'))
    await refuse(trustBody({ allow_redelegation: true, redelegation_count: 4 }), 403, forbidden())
    const badRemaining = await call(trusts(), { method: 'POST', token: trustorToken, body: trustBody({ remaining_uses: 0 }) })
    expect(badRemaining.status).toBe(400)
    const noImpersonation = await call(trusts(), { method: 'POST', token: trustorToken, body: { trust: { trustor_user_id: trustor.id, trustee_user_id: trustee.id } } })
    expect(noImpersonation.status).toBe(400)
    expect(noImpersonation.body.error.message).toContain('impersonation')
    // The same delegation with the same expiry twice: Keystone's duplicate_trust_constraint.
    const expires = new Date(Date.now() + 3600_000).toISOString()
    const first = await createTrust({ expires_at: expires })
    const again = await call(trusts(), { method: 'POST', token: trustorToken, body: trustBody({ expires_at: expires }) })
    expect(again.status).toBe(409)
    expect(again.body.error.message).toMatch(/^Conflict occurred attempting to store trust - Duplicate entry found with ID [0-9a-f]{32}\.$/)
    await call(`${trusts()}/${first.id}`, { method: 'DELETE', token: trustorToken })
  })

  it('gives the trustee a token on the trust\'s project with its roles, acting as the trustor when impersonating', async () => {
    for (const impersonation of [true, false]) {
      const t = await createTrust({ impersonation })
      const res = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      const body = res.body.token
      const acting = impersonation ? trustor : trustee
      expect(body.user).toEqual({ domain: { id: 'default', name: 'Default' }, id: acting.id, name: impersonation ? 'trustor' : 'trustee', password_expires_at: null })
      expect(body['OS-TRUST:trust']).toEqual({ id: t.id, impersonation, trustee_user: { id: trustee.id }, trustor_user: { id: trustor.id } })
      expect(body.project).toEqual({ domain: { id: 'default', name: 'Default' }, id: projectId, name: 'trusts' })
      expect(body.roles).toEqual([{ id: delegated.id, name: delegated.name }])
      expect(body.methods).toEqual(['password'])
      expect(body.is_domain).toBeUndefined()
      // Validated, it says the same; it acts as whom it names.
      const validated = await call(`${s.url}/v3/auth/tokens?nocatalog`, { token: admin, headers: { 'x-subject-token': res.token! } })
      expect(validated.status).toBe(200)
      expect(validated.body.token['OS-TRUST:trust']).toEqual(body['OS-TRUST:trust'])
      expect(validated.body.token.user.id).toBe(acting.id)
      const own = await call(`${trusts()}?trustor_user_id=${trustor.id}`, { token: res.token! })
      expect(own.status).toBe(impersonation ? 200 : 403)
      // A trust token makes no other token (Keystone's words).
      const rescoped = await token({ auth: { identity: { methods: ['token'], token: { id: res.token } }, scope: { project: { id: projectId } } } })
      expect(rescoped.status).toBe(403)
      expect(rescoped.body).toEqual(forbidden('Using trust-scoped token to create another token. Create a new trust-scoped token instead'))
      // Deleting the trust ends its tokens at once.
      expect((await call(`${trusts()}/${t.id}`, { method: 'DELETE', token: trustorToken })).status).toBe(204)
      expect((await call(`${s.url}/v3/auth/tokens`, { method: 'HEAD', token: admin, headers: { 'x-subject-token': res.token! } })).status).toBe(404)
      expect((await call(`${s.url}/v3/auth/projects`, { token: res.token! })).status).toBe(401)
      expect((await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))).status).toBe(401)
    }
  })

  it('scopes a trustee\'s token by the token method, refuses others than the trustee and bad scopes', async () => {
    const t = await createTrust({ remaining_uses: 2 })
    const strangerRefused = await token(passwordAuth(stranger.id, stranger.password, trustScope(t.id)))
    expect(strangerRefused.status).toBe(403)
    expect(strangerRefused.body).toEqual(forbidden())
    const unscoped = await token(passwordAuth(trustee.id, trustee.password))
    const viaToken = await token({ auth: { identity: { methods: ['token'], token: { id: unscoped.token } }, scope: trustScope(t.id) } })
    expect(viaToken.status).toBe(201)
    expect(viaToken.body.token.methods).toEqual(['token', 'password'])
    expect(viaToken.body.token.expires_at).toBe(unscoped.body.token.expires_at)
    // The refusal took no use; the token took one, the next takes the last, then the trust is gone.
    expect((await call(`${trusts()}/${t.id}`, { token: trustorToken })).body.trust.remaining_uses).toBe(1)
    const last = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
    expect(last.status).toBe(201)
    expect((await call(`${trusts()}/${t.id}`, { token: trustorToken })).status).toBe(404)
    expect((await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))).body).toEqual(error(401, 'The request you have made requires authentication.'))
    // Tokens already given keep working (the count counts tokens issued).
    expect((await call(`${s.url}/v3/auth/projects`, { token: last.token! })).status).toBe(200)
    const missingId = await token(passwordAuth(trustee.id, trustee.password, { 'OS-TRUST:trust': {} }))
    expect(missingId.body).toEqual(error(400, `Expecting to find trust_id in trust.${TAIL}`))
    const two = await token(passwordAuth(trustee.id, trustee.password, { ...trustScope(t.id), project: { id: projectId } }))
    expect(two.body).toEqual(error(400, `Expecting to find system, project, domain, OS-TRUST:trust or unscoped in scope.${TAIL}`))
    expect((await token(passwordAuth(trustee.id, trustee.password, { 'OS-TRUST:trust': '' }))).status).toBe(400)
  })

  it('ends trust tokens when the trustor loses the delegated role, and refuses new ones', async () => {
    const extra = await createRole('lost')
    await grant(trustor.id, extra.id)
    const t = await createTrust({ roles: [{ id: extra.id }] })
    const res = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
    expect(res.status).toBe(201)
    await grant(trustor.id, extra.id, 'DELETE')
    expect((await call(`${s.url}/v3/auth/projects`, { token: res.token! })).status).toBe(401)
    const again = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
    expect(again.status).toBe(403)
    expect(again.body).toEqual(forbidden())
  })

  it('ends a trust at its expiry: 404 to reads, 401 to tokens', async () => {
    const t = await createTrust({ expires_at: new Date(Date.now() + 1500).toISOString() })
    const res = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
    expect(res.status).toBe(201)
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect((await call(`${trusts()}/${t.id}`, { token: trustorToken })).status).toBe(404)
    expect((await call(`${s.url}/v3/auth/projects`, { token: res.token! })).status).toBe(401)
    expect((await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))).status).toBe(401)
  })

  it('redelegates within the limits of the trust a trust token was made from, and deletes the chain with its first trust', async () => {
    const parent = await createTrust({ allow_redelegation: true, expires_at: new Date(Date.now() + 3600_000).toISOString() })
    expect(parent.redelegation_count).toBe(3)
    const trustToken = (await token(passwordAuth(trustee.id, trustee.password, trustScope(parent.id)))).token!
    const next = await createUser('second-trustee')
    const child = await createTrust({ trustee_user_id: next.id, allow_redelegation: true }, trustToken)
    expect(child.redelegated_trust_id).toBe(parent.id)
    expect(child.redelegation_count).toBe(2)
    expect(child.expires_at).toBe(parent.expires_at)
    // Longer than the parent, or a count other than the parent's less one: 403.
    const refused = await call(trusts(), { method: 'POST', token: trustToken, body: trustBody({ trustee_user_id: stranger.id, expires_at: new Date(Date.now() + 7200_000).toISOString() }) })
    expect(refused.body).toEqual(forbidden())
    const wrongCount = await call(trusts(), { method: 'POST', token: trustToken, body: trustBody({ trustee_user_id: stranger.id, allow_redelegation: true, redelegation_count: 1 }) })
    expect(wrongCount.body).toEqual(forbidden())
    // A trust that allows no redelegation makes no trust.
    const plain = await createTrust({ trustee_user_id: next.id, impersonation: true })
    const plainToken = (await token(passwordAuth(next.id, next.password, trustScope(plain.id)))).token!
    expect((await call(trusts(), { method: 'POST', token: plainToken, body: trustBody({ trustee_user_id: stranger.id }) })).body).toEqual(forbidden())
    expect((await call(`${trusts()}/${parent.id}`, { method: 'DELETE', token: trustorToken })).status).toBe(204)
    expect((await call(`${trusts()}/${child.id}`, { token: trustorToken })).status).toBe(404)
    await call(`${trusts()}/${plain.id}`, { method: 'DELETE', token: trustorToken })
  })

  it('ends trust tokens when the trustor is disabled or changes password, as Keystone\'s revocations by trustor do', async () => {
    const lender = await createUser('lender')
    await grant(lender.id, delegated.id)
    const lenderToken = await projectToken(lender)
    const t = await createTrust({ trustor_user_id: lender.id }, lenderToken)
    const first = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
    expect(first.status).toBe(201)
    const changed = await call(`${s.url}/v3/users/${lender.id}/password`, {
      method: 'POST', token: lenderToken, body: { user: { original_password: lender.password, password: 'lender-New-Passw0rd' } },
    })
    expect(changed.status).toBe(204)
    expect((await call(`${s.url}/v3/auth/projects`, { token: first.token! })).status).toBe(401)
    const second = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
    expect(second.status).toBe(201)
    expect((await call(`${s.url}/v3/users/${lender.id}`, { method: 'PATCH', token: admin, body: { user: { enabled: false } } })).status).toBe(200)
    expect((await call(`${s.url}/v3/auth/projects`, { token: second.token! })).status).toBe(401)
    const refused = await token(passwordAuth(trustee.id, trustee.password, trustScope(t.id)))
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual(forbidden())
  })

  it('forgets the trusts of a deleted trustee', async () => {
    const gone = await createUser('gone')
    const t = await createTrust({ trustee_user_id: gone.id })
    expect((await call(`${s.url}/v3/users/${gone.id}`, { method: 'DELETE', token: admin })).status).toBe(204)
    expect((await call(`${trusts()}/${t.id}`, { token: trustorToken })).status).toBe(404)
    expect((await call(`${trusts()}?trustor_user_id=${trustor.id}`, { token: trustorToken })).body.trusts.map((x: { id: string }) => x.id)).not.toContain(t.id)
  })
})
