/**
 * @module Which service owns a URL, for answers no route gives (404, 405, framework refusals,
 * injected faults, metrics labels), so even those speak the service's error format.
 */
import type { ServiceName } from './fastify-types.js'
import { FAULTS_PATH } from './fault-injection.js'

/**
 * By prefix. `/_projectplane/` is our admin API for EPS resources and answers as EPS does; the
 * fault injection API is the server's own and answers as IAM does, registered or not.
 */
export function serviceForPath(path: string): ServiceName {
  if (path.startsWith('/v1/enterprise-project-collect')) return 'coc'
  if (path.startsWith(FAULTS_PATH)) return 'iam'
  if (/^\/(v1\.0|v1|v2|_projectplane)(\/|$)/.test(path)) return 'eps'
  return 'iam'
}
