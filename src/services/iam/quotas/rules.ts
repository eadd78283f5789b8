/**
 * @module The quota each IAM type is held to: the clouds' defaults (spec §5.3, in
 * `src/flavours.ts`) unless `IAM_QUOTAS` sets another; none on a flavour without quotas (Keystone).
 */
import { IAM_QUOTAS, type Flavour, type IamQuotaType } from '../../../flavours.js'

export type QuotaOverrides = Partial<Record<IamQuotaType, number>>

/** The quota of `type`, or undefined where the flavour has no quotas (nothing is limited there). */
export function quotaLimits(flavour: Flavour, overrides: QuotaOverrides = {}): (type: IamQuotaType) => number | undefined {
  if (flavour.iam.quotaTypes.length === 0) return () => undefined
  return (type) => overrides[type] ?? IAM_QUOTAS[type].quota
}
