/**
 * @module Fault injection for client testing: rules that delay matching requests and/or answer
 * them with a chosen error, with a probability, optionally only for the next N matches. Opt-in
 * (`FAULTS`, `FAULTS_FILE`, `FAULT_INJECTION=1`): when off, `buildApp` registers nothing and no
 * request pays for it. Rules apply in an `onRequest` hook that runs before authentication, as a
 * gateway's throttling or outage would: the client gets the fault whatever its credentials.
 *
 * Errors without a body of their own are AppErrors rendered by the error handler through the
 * owning service's wire.ts, so they look exactly as that service's other errors do.
 */
import { STATUS_CODES } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AppError, ForbiddenError, InternalError, RouteNotFoundError, ServiceCodedError, ServiceUnavailableError, UnauthorizedError, ValidationError,
} from '../errors/app-error.js'
import type { AuthContext } from '../auth/auth-context.js'
import type { ServiceName } from './fastify-types.js'
import { FAULT_METHODS, FaultRuleError, isObject, parseFaultRules, type FaultErrorSpec, type FaultRule } from '../config/fault-rules.js'

/** The runtime admin API; like the operational routes below, never faulted itself. */
export const FAULTS_PATH = '/_projectplane/faults'
/** The operator API (src/state/operator/): accounts and the state document over HTTP. */
export const OPERATOR_ACCOUNTS_PATH = '/_projectplane/accounts'
export const OPERATOR_STATE_PATH = '/_projectplane/state'
/** Path prefixes faults never touch: the admin APIs and the health, readiness and metrics routes. */
const EXEMPT_PREFIXES = [FAULTS_PATH, OPERATOR_ACCOUNTS_PATH, OPERATOR_STATE_PATH, '/healthz', '/readyz', '/metrics'] as const
/** Statuses a client is told when to come back; `1` as the store-outage 503 says. */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503])

/** Compiles a path pattern once into a RegExp; the router ignores a trailing slash, so does this. */
export function compilePathPattern(pattern: string): RegExp {
  const segments = pattern.replace(/\/+$/, '').split('/').slice(1)
  const body = segments.map((segment) => {
    if (segment === '**') return '(?:/.*)?'
    if (segment.startsWith(':') && segment.length > 1) return '/[^/]+'
    return `/${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}`
  }).join('')
  return new RegExp(`^${body}/?$`)
}

/** mulberry32: tiny, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface CompiledRule {
  readonly spec: FaultRule
  readonly index: number
  /** What `X-Projectplane-Fault` and the log line call it: its name, else its index. */
  readonly label: string
  readonly methods: ReadonlySet<string> | undefined
  readonly path: RegExp
  remaining: number | undefined
  injected: number
}

/** A rule as the admin API shows it: the rule, and what it has done so far. */
export type FaultRuleView = FaultRule & { readonly injected: number; readonly remaining?: number }

export interface InjectedFault {
  readonly index: number
  readonly label: string
  readonly latencyMs: number
  readonly error: FaultErrorSpec | undefined
}

/**
 * The rule list and its state (counters, PRNG). Rules are tried in order; the first that matches
 * and fires (by its probability) applies, the others are not consulted. Only rules with a
 * probability strictly between 0 and 1 draw from the PRNG, so a seeded run gives the same faults
 * for the same sequence of requests.
 */
export class FaultInjector {
  private rules: CompiledRule[] = []
  /** The rules that can apply to each method, in order, so a request only looks at those. */
  private byMethod = new Map<string, CompiledRule[]>()
  private anyMethod: CompiledRule[] = []
  private random: () => number

  constructor(rules: readonly FaultRule[], private readonly options: { seed?: number | undefined; random?: () => number } = {}) {
    this.random = this.newRandom()
    this.replace(rules)
  }

  /** Replaces every rule; counters start again, and a seeded PRNG restarts from its seed. */
  replace(rules: readonly FaultRule[]): void {
    this.random = this.newRandom()
    this.rules = rules.map((spec, index) => ({
      spec, index, label: spec.name ?? String(index),
      methods: spec.method === '*' ? undefined : new Set(spec.method),
      path: compilePathPattern(spec.path),
      remaining: spec.times,
      injected: 0,
    }))
    this.anyMethod = this.rules.filter((r) => r.methods === undefined)
    this.byMethod = new Map(FAULT_METHODS.map((m) => [m, this.rules.filter((r) => r.methods === undefined || r.methods.has(m))]))
  }

  list(): FaultRuleView[] {
    return this.rules.map((r) => ({ ...r.spec, injected: r.injected, ...(r.remaining === undefined ? {} : { remaining: r.remaining }) }))
  }

  /** The fault for this request, if any; counts it against the rule's `times`. */
  decide(method: string, path: string): InjectedFault | undefined {
    const rules = this.byMethod.get(method) ?? this.anyMethod
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!
      if (rule.remaining === 0 || !rule.path.test(path)) continue
      const p = rule.spec.probability
      if (p < 1 && (p === 0 || this.random() >= p)) continue
      if (rule.remaining !== undefined) rule.remaining--
      rule.injected++
      return { index: rule.index, label: rule.label, latencyMs: this.latency(rule.spec.latency_ms), error: rule.spec.error }
    }
    return undefined
  }

  private latency(spec: FaultRule['latency_ms']): number {
    if (spec === undefined) return 0
    if (typeof spec === 'number') return spec
    return spec[0] + Math.floor(this.random() * (spec[1] - spec[0] + 1))
  }

  private newRandom(): () => number {
    return this.options.random ?? (this.options.seed === undefined ? Math.random : seededRandom(this.options.seed))
  }
}

