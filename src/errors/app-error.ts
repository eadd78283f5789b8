/**
 * @module The one error hierarchy. Services throw these; `http/error-handler.ts` renders them in
 * the wire format of the service that owns the route. A cause is logged, never serialized.
 */
export abstract class AppError extends Error {
  abstract readonly status: number
  abstract readonly code: string
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

export class ValidationError extends AppError {
  readonly status: number = 400
  readonly code: string = 'validation_failed'
}

/** Keystone's `ValidationError(attribute, target)` text, which the openstack CLI shows verbatim. */
export class MissingAttributeError extends ValidationError {
  override readonly code: string = 'missing_attribute'
  /** The sentence without Keystone's boilerplate tail, for services that word errors briefly. */
  readonly summary: string
  constructor(attribute: string, target: string) {
    super(
      `Expecting to find ${attribute} in ${target}. The server could not comply with the request ` +
        'since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    )
    this.summary = `Expecting to find ${attribute} in ${target}.`
  }
}

/** A body that is not JSON; EPS answers it with its own code (`EPS.0049`), IAM as Keystone does. */
export class MalformedJsonError extends MissingAttributeError {
  override readonly code = 'malformed_json'
  constructor() {
    super('valid JSON', 'request body')
  }
}

/** Keystone's schema-error form: `Invalid input for field 'project/name': <reason>`. */
export class InvalidFieldError extends ValidationError {
  override readonly code = 'invalid_field'
  constructor(field: string, reason: string) {
    super(`Invalid input for field '${field}': ${reason}`, { field })
  }
}

/**
 * A failure the emulated service documents with its own code (`EPS.0010`, `COC.00010002`): code
 * and text go on the wire as they are. Generic errors get the service's code in its wire.ts.
 */
export class ServiceCodedError extends AppError {
  /** `cause`: the database error a store refusal was read from, for the log. */
  constructor(readonly status: number, readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, {}, options)
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401
  readonly code: string = 'unauthorized'
  constructor(message = 'The request you have made requires authentication.', details?: Record<string, unknown>) {
    super(message, details)
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403
  readonly code: string = 'forbidden'
  /** `what` is an action name or a sentence saying why; Keystone puts either after the colon. */
  constructor(what?: string) {
    super(
      what
        ? `You are not authorized to perform the requested action: ${what}${what.endsWith('.') ? '' : '.'}`
        : 'You are not authorized to perform the requested action.',
    )
  }
}

export class NotFoundError extends AppError {
  readonly status = 404
  readonly code: string = 'not_found'
  /** `message` for the few cases Keystone words differently (memberships, assignments). */
  constructor(target: string, id: string, message = `Could not find ${target}: ${id}.`) {
    super(message, { target, id })
  }
}

export class RouteNotFoundError extends AppError {
  readonly status = 404
  readonly code = 'route_not_found'
  constructor() {
    super('The resource could not be found.')
  }
}

export class MethodNotAllowedError extends AppError {
  readonly status = 405
  readonly code = 'method_not_allowed'
  constructor(readonly allowed: string[]) {
    super('The method is not allowed for the requested URL.')
  }
}

/** Not allowed to assume an agency (spec §2.1): the clouds' own words, in Keystone's body. */
export class AssumeRoleRefusedError extends AppError {
  readonly status = 403
  readonly code = 'forbidden'
  constructor(reason: string) {
    super('You have no right to do this action', { reason })
  }
}

export class ConflictError extends AppError {
  readonly status = 409
  readonly code: string = 'conflict'
  constructor(type: string, details: string) {
    super(`Conflict occurred attempting to store ${type} - ${details}.`)
  }
}

/** A custom policy still granted somewhere: deleting it would silently take permissions away. */
export class RoleInUseError extends ConflictError {
  constructor(roleId: string, readonly uses: number) {
    super('role', `the custom policy ${roleId} is used by ${uses} grant${uses === 1 ? '' : 's'}; revoke ${uses === 1 ? 'it' : 'them'} first`)
  }
}

/**
 * A create that would pass one of IAM's quotas (`GET /v3.0/OS-QUOTA`): 400 in the create route's
 * error style. `iamCode` is the clouds' code where they document one (users: `1115`), for routes
 * that answer in Huawei's flat style; the wording of the others is the spec's (§5.4), not upstream's.
 */
export abstract class IamQuotaExceededError extends ValidationError {
  constructor(readonly limit: number, readonly iamCode: string | undefined, what: string) {
    super(`The number of ${what} has reached the maximum allowed limit.`)
  }
}

export class UserQuotaExceededError extends IamQuotaExceededError { constructor(limit: number) { super(limit, '1115', 'IAM users') } }

export class GroupQuotaExceededError extends IamQuotaExceededError { constructor(limit: number) { super(limit, undefined, 'user groups') } }

/** Sub-projects of one region (the clouds' `project` quota). */
export class ProjectQuotaExceededError extends IamQuotaExceededError { constructor(limit: number) { super(limit, undefined, 'subprojects') } }

/** A group's grants on IAM projects, a group's or a user's on enterprise projects (the clouds' `assigment_*` quotas). */
export class GrantQuotaExceededError extends IamQuotaExceededError {
  constructor(limit: number, actor: 'user' | 'group' | 'agency', target: 'project' | 'enterprise_project' | undefined) {
    super(limit, undefined, actor === 'agency'
      ? 'permissions of the agency'
      : `permissions of the ${actor === 'group' ? 'user group' : 'user'} on ${target === 'project' ? 'IAM projects' : 'enterprise projects'}`)
  }
}

export class AgencyQuotaExceededError extends IamQuotaExceededError { constructor(limit: number) { super(limit, undefined, 'agencies') } }

/** The clouds' fixed limit of groups one user belongs to (10). */
export class MembershipLimitExceededError extends IamQuotaExceededError { constructor(limit: number) { super(limit, undefined, 'user groups the user belongs to') } }

export class CustomRoleQuotaExceededError extends IamQuotaExceededError { constructor(limit: number) { super(limit, undefined, 'custom policies') } }

/** A user holds as many permanent access keys as the clouds allow; `akSkNumExceed` is their own word for it. */
export class AccessKeyQuotaExceededError extends ValidationError {
  constructor(readonly limit: number) {
    super('akSkNumExceed')
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413
  readonly code = 'request_too_large'
  constructor() {
    super('Request is too large.')
  }
}

export class InternalError extends AppError {
  readonly status = 500
  readonly code = 'internal'
  constructor(options?: { cause?: unknown }) {
    super('An unexpected error prevented the server from fulfilling your request.', {}, options)
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503
  readonly code = 'service_unavailable'
  constructor(options?: { cause?: unknown }) {
    super('The service is temporarily unavailable. Please retry later.', {}, options)
  }
}

/** Keystone's `RegionDeletionError` (a `ForbiddenNotSecurity`): its own sentence, not the policy refusal's. */
export class RegionDeletionError extends AppError {
  readonly status = 403
  readonly code = 'region_has_endpoints'
  constructor(regionId: string) {
    super(`Unable to delete region ${regionId} because it or its child regions have associated endpoints.`, { regionId })
  }
}

/**
 * Keystone's `InvalidDomainConfig`: a domain configuration naming a group or option Keystone does
 * not keep per domain, or an update that does not match its URL. A 403 whose reason is shown
 * (Keystone formats it from its own words, so `insecure_debug` does not hide it).
 */
export class InvalidDomainConfigError extends AppError {
  readonly status = 403
  readonly code = 'invalid_domain_config'
  constructor(reason: string) {
    super(`Invalid domain specific configuration: ${reason}.`, { reason })
  }
}

/** Keystone's `DomainConfigNotFound`: `what` is `any options`, `group <g>` or `option <o> in group <g>`. */
export class DomainConfigNotFoundError extends NotFoundError {
  override readonly code = 'domain_config_not_found'
  constructor(domainId: string, what: string) {
    super('domain config', domainId, `Could not find ${what} in domain configuration for domain ${domainId}.`)
  }
}
