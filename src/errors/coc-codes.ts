/**
 * @module COC's error codes. COC documents `COC.00010002` for bad parameters, `COC.00011013` for a
 * request without a user and `common.01010001` for a missing or invalid token; it documents no
 * code for 403, 404 or 5xx, so those below are projectplane's own (marked, see docs/decisions.md).
 */
import { ServiceCodedError } from './app-error.js'

export const COC_INVALID_PARAMETERS = 'COC.00010002'
/** The reason follows the documented text, so a client sees what exactly was wrong. */
const invalidParametersText = (reason: string) => `Invalid parameter values. ${reason}`

/** A value quoted in an error message, cut short so a message stays a sentence. */
export function quoteValue(value: string): string {
  return `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`
}

/**
 * The store's one refusal: a save naming a record id that is not the id of the caller's record
 * (or naming one when the caller has none). Thrown by the conditional update that decides it, in
 * COC's words, so nothing translates it again.
 */
export class FavouritesIdMismatchError extends ServiceCodedError {
  constructor(readonly recordId: string) {
    super(400, COC_INVALID_PARAMETERS, invalidParametersText(`id ${quoteValue(recordId)} is not the id of the caller's favourites record.`))
  }
}

export const CocErrors = {
  invalidParameters: (reason: string) => new ServiceCodedError(400, COC_INVALID_PARAMETERS, invalidParametersText(reason)),
  loginUserNull: () => new ServiceCodedError(400, 'COC.00011013', 'Login user is null.'),
} as const

export const COC_GENERIC = {
  unauthorized: { status: 401, code: 'common.01010001', message: 'Token missing or invalid.' },
  /** Not upstream: COC documents no permission-denied code. */
  forbidden: { status: 403, code: 'COC.00010003', message: 'Permission denied.' },
  /** Not upstream. */
  notFound: { status: 404, code: 'COC.00010004', message: 'Resource not found.' },
  /** Not upstream. */
  internal: { status: 500, code: 'COC.00010001', message: 'System error.' },
  /** Not upstream. */
  busy: { status: 503, code: 'COC.00010005', message: 'The system is busy, please try again later.' },
} as const
