/**
 * Makes `dist/` the build of the current sources, for the suites that start the server or the
 * `projectplane` command as a process, and starts the run's log-secrets check afresh; at the end,
 * fails the run if any secret a test used is in any server's log (see helpers/secrets.ts). Vitest
 * calls this once per project, all before the first test and all teardowns after the last: only
 * the first call does the work. In watch mode, every rerun checks the build again.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { assertNoSecretsInLogs, LOGS_DIR, SECRETS_DIR } from './helpers/log-secrets-check.js'

/**
 * Marks the vitest process that did the work. Its pid, not just "done": a process that inherits
 * the variable (a vitest started from a test, a shell that exported it) still builds.
 */
const DONE = 'PROJECTPLANE_TEST_GLOBAL_SETUP'

/** Everything `npm run build` reads: a change to any of it can make a different `dist/`. */
const BUILD_INPUTS = ['src', 'web', 'scripts/build.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']
/** The repository, wherever vitest was started from. */
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = 'dist'
/** What the last build here was made from, and what it made. */
const STAMP = path.join(DIST, '.test-build.json')
const inRoot = (file: string) => path.join(ROOT, file)

interface Stamp { sources: string; dist: string }

export default function setup(project: TestProject): (() => void) | undefined {
  if (process.env[DONE] === String(process.pid)) return undefined
  process.env[DONE] = String(process.pid)
  buildIfStale()
  project.onTestsRerun(() => buildIfStale())
  fs.rmSync(LOGS_DIR, { recursive: true, force: true })
  fs.rmSync(SECRETS_DIR, { recursive: true, force: true })
  return () => {
    const started = performance.now()
    const { secrets, logFiles } = assertNoSecretsInLogs()
    process.stdout.write(`Log secrets check: ${secrets} secrets absent from ${logFiles} server logs (${Math.round(performance.now() - started)} ms)\n`)
  }
}

/**
 * Builds unless `dist/` is, byte for byte, what the last build here made from the sources as they
 * are now: a build takes ~15 s (most of a targeted run), the check ~50 ms. Comparing `dist/` too
 * catches a build made elsewhere (`npm run build` on another branch, a hand edit) since then. A
 * clean clone has no stamp and builds. The build starts from an empty `dist/`, so nothing of a
 * deleted source survives in it, as on a clean clone.
 */
function buildIfStale(): void {
  const sources = treeHash(BUILD_INPUTS)
  const stamp = readStamp()
  if (stamp?.sources === sources && stamp.dist === treeHash([DIST])) return
  fs.rmSync(inRoot(DIST), { recursive: true, force: true })
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' })
  // The sources as read before the build: an edit during it makes the next run build again.
  const built: Stamp = { sources, dist: treeHash([DIST]) }
  fs.writeFileSync(inRoot(STAMP), JSON.stringify(built))
}

function readStamp(): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(inRoot(STAMP), 'utf8')) as Stamp
  } catch {
    return undefined
  }
}

/**
 * A hash of the files under `roots` (paths in the repository, names and contents), leaving out
 * the stamp and dependencies.
 */
function treeHash(roots: readonly string[]): string {
  const hash = createHash('sha256')
  const visit = (file: string): void => {
    const stat = fs.statSync(inRoot(file), { throwIfNoEntry: false })
    if (!stat || file === STAMP) return
    if (stat.isDirectory()) {
      if (path.basename(file) === 'node_modules') return
      for (const name of fs.readdirSync(inRoot(file)).sort()) visit(path.join(file, name))
      return
    }
    hash.update(`${file}\0${stat.size}\0`).update(fs.readFileSync(inRoot(file)))
  }
  roots.forEach(visit)
  return hash.digest('hex')
}
