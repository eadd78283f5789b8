/**
 * `projectplane serve` is the server `npm start` runs, configured by flags that win over the
 * environment, and it stops cleanly on SIGTERM. It runs the built command, `dist/cli/main.js`:
 * test/global-setup.ts makes `dist/` the build of the current sources before any test runs.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { login } from './run-cli.js'

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

describe('projectplane serve', () => {
  it('serves with flags winning over the environment, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--in-memory', '--flavour', 'opentelekomcloud', '--projectplane-admin-password', 'Flag-Pw-123'], {
      env: { PATH: process.env.PATH ?? '', FLAVOUR: 'keystone', PORT: '1', LOG_LEVEL: 'warn', PROJECTPLANE_ADMIN_PASSWORD: 'Env-Pw-123' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // A failed expectation must not leave the server running after the test.
    onTestFinished(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    let output = ''
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    // The first line says where it listens: judged as soon as it is complete, so a changed line
    // fails here at once instead of the test waiting out its timeout for the expected one.
    await new Promise<void>((resolve, reject) => {
      let stdout = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        stdout += chunk.toString()
        if (stdout.includes('\n')) resolve()
      })
      void exited.then(() => reject(new Error(`exited before listening:\n${output}`)))
    })
    expect(output).toMatch(/^projectplane \(opentelekomcloud\) listening on http:\/\/127\.0\.0\.1:\d+, store: in memory\n/)
    const url = /listening on (http:\/\/\S+?),/.exec(output)![1]!
    expect(await login(url, 'projectplane', 'admin', 'Flag-Pw-123')).toBe(201)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
