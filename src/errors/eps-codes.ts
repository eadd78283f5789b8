/**
 * @module EPS's documented error codes, with the texts the service returns (the OTC error table,
 * `" + "` artefacts included: that is what the service sends). The EPS service and its store
 * throw these; generic errors (401, 403, 404, bad JSON, …) get their EPS code in `services/eps/wire.ts`.
 */
import { ConflictError, ServiceCodedError } from './app-error.js'

const coded = (status: number, code: string, message: string) => () => new ServiceCodedError(status, code, message)

/** EPS.0002 is the service's catch-all; the reason says what exactly was wrong. */
const BAD_REQUEST = 'EPS.0002'
const badRequestText = (reason: string) => `Bad request. ${reason}`

// ---- Refusals the EPS store throws. Each is its own type, so a caller (or a test) can tell them
// apart, and carries EPS's code and text, so the renderer sends it as it is: a store refusal (a
// unique or foreign-key violation included) becomes the client's error here, once.

/** EPS.0009: the account holds as many enterprise projects as its quota allows. */
export class EnterpriseProjectQuotaExceededError extends ServiceCodedError {
  constructor() {
    super(400, 'EPS.0009', 'The number of enterprise projects exceeds the upper limit.')
  }
}

/** EPS.0010: another enterprise project of the account has the name (its unique index says so). */
export class EnterpriseProjectNameTakenError extends ServiceCodedError {
  constructor(options?: { cause?: unknown }) {
    super(409, 'EPS.0010', 'The enterprise project name already exists.', options)
  }
}

/** EPS.0014: a disabled enterprise project keeps its name, description and type. */
export class EnterpriseProjectDisabledError extends ServiceCodedError {
  constructor() {
    super(400, 'EPS.0014', 'The disabled enterprise project cannot be modified')
  }
}

/** EPS.0002: a project may become `prod`, never go back to `poc`. */
export class EnterpriseProjectTypeDowngradeError extends ServiceCodedError {
  constructor() {
    super(400, BAD_REQUEST, badRequestText('A prod enterprise project cannot become poc; only poc → prod is allowed.'))
  }
}

/** EPS.0016: a project holding Auto Scaling groups cannot be disabled. */
export class EnterpriseProjectHoldsScalingGroupsError extends ServiceCodedError {
  constructor() {
    super(400, 'EPS.0016', 'Failed to disable the enterprise project because it contains " + "AS groups.')
  }
}

/** EPS.0002: a project holding resources cannot be deleted (the resources' foreign key says so). */
export class EnterpriseProjectHoldsResourcesError extends ServiceCodedError {
  constructor(options?: { cause?: unknown }) {
    super(400, BAD_REQUEST, badRequestText('The enterprise project still holds resources; move them to another enterprise project first.'), options)
  }
}

/** EPS.0034: resources move only into an enabled enterprise project. */
export class MoveTargetDisabledError extends ServiceCodedError {
  constructor() {
    super(400, 'EPS.0034', 'The disabled enterprise project cannot have" + " the resources added.')
  }
}

/** A resource of a move left the enterprise project it was read (and permission-checked) in; EPS.0041 on the wire. */
export class ResourceMovedMeanwhileError extends ConflictError {
  override readonly code = 'resource_moved_meanwhile'
  constructor() {
    super('resource', 'it was moved by another request meanwhile; retry')
  }
}

/** The codes the service throws itself; EPS.0009, 0010, 0014 and 0016 are only the store's refusals (above). */
export const EpsErrors = {
  invalidName: coded(400, 'EPS.0007', 'Invalid enterprise project name.'),
  invalidDescription: coded(400, 'EPS.0008', 'Invalid enterprise project description.'),
  defaultNotModifiable: coded(400, 'EPS.0012', 'The default enterprise project cannot be " + "modified.'),
  invalidAction: coded(400, 'EPS.0013', 'Invalid action.'),
  defaultNoOperation: coded(400, 'EPS.0015', 'The default enterprise project does " + "not support the operation.'),
  invalidLimit: coded(400, 'EPS.0017', 'Invalid limit.'),
  invalidOffset: coded(400, 'EPS.0018', 'Invalid offset.'),
  emptyProjectList: coded(400, 'EPS.0020', 'Empty project list.'),
  duplicatedProjects: coded(400, 'EPS.0021', 'Duplicated elements in the project list.'),
  invalidProjectId: coded(400, 'EPS.0022', 'Invalid project ID.'),
  emptyResourceTypes: coded(400, 'EPS.0023', 'Empty resource type list.'),
  duplicatedResourceTypes: coded(400, 'EPS.0024', 'Duplicated elements in the resource " + "type list.'),
  invalidResourceTypeElement: coded(400, 'EPS.0025', 'Invalid element in the resource type list.'),
  invalidProjectElement: coded(400, 'EPS.0026', 'Invalid element in the project list.'),
  invalidMatchesElement: coded(400, 'EPS.0027', 'Invalid element in the matches list.'),
  duplicatedMatchKeys: coded(400, 'EPS.0028', 'Duplicated keys in the matches list.'),
  invalidMatchKey: coded(400, 'EPS.0029', 'Invalid key in the matches list.'),
  invalidMatchValue: coded(400, 'EPS.0030', 'Invalid value in the matches list.'),
  invalidResourceType: coded(400, 'EPS.0031', 'Invalid resource type.'),
  invalidResourceId: coded(400, 'EPS.0032', 'Invalid resource ID.'),
  unsupportedProjectOrType: coded(400, 'EPS.0033', 'unsupported project or resource type.'),
  disabledNoResources: () => new MoveTargetDisabledError(),
  noProjectForGlobal: coded(400, 'EPS.0038', 'Operation failed. No project ID is allowed in Global service resource types.'),
  bodyTooLong: coded(400, 'EPS.0042', 'The request body length is too long. The maximum length allowed is 200 KB.'),
  invalidId: coded(400, 'EPS.0044', 'Invalid enterprise project id.'),
  invalidJson: coded(400, 'EPS.0049', 'Invalid json.'),
  badRequest: (reason: string) => new ServiceCodedError(400, BAD_REQUEST, badRequestText(reason)),
} as const

/** EPS's codes for the generic failures every service raises. */
export const EPS_GENERIC = {
  unauthorized: { status: 401, code: 'EPS.0003', message: 'Unauthorized user.' },
  forbidden: { status: 403, code: 'EPS.0004', message: 'Permission error.' },
  notFound: { status: 404, code: 'EPS.0005', message: 'Requested resources not found.' },
  conflict: { status: 409, code: 'EPS.0041', message: 'Conflict.' },
  internal: { status: 500, code: 'EPS.0001', message: 'System error.' },
  busy: { status: 503, code: 'EPS.0000', message: 'The system is busy, please try again later.' },
} as const
