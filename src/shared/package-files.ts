/**
 * @module Where the package's own files are at run time: package.json, the migrations, the
 * console's build. Found from the package root, not from each module's own file, because the same
 * code runs in two layouts: one file per module under `src/` (the tests, through vitest), and
 * bundled into a few files in `dist/` (`npm run build`, scripts/build.mjs), where a module's code
 * no longer sits in a folder of its own.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))

function nearestPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`no package.json in or above ${from}`)
  }
}

/** The folder of projectplane's package.json. */
export const PACKAGE_ROOT = nearestPackageRoot(HERE)

/** `src` when the TypeScript sources run, `dist` when the build does: each reads its own copy of the migrations. */
const CODE_DIR = path.relative(PACKAGE_ROOT, HERE).split(path.sep)[0]!

export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, CODE_DIR, 'db', 'migrations')

/** The web console's build (web/vite.config.ts), in `dist/` whichever code runs. */
export const CONSOLE_DIR = path.join(PACKAGE_ROOT, 'dist', 'console')

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
}
