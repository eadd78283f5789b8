#!/usr/bin/env node
/**
 * Runs OpenStack Tempest's identity v3 API tests (Debian `python3-tempest`, Tempest 33.0.0)
 * against a running keystone-flavour server and prints the results: counts, wall time, how many
 * of the tests real Keystone 22 passes pass here (test/tempest/keystone22.txt), and every test
 * that failed, by class. Everything Tempest writes (workspace, tempest.conf with the admin
 * password, its logs, the stestr repository) goes to a fresh temporary folder, removed at the end
 * unless --keep.
 *
 *   FLAVOUR=keystone IN_MEMORY=1 PROJECTPLANE_ADMIN_PASSWORD=secret npm start &
 *   PROJECTPLANE_ADMIN_PASSWORD=secret node scripts/tempest-identity.mjs --url http://127.0.0.1:5050
 *
 * Options (all optional):
 *   --url URL            the server (default http://127.0.0.1:5050)
 *   --password PW        the admin's password (default $PROJECTPLANE_ADMIN_PASSWORD, else $OS_PASSWORD)
 *   --user, --project, --domain   the admin's names (default admin, admin, Default)
 *   --workers N          Tempest's concurrency (default 4)
 *   --regex RE           which tests (default: the identity v3 API tests)
 *   --json FILE          write the results as JSON ({ tests: { id: status }, wallMs, ... })
 *   --write-passing FILE write the ids of the tests that passed, one a line (the ratchet file)
 *   --keep               keep the temporary folder and say where it is
 *   --security-compliance  Tempest's security_compliance = true (its 4 tests of password history,
 *                        lock-out and self-service change run); the server must match Tempest's
 *                        defaults: LOGIN_LOCKOUT_ATTEMPTS=2 LOGIN_LOCKOUT_DURATION=5
 *                        KEYSTONE_UNIQUE_LAST_PASSWORD_COUNT=2
 * Exit status: 0 when Tempest ran (whatever failed), 1 when it could not run or reported nothing.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CONFORMANCE = path.join(ROOT, 'test/tempest/keystone22.txt')
const RATCHET_HEADER = `# The Tempest identity tests that pass on the keystone flavour, one id a line: test/tempest/identity.test.ts
# fails when any of them does not pass. Add the tests a change makes pass; regenerate with
# node scripts/tempest-identity.mjs --write-passing test/tempest/passing.txt (see docs/development.md#tempest).
`
const DEFAULT_REGEX = '^tempest\\.api\\.identity\\.(admin\\.)?v3'
/**
 * With --security-compliance: Tempest's own defaults, which the server's Keystone options must
 * match (LOGIN_LOCKOUT_ATTEMPTS, LOGIN_LOCKOUT_DURATION, KEYSTONE_UNIQUE_LAST_PASSWORD_COUNT).
 */
const SECURITY_COMPLIANCE = { lockoutAttempts: 2, lockoutSeconds: 5, uniqueLastPasswords: 2 }

function parseArgs(argv) {
  const opts = {
    url: 'http://127.0.0.1:5050', password: process.env.PROJECTPLANE_ADMIN_PASSWORD ?? process.env.OS_PASSWORD,
    user: 'admin', project: 'admin', domain: 'Default', workers: 4, regex: DEFAULT_REGEX, json: undefined, writePassing: undefined, keep: false, securityCompliance: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) fail(`${arg} needs a value`)
      return v
    }
    switch (arg) {
      case '--url': opts.url = value().replace(/\/+$/, '').replace(/\/v3$/, ''); break
      case '--password': opts.password = value(); break
      case '--user': opts.user = value(); break
      case '--project': opts.project = value(); break
      case '--domain': opts.domain = value(); break
      case '--workers': opts.workers = Number(value()); break
      case '--regex': opts.regex = value(); break
      case '--json': opts.json = value(); break
      case '--write-passing': opts.writePassing = value(); break
      case '--keep': opts.keep = true; break
      case '--security-compliance': opts.securityCompliance = true; break
      case '-h': case '--help':
        process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \*( |$)/gm, '') + '\n')
        process.exit(0)
      // eslint-disable-next-line no-fallthrough
      default: fail(`unknown option ${arg} (see --help)`)
    }
  }
  if (!opts.password) fail('no admin password: give --password or set PROJECTPLANE_ADMIN_PASSWORD')
  if (!Number.isInteger(opts.workers) || opts.workers < 1) fail('--workers must be a positive integer')
  return opts
}

