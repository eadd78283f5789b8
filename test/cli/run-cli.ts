/**
 * Runs the built `projectplane` command (`dist/cli/main.js`, the package's bin) as a child
 * process, with only the environment a test gives it, and collects its exit code and output.
 * The build is made once per test run by `test/global-setup.ts`.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function projectplane(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** Runs a command that must succeed and parses its `--json` output. */
export async function json(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<any> {
  const res = await projectplane([...args, '--json'], options)
  if (res.code !== 0) throw new Error(`projectplane ${args.join(' ')} exited ${res.code}: ${res.stderr}`)
  return JSON.parse(res.stdout)
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-cli-'))
}

/** The password every test store's first administrator gets. */
export const ADMIN_PASSWORD = 'Test-Passw0rd!'

/** Password login of `user` in account `domain`, domain-scoped; the HTTP status. */
export async function login(url: string, domain: string, user: string, password: string, scope?: unknown): Promise<number> {
  const res = await fetch(`${url}/v3/auth/tokens?nocatalog=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } }, scope: scope ?? { domain: { name: domain } } } }),
  })
  await res.arrayBuffer()
  return res.status
}
