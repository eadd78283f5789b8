/**
 * The real `openstack` CLI (Debian's python3-openstackclient: keystoneauth1 + python-keystoneclient
 * + openstacksdk) against the real server, in the Huawei Cloud and the Keystone flavour: version
 * discovery, password auth, the catalog's per-region endpoints, project create/show/list/set, and
 * the errors the CLI prints from our error bodies. `scripts/ensure-system-packages.sh` installs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FlavourName } from '../../src/flavours.js'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { budget, describeRun, KEYSTONE_ADMIN_SCOPE, openstackCli, runCli, type OpenstackCli } from '../helpers/openstack-cli.js'

interface FlavourCase {
  flavour: FlavourName
  /** `--os-region-name` the catalog must serve. */
  region: string
  /** Created, then renamed to `renamed`; HWC names must be `<region>_<suffix>`. */
  projectName: string
  renamed: string
  /** HWC/OTC cap descriptions at 255 characters; Keystone has no cap. */
  descriptionMax: number | undefined
  scopeEnv(s: TestServer): Record<string, string>
}

const CASES: FlavourCase[] = [
  {
    flavour: 'huaweicloud',
    region: 'cn-north-4',
    projectName: 'cn-north-4_cli',
    renamed: 'cn-north-4_cli-renamed',
    descriptionMax: 255,
    // The clouds' IAM management APIs want a domain-scoped ("global service") token.
    scopeEnv: (s) => ({ OS_DOMAIN_NAME: s.account.name }),
  },
  {
    flavour: 'keystone',
    region: 'RegionOne',
    projectName: 'cli',
    renamed: 'cli-renamed',
    descriptionMax: undefined,
    scopeEnv: () => KEYSTONE_ADMIN_SCOPE,
  },
]

