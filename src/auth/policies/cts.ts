/**
 * @module Who may read the audit trail (the traces API), as data. CTS's own action name is
 * `cts:trace:list`: Tenant Administrator and Tenant Guest hold it through their wildcards.
 */
import type { PolicyEntry } from '../policy.js'

export const CTS_POLICIES: readonly PolicyEntry[] = [
  { action: 'cts:list_traces', method: 'GET', path: '/v3/:project_id/traces', rule: 'permission', description: "List the account's traces: every change, who made it, from where, before and after", cloudActions: ['cts:trace:list'] },
]
