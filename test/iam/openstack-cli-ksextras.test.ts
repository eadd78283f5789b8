/**
 * The real `openstack` CLI against the keystone flavour's OAuth1 consumers (`consumer …`) and
 * policy blobs (`policy …`): create, list, show, set and delete, and the errors it prints from
 * our bodies. Domain configuration has no `openstack` command.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { budget, KEYSTONE_ADMIN_SCOPE, openstackCli, type OpenstackCli } from '../helpers/openstack-cli.js'

describe('openstack CLI: consumers and policies (keystone)', () => {
  let s: TestServer
  let cli: OpenstackCli
  let files: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    cli = openstackCli(s, KEYSTONE_ADMIN_SCOPE)
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-blobs-'))
  })
  afterAll(async () => {
    cli?.cleanup()
    if (files) fs.rmSync(files, { recursive: true, force: true })
    await s?.close()
  })

  it('consumer create shows the secret once; list, show, set and delete work as with Keystone', async () => {
    const made = await cli.cliJson(['consumer', 'create', '--description', 'cli consumer', '-f', 'json'])
    expect(made).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), description: 'cli consumer', secret: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect(await cli.cliJson(['consumer', 'list', '-f', 'json'])).toEqual([{ ID: made.id, Description: 'cli consumer' }])
    await cli.cliOk(['consumer', 'set', '--description', 'renamed', made.id])
    expect(await cli.cliJson(['consumer', 'show', made.id, '-f', 'json'])).toEqual({ id: made.id, description: 'renamed' })
    await cli.cliOk(['consumer', 'delete', made.id])
    const gone = await cli.cliFails(['consumer', 'show', made.id])
    expect(gone.stderr).toContain(`No consumer with a name or ID of '${made.id}' exists.`)
  }, budget(6))

  it('policy create reads the rules from a file; list (--long), show, set --type/--rules and delete', async () => {
    const rules = path.join(files, 'rules.json')
    fs.writeFileSync(rules, '{"identity:list_users": "role:admin"}')
    const made = await cli.cliJson(['policy', 'create', '--type', 'application/json', rules, '-f', 'json'])
    expect(made).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), type: 'application/json', rules: '{"identity:list_users": "role:admin"}' })
    expect(await cli.cliJson(['policy', 'list', '--long', '-f', 'json'])).toEqual([{ ID: made.id, Type: 'application/json', Rules: made.rules }])
    const changed = path.join(files, 'changed.txt')
    fs.writeFileSync(changed, 'plain rules')
    await cli.cliOk(['policy', 'set', '--type', 'text/plain', '--rules', changed, made.id])
    expect(await cli.cliJson(['policy', 'show', made.id, '-f', 'json'])).toEqual({ id: made.id, type: 'text/plain', rules: 'plain rules' })
    // What the CLI sent is what the API stores.
    const stored = await call(`${s.url}/v3/policies/${made.id}`, { token: await s.adminToken() })
    expect(stored.body.policy).toMatchObject({ blob: 'plain rules', type: 'text/plain' })
    await cli.cliOk(['policy', 'delete', made.id])
    const gone = await cli.cliFails(['policy', 'delete', made.id])
    expect(gone.stderr).toContain(`Could not find policy: ${made.id}. (HTTP 404)`)
  }, budget(7))

  it('a project member is refused with Keystone words', async () => {
    const admin = await s.adminToken()
    const project = await call(`${s.url}/v3/projects`, { method: 'POST', token: admin, body: { project: { name: 'cli-members', domain_id: 'default' } } })
    const user = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: 'cli-member', password: 'Member-Passw0rd', domain_id: 'default' } } })
    const member = (await call(`${s.url}/v3/roles?name=member`, { token: admin })).body.roles[0].id
    expect((await call(`${s.url}/v3/projects/${project.body.project.id}/users/${user.body.user.id}/roles/${member}`, { method: 'PUT', token: admin })).status).toBe(204)
    const asMember = { OS_USERNAME: 'cli-member', OS_PASSWORD: 'Member-Passw0rd', OS_PROJECT_NAME: 'cli-members' }
    const refused = await cli.cliFails(['consumer', 'list'], asMember)
    expect(refused.stderr).toContain('You are not authorized to perform the requested action: identity:list_consumers. (HTTP 403)')
    const policies = await cli.cliFails(['policy', 'list'], asMember)
    expect(policies.stderr).toContain('You are not authorized to perform the requested action: identity:list_policies. (HTTP 403)')
  }, budget(2))
})
