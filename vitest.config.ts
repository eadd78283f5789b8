import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep files in parallel modest; the CLI suite spawns processes.
    poolOptions: { forks: { maxForks: 2 } },
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
