/**
 * @module Who is calling, and may they: the hooks every route gets as it registers. A caller is
 * known by `X-Auth-Token` or by an access-key signature (the Huawei SDKs never send a token);
 * the route's policy action is then enforced, unless its service enforces it itself.
 *
 * Authentication and policy run before the body is even parsed: a stranger learns nothing about
 * what the body should look like, and a big body from one is never read. A signature covers the
 * body, so a signed request with a body is verified once Fastify has read it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccessKeyAuthenticator } from '../auth/access-key-auth.js'
import type { SignedRequest } from '../auth/aksk-signature.js'
import type { AuthContext, RequestOrigin } from '../auth/auth-context.js'
import type { Policy } from '../auth/policy.js'
import { ServiceUnavailableError } from '../errors/app-error.js'
import { BODY_LIMIT_BYTES } from './json-body.js'
import { readBody } from './read-body.js'
import { setRequestIdHeaders } from './request-id.js'

/** Fastify reads no body for these; a signed one is read here. */
const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD'])
const EMPTY_BODY = Buffer.alloc(0)

export interface GatewayRefusal { status: number; body: unknown }

export interface AuthenticateDeps {
  policy: Policy
  accessKeys: AccessKeyAuthenticator
  /** The caller behind an `X-Auth-Token`; throws 401 for anything but a live token. */
  authenticateToken(token: string | undefined): Promise<AuthContext>
  /** The same answer synchronously when it is at hand (a token validated moments ago); undefined otherwise. */
  cachedCaller?(token: string | undefined): AuthContext | undefined
  /** True once the server is closing: requests still arriving on kept-alive connections get a 503. */
  isClosing(): boolean
  /**
   * The answer for an authenticated caller the account refuses whatever the route (its API ACL,
   * issue 18), in the gateway's own body; undefined to go on. Routes without a caller (the
   * password token request) never ask.
   */
  gatewayRefusal?(ctx: AuthContext, request: FastifyRequest): GatewayRefusal | undefined | Promise<GatewayRefusal | undefined>
}

