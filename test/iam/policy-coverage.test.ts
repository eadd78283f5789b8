/**
 * Every route names an action that the policy tables know, and every policy entry matches a
 * route: no route can slip past `enforce()`, and no rule is dead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers/server.js'
import { IAM_POLICIES } from '../../src/auth/policies/iam.js'
import { EPS_POLICIES } from '../../src/auth/policies/eps.js'
import { COC_POLICIES } from '../../src/auth/policies/coc.js'
import { PROJECTPLANE_POLICIES } from '../../src/auth/policies/projectplane.js'
import { CTS_POLICIES } from '../../src/auth/policies/cts.js'

describe('policy coverage', () => {
  let s: TestServer
  // Fault injection's routes exist only when it is on.
  beforeAll(async () => { s = await startServer({ env: { FAULT_INJECTION: '1' } }) })
  afterAll(() => s.close())

  it('gives every registered route a rule', () => {
    const routes = s.server.routes
    expect(routes.length).toBeGreaterThan(20)
    for (const route of routes) {
      expect(route.action, `${route.method} ${route.url}`).toBeDefined()
      expect(s.server.policy.entry(route.action!), `${route.method} ${route.url} → ${route.action}`).toBeDefined()
    }
  })

  it('matches each policy entry to the route it describes (huaweicloud has every EPS and COC route)', () => {
    const registered = new Set(s.server.routes.map((r) => `${r.method} ${r.url} ${r.action}`))
    for (const entry of [...IAM_POLICIES, ...EPS_POLICIES, ...COC_POLICIES, ...PROJECTPLANE_POLICIES, ...CTS_POLICIES]) {
      // An action the service picks inside another route is checked against that route.
      const action = entry.partOf ?? entry.action
      if (entry.partOf) expect(s.server.policy.entry(entry.partOf)?.enforcedBy, entry.action).toBe('service')
      expect(registered, entry.action).toContain(`${entry.method} ${entry.path} ${action}`)
    }
  })
})
