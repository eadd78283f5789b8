/**
 * @module The Fastify instance every service mounts on, with what all of them share: request
 * ids, error rendering in each service's format (also for refusals made before routing), logs,
 * metrics, fault injection, the closing flag, and the route registry. Authentication, the body
 * parser and the routes are added by `buildApp`.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { createErrorResponder, MAX_PARAM_LENGTH, type ErrorRenderer } from './error-handler.js'
import type { ServiceName } from './fastify-types.js'
import { FaultInjector, installFaultInjection } from './fault-injection.js'
import { BODY_LIMIT_BYTES } from './json-body.js'
import { LazyValidators } from './lazy-validators.js'
import { installRequestMetrics, Metrics } from './metrics.js'
import { installProtocolChecks, PROTOCOL_SERVER_OPTIONS } from './protocol-checks.js'
import { newRequestId, setRequestIdHeaders } from './request-id.js'
import { appLogger } from './request-logger.js'
import { RouteRegistry } from './route-registry.js'
import { serviceForPath } from './service-for-path.js'

export interface HttpApp {
  app: FastifyInstance
  registry: RouteRegistry
  /** Set only when fault injection is configured. */
  faults: FaultInjector | undefined
  /** Set only when metrics are on. */
  metrics: Metrics | undefined
  /** Whether every request writes a summary line (info and below). */
  perRequestLogger: boolean
  isClosing(): boolean
  /** Compiles the request validators no request has needed yet (lazy-validators.ts). */
  compileValidators(): Promise<void>
}

export interface HttpAppDeps {
  config: Config
  db: Db
  renderers: Record<ServiceName, ErrorRenderer>
  baseUrl(request: FastifyRequest): string
}

export function createHttpApp({ config, db, renderers, baseUrl }: HttpAppDeps): HttpApp {
  // At info and below every request writes a line, so a child logger bound to the request id
  // pays off; above, the request id is added to the few lines written instead.
  const perRequestLogger = ['info', 'debug', 'trace'].includes(config.logLevel)
  const registry = new RouteRegistry()
  const errors = createErrorResponder({
    renderers,
    unavailable: (error) => db.isUnavailable(error),
    serviceForUrl: (url) => serviceForPath(url.split('?')[0]!),
    methodsForPath: (path) => registry.methodsForPath(path),
    authenticateHeader: (request) => `Keystone uri="${baseUrl(request)}/v3"`,
    // Unknown routes and errors raised before a route's own hook still carry the ids.
    beforeSend: setRequestIdHeaders,
    logFields: (request) => (perRequestLogger ? {} : { reqId: request.id }),
    newRequestId,
  })

  const logger = appLogger(config)
  const validators = new LazyValidators()
  const app = Fastify({
    logger: logger.options,
    // A child logger per request cost ~1.5 % of a GET, wasted where no per-request line is written.
    ...(perRequestLogger ? {} : { childLoggerFactory: (logger: FastifyBaseLogger) => logger }),
    // Fastify's two lines per request give way to our one summary line (request-logger.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: newRequestId,
    // Source IPs in the audit trail and the logs: the client's, not the proxy's, behind trusted proxies.
    ...(config.trustProxy.length > 0 ? { trustProxy: [...config.trustProxy] } : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false, verbose: true } },
    schemaController: validators.schemaController,
    // Requests that arrive while closing get our own 503 (in the service's format, with request
    // ids) from the authentication hook, not Fastify's generic one.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Refusals Fastify makes before routing, and unparseable HTTP, in the service's format too.
    frameworkErrors: errors.frameworkErrors,
    clientErrorHandler: errors.clientErrorHandler,
    http: PROTOCOL_SERVER_OPTIONS,
  }).withTypeProvider<TypeBoxTypeProvider>()
  errors.install(app)
  // What Node would refuse on its own (empty bodies, or for CONNECT no answer at all) is refused
  // by the app, in the owning service's format.
  installProtocolChecks(app as unknown as FastifyInstance, app.server)
  app.server.on('connect', errors.connectHandler)
  // Off unless configured: then no hook exists and no request pays anything for it.
  const faults = config.faults ? new FaultInjector(config.faults.rules, { seed: config.faults.seed }) : undefined
  if (faults) installFaultInjection(app, { injector: faults, serviceForPath, beforeSend: setRequestIdHeaders })
  app.addHook('onClose', (_app, done) => {
    logger.close()
    done()
  })
  const metrics = config.metrics ? new Metrics() : undefined
  if (metrics) {
    installRequestMetrics(app, metrics, (path) => serviceForPath(path))
    db.onQuery(metrics.queryRecorder(db.dialect))
  }
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  registry.install(app)
  return {
    app: app as unknown as FastifyInstance, registry, faults, metrics, perRequestLogger,
    isClosing: () => closing, compileValidators: () => validators.compileAll(),
  }
}
