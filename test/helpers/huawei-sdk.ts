/**
 * The real Huawei Cloud Node SDK (unmodified) for tests: its IAM client, and its core signer for
 * calls the IAM client has no method for. Both are CommonJS; the IAM package's main entry is
 * broken, so its v3 public API is required directly (see shared/spec/aksk-and-sdk.md §0).
 */
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
