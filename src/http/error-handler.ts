/**
 * @module Renders every failure in one place, in the wire format of the service that owns the
 * URL. Anything that is not an AppError becomes one first: schema failures and bad JSON a 400,
 * an oversized body a 413, the unknown a 500 with the request id (and its stack in the log only).
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  AppError, InternalError, MalformedJsonError, MethodNotAllowedError, MissingAttributeError, PayloadTooLargeError, RouteNotFoundError, ServiceUnavailableError, ValidationError,
} from '../errors/app-error.js'

/** Longest path parameter routed; a longer one is refused before routing. */
export const MAX_PARAM_LENGTH = 512
import { validationMessage } from './validation-message.js'
import { REDACTED } from './request-logger.js'
import type { ServiceName } from './fastify-types.js'
import { HeadersTooLargeError, RequestTimeoutError, UnparsableHttpError } from './protocol-errors.js'
import { drainUnreadBody, hasUnreadBody } from './unread-body.js'

/** A service's wire form of an error: its status (EPS answers some 4xx differently) and body. */
export type ErrorRenderer = (error: AppError, requestId: string, format?: 'flat') => { status: number; body: unknown }

export interface ErrorHandlingOptions {
  renderers: Record<ServiceName, ErrorRenderer>
  /** The service owning a URL that matched no route (its prefix decides). */
  serviceForUrl(url: string): ServiceName
  /** The registered methods for a path, to tell 405 from 404. */
  methodsForPath(path: string): string[]
  /** The `WWW-Authenticate` value for 401s, as Keystone sends it. */
  authenticateHeader(request: FastifyRequest): string
  /** Headers every answer carries (request ids), set here for answers no route hook made. */
  beforeSend(request: FastifyRequest, reply: FastifyReply): void
  /** Fields that identify the request in a log line, when the request's logger does not bind them. */
  logFields(request: FastifyRequest): Record<string, unknown>
  /** A fresh request id, for answers to HTTP that never became a request. */
  newRequestId(): string
  /** Whether a failure means the database is out of reach for now (503, worth a retry) rather than a bug. */
  unavailable(error: unknown): boolean
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  const e = error as FastifyError
  if (e.validation && e.validation.length > 0) {
    const first = e.validation[0]!
    const field = first.instancePath.split('/')[1] || String((first.params as { missingProperty?: unknown }).missingProperty ?? '')
    // The field lets a service pick its own code for it (EPS: a bad `name` is EPS.0007).
    return new ValidationError(validationMessage(first, e.validationContext ?? 'body'), { field, keyword: first.keyword, context: e.validationContext ?? 'body', path: first.instancePath })
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError()
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MissingAttributeError('application/json', 'Content-Type header')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ValidationError('The Content-Length header does not match the length of the request body.')
    case 'FST_ERR_BAD_URL':
      return new ValidationError('The request URL is not valid: it contains a malformed percent-encoding.')
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ValidationError(`The request URL is not valid: a path segment is longer than ${MAX_PARAM_LENGTH} characters.`)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new MalformedJsonError()
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ValidationError(e.message)
  }
  return new InternalError({ cause: error })
}

/**
 * What the log says about a refusal. A schema failure's message quotes the value that failed (a
 * password too short, a whole auth object that matches no schema), so its line names the field
 * and the rule instead; the client still gets the full message.
 */
function loggableReason(error: AppError): string {
  const { keyword, path, context } = error.details
  if (keyword === undefined) return error.message
  return `Invalid input in the ${String(context)} at '${String(path) || '/'}': fails '${String(keyword)}'`
}

/** Request headers whose values are credentials. */
const CREDENTIAL_HEADERS = ['x-auth-token', 'x-subject-token', 'x-security-token', 'authorization'] as const
/** Body fields whose string values are credentials (`token` is token auth's `{"token": {"id": …}}`). */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['password', 'original_password', 'secret', 'securitytoken', 'id'])
/** Bounds the walk of a body for credentials (errors only, but a body may be 1 MiB). */
const CREDENTIAL_WALK = { depth: 6, fields: 500 }

function bodyCredentials(body: unknown, into: string[], budget = { fields: CREDENTIAL_WALK.fields }, depth = 0, inToken = false): void {
  if (typeof body !== 'object' || body === null || depth > CREDENTIAL_WALK.depth) return
  for (const [key, value] of Object.entries(body)) {
    if (--budget.fields < 0) return
    if (typeof value === 'string') {
      if (value !== '' && CREDENTIAL_FIELDS.has(key) && (key !== 'id' || inToken)) into.push(value)
    } else bodyCredentials(value, into, budget, depth + 1, key === 'token')
  }
}

/**
 * A request's credentials, to keep out of its log lines: an error message may quote one, as
 * Keystone's "Could not find token: <token>." does (the client gets that message; the log must not).
 */
function requestCredentials(request: FastifyRequest): string[] {
  const values: string[] = []
  for (const name of CREDENTIAL_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string' && value !== '') values.push(value)
  }
  const signature = /Signature=([^,\s]+)/.exec(request.headers.authorization ?? '')?.[1]
  if (signature) values.push(signature)
  bodyCredentials(request.body, values)
  return values
}

/** Shorter values (a keystone test password 'a') would garble every word they occur in. */
const MIN_SCRUBBED_LENGTH = 4

function scrub(text: string, credentials: readonly string[]): string {
  for (const credential of credentials) {
    if (credential.length >= MIN_SCRUBBED_LENGTH && text.includes(credential)) text = text.split(credential).join(REDACTED)
  }
  return text
}

