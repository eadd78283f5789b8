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
}
process.exit(run.status ?? 1)
