/**
 * @module Fixed answers held in memory (the OpenAPI document, the documentation page and its
 * files): bytes, type and ETag computed once, a gzip copy made the first time a client accepts
 * one, and a 304 to a client that already holds them. Nothing is read or hashed per request.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Below this size gzip saves less than the header costs. */
const GZIP_MIN_BYTES = 1024

export interface CachedAnswer {
  readonly body: Buffer
  readonly type: string
  readonly etag: string
  gzipped?: Buffer
}

export function cachedAnswer(content: string | Buffer, type: string): CachedAnswer {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/** `If-None-Match` lists ETags, or is `*`. */
function holdsCurrent(request: FastifyRequest, etag: string): boolean {
  const given = request.headers['if-none-match']
  return given !== undefined && (given.trim() === '*' || given.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag))
}

/**
 * `no-cache` lets a browser keep the bytes but ask each time: a 304 costs nothing here, and an
 * upgraded server is never hidden behind a stale copy. Files named after their content's hash
 * may say more (`immutable`).
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer, cacheControl = 'no-cache'): FastifyReply {
  reply.header('etag', answer.etag).header('cache-control', cacheControl).header('vary', 'accept-encoding')
  if (holdsCurrent(request, answer.etag)) return reply.status(304).send()
  reply.type(answer.type)
  if (answer.body.length >= GZIP_MIN_BYTES && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    answer.gzipped ??= gzipSync(answer.body)
    return reply.header('content-encoding', 'gzip').send(answer.gzipped)
  }
  return reply.send(answer.body)
}
