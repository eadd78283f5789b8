/**
 * @module COC's rules on a favourites list, as pure functions and constants. The service applies
 * them to a PUT and words a failure as COC.00010002; the state document applies them to a seed's
 * `favourites` and words a failure for the person editing the file. Each rule is stated once here.
 */
import { newHexId } from '../../shared/ids.js'
import { ENTERPRISE_PROJECT_ID } from '../../shared/well-known-ids.js'

/** Most favourites one list may hold; far above the enterprise projects an account may have (EPS quota 100). */
export const MAX_FAVOURITES = 1000

/** A record id: 24 lower-case hex characters, as COC-CMDB's ids look. */
export const FAVOURITES_ID_PATTERN = '^[0-9a-f]{24}$'
export const newFavouritesId = (): string => newHexId(12)

/**
 * An entry of a list as COC keeps it: lower-cased (EPS spells ids so, and duplicates are then
 * seen), or undefined when it is not an enterprise project id ('0' or a UUID). The id is checked
 * for form only, never against EPS: a favourite outlives the enterprise project it names.
 */
export function favouriteEpId(entry: string): string | undefined {
  const id = entry.toLowerCase()
  return ENTERPRISE_PROJECT_ID.test(id) ? id : undefined
}

/** The list as stored: each id once, where it first stands, in the user's order. */
export function storedFavourites(ids: Iterable<string>): string[] {
  return [...new Set(ids)]
}
