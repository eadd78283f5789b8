/**
 * @module How PostgreSQL's failures look, apart from the driver: the start-up and CLI error paths
 * ask "was that the database being unreachable?" on every store, and importing `pg` to answer it
 * would load the driver (~15 MB of RSS) into a server that runs on SQLite.
 */

/** Class 08 (connection exception), shutdowns and "cannot connect now", too many connections, read-only standby. */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-4]|53300|25006)$/
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
/** pg's own messages for a lost or never-made connection and for its client-side timeouts. */
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|connection is closed|Client was closed/i

export function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined
}

export function isPostgresUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const code = codeOf(error) ?? ''
  if (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_NODE_CODES.has(code)) return true
  // 57014: statement_timeout cancelled the query, i.e. the database is too slow to answer.
  if (code === '57014') return true
  if (UNAVAILABLE_MESSAGES.test((error as Error).message ?? '')) return true
  const cause = (error as { cause?: unknown }).cause
  return cause !== undefined && cause !== error && isPostgresUnavailable(cause)
}
