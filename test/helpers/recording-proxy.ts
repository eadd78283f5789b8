/**
 * An HTTP proxy in front of a test server for clients the tests do not write (Tempest): it
 * forwards every request unchanged (the `Host` header too, so links and the token catalog point
 * at the proxy) and records the secrets both ways — passwords and secrets in JSON bodies, token
 * and `Authorization` headers — for the end-of-run log-secrets check (helpers/secrets.ts).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { recordBodySecrets, recordHeaderSecrets } from './secrets.js'

export interface RecordingProxy {
  url: string
  /** Requests forwarded so far. */
  requests(): number
  close(): Promise<void>
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

function recordJson(body: Buffer, contentType: string | undefined): void {
  if (body.length === 0 || !contentType?.includes('json')) return
  try {
    recordBodySecrets(JSON.parse(body.toString('utf8')))
  } catch {
    // Not JSON after all: nothing to record.
  }
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target)
  let count = 0
  const server = http.createServer((req, res) => {
    void (async () => {
      count++
      const body = await readAll(req)
      recordHeaderSecrets(req.headers as Record<string, string | undefined>)
      recordJson(body, req.headers['content-type'])
      const send = (retried: boolean) => {
        const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          void readAll(answer).then((answerBody) => {
            recordHeaderSecrets(answer.headers as Record<string, string | undefined>)
            recordJson(answerBody, answer.headers['content-type'])
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            res.end(answerBody)
          })
        })
        forward.on('error', (error: NodeJS.ErrnoException) => {
          // A pooled keep-alive connection the server closed as it was reused: the request never
          // reached the server, so it goes again on a new connection, as Node's docs advise.
          // Tempest once got this proxy's 502 for a DELETE that way.
          if (!retried && forward.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
            send(true)
            return
          }
          res.writeHead(502, { 'content-type': 'text/plain' })
          res.end(`recording proxy: ${error.message}`)
        })
        forward.end(body)
      }
      send(false)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
