/**
 * @module EPS's rules on enterprise projects and resources, as pure functions and constants. The
 * service applies them to requests and words a failure as EPS's code; the state document applies
 * them to a seed and words it for the person editing the file. Each rule is stated here once;
 * each caller keeps its own wording, since the two audiences need different sentences.
 */
import type { EpsFlavour } from '../../flavours.js'
import { DEFAULT_ENTERPRISE_PROJECT_NAME } from '../../shared/well-known-ids.js'
import type { ResourceTypeInfo } from './resource-types.js'

/** Longest enterprise project description, on both clouds. */
export const ENTERPRISE_PROJECT_DESCRIPTION_MAX_LENGTH = 512

/** An enterprise project is `prod` or `poc`; the store lets `poc` become `prod`, never back. */
export const ENTERPRISE_PROJECT_TYPES = ['prod', 'poc'] as const
export type EnterpriseProjectType = (typeof ENTERPRISE_PROJECT_TYPES)[number]
/** The type of a project created without one. */
export const DEFAULT_ENTERPRISE_PROJECT_TYPE: EnterpriseProjectType = 'prod'

export function isEnterpriseProjectType(value: string): value is EnterpriseProjectType {
  return (ENTERPRISE_PROJECT_TYPES as readonly string[]).includes(value)
}

/**
 * Whether the flavour's EPS accepts `name` for an enterprise project: 1 to `nameMaxLength`
 * characters of `namePattern`, and not the reserved `default` (HWC: equal to it in any case;
 * OTC: containing it in any case). The default project itself has that name; no other may.
 */
export function isEnterpriseProjectName(eps: EpsFlavour, name: string): boolean {
  if (name.length === 0 || name.length > eps.nameMaxLength || !eps.namePattern.test(name)) return false
  const lower = name.toLowerCase()
  return eps.reservedName === 'equals' ? lower !== DEFAULT_ENTERPRISE_PROJECT_NAME : !lower.includes(DEFAULT_ENTERPRISE_PROJECT_NAME)
}

/** Characters of a registered resource's id, and its longest length. */
export const RESOURCE_ID_CHARACTERS = 'A-Za-z0-9._:-'
export const RESOURCE_ID_MAX_LENGTH = 128
/** Longest registered resource name. */
export const RESOURCE_NAME_MAX_LENGTH = 255

/**
 * How a resource's placement breaks its type's rule, in the order EPS checks them: a global
 * type given an IAM project, a regional type given none, a bucket given no region.
 */
export type PlacementFault = 'project_on_global' | 'no_project' | 'no_region'

/** Regional types live in an IAM project; global ones have none, and OBS buckets name a region. */
export function placementFaults(type: ResourceTypeInfo, given: { readonly project: boolean; readonly region: boolean }): PlacementFault[] {
  const faults: PlacementFault[] = []
  if (type.global && given.project) faults.push('project_on_global')
  if (!type.global && !given.project) faults.push('no_project')
  if (type.needsRegion === true && !given.region) faults.push('no_region')
  return faults
}
