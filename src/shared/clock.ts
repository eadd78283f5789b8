/**
 * @module The clock every service reads, and the one time format stored and sent. Tests pass
 * their own clock to `buildApp`, so expiry and lock-outs are checked without waiting.
 */

export interface Clock { now(): number }

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() }

/** ISO 8601 with microseconds (`2026-12-05T00:48:37.123000Z`), as Keystone writes its times. */
export function isoMicros(ms: number): string {
  // slice, not replace: every write stamps its rows and its trace with this, and replace scans the string.
  return `${new Date(ms).toISOString().slice(0, -1)}000Z`
}
