/**
 * @module Who may call which COC route: the role/policy-based action names, and the identity-policy
 * (IAM 5.0) names as a second spelling. Favourites are per user; the service keys them by caller.
 */
import type { PolicyEntry } from '../policy.js'

export const COC_POLICIES: readonly PolicyEntry[] = [
  { action: 'coc:update_favourites', method: 'PUT', path: '/v1/enterprise-project-collect', rule: 'permission', description: "Replace the caller's favourite enterprise projects", cloudActions: ['coc:enterpriseProject:updateCollect', 'coc::updateEpsCollection'] },
  { action: 'coc:list_favourites', method: 'GET', path: '/v1/enterprise-project-collect', rule: 'permission', description: "The caller's favourite enterprise projects", cloudActions: ['coc:enterpriseProject:listCollect', 'coc::listEpsCollection'] },
]
