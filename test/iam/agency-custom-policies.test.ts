/**
 * Agency custom policies over OS-ROLE: statements `{"Action":["iam:agencies:assume"],
 * "Resource":{"uri":["/iam/agencies/<id>"]}}` are stored and shown exactly as written, by plain
 * HTTP and by the unmodified Huawei SDK's agency-policy operations; the shapes the clouds refuse
 * (Resource on other actions, Condition, malformed agency URIs) are refused with the field named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { groupMember } from '../helpers/members.js'
import { globalCredentials, iam, iamClient } from '../helpers/huawei-sdk.js'

const A1 = '0760a9e2a60026664f1fc0031f9f205e'
const A2 = '1a2b3c4d5e6f708192a3b4c5d6e7f809'
const A3 = 'c0ffee00c0ffee00c0ffee00c0ffee00'
const uri = (id: string) => `/iam/agencies/${id}`
const agencyPolicy = (...statements: Record<string, unknown>[]) => ({ Version: '1.1', Statement: statements })
const badRequest = (message: string) => ({ error: { code: 400, title: 'Bad Request', message } })

describe('agency custom policies (huaweicloud)', () => {
  let s: TestServer
  let token: string
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => call(`${s.url}${path}`, { token, ...init })
  const roleBody = (displayName: string, policy: unknown) => ({ role: { display_name: displayName, type: 'AX', description: `${displayName} policy`, policy } })

  beforeAll(async () => {
    s = await startServer()
    token = await s.adminToken()
  })
  afterAll(() => s.close())

  it('create, list, show, replace and delete round-trip the Resource exactly', async () => {
    const doc = agencyPolicy(
      { Effect: 'Allow', Action: ['iam:agencies:assume'], Resource: { uri: [uri(A1), uri(A2)] } },
      { Effect: 'Deny', Action: ['iam:agencies:assume'], Resource: { uri: [uri(A3)] } },
    )
    const created = await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: roleBody('AssumeSome', doc) })
    expect(created.status, created.text).toBe(201)
    const id = created.body.role.id as string
    expect(created.body).toEqual({
      role: {
        id: expect.stringMatching(/^[0-9a-f]{32}$/), name: `custom_${s.account.id}_0`, display_name: 'AssumeSome', type: 'AX', catalog: 'CUSTOMED',
        description: 'AssumeSome policy', domain_id: s.account.id, policy: doc, links: { self: `${s.url}/v3/roles/${id}` },
        created_time: expect.stringMatching(/^\d{13}$/), updated_time: expect.stringMatching(/^\d{13}$/),
      },
    })
    expect((await api(`/v3.0/OS-ROLE/roles/${id}`)).body.role).toMatchObject({ id, policy: doc, references: 0 })
    expect((await api('/v3.0/OS-ROLE/roles')).body.roles.find((r: { id: string }) => r.id === id).policy).toEqual(doc)
    expect((await api(`/v3/roles/${id}`)).body.role.policy).toEqual(doc)

    // Without Resource the statement covers every agency; key order as sent does not matter.
    const replacement = agencyPolicy({ Action: ['iam:agencies:assume'], Effect: 'Allow' }, { Resource: { uri: [uri(A2)] }, Effect: 'Deny', Action: ['iam:agencies:assume'] })
    const replaced = await api(`/v3.0/OS-ROLE/roles/${id}`, { method: 'PATCH', body: roleBody('AssumeAllBut', replacement) })
    expect(replaced.status, replaced.text).toBe(200)
    expect(replaced.body.role).toMatchObject({ id, display_name: 'AssumeAllBut', policy: replacement })
    expect(replaced.body.role.policy.Statement[0]).not.toHaveProperty('Resource')
    expect((await api(`/v3.0/OS-ROLE/roles/${id}`)).body.role.policy).toEqual(replacement)

    const deleted = await api(`/v3.0/OS-ROLE/roles/${id}`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect((await api(`/v3.0/OS-ROLE/roles/${id}`)).status).toBe(404)
  })

  it('takes 20 agencies in one statement and mixes agency and cloud-service statements', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => uri(i.toString(16).padStart(32, 'a')))
    const doc = agencyPolicy({ Effect: 'Allow', Action: ['iam:agencies:assume'], Resource: { uri: twenty } }, { Effect: 'Allow', Action: ['eps:enterpriseProjects:list'] })
    const created = await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: roleBody('Twenty', doc) })
    expect(created.status, created.text).toBe(201)
    expect(created.body.role.policy).toEqual(doc)
  })

  it('refuses what the clouds refuse or this server cannot evaluate, naming the field, in the Keystone error body', async () => {
    const assume = ['iam:agencies:assume']
    const statement = (fields: Record<string, unknown>) => agencyPolicy({ Effect: 'Allow', Action: assume, ...fields })
    const onlyAgencies = (field: string) => `Invalid input for field 'role/policy/Statement/${field}': 'Resource' is only supported on an agency statement, whose Action is exactly ["iam:agencies:assume"] (Old resources only support agencies.)`
    const notAgencyUri = (i: number, value: string) => `Invalid input for field 'role/policy/Statement/0/Resource/uri/${i}': '${value}' is not an agency URI of the form /iam/agencies/<agency id> (32 lower-case hex digits)`
    const cases: [unknown, string][] = [
      [agencyPolicy({ Effect: 'Allow', Action: ['eps:enterpriseProjects:list'], Resource: { uri: [uri(A1)] } }), onlyAgencies('0/Resource')],
      [agencyPolicy({ Effect: 'Allow', Action: ['obs:bucket:get*'], Resource: ['obs:*:*:bucket:*'] }), onlyAgencies('0/Resource')],
      [agencyPolicy({ Effect: 'Allow', Action: ['eps:*:*'] }, { Effect: 'Deny', Action: ['iam:agencies:*'], Resource: { uri: [uri(A1)] } }), onlyAgencies('1/Resource')],
      [statement({ Action: ['iam:agencies:assume', 'iam:tokens:assume'], Resource: { uri: [uri(A1)] } }), onlyAgencies('0/Resource')],
      [statement({ Action: ['IAM:agencies:assume'], Resource: { uri: [uri(A1)] } }),
        "Invalid input for field 'role/policy/Statement/0/Action/0': 'IAM:agencies:assume' is not an action of the form service:resource:action (service in lower case, at most 128 characters, wildcards * and ?)"],
      [statement({ Resource: { uri: [uri(A1)] }, Condition: { StringEquals: { 'g:UserName': ['x'] } } }),
        "Invalid input for field 'role/policy/Statement/0/Condition': 'Condition' is not allowed on an agency statement (Old policies do not support conditions.)"],
      [statement({ Resource: [uri(A1)] }),
        `Invalid input for field 'role/policy/Statement/0/Resource': the Resource of an agency statement must be an object {"uri": ["/iam/agencies/<agency id>", ...]}`],
      [statement({ Resource: { uri: [uri(A1)], urn: ['x'] } }), "Invalid input for field 'role/policy/Statement/0/Resource/urn': 'urn' is not a Resource field (uri)"],
      [statement({ Resource: {} }), "Invalid input for field 'role/policy/Statement/0/Resource/uri': uri must be a list of 1 to 20 agency URIs"],
      [statement({ Resource: { uri: [] } }), "Invalid input for field 'role/policy/Statement/0/Resource/uri': uri must be a list of 1 to 20 agency URIs"],
      [statement({ Resource: { uri: uri(A1) } }), "Invalid input for field 'role/policy/Statement/0/Resource/uri': uri must be a list of 1 to 20 agency URIs"],
      [statement({ Resource: { uri: Array.from({ length: 21 }, () => uri(A1)) } }), "Invalid input for field 'role/policy/Statement/0/Resource/uri': uri must be a list of 1 to 20 agency URIs"],
      [statement({ Resource: { uri: [uri(A1), '/iam/agencies/*'] } }), notAgencyUri(1, '/iam/agencies/*')],
      [statement({ Resource: { uri: [uri(A1.toUpperCase())] } }), notAgencyUri(0, uri(A1.toUpperCase()))],
      [statement({ Resource: { uri: [`${uri(A1)}/roles`] } }), notAgencyUri(0, `${uri(A1)}/roles`)],
      [statement({ Resource: { uri: [`/iam/users/${A1}`] } }), notAgencyUri(0, `/iam/users/${A1}`)],
      [statement({ Resource: { uri: [7] } }), notAgencyUri(0, '7')],
      [statement({ Principal: '*' }), "Invalid input for field 'role/policy/Statement/0/Principal': 'Principal' is not a statement field (Effect, Action, Resource)"],
    ]
    for (const [policy, message] of cases) {
      const res = await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: roleBody('Refused', policy) })
      expect(res.status, JSON.stringify(policy)).toBe(400)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(res.body, JSON.stringify(policy)).toEqual(badRequest(message))
    }
  })

  it('a refused replacement leaves the stored policy as it was', async () => {
    const doc = agencyPolicy({ Effect: 'Allow', Action: ['iam:agencies:assume'], Resource: { uri: [uri(A1)] } })
    const { id } = (await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: roleBody('Kept', doc) })).body.role
    const refused = await api(`/v3.0/OS-ROLE/roles/${id}`, {
      method: 'PATCH', body: roleBody('Kept2', agencyPolicy({ Effect: 'Allow', Action: ['eps:*:*'], Resource: { uri: [uri(A2)] } })),
    })
    expect(refused.status).toBe(400)
    expect((await api(`/v3.0/OS-ROLE/roles/${id}`)).body.role).toMatchObject({ display_name: 'Kept', policy: doc })
  })

  it('granted to a group, an agency policy limited to some agencies grants nothing else', async () => {
    const m = await groupMember(s, api, 'agency-assumer', 'User-Passw0rd!')
    const doc = agencyPolicy({ Effect: 'Allow', Action: ['iam:agencies:assume'], Resource: { uri: [uri(A1)] } })
    const { id } = (await api('/v3.0/OS-ROLE/roles', { method: 'POST', body: roleBody('AssumeOne', doc) })).body.role
    expect((await api(`/v3/domains/${s.account.id}/groups/${m.groupId}/roles/${id}`, { method: 'PUT' })).status).toBe(204)
    expect((await api(`/v3.0/OS-ROLE/roles/${id}`)).body.role.references).toBe(1)
    const t = await m.token()
    expect((await call(`${s.url}/v3/users`, { token: t })).status).toBe(403)
    expect((await call(`${s.url}/v3.0/OS-ROLE/roles`, { token: t })).status).toBe(403)
  })

  describe('through the Huawei SDK', () => {
    let sdk: any // eslint-disable-line @typescript-eslint/no-explicit-any

    beforeAll(async () => {
      const adminId = (await api('/v3/users?name=admin')).body.users[0].id
      const key = (await api('/v3.0/OS-CREDENTIAL/credentials', { method: 'POST', body: { credential: { user_id: adminId, description: 'sdk' } } })).body.credential
      sdk = iamClient(globalCredentials({ access: key.access, secret: key.secret }, s.account.id), s.url)
    })

    const sdkPolicy = (...statements: [string, string[] | undefined][]) => new iam.AgencyPolicy('1.1', statements.map(([effect, ids]) => {
      const st = new iam.AgencyPolicyStatement([iam.AgencyPolicyStatementActionEnum.IAMAGENCIESASSUME], effect)
      return ids ? st.withResource(new iam.AgencyPolicyResource(ids.map(uri))) : st
    }))
    /** The SDK's own result model filled from what it parsed: any field it does not know, or a
     * policy shape it does not declare, makes this differ from the parsed body. */
    const asAgencyResult = (r: any) => plain(new iam.AgencyPolicyRoleResult( // eslint-disable-line @typescript-eslint/no-explicit-any
      r.catalog, r.display_name, r.description, new iam.LinksSelf(r.links.self), modelPolicy(r.policy), r.domain_id, r.type, r.id, r.name,
    ).withCreatedTime(r.created_time).withUpdatedTime(r.updated_time))
    const asShowResult = (r: any) => plain(new iam.ShowPolicyRoleResult( // eslint-disable-line @typescript-eslint/no-explicit-any
      r.domain_id, r.catalog, r.name, r.description, new iam.LinksSelf(r.links.self), r.id, r.display_name, r.type, modelPolicy(r.policy),
    ).withReferences(r.references).withCreatedTime(r.created_time).withUpdatedTime(r.updated_time))
    const modelPolicy = (p: any) => new iam.AgencyPolicy(p.Version, p.Statement.map((st: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const model = new iam.AgencyPolicyStatement(st.Action, st.Effect)
      return st.Resource ? model.withResource(new iam.AgencyPolicyResource(st.Resource.uri)) : model
    }))
    const plain = (v: unknown) => JSON.parse(JSON.stringify(v))
    const withoutStatus = ({ httpStatusCode: _, ...rest }: Record<string, unknown>) => rest

    it('createAgencyCustomPolicy, updateAgencyCustomPolicy and showCustomPolicy: the answers are the SDK models, Resource included', async () => {
      const policy = sdkPolicy(['Allow', [A1, A2]], ['Deny', [A3]])
      const option = new iam.AgencyPolicyRoleOption('SdkAssume', 'AX', 'made by the SDK', policy).withDescriptionCn('委托')
      const created = await sdk.createAgencyCustomPolicy(new iam.CreateAgencyCustomPolicyRequest().withBody(new iam.CreateAgencyCustomPolicyRequestBody(option)))
      expect(created.httpStatusCode).toBe(201)
      expect(Object.keys(withoutStatus(created))).toEqual(['role'])
      expect(created.role).toEqual({ ...asAgencyResult(created.role), description_cn: '委托' })
      expect(created.role).toMatchObject({ display_name: 'SdkAssume', type: 'AX', catalog: 'CUSTOMED', domain_id: s.account.id, policy: plain(policy) })
      expect(created.role.policy.Statement[0].Resource).toEqual({ uri: [uri(A1), uri(A2)] })

      const replacement = sdkPolicy(['Allow', undefined], ['Deny', [A1]])
      const updated = await sdk.updateAgencyCustomPolicy(new iam.UpdateAgencyCustomPolicyRequest().withRoleId(created.role.id)
        .withBody(new iam.UpdateAgencyCustomPolicyRequestBody(new iam.AgencyPolicyRoleOption('SdkAssume2', 'AX', 'replaced by the SDK', replacement))))
      expect(updated.httpStatusCode).toBe(200)
      expect(updated.role).toEqual(asAgencyResult(updated.role))
      expect(updated.role).toMatchObject({ id: created.role.id, name: created.role.name, display_name: 'SdkAssume2', policy: plain(replacement) })

      const shown = await sdk.showCustomPolicy(new iam.ShowCustomPolicyRequest().withRoleId(created.role.id))
      expect(shown.httpStatusCode).toBe(200)
      expect(shown.role).toEqual(asShowResult(shown.role))
      expect(shown.role).toMatchObject({ id: created.role.id, references: 0, policy: plain(replacement) })
    })

    it('the SDK parses a refusal: status, code and message', async () => {
      const statement = new iam.AgencyPolicyStatement([iam.AgencyPolicyStatementActionEnum.IAMAGENCIESASSUME], 'Allow').withResource(new iam.AgencyPolicyResource(['/iam/agencies/*']))
      const option = new iam.AgencyPolicyRoleOption('SdkBad', 'AX', 'refused', new iam.AgencyPolicy('1.1', [statement]))
      const failure = await sdk.createAgencyCustomPolicy(new iam.CreateAgencyCustomPolicyRequest().withBody(new iam.CreateAgencyCustomPolicyRequestBody(option)))
        .then(() => undefined, (e: unknown) => e)
      expect(failure).toMatchObject({
        httpStatusCode: 400, errorCode: 400, requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
        errorMsg: "Invalid input for field 'role/policy/Statement/0/Resource/uri/0': '/iam/agencies/*' is not an agency URI of the form /iam/agencies/<agency id> (32 lower-case hex digits)",
      })
    })
  })
})
