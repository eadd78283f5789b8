/**
 * Every relative link and `#anchor` in README.md and docs/ resolves, as GitHub renders them:
 * the reference is spread over many pages, and a moved section must not leave a dead link.
 */
import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..')
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.md')).map((f) => `docs/${f.split(path.sep).join('/')}`)]

const withoutCode = (text: string) => text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '')

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchorsOf(page: string): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8').replace(/^(```|~~~)[\s\S]*?^\1/gm, '')
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.*?)\s*#*$/gm)) {
    const slug = heading!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    anchors.add(n ? `${slug}-${n}` : slug)
  }
  return anchors
}

it('every relative link in README.md and docs/ points at a file and heading that exist', () => {
  const broken: string[] = []
  let checked = 0
  for (const page of PAGES) {
    const text = withoutCode(fs.readFileSync(path.join(ROOT, page), 'utf8'))
    for (const [, target] of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue
      checked++
      const [file, anchor] = target!.split('#')
      const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file!))
      if (!fs.existsSync(path.join(ROOT, resolved))) broken.push(`${page} -> ${target} (no such file)`)
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${page} -> ${target} (no such heading)`)
    }
  }
  expect(checked).toBeGreaterThan(20)
  expect(broken).toEqual([])
})
