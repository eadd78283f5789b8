/**
 * @module Reading IAM query values, which arrive as text: booleans as Keystone reads them and
 * `page`/`per_page` paging. Anything else is refused with the field named, never guessed.
 */
import { InvalidFieldError } from '../../errors/app-error.js'

const MAX_PER_PAGE = 5000

export interface Paging { page: number; perPage: number }

/** Keystone's reading of boolean query values, with anything else refused rather than guessed. */
export function parseBoolean(field: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  const v = value.toLowerCase()
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw new InvalidFieldError(field, `'${value}' is not a boolean; use true or false`)
}

/** Undefined when the caller asked for no page. */
export function parsePaging(page: string | undefined, perPage: string | undefined, maxPerPage = MAX_PER_PAGE): Paging | undefined {
  if (page === undefined && perPage === undefined) return undefined
  if (page === undefined || perPage === undefined) {
    throw new InvalidFieldError(page === undefined ? 'page' : 'per_page', "'page' and 'per_page' must be given together")
  }
  if (!/^[1-9]\d{0,8}$/.test(page)) throw new InvalidFieldError('page', `'${page}' is not a whole number of at least 1`)
  if (!/^[1-9]\d{0,3}$/.test(perPage) || Number(perPage) > maxPerPage) {
    throw new InvalidFieldError('per_page', `'${perPage}' is not a whole number from 1 to ${maxPerPage}`)
  }
  return { page: Number(page), perPage: Number(perPage) }
}
