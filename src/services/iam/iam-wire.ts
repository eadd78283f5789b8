/**
 * @module What every IAM capability's wire shares: the error body
 * `{"error":{"code","title","message"}}`, collection links with Keystone's paging, the URL a
 * request asked for, and the `{id, name}` reference. Bodies themselves are built in each
 * capability's `wire.ts`.
 */
import type { FastifyRequest } from 'fastify'
import type { NamedRef } from '../../auth/auth-context.js'
import { IamQuotaExceededError, ServiceCodedError, type AppError } from '../../errors/app-error.js'

const HTTP_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Request Entity Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  408: 'Request Timeout', 417: 'Expectation Failed', 431: 'Request Header Fields Too Large',
}

/** The clouds' codes for generic failures on flat routes (iam-projects.md §6); the messages are Keystone's. */
const FLAT_CODES: Record<number, string> = { 400: 'IAM.0011', 401: 'IAM.0001', 403: 'IAM.0002', 404: 'IAM.0004', 409: 'IAM.0005', 429: 'IAM.0012', 500: 'IAM.0006' }

export function renderIamError(error: AppError, _requestId?: string, format?: 'flat'): { status: number; body: unknown } {
  // The clouds' coded errors (`IAM.0004`, `1115`) come in Huawei's flat style (spec open question 1),
  // and so does every error of a flat route family (OS-USER), generic ones with the clouds' IAM.00xx code.
  if (format === 'flat' || error instanceof ServiceCodedError) {
    const code = error instanceof ServiceCodedError ? error.code : error instanceof IamQuotaExceededError && error.iamCode ? error.iamCode : FLAT_CODES[error.status] ?? FLAT_CODES[error.status >= 500 ? 500 : 400]!
    return { status: error.status, body: { error_msg: error.message, error_code: code } }
  }
  return { status: error.status, body: { error: { code: error.status, message: error.message, title: HTTP_TITLES[error.status] ?? 'Error' } } }
}

/** Where a listing stands among its pages, for its `previous` and `next` links. */
export interface PagePosition { page: number; perPage: number; hasPrevious: boolean; hasNext: boolean }

export interface CollectionLinks { self: string; previous: string | null; next: string | null }

export function collectionLinks(selfUrl: string, paging?: PagePosition): CollectionLinks {
  if (!paging) return { self: selfUrl, previous: null, next: null }
  const at = (page: number) => {
    const url = new URL(selfUrl)
    url.searchParams.set('page', String(page))
    url.searchParams.set('per_page', String(paging.perPage))
    return url.toString()
  }
  return { self: selfUrl, previous: paging.hasPrevious ? at(paging.page - 1) : null, next: paging.hasNext ? at(paging.page + 1) : null }
}

/** The URL the request asked for, on the public base URL: a listing's `self` link. */
export function selfUrl(base: string, request: FastifyRequest): string {
  return `${base}${request.url}`
}

export function ref(row: { id: string; name: string }): NamedRef {
  return { id: row.id, name: row.name }
}
