/**
 * Runs the built server (`node dist/main.js`, exactly what `npm start` runs) as a child process,
 * for what an in-process server cannot show: several instances, SIGKILL, SIGTERM. The build is
 * made once per test run by `test/global-setup.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { newLogFile, recordSecret, TEST_LOG_LEVEL } from './secrets.js'
import { ROOMY_IAM_QUOTAS } from './server.js'

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))
const START_TIMEOUT_MS = 30_000

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output(): string
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts one instance on port 0 and resolves once it listens. */
export function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  recordSecret('password', env.PROJECTPLANE_ADMIN_PASSWORD)
  const child = spawn(process.execPath, [MAIN], {
    // Never quieter than warn: suites look for error lines in the output.
    // Suites that create many users or projects are not about quotas (test/iam/quota-limits.test.ts is).
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: TEST_LOG_LEVEL === 'silent' ? 'warn' : TEST_LOG_LEVEL, IAM_QUOTAS: ROOMY_IAM_QUOTAS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Its log lines (JSON) also go to a file for the end-of-run secrets check; the start-up
  // banner is not a log line and may show a generated password, which is recorded instead.
  const log = fs.openSync(newLogFile('process'), 'a')
  let output = ''
  let partial = ''
  const collect = (chunk: Buffer) => {
    const text = chunk.toString()
    output += text
    const lines = (partial + text).split('\n')
    partial = lines.pop()!
    const json = lines.filter((line) => line.startsWith('{'))
    if (json.length > 0) fs.writeSync(log, `${json.join('\n')}\n`)
    for (const line of lines) recordSecret('password', /^Generated password \(shown once\): (\S+)/.exec(line)?.[1])
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })))
  child.on('close', () => {
    if (partial.startsWith('{')) fs.writeSync(log, `${partial}\n`)
    fs.closeSync(log)
  })
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL')
      reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${output}`))
    }, START_TIMEOUT_MS)
    const onData = () => {
      const match = /listening on (http:\/\/\S+?),/.exec(output)
      if (!match) return
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      resolve({ url: match[1]!, child, output: () => output, stop })
    }
    child.stdout!.on('data', onData)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
}