function fail(message) {
  process.stderr.write(`tempest-identity: ${message}\n`)
  process.exit(1)
}

/** tempest.conf for the keystone flavour: dynamic credentials made by the bootstrap admin, no other services. */
function tempestConf(ws, opts) {
  return `[DEFAULT]
log_dir = ${path.join(ws, 'logs')}
log_file = tempest.log

[oslo_concurrency]
lock_path = ${path.join(ws, 'tempest_lock')}

[auth]
use_dynamic_credentials = true
admin_username = ${opts.user}
admin_password = ${opts.password}
admin_project_name = ${opts.project}
admin_domain_name = ${opts.domain}

[identity]
uri_v3 = ${opts.url}/v3
auth_version = v3
region = RegionOne
${opts.securityCompliance ? `user_lockout_failure_attempts = ${SECURITY_COMPLIANCE.lockoutAttempts}
user_lockout_duration = ${SECURITY_COMPLIANCE.lockoutSeconds}
user_unique_last_password_count = ${SECURITY_COMPLIANCE.uniqueLastPasswords}
` : ''}
[identity-feature-enabled]
api_v2 = false
trust = true
project_tags = true
application_credentials = true
access_rules = true
security_compliance = ${opts.securityCompliance}
domain_specific_drivers = false

[service_available]
nova = false
glance = false
neutron = false
cinder = false
swift = false
`
}

/**
 * Runs a command to the end; its output goes to `logFile`, not the terminal (Tempest is chatty).
 * HOME is the temporary folder: nothing of a user's ~/.tempest is read or written.
 */
function run(command, args, cwd, logFile, home) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a')
    const child = spawn(command, args, { cwd, stdio: ['ignore', out, out], env: { ...process.env, HOME: home } })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      fs.closeSync(out)
      resolve(code ?? signal)
    })
  })
}

/** RFC 4180 rows, as subunit2csv writes them (test ids with attributes are quoted: `[id-…,smoke]`). */
function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++ } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(field); field = '' } else if (c === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = '' } else field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

/**
 * The test id without Tempest's attributes (`…test_x[id-…,smoke]` → `…test_x`), as in the
 * conformance file; a class whose set-up failed is reported once as `setUpClass (module.Class)`.
 */
export function testId(name) {
  const setUp = /^(setUpClass|tearDownClass) \((.*)\)$/.exec(name)
  if (setUp) return `${setUp[2]}.${setUp[1]}`
  return name.replace(/\[[^\]]*\]$/, '')
}

