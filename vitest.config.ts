import { defineConfig } from 'vitest/config'

/** HTTP suites that depend on the store: run once on SQLite and once on PostgreSQL. */
const STORE_BACKED = ['test/iam/**/*.test.ts', 'test/eps/**/*.test.ts', 'test/coc/**/*.test.ts', 'test/cts/**/*.test.ts', 'test/state/**/*.test.ts']

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep files in parallel modest; the CLI suite spawns processes.
    poolOptions: { forks: { maxForks: 2 } },
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
    globalSetup: ['test/global-setup.ts'],
    projects: [
      // Everything, on the embedded store (suites that need PostgreSQL ask for it themselves).
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts', 'src/**/*.test.ts'] } },
      // The openstack CLI suites test the client's side of the wire; the store behind it is the
      // HTTP suites' to prove on both databases, so the CLI runs once (it costs 1-2 s a command).
      { extends: true, test: { name: 'postgres', include: STORE_BACKED, exclude: ['test/iam/openstack-cli*.test.ts', 'test/state/testing-guide-clients.test.ts'], env: { TEST_DATABASE: 'postgres' } } },
    ],
  },
})
