/**
 * docs/configuration.md against the option table (src/config/options.ts): one row per option, in
 * the table's order and none besides, each with the option's variable, flag and default as
 * `projectplane serve --help` shows them; and the default regions it lists are the flavours'.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONFIG_OPTIONS, flagOf } from '../src/config.js'
import { FLAVOUR_NAMES, flavourFor } from '../src/flavours.js'

const doc = fs.readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8')

/** The rows of the page's option tables: `| `VAR` | `--flag` | default | meaning |`. */
const rows = doc.split('\n').filter((line) => line.startsWith('| `')).map((line) => line.slice(1, -1).split(/ \| /).map((cell) => cell.trim()))

describe('docs/configuration.md', () => {
  it('has a row for every option, in the table order, with its variable, flag and default', () => {
    // Code spans are for the reader; a placeholder after a flag (`--faults <file>`) too.
    const documented = rows.map(([variable, flag, shown]) => ({
      variable, flag: flag?.replace(/`/g, '').replace(/ <[a-z]+>$/, ''), default: shown?.replace(/`/g, ''),
    }))
    const expected = CONFIG_OPTIONS.map((o) => ({
      variable: `\`${o.env}${o.boolean ? '=1' : ''}\``,
      flag: flagOf(o),
      default: o.default ?? (o.boolean ? 'off' : 'unset'),
    }))
    expect(documented).toEqual(expected)
  })

  it('says what each option means', () => {
    for (const row of rows) {
      expect(row, row[0]).toHaveLength(4)
      expect(row[3], row[0]).not.toBe('')
    }
  })

  it("lists each flavour's default regions", () => {
    const text = doc.replace(/\s+/g, ' ')
    for (const name of FLAVOUR_NAMES) expect(text).toContain(`\`${flavourFor(name).defaultRegions.map((r) => r.id).join(', ')}\``)
  })
})
