/**
 * The real Huawei Cloud Node SDK (unmodified) for tests: its IAM client, and its core signer for
 * calls the IAM client has no method for. Both are CommonJS; the IAM package's main entry is
 * broken, so its v3 public API is required directly (see shared/spec/aksk-and-sdk.md §0).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { recordHeaderSecrets, recordSecret } from './secrets.js'

const require = createRequire(import.meta.url)

/* eslint-disable @typescript-eslint/no-explicit-any */
export const iam: any = require('@huaweicloud/huaweicloud-sdk-iam/v3/public-api')
export const core: any = require('@huaweicloud/huaweicloud-sdk-core')
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner')
// The SDK logs every failed response at ERROR to stdout, Authorization header included: tests
// assert those failures themselves, so its log is turned off here.
require('@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger').Logger4jInstance.level = 'off'

export interface AccessKey { access: string; secret: string; securityToken?: string }

/** For the end-of-run log check: the SDK signs with these, so they must never be logged. */
function recordKey(key: AccessKey): void {
  recordSecret('secret key', key.secret)
  recordSecret('security token', key.securityToken)
}

export function globalCredentials(key: AccessKey, domainId?: string): any {
  recordKey(key)
  const cred = new core.GlobalCredentials().withAk(key.access).withSk(key.secret)
  if (domainId) cred.withDomainId(domainId)
  if (key.securityToken) cred.withSecurityToken(key.securityToken)
  return cred
}

export function basicCredentials(key: AccessKey, projectId?: string): any {
  recordKey(key)
  const cred = new core.BasicCredentials().withAk(key.access).withSk(key.secret)
  if (projectId) cred.withProjectId(projectId)
  if (key.securityToken) cred.withSecurityToken(key.securityToken)
  return cred
}

/** The generated IAM client against our endpoint (no discovery). */
export function iamClient(credentials: any, endpoint: string): any {
  return iam.IamClient.newBuilder().withCredential(credentials).withEndpoint(endpoint).build()
}

/**
 * Signs with the SDK's signer and sends with fetch (spec recipe B), so a test can change the
 * request after signing and see the server refuse it.
 */
export function signRequest(opts: {
  endpoint: string; method: string; path: string; query?: Record<string, string>; body?: unknown
  headers?: Record<string, string>; key: AccessKey; domainId?: string
}): { url: string; init: { method: string; headers: Record<string, string>; body?: string } } {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers }
  if (opts.key.securityToken) headers['X-Security-Token'] = opts.key.securityToken
  if (opts.domainId) headers['X-Domain-Id'] = opts.domainId
  const request = { endpoint: opts.endpoint + opts.path, method: opts.method, queryParams: opts.query ?? {}, data: opts.body, headers }
  const credential = globalCredentials(opts.key, opts.domainId)
  const signed = AKSKSigner.sign(request, credential) as Record<string, string>
  recordHeaderSecrets(signed)
  const qs = new URLSearchParams(opts.query ?? {}).toString().replace(/\+/g, '%20')
  return {
    url: opts.endpoint + opts.path + (qs ? `?${qs}` : ''),
    init: { method: opts.method, headers: signed, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) },
  }
}

/**
 * The SDK core's generic `HcClient` (spec recipe A), for services with no generated Node client
 * (COC, EPS): the same signing, body handling and error parsing as the generated ones. Without
 * credentials it signs nothing, so a request can carry an `X-Auth-Token` header instead.
 */
export function hcClient(credentials: any, endpoint: string): any {
  const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder')
  // The builder insists on credentials; a token client drops them once built.
  const built = new ClientBuilder((hc: any) => hc).withCredential(credentials ?? new core.GlobalCredentials().withAk('unused').withSk('unused')).withEndpoint(endpoint).build()
  return credentials ? built : built.withCredential(undefined)
}

/**
 * What the SDK declares of one of its models, read from the package itself: every field by its
 * wire name (the key its `withX` setter writes), its TypeScript type (from the `.d.ts`), and
 * whether the constructor takes it (the generator's "required"). Response classes declare their
 * body fields the same way.
 */
export interface SdkModelField { type: string; required: boolean }
const modelDir = require.resolve('@huaweicloud/huaweicloud-sdk-iam/v3/model/Credential.js').replace(/Credential\.js$/, '')
const modelCache = new Map<string, Record<string, SdkModelField> | undefined>()

