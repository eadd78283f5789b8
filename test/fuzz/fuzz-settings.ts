/**
 * How much the fuzz suite runs. CI runs a fixed seed and a bounded count (all three flavours in
 * well under two minutes on a loaded 2-core machine); a long run sets `FUZZ_RUNS` (and another
 * `FUZZ_SEED` to explore new ground): `FUZZ_RUNS=25000 npm run test:fuzz`, or one flavour's file. A failure prints its seed and path, and
 * `FUZZ_SEED=<seed> FUZZ_PATH=<path>` replays exactly that case.
 */
import type { FlavourName } from '../../src/flavours.js'

const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not '${process.env[name]}'`)
  return value
}

/** Cases of the main property (one HTTP request each); the other properties scale from it. */
export const FUZZ_RUNS = positive('FUZZ_RUNS', 500)
/**
 * Huawei Cloud and Keystone get the full count in CI; Open Telekom Cloud, whose operations are
 * nearly all Huawei Cloud's, half of it. The fuzz directory then takes about a minute on a
 * 2-core machine at load 6-8 (issue 19 allows two). A `FUZZ_RUNS` given runs that many in every flavour.
 */
const CI_SHARE: Record<FlavourName, number> = { huaweicloud: 1, opentelekomcloud: 0.5, keystone: 1 }
export const fuzzRuns = (flavour: FlavourName) => (process.env.FUZZ_RUNS === undefined ? Math.ceil(FUZZ_RUNS * CI_SHARE[flavour]) : FUZZ_RUNS)
export const FUZZ_SEED = positive('FUZZ_SEED', 19)
/** fast-check's replay path of a failed case, as its report prints it. */
export const FUZZ_PATH = process.env.FUZZ_PATH

/** Longer than any honest answer takes on a loaded machine: past it, a request counts as hung. */
export const REQUEST_TIMEOUT_MS = 10_000

/** The vitest timeout of a property of `runs` cases: generous per case, so a long run is not cut short. */
export const timeoutFor = (runs: number) => 60_000 + runs * 100

export const fcParameters = (numRuns: number) => ({
  numRuns, seed: FUZZ_SEED, ...(FUZZ_PATH === undefined ? {} : { path: FUZZ_PATH }), endOnFailure: true,
})
