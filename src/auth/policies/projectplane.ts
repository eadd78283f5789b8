/**
 * @module Who may call projectplane's own operational routes (health, metrics, API documents,
 * fault injection), as data like the service tables. They render errors as IAM does, the
 * server's default format.
 */
import type { PolicyEntry } from '../policy.js'

export const PROJECTPLANE_POLICIES: readonly PolicyEntry[] = [
]