/** Texts for statuses with no AppError of their own; IAM shows them as Keystone shows any error. */
const FAULT_MESSAGES: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  429: 'Too many requests. Please retry later.',
  502: 'The server received an invalid response from an upstream server.',
  504: 'The upstream server did not answer in time.',
}

/** An injected status no other AppError stands for (429, 502, 504, …). */
export class InjectedFaultError extends AppError {
  readonly code = 'injected_fault'
  constructor(readonly status: number) {
    super(FAULT_MESSAGES[status] ?? `${STATUS_CODES[status] ?? 'Error'}.`)
  }
}

/**
 * The error a service would answer with for `status`. Where the service has its own (401, 403,
 * 404, 500, 503), that one. The coded services (EPS, COC) have no code for throttling or a
 * timed-out backend: on Huawei Cloud those answers come from the API gateway in the same
 * `{error_code, error_msg}` shape, so they carry its documented codes (APIG.0308, APIG.0203).
 * Anything else renders as the service renders any error of that status (coded-errors.ts keeps
 * a 502 a 502 under the system-error code).
 */
export function serviceErrorFor(status: number, service: ServiceName): AppError {
  switch (status) {
    case 401: return new UnauthorizedError()
    case 403: return new ForbiddenError()
    case 404: return new RouteNotFoundError()
    case 500: return new InternalError()
    case 503: return new ServiceUnavailableError()
  }
  if (service !== 'iam' && status === 429) {
    return new ServiceCodedError(429, 'APIG.0308', 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute')
  }
  if (service !== 'iam' && status === 504) return new ServiceCodedError(504, 'APIG.0203', 'Backend timeout.')
  return new InjectedFaultError(status)
}

function isExempt(path: string): boolean {
  for (const prefix of EXEMPT_PREFIXES) if (path.startsWith(prefix)) return true
  return false
}

export interface FaultHookDeps {
  injector: FaultInjector
  /** The service whose format an error takes, for a URL no route matched. */
  serviceForPath(path: string): ServiceName
  /** Headers every answer carries (request ids), for answers with a rule's own body. */
  beforeSend(request: FastifyRequest, reply: FastifyReply): void
}

/**
 * Installs the hook on the whole app, ahead of every route's authentication hook (Fastify runs
 * app-level `onRequest` hooks first), and for unknown URLs too, as a gateway would.
 */
export function installFaultInjection(app: FastifyInstance, { injector, serviceForPath, beforeSend }: FaultHookDeps): void {
  app.addHook('onRequest', async (request, reply) => {
    const url = request.url
    const cut = url.indexOf('?')
    const path = cut < 0 ? url : url.slice(0, cut)
    if (isExempt(path)) return
    const fault = injector.decide(request.method, path)
    if (!fault) return
    reply.header('x-projectplane-fault', fault.label)
    request.log.info({ rule: fault.index, fault: fault.label, status: fault.error?.status, latencyMs: fault.latencyMs }, 'fault injected')
    if (fault.latencyMs > 0) await sleep(fault.latencyMs)
    const error = fault.error
    if (!error) return
    const headers = { ...(RETRY_AFTER_STATUSES.has(error.status) ? { 'retry-after': '1' } : {}), ...error.headers }
    for (const [name, value] of Object.entries(headers)) if (value !== null) reply.header(name, value)
    if (error.body === undefined) throw serviceErrorFor(error.status, request.routeOptions.config?.service ?? serviceForPath(path))
    beforeSend(request, reply)
    const text = typeof error.body === 'string'
    if (!reply.hasHeader('content-type')) reply.type(text ? 'text/plain; charset=utf-8' : 'application/json')
    return reply.code(error.status).send(text ? error.body : JSON.stringify(error.body))
  })
}

export const FAULT_ACTIONS = { get: 'projectplane:get_faults', update: 'projectplane:update_faults', delete: 'projectplane:delete_faults' } as const

export interface FaultRoutesDeps {
  injector: FaultInjector
  /**
   * Who may change faults beyond what the action's policy says: faults hit every account on the
   * server, so only its operator (see docs/decisions.md).
   */
  isOperator(ctx: AuthContext): Promise<boolean>
}

/** `GET/PUT/DELETE /_projectplane/faults`: registered only when fault injection is enabled. */
export function faultRoutes({ injector, isOperator }: FaultRoutesDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const operator = async (request: FastifyRequest, action: string) => {
      if (!request.auth) throw new UnauthorizedError()
      if (!(await isOperator(request.auth))) throw new ForbiddenError(action)
    }
    const config = (action: string) => ({ service: 'iam' as const, action })

    app.get(FAULTS_PATH, { config: config(FAULT_ACTIONS.get) }, async (request) => {
      await operator(request, FAULT_ACTIONS.get)
      return { faults: injector.list() }
    })

    app.put(FAULTS_PATH, { config: config(FAULT_ACTIONS.update) }, async (request) => {
      await operator(request, FAULT_ACTIONS.update)
      const body = request.body
      if (!isObject(body) || !('faults' in body)) throw new ValidationError('The request body must be {"faults": [rules]}.')
      const extra = Object.keys(body).find((k) => k !== 'faults')
      if (extra !== undefined) throw new ValidationError(`${extra} is not a known field (faults)`)
      let rules
      try {
        rules = parseFaultRules(body.faults, 'faults')
      } catch (error) {
        if (error instanceof FaultRuleError) throw new ValidationError(error.message)
        throw error
      }
      injector.replace(rules)
      return { faults: injector.list() }
    })

    app.delete(FAULTS_PATH, { config: config(FAULT_ACTIONS.delete) }, async (request, reply) => {
      await operator(request, FAULT_ACTIONS.delete)
      injector.replace([])
      return reply.code(204).send()
    })
  }
}
