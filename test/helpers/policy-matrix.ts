/**
 * What the persona × route matrices (test/iam, test/eps) share: which routes they cover, and
 * that their tables cover exactly those.
 */
import { expect } from 'vitest'
import type { RouteInfo } from '../../src/app.js'
import { PROJECTPLANE_POLICIES } from '../../src/auth/policies/projectplane.js'
import { call, type TestServer } from './server.js'
import { createAccount, createPlainUser, tokenFor } from './fixtures.js'

/** The server's own operator routes (faults, accounts, state): their matrix is test/state/operator-matrix.test.ts. */
const OPERATOR_ACTIONS = new Set(PROJECTPLANE_POLICIES.map((e) => e.action))

/**
 * Routes of the chosen services that need a caller; Fastify's automatic HEAD twin of a GET shares
 * the GET's cell. The operator routes answer as IAM does but are no IAM API: they have their own matrix.
 */
export function matrixRoutes(s: TestServer, ofService: (service: RouteInfo['service']) => boolean): RouteInfo[] {
  const { routes, policy } = s.server
  return routes.filter((r) => ofService(r.service) && !OPERATOR_ACTIONS.has(r.action!) && policy.entry(r.action!)!.rule !== 'public'
    && !(r.method === 'HEAD' && routes.some((g) => g.method === 'GET' && g.url === r.url && g.action === r.action)))
}

/** Every route has a case in `table` (keyed `METHOD /url`), and no case is left without a route. */
export function expectOneCasePerRoute(routes: readonly RouteInfo[], table: Record<string, unknown>): void {
  const keys = routes.map((r) => `${r.method} ${r.url}`)
  expect(keys.filter((k) => !(k in table))).toEqual([])
  expect(Object.keys(table).filter((k) => !keys.includes(k))).toEqual([])
}

/** The suites' admin API: answers the body, throws on any refusal. */
type AdminApi = (method: string, path: string, body?: unknown) => Promise<any>

/** A user in a group of its own that holds `roleName` on the account (none when empty), with its token. */
export async function persona(s: TestServer, api: AdminApi, name: string, roleName: string, password: string) {
  const user = (await api('POST', '/v3/users', { user: { name, password } })).user.id as string
  const group = (await api('POST', '/v3/groups', { group: { name: `${name}-group` } })).group.id as string
  await api('PUT', `/v3/groups/${group}/users/${user}`)
  if (roleName) {
    const roleId = (await api('GET', `/v3/roles?name=${roleName}`)).roles[0].id as string
    await api('PUT', `/v3/domains/${s.account.id}/groups/${group}/roles/${roleId}`)
  }
  return { user, group, token: await tokenFor(s, name, password, s.account.name) }
}

/**
 * An agency of the suite's account that holds `roleId` on the account, trusting a new account
 * `trustedName`, and a domain-scoped token of it assumed (`assume_role`) by that account's
 * `operator`, a user holding Agent Operator (`te_agency`) on its own account and nothing else.
 */
export async function agencyPersona(s: TestServer, api: AdminApi, trustedName: string, agencyName: string, roleId: string, password: string) {
  const trusted = await createAccount(s, trustedName, password)
  const trustedAdmin = await tokenFor(s, 'admin', password, trusted.name)
  const operator = await createPlainUser(s, trusted.id, 'operator', password)
  const teAgency = (await call(`${s.url}/v3/roles?name=te_agency`, { token: trustedAdmin })).body.roles[0].id as string
  const granted = await call(`${s.url}/v3/domains/${trusted.id}/users/${operator}/roles/${teAgency}`, { method: 'PUT', token: trustedAdmin })
  if (granted.status !== 204) throw new Error(`te_agency for ${trustedName}/operator: ${granted.status} ${granted.text}`)
  const agency = (await api('POST', '/v3.0/OS-AGENCY/agencies', { agency: { name: agencyName, domain_id: s.account.id, trust_domain_id: trusted.id, duration: 'FOREVER' } })).agency.id as string
  await api('PUT', `/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/${agency}/roles/${roleId}`)
  const operatorToken = await tokenFor(s, 'operator', password, trusted.name)
  /** A new token of the agency (cells that revoke one need their own). */
  const assume = async () => {
    const assumed = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST', token: operatorToken,
      body: { auth: { identity: { methods: ['assume_role'], assume_role: { domain_id: s.account.id, agency_name: agencyName } } } },
    })
    if (assumed.status !== 201) throw new Error(`assume ${agencyName}: ${assumed.status} ${assumed.text}`)
    return assumed.headers.get('x-subject-token')!
  }
  return { agency, trusted, operator, token: await assume(), assume }
}
