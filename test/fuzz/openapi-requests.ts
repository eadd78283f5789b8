/**
 * Requests for every operation of the server's own `/openapi.json`, as fast-check arbitraries:
 * path ids real and odd (huge, encoded, empty, over the router's limit), the operation's query
 * parameters with odd values, bodies sampled from the operation's schema and then mutated (or
 * malformed JSON, or JSON of any shape), odd headers, and every kind of caller: none, a good
 * token, a garbage one, a good signature, a broken one.
 */
import fc from 'fast-check'
import type { ServiceName } from '../../src/http/fastify-types.js'

type Schema = Record<string, any>
export interface Operation {
  method: string
  /** The path template, `{name}` for each parameter. */
  template: string
  service: ServiceName
  pathParams: string[]
  queryParams: string[]
  body: Schema | undefined
}

const SERVICE_OF_SCHEMA: Record<string, ServiceName> = { IamError: 'iam', EpsError: 'eps', CocError: 'coc', CtsError: 'cts' }

/** Every operation of the document, with the service its error responses name. */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = []
  for (const [template, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const ref: string | undefined = op.responses?.['4XX']?.content?.['application/json']?.schema?.$ref
      const fromRef = ref ? SERVICE_OF_SCHEMA[ref.split('/').pop()!] : undefined
      const params: { in: string; name: string }[] = op.parameters ?? []
      ops.push({
        method: method.toUpperCase(),
        template,
        // HEAD operations describe no body, so no schema names their service: the path's GET does.
        service: fromRef ?? SERVICE_OF_SCHEMA[item.get?.responses?.['4XX']?.content?.['application/json']?.schema?.$ref?.split('/').pop()] ?? 'iam',
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        body: resolve(doc, op.requestBody?.content?.['application/json']?.schema),
      })
    }
  }
  return ops
}

function resolve(doc: any, schema: Schema | undefined, depth = 0): Schema | undefined {
  if (!schema || depth > 12) return schema
  if (schema.$ref) return resolve(doc, doc.components.schemas[String(schema.$ref).split('/').pop()!], depth + 1)
  return schema
}

/** A plausible value for a schema: what a well-meaning client would send, before mutation. */
export function sample(doc: any, schema: Schema | undefined, depth = 0): unknown {
  const s = resolve(doc, schema)
  if (!s || depth > 6) return null
  if ('const' in s) return s.const
  if (Array.isArray(s.enum)) return s.enum[0]
  const alternatives = s.anyOf ?? s.oneOf
  if (Array.isArray(alternatives)) return sample(doc, alternatives[0], depth + 1)
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      const props: Record<string, Schema> = s.properties ?? {}
      for (const name of Object.keys(props)) out[name] = sample(doc, props[name], depth + 1)
      return out
    }
    case 'array': return [sample(doc, s.items, depth + 1)]
    case 'string': return 'f'.repeat(Math.max(1, Math.min(s.minLength ?? 4, 64)))
    case 'integer': case 'number': return s.minimum ?? 1
    case 'boolean': return true
    default: return null
  }
}

/** Odd values for any string slot: ids, query values, header values. */
const oddString = fc.oneof(
  fc.constantFrom('', ' ', '0', '-1', '1e999', 'null', 'true', '[]', '{}', '..', '.', '%', '%zz', '%00', '%2F', '%252F', 'a%2Fb',
    '\u00e9', '\ud83d\ude00', "' OR 1=1 --", '<script>', '${x}', '*', 'default', 'admin'),
  fc.string({ maxLength: 24 }),
  fc.constantFrom(513, 600, 4096).map((n) => 'a'.repeat(n)),
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
)

/**
 * A path segment: a real id of the store, or an odd one (encoded unless it is a deliberate bad
 * encoding). Not `.` or `..`, which the client's URL parser resolves away, sending another path
 * than the operation's (the raw-socket fuzzing sends those as they are).
 */
const segment = (realIds: readonly string[]) => fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...realIds) },
  { weight: 2, arbitrary: oddString.filter((v) => v !== '.' && v !== '..').map((v) => (/^%|%(2F|252F|00|zz)/.test(v) ? v : encodeURIComponent(v))) },
)

/** Valid JSON of any shape, JSON that is not JSON, and the bodies that once needed special care. */
const strangeBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{', '[', '{"a":', 'nul', '{"a":1,}', '\u0000', '"\\ud800"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}',
    '['.repeat(200) + ']'.repeat(200), '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}', ''),
  fc.string({ maxLength: 64 }),
)

