/**
 * @module Project rules that hold wherever a project comes from: the API (`ProjectService`) and
 * a state document (`src/state/`). Pure functions; each caller words its own message.
 */
import type { Flavour } from '../../../flavours.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { ProjectRow } from '../../../db/schema.js'

/** `<region>_<suffix>`: the region a custom project's name starts with, when it has that form (region ids never hold '_'). */
export function regionPrefixOf(name: string): string | undefined {
  const cut = name.indexOf('_')
  return cut > 0 && cut < name.length - 1 ? name.slice(0, cut) : undefined
}

/** The region of a project on the clouds, among `regionIds`: a region project is named after its region, others `<region>_…`. */
export function regionOfProjectName(name: string, regionIds: ReadonlySet<string>): string | undefined {
  if (regionIds.has(name)) return name
  const region = regionPrefixOf(name)
  return region !== undefined && regionIds.has(region) ? region : undefined
}

/** The longest description the flavour allows, when the description is longer; undefined when it fits. */
export function descriptionLimitExceeded(flavour: Flavour, description: string): number | undefined {
  const max = flavour.iam.projectDescriptionMaxLength
  return max !== undefined && description.length > max ? max : undefined
}

/** Roles that make a domain-scoped token a domain reader (Keystone's bootstrap: admin implies member implies reader). */
const READER_ROLES = new Set(['reader', 'member', 'admin'])

export function isDomainReader(ctx: AuthContext): boolean {
  return ctx.scope.type === 'domain' && ctx.roles.some((r) => READER_ROLES.has(r.name))
}

/**
 * Keystone 22's identity:get_project (and its tag reads) for anyone but the administrator: a
 * token scoped to the project, or a reader of its domain. Anyone else is refused, whether the
 * project exists or not.
 */
export function keystoneMayRead(ctx: AuthContext, id: string, project: ProjectRow | undefined): boolean {
  if (ctx.scope.type === 'project') return ctx.scope.project.id === id
  return ctx.scope.type === 'domain' && project?.domain_id === ctx.scope.domain.id && isDomainReader(ctx)
}

/** A list as the validation messages print it (http/validation-message.ts). */
export function reprList(tags: readonly string[]): string {
  const json = JSON.stringify(tags)
  return json.length > 80 ? `${json.slice(0, 80)}...` : json
}
