/**
 * @module The quota each IAM type is held to: the clouds' defaults (spec §5.3, in
 * `src/flavours.ts`) unless `IAM_QUOTAS` sets another; none on a flavour without quotas (Keystone).
 */
import { IAM_FIXED_LIMITS, IAM_QUOTAS, type Flavour, type IamLimit, type IamQuotaType } from '../../../flavours.js'

export type QuotaOverrides = Partial<Record<IamQuotaType, number>>

/** The limit of `type`, or undefined where the flavour has no quotas (nothing is limited there). */
export function quotaLimits(flavour: Flavour, overrides: QuotaOverrides = {}): (type: IamLimit) => number | undefined {
  if (flavour.iam.quotaTypes.length === 0) return () => undefined
  return (type) => (type in IAM_FIXED_LIMITS ? IAM_FIXED_LIMITS[type as keyof typeof IAM_FIXED_LIMITS] : overrides[type as IamQuotaType] ?? IAM_QUOTAS[type as IamQuotaType].quota)
}

/**
 * The per-subject quota a grant counts against: a group's on IAM projects, a group's or a user's
 * on enterprise projects, an agency's on the account and its projects (all kinds together).
 */
export function grantQuotaType(actorType: 'user' | 'group' | 'agency', targetType: string): 'assigment_group_mp' | 'assigment_group_ep' | 'assigment_user_ep' | 'assigment_agency_mp' | undefined {
  if (actorType === 'agency') return targetType === 'enterprise_project' ? undefined : 'assigment_agency_mp'
  if (targetType === 'enterprise_project') return actorType === 'group' ? 'assigment_group_ep' : 'assigment_user_ep'
  return actorType === 'group' && targetType === 'project' ? 'assigment_group_mp' : undefined
}
