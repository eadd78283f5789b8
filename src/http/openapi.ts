/**
 * @module The OpenAPI 3.1 document of every route this server serves, at `GET /openapi.json`.
 * @fastify/swagger collects the routes (an onRoute hook, so it is registered before any route)
 * and turns their TypeBox request schemas into parameters and bodies; the policy table adds what
 * the routes do not say: operationId (the action), summary, tag and security. Responses are added
 * here from facts the app already has (success status, the owning service's error renderer),
 * never from Fastify response schemas, which would change the serialized bodies. The document
 * is built once, on its first request, and served as cached bytes.
 */
import swagger from '@fastify/swagger'
import type { FastifyInstance, RouteOptions } from 'fastify'
import type { OpenAPIV3_1 } from 'openapi-types'
import type { Policy, PolicyEntry } from '../auth/policy.js'
import {
  ConflictError, ForbiddenError, MalformedJsonError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError, UnauthorizedError, ValidationError, type AppError,
} from '../errors/app-error.js'
import type { FlavourName } from '../flavours.js'
import { packageVersion } from '../shared/package-files.js'
import type { ErrorRenderer } from './error-handler.js'
import type { ServiceName } from './fastify-types.js'
import { BODY_COMPONENTS, SUCCESS_BODIES } from './openapi-bodies.js'
import { cachedAnswer, sendCached, type CachedAnswer } from './cached-answer.js'
import { DOCS_ASSET_URL, registerDocsPage } from './docs-page.js'
import { CONSOLE_ASSET_URL } from './console-page.js'

export interface ApiDocumentDeps {
  policy: Policy
  flavour: FlavourName
  /** The service whose error format a route speaks: its own, or the one owning its path. */
  serviceFor(url: string, service: ServiceName | undefined): ServiceName
  renderers: Record<ServiceName, ErrorRenderer>
}

const TAGS = {
  iam: { name: 'IAM', description: 'Identity and Access Management: the Keystone v3 dialect of the clouds' },
  eps: { name: 'EPS', description: 'Enterprise Project Management Service v1.0' },
  coc: { name: 'COC', description: 'Cloud Operations Center: favourite enterprise projects (Huawei Cloud)' },
  cts: { name: 'CTS', description: 'Cloud Trace Service: the audit trail of every change' },
  projectplane: { name: 'projectplane operations', description: "projectplane's own routes: admin API, API documents, operations" },
} as const

const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  token: {
    type: 'apiKey', in: 'header', name: 'X-Auth-Token',
    description: 'A token from `POST /v3/auth/tokens` (its `X-Subject-Token` header). IAM and EPS management calls need a domain-scoped token on the clouds.',
  },
  accessKey: {
    type: 'apiKey', in: 'header', name: 'Authorization',
    description: 'An access-key signature as the Huawei Cloud SDKs compute it: `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, ' +
      'Signature=<hex>` over the canonical request, with `X-Sdk-Date`; temporary keys add `X-Security-Token`. ' +
      'Keys come from `POST /v3.0/OS-CREDENTIAL/credentials`. A signature covers one request, so it cannot be pasted here: use an SDK.',
  },
}
/** Either credential will do on every route that is not public. */
const AUTHENTICATED = [{ token: [] }, { accessKey: [] }]

/** Most routes answer as their method suggests; these are the exceptions. */
const SUCCESS_BY_METHOD: Record<string, number> = { GET: 200, HEAD: 204, POST: 201, PUT: 204, PATCH: 200, DELETE: 204 }
const SUCCESS_BY_ACTION: Record<string, readonly number[]> = {
  // Keystone's version list is a 300 Multiple Choices; an `eps.*` host name gets EPS's list with a 200.
  'identity:get_version': [300, 200],
  'identity:check_token': [200],
  'identity:delete_custom_policy': [200],
  'identity:update_credential': [200],
  'identity:change_password': [204],
  'eps:update_enterprise_project': [200],
  'eps:filter_resources': [200],
  'eps:enable_or_disable_enterprise_project': [204],
  'eps:migrate_resource': [204],
  'eps:enable_enterprise_project_feature': [204],
  'coc:update_favourites': [200],
  // A domain's first configuration is created (201); a PUT over one replaces it (200).
  'identity:create_domain_config': [201, 200],
}
const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 300: 'Multiple Choices', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Request Entity Too Large', 503: 'Service Unavailable',
}
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH'])
/** Stands for the `4XX` range in the error response builder. */
const ANY_CLIENT_ERROR = 0

/** What the document needs to know about one operation beyond its schemas. */
interface OperationFacts {
  readonly method: string
  readonly entry: PolicyEntry
  readonly service: ServiceName
  readonly hasInput: boolean
  readonly successFromSchema: readonly number[]
}

/**
 * An error the service really raises for the status, worded for the route, so the example is
 * the exact wire body its renderer produces.
 */
