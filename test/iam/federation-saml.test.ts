/**
 * SAML federation over HTTP (issue 20 item 3): metadata import and show through the unmodified
 * Huawei SDK, then IdP-initiated sign-in with responses the test IdP signs at test time, each
 * refusal with its exact status and body, replay, and the audit trail. Runs on SQLite and on
 * PostgreSQL (vitest projects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, tokenFor } from '../helpers/fixtures.js'
import { globalCredentials, iam, iamClient, modelMismatches, type AccessKey } from '../helpers/huawei-sdk.js'
import { SAML_SP_ACS_PATH, TestSamlIdp, type ResponseOptions } from '../helpers/saml-idp.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
const PASSWORD = 'Saml-Passw0rd!'
const CLOUD_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/
const UNAUTHORIZED = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }
const IDP_INVALID = { error: { code: 400, title: 'Bad Request', message: "Request parameter 'idp id' is invalid." } }
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: any) => e)

describe('SAML federation (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let sdk: any
  let idp: TestSamlIdp
  let devGroupId: string
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${s.url}${path}`, { token: admin, ...init })
  const metadataPath = (idpId: string, protocol = 'saml') => `/v3-ext/OS-FEDERATION/identity_providers/${idpId}/protocols/${protocol}/metadata`
  const importMetadata = (idpId: string, metadata: string, domainId = s.account.id, token = admin) =>
    call(`${s.url}${metadataPath(idpId)}`, { method: 'POST', token, body: { domain_id: domainId, xaccount_type: '', metadata } })
  /** A response for this server, signed by key A unless told otherwise. */
  const samlResponse = (overrides: Partial<ResponseOptions> = {}) => idp.response({
    audience: s.url, destination: `${s.url}${SAML_SP_ACS_PATH}`, nameId: 'alice',
    attributes: { groups: ['dev', 'ops'], email: 'alice@idp.test' }, ...overrides,
  })
  /** `idpId` null: no X-Idp-Id header. */
  const signIn = (response: string, idpId: string | null = 'corp') => call(`${s.url}/v3.0/OS-FEDERATION/tokens`, {
    method: 'POST', body: new URLSearchParams({ SAMLResponse: response }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(idpId === null ? {} : { 'x-idp-id': idpId }) },
  })

  async function provider(id: string, rules: unknown[], protocol = 'saml') {
    expect((await api(`/v3/OS-FEDERATION/identity_providers/${id}`, { method: 'PUT', body: { identity_provider: { sso_type: 'virtual_user_sso', enabled: true } } })).status).toBe(201)
    expect((await api(`/v3/OS-FEDERATION/mappings/mapping_${id}`, { method: 'PUT', body: { mapping: { rules } } })).status).toBe(201)
    expect((await api(`/v3/OS-FEDERATION/identity_providers/${id}/protocols/${protocol}`, { method: 'PUT', body: { protocol: { mapping_id: `mapping_${id}` } } })).status).toBe(201)
  }

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
    idp = await TestSamlIdp.create()
    devGroupId = (await api('/v3/groups', { method: 'POST', body: { group: { name: 'saml-dev', domain_id: s.account.id } } })).body.group.id
    await provider('corp', [
      { local: [{ user: { name: '{0}' } }, { group: { name: 'saml-dev' } }], remote: [{ type: '__NAMEID__' }, { type: 'groups', any_one_of: ['dev'] }] },
      { local: [{ user: { name: '{0}' } }], remote: [{ type: '__NAMEID__' }, { type: 'email' }] },
    ])
    const adminId = (await api('/v3/users?name=admin')).body.users[0].id
    const created = await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: adminId, description: 'sdk' } } })
    const key: AccessKey = { access: created.body.credential.access, secret: created.body.credential.secret }
    sdk = iamClient(globalCredentials(key, s.account.id), s.url)
  })
  afterAll(async () => s?.close())

  describe('metadata', () => {
    it('is imported and shown through the SDK, and a re-import replaces it', async () => {
      const created = await sdk.createMetadata(new iam.CreateMetadataRequest().withIdpId('corp').withProtocolId('saml')
        .withBody(new iam.CreateMetadataRequestBody(s.account.id, '', idp.metadata({ signing: [idp.keyB] }))))
      expect(created.httpStatusCode).toBe(201)
      expect(created.message).toBe('Import metadata successful')
      await sdk.createMetadata(new iam.CreateMetadataRequest().withIdpId('corp').withProtocolId('saml')
        .withBody(new iam.CreateMetadataRequestBody(s.account.id, '', idp.metadata())))
      const shown = await sdk.showMetadata(new iam.ShowMetadataRequest().withIdpId('corp').withProtocolId('saml'))
      expect(shown.httpStatusCode).toBe(200)
      const body = (await api(metadataPath('corp'))).body
      expect(modelMismatches(body, 'ShowMetadataResponse')).toEqual([])
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/), idp_id: 'corp', entity_id: idp.entityId, protocol_id: 'saml', domain_id: s.account.id,
        xaccount_type: '', update_time: expect.stringMatching(CLOUD_TIME), data: idp.metadata(),
      })
      expect(shown.id).toBe(body.id)
      expect(shown.data).toBe(idp.metadata())
    })

    it('refuses a document that breaks a rule, with the rule in the message', async () => {
      const res = await importMetadata('corp', idp.metadata({ entityId: null }))
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: { code: 400, title: 'Bad Request', message: 'Invalid metadata: the EntityDescriptor has no entityID.' } })
      const sdkError = await failure(sdk.createMetadata(new iam.CreateMetadataRequest().withIdpId('corp').withProtocolId('saml')
        .withBody(new iam.CreateMetadataRequestBody(s.account.id, '', '<x'))))
      expect(sdkError).toMatchObject({ httpStatusCode: 400, errorMsg: expect.stringMatching(/^Invalid metadata: not well-formed XML: /) })
    })

    it('refuses another account in domain_id (403), and unknown providers, protocols and documents (404)', async () => {
      expect(await importMetadata('corp', idp.metadata(), 'f'.repeat(32))).toMatchObject({ status: 403, body: { error: { code: 403, title: 'Forbidden', message: `You are not authorized to perform the requested action: domain_id ${'f'.repeat(32)} is not the account of the token.` } } })
      expect(await importMetadata('nobody', idp.metadata())).toMatchObject({ status: 404, body: { error: { code: 404, title: 'Not Found', message: 'Could not find Identity Provider: nobody.' } } })
      await provider('no-metadata', [{ local: [{ user: { name: '{0}' } }], remote: [{ type: '__NAMEID__' }] }])
      expect(await api(metadataPath('no-metadata'))).toMatchObject({ status: 404, body: { error: { code: 404, title: 'Not Found', message: 'Could not find metadata: no-metadata/saml.' } } })
      expect((await api(metadataPath('corp', 'oidc'))).body).toEqual({ error: { code: 404, title: 'Not Found', message: 'Could not find federated protocol oidc for Identity Provider: corp.' } })
    })

    it('takes metadata only for a saml protocol (400), and drops it with its protocol', async () => {
      await provider('oidc-only', [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'sub' }] }], 'oidc')
      const res = await call(`${s.url}${metadataPath('oidc-only', 'oidc')}`, { method: 'POST', token: admin, body: { domain_id: s.account.id, xaccount_type: '', metadata: idp.metadata() } })
      expect(res).toMatchObject({ status: 400, body: { error: { code: 400, title: 'Bad Request', message: 'Protocol oidc is not saml: metadata is imported for a saml protocol.' } } })
      await provider('short-lived', [{ local: [{ user: { name: '{0}' } }], remote: [{ type: '__NAMEID__' }] }])
      expect((await importMetadata('short-lived', idp.metadata())).status).toBe(201)
      expect((await api('/v3/OS-FEDERATION/identity_providers/short-lived/protocols/saml', { method: 'DELETE' })).status).toBe(204)
      expect((await api('/v3/OS-FEDERATION/identity_providers/short-lived/protocols/saml', { method: 'PUT', body: { protocol: { mapping_id: 'mapping_short-lived' } } })).status).toBe(201)
      expect(await api(metadataPath('short-lived'))).toMatchObject({ status: 404, body: { error: { message: 'Could not find metadata: short-lived/saml.' } } })
    })

    it("hides another account's provider (404)", async () => {
      const other = await createAccount(s, 'saml-other', PASSWORD)
      const otherAdmin = await tokenFor(s, 'admin', PASSWORD, other.name)
      const res = await importMetadata('corp', idp.metadata(), other.id, otherAdmin)
      expect(res).toMatchObject({ status: 404, body: { error: { message: 'Could not find Identity Provider: corp.' } } })
      expect((await call(`${s.url}${metadataPath('corp')}`, { token: otherAdmin })).status).toBe(404)
    })
  })

  describe('IdP-initiated sign-in', () => {
    it('exchanges a signed response for an unscoped federated token through the SDK', async () => {
      const response = await sdk.createUnscopeTokenByIdpInitiated(new iam.CreateUnscopeTokenByIdpInitiatedRequest().withXIdpId('corp')
        .withBody(new iam.CreateUnscopeTokenByIdpInitiatedRequestBody().withSAMLResponse(samlResponse())))
      expect(response.httpStatusCode).toBe(201)
      expect(response['X-Subject-Token']).toMatch(/.{20,}/)
      expect(response.token.methods).toEqual(['mapped'])
      expect(response.token.user.name).toBe('alice')
      expect(response.token.user['OS-FEDERATION']).toEqual({ identity_provider: { id: 'corp' }, protocol: { id: 'saml' }, groups: [{ id: devGroupId, name: 'saml-dev' }] })
    })

    it('answers the form post with the token, and the token works', async () => {
      const res = await signIn(samlResponse({ signAssertionWith: null, signResponseWith: idp.keyA }))
      expect(res.status, res.text).toBe(201)
      const token = res.headers.get('x-subject-token')!
      expect(res.body.token.user.domain).toEqual({ id: s.account.id, name: s.account.name })
      const checked = await call(`${s.url}/v3/auth/tokens`, { token, headers: { 'x-subject-token': token } })
      expect(checked.status).toBe(200)
      expect(checked.body.token.user['OS-FEDERATION'].identity_provider).toEqual({ id: 'corp' })
    })

    it('maps without the group when the group attribute does not match', async () => {
      const res = await signIn(samlResponse({ nameId: 'bob', attributes: { groups: 'ops', email: 'bob@idp.test' } }))
      expect(res.status, res.text).toBe(201)
      expect(res.body.token.user.name).toBe('bob')
      expect(res.body.token.user['OS-FEDERATION'].groups).toEqual([])
    })

    it('takes a response once: the second post is refused', async () => {
      const response = samlResponse()
      expect((await signIn(response)).status).toBe(201)
      expect(await signIn(response)).toMatchObject({ status: 401, body: UNAUTHORIZED })
    })

    it('issues one token when the same response is posted twice at once', async () => {
      const response = samlResponse({ nameId: 'carol' })
      const statuses = (await Promise.all([signIn(response), signIn(response), signIn(response)])).map((r) => r.status).sort()
      expect(statuses).toEqual([201, 401, 401])
    })

    it.each([
      ['unsigned', () => samlResponse({ signAssertionWith: null })],
      ['signed by a key not in the metadata', () => samlResponse({ signAssertionWith: idp.rogue })],
      ['edited after signing', () => samlResponse({ tamper: (xml) => xml.replace('>alice<', '>admin<') })],
      ['wrapped (a forged assertion beside the signed one)', () => samlResponse({ tamper: (xml) => xml.replace('<saml:Assertion', '<saml:Assertion ID="_evil" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>https://idp.test/saml</saml:Issuer></saml:Assertion><saml:Assertion') })],
      ['from another issuer', () => samlResponse({ issuer: 'https://evil.test/saml' })],
      ['for another audience', () => samlResponse({ audience: 'https://another-sp.test' })],
      ['expired', () => samlResponse({ now: Date.now() - 3_600_000 })],
      ['not yet valid', () => samlResponse({ notBeforeOffsetMs: 3_600_000 })],
      ['with InResponseTo', () => samlResponse({ inResponseTo: '_req1' })],
      ['with a status other than Success', () => samlResponse({ status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' })],
      ['naming another provider in IAM_SAML_Attributes_idp_id', () => samlResponse({ attributes: { groups: 'dev', IAM_SAML_Attributes_idp_id: 'other' } })],
      ['naming another account in IAM_SAML_Attributes_domain_id', () => samlResponse({ attributes: { groups: 'dev', IAM_SAML_Attributes_domain_id: 'f'.repeat(32) } })],
      ['matching no mapping rule', () => samlResponse({ attributes: { groups: 'ops' } })],
    ])('refuses a response %s (401)', async (_name, make) => {
      const res = await signIn(make())
      expect(res.status, res.text).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    })

    it('accepts the provider attributes when they name it', async () => {
      const res = await signIn(samlResponse({ attributes: { groups: 'dev', IAM_SAML_Attributes_idp_id: 'corp', IAM_SAML_Attributes_domain_id: s.account.id } }))
      expect(res.status, res.text).toBe(201)
    })

    it('answers 400 for a missing or unknown X-Idp-Id, and for what is not a SAML response', async () => {
      expect(await signIn(samlResponse(), null)).toMatchObject({ status: 400, body: IDP_INVALID })
      expect(await signIn(samlResponse(), 'nobody')).toMatchObject({ status: 400, body: IDP_INVALID })
      expect(await signIn('not base64!')).toMatchObject({ status: 400, body: { error: { code: 400, title: 'Bad Request', message: 'Invalid SAMLResponse: not base64.' } } })
      expect(await signIn(Buffer.from('<x/>').toString('base64'))).toMatchObject({ status: 400, body: { error: { message: 'Invalid SAMLResponse: the root element is not a samlp:Response.' } } })
      const empty = await call(`${s.url}/v3.0/OS-FEDERATION/tokens`, { method: 'POST', body: 'RelayState=x', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-idp-id': 'corp' } })
      expect(empty.status).toBe(400)
    })

    it('refuses a provider without metadata (401) and a disabled provider (403)', async () => {
      expect(await signIn(samlResponse(), 'no-metadata')).toMatchObject({ status: 401, body: UNAUTHORIZED })
      await provider('off', [{ local: [{ user: { name: '{0}' } }], remote: [{ type: '__NAMEID__' }] }])
      expect((await importMetadata('off', idp.metadata())).status).toBe(201)
      expect((await api('/v3/OS-FEDERATION/identity_providers/off', { method: 'PATCH', body: { identity_provider: { enabled: false } } })).status).toBe(200)
      const res = await signIn(samlResponse(), 'off')
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe(403)
    })

    it('leaves the import and each sign-in in the audit trail', async () => {
      const traces = await s.server.db.kysely.selectFrom('audit_traces').selectAll().where('trace_name', 'in', ['createMetadata', 'createUnscopeTokenByIdpInitiated']).orderBy('time').execute()
      const imports = traces.filter((t) => t.trace_name === 'createMetadata')
      expect(imports.length).toBeGreaterThanOrEqual(2)
      expect(imports[0]).toMatchObject({ resource_type: 'identity_provider_metadata', resource_name: 'corp/saml', domain_id: s.account.id })
      const signIns = traces.filter((t) => t.trace_name === 'createUnscopeTokenByIdpInitiated')
      expect(signIns.length).toBeGreaterThanOrEqual(4)
      expect(signIns.map((t) => t.resource_name)).toContain('alice')
    })
  })
})

describe('SAML federation with SAML_SP_ENTITY_ID set', () => {
  let s: TestServer
  let idp: TestSamlIdp
  beforeAll(async () => {
    s = await startServer({ env: { SAML_SP_ENTITY_ID: 'https://iam.example.test' } })
    idp = await TestSamlIdp.create()
    const admin = await s.adminToken()
    const api = (path: string, body: unknown) => call(`${s.url}${path}`, { method: 'PUT', token: admin, body })
    expect((await api('/v3/OS-FEDERATION/identity_providers/corp', { identity_provider: { enabled: true } })).status).toBe(201)
    expect((await api('/v3/OS-FEDERATION/identity_providers/corp/protocols/saml', { protocol: {} })).status).toBe(201)
    const imported = await call(`${s.url}/v3-ext/OS-FEDERATION/identity_providers/corp/protocols/saml/metadata`, {
      method: 'POST', token: admin, body: { domain_id: s.account.id, xaccount_type: '', metadata: idp.metadata() },
    })
    expect(imported.status).toBe(201)
  })
  afterAll(async () => s?.close())
  const post = (audience: string) => call(`${s.url}/v3.0/OS-FEDERATION/tokens`, {
    method: 'POST', body: new URLSearchParams({ SAMLResponse: idp.response({ audience, nameId: 'dora' }) }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-idp-id': 'corp' },
  })

  it('wants that Audience, not the base URL', async () => {
    const accepted = await post('https://iam.example.test')
    expect(accepted.status, accepted.text).toBe(201)
    // The default mapping (spec §2.4): anyone with a NameID, as FederationUser.
    expect(accepted.body.token.user.name).toBe('FederationUser')
    expect(await post(s.url)).toMatchObject({ status: 401, body: UNAUTHORIZED })
  })

  it('keeps the imported metadata through a state snapshot put back, and signs in with it after', async () => {
    const operator = await s.adminToken()
    const metadataPath = '/v3-ext/OS-FEDERATION/identity_providers/corp/protocols/saml/metadata'
    const before = (await call(`${s.url}${metadataPath}`, { token: operator })).body
    const snapshot = (await call(`${s.url}/_projectplane/state?account=${s.account.id}`, { token: operator })).body
    expect(snapshot.accounts[0].identity_providers[0].protocols[0].saml_metadata).toEqual({ id: before.id, xaccount_type: '', data: idp.metadata(), update_time: expect.any(String) })
    expect((await call(`${s.url}/_projectplane/state?account=${s.account.id}`, { method: 'PUT', token: operator, body: snapshot })).status).toBe(200)
    expect((await call(`${s.url}${metadataPath}`, { token: await s.adminToken() })).body).toEqual(before)
    expect((await post('https://iam.example.test')).status).toBe(201)
    // Metadata an import cannot read is refused as the API refuses it, and nothing is written.
    snapshot.accounts[0].identity_providers[0].protocols[0].saml_metadata.data = '<not-metadata/>'
    expect((await call(`${s.url}/_projectplane/state?account=${s.account.id}`, { method: 'PUT', token: await s.adminToken(), body: snapshot })).status).toBe(400)
    expect((await call(`${s.url}${metadataPath}`, { token: await s.adminToken() })).body).toEqual(before)
  })
})

describe('SAML federation (keystone)', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour: 'keystone' }) })
  afterAll(async () => s?.close())

  it('has no metadata import nor IdP-initiated sign-in (Keystone has neither)', async () => {
    const token = await s.adminToken()
    expect((await call(`${s.url}/v3-ext/OS-FEDERATION/identity_providers/x/protocols/saml/metadata`, { token })).status).toBe(404)
    expect((await call(`${s.url}/v3.0/OS-FEDERATION/tokens`, { method: 'POST', body: 'SAMLResponse=x', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-idp-id': 'x' } })).status).toBe(404)
  })
})
