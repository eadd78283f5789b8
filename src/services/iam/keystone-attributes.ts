/**
 * @module How Keystone treats the free attributes of the entities it stores with `extra`
 * (consumers, policy blobs): top-level keys with `:` or `-` are renamed with `_`
 * (`ResourceBase._normalize_dict`), and every key that is not a column is kept and echoed back.
 */

/** Keystone's `_normalize_dict`: `OS-FOO:bar` becomes `OS_FOO_bar`. */
export function normalizedKeys(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]))
}

/** The attributes that are not columns (`known`), to keep as `extra`. */
export function extrasOf(input: Readonly<Record<string, unknown>>, known: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !known.has(k)))
}

/** The stored `extra` merged with a PATCH's extra attributes, as Keystone's `old.update(new)` does. */
export function mergedExtra(stored: string, input: Readonly<Record<string, unknown>>, known: ReadonlySet<string>): string {
  return JSON.stringify({ ...(JSON.parse(stored) as Record<string, unknown>), ...extrasOf(input, known) })
}
