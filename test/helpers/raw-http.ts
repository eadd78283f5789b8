/**
 * HTTP over a bare `node:net` socket, for what fetch and node:http will not send (no Host, CONNECT,
 * a 17 KB request line, an unknown Expect, a body still going out when the answer comes) and
 * for reading exactly what came back, reset included.
 */
import http from 'node:http'
import net from 'node:net'

export interface RawAnswer {
  /** Every byte received, as latin1. */
  raw: string
  /** The first final (non-1xx) answer; undefined when none arrived. */
  status: number | undefined
  /** Header names lower-cased. */
  headers: Record<string, string>
  /** The bytes after the final answer's head (the whole rest of the stream when the length is unknown). */
  body: string
  /** The connection was reset (ECONNRESET, EPIPE) rather than closed. */
  reset: boolean
  /** The peer closed the connection (FIN or reset) before we did. */
  closed: boolean
  /** Nothing complete arrived before the deadline. */
  timedOut: boolean
}

export interface RawOptions {
  /** Give up after this long (the answer is then `timedOut`). */
  timeoutMs?: number
  /** The request is a HEAD: its answer ends with its head, whatever Content-Length says. */
  head?: boolean
  /**
   * Writes more after the request head (a body that keeps coming); runs concurrently with
   * reading, and its write errors are the reset the answer reports.
   */
  stream?: (socket: net.Socket) => Promise<void>
  /**
   * End our side if no whole answer came by then: a request cut short keeps the server waiting
   * for the rest, and the end must then bring an answer or a close.
   */
  endAfterMs?: number
  /** Read until the peer closes (or the deadline), to see that it does and that nothing follows the answer. */
  untilClose?: boolean
}

/** Splits the received bytes into the final answer, skipping interim 1xx answers. */
function parse(raw: string, head: boolean): { status?: number; headers: Record<string, string>; body: string; complete: boolean } {
  let rest = raw
  for (;;) {
    const end = rest.indexOf('\r\n\r\n')
    if (end < 0) return { headers: {}, body: '', complete: false }
    const lines = rest.slice(0, end).split('\r\n')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1])
    const headers: Record<string, string> = {}
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    rest = rest.slice(end + 4)
    if (status >= 100 && status < 200) continue
    if (head) return { status, headers, body: rest, complete: true }
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length'])
    const complete = length !== undefined && Buffer.byteLength(rest, 'latin1') >= length
    return { status, headers, body: length === undefined ? rest : rest.slice(0, length), complete }
  }
}

/**
 * Sends `request` (then `options.stream`, if any) on a new connection to the server at `url`
 * and reads until the answer is complete (by Content-Length), the peer closes, or the deadline.
 */
export function rawRequest(url: string, request: string | Buffer, options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    let reset = false
    let closed = false
    let settled = false
    let streaming = options.stream !== undefined || options.untilClose === true
    const whole = () => parse(Buffer.concat(chunks).toString('latin1'), options.head === true).complete
    const finish = (timedOut: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      const raw = Buffer.concat(chunks).toString('latin1')
      const parsed = parse(raw, options.head === true)
      socket.destroy()
      resolve({ raw, status: parsed.status, headers: parsed.headers, body: parsed.body, reset, closed, timedOut: timedOut && (options.untilClose === true || !parsed.complete) })
    }
    const timer = setTimeout(() => finish(true), options.timeoutMs ?? 5000)
    if (options.endAfterMs !== undefined) setTimeout(() => { if (!settled && !socket.destroyed) socket.end() }, options.endAfterMs).unref()
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      // Keep-alive answers leave the connection open: stop once the answer is whole, unless a
      // body is still being streamed (then the stream's end or the peer's close ends it).
      if (!streaming && whole()) finish(false)
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true
      closed = true
      finish(false)
    })
    socket.on('close', () => {
      closed = true
      finish(false)
    })
    socket.write(request)
    if (options.stream) {
      void options.stream(socket).then(
        () => {
          streaming = false
          if (whole()) finish(false)
        },
        () => { reset = true },
      )
    }
  })
}

/** Writes `total` bytes of `fill` in 64 KiB pieces, waiting for the socket to drain; stops when it closes. */
export async function streamBytes(socket: net.Socket, total: number, fill = 'a'): Promise<void> {
  const piece = Buffer.alloc(64 * 1024, fill)
  for (let sent = 0; sent < total && !socket.destroyed; sent += piece.length) {
    const chunk = total - sent >= piece.length ? piece : piece.subarray(0, total - sent)
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => { socket.off('drain', done); socket.off('close', done); resolve() }
        socket.on('drain', done)
        socket.on('close', done)
      })
    }
  }
}

/** Node's own HTTP client, which fails (EPIPE) when the server closes the connection under its upload. */
export function nodeRequest(url: string, options: { method: string; headers: http.OutgoingHttpHeaders; body: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}
