/**
 * Every route names an action that the policy tables know, and every policy entry matches a
 * route: no route can slip past `enforce()`, and no rule is dead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers/server.js'
import { IAM_POLICIES } from '../../src/auth/policies/iam.js'

describe('policy coverage', () => {
  let s: TestServer
  beforeAll(async () => { s = await startServer() })
  afterAll(() => s.close())

  it('gives every registered route a rule', () => {
    const routes = s.server.routes
    expect(routes.length).toBeGreaterThan(20)
    for (const route of routes) {
      expect(route.action, `${route.method} ${route.url}`).toBeDefined()
      expect(s.server.policy.entry(route.action!), `${route.method} ${route.url} → ${route.action}`).toBeDefined()
    }
  })

  it('matches each policy entry to the route it describes', () => {
    const registered = new Set(s.server.routes.map((r) => `${r.method} ${r.url} ${r.action}`))
    for (const entry of IAM_POLICIES) expect(registered, entry.action).toContain(`${entry.method} ${entry.path} ${entry.action}`)
  })
})
