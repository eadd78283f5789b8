/**
 * @module `buildApp()`: the one wiring point. Builds stores, services and routes by plain
 * constructor injection from a config and an open database; the server, the CLI and the tests
 * all call it. Shared concerns (request ids, JSON bodies, authentication and policy, errors)
 * are installed here once for every service.
 */
import { randomBytes } from 'node:crypto'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import type { Db } from './db/database.js'
import { flavourFor } from './flavours.js'
import { Policy } from './auth/policy.js'
import { IAM_POLICIES } from './auth/policies/iam.js'
import { EPS_POLICIES } from './auth/policies/eps.js'
import { COC_POLICIES } from './auth/policies/coc.js'
import { PROJECTPLANE_POLICIES } from './auth/policies/projectplane.js'
import { CTS_POLICIES } from './auth/policies/cts.js'
import { newTokenKeySecret, TokenCodec } from './auth/token-codec.js'
import { MalformedJsonError, ServiceUnavailableError, ValidationError } from './errors/app-error.js'
import secureJson from 'secure-json-parse'
import { createErrorResponder, MAX_PARAM_LENGTH } from './http/error-handler.js'
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './http/json-depth.js'
import { appLogger, installRequestSummary } from './http/request-logger.js'
import { installRequestMetrics, Metrics } from './http/metrics.js'
import { healthRoutes } from './http/health-routes.js'
import { readMigrations } from './db/migrate.js'
import type { ServiceName } from './http/fastify-types.js'
import './http/fastify-types.js'
import { SqlIamStore } from './services/iam/store-sql.js'
import { IamService } from './services/iam/service.js'
import { isoMicros, SYSTEM_CLOCK, type Clock } from './shared/clock.js'
import { CREDENTIAL_KEY_ID, PRIMARY_TOKEN_KEY_ID } from './shared/well-known-ids.js'
import { IamWire, renderIamError } from './services/iam/wire.js'
import { renderEpsError } from './services/eps/wire.js'
import { SqlEpsStore } from './services/eps/store-sql.js'
import { EpsService } from './services/eps/service.js'
import { epsRoutes, epsVersions } from './services/eps/routes.js'
import { renderCocError } from './services/coc/wire.js'
import { cocRoutes } from './services/coc/routes.js'
import { CocService } from './services/coc/service.js'
import { SqlCocStore } from './services/coc/store-sql.js'
import { renderCtsError } from './services/cts/wire.js'
import { ctsRoutes } from './services/cts/routes.js'
import { CtsService } from './services/cts/service.js'
import { SqlCtsStore } from './services/cts/store-sql.js'
import { iamRoutes } from './services/iam/routes.js'
import { AccessKeyAuthenticator } from './auth/access-key-auth.js'
import type { SignedRequest } from './auth/aksk-signature.js'
import type { AuthContext } from './auth/auth-context.js'
import { SecretBox } from './auth/secret-box.js'
import { CredentialService } from './services/iam/credential-service.js'
import { readBody } from './http/read-body.js'
import { IdentityService } from './services/iam/identity-service.js'
import { identityRoutes } from './services/iam/identity-routes.js'
import { RoleService } from './services/iam/role-service.js'
import { registerApiDocuments } from './http/openapi.js'
import { registerConsole } from './http/console-page.js'
import { FAULTS_PATH, FaultInjector, faultRoutes, installFaultInjection } from './http/fault-injection.js'

export const BODY_LIMIT_BYTES = 1024 * 1024
/** `/readyz`'s wait for the embedded store, which has no DATABASE_TIMEOUT_MS (its busy timeout is as long). */
const SQLITE_READY_TIMEOUT_MS = 5000
/** Fastify reads no body for these; a signed one is read by the authentication hook. */
const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD'])
const EMPTY_BODY = Buffer.alloc(0)

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
 * 32 hex characters: 16 random per process (so instances never collide) and a 16-digit counter.
 * Cheaper than drawing random bytes per request, and ids still never repeat.
 */
