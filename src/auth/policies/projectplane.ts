/**
 * @module Who may call projectplane's own operational routes (health, metrics, API documents,
 * fault injection, the operator API), as data like the service tables. They render errors as IAM does, the
 * server's default format.
 */
import type { PolicyEntry } from '../policy.js'

export const PROJECTPLANE_POLICIES: readonly PolicyEntry[] = [
  { action: 'projectplane:get_openapi', method: 'GET', path: '/openapi.json', rule: 'public', description: 'The OpenAPI 3.1 document of the routes this server serves' },
  { action: 'projectplane:get_docs', method: 'GET', path: '/docs', rule: 'public', description: 'The API documentation page (Swagger UI, served by this server)' },
  { action: 'projectplane:get_docs_file', method: 'GET', path: '/docs/:file', rule: 'public', description: 'A file of the documentation page (script, style sheet, icon)' },
  // The web console is files only: every call it makes is the API's, with the signed-in user's permissions.
  { action: 'projectplane:get_console', method: 'GET', path: '/console', rule: 'public', description: 'The web console (a single-page app served by this server)' },
  { action: 'projectplane:get_console_file', method: 'GET', path: '/console/*', rule: 'public', description: "A file of the web console, or one of its pages (the app's index.html)" },
  // Issue 18: the console's sign-in (the server applies the console ACL and login protection
  // there) and the verification of a critical operation under the account's operation protection.
  { action: 'projectplane:console_sign_in', method: 'POST', path: '/console/api/sign-in', rule: 'public', description: "The web console's sign-in: a password token, refused outside the console ACL, with the login protection's second step" },
  { action: 'projectplane:console_verify_operation', method: 'POST', path: '/console/api/verification', rule: 'authenticated', description: "Asks for (no code) or checks (a code) the verification of a critical console operation under the account's operation protection" },
  { action: 'projectplane:console_get_mfa_device', method: 'GET', path: '/console/api/mfa-device', rule: 'authenticated', description: "The caller's own virtual MFA device and whether it is bound (the API's show has no such field)" },
  // Fault injection (routes exist only when it is enabled). Beyond the rule, the route lets only
  // the server's operator through (keystone's system admin, or an admin of the first account):
  // faults apply to every account on the server. Custom policies name the three-part forms.
  { action: 'projectplane:get_faults', method: 'GET', path: '/_projectplane/faults', rule: 'permission', description: 'Show the fault injection rules and their counters (operator only)', cloudActions: ['projectplane:faults:get'] },
  { action: 'projectplane:update_faults', method: 'PUT', path: '/_projectplane/faults', rule: 'permission', description: 'Replace the fault injection rules (operator only)', cloudActions: ['projectplane:faults:update'] },
  { action: 'projectplane:delete_faults', method: 'DELETE', path: '/_projectplane/faults', rule: 'permission', description: 'Remove every fault injection rule (operator only)', cloudActions: ['projectplane:faults:delete'] },
  // The operator API (src/state/operator/): accounts on demand and the state over HTTP, for test
  // suites. The same operator rule as faults: they reach every account on the server. An export
  // holds every password hash and secret key: its cloud action is `export`, not `get`, so the
  // first account's read-only users (`*:*:get*`, `*:*:list*`) may list accounts but not read it.
  { action: 'projectplane:create_account', method: 'POST', path: '/_projectplane/accounts', rule: 'permission', description: 'Create an account as the cloud gives a new one, with its administrator and an access key (operator only)', cloudActions: ['projectplane:accounts:create'] },
  { action: 'projectplane:list_accounts', method: 'GET', path: '/_projectplane/accounts', rule: 'permission', description: 'List every account on the server, oldest first (operator only)', cloudActions: ['projectplane:accounts:list'] },
  { action: 'projectplane:delete_account', method: 'DELETE', path: '/_projectplane/accounts/:account_id', rule: 'permission', description: 'Delete an account and everything in it, its audit trail too (operator only)', cloudActions: ['projectplane:accounts:delete'] },
  { action: 'projectplane:export_state', method: 'GET', path: '/_projectplane/state', rule: 'permission', description: 'Export the state document, whole or of one account (?account=); it holds secrets (operator only)', cloudActions: ['projectplane:state:export'] },
  { action: 'projectplane:import_state', method: 'PUT', path: '/_projectplane/state', rule: 'permission', description: 'Replace the whole state, or one account (?account=), with a state document (operator only)', cloudActions: ['projectplane:state:update'] },
  { action: 'projectplane:reset_state', method: 'DELETE', path: '/_projectplane/state', rule: 'permission', description: "Reset the state: every other account deleted and the caller's reset, or one account (?account=) back to new (operator only)", cloudActions: ['projectplane:state:delete'] },
  // Issue 18: the outbox of codes that would go by SMS or e-mail. Its codes sign users in: as the export, its cloud action is no `get`/`list` a read-only user holds.
  { action: 'projectplane:list_outbox', method: 'GET', path: '/_projectplane/outbox', rule: 'permission', description: 'List the codes that would have gone by SMS or e-mail, of one user (?user_id=) or all, newest first (operator only)', cloudActions: ['projectplane:outbox:read'] },
  { action: 'projectplane:check_health', method: 'GET', path: '/healthz', rule: 'public', description: 'The process is up (no store access)' },
  { action: 'projectplane:check_readiness', method: 'GET', path: '/readyz', rule: 'public', description: 'The store answers and every migration this code knows is applied' },
  { action: 'projectplane:get_metrics', method: 'GET', path: '/metrics', rule: 'public', description: 'Prometheus metrics: requests, store latency, process (METRICS=off removes the route)' },
]
