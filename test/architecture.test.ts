/**
 * The shape of the code, checked: dependencies point one way
 * (`cli → server → app/state → services → (auth, audit, http, db, config, flavours) → (errors, shared)`),
 * no service imports another, routes never reach a store, and no source file outgrows a reading.
 * See docs/architecture.md. Reads the sources as text: nothing is started.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..')
const SRC = path.join(ROOT, 'src')
const MAX_LINES = 500

/** Higher may import lower or equal, never higher. */
const RANKS: [RegExp, number, string][] = [
  [/^cli\//, 6, 'cli'],
  [/^(server|main)\.ts$/, 5, 'server'],
  [/^(app\.ts|state\/)/, 4, 'app and state'],
  [/^services\//, 3, 'services'],
  [/^(auth|audit|http|db)\/|^(config|flavours)\.ts$|^config\//, 2, 'infrastructure'],
  [/^(errors|shared)\//, 1, 'errors and shared'],
]

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : []
  })
}

const files = sourceFiles(SRC).map((full) => path.relative(SRC, full).split(path.sep).join('/'))

function rankOf(file: string): { rank: number; layer: string } {
  const hit = RANKS.find(([pattern]) => pattern.test(file))
  if (!hit) throw new Error(`${file} belongs to no layer: add it to RANKS and docs/architecture.md`)
  return { rank: hit[1], layer: hit[2] }
}

/** Project-internal imports of a file, resolved to paths relative to src/ (`.js` spelled as the `.ts` it is). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8')
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm), ...text.matchAll(/import\('(\.{1,2}\/[^']+)'\)/g)]
  return specifiers.map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, '.ts'))
}

const serviceOf = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1]

describe('architecture', () => {
  it('every source file belongs to a layer', () => {
    for (const file of files) expect(() => rankOf(file)).not.toThrow()
  })

  it('dependencies point one way: no layer imports a higher one', () => {
    const upward: string[] = []
    for (const file of files) {
      const from = rankOf(file)
      for (const target of importsOf(file)) {
        if (target.startsWith('..')) continue
        const to = rankOf(target)
        if (to.rank > from.rank) upward.push(`${file} (${from.layer}) imports ${target} (${to.layer})`)
      }
    }
    expect(upward).toEqual([])
  })

  it('no service imports another service', () => {
    const crossing = files.flatMap((file) => {
      const own = serviceOf(file)
      return own ? importsOf(file).filter((t) => serviceOf(t) !== undefined && serviceOf(t) !== own).map((t) => `${file} imports ${t}`) : []
    })
    expect(crossing).toEqual([])
  })

  it('configuration reads no HTTP code (it is read by every layer)', () => {
    const config = files.filter((f) => /^config(\.ts|\/)/.test(f))
    expect(config.flatMap((f) => importsOf(f).filter((t) => t.startsWith('http/')).map((t) => `${f} imports ${t}`))).toEqual([])
  })

  it('routes never reach a store: one service call, then the wire', () => {
    const routes = files.filter((f) => /^services\/.*routes\.ts$/.test(f))
    expect(routes.length).toBeGreaterThan(0)
    expect(routes.flatMap((f) => importsOf(f).filter((t) => /\/store(-sql)?\.ts$/.test(t)).map((t) => `${f} imports ${t}`))).toEqual([])
  })

  it(`no source file is longer than ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ f, lines: fs.readFileSync(path.join(SRC, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ f, lines }) => `${f}: ${lines}`)
    expect(long).toEqual([])
  })
})
