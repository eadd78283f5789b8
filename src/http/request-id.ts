/**
 * @module Request ids: one per request, in `X-Request-Id` and (as OpenStack clients read it)
 * `X-Openstack-Request-Id`, in every log line and in the audit trail.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * 32 hex characters: 16 random per process (so instances never collide) and a 16-digit counter.
 * Cheaper than drawing random bytes per request, and ids still never repeat.
 */
const REQUEST_ID_PREFIX = randomBytes(8).toString('hex')
let requestCounter = 0

export function newRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(16, '0')
}

export function setRequestIdHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id)
  reply.header('x-openstack-request-id', `req-${request.id}`)
}