function sampleError(status: number, facts: OperationFacts, lastParam: string | undefined): AppError | undefined {
  // `…/users/{user_id}` is about a user; `POST /v3/projects` (no parameter) about a project.
  const subject = lastParam === 'access_key' ? 'credential'
    : lastParam?.replace(/_id$/, '').replace(/_/g, ' ') ?? facts.entry.action.replace(/^[^:]*:[a-z]+_/, '').replace(/_/g, ' ')
  switch (status) {
    case 400: return BODY_METHODS.has(facts.method)
      ? new MalformedJsonError()
      : new ValidationError('The request URL is not valid: it contains a malformed percent-encoding.')
    case 401: return new UnauthorizedError()
    case 403: return new ForbiddenError(facts.entry.action)
    case 404: return new NotFoundError(subject, '0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5')
    case 409: return new ConflictError(subject, 'Duplicate entry')
    case 413: return new PayloadTooLargeError()
    case 503: return new ServiceUnavailableError()
    default: return undefined
  }
}

const ERROR_SCHEMAS: Record<ServiceName, { name: string; schema: object }> = {
  iam: {
    name: 'IamError',
    schema: {
      type: 'object', required: ['error'],
      properties: { error: { type: 'object', required: ['code', 'message', 'title'], properties: { code: { type: 'integer' }, message: { type: 'string' }, title: { type: 'string' } } } },
      description: "Keystone's error body",
    },
  },
  eps: {
    name: 'EpsError',
    schema: {
      type: 'object', required: ['error', 'error_code', 'error_msg'],
      properties: {
        error: { type: 'object', required: ['error_code', 'error_msg'], properties: { error_code: { type: 'string', pattern: '^EPS\\.\\d{4}$' }, error_msg: { type: 'string' } } },
        error_code: { type: 'string' }, error_msg: { type: 'string' },
      },
      description: "EPS's error body; the code and text also at the top level, where the Huawei SDK core reads them",
    },
  },
  coc: {
    name: 'CocError',
    schema: {
      type: 'object', required: ['error_code', 'error_msg'],
      properties: { error_code: { type: 'string' }, error_msg: { type: 'string' } },
      description: "COC's error body: `COC.…` codes, and the gateway's `common.…` ones for authentication",
    },
  },
  cts: {
    name: 'CtsError',
    schema: {
      type: 'object', required: ['error_code', 'error_msg'],
      properties: { error_code: { type: 'string', pattern: '^CTS\\.\\d{4}$' }, error_msg: { type: 'string' } },
      description: "CTS's error body",
    },
  },
}

function tagOf(action: string, service: ServiceName): string {
  return action.startsWith('projectplane:') ? TAGS.projectplane.name : TAGS[service].name
}

