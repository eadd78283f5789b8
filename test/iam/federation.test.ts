/**
 * Identity federation over HTTP (issue 20, spec iam-federation.md), huaweicloud flavour unless
 * said: identity providers, mappings, protocols and OIDC configurations with their exact bodies
 * and refusals; the OIDC ID-token exchanges against the test identity provider
 * (helpers/oidc-idp.ts), every refusal with its exact error; federated tokens (OS-FEDERATION
 * section, permissions from the mapped groups, rescoping, scoping lists, disabling the provider);
 * the CI-workload scenario end to end; the audit trail; account deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, base64url } from 'jose'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { createOidcIdp, type TestOidcIdp } from '../helpers/oidc-idp.js'
import { exportState } from '../../src/state/export-state.js'
import { importState } from '../../src/state/import-state.js'

const PASSWORD = 'Federation-Passw0rd!'
const FED = '/v3/OS-FEDERATION'
const oidcConfigPath = (idp: string) => `/v3.0/OS-FEDERATION/identity-providers/${idp}/openid-connect-config`
const keystoneError = (code: number, message: string) => {
  const title = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' }[code]
  return { error: { code, message, title } }
}
const flat = (code: string, message: string) => ({ error_msg: message, error_code: code })
const UNAUTHORIZED_FLAT = flat('IAM.0001', 'The request you have made requires authentication.')
const nowSeconds = () => Math.floor(Date.now() / 1000)

describe('identity federation (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let idp: TestOidcIdp
  const api = async (method: string, path: string, body?: unknown, token = admin) => call(`${s.url}${path}`, { method, token, body })
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await api(method, path, body)
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  const exchange = (idToken: string, idpId: string | null = 'ci', scope?: unknown) =>
    call(`${s.url}/v3.0/OS-AUTH/id-token/tokens`, {
      method: 'POST', headers: idpId === null ? {} : { 'x-idp-id': idpId }, body: { auth: { id_token: { id: idToken }, ...(scope ? { scope } : {}) } },
    })
  let deployers: string
  let project: string
  let listUsersOnly: string

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
    idp = await createOidcIdp()
    // The CI workload's group may list users, nothing else, on the account; and holds te_admin on one project.
    deployers = (await ok('POST', '/v3/groups', { group: { name: 'ci-deployers' } })).group.id
    const policy = await ok('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'ListUsersOnly', type: 'AX', description: 'CI', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['iam:users:listUsers'] }] } } })
    listUsersOnly = policy.role.id
    await ok('PUT', `/v3/domains/${s.account.id}/groups/${deployers}/roles/${policy.role.id}`)
    project = (await ok('POST', '/v3/projects', { project: { name: 'cn-north-4_ci' } })).project.id
    const teAdmin = (await ok('GET', '/v3/roles?name=te_admin')).roles[0].id
    await ok('PUT', `/v3/projects/${project}/groups/${deployers}/roles/${teAdmin}`)
    // The CI provider: sub → user name, groups claim → groups (whitelisted), protocol oidc.
    await ok('PUT', `${FED}/identity_providers/ci`, { identity_provider: { description: 'CI system', enabled: true } })
    await ok('PUT', `${FED}/mappings/ci-map`, {
      mapping: { rules: [{ local: [{ user: { name: 'ci-{0}' } }, { groups: '{1}' }], remote: [{ type: 'sub' }, { type: 'groups', whitelist: ['ci-deployers', 'ghost-group'] }] }] },
    })
    await ok('PUT', `${FED}/identity_providers/ci/protocols/oidc`, { protocol: { mapping_id: 'ci-map' } })
    await ok('POST', oidcConfigPath('ci'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey } })
  }, 120_000)
  afterAll(() => s.close())

  describe('identity providers', () => {
    it('creates with the defaults (disabled, virtual_user_sso), shows, lists, updates and deletes', async () => {
      const created = await api('PUT', `${FED}/identity_providers/idp-a`, { identity_provider: {} })
      expect(created.status).toBe(201)
      const self = `${s.url}${FED}/identity_providers/idp-a`
      const entity = { id: 'idp-a', description: '', enabled: false, sso_type: 'virtual_user_sso', remote_ids: [], links: { self, protocols: `${self}/protocols` } }
      expect(created.body).toEqual({ identity_provider: entity })
      expect((await api('GET', `${FED}/identity_providers/idp-a`)).body).toEqual({ identity_provider: entity })
      const list = await api('GET', `${FED}/identity_providers`)
      expect(list.body.links).toEqual({ self: `${s.url}${FED}/identity_providers`, previous: null, next: null })
      expect(list.body.identity_providers.map((p: { id: string }) => p.id)).toEqual(['ci', 'idp-a'])
      const updated = await api('PATCH', `${FED}/identity_providers/idp-a`, { identity_provider: { description: 'A', enabled: true } })
      expect(updated.status).toBe(200)
      expect(updated.body.identity_provider).toMatchObject({ description: 'A', enabled: true })
      expect((await api('DELETE', `${FED}/identity_providers/idp-a`)).status).toBe(204)
      expect(await api('GET', `${FED}/identity_providers/idp-a`)).toMatchObject({ status: 404, body: keystoneError(404, 'Could not find Identity Provider: idp-a.') })
    })

    it('refuses a taken id, also one another account holds (ids are server-wide), and a bad one', async () => {
      expect(await api('PUT', `${FED}/identity_providers/ci`, { identity_provider: {} }))
        .toMatchObject({ status: 409, body: keystoneError(409, 'Conflict occurred attempting to store identity_provider - Duplicate entry: ci.') })
      const other = await createAccount(s, 'fed-other', PASSWORD)
      const otherAdmin = await tokenFor(s, 'admin', PASSWORD, other.name)
      expect((await api('PUT', `${FED}/identity_providers/ci`, { identity_provider: {} }, otherAdmin)).status).toBe(409)
      // …but another account's provider is not found from here.
      expect((await api('GET', `${FED}/identity_providers/ci`, undefined, otherAdmin)).body).toEqual(keystoneError(404, 'Could not find Identity Provider: ci.'))
      expect(await api('PUT', `${FED}/identity_providers/bad!id`, { identity_provider: {} }))
        .toMatchObject({ status: 400, body: keystoneError(400, "Invalid input for field 'identity_provider/id': 'bad!id' does not match '^[\\w-]{1,64}$'") })
    })

    it('validates bodies: wrapper, sso_type, unknown keys (remote_ids is read-only on the clouds), an empty or sso_type update', async () => {
      for (const body of [{}, { identity_provider: { sso_type: 'other' } }, { identity_provider: { remote_ids: ['x'] } }]) {
        const res = await api('PUT', `${FED}/identity_providers/idp-v`, body)
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.body.error.code).toBe(400)
      }
      for (const body of [{ identity_provider: {} }, { identity_provider: { sso_type: 'iam_user_sso' } }]) {
        expect((await api('PATCH', `${FED}/identity_providers/ci`, body)).status, JSON.stringify(body)).toBe(400)
      }
    })

    it('keeps one sso_type per account, one iam_user_sso provider, and at most 10 providers (OQ-12)', async () => {
      const account = await createAccount(s, 'fed-limits', PASSWORD)
      const token = await tokenFor(s, 'admin', PASSWORD, account.name)
      expect((await api('PUT', `${FED}/identity_providers/lim-sso`, { identity_provider: { sso_type: 'iam_user_sso' } }, token)).status).toBe(201)
      expect(await api('PUT', `${FED}/identity_providers/lim-sso2`, { identity_provider: { sso_type: 'iam_user_sso' } }, token))
        .toMatchObject({ status: 409, body: keystoneError(409, 'Conflict occurred attempting to store identity_provider - sso_type conflict.') })
      expect((await api('PUT', `${FED}/identity_providers/lim-virtual`, { identity_provider: {} }, token)).status).toBe(409)
      expect((await api('DELETE', `${FED}/identity_providers/lim-sso`, undefined, token)).status).toBe(204)
      for (let i = 0; i < 10; i++) expect((await api('PUT', `${FED}/identity_providers/lim-${i}`, { identity_provider: {} }, token)).status).toBe(201)
      expect(await api('PUT', `${FED}/identity_providers/lim-10`, { identity_provider: {} }, token))
        .toMatchObject({ status: 409, body: keystoneError(409, 'Conflict occurred attempting to store identity_provider - identity provider quota exceeded.') })
    })
  })

  describe('mappings', () => {
    const rules = [{ remote: [{ type: 'email', any_one_of: ['@example\\.com$'], regex: true }], local: [{ group: { name: 'ci-deployers' }, user: { name: 'x' } }] }]

    it('stores the rules as sent (key order kept), replaces them on update, refuses a deletion while a protocol uses it', async () => {
      const created = await api('PUT', `${FED}/mappings/m-1`, { mapping: { rules } })
      expect(created.status).toBe(201)
      expect(created.text).toContain('"rules":[{"remote":[{"type":"email","any_one_of":["@example\\\\.com$"],"regex":true}],"local":[{"group":{"name":"ci-deployers"},"user":{"name":"x"}}]}]')
      expect(created.body).toEqual({ mapping: { id: 'm-1', rules, links: { self: `${s.url}${FED}/mappings/m-1` } } })
      const replaced = [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'sub' }] }]
      expect((await api('PATCH', `${FED}/mappings/m-1`, { mapping: { rules: replaced } })).body.mapping.rules).toEqual(replaced)
      expect((await api('GET', `${FED}/mappings`)).body.mappings.map((m: { id: string }) => m.id)).toEqual(['ci-map', 'm-1'])
      expect(await api('DELETE', `${FED}/mappings/ci-map`)).toMatchObject({
        status: 409, body: keystoneError(409, 'Conflict occurred attempting to store mapping - the mapping ci-map is used by the protocol oidc of the identity provider ci.'),
      })
      expect((await api('DELETE', `${FED}/mappings/m-1`)).status).toBe(204)
      expect((await api('GET', `${FED}/mappings/m-1`)).body).toEqual(keystoneError(404, 'Could not find mapping: m-1.'))
      expect(await api('PUT', `${FED}/mappings/ci-map`, { mapping: { rules } }))
        .toMatchObject({ status: 409, body: keystoneError(409, 'Conflict occurred attempting to store mapping - Duplicate entry: ci-map.') })
    })

    it('refuses rules the language does not allow, with Keystone\'s wording', async () => {
      expect(await api('PUT', `${FED}/mappings/m-bad`, { mapping: { rules: [{ local: [] }] } }))
        .toMatchObject({ status: 400, body: keystoneError(400, "Invalid input for field 'mapping/rules/0': 'remote' is a required property") })
      expect(await api('PUT', `${FED}/mappings/m-bad`, { mapping: { rules: [{ local: [{ user: { name: '{2}' } }], remote: [{ type: 'a' }] }] } }))
        .toMatchObject({ status: 400, body: keystoneError(400, "Invalid input for field 'mapping/rules/0/local/0': placeholder {2} names no remote value (the rule yields 1)") })
      expect((await api('PUT', `${FED}/mappings/m-bad`, { mapping: {} })).status).toBe(400)
    })
  })

  describe('protocols', () => {
    it('binds a mapping to a provider: saml or oidc, one per provider, a mapping of the account', async () => {
      await ok('PUT', `${FED}/identity_providers/p-idp`, { identity_provider: {} })
      expect(await api('PUT', `${FED}/identity_providers/p-idp/protocols/saml`, { protocol: { mapping_id: 'nope' } }))
        .toMatchObject({ status: 400, body: keystoneError(400, 'Invalid mapping id: nope') })
      expect(await api('PUT', `${FED}/identity_providers/p-idp/protocols/openid`, { protocol: {} }))
        .toMatchObject({ status: 400, body: keystoneError(400, "Invalid input for field 'protocol/id': 'openid' is not one of ['saml', 'oidc']") })
      const created = await api('PUT', `${FED}/identity_providers/p-idp/protocols/saml`, { protocol: { mapping_id: 'ci-map' } })
      const idpUrl = `${s.url}${FED}/identity_providers/p-idp`
      const entity = { id: 'saml', mapping_id: 'ci-map', links: { identity_provider: idpUrl, self: `${idpUrl}/protocols/saml` } }
      expect(created).toMatchObject({ status: 201, body: { protocol: entity } })
      expect((await api('GET', `${FED}/identity_providers/p-idp/protocols/saml`)).body).toEqual({ protocol: entity })
      expect((await api('GET', `${FED}/identity_providers/p-idp/protocols`)).body).toEqual({ protocols: [entity], links: { self: `${idpUrl}/protocols`, previous: null, next: null } })
      expect((await api('PUT', `${FED}/identity_providers/p-idp/protocols/oidc`, { protocol: {} })).status).toBe(409)
      expect((await api('PATCH', `${FED}/identity_providers/p-idp/protocols/saml`, { protocol: {} })).body.protocol.mapping_id).toBe('ci-map')
      expect((await api('DELETE', `${FED}/identity_providers/p-idp/protocols/saml`)).status).toBe(204)
      expect((await api('GET', `${FED}/identity_providers/p-idp/protocols/saml`)).body)
        .toEqual(keystoneError(404, 'Could not find federated protocol saml for Identity Provider: p-idp.'))
      expect((await api('GET', `${FED}/identity_providers/nope/protocols`)).body).toEqual(keystoneError(404, 'Could not find Identity Provider: nope.'))
    })

    it('deleting a provider takes its protocols, OIDC configuration and console mapping mapping_<id> along (OQ-9)', async () => {
      await ok('PUT', `${FED}/identity_providers/gone`, { identity_provider: {} })
      await ok('PUT', `${FED}/mappings/mapping_gone`, { mapping: { rules: [{ local: [{ user: { name: 'FederationUser' } }], remote: [{ type: '__NAMEID__' }] }] } })
      await ok('PUT', `${FED}/identity_providers/gone/protocols/oidc`, { protocol: { mapping_id: 'mapping_gone' } })
      await ok('POST', oidcConfigPath('gone'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey } })
      expect((await api('DELETE', `${FED}/identity_providers/gone`)).status).toBe(204)
      expect((await api('GET', `${FED}/mappings/mapping_gone`)).status).toBe(404)
      await ok('PUT', `${FED}/identity_providers/gone`, { identity_provider: {} })
      expect((await api('GET', `${FED}/identity_providers/gone/protocols`)).body.protocols).toEqual([])
      expect(await api('GET', oidcConfigPath('gone'))).toMatchObject({ status: 404, body: flat('IAM.0004', 'Could not find openid_connect_config: gone.') })
    })
  })

  describe('OIDC configuration (flat errors)', () => {
    it('shows the configuration, console-only fields null in program mode; a second one is 409; PUT merges', async () => {
      const shown = await api('GET', oidcConfigPath('ci'))
      expect(shown.body).toEqual({
        openid_connect_config: {
          access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, authorization_endpoint: null, scope: null, response_type: null, response_mode: null, signing_key: idp.signingKey,
        },
      })
      expect(await api('POST', oidcConfigPath('ci'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey } }))
        .toMatchObject({ status: 409, body: flat('IAM.0005', 'Conflict occurred attempting to store openid_connect_config - Duplicate entry: ci.') })
      const console = { access_mode: 'program_console', authorization_endpoint: 'https://idp.test/authorize', scope: 'openid email', response_type: 'id_token', response_mode: 'form_post' }
      const merged = await api('PUT', oidcConfigPath('ci'), { openid_connect_config: console })
      expect(merged.status).toBe(200)
      expect(merged.body.openid_connect_config).toMatchObject({ ...console, idp_url: idp.issuer, client_id: idp.clientId })
      await ok('PUT', oidcConfigPath('ci'), { openid_connect_config: { access_mode: 'program' } })
    })

    it('refuses a bad body with the clouds\' codes, and an unknown provider with IAM.0004', async () => {
      await ok('PUT', `${FED}/identity_providers/o-idp`, { identity_provider: {} })
      const base = { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey }
      const privateJwks = JSON.stringify({ keys: [{ ...idp.keyA.jwk, d: 'AAAA' }] })
      const refusals: [unknown, unknown][] = [
        [{ openid_connect_config: { ...base, client_id: 'abc' } }, flat('IAM.0011', 'Request body is invalid.')],
        [{ openid_connect_config: { ...base, signing_key: privateJwks } }, flat('IAM.0011', 'Request body is invalid.')],
        [{ openid_connect_config: { ...base, signing_key: '{"keys":[]}        ' } }, flat('IAM.0011', 'Request body is invalid.')],
        [{ openid_connect_config: { ...base, access_mode: 'program_console' } }, flat('IAM.0072', "'authorization_endpoint' is a required property.")],
        [{ openid_connect_config: { ...base, scope: 'email profile' } }, flat('IAM.0073', "Invalid input for field 'scope'. The value is 'email profile'.")],
      ]
      for (const [body, expected] of refusals) expect(await api('POST', oidcConfigPath('o-idp'), body)).toMatchObject({ status: 400, body: expected })
      expect(await api('GET', oidcConfigPath('nope'))).toMatchObject({ status: 404, body: flat('IAM.0004', 'Could not find Identity Provider: nope.') })
    })
  })

  describe('ID token → token (createTokenWithIdToken, createUnscopedTokenWithIdToken)', () => {
    it('an unscoped token: 201, X-Subject-Token, the mapped user with its OS-FEDERATION section, the same user at every sign-in', async () => {
      const res = await exchange(await idp.idToken(nowSeconds()))
      expect(res.status).toBe(201)
      expect(res.headers.get('x-subject-token')).toMatch(/^[A-Za-z0-9_-]{40,}$/)
      const { token } = res.body
      expect(Object.keys(token)).toEqual(['methods', 'user', 'expires_at', 'issued_at'])
      expect(token.methods).toEqual(['mapped'])
      expect(token.user).toEqual({
        domain: { id: s.account.id, name: s.account.name }, id: expect.stringMatching(/^[A-Za-z0-9]{32}$/), name: 'ci-workload-1',
        'OS-FEDERATION': { identity_provider: { id: 'ci' }, protocol: { id: 'oidc' }, groups: [{ id: deployers, name: 'ci-deployers' }] },
      })
      expect(Date.parse(token.expires_at) - Date.parse(token.issued_at)).toBe(24 * 3600 * 1000)
      const again = await call(`${s.url}${FED}/identity_providers/ci/protocols/oidc/auth`, { method: 'POST', headers: { authorization: `Bearer ${await idp.idToken(nowSeconds())}` } })
      expect(again.status).toBe(201)
      expect(again.body.token.user.id).toBe(token.user.id)
      // The virtual user is no IAM user: GET /v3/users does not list it.
      expect((await ok('GET', '/v3/users')).users.map((u: { id: string }) => u.id)).not.toContain(token.user.id)
    })

    it('accepts the rotated key B, an aud array with the client (azp right), an issuer with a trailing slash, a single key without kid', async () => {
      const now = nowSeconds()
      expect((await exchange(await idp.idToken(now, {}, { key: idp.keyB }))).status).toBe(201)
      expect((await exchange(await idp.idToken(now, { aud: ['other', idp.clientId], azp: idp.clientId }))).status).toBe(201)
      expect((await exchange(await idp.idToken(now, { iss: `${idp.issuer}/` }))).status).toBe(201)
      await ok('PUT', `${FED}/identity_providers/one-key`, { identity_provider: { enabled: true } })
      await ok('PUT', `${FED}/identity_providers/one-key/protocols/oidc`, { protocol: { mapping_id: 'ci-map' } })
      await ok('POST', oidcConfigPath('one-key'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: JSON.stringify({ keys: [{ ...idp.keyA.jwk, kid: undefined }] }) } })
      expect((await exchange(await idp.idToken(now, {}, { kid: null }), 'one-key')).status).toBe(201)
    })

    it('refuses every bad ID token with 401 IAM.0001', async () => {
      const now = nowSeconds()
      const good = await idp.idToken(now)
      const [header, payload, signature] = good.split('.')
      const altered = `${header}.${base64url.encode(JSON.stringify({ ...idp.claims(now), sub: 'someone-else' }))}.${signature}`
      const none = `${base64url.encode(JSON.stringify({ alg: 'none', kid: 'A' }))}.${payload}.`
      const hs256 = await new SignJWT(idp.claims(now)).setProtectedHeader({ alg: 'HS256', kid: 'A' }).sign(new TextEncoder().encode(JSON.stringify(idp.keyA.jwk)))
      const refusals: Record<string, string> = {
        'signed by the rogue key': await idp.idToken(now, {}, { key: idp.rogue }),
        'wrong issuer': await idp.idToken(now, { iss: 'https://evil.test' }),
        'wrong audience': await idp.idToken(now, { aud: 'other-client' }),
        'aud array with a wrong azp': await idp.idToken(now, { aud: ['other', idp.clientId], azp: 'other' }),
        expired: await idp.idToken(now - 1200, { iat: now - 1200, exp: now - 600 }),
        'not yet valid (nbf beyond the skew)': await idp.idToken(now, { nbf: now + 900 }),
        'issued in the future beyond the skew': await idp.idToken(now + 900),
        'unknown kid': await idp.idToken(now, {}, { kid: 'Z' }),
        'no kid with two keys': await idp.idToken(now, {}, { kid: null }),
        'payload altered after signing': altered,
        'alg none': none,
        'HS256 with the public key (algorithm confusion)': hs256,
        'ES256 against an RSA-only JWKS': await idp.idToken(now, {}, { key: idp.ec, kid: 'A' }),
        'missing sub': await idp.idToken(now, { sub: undefined }),
        'not a JWT': 'not-a-jwt',
      }
      for (const [name, token] of Object.entries(refusals)) {
        expect(await exchange(token), name).toMatchObject({ status: 401, body: UNAUTHORIZED_FLAT })
      }
      // The /auth route words the same refusal in Keystone's shape.
      expect(await call(`${s.url}${FED}/identity_providers/ci/protocols/oidc/auth`, { method: 'POST', headers: { authorization: `Bearer ${refusals.expired}` } }))
        .toMatchObject({ status: 401, body: keystoneError(401, 'The request you have made requires authentication.') })
    })

    it('refuses by request: no rule matched 401, missing X-Idp-Id 400 IAM.0007, unknown provider 404, bad body 400, disabled provider 403', async () => {
      const now = nowSeconds()
      await ok('PUT', `${FED}/mappings/strict-map`, { mapping: { rules: [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'sub' }, { type: 'email', any_one_of: ['nobody@example.test'] }] }] } })
      await ok('PUT', `${FED}/identity_providers/strict`, { identity_provider: { enabled: true } })
      await ok('PUT', `${FED}/identity_providers/strict/protocols/oidc`, { protocol: { mapping_id: 'strict-map' } })
      await ok('POST', oidcConfigPath('strict'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey } })
      expect(await exchange(await idp.idToken(now), 'strict')).toMatchObject({ status: 401, body: UNAUTHORIZED_FLAT })
      expect(await exchange(await idp.idToken(now), null)).toMatchObject({ status: 400, body: flat('IAM.0007', "Request parameter 'idp id' is invalid.") })
      expect(await exchange(await idp.idToken(now), 'nope')).toMatchObject({ status: 404, body: flat('IAM.0004', 'Could not find Identity Provider: nope.') })
      expect(await call(`${s.url}/v3.0/OS-AUTH/id-token/tokens`, { method: 'POST', headers: { 'x-idp-id': 'ci' }, body: { auth: {} } }))
        .toMatchObject({ status: 400, body: flat('IAM.0011', 'Request body is invalid.') })
      await ok('PATCH', `${FED}/identity_providers/strict`, { identity_provider: { enabled: false } })
      expect(await exchange(await idp.idToken(now), 'strict'))
        .toMatchObject({ status: 403, body: flat('IAM.0002', 'You are not authorized to perform the requested action.') })
      const auth = (headers: Record<string, string>, idpId = 'ci') => call(`${s.url}${FED}/identity_providers/${idpId}/protocols/oidc/auth`, { method: 'POST', headers })
      expect(await auth({})).toMatchObject({ status: 401, body: keystoneError(401, 'The request you have made requires authentication.') })
      expect((await auth({ authorization: 'Basic abc' })).status).toBe(401)
      expect(await auth({ authorization: `Bearer ${await idp.idToken(now)}` }, 'nope')).toMatchObject({ status: 400, body: keystoneError(400, "Request parameter 'idp id' is invalid.") })
      expect(await auth({ authorization: `Bearer ${await idp.idToken(now)}` }, 'strict')).toMatchObject({ status: 403, body: keystoneError(403, 'You are not authorized to perform the requested action.') })
    })
  })

  describe('federated tokens', () => {
    it('the CI workload: ID token → scoped token → an API call its group allows, and nothing more', async () => {
      const res = await exchange(await idp.idToken(nowSeconds()), 'ci', { domain: { id: s.account.id } })
      expect(res.status).toBe(201)
      expect(res.body.token).toMatchObject({ methods: ['mapped'], domain: { id: s.account.id, name: s.account.name }, roles: [{ id: listUsersOnly }] })
      const token = res.headers.get('x-subject-token')!
      expect((await api('GET', '/v3/users', undefined, token)).status).toBe(200)
      expect(await api('GET', '/v3/groups', undefined, token)).toMatchObject({ status: 403, body: keystoneError(403, 'You are not authorized to perform the requested action: identity:list_groups.') })
      expect((await api('POST', '/v3/users', { user: { name: 'ci-made', password: PASSWORD } }, token)).status).toBe(403)
      // A project the group holds te_admin on: a project token with its catalog; a project it holds nothing on: 401.
      const onProject = await exchange(await idp.idToken(nowSeconds()), 'ci', { project: { name: 'cn-north-4_ci' } })
      expect(onProject.status).toBe(201)
      expect(onProject.body.token).toMatchObject({ project: { id: project }, roles: [{ name: 'te_admin' }] })
      expect(Array.isArray(onProject.body.token.catalog)).toBe(true)
      expect(await exchange(await idp.idToken(nowSeconds()), 'ci', { project: { name: 'cn-north-4' } })).toMatchObject({ status: 401, body: UNAUTHORIZED_FLAT })
    })

    it('an unscoped token lists its scopes, rescopes with the token method keeping its expiry, and may do nothing else', async () => {
      const res = await exchange(await idp.idToken(nowSeconds()))
      const unscoped = res.headers.get('x-subject-token')!
      expect((await api('GET', `${FED}/domains`, undefined, unscoped)).body.domains.map((d: { id: string }) => d.id)).toEqual([s.account.id])
      expect((await api('GET', `${FED}/projects`, undefined, unscoped)).body.projects.map((p: { id: string }) => p.id)).toEqual([project])
      // Keystone's /v3/auth/{projects,domains} answer a federated token from its groups too (what the openstack CLI asks).
      expect((await api('GET', '/v3/auth/projects', undefined, unscoped)).body.projects.map((p: { id: string }) => p.id)).toEqual([project])
      expect((await api('GET', '/v3/auth/domains', undefined, unscoped)).body.domains.map((d: { id: string }) => d.id)).toEqual([s.account.id])
      expect((await api('GET', '/v3/users', undefined, unscoped)).status).toBe(403)
      const rescoped = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
        method: 'POST', body: { auth: { identity: { methods: ['token'], token: { id: unscoped } }, scope: { domain: { id: s.account.id } } } },
      })
      expect(rescoped.status).toBe(201)
      expect(rescoped.body.token).toMatchObject({
        methods: ['token'], expires_at: res.body.token.expires_at,
        user: { id: res.body.token.user.id, password_expires_at: '', 'OS-FEDERATION': { identity_provider: { id: 'ci' }, groups: [{ id: deployers, name: 'ci-deployers' }] } },
      })
      expect((await api('GET', '/v3/users', undefined, rescoped.headers.get('x-subject-token')!)).status).toBe(200)
      // Validation shows the same token.
      const validated = await call(`${s.url}/v3/auth/tokens?nocatalog`, { token: admin, headers: { 'x-subject-token': unscoped } })
      expect(validated.status).toBe(200)
      expect(validated.body.token.user['OS-FEDERATION'].identity_provider).toEqual({ id: 'ci' })
    })

    it('a federated token can be revoked (by itself or the administrator) and then serves nothing', async () => {
      const issued = await exchange(await idp.idToken(nowSeconds()), 'ci', { domain: { id: s.account.id } })
      const token = issued.headers.get('x-subject-token')!
      expect((await call(`${s.url}/v3/auth/tokens`, { method: 'DELETE', token, headers: { 'x-subject-token': token } })).status).toBe(204)
      expect((await api('GET', '/v3/users', undefined, token)).status).toBe(401)
      const rescoped = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: { auth: { identity: { methods: ['token'], token: { id: token } }, scope: { domain: { id: s.account.id } } } } })
      expect(rescoped.status).toBe(401)
    })

    it('disabling the provider ends its tokens at once; enabling it again brings them back', async () => {
      const token = (await exchange(await idp.idToken(nowSeconds()), 'ci', { domain: { id: s.account.id } })).headers.get('x-subject-token')!
      expect((await api('GET', '/v3/users', undefined, token)).status).toBe(200)
      await ok('PATCH', `${FED}/identity_providers/ci`, { identity_provider: { enabled: false } })
      expect((await api('GET', '/v3/users', undefined, token)).status).toBe(401)
      await ok('PATCH', `${FED}/identity_providers/ci`, { identity_provider: { enabled: true } })
      expect((await api('GET', '/v3/users', undefined, token)).status).toBe(200)
    })

    it('mapping changes apply from the next sign-in; unknown group names are skipped', async () => {
      await ok('PUT', `${FED}/mappings/later-map`, { mapping: { rules: [{ local: [{ user: { name: 'later' } }, { groups: '["ci-deployers","no-such-group"]' }], remote: [{ type: 'sub' }] }] } })
      await ok('PUT', `${FED}/identity_providers/later`, { identity_provider: { enabled: true } })
      await ok('PUT', `${FED}/identity_providers/later/protocols/oidc`, { protocol: { mapping_id: 'later-map' } })
      await ok('POST', oidcConfigPath('later'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey } })
      const first = await exchange(await idp.idToken(nowSeconds()), 'later')
      expect(first.body.token.user['OS-FEDERATION'].groups).toEqual([{ id: deployers, name: 'ci-deployers' }])
      await ok('PATCH', `${FED}/mappings/later-map`, { mapping: { rules: [{ local: [{ user: { name: 'later' } }], remote: [{ type: 'sub' }] }] } })
      const second = await exchange(await idp.idToken(nowSeconds()), 'later')
      expect(second.body.token.user['OS-FEDERATION'].groups).toEqual([])
      // The first token keeps the groups it was given.
      const validated = await call(`${s.url}/v3/auth/tokens?nocatalog`, { token: admin, headers: { 'x-subject-token': first.headers.get('x-subject-token')! } })
      expect(validated.body.token.user['OS-FEDERATION'].groups).toEqual([{ id: deployers, name: 'ci-deployers' }])
    })

    it('sign-ins and changes are in the audit trail', async () => {
      const signedIn = (await exchange(await idp.idToken(nowSeconds()))).body.token.user
      const traces = async (resourceId: string) => (await ok('GET', `/v3/${s.account.id}/traces?limit=200&resource_id=${encodeURIComponent(resourceId)}`)).traces as any[]
      const signIns = await traces(signedIn.id)
      expect(signIns[0]).toMatchObject({ trace_name: 'createTokenWithIdToken', resource_type: 'federated_user', resource_name: 'ci-workload-1', user: { id: signedIn.id, name: 'ci-workload-1' } })
      const idpTrail = (await traces('ci')).map((t) => t.trace_name)
      expect(idpTrail).toEqual(expect.arrayContaining(['createIdentityProvider', 'updateIdentityProvider', 'createOpenIdConnectConfig']))
      expect((await traces('ci-map')).map((t) => t.trace_name)).toContain('createMapping')
    })
  })

  it('a state export carries providers, protocols, OIDC configurations and mappings; an import restores them, and sign-ins work there', async () => {
    const doc = await exportState(s.server.db, { flavour: 'huaweicloud', accountId: s.account.id })
    const account = doc.accounts[0]!
    const ci = account.identity_providers!.find((p) => p.id === 'ci')!
    expect(ci).toMatchObject({ enabled: true, sso_type: 'virtual_user_sso', protocols: [{ id: 'oidc', mapping_id: 'ci-map' }], openid_connect_config: { idp_url: idp.issuer, client_id: idp.clientId } })
    expect(account.mappings!.find((m) => m.id === 'ci-map')!.rules).toEqual((await ok('GET', `${FED}/mappings/ci-map`)).mapping.rules)
    const copy = await startServer()
    try {
      await importState(copy.server.db, doc, { flavour: 'huaweicloud', replace: true })
      const again = await exportState(copy.server.db, { flavour: 'huaweicloud', accountId: s.account.id })
      expect(again.accounts[0]!.identity_providers).toEqual(account.identity_providers)
      expect(again.accounts[0]!.mappings).toEqual(account.mappings)
      const res = await call(`${copy.url}/v3.0/OS-AUTH/id-token/tokens`, { method: 'POST', headers: { 'x-idp-id': 'ci' }, body: { auth: { id_token: { id: await idp.idToken(nowSeconds()) } } } })
      expect(res.status).toBe(201)
      expect(res.body.token.user['OS-FEDERATION'].groups).toEqual([{ id: deployers, name: 'ci-deployers' }])
    } finally {
      await copy.close()
    }
  }, 60_000)

  it('resetting an account (operator API) removes its federation down to what a new account has', async () => {
    const account = await createAccount(s, 'fed-reset', PASSWORD)
    const token = await tokenFor(s, 'admin', PASSWORD, account.name)
    expect((await api('PUT', `${FED}/identity_providers/reset-me`, { identity_provider: {} }, token)).status).toBe(201)
    expect((await api('PUT', `${FED}/mappings/reset-map`, { mapping: { rules: [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'sub' }] }] } }, token)).status).toBe(201)
    expect((await api('PUT', `${FED}/identity_providers/reset-me/protocols/oidc`, { protocol: { mapping_id: 'reset-map' } }, token)).status).toBe(201)
    expect((await api('DELETE', `/_projectplane/state?account=${account.id}`)).status).toBe(204)
    const after = await tokenFor(s, 'admin', PASSWORD, account.name)
    expect((await api('GET', `${FED}/identity_providers`, undefined, after)).body.identity_providers).toEqual([])
    expect((await api('GET', `${FED}/mappings`, undefined, after)).body.mappings).toEqual([])
    expect(await s.server.db.kysely.selectFrom('federation_protocols').select('id').where('idp_id', '=', 'reset-me').execute()).toEqual([])
  })

  it('deleting an account removes its providers, mappings and virtual users (the provider id is free again)', async () => {
    const account = await createAccount(s, 'fed-doomed', PASSWORD)
    const token = await tokenFor(s, 'admin', PASSWORD, account.name)
    expect((await api('PUT', `${FED}/identity_providers/doomed`, { identity_provider: { enabled: true } }, token)).status).toBe(201)
    expect((await api('PUT', `${FED}/mappings/doomed-map`, { mapping: { rules: [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'sub' }] }] } }, token)).status).toBe(201)
    expect((await api('PUT', `${FED}/identity_providers/doomed/protocols/oidc`, { protocol: { mapping_id: 'doomed-map' } }, token)).status).toBe(201)
    expect((await api('POST', oidcConfigPath('doomed'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey } }, token)).status).toBe(201)
    expect((await exchange(await idp.idToken(nowSeconds()), 'doomed')).status).toBe(201)
    expect((await api('DELETE', `/_projectplane/accounts/${account.id}`)).status).toBe(204)
    const db = s.server.db.kysely
    for (const table of ['identity_providers', 'federation_mappings', 'federated_users'] as const) {
      expect(await db.selectFrom(table).select('domain_id').where('domain_id', '=', account.id).execute(), table).toEqual([])
    }
    expect(await db.selectFrom('oidc_configs').select('idp_id').where('idp_id', '=', 'doomed').execute()).toEqual([])
    expect((await api('PUT', `${FED}/identity_providers/doomed`, { identity_provider: {} })).status).toBe(201)
  })
})

describe('identity federation (keystone flavour)', () => {
  let s: TestServer
  let admin: string
  let idp: TestOidcIdp
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    idp = await createOidcIdp()
  }, 120_000)
  afterAll(() => s.close())
  const api = (method: string, path: string, body?: unknown) => call(`${s.url}${path}`, { method, token: admin, body })

  it("Keystone's fields: remote_ids, domain_id, schema_version; mapping_id required; any protocol id; groups by id in the token", async () => {
    const created = await api('PUT', `${FED}/identity_providers/ks-idp`, { identity_provider: { enabled: true, remote_ids: [idp.issuer], description: null } })
    expect(created.status).toBe(201)
    expect(created.body.identity_provider).toMatchObject({ id: 'ks-idp', enabled: true, description: null, remote_ids: [idp.issuer], authorization_ttl: null, domain_id: expect.any(String) })
    expect(created.body.identity_provider).not.toHaveProperty('sso_type')
    expect((await api('PUT', `${FED}/identity_providers/ks-2`, { identity_provider: { sso_type: 'virtual_user_sso' } })).status).toBe(400)
    const mapping = await api('PUT', `${FED}/mappings/ks-map`, { mapping: { schema_version: '2.0', rules: [{ local: [{ user: { name: '{0}' } }, { group: { name: 'admins', domain: { name: 'Default' } } }], remote: [{ type: 'OIDC-sub' }] }] } })
    expect(mapping.status).toBe(201)
    expect(mapping.body.mapping.schema_version).toBe('2.0')
    expect(await api('PUT', `${FED}/identity_providers/ks-idp/protocols/openid`, { protocol: {} }))
      .toMatchObject({ status: 400, body: keystoneError(400, "'mapping_id' is a required property") })
    expect((await api('PUT', `${FED}/identity_providers/ks-idp/protocols/openid`, { protocol: { mapping_id: 'ks-map' } })).status).toBe(201)
    expect((await api('PUT', `${FED}/identity_providers/ks-idp/protocols/mapped`, { protocol: { mapping_id: 'ks-map' } })).status).toBe(201)
    expect((await api('POST', oidcConfigPath('ks-idp'), { openid_connect_config: { access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey } })).status).toBe(201)
    const res = await call(`${s.url}${FED}/identity_providers/ks-idp/protocols/openid/auth`, { method: 'POST', headers: { authorization: `Bearer ${await idp.idToken(nowSeconds())}` } })
    expect(res.status).toBe(201)
    expect(res.body.token.user).toMatchObject({ name: 'workload-1', 'OS-FEDERATION': { identity_provider: { id: 'ks-idp' }, protocol: { id: 'openid' }, groups: [] } })
    expect(res.body.token.user).not.toHaveProperty('password_expires_at')
    expect(await api('DELETE', `${FED}/mappings/ks-map`)).toMatchObject({ status: 204 })
  })
})
