/**
 * Federation through the unmodified Huawei Cloud Node SDK, signing with an access key as it
 * always does: providers, mappings, protocols, the OIDC configuration, the scoping lists and
 * the ID-token exchange (createTokenWithIdToken). createUnscopedTokenWithIdToken carries the ID
 * token in `Authorization`, which the SDK's AK/SK signer overwrites: it is sent with plain HTTP,
 * and its answer parsed with the SDK's own response model. (The SAML operations, createMetadata,
 * showMetadata and createUnscopeTokenByIdpInitiated, belong to the SAML suite.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { globalCredentials, iam, iamClient, type AccessKey } from '../helpers/huawei-sdk.js'
import { createOidcIdp, type TestOidcIdp } from '../helpers/oidc-idp.js'

describe('federation through the Huawei Cloud Node SDK (huaweicloud)', () => {
  let s: TestServer
  let client: any // eslint-disable-line @typescript-eslint/no-explicit-any
  let idp: TestOidcIdp
  let groupId: string

  beforeAll(async () => {
    s = await startServer()
    const token = await s.adminToken()
    const adminId = (await call(`${s.url}/v3/users?name=admin`, { token })).body.users[0].id
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: adminId, description: 'sdk' } } })
    const key: AccessKey = { access: created.body.credential.access, secret: created.body.credential.secret }
    client = iamClient(globalCredentials(key, s.account.id), s.url)
    idp = await createOidcIdp()
    groupId = (await call(`${s.url}/v3/groups`, { method: 'POST', token, body: { group: { name: 'ci-deployers' } } })).body.group.id
    const reader = (await call(`${s.url}/v3/roles?name=readonly`, { token })).body.roles[0].id
    await call(`${s.url}/v3/domains/${s.account.id}/groups/${groupId}/roles/${reader}`, { method: 'PUT', token })
  }, 120_000)
  afterAll(() => s.close())

  it('identity providers: keystoneCreate/Show/List/Update/DeleteIdentityProvider', async () => {
    const option = new iam.IdentityproviderOption().withSsoType('virtual_user_sso').withDescription('made by the SDK').withEnabled(true)
    const created = await client.keystoneCreateIdentityProvider(new iam.KeystoneCreateIdentityProviderRequest(undefined, 'sdk-idp').withBody(new iam.KeystoneCreateIdentityProviderRequestBody(option)))
    expect(created.httpStatusCode).toBe(201)
    expect(created.identity_provider).toMatchObject({ id: 'sdk-idp', sso_type: 'virtual_user_sso', description: 'made by the SDK', enabled: true, remote_ids: [] })
    const shown = await client.keystoneShowIdentityProvider(new iam.KeystoneShowIdentityProviderRequest('sdk-idp'))
    expect(shown.identity_provider.links.protocols).toBe(`${s.url}/v3/OS-FEDERATION/identity_providers/sdk-idp/protocols`)
    const listed = await client.keystoneListIdentityProviders(new iam.KeystoneListIdentityProvidersRequest())
    expect(listed.identity_providers.map((p: { id: string }) => p.id)).toEqual(['sdk-idp'])
    const update = new iam.UpdateIdentityproviderOption().withDescription('renamed')
    const updated = await client.keystoneUpdateIdentityProvider(new iam.KeystoneUpdateIdentityProviderRequest('sdk-idp').withBody(new iam.KeystoneUpdateIdentityProviderRequestBody(update)))
    expect(updated.identity_provider).toMatchObject({ description: 'renamed', enabled: true })
    await client.keystoneCreateIdentityProvider(new iam.KeystoneCreateIdentityProviderRequest(undefined, 'sdk-gone').withBody(new iam.KeystoneCreateIdentityProviderRequestBody(new iam.IdentityproviderOption())))
    expect((await client.keystoneDeleteIdentityProvider(new iam.KeystoneDeleteIdentityProviderRequest('sdk-gone'))).httpStatusCode).toBe(204)
    const failure = await client.keystoneShowIdentityProvider(new iam.KeystoneShowIdentityProviderRequest('sdk-gone')).then(() => undefined, (e: unknown) => e)
    expect(failure).toMatchObject({ httpStatusCode: 404, errorMsg: 'Could not find Identity Provider: sdk-gone.' })
  })

  it('mappings: keystoneCreate/Show/List/Update/DeleteMapping with the SDK\'s rule models', async () => {
    const rules = [new iam.MappingRules(
      [new iam.RulesLocal().withUser(new iam.RulesLocalUser('ci-{0}')), new iam.RulesLocal().withGroup(new iam.RulesLocalGroup('ci-deployers'))],
      [new iam.RulesRemote('sub'), new iam.RulesRemote('groups').withAnyOneOf(['ci-deployers'])],
    )]
    const created = await client.keystoneCreateMapping(new iam.KeystoneCreateMappingRequest('sdk-map').withBody(new iam.KeystoneCreateMappingRequestBody(new iam.MappingOption(rules))))
    expect(created.httpStatusCode).toBe(201)
    expect(created.mapping).toMatchObject({
      id: 'sdk-map', rules: [{ local: [{ user: { name: 'ci-{0}' } }, { group: { name: 'ci-deployers' } }], remote: [{ type: 'sub' }, { type: 'groups', any_one_of: ['ci-deployers'] }] }],
    })
    expect((await client.keystoneShowMapping(new iam.KeystoneShowMappingRequest('sdk-map'))).mapping.id).toBe('sdk-map')
    expect((await client.keystoneListMappings(new iam.KeystoneListMappingsRequest())).mappings.map((m: { id: string }) => m.id)).toEqual(['sdk-map'])
    const updated = await client.keystoneUpdateMapping(new iam.KeystoneUpdateMappingRequest('sdk-map').withBody(new iam.KeystoneUpdateMappingRequestBody(new iam.MappingOption(rules))))
    expect(updated.httpStatusCode).toBe(200)
    await client.keystoneCreateMapping(new iam.KeystoneCreateMappingRequest('sdk-map-2').withBody(new iam.KeystoneCreateMappingRequestBody(new iam.MappingOption(rules))))
    expect((await client.keystoneDeleteMapping(new iam.KeystoneDeleteMappingRequest('sdk-map-2'))).httpStatusCode).toBe(204)
  })

  it('protocols: keystoneCreate/Show/List/Update/DeleteProtocol', async () => {
    const body = new iam.KeystoneCreateProtocolRequestBody(new iam.ProtocolOption().withMappingId('sdk-map'))
    const created = await client.keystoneCreateProtocol(new iam.KeystoneCreateProtocolRequest('sdk-idp', 'oidc').withBody(body))
    expect(created.httpStatusCode).toBe(201)
    expect(created.protocol).toMatchObject({ id: 'oidc', mapping_id: 'sdk-map', links: { identity_provider: `${s.url}/v3/OS-FEDERATION/identity_providers/sdk-idp` } })
    expect((await client.keystoneShowProtocol(new iam.KeystoneShowProtocolRequest('sdk-idp', 'oidc'))).protocol.id).toBe('oidc')
    expect((await client.keystoneListProtocols(new iam.KeystoneListProtocolsRequest('sdk-idp'))).protocols.map((p: { id: string }) => p.id)).toEqual(['oidc'])
    const updated = await client.keystoneUpdateProtocol(new iam.KeystoneUpdateProtocolRequest('sdk-idp', 'oidc').withBody(new iam.KeystoneUpdateProtocolRequestBody(new iam.ProtocolOption().withMappingId('sdk-map'))))
    expect(updated.protocol.mapping_id).toBe('sdk-map')
    const option = new iam.IdentityproviderOption().withEnabled(true)
    await client.keystoneCreateIdentityProvider(new iam.KeystoneCreateIdentityProviderRequest(undefined, 'sdk-p').withBody(new iam.KeystoneCreateIdentityProviderRequestBody(option)))
    await client.keystoneCreateProtocol(new iam.KeystoneCreateProtocolRequest('sdk-p', 'saml').withBody(new iam.KeystoneCreateProtocolRequestBody(new iam.ProtocolOption())))
    expect((await client.keystoneDeleteProtocol(new iam.KeystoneDeleteProtocolRequest('sdk-p', 'saml'))).httpStatusCode).toBe(204)
  })

  it('OIDC configuration: createOpenIdConnectConfig, showOpenIdConnectConfig, updateOpenIdConnectConfig; errors parsed flat', async () => {
    const config = new iam.CreateOpenIdConnectConfig('program', idp.issuer, idp.clientId, idp.signingKey)
    const created = await client.createOpenIdConnectConfig(new iam.CreateOpenIdConnectConfigRequest('sdk-idp').withBody(new iam.CreateOpenIdConnectConfigRequestBody(config)))
    expect(created.httpStatusCode).toBe(201)
    expect(created.openid_connect_config).toMatchObject({ access_mode: 'program', idp_url: idp.issuer, client_id: idp.clientId, signing_key: idp.signingKey })
    const shown = await client.showOpenIdConnectConfig(new iam.ShowOpenIdConnectConfigRequest('sdk-idp'))
    expect(shown.openid_connect_config).toMatchObject({ access_mode: 'program', authorization_endpoint: null })
    const update = new iam.UpdateOpenIdConnectConfig().withAccessMode('program_console').withAuthorizationEndpoint('https://idp.test/authorize')
      .withScope('openid email').withResponseType('id_token').withResponseMode('fragment')
    const updated = await client.updateOpenIdConnectConfig(new iam.UpdateOpenIdConnectConfigRequest('sdk-idp').withBody(new iam.UpdateOpenIdConnectConfigRequestBody(update)))
    expect(updated.openid_connect_config).toMatchObject({ access_mode: 'program_console', scope: 'openid email', idp_url: idp.issuer })
    const again = await client.createOpenIdConnectConfig(new iam.CreateOpenIdConnectConfigRequest('sdk-idp').withBody(new iam.CreateOpenIdConnectConfigRequestBody(config))).then(() => undefined, (e: unknown) => e)
    expect(again).toMatchObject({ httpStatusCode: 409, errorCode: 'IAM.0005', errorMsg: 'Conflict occurred attempting to store openid_connect_config - Duplicate entry: sdk-idp.' })
  })

  it('createTokenWithIdToken (the SDK sends it; the route ignores its signature), then the scoping lists with the federated token', async () => {
    const now = Math.floor(Date.now() / 1000)
    const body = new iam.GetIdTokenRequestBody(new iam.GetIdTokenAuthParams(new iam.GetIdTokenIdTokenBody(await idp.idToken(now))))
    const res = await client.createTokenWithIdToken(new iam.CreateTokenWithIdTokenRequest('sdk-idp').withBody(body))
    expect(res.httpStatusCode).toBe(201)
    expect(res.xSubjectToken ?? res['X-Subject-Token']).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(res.token).toMatchObject({ methods: ['mapped'], user: { name: 'ci-workload-1', 'OS-FEDERATION': { identity_provider: { id: 'sdk-idp' }, protocol: { id: 'oidc' }, groups: [{ id: groupId, name: 'ci-deployers' }] } } })
    const scoped = await client.createTokenWithIdToken(new iam.CreateTokenWithIdTokenRequest('sdk-idp').withBody(
      new iam.GetIdTokenRequestBody(new iam.GetIdTokenAuthParams(new iam.GetIdTokenIdTokenBody(await idp.idToken(now))).withScope(
        new iam.GetIdTokenIdScopeBody().withDomain(new iam.GetIdTokenScopeDomainOrProjectBody().withId(s.account.id)))),
    ))
    expect(scoped.token).toMatchObject({ domain: { id: s.account.id }, roles: [{ name: 'readonly' }] })
    // The scoping lists through the SDK (its own caller: the account administrator, so /v3/auth/…'s answer).
    const domains = await client.keystoneListFederationDomains(new iam.KeystoneListFederationDomainsRequest())
    expect(domains.domains.map((d: { id: string }) => d.id)).toEqual([s.account.id])
    const projects = await client.keystoneListFederationProjects(new iam.KeystoneListFederationProjectsRequest())
    expect(projects.httpStatusCode).toBe(200)
    expect(Array.isArray(projects.projects)).toBe(true)
  })

  it('createUnscopedTokenWithIdToken with plain HTTP (Bearer ID token), its body as the SDK model reads it', async () => {
    const idToken = await idp.idToken(Math.floor(Date.now() / 1000))
    const res = await call(`${s.url}/v3/OS-FEDERATION/identity_providers/sdk-idp/protocols/oidc/auth`, { method: 'POST', headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' }, body: '' })
    expect(res.status).toBe(201)
    const token = Object.assign(new iam.UnscopedTokenInfo(), res.body.token)
    expect(token.methods).toEqual(['mapped'])
    expect(token.user['OS-FEDERATION']).toEqual({ identity_provider: { id: 'sdk-idp' }, protocol: { id: 'oidc' }, groups: [{ id: groupId, name: 'ci-deployers' }] })
    const federated = res.headers.get('x-subject-token')!
    expect((await call(`${s.url}/v3/OS-FEDERATION/domains`, { token: federated })).body.domains.map((d: { id: string }) => d.id)).toEqual([s.account.id])
  })
})