/** `{a}` in the template, in order. */
function templateParams(url: string): string[] {
  return [...url.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
}

export async function registerApiDocuments(app: FastifyInstance, deps: ApiDocumentDeps): Promise<void> {
  const operations = new Map<string, OperationFacts>()

  const errorResponse = (facts: OperationFacts, status: number, lastParam: string | undefined): OpenAPIV3_1.ResponseObject => {
    const { service, method } = facts
    const response: OpenAPIV3_1.ResponseObject = { description: status === ANY_CLIENT_ERROR ? 'Any other client error' : REASONS[status] ?? 'Error' }
    // HEAD answers carry headers only.
    if (method === 'HEAD') return response
    const sample = sampleError(status, facts, lastParam)
    const example = sample ? deps.renderers[service](sample, 'req-example').body : undefined
    response.content = {
      'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMAS[service].name}` }, ...(example === undefined ? {} : { example }) },
    }
    return response
  }

  const responsesOf = (facts: OperationFacts, swaggerResponses: OpenAPIV3_1.ResponsesObject, pathParams: readonly string[]): OpenAPIV3_1.ResponsesObject => {
    const { method, entry } = facts
    const success = facts.successFromSchema.length > 0
      ? facts.successFromSchema
      : SUCCESS_BY_ACTION[entry.action] ?? [SUCCESS_BY_METHOD[method] ?? 200]
    const responses: OpenAPIV3_1.ResponsesObject = {}
    success.forEach((status, i) => {
      const fromSchema = swaggerResponses[String(status)] as OpenAPIV3_1.ResponseObject | undefined
      if (fromSchema?.content) {
        responses[status] = fromSchema
        return
      }
      const body = i === 0 && method !== 'HEAD' && status !== 204 ? SUCCESS_BODIES[entry.action] : undefined
      responses[status] = {
        description: REASONS[status] ?? 'Success',
        ...(body ? { content: { 'application/json': { schema: JSON.parse(JSON.stringify(body)) } } } : {}),
      }
    })
    const errors: number[] = []
    if (facts.hasInput || BODY_METHODS.has(method)) errors.push(400)
    // Services refuse some requests on `authenticated` routes too (another user's password).
    if (entry.rule !== 'public') errors.push(401, 403)
    if (pathParams.length > 0) errors.push(404)
    // Creates and updates can meet a name already taken; POST 200s are queries (resources/filter).
    if (success[0] === 201 || ((method === 'PUT' || method === 'PATCH') && success[0] === 200)) errors.push(409)
    if (BODY_METHODS.has(method)) errors.push(413)
    const lastParam = pathParams.at(-1)
    for (const status of errors) responses[status] = errorResponse(facts, status, lastParam)
    // Whatever else goes wrong (a 405, oversized headers) is answered in the same format.
    responses['4XX'] = errorResponse(facts, ANY_CLIENT_ERROR, lastParam)
    responses[503] = { ...errorResponse(facts, 503, lastParam), description: 'Database unreachable for now, or the server is shutting down; retry' }
    return responses
  }

  const finish = (document: OpenAPIV3_1.Document): OpenAPIV3_1.Document => {
    const usedTags = new Set<string>()
    const services = new Set<ServiceName>()
    for (const [url, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item ?? {}) as [string, OpenAPIV3_1.OperationObject][]) {
        const facts = operation.operationId === undefined ? undefined : operations.get(`${method.toUpperCase()} ${operation.operationId}`)
        if (!facts) continue
        // Path parameters are those of the template, always required: the grant routes share one
        // params schema that names every id any of them has.
        const names = templateParams(url)
        const parameters = ((operation.parameters ?? []) as OpenAPIV3_1.ParameterObject[]).filter((p) => p.in !== 'path' || names.includes(p.name))
        for (const name of names) {
          const given = parameters.find((p) => p.in === 'path' && p.name === name)
          if (given) given.required = true
          else parameters.push({ in: 'path', name, required: true, schema: { type: 'string' } })
        }
        if (parameters.length > 0) operation.parameters = parameters
        operation.responses = responsesOf(facts, operation.responses ?? {}, names)
        for (const tag of operation.tags ?? []) usedTags.add(tag)
        services.add(facts.service)
      }
    }
    const schemas: Record<string, OpenAPIV3_1.SchemaObject> = { ...document.components?.schemas }
    for (const [name, schema] of Object.entries(BODY_COMPONENTS)) schemas[name] = JSON.parse(JSON.stringify(schema))
    for (const service of services) schemas[ERROR_SCHEMAS[service].name] = ERROR_SCHEMAS[service].schema as OpenAPIV3_1.SchemaObject
    return {
      ...document,
      // Only the services this flavour serves.
      tags: Object.values(TAGS).filter((t) => usedTags.has(t.name)),
      components: { ...document.components, securitySchemes: SECURITY_SCHEMES, schemas },
    }
  }

  await app.register(swagger, {
    mode: 'dynamic',
    // HEAD routes of their own (token and membership checks) are operations; Fastify's implicit
    // HEAD of every GET is left out below.
    exposeHeadRoutes: true,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'projectplane',
        version: packageVersion(),
        description: `IAM (Keystone v3), EPS and COC as Huawei Cloud and Open Telekom Cloud serve them; this server imitates the ` +
          `\`${deps.flavour}\` flavour and lists only its routes. Every GET also answers HEAD with the same headers and no body. ` +
          'Errors come in the format of the service owning the path.',
      },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: ({ schema, url, route }: { schema: RouteOptions['schema']; url: string; route: RouteOptions }) => {
      const action = route.config?.action
      const entry = action === undefined ? undefined : deps.policy.entry(action)
      const method = [route.method].flat()[0]!
      // Fastify's implicit HEAD route shares its GET's action; the pages' files are no API.
      if (!entry || (method === 'HEAD' && entry.method !== 'HEAD') || url === DOCS_ASSET_URL || url === CONSOLE_ASSET_URL) return { schema: { hide: true }, url }
      const service = deps.serviceFor(url, route.config?.service)
      operations.set(`${method} ${entry.action}`, {
        method,
        entry,
        service,
        hasInput: Boolean(schema?.body ?? schema?.querystring ?? schema?.params),
        successFromSchema: Object.keys(schema?.response ?? {}).map(Number).filter((s) => s >= 200 && s < 300),
      })
      return {
        url,
        schema: {
          ...schema,
          operationId: entry.action,
          summary: entry.description,
          tags: [tagOf(entry.action, service)],
          security: entry.rule === 'public' ? [] : AUTHENTICATED,
        },
      }
    },
    transformObject: ({ openapiObject }: { openapiObject: unknown }) => {
      // The example errors are built only to be rendered: capturing a stack for each of the
      // several hundred was most of the document's start-up cost. The code between is synchronous.
      const stackTraceLimit = Error.stackTraceLimit
      Error.stackTraceLimit = 0
      try {
        return finish(openapiObject as OpenAPIV3_1.Document)
      } finally {
        Error.stackTraceLimit = stackTraceLimit
      }
    },
  } as Parameters<typeof swagger>[1])

  // Built by the first request (every route is registered before the server answers any), then
  // kept: later requests only copy bytes. Not at start: building it took ~0.1 s and left ~2 MB of
  // heap and more of RSS in servers whose document nobody asks for (issue 19).
  let document: CachedAnswer | undefined
  app.get('/openapi.json', { config: { action: 'projectplane:get_openapi' } }, async (request, reply) =>
    sendCached(request, reply, (document ??= cachedAnswer(JSON.stringify(app.swagger()), 'application/json; charset=utf-8'))))
  registerDocsPage(app)
}
