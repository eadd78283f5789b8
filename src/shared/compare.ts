/**
 * @module String order by UTF-16 code unit, as the SQL stores sort text (SQLite's BINARY, PostgreSQL's "C").
 * `localeCompare` and `Intl.Collator` would load ICU's collation data: ~3 MB of RSS in a server
 * that needs no locale order until an AK/SK-signed request arrives (aksk-signature.ts).
 */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