describe.each(CASES)('openstack CLI against the $flavour flavour', (c) => {
  let s: TestServer
  let env: Record<string, string>
  let token: string
  let projectId: string
  let cliRunner: OpenstackCli
  const cli = (args: string[], extraEnv: Record<string, string> = {}) => cliRunner.cli(args, extraEnv)
  const cliJson = (args: string[]) => cliRunner.cliJson(args)
  const cliOk = (args: string[]) => cliRunner.cliOk(args)
  const cliFails = (args: string[], extraEnv: Record<string, string> = {}) => cliRunner.cliFails(args, extraEnv)

  beforeAll(async () => {
    s = await startServer({ flavour: c.flavour })
    token = await s.adminToken()
    cliRunner = openstackCli(s, c.scopeEnv(s))
    env = cliRunner.env
  })
  afterAll(async () => {
    await s?.close()
    cliRunner?.cleanup()
  })

  it('token issue: the token the CLI got is one the server validates', { timeout: budget(1) }, async () => {
    const issued = await cliJson(['token', 'issue', '-f', 'json'])
    expect(issued.id).toEqual(expect.any(String))
    expect(issued.id.length).toBeGreaterThan(20)
    expect(issued.user_id).toMatch(/^[0-9a-f]{32}$/)
    // keystoneclient prints `expires` as `%Y-%m-%dT%H:%M:%S%z`.
    expect(issued.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/)
    expect(Date.parse(issued.expires.replace('+0000', 'Z'))).toBeGreaterThan(Date.now())

    const validated = await call(`${s.url}/v3/auth/tokens?nocatalog=1`, { token, headers: { 'x-subject-token': issued.id } })
    expect(validated.status).toBe(200)
    expect(validated.body.token.user.id).toBe(issued.user_id)
    expect(validated.body.token.user.name).toBe(s.adminUser)

    if (c.flavour === 'keystone') {
      const admin = await call(`${s.url}/v3/projects?name=admin`, { token })
      expect(issued.project_id).toBe(admin.body.projects[0].id)
      expect(issued.domain_id).toBeUndefined()
      expect(validated.body.token.project.id).toBe(issued.project_id)
    } else {
      expect(issued.domain_id).toBe(s.account.id)
      expect(issued.project_id).toBeUndefined()
      expect(validated.body.token.domain).toEqual({ id: s.account.id, name: s.account.name })
    }
  })

  it('project create: prints the new project, which the HTTP API then shows', { timeout: budget(1) }, async () => {
    const created = await cliJson(['project', 'create', c.projectName, '--description', 'd', '-f', 'json'])
    expect(created).toMatchObject({ name: c.projectName, description: 'd', enabled: true, domain_id: s.account.id, is_domain: false })
    expect(created.id).toMatch(/^[0-9a-f]{32}$/)
    projectId = created.id

    const got = await call(`${s.url}/v3/projects/${projectId}`, { token })
    expect(got.status).toBe(200)
    expect(got.body.project).toMatchObject({ id: projectId, name: c.projectName, description: 'd', enabled: true, domain_id: s.account.id })
    if (c.flavour === 'keystone') {
      expect(got.body.project.parent_id).toBe(s.account.id)
    } else {
      // Custom projects hang under their region's system project.
      const regionProject = await call(`${s.url}/v3/projects?name=${c.region}`, { token })
      expect(got.body.project.parent_id).toBe(regionProject.body.projects[0].id)
      expect(created.parent_id).toBe(regionProject.body.projects[0].id)
    }
  })

  it('project create again: 409, the CLI prints our conflict message', { timeout: budget(1) }, async () => {
    const r = await cliFails(['project', 'create', c.projectName, '--description', 'd', '-f', 'json'])
    expect(r.stderr).toContain(`Conflict occurred attempting to store project - Duplicate entry found with name ${c.projectName} at domain ID ${s.account.id}.`)
    expect(r.stderr).toContain('(HTTP 409)')
  })

  it('project set --name --description, then show by the new name (find-by-name fallback)', { timeout: budget(2) }, async () => {
    await cliOk(['project', 'set', '--name', c.renamed, '--description', 'new description', projectId])
    // `show <name>`: GET /v3/projects/<name> answers 404, then the CLI lists with ?name=<name>.
    const shown = await cliJson(['project', 'show', c.renamed, '-f', 'json'])
    expect(shown).toMatchObject({ id: projectId, name: c.renamed, description: 'new description', enabled: true, domain_id: s.account.id })

    const got = await call(`${s.url}/v3/projects/${projectId}`, { token })
    expect(got.body.project).toMatchObject({ name: c.renamed, description: 'new description' })
  })

  it('project list: contains the project', { timeout: budget(1) }, async () => {
    const list = (await cliJson(['project', 'list', '-f', 'json'])) as Array<{ ID: string; Name: string }>
    expect(list).toContainEqual({ ID: projectId, Name: c.renamed })
    expect(list.some((p) => p.Name === c.projectName)).toBe(false)
    if (c.flavour === 'keystone') expect(list.map((p) => p.Name)).toContain('admin')
    else expect(list.map((p) => p.Name)).toContain(c.region)
  })

  it('project set --disable / --enable: show follows', { timeout: budget(4) }, async () => {
    await cliOk(['project', 'set', '--disable', projectId])
    expect(await cliJson(['project', 'show', projectId, '-f', 'json'])).toMatchObject({ id: projectId, enabled: false })
    expect((await call(`${s.url}/v3/projects/${projectId}`, { token })).body.project.enabled).toBe(false)

    await cliOk(['project', 'set', '--enable', projectId])
    expect(await cliJson(['project', 'show', projectId, '-f', 'json'])).toMatchObject({ id: projectId, enabled: true })
  })

  it(c.descriptionMax !== undefined
    ? `project set --description of ${c.descriptionMax + 1} characters: 400, the CLI prints our message`
    : 'project set --description of 256 characters: accepted (Keystone has no limit)', { timeout: budget(2) }, async () => {
    const long = 'x'.repeat(256)
    const args = ['project', 'set', '--description', long, projectId]
    if (c.descriptionMax !== undefined) {
      const r = await cliFails(args)
      expect(r.stderr).toContain(`Invalid input for field 'project/description': the description is 256 characters long; at most ${c.descriptionMax} are allowed`)
      expect(r.stderr).toContain('(HTTP 400)')
      // Nothing changed.
      expect(await cliJson(['project', 'show', projectId, '-f', 'json'])).toMatchObject({ description: 'new description' })
    } else {
      await cliOk(args)
      expect(await cliJson(['project', 'show', projectId, '-f', 'json'])).toMatchObject({ description: long })
    }
  })

  it('token issue with a wrong password: 401, the CLI prints our message', { timeout: budget(1) }, async () => {
    const r = await cliFails(['token', 'issue', '-f', 'json'], { OS_PASSWORD: 'not-the-password' })
    expect(r.stderr).toContain('The request you have made requires authentication.')
    expect(r.stderr).toContain('(HTTP 401)')
    expect(r.stdout.trim()).toBe('')
  })

  it(`--os-region-name ${c.region}: the catalog has endpoints in that region`, { timeout: budget(3) }, async () => {
    const list = (await cliJson(['--os-region-name', c.region, 'project', 'list', '-f', 'json'])) as Array<{ ID: string; Name: string }>
    expect(list).toContainEqual({ ID: projectId, Name: c.renamed })

    const identity = await cliJson(['catalog', 'show', 'identity', '-f', 'json'])
    expect(identity).toMatchObject({ type: 'identity', name: c.flavour === 'keystone' ? 'keystone' : 'iam' })
    const endpoints = identity.endpoints as Array<{ interface: string; region: string; region_id: string; url: string }>
    for (const iface of ['public', 'internal', 'admin']) {
      expect(endpoints).toContainEqual(expect.objectContaining({ interface: iface, region: c.region, region_id: c.region, url: `${s.url}/v3` }))
    }

    // And the filter is real: a region the catalog does not list leaves the CLI without an endpoint.
    const r = await cliFails(['--os-region-name', 'no-such-region', 'project', 'list', '-f', 'json'])
    expect(r.stderr).toContain('public endpoint for identity service in no-such-region region not found')
  })

  it('user, group and grant commands: create, add to group, role add --group --domain, role assignment list --names, delete', { timeout: budget(9) }, async () => {
    const domain = s.account.name
    const role = c.flavour === 'keystone' ? 'reader' : 'readonly'
    const user = await cliJson(['user', 'create', '--domain', domain, '--password', 'Cli-Passw0rd!', '--description', 'from the CLI', 'cli-user', '-f', 'json'])
    expect(user).toMatchObject({ name: 'cli-user', domain_id: s.account.id, enabled: true, description: 'from the CLI' })
    expect((await cliJson(['user', 'list', '-f', 'json'])).map((u: { Name: string }) => u.Name)).toContain('cli-user')
    const group = await cliJson(['group', 'create', '--domain', domain, '--description', 'CLI team', 'cli-group', '-f', 'json'])
    expect(group).toMatchObject({ name: 'cli-group', domain_id: s.account.id, description: 'CLI team' })
    await cliOk(['group', 'add', 'user', 'cli-group', 'cli-user'])
    const contains = await cliOk(['group', 'contains', 'user', 'cli-group', 'cli-user'])
    expect(contains.stdout).toContain('cli-user in group cli-group')
    await cliOk(['role', 'add', '--group', 'cli-group', '--domain', domain, role])
    const assignments = await cliJson(['role', 'assignment', 'list', '--group', 'cli-group', '--names', '-f', 'json'])
    expect(assignments).toEqual([expect.objectContaining({ Role: role, Group: expect.stringMatching(/^cli-group/), Domain: domain })])
    await cliOk(['user', 'delete', 'cli-user'])
    const gone = await call(`${s.url}/v3/users/${user.id}`, { token })
    expect(gone.status).toBe(404)
  })
  it.skipIf(c.flavour !== 'keystone')('role create (global and --domain), role list --domain, role set --name, role delete; --os-system-scope all (issue 16)', { timeout: budget(7) }, async () => {
    const created = await cliJson(['role', 'create', 'cli-observer', '-f', 'json'])
    expect(created).toEqual({ id: expect.any(String), name: 'cli-observer', domain_id: null, description: '', options: {} })
    const ofDomain = await cliJson(['role', 'create', '--domain', s.account.name, 'cli-domain-role', '-f', 'json'])
    expect(ofDomain).toMatchObject({ name: 'cli-domain-role', domain_id: s.account.id })
    expect((await cliJson(['role', 'list', '--domain', s.account.name, '-f', 'json'])).map((r: { Name: string }) => r.Name)).toEqual(['cli-domain-role'])
    await cliOk(['role', 'set', '--name', 'cli-watcher', 'cli-observer'])
    await cliOk(['role', 'delete', 'cli-watcher'])
    expect((await call(`${s.url}/v3/roles/${created.id}`, { token })).status).toBe(404)
    const systemEnv = { ...Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('OS_PROJECT_'))), OS_SYSTEM_SCOPE: 'all' }
    const scoped = await runCli(systemEnv, ['token', 'issue', '-f', 'json'])
    expect(scoped.code, describeRun(['token', 'issue'], scoped)).toBe(0)
    expect(JSON.parse(scoped.stdout)).toMatchObject({ system: 'all', user_id: expect.any(String) })
  })
})
