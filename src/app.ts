/**
 * @module `buildApp()`: the one wiring point. Builds stores, services and routes by plain
 * constructor injection from a config and an open database; the server, the CLI and the tests
 * all call it. Shared concerns (request ids, JSON bodies, authentication and policy, errors)
 * are installed here once for every service.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from './config.js'
import type { Db } from './db/database.js'
import { readMigrations } from './db/migrate.js'
import { flavourFor } from './flavours.js'
import { Policy } from './auth/policy.js'
import { IAM_POLICIES } from './auth/policies/iam.js'
import { EPS_POLICIES } from './auth/policies/eps.js'
import { COC_POLICIES } from './auth/policies/coc.js'
import { PROJECTPLANE_POLICIES } from './auth/policies/projectplane.js'
import { CTS_POLICIES } from './auth/policies/cts.js'
import { installAuthentication } from './http/authenticate.js'
import { ApiAclRefusal } from './services/iam/security/service.js'
import { createHttpApp } from './http/http-app.js'
import { installJsonBodyParser } from './http/json-body.js'
import { installRequestSummary } from './http/request-logger.js'
import type { RouteInfo } from './http/route-registry.js'
import { serviceForPath } from './http/service-for-path.js'
import { healthRoutes } from './http/health-routes.js'
import { registerApiDocuments } from './http/openapi.js'
import { registerConsole } from './http/console-page.js'
import { registerConsoleSecurity } from './services/iam/console-security-routes.js'
import { faultRoutes } from './http/fault-injection.js'
import { OperatorService } from './state/operator/service.js'
import { SqlOperatorStore } from './state/operator/store-sql.js'
import { operatorRoutes } from './state/operator/routes.js'
import './http/fastify-types.js'
import { SYSTEM_CLOCK, type Clock } from './shared/clock.js'
import { buildIam } from './services/iam/build-iam.js'
import { renderIamError } from './services/iam/iam-wire.js'
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

export type { RouteInfo } from './http/route-registry.js'

/** `/readyz`'s wait for the embedded store, which has no DATABASE_TIMEOUT_MS (its busy timeout is as long). */
const SQLITE_READY_TIMEOUT_MS = 5000

export interface AppDeps {
  config: Config
  db: Db
  clock?: Clock
}

export interface ProjectplaneApp {
  app: FastifyInstance
  /** Every registered route with its policy action; the policy-coverage test walks it. */
  routes: RouteInfo[]
  policy: Policy
  /** A token of the account's administrator, minted without a password, for the `projectplane` command. */
  issueOperatorToken(accountId: string): Promise<string>
  /** Compiles every request validator now (they compile on first use otherwise). */
  compileValidators(): Promise<void>
}

export async function buildApp({ config, db, clock = SYSTEM_CLOCK }: AppDeps): Promise<ProjectplaneApp> {
  const flavour = flavourFor(config.flavour)
  const policy = new Policy(flavour, { iam: [...IAM_POLICIES, ...PROJECTPLANE_POLICIES], eps: EPS_POLICIES, coc: COC_POLICIES, cts: CTS_POLICIES })
  const epsStore = new SqlEpsStore(db)
  const iam = await buildIam({
    config, db, flavour, policy, clock,
    enterpriseProjectExists: async (accountId, id) => (await epsStore.findEnterpriseProject(accountId, id)) !== undefined,
  })
  const { accessKeys, invalidateAuthCache } = iam

  const baseUrl = (request: FastifyRequest) => config.publicUrl ?? `${request.protocol}://${request.host}`
  // A path of a service the flavour does not have (EPS and COC on plain Keystone, COC on OTC) is
  // just an unknown path of this server: it is refused in IAM's (Keystone's) format, as `/v3/nothing` is.
  const renderers = { iam: renderIamError, eps: flavour.eps ? renderEpsError : renderIamError, coc: flavour.coc ? renderCocError : renderIamError, cts: renderCtsError }
  const { app, registry, faults, metrics, perRequestLogger, isClosing, compileValidators } = createHttpApp({ config, db, renderers, baseUrl })
  installAuthentication(app, {
    policy, accessKeys, isClosing,
    authenticateToken: iam.authenticate,
    cachedCaller: iam.cachedCaller,
    // The account's API ACL (issue 18) covers every service's API; the server's own operator API is not a cloud's.
    gatewayRefusal: (ctx, request) => {
      if (request.url.startsWith('/_projectplane/')) return undefined
      const refusal = (error: unknown) => {
        if (!(error instanceof ApiAclRefusal)) throw error
        return { status: error.status, body: { error_msg: error.message, error_code: error.code, request_id: error.requestId } }
      }
      try {
        return iam.assertApiAclAllows(ctx, request.ip, request.id)?.then(() => undefined, refusal)
      } catch (error) {
        return refusal(error)
      }
    },
  })
  // Right after the route hook, before any route: the document collects routes as they register.
  await registerApiDocuments(app, {
    policy, flavour: config.flavour, renderers,
    serviceFor: (url, service) => service ?? serviceForPath(url),
  })

  installJsonBodyParser(app)

  if (perRequestLogger) installRequestSummary(app)

  // Faults and the operator API reach every account, so the server's operator alone may use
  // them: keystone's system admin; on the clouds, an admin of the oldest account (the first start's).
  const operator = new OperatorService({
    store: new SqlOperatorStore(db, flavour), db, flavour, flavourName: config.flavour, passwordPolicy: config.passwordPolicy, clock, invalidateAuthCache,
  })
  if (faults) await app.register(faultRoutes({ injector: faults, isOperator: (ctx) => operator.isOperator(ctx) }))
  await app.register(operatorRoutes({ service: operator, outbox: iam.outbox }))

  await app.register(healthRoutes({
    db, metrics, knownMigrations: readMigrations(db.dialect).map((m) => m.version),
    timeoutMs: config.database?.timeoutMs ?? SQLITE_READY_TIMEOUT_MS,
  }))
  registerConsole(app, config.consoleDir)
  registerConsoleSecurity(app, { console: iam.console, security: iam.security })
  await app.register(iam.routes({ baseUrl, ...(flavour.eps ? { epsVersions } : {}) }))
  if (flavour.eps) {
    const epsService = new EpsService({
      store: epsStore, flavour: flavour.eps, policy, clock, quota: config.enterpriseProjectQuota, invalidateAuthCache,
      listRegionIds: () => iam.listRegionIds(),
      findProject: (accountId, projectId) => iam.findProjectInAccount(projectId, accountId),
    })
    await app.register(epsRoutes({ service: epsService, flavour: flavour.eps, baseUrl }))
  }
  // COC exists on Huawei Cloud only; elsewhere its paths answer COC's 404.
  if (flavour.coc) await app.register(cocRoutes({ service: new CocService({ store: new SqlCocStore(db), clock }) }))
  await app.register(ctsRoutes({
    service: new CtsService({ store: new SqlCtsStore(db), clock, projectInAccount: (projectId, accountId) => iam.projectInAccount(projectId, accountId) }),
  }))
  await app.ready()
  return { app, routes: registry.routes, policy, issueOperatorToken: (accountId) => iam.issueOperatorToken(accountId), compileValidators }
}
