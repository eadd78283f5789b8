/**
 * @module What projectplane adds to Fastify's request and route config, declared once.
 */
import type { AuthContext } from '../auth/auth-context.js'
import type { PendingSignature } from '../auth/access-key-auth.js'

/** The services whose error formats differ; a route's service picks the renderer. */
export type ServiceName = 'iam' | 'eps' | 'coc' | 'cts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook for every route whose rule is not `public`. */
    auth?: AuthContext
    /** The JSON body's bytes as received, for access-key signatures. */
    rawBody?: Buffer
    /** A signed request whose key checked out, to verify once the body is read. */
    pendingSignature?: PendingSignature
  }
  interface FastifyInstance {
    /**
     * The caller of a `public` route that wants one after all (a token request with
     * `assume_role` is made with a user's token or signature): 401 when there is none.
     */
    callerOf(request: FastifyRequest): Promise<AuthContext>
  }
  interface FastifyContextConfig {
    /** Policy action, e.g. `identity:update_project`; a route without one fails to register. */
    action?: string
    service?: ServiceName
    /** A route family that answers errors in its service's other format (IAM's flat `error_code`/`error_msg`). */
    errorFormat?: 'flat'
  }
}
