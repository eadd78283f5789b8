/**
 * @module For services whose errors carry a code string (EPS, COC): picks the code and text of any
 * AppError. A ServiceCodedError keeps its own; generic failures map to the service's table.
 */
import {
  ForbiddenError, MethodNotAllowedError, NotFoundError, RouteNotFoundError, ServiceCodedError, UnauthorizedError, type AppError,
} from '../errors/app-error.js'

export interface CodedFailure { readonly status: number; readonly code: string; readonly message: string }

export interface ServiceCodes {
  readonly unauthorized: CodedFailure
  readonly forbidden: CodedFailure
  readonly notFound: CodedFailure
  readonly conflict?: CodedFailure
  readonly internal: CodedFailure
  readonly busy: CodedFailure
  /** Any other 4xx: the service's catch-all code with the reason. */
  badRequest(reason: string): ServiceCodedError
}

/** UnauthorizedError's default text: anything else (an access-key check's reason) is worth passing on. */
const GENERIC_401 = new UnauthorizedError().message

export function codedFailure(error: AppError, codes: ServiceCodes): CodedFailure {
  if (error instanceof ServiceCodedError) return error
  if (error instanceof UnauthorizedError) {
    return error.message === GENERIC_401 ? codes.unauthorized : { ...codes.unauthorized, message: error.message }
  }
  if (error instanceof ForbiddenError) return codes.forbidden
  if (error instanceof NotFoundError || error instanceof RouteNotFoundError) return codes.notFound
  if (error instanceof MethodNotAllowedError) {
    const { code, message } = codes.badRequest(error.message)
    return { status: 405, code, message }
  }
  if (error.status === 409 && codes.conflict) return codes.conflict
  if (error.status === 503) return codes.busy
  // An injected 502 or 504 (fault injection) keeps its status under the service's system-error code.
  if (error.status >= 500) return error.status === 500 ? codes.internal : { ...codes.internal, status: error.status }
  const { code, message } = codes.badRequest(error.message)
  return { status: error.status, code, message }
}
