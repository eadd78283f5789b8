/**
 * @module What becomes of a body still arriving when its request has been answered (a 413, or a
 * refusal made before the body was read). Closing then would reset the connection under a
 * client that is still sending, and its kernel drops our answer with it: Node's own HTTP client
 * fails with EPIPE instead of reading the 413. So the answer keeps the connection, the rest of
 * the body is read and dropped, and only a client that sends far too much, or too slowly, has
 * its connection cut (long after its answer went out).
 */
import type { IncomingMessage } from 'node:http'

/** How much of an answered request's body is read and dropped before the connection is cut instead. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
/** How long the rest of an answered request's body may take before the connection is cut. */
export const DRAIN_TIMEOUT_MS = 10_000

/** Whether the request has a body still (partly) on the wire; a request without one never has. */
export function hasUnreadBody(request: IncomingMessage): boolean {
  if (request.complete || request.destroyed) return false
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * Reads and drops the rest of the body, from now on. Call before the answer is sent: a request
 * with a reader of its own is left alone by Node, which otherwise reads it unbounded.
 */
export function drainUnreadBody(request: IncomingMessage): void {
  let read = 0
  const cut = () => request.socket?.destroy()
  const timer = setTimeout(cut, DRAIN_TIMEOUT_MS)
  timer.unref()
  const done = () => clearTimeout(timer)
  request.on('data', (chunk: Buffer) => {
    read += chunk.length
    if (read > DRAIN_LIMIT_BYTES) cut()
  })
  request.once('end', done)
  request.once('close', done)
  request.resume()
}