export function sdkModel(name: string): Record<string, SdkModelField> | undefined {
  if (modelCache.has(name)) return modelCache.get(name)
  let js: string, dts: string
  try {
    js = fs.readFileSync(`${modelDir}${name}.js`, 'utf8')
    dts = fs.readFileSync(`${modelDir}${name}.d.ts`, 'utf8')
  } catch {
    modelCache.set(name, undefined)
    return undefined
  }
  const ctor = /constructor\(([^)]*)\) \{([\s\S]*?)\n {4}\}/.exec(js)
  const required = new Set([...(ctor?.[2] ?? '').matchAll(/this\['([^']+)'\] = \w+;/g)].map((m) => m[1]))
  const fields: Record<string, SdkModelField> = {}
  for (const m of js.matchAll(/ with(\w+)\((\w+)\) \{\s*this\['([^']+)'\] = \2;/g)) {
    const [, method, , key] = m as unknown as [string, string, string, string]
    const declared = new RegExp(` with${method}\\(\\w+\\??: (.+)\\): ${name};`).exec(dts)
    fields[key] = { type: declared?.[1] ?? 'any', required: required.has(key) }
  }
  modelCache.set(name, fields)
  return fields
}

/**
 * Compares a parsed answer with an SDK model, field by field, recursing into nested models and
 * arrays: every declared field must be there with its declared type, and nothing undeclared.
 * Exceptions are named by path (`agency.expire_time`, `roles[].links`): `nullable` fields may be
 * `null`, `absent` ones may be missing, `extra` ones are allowed although the model lacks them.
 * Returns the list of mismatches, so a test can `expect(...).toEqual([])` and see them all.
 */
export function modelMismatches(
  value: unknown, model: string,
  allow: { nullable?: string[]; absent?: string[]; extra?: string[] } = {},
): string[] {
  const problems: string[] = []
  const has = (list: string[] | undefined, path: string) => (list ?? []).includes(path)
  const check = (v: unknown, type: string, path: string): void => {
    const alternatives = type.split(' | ').map((t) => t.trim())
    const errors: string[][] = alternatives.map((t) => {
      const before = problems.length
      checkOne(v, t, path)
      return problems.splice(before)
    })
    const ok = errors.find((e) => e.length === 0)
    if (!ok) problems.push(...(errors[errors.length - 1] ?? []))
  }
  const checkOne = (v: unknown, type: string, path: string): void => {
    if (v === null) {
      if (!has(allow.nullable, path)) problems.push(`${path}: null, the SDK declares ${type}`)
      return
    }
    const array = /^Array<(.+)>$/.exec(type)
    if (array) {
      if (!Array.isArray(v)) { problems.push(`${path}: ${JSON.stringify(v)} is not an array`); return }
      for (const item of v) check(item, array[1] ?? 'any', `${path}[]`)
      return
    }
    if (['string', 'number', 'boolean'].includes(type)) {
      if (typeof v !== type) problems.push(`${path}: ${JSON.stringify(v)} is not a ${type}`)
      return
    }
    if (type === 'object' || type.startsWith('{')) {
      if (typeof v !== 'object') problems.push(`${path}: ${JSON.stringify(v)} is not an object`)
      return
    }
    if (type === 'any') return
    if (type.endsWith('Enum')) {
      if (typeof v !== 'string' && typeof v !== 'number') problems.push(`${path}: ${JSON.stringify(v)} is not a ${type} value`)
      return
    }
    const fields = sdkModel(type)
    if (!fields) { problems.push(`${path}: the SDK has no model ${type}`); return }
    if (typeof v !== 'object' || Array.isArray(v)) { problems.push(`${path}: ${JSON.stringify(v)} is not a ${type}`); return }
    const object = v as Record<string, unknown>
    for (const [key, field] of Object.entries(fields)) {
      const at = path ? `${path}.${key}` : key
      if (!(key in object)) {
        if (!has(allow.absent, at)) problems.push(`${at}: missing (${type} declares it${field.required ? ', required' : ''})`)
        continue
      }
      check(object[key], field.type, at)
    }
    for (const key of Object.keys(object)) {
      const at = path ? `${path}.${key}` : key
      if (!(key in fields) && !(path === '' && key === 'httpStatusCode') && !has(allow.extra, at)) problems.push(`${at}: not in ${type}`)
    }
  }
  check(value, model, '')
  return problems
}
