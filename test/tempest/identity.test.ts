/**
 * OpenStack's own identity tests against the keystone flavour (issue 16): Tempest 33.0.0
 * (Debian `python3-tempest`, installed by scripts/ensure-system-packages.sh), its identity v3 API
 * tests at 4 workers, run by scripts/tempest-identity.mjs against the built server started as a
 * process on a throwaway store. A ratchet: every test listed in `passing.txt` must pass, so what
 * passes today keeps passing; a test that starts passing is named in the output, to be added.
 * `keystone22.txt` is what real Keystone 22 passes, fails and skips (the goal), for the summary.
 * Tempest talks to the server through a recording proxy, so the secrets it sends and receives
 * (its users' passwords, tokens, application credential and EC2 secrets) join the end-of-run
 * log-secrets check. Not store-backed: it runs once per test run, in the `sqlite` project.
 * A second run (issue 18) turns Tempest's `security_compliance` on, against a server whose
 * Keystone options match Tempest's (lock-out after 2 failures for 5 s, the last 2 passwords
 * unique): Tempest's user tests, the 4 that the first run skips among them, all pass.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js'
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'

const HERE = import.meta.dirname
const SCRIPT = path.join(HERE, '../../scripts/tempest-identity.mjs')
const RATCHET = path.join(HERE, 'passing.txt')
const PASSWORD = 'Tempest-Admin-Pw-16'
const WORKERS = 4
/** Tempest's discovery and start-up take ~20 s of it; the tests ~15 s at 4 workers today. */
const TIMEOUT_MS = 5 * 60_000

interface TempestResults {
  wallMs: number
  passed: number
  failed: number
  skipped: number
  keystonePassing: number
  keystonePass: number
  tests: Record<string, string>
}

const listed = (file: string) => fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))