/** The conformance file's ids by status (PASS, FAIL, SKIP), or undefined when missing. */
function readConformance() {
  if (!fs.existsSync(CONFORMANCE)) return undefined
  const byStatus = { PASS: [], FAIL: [], SKIP: [] }
  for (const line of fs.readFileSync(CONFORMANCE, 'utf8').split('\n')) {
    const m = /^(PASS|FAIL|SKIP) (\S+)/.exec(line)
    if (m) byStatus[m[1]].push(m[2])
  }
  return byStatus
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  for (const tool of ['tempest', 'stestr', 'subunit2csv']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) fail(`${tool} not found: install python3-tempest (scripts/ensure-system-packages.sh does)`)
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-tempest-'))
  const ws = path.join(tmp, 'ws')
  const log = path.join(tmp, 'tempest-run.log')
  try {
    const started = performance.now()
    if (await run('tempest', ['init', '--workspace-path', path.join(tmp, 'workspace.yaml'), ws], tmp, log, tmp) !== 0) {
      throw new Error(`tempest init failed:\n${fs.readFileSync(log, 'utf8')}`)
    }
    const conf = path.join(ws, 'etc', 'tempest.conf')
    fs.writeFileSync(conf, tempestConf(ws, opts), { mode: 0o600 })
    // Non-zero when any test failed; whether it ran at all is told by the stestr repository.
    await run('tempest', ['run', '--config-file', conf, '--regex', opts.regex, '--concurrency', String(opts.workers)], ws, log, tmp)
    const wallMs = Math.round(performance.now() - started)
    const subunit = spawnSync('sh', ['-c', 'stestr last --subunit | subunit2csv'], { cwd: ws, env: { ...process.env, HOME: tmp }, encoding: 'utf8', maxBuffer: 64 << 20 })
    // subunit2csv exits 1 when any test failed: the rows tell whether there are results.
    const rows = parseCsv(subunit.stdout ?? '').slice(1).filter((r) => r.length >= 2)
    if (rows.length === 0) {
      throw new Error(`Tempest reported no results (${log}):\n${fs.readFileSync(log, 'utf8').slice(-4000)}\nstestr last: ${subunit.stderr ?? subunit.error}`)
    }
    /** id → success | failure | skip (and whatever else subunit says: xfail, uxsuccess, …). */
    const tests = {}
    for (const [name, status] of rows) tests[testId(name)] = status
    const ids = Object.keys(tests).sort()
    const having = (status) => ids.filter((id) => tests[id] === status)
    const passed = having('success')
    const failed = ids.filter((id) => !['success', 'skip'].includes(tests[id]))
    const skipped = having('skip')
    const conformance = readConformance()
    const keystonePassing = conformance ? conformance.PASS.filter((id) => tests[id] === 'success').length : undefined
    const keystoneFailing = conformance ? conformance.FAIL.filter((id) => tests[id] === 'success').length : undefined

    const out = []
    out.push(`Tempest identity v3 at ${opts.workers} workers against ${opts.url}: ${passed.length} passed, ${failed.length} failed, ${skipped.length} skipped (${ids.length} results) in ${(wallMs / 1000).toFixed(1)} s`)
    if (conformance) {
      out.push(`Of Keystone 22's ${conformance.PASS.length} passing tests ${keystonePassing} pass; of the ${conformance.FAIL.length} it fails ${keystoneFailing} pass`)
    }
    if (failed.length > 0) {
      out.push('Failed, by class (a class whose set-up failed shows as .setUpClass, its tests not run):')
      const byClass = new Map()
      for (const id of failed) {
        const cls = id.replace(/\.[^.]+$/, '')
        byClass.set(cls, [...(byClass.get(cls) ?? []), id.slice(cls.length + 1)])
      }
      for (const [cls, names] of byClass) out.push(`  ${cls.replace(/^tempest\.api\.identity\./, '')}: ${names.join(', ')}`)
      // What Tempest said of each failure (tracebacks), so a failure seen once can be understood.
      const failing = spawnSync('sh', ['-c', 'stestr failing'], { cwd: ws, env: { ...process.env, HOME: tmp }, encoding: 'utf8', maxBuffer: 64 << 20 })
      out.push('Tempest on the failures (stestr failing, last 8000 characters):', (failing.stdout ?? '').slice(-8000))
    }
    process.stdout.write(`${out.join('\n')}\n`)
    if (opts.writePassing) fs.writeFileSync(opts.writePassing, RATCHET_HEADER + passed.map((id) => `${id}\n`).join(''))
    if (opts.json) {
      fs.writeFileSync(opts.json, `${JSON.stringify({ url: opts.url, workers: opts.workers, wallMs, passed: passed.length, failed: failed.length, skipped: skipped.length, keystonePassing, keystonePass: conformance?.PASS.length, tests }, null, 2)}\n`)
    }
  } finally {
    if (opts.keep) process.stderr.write(`tempest-identity: workspace, tempest.conf and logs kept in ${tmp}\n`)
    else fs.rmSync(tmp, { recursive: true, force: true })
  }
}

await main().catch((error) => {
  process.stderr.write(`tempest-identity: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
