/**
 * `node dist/main.js` with a seed, as `npm start` runs it: a bad seed stops the start with exit
 * status 2 and every problem named; a seed on a store holding accounts is skipped and the
 * banner says so.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { spawnServer } from '../helpers/server-process.js'

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))
const SEED_FILE = fileURLToPath(new URL('../../docs/examples/seed.json', import.meta.url))

function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })))
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-seed-'))

describe('serve --seed as a process', () => {
  test('a bad seed: exit 2, every problem on stderr, nothing listening', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'seed.json')
    const seed = JSON.parse(fs.readFileSync(SEED_FILE, 'utf8'))
    seed.accounts[0].users[1].groups = ['ops']
    seed.accounts.push({ name: 'acme' })
    fs.writeFileSync(file, JSON.stringify(seed))
    const result = await run({ PROJECTPLANE_SEED: file, DATA_DIR: path.join(dir, 'data') })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe([
      `projectplane: seed ${file}: the state document has 2 problems:`,
      "  accounts[0].users[1].groups[0]: no group 'ops' in account 'acme'",
      "  accounts[1].name: duplicate account name 'acme' (also accounts[0].name)",
      '',
    ].join('\n'))
    // The store was not even created.
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false)
  })

  test('a seed that is not JSON, or not there: exit 2 naming where', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'seed.json')
    fs.writeFileSync(file, '{\n  "format": "projectplane-state",\n  "version": 1,,\n}')
    const broken = await run({ PROJECTPLANE_SEED: file, IN_MEMORY: '1' })
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(new RegExp(`^projectplane: seed ${file}: the state document has 1 problem:\\n  \\(file\\): not JSON: .* \\(line 3, column 16\\)\\n$`))
    const missing = await run({ PROJECTPLANE_SEED: path.join(dir, 'nope.json'), IN_MEMORY: '1' })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(`projectplane: seed ${path.join(dir, 'nope.json')}: the state document has 1 problem:\n  (file): cannot read it: ENOENT: no such file or directory, open '${path.join(dir, 'nope.json')}'\n`)
  })

  test('the banner reports the seed imported, and on a store with accounts, skipped', async () => {
    const dataDir = path.join(tempDir(), 'data')
    const first = await spawnServer({ PROJECTPLANE_SEED: SEED_FILE, DATA_DIR: dataDir })
    await first.stop()
    expect(first.output()).toContain(`Seeded from ${SEED_FILE}: 1 accounts, 3 users, 3 projects, 2 enterprise projects, 1 access keys.\n`)
    expect(first.output()).not.toContain('Bootstrapped')
    const second = await spawnServer({ PROJECTPLANE_SEED: SEED_FILE, DATA_DIR: dataDir })
    await second.stop()
    expect(second.output()).toContain(`Seed ${SEED_FILE} skipped: the store already holds accounts (start with --in-memory or a fresh DATA_DIR to begin from the seed).\n`)
  })
})
