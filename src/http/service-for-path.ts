/**
 * @module Which service owns a URL, for answers no route gives (404, 405, framework refusals,
 * injected faults, metrics labels), so even those speak the service's error format.
 */
import type { ServiceName } from './fastify-types.js'
import { FAULTS_PATH, OPERATOR_ACCOUNTS_PATH, OPERATOR_STATE_PATH } from './fault-injection.js'

/**
 * By prefix (CTS by its one path). `/_projectplane/` is our admin API for EPS resources and answers as EPS does; the
 * fault injection and operator APIs are the server's own and answer as IAM does, registered or not.
 */
export function serviceForPath(path: string): ServiceName {
  if (path.startsWith('/v1/enterprise-project-collect')) return 'coc'
  // CTS shares IAM's `/v3` prefix; a refusal made before routing (a 600-character project id)
  // must still speak CTS's format. No IAM route ends in `/traces` after one segment.
  if (/^\/v3\/[^/]+\/traces\/?$/.test(path)) return 'cts'
  if ([FAULTS_PATH, OPERATOR_ACCOUNTS_PATH, OPERATOR_STATE_PATH].some((p) => path.startsWith(p))) return 'iam'
  if (/^\/(v1\.0|v1|v2|_projectplane)(\/|$)/.test(path)) return 'eps'
  return 'iam'
}
