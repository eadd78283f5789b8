/**
 * The real `openstack` CLI against the keystone flavour for implied roles, domain-specific roles,
 * inherited grants and system grants (issue 16): what an operator types, what the CLI shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { budget, KEYSTONE_ADMIN_SCOPE, openstackCli, type OpenstackCli } from '../helpers/openstack-cli.js'

describe('openstack CLI: implied roles, domain roles and inherited grants (keystone)', () => {
  let s: TestServer
  let osc: OpenstackCli
  let token: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    token = await s.adminToken()
    osc = openstackCli(s, KEYSTONE_ADMIN_SCOPE)
  })
  afterAll(async () => {
    osc?.cleanup()
    await s?.close()
  })

  it('implied role create, list and delete; the implied role reaches the token', { timeout: budget(8) }, async () => {
    const { cliJson, cliOk, cliFails } = osc
    const observer = await cliJson(['role', 'create', 'cli-observer', '-f', 'json'])
    const reader = (await call(`${s.url}/v3/roles?name=reader`, { token })).body.roles[0].id
    expect(await cliJson(['implied', 'role', 'create', 'cli-observer', '--implied-role', 'reader', '-f', 'json'])).toEqual({ prior_role: observer.id, implies: reader })
    expect(await cliJson(['implied', 'role', 'list', '-f', 'json'])).toContainEqual({
      'Prior Role ID': observer.id, 'Prior Role Name': 'cli-observer', 'Implied Role ID': reader, 'Implied Role Name': 'reader',
    })
    const again = await cliFails(['implied', 'role', 'create', 'cli-observer', '--implied-role', 'reader'])
    expect(again.stderr).toContain('Conflict occurred attempting to store implied_role - Duplicate entry. (HTTP 409)')
    const refused = await cliFails(['implied', 'role', 'create', 'cli-observer', '--implied-role', 'admin'])
    expect(refused.stderr).toMatch(/[0-9a-f]{32} cannot be an implied roles\. \(HTTP 403\)/)

    await cliOk(['user', 'create', '--domain', 'Default', '--password', 'Cli-Passw0rd!', 'cli-implied-user'])
    await cliOk(['role', 'add', '--user', 'cli-implied-user', '--project', 'admin', 'cli-observer'])
    const assignments = await cliJson(['role', 'assignment', 'list', '--user', 'cli-implied-user', '--effective', '--names', '-f', 'json'])
    expect(assignments.map((a: { Role: string }) => a.Role).sort()).toEqual(['cli-observer', 'reader'])

    await cliOk(['implied', 'role', 'delete', 'cli-observer', '--implied-role', 'reader'])
    expect((await cliJson(['implied', 'role', 'list', '-f', 'json'])).map((r: { 'Prior Role ID': string }) => r['Prior Role ID'])).not.toContain(observer.id)
  })

  it('role create --domain, role list --domain; a domain role never shows in effective assignments', { timeout: budget(6) }, async () => {
    const { cliJson, cliOk } = osc
    const domainRole = await cliJson(['role', 'create', '--domain', 'Default', 'cli-domain-only', '-f', 'json'])
    expect(domainRole).toEqual({ id: expect.any(String), name: 'cli-domain-only', domain_id: 'default', description: '', options: {} })
    expect(await cliJson(['role', 'list', '--domain', 'Default', '-f', 'json'])).toContainEqual({ ID: domainRole.id, Name: 'cli-domain-only', Domain: 'Default' })
    await cliOk(['user', 'create', '--domain', 'Default', '--password', 'Cli-Passw0rd!', 'cli-domain-user'])
    await cliOk(['role', 'add', '--user', 'cli-domain-user', '--project', 'admin', '--role-domain', 'Default', 'cli-domain-only'])
    expect(await cliJson(['role', 'assignment', 'list', '--user', 'cli-domain-user', '--effective', '-f', 'json'])).toEqual([])
    expect(await cliJson(['role', 'assignment', 'list', '--user', 'cli-domain-user', '-f', 'json'])).toHaveLength(1)
  })

  it('role add --inherited on a domain and on a project; role assignment list --effective --inherited; role remove --inherited', { timeout: budget(12) }, async () => {
    const { cliJson, cliOk } = osc
    await cliOk(['project', 'create', '--domain', 'Default', 'cli-parent'])
    await cliOk(['project', 'create', '--domain', 'Default', '--parent', 'cli-parent', 'cli-child'])
    await cliOk(['user', 'create', '--domain', 'Default', '--password', 'Cli-Passw0rd!', 'cli-heir'])
    await cliOk(['group', 'create', '--domain', 'Default', 'cli-heirs'])
    await cliOk(['group', 'add', 'user', 'cli-heirs', 'cli-heir'])
    await cliOk(['role', 'add', '--user', 'cli-heir', '--domain', 'Default', '--inherited', 'reader'])
    await cliOk(['role', 'add', '--group', 'cli-heirs', '--project', 'cli-parent', '--inherited', 'member'])

    const inherited = await cliJson(['role', 'assignment', 'list', '--user', 'cli-heir', '--inherited', '--names', '-f', 'json'])
    expect(inherited).toEqual([{ Role: 'reader', User: 'cli-heir@Default', Group: '', Project: '', Domain: 'Default', System: '', Inherited: true }])
    const onParent = await cliJson(['role', 'assignment', 'list', '--project', 'cli-parent', '--inherited', '--names', '-f', 'json'])
    expect(onParent).toEqual([{ Role: 'member', User: '', Group: 'cli-heirs@Default', Project: 'cli-parent@Default', Domain: '', System: '', Inherited: true }])

    const onChild = await cliJson(['role', 'assignment', 'list', '--user', 'cli-heir', '--project', 'cli-child', '--effective', '--names', '-f', 'json'])
    // reader twice: inherited from the domain, and implied by the inherited member (bootstrap's chain).
    expect(onChild.map((a: { Role: string; Inherited: boolean }) => `${a.Role}:${a.Inherited}`).sort()).toEqual(['member:true', 'reader:true', 'reader:true'])
    const onParentEffective = await cliJson(['role', 'assignment', 'list', '--user', 'cli-heir', '--project', 'cli-parent', '--effective', '--names', '-f', 'json'])
    expect(onParentEffective.map((a: { Role: string }) => a.Role)).toEqual(['reader'])

    await cliOk(['role', 'remove', '--group', 'cli-heirs', '--project', 'cli-parent', '--inherited', 'member'])
    await cliOk(['role', 'remove', '--user', 'cli-heir', '--domain', 'Default', '--inherited', 'reader'])
    expect(await cliJson(['role', 'assignment', 'list', '--user', 'cli-heir', '--effective', '-f', 'json'])).toEqual([])
  })

  it('role add --system all, role assignment list --system all, role remove --system all', { timeout: budget(5) }, async () => {
    const { cliJson, cliOk } = osc
    await cliOk(['user', 'create', '--domain', 'Default', '--password', 'Cli-Passw0rd!', 'cli-operator'])
    await cliOk(['role', 'add', '--user', 'cli-operator', '--system', 'all', 'reader'])
    expect(await cliJson(['role', 'assignment', 'list', '--user', 'cli-operator', '--system', 'all', '--names', '-f', 'json']))
      .toEqual([{ Role: 'reader', User: 'cli-operator@Default', Group: '', Project: '', Domain: '', System: 'all', Inherited: false }])
    await cliOk(['role', 'remove', '--user', 'cli-operator', '--system', 'all', 'reader'])
    expect(await cliJson(['role', 'assignment', 'list', '--user', 'cli-operator', '--system', 'all', '-f', 'json'])).toEqual([])
  })
})