/** Installs the guards on every route registered from now on; a route without a policy rule is refused. */
export function installAuthentication(app: FastifyInstance, { policy, accessKeys, authenticateToken, cachedCaller, isClosing, gatewayRefusal }: AuthenticateDeps): void {
  app.decorate('callerOf', async (request: FastifyRequest): Promise<AuthContext> => {
    if (request.auth) return request.auth
    const pending = request.headers.authorization === undefined
      ? undefined
      : await accessKeys.prepare(request.headers.authorization, request.headers['x-security-token'] as string | undefined)
    const ctx = pending
      ? await accessKeys.authenticate(signedRequest(request, request.rawBody ?? EMPTY_BODY), pending)
      : await authenticateToken(request.headers['x-auth-token'] as string | undefined)
    return (request.auth = withOrigin(ctx, request))
  })
  app.addHook('onRoute', (route) => {
    const action = route.config?.action
    // A route without a rule in the policy tables must not exist: refuse to build.
    const entry = action ? policy.entry(action) : undefined
    if (!action || !entry) throw new Error(`route ${String(route.method)} ${route.url} has no policy action`)
    // Bound to the route's action here, so no request pays for looking it up.
    const enforce = (request: FastifyRequest) => {
      if (entry.enforcedBy === 'service') return
      const params = request.params as Record<string, string | undefined> | undefined
      policy.enforce(request.auth, action, {
        userId: params?.user_id,
        enterpriseProjectId: entry.enterpriseProjectScoped ? params?.enterprise_project_id : undefined,
      })
    }
    // True when the gateway answered for the route (the caller is refused). Synchronous when the
    // gateway answers at once, as it does once the account's ACL is loaded: no promise per request.
    const refuse = (reply: FastifyReply, refusal: GatewayRefusal | undefined): boolean => {
      if (!refusal) return false
      void reply.status(refusal.status).send(refusal.body)
      return true
    }
    const refusedAtGateway = (request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean> => {
      const refusal = request.auth && gatewayRefusal ? gatewayRefusal(request.auth, request) : undefined
      return refusal instanceof Promise ? refusal.then((settled) => refuse(reply, settled)) : refuse(reply, refusal)
    }
    const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
      setRequestIdHeaders(request, reply)
      if (isClosing()) {
        // A request on a kept-alive connection after SIGTERM: refused, and the connection ends.
        reply.header('connection', 'close')
        throw new ServiceUnavailableError()
      }
      if (entry.rule !== 'public') {
        const pending = request.headers.authorization === undefined
          ? undefined
          : await accessKeys.prepare(request.headers.authorization, request.headers['x-security-token'] as string | undefined)
        if (pending) {
          if (!BODYLESS_METHODS.has(request.method)) {
            request.pendingSignature = pending
            return
          }
          request.auth = await accessKeys.authenticate(signedRequest(request, await readBody(request.raw, BODY_LIMIT_BYTES)), pending)
        } else {
          const token = request.headers['x-auth-token'] as string | undefined
          const ctx = cachedCaller?.(token) ?? await authenticateToken(token)
          request.auth = BODYLESS_METHODS.has(request.method) ? ctx : withOrigin(ctx, request)
        }
        const refused = refusedAtGateway(request, reply)
        if (refused === true || (refused !== false && await refused)) return reply
      }
      enforce(request)
    }
    const verifySignedBody = async (request: FastifyRequest, reply: FastifyReply) => {
      request.auth = withOrigin(await accessKeys.authenticate(signedRequest(request, request.rawBody ?? EMPTY_BODY), request.pendingSignature!), request)
      const refused = refusedAtGateway(request, reply)
      if (refused === true || (refused !== false && await refused)) return reply
      enforce(request)
    }
    // Only signed requests have work here: the others (token callers) pass without a promise.
    const verifySignedBodyHook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      if (!request.pendingSignature) return done()
      return verifySignedBody(request, reply)
    }
    if (!BODYLESS_METHODS.has([route.method].flat()[0]!)) {
      route.preValidation = [verifySignedBodyHook, ...(route.preValidation ? [route.preValidation].flat() : [])]
    }
    route.onRequest = [authorize, ...(route.onRequest ? [route.onRequest].flat() : [])]
  })
}

function signedRequest(request: FastifyRequest, body: Buffer): SignedRequest {
  const url = request.raw.url ?? '/'
  const cut = url.indexOf('?')
  return {
    method: request.method,
    rawPath: cut < 0 ? url : url.slice(0, cut),
    rawQuery: cut < 0 ? '' : url.slice(cut + 1),
    headers: request.headers,
    body,
  }
}

/**
 * The caller plus where the request came from, for the audit trail. Only requests that may change
 * something pay for the copy: contexts are cached across requests, so it cannot be set in place.
 */
function withOrigin(ctx: AuthContext, request: FastifyRequest): AuthContext {
  return { ...ctx, origin: originOf(request) }
}

/** Where a request came from, for the audit trail: also for public routes that record a change (federated sign-ins). */
export function originOf(request: FastifyRequest): RequestOrigin {
  return { requestId: request.id, sourceIp: request.ip, userAgent: userAgentOf(request) }
}

/**
 * Browsers forbid scripts to set User-Agent, so the web console names itself in
 * `X-Projectplane-Client: console/<version>`; the trail records it as the product token in front
 * of the browser's own agent (`projectplane-console/0.1.0 Mozilla/5.0 …`), which makes its
 * trace type `ConsoleAction`. It proves nothing, like any User-Agent.
 */
function userAgentOf(request: FastifyRequest): string {
  const userAgent = typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : ''
  const client = request.headers['x-projectplane-client']
  return typeof client === 'string' && /^console\/[\w.+-]{1,32}$/.test(client) ? `projectplane-${client} ${userAgent}`.trimEnd() : userAgent
}
