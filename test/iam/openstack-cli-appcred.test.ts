/**
 * The real `openstack` CLI against the keystone flavour's application credentials and access
 * rules: `application credential create/list/show/delete`, `access rule list/show/delete`, and
 * signing in with `--os-auth-type v3applicationcredential` (by id, and by name with the user), as
 * keystoneauth does it, with the errors the CLI prints from our bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers/server.js'
import { recordSecret } from '../helpers/secrets.js'
import { budget, describeRun, KEYSTONE_ADMIN_SCOPE, openstackCli, runCli, type OpenstackCli } from '../helpers/openstack-cli.js'

describe('openstack CLI: application credentials and access rules (keystone)', () => {
  let s: TestServer
  let cli: OpenstackCli
  /** The admin's environment without its password credentials: what a credential's user sets instead. */
  let bareEnv: Record<string, string>
  const PASSWORD_KEYS = ['OS_USERNAME', 'OS_PASSWORD', 'OS_USER_DOMAIN_NAME', 'OS_PROJECT_NAME', 'OS_PROJECT_DOMAIN_NAME']
  const withCredential = (auth: Record<string, string>) => ({ ...bareEnv, OS_AUTH_TYPE: 'v3applicationcredential', ...auth })

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    cli = openstackCli(s, KEYSTONE_ADMIN_SCOPE)
    bareEnv = Object.fromEntries(Object.entries(cli.env).filter(([k]) => !PASSWORD_KEYS.includes(k)))
  })
  afterAll(async () => {
    cli?.cleanup()
    await s?.close()
  })

  it('creates, lists, shows and deletes credentials; a taken name is the server\'s 409', async () => {
    const made = await cli.cliJson(['application', 'credential', 'create', 'cli-one', '--description', 'from the CLI', '--role', 'admin', '-f', 'json'])
    expect(made).toMatchObject({ name: 'cli-one', description: 'from the CLI', expires_at: null, roles: 'admin', unrestricted: false })
    expect(made.secret).toMatch(/^[A-Za-z0-9_-]{86}$/)
    recordSecret('password', made.secret)
    const listed = await cli.cliJson(['application', 'credential', 'list', '-f', 'json'])
    expect(listed).toEqual([{ ID: made.id, Name: 'cli-one', 'Project ID': made.project_id, Description: 'from the CLI', 'Expires At': null }])
    const shown = await cli.cliJson(['application', 'credential', 'show', 'cli-one', '-f', 'json'])
    expect(shown).toEqual({ id: made.id, name: 'cli-one', description: 'from the CLI', expires_at: null, project_id: made.project_id, roles: 'admin', unrestricted: false })
    const taken = await cli.cliFails(['application', 'credential', 'create', 'cli-one'])
    expect(taken.stderr).toContain('Conflict occurred attempting to store application_credential - Duplicate entry found with name cli-one. (HTTP 409)')
    await cli.cliOk(['application', 'credential', 'delete', 'cli-one'])
    const gone = await cli.cliFails(['application', 'credential', 'show', 'cli-one'])
    expect(gone.stderr).toContain("No applicationcredential with a name or ID of 'cli-one' exists.")
  }, budget(6))

  it('signs in with a credential by id and by name, and refuses a wrong secret', async () => {
    recordSecret('password', 'cli-S3cret')
    const made = await cli.cliJson(['application', 'credential', 'create', 'cli-login', '--secret', 'cli-S3cret', '--expiration', '2099-01-01T00:00:00', '-f', 'json'])
    expect(made.expires_at).toBe('2099-01-01T00:00:00.000000')
    const byId = await runCli(withCredential({ OS_APPLICATION_CREDENTIAL_ID: made.id, OS_APPLICATION_CREDENTIAL_SECRET: 'cli-S3cret' }), ['token', 'issue', '-f', 'json'])
    expect(byId.code, describeRun(['token', 'issue'], byId)).toBe(0)
    expect(JSON.parse(byId.stdout)).toMatchObject({ project_id: made.project_id })
    const byName = withCredential({ OS_APPLICATION_CREDENTIAL_NAME: 'cli-login', OS_APPLICATION_CREDENTIAL_SECRET: 'cli-S3cret', OS_USERNAME: s.adminUser, OS_USER_DOMAIN_NAME: s.account.name })
    const users = await runCli(byName, ['user', 'list', '-f', 'json'])
    expect(users.code, describeRun(['user', 'list'], users)).toBe(0)
    expect(JSON.parse(users.stdout).map((u: { Name: string }) => u.Name)).toContain('admin')
    const wrong = await runCli(withCredential({ OS_APPLICATION_CREDENTIAL_ID: made.id, OS_APPLICATION_CREDENTIAL_SECRET: 'wrong' }), ['token', 'issue'])
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toContain('Invalid application credential ID or secret (HTTP 401)')
    // The credential is restricted (the default): its token makes no further credentials.
    const nested = await runCli(withCredential({ OS_APPLICATION_CREDENTIAL_ID: made.id, OS_APPLICATION_CREDENTIAL_SECRET: 'cli-S3cret' }), ['application', 'credential', 'create', 'nested'])
    expect(nested.code).not.toBe(0)
    expect(nested.stderr).toContain("Using method 'application_credential' is not allowed for managing additional application credentials. (HTTP 403)")
  }, budget(6))

  it('lists, shows and deletes access rules, refusing one a credential still uses', async () => {
    const rules = JSON.stringify([{ service: 'compute', path: '/v2.1/servers', method: 'GET' }])
    const made = await cli.cliJson(['application', 'credential', 'create', 'cli-rules', '--access-rules', rules, '--unrestricted', '-f', 'json'])
    expect(made.unrestricted).toBe(true)
    const [rule] = made.access_rules
    expect(rule).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), service: 'compute', path: '/v2.1/servers', method: 'GET' })
    expect(await cli.cliJson(['access', 'rule', 'list', '-f', 'json'])).toEqual([{ ID: rule.id, Service: 'compute', Method: 'GET', Path: '/v2.1/servers' }])
    expect(await cli.cliJson(['access', 'rule', 'show', rule.id, '-f', 'json'])).toEqual(rule)
    const inUse = await cli.cliFails(['access', 'rule', 'delete', rule.id])
    expect(inUse.stderr).toContain('May not delete access rule in use (HTTP 403)')
    await cli.cliOk(['application', 'credential', 'delete', 'cli-rules'])
    await cli.cliOk(['access', 'rule', 'delete', rule.id])
    expect(await cli.cliJson(['access', 'rule', 'list', '-f', 'json'])).toEqual([])
  }, budget(8))
})
