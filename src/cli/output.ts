/**
 * @module What commands print: aligned tables and `key: value` records for people, JSON (the
 * API's own objects) with `--json` for programs. Everything goes to stdout; messages about what
 * happened go to stderr, so `--json` output can be piped as it is.
 */

export type Cell = string | number | boolean | null | undefined
export type Column<T> = readonly [header: string, value: (row: T) => Cell]

function text(cell: Cell): string {
  return cell === null || cell === undefined ? '' : String(cell)
}

/** One line per row, columns padded to their widest cell; the last column is not padded. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = [columns.map(([header]) => header), ...rows.map((row) => columns.map(([, value]) => text(value(row))))]
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n'
}

/** `key: value` lines with the values aligned. */
export function formatRecord(fields: readonly (readonly [string, Cell])[]): string {
  const width = Math.max(...fields.map(([key]) => key.length)) + 1
  return fields.map(([key, value]) => `${`${key}:`.padEnd(width)} ${text(value)}`.trimEnd()).join('\n') + '\n'
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function print(text: string): void {
  process.stdout.write(text)
}

/** A message about what was done, beside (not inside) the output. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`)
}
