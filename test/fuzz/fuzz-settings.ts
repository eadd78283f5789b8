/**
 * How much the fuzz suite runs. CI runs a fixed seed and a bounded count (under a minute on an
 * idle 2-core machine); a long run sets `FUZZ_RUNS` (and another `FUZZ_SEED` to explore new
 * ground): `FUZZ_RUNS=25000 npm run test:fuzz`. A failure prints its seed and path, and
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
 * Huawei Cloud's flavour has the most operations and gets the full count in CI; the other two
 * share most of its IAM code and get a part of it, so the fuzz directory stays near two minutes
 * on a loaded 2-core machine. A `FUZZ_RUNS` given runs that many in every flavour.
 */
const CI_SHARE: Record<FlavourName, number> = { huaweicloud: 1, opentelekomcloud: 0.4, keystone: 0.6 }
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