/** A sampled body with one mutation: a field dropped, retyped, emptied, stretched, or one added. */
function mutatedBody(doc: any, schema: Schema | undefined): fc.Arbitrary<string> {
  const base = sample(doc, schema)
  return fc.tuple(fc.nat(), fc.constantFrom('drop', 'retype', 'empty', 'huge', 'extra', 'none'), fc.jsonValue({ maxDepth: 2 })).map(([pick, how, value]) => {
    const copy = JSON.parse(JSON.stringify(base ?? {})) as unknown
    // The mutation lands on a field of the body's (first) nested object, where most schemas live.
    let target = copy as Record<string, unknown>
    for (let i = 0; i < 3 && target && typeof target === 'object'; i++) {
      const keys = Object.keys(target)
      const next = keys.length > 0 ? target[keys[pick % keys.length]!] : undefined
      if (!next || typeof next !== 'object' || Array.isArray(next)) break
      target = next as Record<string, unknown>
    }
    if (!target || typeof target !== 'object') return JSON.stringify(value)
    const keys = Object.keys(target)
    const key = keys.length > 0 ? keys[pick % keys.length]! : 'name'
    if (how === 'drop') delete target[key]
    else if (how === 'retype') target[key] = value
    else if (how === 'empty') target[key] = ''
    else if (how === 'huge') target[key] = 'x'.repeat(70_000)
    else if (how === 'extra') target[`unknown_${pick % 7}`] = value
    return JSON.stringify(copy)
  })
}

export type Caller =
  | { kind: 'none' }
  /** `who` names one of the suite's tokens (its `tokens` list: the admin's, a plain user's, the flavour's other kinds). */
  | { kind: 'token'; who: string }
  | { kind: 'bad-token'; value: string }
  | { kind: 'signed'; scope: 'none' | 'empty-project' | 'empty-domain' | 'other-project' }
  | { kind: 'bad-signature'; authorization: string }

export const callers = (accessKey: string, tokens: readonly string[]): fc.Arbitrary<Caller> => fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 5, arbitrary: fc.constantFrom(...tokens).map((who) => ({ kind: 'token' as const, who })) },
  { weight: 1, arbitrary: fc.oneof(oddString, fc.stringMatching(/^[A-Za-z0-9_-]{10,300}$/)).filter((v) => /^[\x21-\x7e]*$/.test(v)).map((value) => ({ kind: 'bad-token' as const, value })) },
  { weight: 2, arbitrary: fc.constantFrom('none' as const, 'empty-project' as const, 'empty-domain' as const, 'other-project' as const).map((scope) => ({ kind: 'signed' as const, scope })) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom('SDK-HMAC-SHA256', 'V11-HMAC-SHA256', 'SDK-HMAC-SM3', 'Bearer', ''),
      fc.constantFrom(accessKey, 'AKNOTAKEY0000000000', ''),
      fc.constantFrom('host;x-sdk-date', 'content-type;host;x-sdk-date', '', 'x-sdk-date'),
      fc.stringMatching(/^[0-9a-f]{0,64}$/),
    ).map(([algorithm, access, signed, signature]) => ({ kind: 'bad-signature' as const, authorization: `${algorithm} Access=${access}, SignedHeaders=${signed}, Signature=${signature}` })),
  },
)

export interface FuzzRequest {
  method: string
  path: string
  query: Record<string, string>
  /** undefined: no body sent. */
  body: string | undefined
  headers: Record<string, string>
  caller: Caller
}

const contentTypes = fc.constantFrom('application/json', 'application/json;charset=utf8', 'APPLICATION/JSON; charset=UTF-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json-patch+json')

/** Headers a client may add that the server has to shrug off; printable values only (fetch refuses others). */
const oddHeaders = fc.dictionary(
  fc.constantFrom('x-language', 'x-client-token', 'x-openstack-request-id', 'openstack-api-version', 'accept', 'accept-encoding', 'x-forwarded-for', 'user-agent', 'x-projectplane-client', 'x-sdk-date', 'if-none-match', 'range'),
  // One long value now and then: three of them would pass the 16 KB header limit, and a 431 tests nothing else.
  fc.oneof({ weight: 12, arbitrary: oddString }, { weight: 1, arbitrary: fc.constant('x'.repeat(6000)) }).map((v) => v.replace(/[^\x20-\x7e]/g, '?')),
  { maxKeys: 3 },
)

/** One request for `op`: its path filled with real or odd ids, odd query values, a body for methods that take one. */
export function requestFor(doc: any, op: Operation, realIds: readonly string[], accessKey: string, tokens: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const takesBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method)
  const body: fc.Arbitrary<string | undefined> = takesBody
    ? fc.oneof({ weight: 4, arbitrary: mutatedBody(doc, op.body) }, { weight: 3, arbitrary: strangeBody }, { weight: 1, arbitrary: fc.constant(undefined) })
    : fc.constant(undefined)
  return fc.record({
    segments: fc.tuple(...op.pathParams.map(() => segment(realIds))),
    query: op.queryParams.length === 0 ? fc.constant({}) : fc.dictionary(fc.constantFrom(...op.queryParams), oddString, { maxKeys: 3 }),
    body,
    contentType: contentTypes,
    headers: oddHeaders,
    caller: callers(accessKey, tokens),
  }).map(({ segments, query, body, contentType, headers, caller }) => {
    let i = 0
    const path = op.template.replace(/\{[^}]+\}/g, () => segments[i++] as string)
    return { method: op.method, path, query, body, headers: body === undefined ? headers : { ...headers, 'content-type': contentType }, caller }
  })
}
