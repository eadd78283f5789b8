/**
 * The real `openstack` CLI on trusts in the keystone flavour: the trustor creates a trust
 * (`trust create`, by ids: a trustor without admin rights cannot look names up, in Keystone
 * either), the admin lists all trusts, the trustor shows it, the trustee gets a trust-scoped
 * token (`--os-trust-id` with `token issue`) acting as the trustor, and the trustor deletes it,
 * after which the trustee gets no token from it and the admin finds it no more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { budget, KEYSTONE_ADMIN_SCOPE, openstackCli, type OpenstackCli } from '../helpers/openstack-cli.js'

describe('openstack CLI on trusts (keystone flavour)', () => {
  let s: TestServer
  let cli: OpenstackCli
  let projectId: string
  let memberId: string
  const users: Record<'trustor' | 'trustee', { id: string; password: string }> = {} as never
  /** The environment of `who`, scoped to the project, or to nothing (the trust gives the scope). */
  const as = (who: 'trustor' | 'trustee', scoped = true): Record<string, string> => ({
    OS_USERNAME: who, OS_PASSWORD: users[who].password, OS_PROJECT_NAME: scoped ? 'cli-trusts' : '', OS_PROJECT_DOMAIN_NAME: scoped ? 'Default' : '',
  })

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    cli = openstackCli(s, KEYSTONE_ADMIN_SCOPE)
    const admin = await s.adminToken()
    projectId = (await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'cli-trusts', domain_id: 'default' } } })).body.project.id
    memberId = (await call(`${s.url}/v3/roles?name=member`, { token: admin })).body.roles[0].id
    for (const name of ['trustor', 'trustee'] as const) {
      const password = `${name}-Passw0rd`
      const id = (await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password, domain_id: 'default' } } })).body.user.id
      await call(`${s.url}/v3/projects/${projectId}/users/${id}/roles/${memberId}`, { method: 'PUT', token: admin })
      users[name] = { id, password }
    }
  })
  afterAll(async () => {
    cli?.cleanup()
    await s?.close()
  })

  it('creates, lists, shows and deletes a trust, and issues a token through it', async () => {
    const created = await cli.cliJson(['trust', 'create', '--project', projectId, '--role', memberId, '--impersonate', '--expiration', '2099-01-01T00:00:00',
      users.trustor.id, users.trustee.id, '-f', 'json'], as('trustor'))
    expect(created).toMatchObject({
      impersonation: true, project_id: projectId, trustor_user_id: users.trustor.id, trustee_user_id: users.trustee.id,
      expires_at: '2099-01-01T00:00:00.000000Z', remaining_uses: null, redelegation_count: 0, roles: 'member',
    })
    const listed = await cli.cliJson(['trust', 'list', '-f', 'json'])
    expect(listed).toContainEqual({
      ID: created.id, 'Expires At': '2099-01-01T00:00:00.000000Z', Impersonation: true, 'Project ID': projectId,
      'Trustee User ID': users.trustee.id, 'Trustor User ID': users.trustor.id,
    })
    expect(await cli.cliJson(['trust', 'show', created.id, '-f', 'json'], as('trustor'))).toEqual(created)

    const issued = await cli.cliJson(['--os-trust-id', created.id, 'token', 'issue', '-f', 'json'], as('trustee', false))
    expect(issued).toMatchObject({ project_id: projectId, user_id: users.trustor.id })

    await cli.cliOk(['trust', 'delete', created.id], as('trustor'))
    // The CLI looks a missing id up by name next, which lists every trust: the admin's to do.
    const gone = await cli.cliFails(['trust', 'show', created.id])
    expect(gone.stderr).toContain(`No trust with a name or ID of '${created.id}' exists.`)
    const refused = await cli.cliFails(['--os-trust-id', created.id, 'token', 'issue'], as('trustee', false))
    expect(refused.stderr).toContain('The request you have made requires authentication. (HTTP 401)')
  }, budget(8))
})
