/**
 * @module A JSON answer written in small chunks as its items are rendered (issue 19). One string
 * for a large answer (a page of 5,000 projects is ~1.5 MB) is a large object to V8: allocated in
 * the old generation and freed only by a full collection, so a client walking big pages grew the
 * heap by ~100 MB before one ran. Chunks of `JSON_CHUNK` characters die young. The stream is
 * pulled (Fastify pipes it into the socket, which honours back-pressure), so at most a chunk or
 * two wait for a slow client.
 */
import { Readable } from 'node:stream'

/** Characters per chunk: well below V8's large-object size (128 KiB). */
export const JSON_CHUNK = 16 * 1024

/**
 * `head`, then each item rendered (joined by commas), then `tail`: the bytes `JSON.stringify`
 * gives for the same body when `head`/`tail` hold the rest of it. Items come in batches (one for
 * a page already read, one per query for a streamed list).
 */
export function jsonListStream<T>(head: string, batches: AsyncIterable<readonly T[]> | Iterable<readonly T[]>, render: (item: T) => string, tail: string): Readable {
  return Readable.from((async function* () {
    let chunk = head
    let first = true
    for await (const batch of batches) {
      for (const item of batch) {
        chunk += (first ? '' : ',') + render(item)
        first = false
        if (chunk.length >= JSON_CHUNK) {
          yield chunk
          chunk = ''
        }
      }
    }
    yield chunk + tail
  })(), { objectMode: false, highWaterMark: JSON_CHUNK })
}
