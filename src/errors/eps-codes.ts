/**
 * @module EPS's documented error codes, with the texts the service returns (the OTC error table,
 * `" + "` artefacts included: that is what the service sends). Services throw these; generic
 * errors (401, 403, 404, bad JSON, …) get their EPS code in `services/eps/wire.ts`.
 */
import { ServiceCodedError } from './app-error.js'

const coded = (status: number, code: string, message: string) => () => new ServiceCodedError(status, code, message)

export const EpsErrors = {
  invalidName: coded(400, 'EPS.0007', 'Invalid enterprise project name.'),
  invalidDescription: coded(400, 'EPS.0008', 'Invalid enterprise project description.'),
  quotaExceeded: coded(400, 'EPS.0009', 'The number of enterprise projects exceeds the upper limit.'),
  nameExists: coded(409, 'EPS.0010', 'The enterprise project name already exists.'),
  defaultNotModifiable: coded(400, 'EPS.0012', 'The default enterprise project cannot be " + "modified.'),
  invalidAction: coded(400, 'EPS.0013', 'Invalid action.'),
  disabledNotModifiable: coded(400, 'EPS.0014', 'The disabled enterprise project cannot be modified'),
  defaultNoOperation: coded(400, 'EPS.0015', 'The default enterprise project does " + "not support the operation.'),
  holdsScalingGroups: coded(400, 'EPS.0016', 'Failed to disable the enterprise project because it contains " + "AS groups.'),
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
  disabledNoResources: coded(400, 'EPS.0034', 'The disabled enterprise project cannot have" + " the resources added.'),
  noProjectForGlobal: coded(400, 'EPS.0038', 'Operation failed. No project ID is allowed in Global service resource types.'),
  bodyTooLong: coded(400, 'EPS.0042', 'The request body length is too long. The maximum length allowed is 200 KB.'),
  invalidId: coded(400, 'EPS.0044', 'Invalid enterprise project id.'),
  invalidJson: coded(400, 'EPS.0049', 'Invalid json.'),
  /** EPS.0002 is the service's catch-all; the reason says what exactly was wrong. */
  badRequest: (reason: string) => new ServiceCodedError(400, 'EPS.0002', `Bad request. ${reason}`),
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
