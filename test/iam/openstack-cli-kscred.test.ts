/**
 * The real `openstack` CLI's `credential` and `ec2 credentials` commands against the keystone
 * flavour: create, list (with its filters), show, set and delete, and the EC2 keys both command
 * families see, with the errors the CLI prints from our bodies.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers/server.js'
import { budget, KEYSTONE_ADMIN_SCOPE, openstackCli, type OpenstackCli } from '../helpers/openstack-cli.js'

describe('openstack credential and ec2 credentials commands (keystone flavour)', () => {
  let s: TestServer
  let o: OpenstackCli
  let adminId: string
  let adminProject: string

  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    o = openstackCli(s, KEYSTONE_ADMIN_SCOPE)
    adminId = (await o.cliJson(['user', 'show', 'admin', '-f', 'json'])).id
    adminProject = (await o.cliJson(['project', 'show', 'admin', '-f', 'json'])).id
  }, budget(2))
  afterAll(async () => { o?.cleanup(); await s?.close() })

  it('creates, lists, shows, sets and deletes credentials', async () => {
    const blob = '{"access": "cli-access", "secret": "cli-secret"}'
    const ec2 = await o.cliJson(['credential', 'create', 'admin', blob, '--type', 'ec2', '--project', 'admin', '-f', 'json'])
    expect(ec2).toEqual({ id: createHash('sha256').update('cli-access').digest('hex'), user_id: adminId, project_id: adminProject, type: 'ec2', blob })
    const cert = await o.cliJson(['credential', 'create', 'admin', 'cert-data', '-f', 'json'])
    expect(cert).toMatchObject({ user_id: adminId, project_id: null, type: 'cert', blob: 'cert-data' })

    const listed = await o.cliJson(['credential', 'list', '--user', 'admin', '--type', 'cert', '-f', 'json'])
    expect(listed).toEqual([{ ID: cert.id, Type: 'cert', 'User ID': adminId, Data: 'cert-data', 'Project ID': null }])
    await o.cliOk(['credential', 'set', '--user', 'admin', '--type', 'cert', '--data', 'new-data', cert.id])
    expect(await o.cliJson(['credential', 'show', cert.id, '-f', 'json'])).toEqual({ ...cert, blob: 'new-data' })
    await o.cliOk(['credential', 'delete', cert.id])
    await o.cliOk(['credential', 'delete', ec2.id])
    const gone = await o.cliFails(['credential', 'delete', ec2.id])
    expect(gone.stderr).toContain(`Could not find credential: ${ec2.id}. (HTTP 404)`)
    const nobody = await o.cliFails(['credential', 'create', 'nobody', 'x'])
    expect(nobody.stderr).toContain("No user with a name or ID of 'nobody' exists.")
  }, budget(10))

  it('creates, lists, shows and deletes EC2 credentials, which `credential list` shows too', async () => {
    const created = await o.cliJson(['ec2', 'credentials', 'create', '-f', 'json'])
    expect(created).toEqual({
      access: created.access, secret: created.secret, project_id: adminProject, user_id: adminId, trust_id: null,
      links: { self: `${s.url}/v3/users/${adminId}/credentials/OS-EC2/${created.access}` },
    })
    expect(created.access).toMatch(/^[0-9a-f]{32}$/)
    const listed = await o.cliJson(['ec2', 'credentials', 'list', '-f', 'json'])
    expect(listed).toContainEqual({ Access: created.access, Secret: created.secret, 'Project ID': adminProject, 'User ID': adminId })
    expect(await o.cliJson(['ec2', 'credentials', 'show', created.access, '-f', 'json'])).toEqual(created)
    const asCredentials = await o.cliJson(['credential', 'list', '--type', 'ec2', '-f', 'json'])
    expect(asCredentials.map((c: { ID: string }) => c.ID)).toContain(createHash('sha256').update(created.access).digest('hex'))
    await o.cliOk(['ec2', 'credentials', 'delete', created.access])
    const gone = await o.cliFails(['ec2', 'credentials', 'show', created.access])
    expect(gone.stderr).toContain('Could not find credential:')
    expect(gone.stderr).toContain('(HTTP 404)')
  }, budget(6))
})
