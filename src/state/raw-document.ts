/**
 * @module Reading a state document's raw input defensively, for the checks that run beside the
 * shape check (state-checks.ts, keystone-checks.ts): anything of the wrong shape reads as
 * nothing here, since the shape check names it already.
 */
export type Json = Record<string, unknown>

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
/** Entries of a list that are objects, with their index in it. */
export const entries = (v: unknown): [number, Json][] => list(v).flatMap((e, i) => (isObject(e) ? [[i, e] as [number, Json]] : []))

/** First claim of each key wins; later ones are reported as duplicates naming the first place. */
export class Unique {
  private readonly first = new Map<string, string>()
  constructor(private readonly problems: string[]) {}
  claim(key: string | undefined, place: string, what: string): void {
    if (key === undefined) return
    const earlier = this.first.get(key)
    if (earlier === undefined) this.first.set(key, place)
    else this.problems.push(`${place}: duplicate ${what} (also ${earlier})`)
  }
}