/** The error as logged: as it is, unless its message or stack quotes one of the request's credentials. */
function loggableError(error: unknown, credentials: readonly string[]): unknown {
  if (!(error instanceof Error) || credentials.length === 0) return error
  const message = scrub(error.message, credentials)
  const stack = scrub(error.stack ?? '', credentials)
  return message === error.message && stack === (error.stack ?? '') ? error : { type: error.name, message, stack }
}

export interface ErrorResponder {
  /** Installs the error and not-found handlers on the app. */
  install(app: FastifyInstance): void
  /** Fastify's `frameworkErrors`: bad URLs and over-long parameters, refused before routing. */
  frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void
  /** Fastify's `clientErrorHandler`: HTTP that cannot be parsed at all (no request exists). */
  clientErrorHandler(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void
  /** The server's `connect` event: CONNECT, which no route serves (this server is no proxy). */
  connectHandler(request: IncomingMessage, socket: Duplex): void
}

/** How much of an unparsable request is looked at for its method and path. */
const REQUEST_LINE_PEEK = 2048

/**
 * The method and target of HTTP that failed to parse, when the chunk Node was parsing shows its
 * request line. `head` is true unless the request is known not to be a HEAD: a HEAD's answer must
 * not carry a body, and when the request line is out of sight (it came in an earlier chunk)
 * only a body-less answer is right whatever the method was.
 */
function unparsedRequest(rawPacket: unknown): { head: boolean; target: string | undefined } {
  if (!Buffer.isBuffer(rawPacket)) return { head: true, target: undefined }
  const line = /^([A-Z]+) (\S+)/.exec(rawPacket.subarray(0, REQUEST_LINE_PEEK).toString('latin1'))
  if (!line) return { head: true, target: undefined }
  // A pipelined HEAD later in the same chunk may be the request that failed.
  return { head: line[1] === 'HEAD' || rawPacket.includes('\nHEAD '), target: line[2] }
}

export function createErrorResponder(options: ErrorHandlingOptions): ErrorResponder {
  const send = (request: FastifyRequest, reply: FastifyReply, error: AppError) => {
    options.beforeSend(request, reply)
    const service = request.routeOptions.config?.service ?? options.serviceForUrl(request.url)
    const credentials = requestCredentials(request)
    const fields = { ...options.logFields(request), code: error.code, reason: scrub(loggableReason(error), credentials) }
    // An outage fails every request alike: one line each, without a stack that says nothing new.
    if (error instanceof ServiceUnavailableError) {
      const cause = (error.cause as Error | undefined)?.message
      request.log.warn({ ...fields, cause: cause === undefined ? undefined : scrub(cause, credentials) }, 'request failed: database unavailable')
    } else if (error.status >= 500) request.log.error({ ...fields, err: loggableError(error.cause ?? error, credentials) }, 'request failed')
    else if (error.status === 401 || error.status === 403) request.log.warn(fields, 'request refused')
    else request.log.debug(fields, 'request rejected')
    if (error.status === 401) reply.header('www-authenticate', options.authenticateHeader(request))
    if (error instanceof MethodNotAllowedError) reply.header('allow', error.allowed.join(', '))
    const rendered = options.renderers[service](error, request.id, request.routeOptions.config?.errorFormat)
    // A body still coming would be cut off by a close; read to its end instead (unread-body.ts).
    if (hasUnreadBody(request.raw)) {
      reply.removeHeader('connection')
      drainUnreadBody(request.raw)
    }
    return reply.status(rendered.status).type('application/json').send(rendered.body)
  }
  /**
   * An answer to HTTP that never became a request (so no Fastify reply exists), written on the
   * socket, which is then closed. It still speaks the format of the service its path names.
   */
  const writeRaw = (socket: Duplex, error: AppError, how: { target: string | undefined; head: boolean; headers?: string }) => {
    const service = how.target?.startsWith('/') ? options.serviceForUrl(how.target) : 'iam'
    const id = options.newRequestId()
    const rendered = options.renderers[service](error, id)
    const body = JSON.stringify(rendered.body)
    // A HEAD's answer states the length its GET's body would have, and sends none.
    socket.end(
      `HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${id}\r\nX-Openstack-Request-Id: req-${id}\r\n${how.headers ?? ''}Connection: close\r\n\r\n${how.head ? '' : body}`,
    )
  }
  return {
    install(app) {
      app.setErrorHandler((error, request, reply) => {
      if (!(error instanceof AppError) && options.unavailable(error)) {
        reply.header('retry-after', '1')
        return send(request, reply, new ServiceUnavailableError({ cause: error }))
      }
      return send(request, reply, toAppError(error))
    })
      app.setNotFoundHandler((request, reply) => {
        const methods = options.methodsForPath(request.url.split('?')[0]!)
        return send(request, reply, methods.length > 0 ? new MethodNotAllowedError(methods) : new RouteNotFoundError())
      })
    },
    frameworkErrors: (error, request, reply) => void send(request, reply, toAppError(error)),
    clientErrorHandler(error, socket) {
      // Nothing can be written to a reset or destroyed connection.
      if (error.code === 'ECONNRESET' || socket.destroyed) return
      const failure = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? new RequestTimeoutError()
        : error.code === 'HPE_HEADER_OVERFLOW' ? new HeadersTooLargeError()
        : new UnparsableHttpError()
      const { head, target } = unparsedRequest(error.rawPacket)
      writeRaw(socket, failure, { target, head })
    },
    connectHandler(request, socket) {
      const target = request.url ?? ''
      const allowed = target.startsWith('/') ? options.methodsForPath(target.split('?')[0]!) : []
      writeRaw(socket, new MethodNotAllowedError(allowed), { target, head: false, headers: `Allow: ${allowed.join(', ')}\r\n` })
    },
  }
}
