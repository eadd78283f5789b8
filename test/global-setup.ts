/**
 * Builds `dist/` once per run, for the suites that start the server as a process, and starts the
 * run's log-secrets check afresh; at the end, fails the run if any secret a test used is in any
 * server's log (see helpers/secrets.ts). Vitest calls this once per project, all before the
 * first test and all teardowns after the last: only the first call does the work.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { assertNoSecretsInLogs, LOGS_DIR, SECRETS_DIR } from './helpers/log-secrets-check.js'

const DONE = 'PROJECTPLANE_TEST_GLOBAL_SETUP'

export default function setup(): (() => void) | undefined {
  if (process.env[DONE]) return undefined
  process.env[DONE] = '1'
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
  fs.rmSync(LOGS_DIR, { recursive: true, force: true })
  fs.rmSync(SECRETS_DIR, { recursive: true, force: true })
  return () => {
    const started = performance.now()
    const { secrets, logFiles } = assertNoSecretsInLogs()
    process.stdout.write(`Log secrets check: ${secrets} secrets absent from ${logFiles} server logs (${Math.round(performance.now() - started)} ms)\n`)
  }
}
