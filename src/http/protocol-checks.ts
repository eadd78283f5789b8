/**
 * @module The two refusals Node makes on its own, moved into the app so they speak the owning
 * service's error format (with request ids) instead of going out as an empty 400 or 417: an
 * HTTP/1.1 request without `Host`, and an `Expect` other than `100-continue`. Node is told to
 * leave both to us (`requireHostHeader: false`, a `checkExpectation` listener), and the checks
 * run before any route's own hooks, authentication included, as Node's did.
 */
import type { Server } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ExpectationFailedError, MissingHostError } from './protocol-errors.js'

/** Node's own test for a `100-continue` expectation (lib/_http_server.js). */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i

/** The HTTP server options that hand these checks to the app. */
export const PROTOCOL_SERVER_OPTIONS = { requireHostHeader: false } as const

const isHttp11 = (request: FastifyRequest) => request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor === 1

export function installProtocolChecks(app: FastifyInstance, server: Server): void {
  // Node answers 417 itself unless someone listens; the app's hook below answers instead.
  server.on('checkExpectation', (req, res) => server.emit('request', req, res))
  // A callback hook, not an async one: every request passes here, and a promise each is garbage.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!isHttp11(request)) return done()
    if (request.headers.host === undefined) return done(new MissingHostError())
    const expect = request.headers.expect
    done(expect !== undefined && !CONTINUE.test(expect) ? new ExpectationFailedError() : undefined)
  })
}
