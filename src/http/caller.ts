/**
 * @module The request's caller, as the authentication hook (`http/authenticate.ts`) set it.
 */
import type { FastifyRequest } from 'fastify'
import type { AuthContext } from '../auth/auth-context.js'
import { UnauthorizedError } from '../errors/app-error.js'

/** The authenticated caller; a route without one (public) that asks anyway is refused with 401. */
export function caller(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new UnauthorizedError()
  return request.auth
}

/** The caller of a `public` route that needs one for some requests only (see `callerOf`). */
export function lazyCaller(request: FastifyRequest): Promise<AuthContext> {
  return request.server.callerOf(request)
}
