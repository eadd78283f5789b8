/**
 * The error body each service answers with (src/http/error-handler.ts and the services' wire.ts
 * renderers), as the fuzz suite checks every refusal against: exactly these fields, the codes
 * in the service's own style, and for Keystone's form the status repeated in the body.
 */
import { STATUS_CODES } from 'node:http'
import { flavourFor, type FlavourName } from '../../src/flavours.js'
import type { ServiceName } from '../../src/http/fastify-types.js'

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const keysAre = (value: Record<string, unknown>, keys: string[]) => Object.keys(value).sort().join() === [...keys].sort().join()
const text = (value: unknown) => typeof value === 'string' && value !== ''

/**
 * Keystone's `{"error":{"code","message","title"}}`, or on the clouds also their flat
 * `{"error_msg","error_code"}` (IAM's flat routes, the clouds' coded errors). Plain Keystone
 * has only the one form.
 */
function iamShape(body: unknown, status: number, flatToo: boolean): string | undefined {
  if (!isObject(body)) return 'not a JSON object'
  if (keysAre(body, ['error_code', 'error_msg'])) {
    if (!flatToo) return 'the clouds\' flat {error_code,error_msg}, not Keystone\'s {"error":{code,message,title}}'
    return text(body.error_code) && text(body.error_msg) ? undefined : 'flat IAM error with an empty field'
  }
  const error = body.error
  if (!keysAre(body, ['error']) || !isObject(error) || !keysAre(error, ['code', 'message', 'title'])) return 'neither Keystone\'s {"error":{code,message,title}} nor {error_code,error_msg}'
  if (error.code !== status) return `error.code ${String(error.code)} is not the status ${status}`
  // Keystone's title is the status's reason phrase (webob's, hence 413's older wording).
  const title = status === 413 ? 'Request Entity Too Large' : STATUS_CODES[status]
  if (error.title !== title) return `error.title '${String(error.title)}' is not '${title}'`
  return text(error.message) && text(error.title) ? undefined : 'Keystone error with an empty message or title'
}

/** EPS: `{"error":{"error_code","error_msg"},"error_code","error_msg"}`, the same values twice. */
function epsShape(body: unknown): string | undefined {
  if (!isObject(body) || !keysAre(body, ['error', 'error_code', 'error_msg']) || !isObject(body.error)) return 'not EPS\'s {error:{error_code,error_msg},error_code,error_msg}'
  if (!/^EPS\.\d{4}$/.test(String(body.error_code))) return `EPS code '${String(body.error_code)}' is not EPS.nnnn`
  const inner = body.error
  return inner.error_code === body.error_code && inner.error_msg === body.error_msg && text(body.error_msg) ? undefined : 'EPS error fields differ between levels'
}

/** COC and CTS: flat `{"error_code","error_msg"}` (COC's gateway refusals use `common.…` codes). */
function flatShape(body: unknown, code: RegExp): string | undefined {
  if (!isObject(body) || !keysAre(body, ['error_code', 'error_msg'])) return 'not {error_code,error_msg}'
  if (!code.test(String(body.error_code))) return `code '${String(body.error_code)}' is not in the service's style`
  return text(body.error_msg) ? undefined : 'empty error_msg'
}

/** The service that answers for `service`'s paths in `flavour`: IAM for a service the flavour does not have. */
export function answeringService(flavour: FlavourName, service: ServiceName): ServiceName {
  const f = flavourFor(flavour)
  return (service === 'eps' && !f.eps) || (service === 'coc' && !f.coc) ? 'iam' : service
}

/** Why `body` is not an error of `service` in `flavour` answered with `status`; undefined when it is. */
export function errorShapeProblem(flavour: FlavourName, service: ServiceName, status: number, body: unknown): string | undefined {
  switch (answeringService(flavour, service)) {
    case 'iam': return iamShape(body, status, flavour !== 'keystone')
    case 'eps': return epsShape(body)
    case 'coc': return flatShape(body, /^(COC\.\d+|common\.\d+)$/)
    case 'cts': return flatShape(body, /^CTS\.\d{4}$/)
  }
}
