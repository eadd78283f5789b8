/**
 * @module Who may call projectplane's own operational routes (health, metrics, API documents,
 * fault injection), as data like the service tables. They render errors as IAM does, the
 * server's default format.
 */
import type { PolicyEntry } from '../policy.js'

export const PROJECTPLANE_POLICIES: readonly PolicyEntry[] = [
  { action: 'projectplane:get_openapi', method: 'GET', path: '/openapi.json', rule: 'public', description: 'The OpenAPI 3.1 document of the routes this server serves' },
  { action: 'projectplane:get_docs', method: 'GET', path: '/docs', rule: 'public', description: 'The API documentation page (Swagger UI, served by this server)' },
  { action: 'projectplane:get_docs_file', method: 'GET', path: '/docs/:file', rule: 'public', description: 'A file of the documentation page (script, style sheet, icon)' },
]
