/**
 * The real `openstack` CLI (Debian's python3-openstackclient) run against a test server, as the
 * CLI suites (test/iam/openstack-cli*.test.ts) use it: a throw-away HOME so no clouds.yaml, cache
 * or keyring of the machine gets in the way, no inherited OS_* variable, and the admin's password
 * credentials. `scripts/ensure-system-packages.sh` installs the CLI.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import type { TestServer } from './server.js'

const OPENSTACK = 'openstack'
/** One CLI call; it usually takes 1-2 s (Python start-up, discovery, token, request). */
const CLI_TIMEOUT_MS = 60_000
/** Vitest's limit for a test making `calls` CLI calls. */
export const budget = (calls: number) => calls * CLI_TIMEOUT_MS + 10_000

export interface CliResult {
  /** The exit code; null when the process was killed (e.g. by the timeout). */
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The inherited environment without any OS_* variable, so nothing outside the test steers the CLI. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('OS_')) env[k] = v
  }
  return env
}

export function runCli(env: Record<string, string>, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(OPENSTACK, args, { env, timeout: CLI_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null }) | null
      if (e && typeof e.code === 'string') {
        // ENOENT and friends: the CLI could not be started at all.
        resolve({ code: null, signal: null, stdout: String(stdout), stderr: `${String(stderr)}\nspawn failed: ${e.code} ${e.message}` })
        return
      }
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

export function describeRun(args: string[], r: CliResult): string {
  return `openstack ${args.join(' ')} -> exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`
}

/** The keystone flavour's admin scope: the bootstrapped `admin` project. */
export const KEYSTONE_ADMIN_SCOPE: Readonly<Record<string, string>> = { OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default' }

export interface OpenstackCli {
  /** The environment every call starts from (the admin's credentials and `scopeEnv`). */
  readonly env: Record<string, string>
  /** Runs `openstack <args>`; `extraEnv` overrides the admin's environment. */
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>
  /** Runs it, expects exit 0 and returns stdout parsed as JSON (pass `-f json`). */
  cliJson(args: string[], extraEnv?: Record<string, string>): Promise<any>
  /** Runs it, expects exit 0 (for commands that print nothing, like `project set`). */
  cliOk(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>
  /** Runs it, expects a non-zero exit (not a kill), returns the result for the stderr checks. */
  cliFails(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>
  /** Removes the throw-away HOME. */
  cleanup(): void
}

/** A CLI bound to the server's admin, in the scope `scopeEnv` names (e.g. KEYSTONE_ADMIN_SCOPE). */
export function openstackCli(s: TestServer, scopeEnv: Record<string, string>): OpenstackCli {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-oscli-'))
  const env: Record<string, string> = {
    ...cleanEnv(),
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    PYTHONWARNINGS: 'ignore',
    OS_AUTH_URL: `${s.url}/v3`,
    OS_IDENTITY_API_VERSION: '3',
    OS_INTERFACE: 'public',
    OS_USERNAME: s.adminUser,
    OS_PASSWORD: s.adminPassword,
    OS_USER_DOMAIN_NAME: s.account.name,
    ...scopeEnv,
  }
  const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli({ ...env, ...extraEnv }, args)
  return {
    env,
    cli,
    async cliJson(args, extraEnv) {
      const r = await cli(args, extraEnv)
      expect(r.code, describeRun(args, r)).toBe(0)
      try {
        return JSON.parse(r.stdout)
      } catch {
        throw new Error(`not JSON: ${describeRun(args, r)}`)
      }
    },
    async cliOk(args, extraEnv) {
      const r = await cli(args, extraEnv)
      expect(r.code, describeRun(args, r)).toBe(0)
      return r
    },
    async cliFails(args, extraEnv) {
      const r = await cli(args, extraEnv)
      expect(r.signal, describeRun(args, r)).toBeNull()
      expect(r.code, describeRun(args, r)).not.toBe(0)
      expect(r.code, describeRun(args, r)).not.toBeNull()
      return r
    },
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  }
}
