#!/usr/bin/env node
// `npm test`: installs the system packages the suites drive (idempotent), then runs vitest.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const SUMMARY_FILE = 'test-artifacts/summary.json'

const setup = spawnSync('bash', ['scripts/ensure-system-packages.sh'], { stdio: 'inherit' })
if (setup.status !== 0) process.exit(setup.status ?? 1)
fs.rmSync(SUMMARY_FILE, { force: true })
const run = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' })
if (fs.existsSync(SUMMARY_FILE)) {
  const { passed, failed, skipped } = JSON.parse(fs.readFileSync(SUMMARY_FILE, 'utf8'))
  process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  // The end-of-run checks (secrets in the server logs, see test/global-setup.ts) fail the run
  // after every test passed; say so, or the line above reads like success.
  if (run.status !== 0 && failed === 0) process.stdout.write('The run failed outside the tests: see the error above (the log secrets check?).\n')
}
process.exit(run.status ?? 1)
