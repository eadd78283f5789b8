/**
 * Records the run's counts so that `scripts/test.mjs` can print one closing line,
 * `Tests: N passed, N failed, N skipped`, after vitest's own summary, for CI tooling to read.
 */
import fs from 'node:fs'
import type { Reporter, TestModule } from 'vitest/node'

export const SUMMARY_FILE = 'test-artifacts/summary.json'

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const mod of modules) {
      // A file that fails to load has no tests to count; it still failed.
      if (mod.errors().length > 0) failed++
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
    }
    fs.mkdirSync('test-artifacts', { recursive: true })
    fs.writeFileSync(SUMMARY_FILE, JSON.stringify({ passed, failed, skipped }))
  }
}
