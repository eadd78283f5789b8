/**
 * @module Who may call projectplane's own operational routes (health, metrics, API documents,
 * fault injection), as data like the service tables. They render errors as IAM does, the
 * server's default format.
 */
import type { PolicyEntry } from '../policy.js'

export const PROJECTPLANE_POLICIES: readonly PolicyEntry[] = [
  { action: 'projectplane:check_health', method: 'GET', path: '/healthz', rule: 'public', description: 'The process is up (no store access)' },
  { action: 'projectplane:check_readiness', method: 'GET', path: '/readyz', rule: 'public', description: 'The store answers and every migration this code knows is applied' },
  { action: 'projectplane:get_metrics', method: 'GET', path: '/metrics', rule: 'public', description: 'Prometheus metrics: requests, store latency, process (METRICS=off removes the route)' },
]
