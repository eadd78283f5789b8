/**
 * @module The one body parser: JSON with any parameters (`application/json;charset=utf8` as the
 * clouds' docs send it). Every other media type is refused in the service's error format, since
 * no other parser exists. The bytes are kept as received: an access-key signature covers them.
 */
import type { FastifyInstance } from 'fastify'
import secureJson from 'secure-json-parse'
import { MalformedJsonError, ValidationError } from '../errors/app-error.js'
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js'

export const BODY_LIMIT_BYTES = 1024 * 1024

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (request, raw, done) => {
    request.rawBody = raw as Buffer
    const body = (raw as Buffer).toString('utf8')
    if (body === '') return done(null, {})
    if (exceedsJsonDepth(body)) {
      return done(new ValidationError(`The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`), undefined)
    }
    try {
      // As Fastify's own parser: keys that would poison prototypes are refused, not stored.
      done(null, secureJson.parse(body, undefined, { protoAction: 'error', constructorAction: 'error' }))
    } catch (error) {
      done(/forbidden prototype property/.test((error as Error).message)
        ? new ValidationError("The request body may not contain '__proto__' or 'constructor.prototype' keys.")
        : new MalformedJsonError(), undefined)
    }
  })
}
