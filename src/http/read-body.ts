/**
 * @module Reads a request body Fastify leaves alone (GET and HEAD), for the one case that needs
 * it: an access-key signature covers the body, and the Huawei SDK sends `{}` on its GETs.
 */
import type { IncomingMessage } from 'node:http'
import { PayloadTooLargeError } from '../errors/app-error.js'

const EMPTY = Buffer.alloc(0)

export async function readBody(stream: IncomingMessage, limit: number): Promise<Buffer> {
  const length = stream.headers['content-length']
  if (stream.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return EMPTY
  if (length !== undefined && Number(length) > limit) throw new PayloadTooLargeError()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > limit) throw new PayloadTooLargeError()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}
