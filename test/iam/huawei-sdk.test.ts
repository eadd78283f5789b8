/**
 * The real, unmodified Huawei Cloud Node SDK (`@huaweicloud/huaweicloud-sdk-iam` 3.1.172 with its
 * core) against the running server, signing every call with an access key as it always does:
 * projects, users, groups and access keys with GlobalCredentials and BasicCredentials, the SDK's
 * own discovery of domain and project ids, and its parsing of our errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { basicCredentials, core, globalCredentials, iam, iamClient, type AccessKey } from '../helpers/huawei-sdk.js'

describe('Huawei Cloud Node SDK against projectplane (huaweicloud)', () => {
  let s: TestServer
  let key: AccessKey
  let adminId: string
  let global: any // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    s = await startServer()
    const token = await s.adminToken()
    adminId = (await call(`${s.url}/v3/users?name=admin`, { token })).body.users[0].id
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: adminId, description: 'sdk' } } })
    key = { access: created.body.credential.access, secret: created.body.credential.secret }
    global = iamClient(globalCredentials(key, s.account.id), s.url)
  })
  afterAll(() => s.close())

  it('keystoneListProjects with GlobalCredentials: filters arrive and the answer parses', async () => {
    const res = await global.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName('cn-north-4').withEnabled(true))
    expect(res.httpStatusCode).toBe(200)
    expect(res.projects.map((p: { name: string }) => p.name)).toEqual(['cn-north-4'])
    expect(res.links.self).toBe(`${s.url}/v3/projects?name=cn-north-4&enabled=true`)
  })

  it('keystoneCreateProject, then keystoneShowProject and keystoneUpdateProject through BasicCredentials (the SDK fills the id only from them)', async () => {
    const parentId = (await global.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName('cn-north-4'))).projects[0].id
    const option = new iam.KeystoneCreateProjectOption('cn-north-4_sdk', parentId).withDomainId(s.account.id).withDescription('made by the SDK')
    const created = await global.keystoneCreateProject(new iam.KeystoneCreateProjectRequest().withBody(new iam.KeystoneCreateProjectRequestBody(option)))
    expect(created.httpStatusCode).toBe(201)
    expect(created.project).toMatchObject({ name: 'cn-north-4_sdk', description: 'made by the SDK', parent_id: parentId, domain_id: s.account.id })

    const onProject = iamClient(basicCredentials(key, created.project.id), s.url)
    const shown = await onProject.keystoneShowProject(new iam.KeystoneShowProjectRequest())
    expect(shown.project).toMatchObject({ id: created.project.id, name: 'cn-north-4_sdk' })
    const update = new iam.KeystoneUpdateProjectOption().withName('cn-north-4_sdk2').withDescription('renamed by the SDK')
    const updated = await onProject.keystoneUpdateProject(new iam.KeystoneUpdateProjectRequest().withBody(new iam.KeystoneUpdateProjectRequestBody().withProject(update)))
    expect(updated.httpStatusCode).toBe(200)
    expect(updated.project).toMatchObject({ id: created.project.id, name: 'cn-north-4_sdk2', description: 'renamed by the SDK', extra: {} })
  })

  it('with GlobalCredentials the SDK sends a literal {project_id}: it gets our 404, parsed, with our request id', async () => {
    const failure = await global.keystoneShowProject(new iam.KeystoneShowProjectRequest()).then(() => undefined, (e: unknown) => e)
    expect(failure).toMatchObject({
      httpStatusCode: 404, errorCode: 404, errorMsg: 'Could not find project: {project_id}.', requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
    })
  })

  it('SDK errors carry our code, message and request id: a 409 on a taken name', async () => {
    const parentId = (await global.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName('cn-north-4'))).projects[0].id
    const option = new iam.KeystoneCreateProjectOption('cn-north-4_sdk2', parentId)
    const failure = await global.keystoneCreateProject(new iam.KeystoneCreateProjectRequest().withBody(new iam.KeystoneCreateProjectRequestBody(option))).then(() => undefined, (e: unknown) => e)
    expect(failure).toMatchObject({
      httpStatusCode: 409, errorCode: 409, requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
      errorMsg: `Conflict occurred attempting to store project - Duplicate entry found with name cn-north-4_sdk2 at domain ID ${s.account.id}.`,
    })
  })

  it('keystoneCreateUser and keystoneListUsers', async () => {
    const option = new iam.KeystoneCreateUserOption('sdk-user').withDomainId(s.account.id).withPassword('Sdk-Passw0rd!').withEnabled(true).withDescription('via SDK')
    const created = await global.keystoneCreateUser(new iam.KeystoneCreateUserRequest().withBody(new iam.KeystoneCreateUserRequestBody().withUser(option)))
    expect(created.httpStatusCode).toBe(201)
    expect(created.user).toMatchObject({ name: 'sdk-user', domain_id: s.account.id, enabled: true, description: 'via SDK' })
    const listed = await global.keystoneListUsers(new iam.KeystoneListUsersRequest().withDomainId(s.account.id).withName('sdk-user'))
    expect(listed.users.map((u: { id: string }) => u.id)).toEqual([created.user.id])
  })

  it('keystoneCreateGroup, keystoneListGroups, keystoneAddUserToGroup and a domain grant', async () => {
    const created = await global.keystoneCreateGroup(new iam.KeystoneCreateGroupRequest().withBody(
      new iam.KeystoneCreateGroupRequestBody().withGroup(new iam.KeystoneCreateGroupOption('sdk-group').withDescription('via SDK').withDomainId(s.account.id))))
    expect(created.httpStatusCode).toBe(201)
    expect(created.group).toMatchObject({ name: 'sdk-group', description: 'via SDK', domain_id: s.account.id, create_time: expect.any(Number) })
    const listed = await global.keystoneListGroups(new iam.KeystoneListGroupsRequest().withName('sdk-group'))
    expect(listed.groups.map((g: { id: string }) => g.id)).toEqual([created.group.id])
    const user = (await global.keystoneListUsers(new iam.KeystoneListUsersRequest().withName('sdk-user'))).users[0]
    const added = await global.keystoneAddUserToGroup(new iam.KeystoneAddUserToGroupRequest().withGroupId(created.group.id).withUserId(user.id))
    expect(added.httpStatusCode).toBe(204)
    const role = (await global.keystoneListPermissions(new iam.KeystoneListPermissionsRequest().withName('readonly'))).roles[0]
    const granted = await global.keystoneAssociateGroupWithDomainPermission(
      new iam.KeystoneAssociateGroupWithDomainPermissionRequest().withDomainId(s.account.id).withGroupId(created.group.id).withRoleId(role.id))
    expect(granted.httpStatusCode).toBe(204)
    const roles = await global.keystoneListDomainPermissionsForGroup(new iam.KeystoneListDomainPermissionsForGroupRequest().withDomainId(s.account.id).withGroupId(created.group.id))
    expect(roles.roles.map((r: { name: string }) => r.name)).toEqual(['readonly'])
  })

  it('createPermanentAccessKey and listPermanentAccessKeys; the new key signs for its user', async () => {
    const user = (await global.keystoneListUsers(new iam.KeystoneListUsersRequest().withName('sdk-user'))).users[0]
    const created = await global.createPermanentAccessKey(new iam.CreatePermanentAccessKeyRequest().withBody(
      new iam.CreatePermanentAccessKeyRequestBody().withCredential(new iam.CreateCredentialOption(user.id).withDescription('made by the SDK'))))
    expect(created.httpStatusCode).toBe(201)
    expect(created.credential).toMatchObject({ user_id: user.id, status: 'active', description: 'made by the SDK' })
    const listed = await global.listPermanentAccessKeys(new iam.ListPermanentAccessKeysRequest().withUserId(user.id))
    expect(listed.credentials.map((c: { access: string }) => c.access)).toEqual([created.credential.access])
    const asUser = iamClient(globalCredentials({ access: created.credential.access, secret: created.credential.secret }, s.account.id), s.url)
    const ownGroups = await asUser.keystoneListGroupsForUser(new iam.KeystoneListGroupsForUserRequest().withUserId(user.id))
    expect(ownGroups.groups.map((g: { name: string }) => g.name)).toEqual(['sdk-group'])
    const denied = await asUser.keystoneCreateGroup(new iam.KeystoneCreateGroupRequest().withBody(
      new iam.KeystoneCreateGroupRequestBody().withGroup(new iam.KeystoneCreateGroupOption('not-allowed')))).then(() => undefined, (e: unknown) => e)
    expect(denied).toMatchObject({ httpStatusCode: 403, errorCode: 403, errorMsg: 'You are not authorized to perform the requested action: identity:create_group.' })
  })

  it('createTemporaryAccessKeyByToken (signed, no token) gives keys the SDK then uses with the security token', async () => {
    const res = await global.createTemporaryAccessKeyByToken(new iam.CreateTemporaryAccessKeyByTokenRequest().withBody(
      new iam.CreateTemporaryAccessKeyByTokenRequestBody().withAuth(new iam.TokenAuth().withIdentity(new iam.TokenAuthIdentity().withMethods(['token']).withToken(new iam.IdentityToken().withDurationSeconds(900))))))
    expect(res.httpStatusCode).toBe(201)
    const temp = iamClient(globalCredentials({ access: res.credential.access, secret: res.credential.secret, securityToken: res.credential.securitytoken }, s.account.id), s.url)
    const listed = await temp.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName('cn-north-4'))
    expect(listed.projects).toHaveLength(1)
  })

  it('discovers the domain id (GlobalCredentials) and the project id (BasicCredentials) itself when built with a region', async () => {
    const region = new core.Region('cn-north-4', s.url)
    const discoverDomain = iam.IamClient.newBuilder().withCredential(globalCredentials(key).withIamEndpoint(s.url)).withRegion(region).build()
    const users = await discoverDomain.keystoneListUsers(new iam.KeystoneListUsersRequest().withName('admin'))
    expect(users.users.map((u: { id: string }) => u.id)).toEqual([adminId])
    const discoverProject = iam.IamClient.newBuilder().withCredential(basicCredentials(key).withIamEndpoint(s.url)).withRegion(region).build()
    const shown = await discoverProject.keystoneShowProject(new iam.KeystoneShowProjectRequest())
    expect(shown.project.name).toBe('cn-north-4')
  })
})
