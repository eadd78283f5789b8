/**
 * @module The building blocks of the state document's schemas (state-document.ts and the
 * per-area documents beside it): names, ids, times and texts with the words an error uses for what
 * was expected (`expected` is ours, not JSON Schema's).
 */
import { Type as T, type TSchema } from '@sinclair/typebox'


export const Enum = <V extends string>(values: readonly V[]) =>
  T.Union(values.map((v) => T.Literal(v)), { expected: `one of ${values.map((v) => `'${v}'`).join(', ')}` })
export const Name = (max: number) => T.String({ minLength: 1, maxLength: max, pattern: '\\S', expected: `a name of 1 to ${max} characters, not blank` })
export const Text = (max?: number) => T.String(max === undefined ? {} : { maxLength: max, expected: `a text of at most ${max} characters` })
export const Id = T.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', expected: 'an id of 1 to 64 letters, digits, _ or -' })
export const RegionId = T.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,63}$', expected: "a region id of 1 to 64 letters, digits and '-'" })
/** An ISO 8601 time in UTC; stored with microseconds whatever precision it is given with. */
export const TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z$'
export const Time = T.String({ pattern: TIME_PATTERN, expected: "an ISO 8601 time in UTC such as '2026-01-31T12:00:00Z'" })
export const Nullable = <S extends TSchema>(schema: S) => T.Union([schema, T.Null()], { expected: `null or ${String(schema.expected ?? 'a string')}` })
export const JsonObject = T.Record(T.String(), T.Unknown(), { expected: 'a JSON object' })
export const Times = { created_at: T.Optional(Time), updated_at: T.Optional(Time) }
export const closed = { additionalProperties: false } as const

/** `2026-01-31T12:00:00Z` → `2026-01-31T12:00:00.000000Z`: stored times compare as text, so all have one form. */
export function storedTime(time: string | null | undefined): string | undefined {
  if (time === undefined || time === null) return undefined
  return time.replace(/(?:\.(\d{1,6}))?Z$/, (_m, fraction: string | undefined) => `.${(fraction ?? '').padEnd(6, '0')}Z`)
}
