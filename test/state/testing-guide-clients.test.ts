/**
 * The testing guide's pytest and `go test` examples (docs/testing-with-projectplane.md), run for
 * real against a server: each code block is its file under docs/examples word for word, each run
 * must pass every one of its tests (a skip is a failure here), and no test account may outlive
 * its test. The interpreters are Debian's (`scripts/ensure-system-packages.sh` installs pytest,
 * openstacksdk and Go 1.19); the Go build cache lives in the temporary folder, so later runs
 * only link. These check the client's side: run once, on SQLite.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.js'

const EXAMPLES = new URL('../../docs/examples/', import.meta.url)
const GUIDE = fs.readFileSync(new URL('../../docs/testing-with-projectplane.md', import.meta.url), 'utf8')
const RUN_TIMEOUT_MS = 120_000

interface Run { code: number | null; output: string }

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, ...env }, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null) : 0
      resolve({ code, output: `${stdout}${stderr}` })
    })
  })
}

async function testAccountsLeft(s: TestServer): Promise<string[]> {
  const res = await fetch(`${s.url}/_projectplane/accounts`, { headers: { 'x-auth-token': await s.adminToken() } })
  return ((await res.json()) as { accounts: { name: string }[] }).accounts.map((a) => a.name).filter((n) => n.startsWith('t-'))
}

describe.each([
  {
    language: 'Python: pytest with openstacksdk', fence: 'python', flavour: 'keystone' as const, file: 'test_account_per_test.py',
    command: '/usr/bin/python3', args: ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_account_per_test.py'], dir: '.',
    passed: /^2 passed\b/m,
  },
  {
    language: 'Go: go test over HTTP', fence: 'go', flavour: 'huaweicloud' as const, file: 'go/account_test.go',
    command: 'go', args: ['test', '-count=1', '-v', './...'], dir: 'go',
    passed: /^--- PASS: TestAnAccountOfItsOwn\b/m,
  },
])('testing guide: $language', ({ fence, flavour, file, command, args, dir, passed }) => {
  let s: TestServer
  beforeAll(async () => { s = await startServer({ flavour, database: 'sqlite' }) })
  afterAll(() => s.close())

  it('shows the example file in the guide as it is', () => {
    expect(GUIDE).toContain(`\`\`\`${fence}\n${fs.readFileSync(new URL(file, EXAMPLES), 'utf8')}\`\`\``)
  })

  it('passes against the server and leaves no account behind', async () => {
    const cache = path.join(os.tmpdir(), 'projectplane-go-cache')
    const result = await run(command, args, new URL(dir, EXAMPLES).pathname, {
      PROJECTPLANE_URL: s.url, PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      GOCACHE: cache, GOPATH: path.join(cache, 'path'), GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local',
    })
    expect(result.output).toMatch(passed)
    expect(result.code, result.output).toBe(0)
    expect(await testAccountsLeft(s)).toEqual([])
  })

  it('fails when the operator cannot sign in, so a pass above means something', async () => {
    const result = await run(command, args, new URL(dir, EXAMPLES).pathname, {
      PROJECTPLANE_URL: s.url, PROJECTPLANE_ADMIN_PASSWORD: 'not-the-password',
      GOCACHE: path.join(os.tmpdir(), 'projectplane-go-cache'), GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local',
    })
    expect(result.code).not.toBe(0)
  })
})
