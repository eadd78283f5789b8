/**
 * Every route names an action that the policy tables know, with the method and path the table
 * gives it, and every policy entry matches a route: no route can slip past `enforce()`, none is
 * guarded by another route's rule, and no rule is dead.
 *
 * `buildApp` refuses a route without a rule (its `onRoute` hook throws), so every app that gets
 * built has only covered routes, and walking its routes for a missing rule could never fail: the
 * refusal itself is tested here, by building the app from tables that lack one route's rule.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.js'
import { recordSecret, testLogEnv } from '../helpers/secrets.js'
import { IAM_POLICIES } from '../../src/auth/policies/iam.js'
import { EPS_POLICIES } from '../../src/auth/policies/eps.js'
import { COC_POLICIES } from '../../src/auth/policies/coc.js'
import { PROJECTPLANE_POLICIES } from '../../src/auth/policies/projectplane.js'
import { CTS_POLICIES } from '../../src/auth/policies/cts.js'

const ALL_POLICIES = [...IAM_POLICIES, ...EPS_POLICIES, ...COC_POLICIES, ...PROJECTPLANE_POLICIES, ...CTS_POLICIES]

describe('policy coverage', () => {
  let s: TestServer
  /** Routes only the keystone flavour registers (region writes, project tags) are checked on it. */
  let keystone: TestServer
  // Fault injection's routes exist only when it is on.
  beforeAll(async () => {
    s = await startServer({ env: { FAULT_INJECTION: '1' } })
    keystone = await startServer({ flavour: 'keystone' })
  })
  afterAll(async () => { await s.close(); await keystone.close() })

  it('guards every registered route by the rule its table gives that method and path', () => {
    for (const server of [s, keystone]) {
    const routes = server.server.routes
    expect(routes.length).toBeGreaterThan(20)
    for (const route of routes) {
      const entry = server.server.policy.entry(route.action!)
      // Fastify adds a HEAD route for every GET route: it shares the GET route's rule.
      const method = route.method === 'HEAD' && entry?.method === 'GET' ? 'GET' : route.method
      expect({ method: entry?.method, path: entry?.path }, `${route.method} ${route.url} → ${route.action}`).toEqual({ method, path: route.url })
    }
    }
  })

  it('matches each policy entry to the route it describes (huaweicloud has every EPS and COC route, keystone its own)', () => {
    const registered = new Set([...s.server.routes, ...keystone.server.routes].map((r) => `${r.method} ${r.url} ${r.action}`))
    for (const entry of ALL_POLICIES) {
      // Keystone's own APIs are registered in the keystone flavour only (checked below).
      if (entry.keystoneOnly) continue
      // An action the service picks inside another route is checked against that route.
      const action = entry.partOf ?? entry.action
      if (entry.partOf) expect(s.server.policy.entry(entry.partOf)?.enforcedBy, entry.action).toBe('service')
      expect(registered, entry.action).toContain(`${entry.method} ${entry.path} ${action}`)
    }
  })

  it('registers the keystone-only entries in the keystone flavour', () => {
    const registered = new Set(keystone.server.routes.map((r) => `${r.method} ${r.url} ${r.action}`))
    const keystoneOnly = ALL_POLICIES.filter((entry) => entry.keystoneOnly)
    expect(keystoneOnly.length).toBeGreaterThan(0)
    for (const entry of keystoneOnly) expect(registered, entry.action).toContain(`${entry.method} ${entry.path} ${entry.action}`)
  })

  it('names every action once across the tables', () => {
    const actions = ALL_POLICIES.map((entry) => entry.action)
    expect(actions.filter((action, i) => actions.indexOf(action) !== i)).toEqual([])
  })
})

describe('an app refuses a route without a rule', () => {
  it('fails to build when a registered route has no entry in the policy tables', async () => {
    // The tables without one rule whose route every flavour registers: the route is left uncovered.
    const dropped = CTS_POLICIES.find((entry) => !entry.partOf)!
    vi.doMock('../../src/auth/policies/cts.js', async (importOriginal) => {
      const original = await importOriginal<typeof import('../../src/auth/policies/cts.js')>()
      return { ...original, CTS_POLICIES: original.CTS_POLICIES.filter((entry) => entry.action !== dropped.action) }
    })
    vi.resetModules()
    try {
      const { openProjectplane } = await import('../../src/server.js')
      recordSecret('password', ADMIN_PASSWORD)
      const config = loadConfig({ IN_MEMORY: '1', PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...testLogEnv('server') })
      // An app built in spite of the gap is closed, and the test says it was built.
      const refusal = await openProjectplane(config).then(async (built) => { await built.close() }, (error: unknown) => error)
      expect((refusal as Error | undefined)?.message).toBe(`route ${dropped.method} ${dropped.path} has no policy action`)
    } finally {
      vi.doUnmock('../../src/auth/policies/cts.js')
      vi.resetModules()
    }
  })
})