const REQUEST_ID_PREFIX = randomBytes(8).toString('hex')
let requestCounter = 0
function newRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(16, '0')
}

function setRequestIdHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id)
  reply.header('x-openstack-request-id', `req-${request.id}`)
}

/**
 * The caller plus where the request came from, for the audit trail. Only requests that may change
 * something pay for the copy: contexts are cached across requests, so it cannot be set in place.
 */
function withOrigin(ctx: AuthContext, request: FastifyRequest): AuthContext {
  return { ...ctx, origin: { requestId: request.id, sourceIp: request.ip, userAgent: userAgentOf(request) } }
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

export interface AppDeps {
  config: Config
  db: Db
  clock?: Clock
}

export interface RouteInfo { method: string; url: string; action: string | undefined; service: ServiceName | undefined }

/**
 * The service owning a URL no route matched, by prefix, so even a 404 speaks the service's
 * format. `/_projectplane/` is our admin API for EPS resources and answers as EPS does; the
 * fault injection API is the server's own and answers as IAM does, registered or not.
 */
export function serviceForPath(path: string): ServiceName {
  if (path.startsWith('/v1/enterprise-project-collect')) return 'coc'
  if (path.startsWith(FAULTS_PATH)) return 'iam'
  if (/^\/(v1\.0|v1|v2|_projectplane)(\/|$)/.test(path)) return 'eps'
  return 'iam'
}

export interface ProjectplaneApp {
  app: FastifyInstance
  /** Every registered route with its policy action; the policy-coverage test walks it. */
  routes: RouteInfo[]
  policy: Policy
  /** A token of the account's administrator, minted without a password, for the `projectplane` command. */
  issueOperatorToken(accountId: string): Promise<string>
}

export async function buildApp({ config, db, clock = SYSTEM_CLOCK }: AppDeps): Promise<ProjectplaneApp> {
  const flavour = flavourFor(config.flavour)
  const policy = new Policy(flavour, { iam: [...IAM_POLICIES, ...PROJECTPLANE_POLICIES], eps: EPS_POLICIES, coc: COC_POLICIES, cts: CTS_POLICIES })
  const iamStore = new SqlIamStore(db)
  await iamStore.ensureTokenKey({ id: PRIMARY_TOKEN_KEY_ID, secret: newTokenKeySecret(), created_at: isoMicros(clock.now()) })
  await iamStore.ensureTokenKey({ id: CREDENTIAL_KEY_ID, secret: newTokenKeySecret(), created_at: isoMicros(clock.now()) })
  const storedKeys = await iamStore.listTokenKeys()
  const codec = new TokenCodec(storedKeys.filter((k) => k.id !== CREDENTIAL_KEY_ID).map((k) => ({ id: k.id, secret: Buffer.from(k.secret, 'base64') })))
  const secretBox = new SecretBox(Buffer.from(storedKeys.find((k) => k.id === CREDENTIAL_KEY_ID)!.secret, 'base64'))
  // Every change that can alter a caller (revocation, disabled user, grant, policy) drops the
  // cached callers here and, through the store, on every other instance sharing it.
  const iamService = new IamService(iamStore, flavour, policy, codec, clock, config.tokenTtlSeconds, { lockout: config.lockout }, () => {
    accessKeys.clear()
    db.announceChange()
  })
  const invalidateAuthCache = () => iamService.invalidateAuthCache()
  const credentialService = new CredentialService({ store: iamStore, clock, policy, box: secretBox, invalidateAuthCache })
  const accessKeys = new AccessKeyAuthenticator({
    signingKey: (access) => credentialService.signingKey(access),
    contextFor: (userId, domainId, auditId) => iamService.accessKeyContext(userId, domainId, auditId),
    projectInAccount: (projectId, accountId) => iamService.projectInAccount(projectId, accountId),
    markUsed: (access) => credentialService.markUsed(access),
    now: () => clock.now(),
  })
  db.onChangeElsewhere(() => {
    iamService.dropCachedCallers()
    accessKeys.clear()
  })
  const identityService = new IdentityService({ store: iamStore, clock, passwordPolicy: config.passwordPolicy, invalidateAuthCache })
  const epsStore = new SqlEpsStore(db)
  const roleService = new RoleService({
    store: iamStore, clock, roleTypesRestrictGrants: flavour.iam.roleTypesRestrictGrants, invalidateAuthCache,
    enterpriseProjectExists: async (accountId, id) => (await epsStore.findEnterpriseProject(accountId, id)) !== undefined,
  })

  const baseUrl = (request: FastifyRequest) => config.publicUrl ?? `${request.protocol}://${request.host}`
  // At info and below every request writes a line, so a child logger bound to the request id
  // pays off; above, the request id is added to the few lines written instead.
  const perRequestLogger = ['info', 'debug', 'trace'].includes(config.logLevel)
  /** Path patterns of the registered routes, to tell 405 from 404. */
  const routePatterns: { regex: RegExp; method: string }[] = []
  const renderers = { iam: renderIamError, eps: renderEpsError, coc: renderCocError, cts: renderCtsError }
  const errors = createErrorResponder({
    renderers,
    unavailable: (error) => db.isUnavailable(error),
    serviceForUrl: (url) => serviceForPath(url.split('?')[0]!),
    methodsForPath: (path) => [...new Set(routePatterns.filter((r) => r.regex.test(path)).map((r) => r.method))],
    authenticateHeader: (request) => `Keystone uri="${baseUrl(request)}/v3"`,
    // Unknown routes and errors raised before a route's own hook still carry the ids.
    beforeSend: setRequestIdHeaders,
    logFields: (request) => (perRequestLogger ? {} : { reqId: request.id }),
    newRequestId,
  })

  const logger = appLogger(config)
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
    // Requests that arrive while closing get our own 503 (in the service's format, with request
    // ids) from the route hook below, not Fastify's generic one.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Refusals Fastify makes before routing, and unparseable HTTP, in the service's format too.
    frameworkErrors: errors.frameworkErrors,
    clientErrorHandler: errors.clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>()
  errors.install(app)
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

  const routes: RouteInfo[] = []
  app.addHook('onRoute', (route) => {
    const action = route.config?.action
    const regex = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+')}/?$`)
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, action, service: route.config?.service })
      routePatterns.push({ regex, method })
    }
    // A route without a rule in the policy tables must not exist: refuse to build.
    const entry = action ? policy.entry(action) : undefined
    if (!action || !entry) throw new Error(`route ${String(route.method)} ${route.url} has no policy action`)
    // Authenticate and enforce before the body is even parsed: a stranger learns nothing about
    // what the body should look like, and a big body from one is never read. The hook is bound
    // to the route's action here, so no request pays for looking it up.
    const enforce = (request: FastifyRequest) => {
      if (entry.enforcedBy === 'service') return
      const params = request.params as Record<string, string | undefined> | undefined
      policy.enforce(request.auth, action, {
        userId: params?.user_id,
        enterpriseProjectId: entry.enterpriseProjectScoped ? params?.enterprise_project_id : undefined,
      })
    }
    const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
      setRequestIdHeaders(request, reply)
      if (closing) {
        // A request on a kept-alive connection after SIGTERM: refused, and the connection ends.
        reply.header('connection', 'close')
        throw new ServiceUnavailableError()
      }
      if (entry.rule !== 'public') {
        const pending = request.headers.authorization === undefined
          ? undefined
          : await accessKeys.prepare(request.headers.authorization, request.headers['x-security-token'] as string | undefined)
        if (pending) {
          // The signature covers the body: where Fastify parses one, verify once it has been read.
          if (!BODYLESS_METHODS.has(request.method)) {
            request.pendingSignature = pending
            return
          }
          request.auth = await accessKeys.authenticate(signedRequest(request, await readBody(request.raw, BODY_LIMIT_BYTES)), pending)
        } else {
          const ctx = await iamService.authenticate(request.headers['x-auth-token'] as string | undefined)
          request.auth = BODYLESS_METHODS.has(request.method) ? ctx : withOrigin(ctx, request)
        }
      }
      enforce(request)
    }
    const verifySignedBody = async (request: FastifyRequest) => {
      if (!request.pendingSignature) return
      request.auth = withOrigin(await accessKeys.authenticate(signedRequest(request, request.rawBody ?? EMPTY_BODY), request.pendingSignature), request)
      enforce(request)
    }
    if (!BODYLESS_METHODS.has([route.method].flat()[0]!)) {
      route.preValidation = [verifySignedBody, ...(route.preValidation ? [route.preValidation].flat() : [])]
    }
    route.onRequest = [authorize, ...(route.onRequest ? [route.onRequest].flat() : [])]
  })
  // Right after the route hook, before any route: the document collects routes as they register.
  await registerApiDocuments(app, {
    policy, flavour: config.flavour, renderers,
    serviceFor: (url, service) => service ?? serviceForPath(url),
  })

  // JSON bodies only, with any parameters (`application/json;charset=utf8` as the docs send it);
  // every other media type is refused in the service's error format.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (request, raw, done) => {
    // Kept as received: an access-key signature covers these exact bytes.
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

  if (perRequestLogger) installRequestSummary(app)

  if (faults) {
    // Faults hit every account, so the server's operator alone may change them: keystone's
    // system admin; on the clouds, an admin of the account the first start created.
    let operatorAccountId: string | undefined
    await app.register(faultRoutes({
      injector: faults,
      isOperator: async (ctx) => {
        if (ctx.systemAdmin) return true
        if (!flavour.firstAccountOperates || ctx.accountId === undefined) return false
        operatorAccountId ??= (await iamStore.listDomains({})).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))[0]?.id
        return ctx.accountId === operatorAccountId
      },
    }))
  }

  await app.register(healthRoutes({
    db, metrics, knownMigrations: readMigrations(db.dialect).map((m) => m.version),
    timeoutMs: config.database?.timeoutMs ?? SQLITE_READY_TIMEOUT_MS,
  }))
  registerConsole(app, config.consoleDir)
  const wire = new IamWire(flavour)
  await app.register(iamRoutes({ service: iamService, wire, baseUrl, ...(flavour.eps ? { epsVersions } : {}) }))
  await app.register(identityRoutes({
    identity: identityService, roles: roleService, credentials: credentialService, store: iamStore, wire, baseUrl,
    checkToken: (token) => iamService.authenticate(token),
  }))
  if (flavour.eps) {
    const epsService = new EpsService({
      store: epsStore, flavour: flavour.eps, policy, clock, quota: config.enterpriseProjectQuota, invalidateAuthCache,
      listRegionIds: async () => (await iamStore.listRegions()).map((r) => r.id),
      findProject: (accountId, projectId) => iamService.findProjectInAccount(projectId, accountId),
    })
    await app.register(epsRoutes({ service: epsService, flavour: flavour.eps, baseUrl }))
  }
  // COC exists on Huawei Cloud only; elsewhere its paths answer COC's 404.
  if (flavour.coc) await app.register(cocRoutes({ service: new CocService({ store: new SqlCocStore(db), clock }) }))
  await app.register(ctsRoutes({
    service: new CtsService({ store: new SqlCtsStore(db), clock, projectInAccount: (projectId, accountId) => iamService.projectInAccount(projectId, accountId) }),
  }))
  await app.ready()
  return { app, routes, policy, issueOperatorToken: (accountId) => iamService.issueOperatorToken(accountId) }
}
