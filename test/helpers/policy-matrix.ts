/**
 * What the persona × route matrices (test/iam, test/eps) share: which routes they cover, and
 * that their tables cover exactly those.
 */
import { expect } from 'vitest'
import type { RouteInfo } from '../../src/app.js'
import type { TestServer } from './server.js'

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
