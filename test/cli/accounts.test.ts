/**
 * `projectplane user`, `group`, `key`, `bootstrap` and `audit` on one SQLite DATA_DIR, each a
 * child process as an operator runs it; then a server started on that DATA_DIR shows the changes
 * took effect (logins, signed requests), and while it runs every store command exits 3.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { signRequest } from '../helpers/huawei-sdk.js'
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'
import { ADMIN_PASSWORD, json, login, projectplane, tempDataDir } from './run-cli.js'

const dataDir = tempDataDir()
const env = { DATA_DIR: dataDir, PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD }
const run = (args: string[], input?: string) => projectplane(args, { env, input })
const fails = (stderr: string) => ({ code: 2, stdout: '', stderr: `projectplane: ${stderr}\n` })

/** The table `user list` and the like print, built here from their JSON. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n'
}

let server: ServerProcess | undefined
afterAll(async () => {
  await server?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const keys: Record<string, { access: string; secret: string }> = {}
let generatedPassword = ''

// Each command is a Node process that opens the store (and bootstraps or migrates it): a test
// running ten of them needs more than the default 30 s on a loaded two-core machine.
vi.setConfig({ testTimeout: 120_000 })

describe('projectplane user', () => {
  it('creates users on a fresh store, which it bootstraps first and says so on stderr', async () => {
    const group = await run(['group', 'create', 'developers', '--description', 'ship code', '--json'])
    expect(group.code).toBe(0)
    expect(group.stderr).toMatch(/^Bootstrapped account 'projectplane' \([0-9a-f]{32}\) with administrator 'admin'\.\nPassword: as given in PROJECTPLANE_ADMIN_PASSWORD\.\n$/)
    expect(JSON.parse(group.stdout)).toMatchObject({ name: 'developers', description: 'ship code' })

    const alice = await run(['user', 'create', 'alice', '--password-stdin', '--email', 'alice@example.com', '--group', 'developers', '--json'], 'Alice-Pw-1\n')
    expect(alice).toMatchObject({ code: 0, stderr: '' })
    const created = JSON.parse(alice.stdout)
    expect(created).toMatchObject({ name: 'alice', email: 'alice@example.com', enabled: true, description: '' })
    expect(created.id).toMatch(/^[0-9a-f]{32}$/)

    const shown = await run(['user', 'show', 'alice'])
    expect(shown).toEqual({
      code: 0, stderr: '',
      stdout: `name:        alice\nid:          ${created.id}\nenabled:     true\nemail:       alice@example.com\ndescription:\ngroups:      developers\n`,
    })
  })

  it("refuses bad input with the API's own message and exit 2, leaving nothing half-made", async () => {
    expect(await run(['user', 'create', 'weak', '--password', 'abc'])).toEqual(
      fails('The password does not match the requirements: The password must be at least 8 characters long.'))
    expect(await run(['user', 'create', 'dave', '--password', 'Dave-Pw-123', '--group', 'nosuch'])).toEqual(fails("no group 'nosuch' in account 'projectplane'"))
    expect((await run(['user', 'create', 'alice'])).stderr).toMatch(/^projectplane: Conflict occurred attempting to store user - Duplicate entry found with name alice at domain ID [0-9a-f]{32}\.\n$/)
    expect(await run(['user', 'show', 'nosuch'])).toEqual(fails("no user 'nosuch' in account 'projectplane'"))
    // Refused before the store is opened.
    expect(await run(['user', 'set', 'alice'])).toEqual(fails('nothing to change: give --name, --email, --description, --enabled or --disabled'))
    expect(await run(['user', 'set', 'alice', '--enabled', '--disabled'])).toEqual(fails('give --enabled or --disabled, not both'))
    expect(await run(['user', 'create', 'erin', '--password', 'x', '--password-stdin'], 'y')).toEqual(fails('give --password or --password-stdin, not both'))
    expect(await run(['user', 'password', 'alice', '--password-stdin'], '')).toEqual(fails('no password on stdin'))
  })

  it('changes, resets passwords of, deletes and lists users', async () => {
    expect((await run(['user', 'create', 'bob', '--password', 'Bob-Pw-123'])).code).toBe(0)
    expect((await run(['user', 'create', 'carol'])).code).toBe(0)
    const set = await json(['user', 'set', 'alice', '--description', 'team lead', '--email', 'alice@example.org'], { env })
    expect(set).toMatchObject({ name: 'alice', description: 'team lead', email: 'alice@example.org', enabled: true })
    expect((await json(['user', 'set', 'bob', '--disabled'], { env })).enabled).toBe(false)
    expect(await run(['user', 'password', 'alice', '--password-stdin'], 'Alice-Pw-2\n')).toEqual({ code: 0, stderr: '', stdout: "Changed the password of user 'alice'.\n" })
    expect(await run(['user', 'delete', 'carol'])).toEqual({ code: 0, stderr: '', stdout: "Deleted user 'carol'.\n" })

    // Neither the refused users above nor carol.
    const users = await json(['user', 'list'], { env })
    expect(users.map((u: { name: string; enabled: boolean }) => [u.name, u.enabled])).toEqual([['admin', true], ['alice', true], ['bob', false]])
    expect(await run(['user', 'list'])).toEqual({
      code: 0, stderr: '',
      stdout: table(['NAME', 'ID', 'ENABLED', 'EMAIL', 'DESCRIPTION'], users.map((u: any) => [u.name, u.id, String(u.enabled), u.email ?? '', u.description])),
    })
  })
})

describe('projectplane group', () => {
  it('adds, lists and removes members, lists and deletes groups', async () => {
    expect(await run(['group', 'add-user', 'developers', 'bob', 'alice'])).toEqual({ code: 0, stderr: '', stdout: "Added 'bob', 'alice' to group 'developers'.\n" })
    expect(await run(['group', 'remove-user', 'developers', 'bob'])).toEqual({ code: 0, stderr: '', stdout: "Removed 'bob' from group 'developers'.\n" })
    expect(await run(['group', 'add-user', 'developers', 'bob', 'nosuch'])).toEqual(fails("no user 'nosuch' in account 'projectplane'"))
    expect((await json(['group', 'members', 'developers'], { env })).map((u: { name: string }) => u.name)).toEqual(['alice'])

    expect((await run(['group', 'create', 'qa'])).code).toBe(0)
    expect(await run(['group', 'delete', 'qa'])).toEqual({ code: 0, stderr: '', stdout: "Deleted group 'qa'.\n" })
    expect(await run(['group', 'delete', 'admin'])).toEqual(fails("You are not authorized to perform the requested action: the built-in group 'admin' cannot be deleted."))
    const groups = await json(['group', 'list'], { env })
    expect(groups.map((g: { name: string }) => g.name)).toEqual(['admin', 'developers'])
    expect(await run(['group', 'list'])).toEqual({ code: 0, stderr: '', stdout: table(['NAME', 'ID', 'DESCRIPTION'], groups.map((g: any) => [g.name, g.id, g.description])) })
  })
})

describe('projectplane key', () => {
  it('creates keys, printing the secret once; disables, enables and deletes them', async () => {
    expect((await run(['user', 'create', 'robot', '--description', 'CI'])).code).toBe(0)
    const first = await run(['key', 'create', '--user', 'robot'])
    expect(first.code).toBe(0)
    const match = /^access key: ([A-Z0-9]{20})\nsecret key: ([A-Za-z0-9]{40})\nuser: {7}robot\nstatus: {5}active\nThe secret key is shown only now: store it safely\.\n$/.exec(first.stdout)
    expect(match, first.stdout).not.toBeNull()
    keys.active = { access: match![1]!, secret: match![2]! }
    const second = await json(['key', 'create', '--user', 'robot', '--description', 'old pipeline'], { env })
    expect(second).toMatchObject({ status: 'active', description: 'old pipeline' })
    expect(second.secret).toMatch(/^[A-Za-z0-9]{40}$/)
    keys.disabled = { access: second.access, secret: second.secret }
    // The clouds' limit: two keys per user, in their own words.
    expect(await run(['key', 'create', '--user', 'robot'])).toEqual(fails('akSkNumExceed'))

    expect(await run(['key', 'disable', keys.disabled.access])).toEqual({ code: 0, stderr: '', stdout: `Access key ${keys.disabled.access} is now inactive.\n` })
    expect((await json(['key', 'enable', keys.disabled.access], { env })).status).toBe('active')
    expect((await run(['key', 'disable', keys.disabled.access])).code).toBe(0)

    const gone = await json(['key', 'create', '--user', 'alice'], { env })
    expect(await run(['key', 'delete', gone.access])).toEqual({ code: 0, stderr: '', stdout: `Deleted access key ${gone.access}.\n` })
    expect(await run(['key', 'delete', gone.access])).toEqual(fails(`Could not find credential: ${gone.access}.`))

    const listed = await json(['key', 'list'], { env })
    expect(listed.map((k: any) => [k.access, k.status, k.secret])).toEqual(
      [[keys.active.access, 'active', undefined], [keys.disabled.access, 'inactive', undefined]])
    expect(await run(['key', 'list', '--user', 'robot'])).toEqual({
      code: 0, stderr: '',
      stdout: table(['ACCESS KEY', 'USER', 'STATUS', 'CREATED', 'DESCRIPTION'], listed.map((k: any) => [k.access, 'robot', k.status, k.create_time, k.description])),
    })
  })
})

describe('projectplane bootstrap', () => {
  it('creates another account like a new cloud account, and refuses a taken name', async () => {
    const acme = await json(['bootstrap', '--account', 'acme', '--admin-user', 'root', '--admin-password-stdin'], { env, input: 'Root-Pw-123\n' })
    expect(acme).toEqual({ account: { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'acme' }, admin_user: 'root' })
    expect(await run(['bootstrap', '--account', 'acme', '--admin-password', 'Root-Pw-123'])).toEqual(fails("account 'acme' already exists"))
    expect(await run(['bootstrap', '--account', 'other', '--regions', 'cn-north-4'])).toEqual(fails('--regions applies to an empty store only: this one\'s regions are set ' +
      '(af-south-1, ap-southeast-1, ap-southeast-2, ap-southeast-3, cn-east-3, cn-north-1, cn-north-4, cn-south-1, eu-west-101, la-south-2) and every account gets a project in each'))
    expect(await run(['bootstrap', '--account', 'weak', '--admin-password', 'abc'])).toEqual(fails('The password must be at least 8 characters long.'))

    const generated = await run(['bootstrap', '--account', 'gen'])
    expect(generated.code).toBe(0)
    const shown = /^Created account 'gen' with administrator 'admin'\.\naccount: {4}gen\naccount id: [0-9a-f]{32}\nadmin user: admin\npassword: {3}(\S+) {2}\(generated, shown once\)\n$/.exec(generated.stdout)
    expect(shown, generated.stdout).not.toBeNull()
    generatedPassword = shown![1]!
    // Each account has its own administrator and the clouds' system projects.
    expect((await json(['group', 'members', 'admin', '--account', 'acme'], { env })).map((u: { name: string }) => u.name)).toEqual(['root'])
  })

  it('asks which account once there are several', async () => {
    expect(await run(['user', 'list'])).toEqual(fails('the store has 3 accounts (projectplane, acme, gen); choose one with --account <name>'))
    expect(await run(['user', 'list', '--account', 'nosuch'])).toEqual(fails("no account 'nosuch'; the store has: projectplane, acme, gen"))
  })
})

describe('with a server on the same DATA_DIR', () => {
  // export and backup only read: they work beside the server (test/state/online-backup.test.ts).
  it('every store command that writes exits 3 with the store-locked message', async () => {
    server = await spawnServer({ DATA_DIR: dataDir })
    const document = path.join(dataDir, 'doc.json')
    fs.writeFileSync(document, '{}')
    const commands = [
      ['migrate'], ['bootstrap', '--account', 'x', '--admin-password', 'Xx-Pw-12345'], ['user', 'list', '--account', 'acme'], ['group', 'list', '--account', 'acme'],
      ['key', 'list', '--account', 'acme'], ['audit', '--account', 'acme'], ['import', document], ['reset', '--yes'],
    ]
    const results = await Promise.all(commands.map((args) => run(args)))
    const locked = `projectplane: Another projectplane server is using ${dataDir}/projectplane.sqlite; stop it or choose another DATA_DIR.\n`
    expect(results).toEqual(commands.map(() => ({ code: 3, stdout: '', stderr: locked })))
  })

  it('sees what the commands did: passwords, disabled users, new accounts, keys', async () => {
    const url = server!.url
    expect(await login(url, 'projectplane', 'alice', 'Alice-Pw-2')).toBe(201)
    expect(await login(url, 'projectplane', 'alice', 'Alice-Pw-1')).toBe(401)
    expect(await login(url, 'projectplane', 'bob', 'Bob-Pw-123')).toBe(401)
    expect(await login(url, 'acme', 'root', 'Root-Pw-123')).toBe(201)
    expect(await login(url, 'gen', 'admin', generatedPassword)).toBe(201)
    for (const [name, status] of [['active', 200], ['disabled', 401]] as const) {
      const signed = signRequest({ endpoint: url, method: 'GET', path: '/v3/auth/projects', key: keys[name]! })
      const res = await fetch(signed.url, signed.init)
      expect(res.status, name).toBe(status)
    }
  })

  it('audit reads the trail of changes made over HTTP', async () => {
    const url = server!.url
    const token = await fetch(`${url}/v3/auth/tokens?nocatalog=1`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'root', password: 'Root-Pw-123', domain: { name: 'acme' } } } }, scope: { domain: { name: 'acme' } } } }),
    }).then((r) => r.headers.get('x-subject-token')!)
    const created = await fetch(`${url}/v3/projects`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token, 'user-agent': 'cli-test/1' },
      body: JSON.stringify({ project: { name: 'cn-north-4_audited' } }),
    })
    expect(created.status).toBe(201)
    const projectId = ((await created.json()) as { project: { id: string } }).project.id
    await server!.stop()
    server = undefined

    const traces = await json(['audit', '--account', 'acme', '--since', '1h'], { env })
    expect(traces).toHaveLength(1)
    expect(traces[0]).toMatchObject({ trace_name: 'createProject', resource_type: 'project', resource_id: projectId, resource_name: 'cn-north-4_audited', user: { name: 'root' }, user_agent: 'cli-test/1' })
    expect(await run(['audit', '--account', 'acme'])).toEqual({
      code: 0, stderr: '',
      stdout: table(['TIME', 'USER', 'ACTION', 'RESOURCE', 'SOURCE', 'CLIENT'], [[new Date(traces[0].time).toISOString(), 'root', 'createProject', 'project cn-north-4_audited', '127.0.0.1', 'cli-test/1']]),
    })
    expect(await json(['audit', '--account', 'projectplane', '--since', '1h', '--resource-type', 'project'], { env })).toEqual([])
    // The commands' own changes went through the API: traced as the administrator, with the CLI's user agent.
    const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    const userTraces = await json(['audit', '--account', 'projectplane', '--since', '1h', '--action', 'createUser'], { env })
    expect(userTraces.map((t: any) => [t.resource_name, t.user.name, t.user_agent, t.trace_type])).toEqual(
      ['robot', 'carol', 'bob', 'alice'].map((name) => [name, 'admin', `projectplane-cli/${version}`, 'SystemAction']))
  })
})
