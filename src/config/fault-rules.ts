/**
 * @module Fault rules as configured: their shape and their validation, with messages naming the
 * field (`FAULTS[1].probability …`). Pure data checks, so the configuration (`FAULTS`,
 * `FAULTS_FILE`) and the runtime API (`PUT /_projectplane/faults`, in src/http/fault-injection.ts)
 * validate alike without the configuration depending on the HTTP layer.
 */
export const MAX_FAULT_RULES = 100
export const MAX_LATENCY_MS = 300_000
export const FAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
const RULE_FIELDS = ['name', 'method', 'path', 'probability', 'latency_ms', 'error', 'times'] as const
const ERROR_FIELDS = ['status', 'body', 'headers'] as const
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
const RULE_NAME = /^[A-Za-z0-9._:-]{1,64}$/

/** One rule as configured, normalised (upper-case methods, defaults filled in). */
export interface FaultRule {
  readonly name?: string
  /** `*` or the methods it applies to. */
  readonly method: '*' | readonly string[]
  /** Glob over the raw request path: `*` one segment (or part of one), `**` any number, `:name` one segment. */
  readonly path: string
  readonly probability: number
  readonly latency_ms?: number | readonly [number, number]
  readonly error?: FaultErrorSpec
  /** Apply to the next N matching requests only. */
  readonly times?: number
}

export interface FaultErrorSpec {
  readonly status: number
  /** Sent as it is (JSON, or a string verbatim); absent: the service's own error for the status. */
  readonly body?: unknown
  /** `null` drops a header the fault would send by default (`Retry-After`). */
  readonly headers?: Readonly<Record<string, string | null>>
}

export interface FaultSettings {
  readonly rules: readonly FaultRule[]
  /** Seeds the PRNG so a run is reproducible; `Math.random` when unset. */
  readonly seed: number | undefined
}

/** A rule that does not validate; `message` names the field (`FAULTS[1].probability …`). */
export class FaultRuleError extends Error {}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_LATENCY_MS

function unknownField(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const extra = Object.keys(value).find((k) => !allowed.includes(k))
  if (extra !== undefined) throw new FaultRuleError(`${at}.${extra} is not a known field (${allowed.join(', ')})`)
}

function parsePath(value: unknown, at: string): string {
  if (value === undefined) return '/**'
  if (typeof value !== 'string' || !value.startsWith('/') || /[\s?#]/.test(value)) {
    throw new FaultRuleError(`${at} must be a path pattern starting with '/' (no spaces, '?' or '#'); got ${JSON.stringify(value)}`)
  }
  if (value.split('/').some((segment) => segment.includes('**') && segment !== '**')) {
    throw new FaultRuleError(`${at}: '**' must be a whole path segment; got '${value}'`)
  }
  return value
}

function parseMethod(value: unknown, at: string): FaultRule['method'] {
  if (value === undefined || value === '*') return '*'
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) throw new FaultRuleError(`${at} must be '*', a method or a non-empty list of methods`)
  return list.map((m, i) => {
    const upper = typeof m === 'string' ? m.toUpperCase() : undefined
    if (upper === undefined || !(FAULT_METHODS as readonly string[]).includes(upper)) {
      throw new FaultRuleError(`${Array.isArray(value) ? `${at}[${i}]` : at} must be '*' or one of ${FAULT_METHODS.join(', ')}; got ${JSON.stringify(m)}`)
    }
    return upper
  })
}

function parseLatency(value: unknown, at: string): FaultRule['latency_ms'] {
  if (isMs(value)) return value
  if (Array.isArray(value) && value.length === 2 && isMs(value[0]) && isMs(value[1]) && value[0] <= value[1]) return [value[0], value[1]]
  throw new FaultRuleError(`${at} must be milliseconds from 0 to ${MAX_LATENCY_MS}, or [min, max] with min <= max; got ${JSON.stringify(value)}`)
}

function parseError(value: unknown, at: string): FaultErrorSpec {
  if (!isObject(value)) throw new FaultRuleError(`${at} must be an object with a status`)
  unknownField(value, ERROR_FIELDS, at)
  const status = value.status
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new FaultRuleError(`${at}.status must be a whole number from 400 to 599; got ${JSON.stringify(status)}`)
  }
  let headers: Record<string, string | null> | undefined
  if (value.headers !== undefined) {
    if (!isObject(value.headers)) throw new FaultRuleError(`${at}.headers must be an object of header names and values`)
    headers = {}
    for (const [name, v] of Object.entries(value.headers)) {
      if (!HEADER_NAME.test(name)) throw new FaultRuleError(`${at}.headers: '${name}' is not a valid header name`)
      if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw new FaultRuleError(`${at}.headers.${name} must be a string, a number or null`)
      const text = v === null ? null : String(v)
      if (text !== null && !HEADER_VALUE.test(text)) throw new FaultRuleError(`${at}.headers.${name} may not contain control characters`)
      headers[name.toLowerCase()] = text
    }
  }
  return { status, ...(value.body === undefined ? {} : { body: value.body }), ...(headers ? { headers } : {}) }
}

function parseRule(value: unknown, at: string): FaultRule {
  if (!isObject(value)) throw new FaultRuleError(`${at} must be an object`)
  unknownField(value, RULE_FIELDS, at)
  const { name, probability = 1, times } = value
  if (name !== undefined && (typeof name !== 'string' || !RULE_NAME.test(name))) {
    throw new FaultRuleError(`${at}.name must be 1 to 64 letters, digits, '.', '_', ':' or '-'; got ${JSON.stringify(name)}`)
  }
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
    throw new FaultRuleError(`${at}.probability must be between 0 and 1; got ${JSON.stringify(probability)}`)
  }
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 1_000_000_000)) {
    throw new FaultRuleError(`${at}.times must be a whole number from 1 to 1000000000; got ${JSON.stringify(times)}`)
  }
  if (value.latency_ms === undefined && value.error === undefined) throw new FaultRuleError(`${at} needs latency_ms, error or both`)
  return {
    ...(name === undefined ? {} : { name: name as string }),
    method: parseMethod(value.method, `${at}.method`),
    path: parsePath(value.path, `${at}.path`),
    probability,
    ...(value.latency_ms === undefined ? {} : { latency_ms: parseLatency(value.latency_ms, `${at}.latency_ms`) }),
    ...(value.error === undefined ? {} : { error: parseError(value.error, `${at}.error`) }),
    ...(times === undefined ? {} : { times }),
  }
}

/**
 * Validates a rule list (`FAULTS`, a faults file, a PUT body's `faults`); `root` names it in
 * messages. A list, or `{"faults": [...]}` as GET shows it, is accepted where `acceptEnvelope`.
 */
export function parseFaultRules(value: unknown, root: string, acceptEnvelope = false): FaultRule[] {
  const list = acceptEnvelope && isObject(value) && Object.keys(value).length === 1 && 'faults' in value ? value.faults : value
  if (!Array.isArray(list)) throw new FaultRuleError(`${root} must be a list of fault rules${acceptEnvelope ? ' (or {"faults": [...]})' : ''}`)
  if (list.length > MAX_FAULT_RULES) throw new FaultRuleError(`${root} may hold at most ${MAX_FAULT_RULES} rules; got ${list.length}`)
  return list.map((rule, i) => parseRule(rule, `${root}[${i}]`))
}

