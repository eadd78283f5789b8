/**
 * @module Reads a request body Fastify leaves alone (GET and HEAD), for the one case that needs
 * it: an access-key signature covers the body, and the Huawei SDK sends `{}` on its GETs.
 */
import type { IncomingMessage } from 'node:http'
import { PayloadTooLargeError } from '../errors/app-error.js'

const EMPTY = Buffer.alloc(0)

/**
 * Listens rather than iterating: leaving a `for await` early destroys the request stream, and the
 * rest of an oversized body can then no longer be read to its end after the 413 (unread-body.ts).
 */
export function readBody(stream: IncomingMessage, limit: number): Promise<Buffer> {
  const length = stream.headers['content-length']
  if (stream.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return Promise.resolve(EMPTY)
  if (length !== undefined && Number(length) > limit) return Promise.reject(new PayloadTooLargeError())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      stream.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      stop()
      reject(new PayloadTooLargeError())
    }
    const onEnd = () => {
      stop()
      resolve(Buffer.concat(chunks))
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    // A client gone before the end of its body: as the iteration this replaces would throw.
    const onClose = () => onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
    stream.on('data', onData)
    stream.once('close', onClose)
    stream.once('end', onEnd)
    stream.once('error', onError)
  })
}
