/**
 * @module Where a JSON document stops parsing, as an editor counts it. No other imports, so the
 * CLI can use it without loading the state code for a command that fails this early.
 */

/** Node names a JSON error by character position; an editor wants line and column. */
export function withLineAndColumn(message: string, text: string): string {
  const position = /at position (\d+)/.exec(message)
  if (!position) return message
  const before = text.slice(0, Number(position[1]))
  const line = before.split('\n').length
  return `${message} (line ${line}, column ${before.length - before.lastIndexOf('\n')})`
}