let server: ServerProcess | undefined
let proxy: RecordingProxy | undefined
let compliantServer: ServerProcess | undefined
let compliantProxy: RecordingProxy | undefined
let tmp = ''
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-tempest-test-'))
  server = await spawnServer({ FLAVOUR: 'keystone', IN_MEMORY: '1', PROJECTPLANE_ADMIN_PASSWORD: PASSWORD })
  proxy = await startRecordingProxy(server.url)
})
afterAll(async () => {
  await proxy?.close()
  await server?.stop()
  await compliantProxy?.close()
  await compliantServer?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** The script as a developer runs it; the password goes by the environment, not the command line. */
function runTempest(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: { ...process.env, PROJECTPLANE_ADMIN_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The class a result belongs to; a class whose set-up failed is reported as `setUpClass (module.Class)`. */
function classOf(id: string): string {
  const setUp = /^setUpClass \((.+)\)$/.exec(id)
  return setUp ? setUp[1]! : id.replace(/\[.*\]$/, '').replace(/\.[^.]+$/, '')
}

/**
 * Under a loaded CI machine a Tempest test has failed once in ~20 runs, each time another one,
 * and passed when run again (the script prints Tempest's own account of each failure). The
 * classes that failed run once more, alone; a test fails here only if it fails both times, so a
 * real regression still fails the suite. Returns the second run's results (undefined: nothing failed).
 */
async function rerunFailedClasses(first: TempestResults): Promise<TempestResults | undefined> {
  const failedClasses = [...new Set(Object.keys(first.tests).filter((id) => !['success', 'skip'].includes(first.tests[id]!)).map(classOf))]
  if (failedClasses.length === 0) return undefined
  const json = path.join(tmp, 'rerun.json')
  const regex = `^(${failedClasses.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\.`
  const run = await runTempest(['--url', proxy!.url, '--workers', '1', '--regex', regex, '--json', json])
  process.stdout.write(`Run again, alone, after failing once: ${failedClasses.join(', ')}\n${run.stdout}`)
  expect(run.code, `tempest-identity.mjs failed on the rerun:\n${run.stderr}`).toBe(0)
  return JSON.parse(fs.readFileSync(json, 'utf8')) as TempestResults
}

/** The first run's results with those of the classes run again in their place. */
function withFailuresRunAgain(first: TempestResults, again: TempestResults | undefined): TempestResults {
  if (!again) return first
  const rerunClasses = new Set(Object.keys(again.tests).map(classOf))
  const tests = Object.fromEntries(Object.entries(first.tests).filter(([id]) => !rerunClasses.has(classOf(id))))
  return { ...first, tests: { ...tests, ...again.tests } }
}

it(`passes, at ${WORKERS} workers, every Tempest identity test that passed before (test/tempest/passing.txt)`, async () => {
  const ratchet = listed(RATCHET)
  expect(ratchet.length).toBeGreaterThan(0)
  const json = path.join(tmp, 'results.json')
  const run = await runTempest(['--url', proxy!.url, '--workers', String(WORKERS), '--json', json])
  process.stdout.write(run.stdout)
  expect(run.code, `tempest-identity.mjs failed:\n${run.stderr}`).toBe(0)
  const first = JSON.parse(fs.readFileSync(json, 'utf8')) as TempestResults
  const results = withFailuresRunAgain(first, await rerunFailedClasses(first))

  // Not a vacuous pass: Tempest ran at least as many tests as the ratchet lists.
  expect(Object.keys(results.tests).length).toBeGreaterThanOrEqual(ratchet.length)
  expect(proxy!.requests()).toBeGreaterThan(ratchet.length)
  expect(results.keystonePass).toBe(128)
  const regressions = ratchet.filter((id) => results.tests[id] !== 'success').map((id) => `${id}: ${results.tests[id] ?? 'not run'}`)
  const inRatchet = new Set(ratchet)
  const newlyPassing = Object.keys(results.tests).filter((id) => results.tests[id] === 'success' && !inRatchet.has(id))
  if (newlyPassing.length > 0) {
    process.stdout.write(`${newlyPassing.length} tests pass that test/tempest/passing.txt does not list yet; add them:\n${newlyPassing.map((id) => `  ${id}\n`).join('')}`)
  }
  expect(regressions, 'tests in test/tempest/passing.txt that did not pass').toEqual([])
  // Issue 16's bar: nothing fails at all, and that includes the 6 Keystone 22 fails itself.
  const failed = Object.keys(results.tests).filter((id) => !['success', 'skip'].includes(results.tests[id]!))
  expect(failed, 'Tempest tests that failed').toEqual([])
}, TIMEOUT_MS)

/** The security compliance tests: skipped by the run above, each must pass here. */
const SECURITY_COMPLIANCE_TESTS = [
  'tempest.api.identity.admin.v3.test_users.UsersV3TestJSON.test_password_history_not_enforced_in_admin_reset',
  'tempest.api.identity.v3.test_users.IdentityV3UsersTest.test_password_history_check_self_service_api',
  'tempest.api.identity.v3.test_users.IdentityV3UsersTest.test_user_account_lockout',
  'tempest.api.identity.v3.test_users.IdentityV3UsersTest.test_user_update_own_password',
]

it('with security_compliance = true, every Tempest user test passes, the 4 security compliance ones included (issue 18)', async () => {
  compliantServer = await spawnServer({
    FLAVOUR: 'keystone', IN_MEMORY: '1', PROJECTPLANE_ADMIN_PASSWORD: PASSWORD,
    // Tempest's defaults for user_lockout_failure_attempts, user_lockout_duration and user_unique_last_password_count.
    LOGIN_LOCKOUT_ATTEMPTS: '2', LOGIN_LOCKOUT_DURATION: '5', KEYSTONE_UNIQUE_LAST_PASSWORD_COUNT: '2',
  })
  compliantProxy = await startRecordingProxy(compliantServer.url)
  const json = path.join(tmp, 'compliant.json')
  const run = await runTempest(['--url', compliantProxy.url, '--workers', String(WORKERS), '--json', json, '--security-compliance',
    '--regex', '^tempest\\.api\\.identity\\.(admin\\.)?v3\\.test_users'])
  process.stdout.write(run.stdout)
  expect(run.code, `tempest-identity.mjs failed:\n${run.stderr}`).toBe(0)
  const results = JSON.parse(fs.readFileSync(json, 'utf8')) as TempestResults
  expect(Object.fromEntries(SECURITY_COMPLIANCE_TESTS.map((id) => [id, results.tests[id]]))).toEqual(Object.fromEntries(SECURITY_COMPLIANCE_TESTS.map((id) => [id, 'success'])))
  const notPassed = Object.keys(results.tests).filter((id) => results.tests[id] !== 'success')
  expect(notPassed, 'Tempest user tests that did not pass').toEqual([])
  expect(results.passed).toBeGreaterThan(SECURITY_COMPLIANCE_TESTS.length)
}, TIMEOUT_MS)
