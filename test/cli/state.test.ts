/**
 * `projectplane export`, `import` and `reset` as child processes on SQLite DATA_DIRs: a store
 * exported and imported elsewhere is the same store (ids, and access keys that still sign), a
 * bad document is refused whole with every problem, and reset leaves a freshly bootstrapped store.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { signRequest } from '../helpers/huawei-sdk.js'
import { spawnServer } from '../helpers/server-process.js'
import { ADMIN_PASSWORD, json, login, projectplane, tempDataDir } from './run-cli.js'

const source = tempDataDir()
const target = tempDataDir()
const files = tempDataDir()
const inSource = { DATA_DIR: source, PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD }
const inTarget = { DATA_DIR: target, PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD }
const fails = (stderr: string) => ({ code: 2, stdout: '', stderr: `projectplane: ${stderr}\n` })

afterAll(() => {
  for (const dir of [source, target, files]) fs.rmSync(dir, { recursive: true, force: true })
})

let key: { access: string; secret: string }
let sourceUsers: unknown[]
const exported = path.join(files, 'state.json')

describe('projectplane export and import', () => {
  it('exports the whole state to stdout or to a file only its owner reads', async () => {
    await json(['user', 'create', 'alice', '--password', 'Alice-Pw-1'], { env: inSource })
    key = await json(['key', 'create', '--user', 'alice'], { env: inSource })
    sourceUsers = await json(['user', 'list'], { env: inSource })
    const out = await projectplane(['export'], { env: inSource })
    expect(out).toMatchObject({ code: 0, stderr: '' })
    const document = JSON.parse(out.stdout)
    expect(document).toMatchObject({ format: 'projectplane-state', version: 1, flavour: 'huaweicloud' })
    expect(document.accounts.map((a: { name: string }) => a.name)).toEqual(['projectplane'])

    expect(await projectplane(['export', '--output', exported], { env: inSource })).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(fs.statSync(exported).mode & 0o777).toBe(0o600)
    const written = JSON.parse(fs.readFileSync(exported, 'utf8'))
    expect({ ...written, exported_at: undefined }).toEqual({ ...document, exported_at: undefined })
  })

  it('imports into an empty store, refuses a store with accounts unless --replace, and restores ids and keys', async () => {
    const summary = await json(['import', exported], { env: inTarget })
    expect(summary).toMatchObject({ accounts: 1, users: 2, groups: 1, memberships: 1, access_keys: 1, regions: 10, projects: 10 })
    expect(await projectplane(['import', exported], { env: inTarget })).toEqual(
      fails('the store already holds accounts; import into an empty store, or replace its state (the CLI: --replace)'))
    const replaced = await projectplane(['import', '-', '--replace'], { env: inTarget, input: fs.readFileSync(exported, 'utf8') })
    expect(replaced.code).toBe(0)
    expect(replaced.stdout).toMatch(new RegExp(`^Imported - into ${target}/projectplane\\.sqlite; the store now holds:\\nKIND {17}ROWS\\nregions {14}10\\naccounts {13}1\\nusers {16}2\\n`))
    expect(await json(['user', 'list'], { env: inTarget })).toEqual(sourceUsers)

    const server = await spawnServer({ DATA_DIR: target })
    try {
      expect(await login(server.url, 'projectplane', 'alice', 'Alice-Pw-1')).toBe(201)
      const signed = signRequest({ endpoint: server.url, method: 'GET', path: '/v3/auth/projects', key })
      expect((await fetch(signed.url, signed.init)).status).toBe(200)
    } finally {
      await server.stop()
    }
  })

  it('refuses a bad document whole, naming every problem, and writes nothing', async () => {
    const bad = path.join(files, 'bad.json')
    fs.writeFileSync(bad, JSON.stringify({
      format: 'projectplane-state', version: 1, flavour: 'huaweicloud',
      accounts: [{ name: 'acme', users: [{ name: 'u', groups: ['ops'] }] }, { name: 'acme' }],
    }))
    const empty = tempDataDir()
    expect(await projectplane(['import', bad], { env: { DATA_DIR: empty } })).toEqual(fails(`${bad}: the state document has 2 problems:\n` +
      "  accounts[0].users[0].groups[0]: no group 'ops' in account 'acme'\n" +
      "  accounts[1].name: duplicate account name 'acme' (also accounts[0].name)"))
    fs.writeFileSync(bad, '{"format": ')
    expect((await projectplane(['import', bad], { env: { DATA_DIR: empty } })).stderr).toMatch(new RegExp(`^projectplane: ${bad} is not JSON: .+\\n$`))
    // Where parsing stopped, as an editor counts it.
    fs.writeFileSync(bad, '{\n  "format": "a" "b"}')
    expect((await projectplane(['import', bad], { env: { DATA_DIR: empty } })).stderr)
      .toBe(`projectplane: ${bad} is not JSON: Expected ',' or '}' after property value in JSON at position 18 (line 2, column 17)\n`)
    expect(await projectplane(['import', path.join(files, 'nosuch.json')], { env: { DATA_DIR: empty } })).toEqual(
      fails(`cannot read ${files}/nosuch.json: ENOENT: no such file or directory, open '${files}/nosuch.json'`))
    // Nothing written: the store is still empty, so an export lists no account.
    expect(JSON.parse((await projectplane(['export'], { env: { DATA_DIR: empty } })).stdout).accounts).toEqual([])
    fs.rmSync(empty, { recursive: true, force: true })
  })
})

describe('projectplane reset', () => {
  it('refuses without --yes, then empties the store and bootstraps it as a first start', async () => {
    expect(await projectplane(['reset'], { env: inTarget })).toEqual(fails('reset deletes every account, user and key in the store; add --yes to do it'))
    expect(await json(['user', 'list'], { env: inTarget })).toEqual(sourceUsers)

    const reset = await projectplane(['reset', '--yes'], { env: { DATA_DIR: target } })
    expect(reset.code).toBe(0)
    const match = new RegExp(`^Emptied ${target}/projectplane\\.sqlite\\.\\nBootstrapped account 'projectplane' \\(([0-9a-f]{32})\\) with administrator 'admin'\\.\\n` +
      'Generated password \\(shown once\\): (\\S+)\\n$').exec(reset.stdout)
    expect(match, reset.stdout).not.toBeNull()
    const users = await json(['user', 'list'], { env: { DATA_DIR: target } })
    expect(users.map((u: { name: string; domain_id: string }) => [u.name, u.domain_id])).toEqual([['admin', match![1]]])

    const server = await spawnServer({ DATA_DIR: target })
    try {
      expect(await login(server.url, 'projectplane', 'admin', match![2]!)).toBe(201)
      expect(await login(server.url, 'projectplane', 'alice', 'Alice-Pw-1')).toBe(401)
      const signed = signRequest({ endpoint: server.url, method: 'GET', path: '/v3/auth/projects', key })
      expect((await fetch(signed.url, signed.init)).status).toBe(401)
    } finally {
      await server.stop()
    }
  })
})
