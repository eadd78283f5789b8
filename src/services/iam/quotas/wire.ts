/**
 * @module The quota envelope of `OS-QUOTA`: `{"quotas": {"resources": [...]}}`, as the SDK's
 * `QuotaResult` and `Resources` models read it.
 */
import type { QuotaResource } from './service.js'

export class QuotaWire {
  quotas(resources: readonly QuotaResource[]): unknown {
    return { quotas: { resources: resources.map(({ type, quota, used, min, max }) => ({ type, quota, used, min, max })) } }
  }
}
