/**
 * @module COC's wire: the favourites bodies and COC's flat error body `{"error_code","error_msg"}`.
 * COC documents a single code for every bad request (`COC.00010002` "Invalid parameter values."),
 * so the reason appended to it is all a client has to go on: schema failures are worded here as
 * one plain sentence about the field, not as Keystone's jsonschema text the IAM routes use.
 */
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js'
import { MissingAttributeError, type AppError } from '../../errors/app-error.js'
import { COC_GENERIC, CocErrors } from '../../errors/coc-codes.js'
import { codedFailure } from '../../http/coded-errors.js'
import type { FavouritesRecord } from './store.js'
import type { FavouritesListResponse } from './schemas.js'

const COC_CODES = { ...COC_GENERIC, badRequest: CocErrors.invalidParameters }

/** Keystone's boilerplate tail says nothing in a COC message: the short sentence goes instead. */
function cocError(error: AppError): AppError {
  if (error instanceof MissingAttributeError) return CocErrors.invalidParameters(error.summary)
  return error
}

export function renderCocError(error: AppError): { status: number; body: unknown } {
  const failure = codedFailure(cocError(error), COC_CODES)
  return { status: failure.status, body: { error_code: failure.code, error_msg: failure.message } }
}

/** `PUT` answer: the id of the record written. */
export function favouritesSaved(id: string): { data: string } {
  return { data: id }
}

/** `GET` answer, in the field order of COC's example. */
export function favouritesList(records: readonly FavouritesRecord[]): FavouritesListResponse {
  return { data: records.map((r) => ({ id: r.id, user_id: r.userId, ep_id_list: [...r.epIds] })) }
}

const ARTICLE: Record<string, string> = {
  string: 'a string', array: 'an array', object: 'a JSON object', integer: 'an integer', number: 'a number', boolean: 'a boolean', null: 'null',
}

/** `/ep_id_list/3` → `ep_id_list[3]`. */
function fieldName(instancePath: string): string {
  return instancePath.split('/').slice(1).map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`)).join('')
}

function reason(error: FastifySchemaValidationError, context: SchemaErrorDataVar): string {
  const params = error.params
  const field = fieldName(error.instancePath)
  switch (error.keyword) {
    case 'required':
      return `${field ? `${field}.` : ''}${String(params.missingProperty)} is mandatory.`
    case 'additionalProperties':
      return `Unknown field '${String(params.additionalProperty)}'.`
    case 'type':
      if (!field) return context === 'body' ? 'The request body must be a JSON object.' : `The ${context} is not valid.`
      // A query parameter given twice arrives as an array.
      if (context === 'querystring') return `${field} must be given once.`
      return `${field} must be ${ARTICLE[String(params.type)] ?? String(params.type)}.`
    default:
      return `${field || `The ${context}`} is not valid.`
  }
}

/**
 * The route-level `schemaErrorFormatter` of the COC routes. With ajv's `allErrors` several may
 * come; the first names the problem (a nullable field's "must be a string" comes before its
 * "or null" and the `anyOf` that sums them up).
 */
export function cocSchemaError(errors: FastifySchemaValidationError[], context: SchemaErrorDataVar): Error {
  return CocErrors.invalidParameters(errors[0] ? reason(errors[0], context) : 'The request is not valid.')
}
