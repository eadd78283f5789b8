/**
 * The log-secrets check of a whole test run: every server a test starts writes its log at trace
 * level under `test-artifacts/logs/`, and every secret the helpers send or receive (passwords,
 * token header values, secret keys, security tokens, Authorization values) is recorded under
 * `test-artifacts/secrets/`. After the run, test/global-setup.ts greps every log for every secret
 * (log-secrets-check.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import { ARTIFACTS_DIR, LOGS_DIR, SECRETS_DIR } from './log-secrets-check.js'
/**
 * Level of the test servers' logs: the most verbose, so a leak at any level is seen.
 * `TEST_LOG_LEVEL=silent` turns test logs off (to measure what they cost).
 */
export const TEST_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'trace'

export type SecretKind = 'password' | 'token' | 'secret key' | 'security token' | 'login token' | 'authorization'

/** Field names whose string values are secrets, in request and response bodies. */
const SECRET_FIELDS: Readonly<Record<string, SecretKind>> = {
  password: 'password', original_password: 'password', secret: 'secret key', securitytoken: 'security token',
}
/** Headers whose values are secrets, either way. */
const SECRET_HEADERS: Readonly<Record<string, SecretKind>> = {
  'x-auth-token': 'token', 'x-subject-token': 'token', 'x-subject-logintoken': 'login token', 'x-security-token': 'security token', authorization: 'authorization',
}

const recorded = new Set<string>()
let serverCount = 0

/** Remembers a secret for the end-of-run check (once per process and value). */
export function recordSecret(kind: SecretKind, value: unknown): void {
  if (typeof value !== 'string' || value === '' || recorded.has(value)) return
  recorded.add(value)
  fs.mkdirSync(SECRETS_DIR, { recursive: true })
  fs.appendFileSync(path.join(SECRETS_DIR, `${process.pid}.jsonl`), `${JSON.stringify({ kind, value })}\n`)
}

/** The secrets in a JSON body: password fields, secret keys, security tokens, `token.id` of token auth. */
export function recordBodySecrets(body: unknown, depth = 0): void {
  if (typeof body !== 'object' || body === null || depth > 12) return
  for (const [key, value] of Object.entries(body)) {
    const kind = SECRET_FIELDS[key]
    if (kind && typeof value === 'string') recordSecret(kind, value)
    else if (key === 'token' && typeof value === 'object' && value !== null) recordSecret('token', (value as { id?: unknown }).id)
    if (typeof value === 'object') recordBodySecrets(value, depth + 1)
  }
}

export function recordHeaderSecrets(headers: Headers | Record<string, string | undefined>): void {
  for (const [name, kind] of Object.entries(SECRET_HEADERS)) {
    const value = headers instanceof Headers
      ? headers.get(name) ?? undefined
      : Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
    recordSecret(kind, value)
  }
}

/** The environment that sends a server's log to a fresh file at the tests' level. */
export function testLogEnv(kind: 'server' | 'process'): Record<string, string> {
  return TEST_LOG_LEVEL === 'silent' ? { LOG_LEVEL: 'silent' } : { LOG_LEVEL: TEST_LOG_LEVEL, LOG_FILE: newLogFile(kind) }
}

/** A fresh log file for one server, named after the test file that starts it. */
export function newLogFile(kind: 'server' | 'process'): string {
  const testPath = expect.getState().testPath
  const stem = testPath ? path.relative(path.join(ARTIFACTS_DIR, '..'), testPath).replace(/\.test\.ts$/, '').replace(/[^a-zA-Z0-9._-]+/g, '_') : 'unknown'
  fs.mkdirSync(LOGS_DIR, { recursive: true })
  return path.join(LOGS_DIR, `${stem}.${kind}-${process.pid}-${++serverCount}.log`)
}
