/**
 * The end of the log-secrets check (see secrets.ts): every secret recorded during the run is
 * looked for in every log file written during it. GNU grep's fixed-string search matches the
 * thousands of recorded tokens against the whole run's logs in one pass.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
export const LOGS_DIR = path.join(ARTIFACTS_DIR, 'logs')
export const SECRETS_DIR = path.join(ARTIFACTS_DIR, 'secrets')
/**
 * Shorter values (a keystone test's one-letter password, a made-up 'bad' token) occur in logs by
 * chance, in ids and words; every generated token and key, and every test password, is longer.
 */
export const MIN_CHECKED_LENGTH = 8
/** Nor a made-up wrong secret of one repeated letter ('x' × 40), which any long name contains. */
const MIN_DISTINCT_CHARACTERS = 4

function checkable(value: string): boolean {
  return value.length >= MIN_CHECKED_LENGTH && new Set(value).size >= MIN_DISTINCT_CHARACTERS
}

export interface Leak { file: string; line: number; kind: string; hint: string }

/** Enough to find the secret in the test code, not enough to use it. */
export function hintFor(value: string): string {
  return `${value.length} characters, starting '${value.slice(0, 2)}…'`
}

export function readRecordedSecrets(dir = SECRETS_DIR): { kind: string; value: string }[] {
  if (!fs.existsSync(dir)) return []
  const byValue = new Map<string, string>()
  for (const file of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!line) continue
      const { kind, value } = JSON.parse(line) as { kind: string; value: string }
      if (checkable(value)) byValue.set(value, kind)
    }
  }
  return [...byValue].map(([value, kind]) => ({ kind, value }))
}

/** Every place a recorded secret occurs in a log file, as written or JSON-escaped. */
export function findLeaks(secrets: { kind: string; value: string }[], logsDir = LOGS_DIR): Leak[] {
  if (secrets.length === 0 || !fs.existsSync(logsDir)) return []
  // As a log line would hold it: JSON-escaped (quotes, backslashes, control characters).
  const forms = secrets.map((s) => ({ ...s, form: JSON.stringify(s.value).slice(1, -1) }))
  const patterns = path.join(ARTIFACTS_DIR, 'secret-patterns.txt')
  fs.writeFileSync(patterns, forms.map((f) => f.form).join('\n') + '\n')
  try {
    const grep = spawnSync('grep', ['-rFn', '--include=*.log', '-f', patterns, logsDir], { maxBuffer: 1 << 30, encoding: 'utf8' })
    if (grep.status === 1) return []
    if (grep.status !== 0) throw new Error(`grep failed (${grep.status}): ${grep.stderr}`)
    const leaks: Leak[] = []
    for (const hit of grep.stdout.split('\n')) {
      const match = /^(.*?):(\d+):(.*)$/.exec(hit)
      if (!match) continue
      const [, file, line, text] = match as unknown as [string, string, string, string]
      for (const f of forms) {
        if (text.includes(f.form)) leaks.push({ file: path.relative(path.join(ARTIFACTS_DIR, '..'), file), line: Number(line), kind: f.kind, hint: hintFor(f.value) })
      }
    }
    return leaks
  } finally {
    fs.rmSync(patterns, { force: true })
  }
}

/** Throws with the files, lines and redacted hints of every leak; never the secret itself. */
export function assertNoSecretsInLogs(): { secrets: number; logFiles: number } {
  const secrets = readRecordedSecrets()
  const leaks = findLeaks(secrets)
  if (leaks.length > 0) {
    const shown = leaks.slice(0, 20).map((l) => `  ${l.file}:${l.line}: a ${l.kind} (${l.hint})`)
    throw new Error(`Secrets used by the tests appear in the server logs (${leaks.length} places):\n${shown.join('\n')}${leaks.length > 20 ? '\n  …' : ''}`)
  }
  const logFiles = fs.existsSync(LOGS_DIR) ? fs.readdirSync(LOGS_DIR).filter((f) => f.endsWith('.log')).length : 0
  return { secrets: secrets.length, logFiles }
}
