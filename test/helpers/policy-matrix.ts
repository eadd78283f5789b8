/**
 * What the persona × route matrices (test/iam, test/eps) share: which routes they cover, and
 * that their tables cover exactly those.
 */
import { expect } from 'vitest'
import type { RouteInfo } from '../../src/app.js'
import type { TestServer } from './server.js'
import { tokenFor } from './fixtures.js'

/** Routes of the chosen services that need a caller; Fastify's automatic HEAD twin of a GET shares the GET's cell. */
export function matrixRoutes(s: TestServer, ofService: (service: RouteInfo['service']) => boolean): RouteInfo[] {
  const { routes, policy } = s.server
  return routes.filter((r) => ofService(r.service) && policy.entry(r.action!)!.rule !== 'public'
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
