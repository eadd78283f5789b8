/**
 * @module Refusals of the HTTP itself rather than of an API call: what Node would otherwise answer
 * on its own, with an empty body, or not at all. They render in the owning service's format like
 * any other AppError.
 */
import { AppError, ValidationError } from '../errors/app-error.js'

export class RequestTimeoutError extends AppError {
  readonly status = 408
  readonly code = 'request_timeout'
  constructor() {
    super('The request was not received in time.')
  }
}

export class ExpectationFailedError extends AppError {
  readonly status = 417
  readonly code = 'expectation_failed'
  constructor() {
    super("The expectation in the Expect header cannot be met: only '100-continue' is supported.")
  }
}

export class HeadersTooLargeError extends AppError {
  readonly status = 431
  readonly code = 'request_headers_too_large'
  constructor() {
    super('The request headers are too large.')
  }
}

export class MissingHostError extends ValidationError {
  constructor() {
    super('An HTTP/1.1 request must have a Host header.')
  }
}

export class UnparsableHttpError extends ValidationError {
  constructor() {
    super('The request is not valid HTTP.')
  }
}
