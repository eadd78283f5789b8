/**
 * The real `openstack` CLI on Keystone's projects, domains, users, groups and regions in the
 * keystone flavour (area core): projects in a domain and under a parent, `project show --parents
 * --children`, tags, a user changing its own password, group membership, a domain deleted with
 * its contents, and the region commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { budget, KEYSTONE_ADMIN_SCOPE, openstackCli, type OpenstackCli } from '../helpers/openstack-cli.js'

describe('openstack CLI on projects, domains, users, groups and regions (keystone)', () => {
  let s: TestServer
  let admin: string
  let os: OpenstackCli
  let domainId: string
  let topId: string
  let childId: string
  beforeAll(async () => {
    s = await startServer({ flavour: 'keystone' })
    admin = await s.adminToken()
    os = openstackCli(s, KEYSTONE_ADMIN_SCOPE)
  })
  afterAll(async () => {
    await s?.close()
    os?.cleanup()
  })

  it('domain create, project create --domain / --parent, project show --parents --children', { timeout: budget(5) }, async () => {
    const domain = await os.cliJson(['domain', 'create', '--description', 'for the CLI', 'cli-dom', '-f', 'json'])
    expect(domain).toMatchObject({ name: 'cli-dom', description: 'for the CLI', enabled: true })
    domainId = domain.id
    const top = await os.cliJson(['project', 'create', '--domain', 'cli-dom', 'cli-top', '-f', 'json'])
    expect(top).toMatchObject({ name: 'cli-top', domain_id: domainId, parent_id: domainId, is_domain: false })
    topId = top.id
    const child = await os.cliJson(['project', 'create', '--domain', 'cli-dom', '--parent', 'cli-top', 'cli-child', '-f', 'json'])
    expect(child).toMatchObject({ name: 'cli-child', domain_id: domainId, parent_id: topId })
    childId = child.id
    const shown = await os.cliJson(['project', 'show', '--domain', 'cli-dom', '--parents', '--children', 'cli-top', '-f', 'json'])
    expect(shown).toMatchObject({ id: topId, parents: { [domainId]: null }, subtree: { [childId]: null } })
    const leaf = await os.cliJson(['project', 'show', '--domain', 'cli-dom', '--parents', '--children', 'cli-child', '-f', 'json'])
    expect(leaf).toMatchObject({ id: childId, parents: { [topId]: { [domainId]: null } }, subtree: null })
  })

  it('project set --tag / --remove-tag, project list --tags', { timeout: budget(4) }, async () => {
    await os.cliOk(['project', 'set', '--domain', 'cli-dom', '--tag', 'red', '--tag', 'blue', 'cli-top'])
    await os.cliOk(['project', 'set', '--domain', 'cli-dom', '--remove-tag', 'blue', 'cli-child'])
    await os.cliOk(['project', 'set', '--domain', 'cli-dom', '--remove-tag', 'blue', 'cli-top'])
    expect((await call(`${s.url}/v3/projects/${topId}/tags`, { token: admin })).body.tags).toEqual(['red'])
    const tagged = await os.cliJson(['project', 'list', '--tags', 'red', '-f', 'json'])
    expect(tagged).toEqual([{ ID: topId, Name: 'cli-top' }])
  })

  it('user create, group add user, group contains user, user password set by the user itself', { timeout: budget(9) }, async () => {
    await os.cliJson(['user', 'create', '--domain', 'cli-dom', '--password', 'first-pw', 'cli-user', '-f', 'json'])
    await os.cliJson(['group', 'create', '--domain', 'default', 'cli-group', '-f', 'json'])
    // A user of one domain joins a group of another, as Keystone allows.
    await os.cliOk(['group', 'add', 'user', '--group-domain', 'default', '--user-domain', 'cli-dom', 'cli-group', 'cli-user'])
    const contains = await os.cliOk(['group', 'contains', 'user', '--group-domain', 'default', '--user-domain', 'cli-dom', 'cli-group', 'cli-user'])
    expect(contains.stdout).toContain('cli-user in group cli-group')
    await os.cliOk(['role', 'add', '--project', 'cli-top', '--project-domain', 'cli-dom', '--user', 'cli-user', '--user-domain', 'cli-dom', 'member'])
    const asUser = { OS_USERNAME: 'cli-user', OS_PASSWORD: 'first-pw', OS_USER_DOMAIN_NAME: 'cli-dom', OS_PROJECT_NAME: 'cli-top', OS_PROJECT_DOMAIN_NAME: 'cli-dom' }
    await os.cliOk(['user', 'password', 'set', '--original-password', 'first-pw', '--password', 'second-pw'], asUser)
    await os.cliFails(['token', 'issue', '-f', 'json'], asUser)
    const issued = await os.cliJson(['token', 'issue', '-f', 'json'], { ...asUser, OS_PASSWORD: 'second-pw' })
    expect(issued.project_id).toBe(topId)
    const wrong = await os.cliFails(['user', 'password', 'set', '--original-password', 'not-it', '--password', 'third-pw'], { ...asUser, OS_PASSWORD: 'second-pw' })
    expect(wrong.stderr).toContain('The request you have made requires authentication. (HTTP 401)')
  })

  it('domain delete: refused while enabled, then takes its projects and users with it', { timeout: budget(5) }, async () => {
    const refused = await os.cliFails(['domain', 'delete', 'cli-dom'])
    expect(refused.stderr).toContain('Cannot delete a domain that is enabled, please disable it first. (HTTP 403)')
    await os.cliOk(['domain', 'set', '--disable', 'cli-dom'])
    await os.cliOk(['domain', 'delete', 'cli-dom'])
    for (const path of [`domains/${domainId}`, `projects/${topId}`, `projects/${childId}`]) {
      expect((await call(`${s.url}/v3/${path}`, { token: admin })).status).toBe(404)
    }
    expect((await call(`${s.url}/v3/users?name=cli-user`, { token: admin })).body.users).toEqual([])
    const members = await os.cliJson(['user', 'list', '--group', 'cli-group', '--domain', 'default', '-f', 'json'])
    expect(members).toEqual([])
  })

  it('region create, set, list, delete', { timeout: budget(5) }, async () => {
    expect(await os.cliJson(['region', 'create', '--description', 'second', 'RegionTwo', '-f', 'json'])).toMatchObject({ region: 'RegionTwo', description: 'second', parent_region: null })
    await os.cliOk(['region', 'set', '--description', 'renamed', 'RegionTwo'])
    const listed = await os.cliJson(['region', 'list', '-f', 'json'])
    expect(listed).toContainEqual({ Region: 'RegionTwo', 'Parent Region': null, Description: 'renamed' })
    await os.cliOk(['region', 'delete', 'RegionTwo'])
    expect((await call(`${s.url}/v3/regions/RegionTwo`, { token: admin })).status).toBe(404)
  })
})
