/**
 * @module COC's enterprise-project favourites: one list per user and account, replaced whole on
 * each save. COC keys the list by the caller, not by anything in the request, so `id` and
 * `user_id` in a body may only confirm what the token already says (spec open questions 21–22).
 * Ids are checked for form only, never against EPS (question 24): COC and EPS are separate
 * services, and a favourite outlives the enterprise project it names until the user saves again.
 */
import type { AuthContext } from '../../auth/auth-context.js'
import { CocErrors, quoteValue as quote } from '../../errors/coc-codes.js'
import { traceContext } from '../../audit/trace.js'
import { isoMicros, type Clock } from '../../shared/clock.js'
import type { CocStore, FavouritesRecord } from './store.js'
import type { FavouritesListQuery, FavouritesUpdateBody } from './schemas.js'
import { MAX_FAVOURITES, favouriteEpId, newFavouritesId, storedFavourites } from './rules.js'

/** `limit` of the list call, as COC documents it. */
export const LIST_LIMIT = { min: 1, max: 500 } as const

const DIGITS = /^[0-9]+$/

/**
 * The list as it will be stored (see rules.ts), empty strings dropped first: terraform clears a
 * list with `[""]`. Throws COC.00010002 naming the first element that is not an enterprise project id.
 */
export function normaliseEpIds(list: readonly string[]): string[] {
  const ids: string[] = []
  list.forEach((raw, index) => {
    if (raw === '') return
    const id = favouriteEpId(raw)
    if (id === undefined) {
      throw CocErrors.invalidParameters(`ep_id_list[${index}] ${quote(raw)} is not an enterprise project id: expected 0 or a UUID.`)
    }
    ids.push(id)
  })
  const kept = storedFavourites(ids)
  if (kept.length > MAX_FAVOURITES) {
    throw CocErrors.invalidParameters(`ep_id_list holds ${kept.length} enterprise project ids; at most ${MAX_FAVOURITES} are allowed.`)
  }
  return kept
}

/** Absent, null and "" are "not given". */
const given = (value: string | null | undefined): value is string => value !== undefined && value !== null && value !== ''

export interface CocServiceDeps {
  store: CocStore
  clock: Clock
  /** Record ids; tests may fix them. */
  newId?: () => string
}

export class CocService {
  private readonly newId: () => string

  constructor(private readonly deps: CocServiceDeps) {
    this.newId = deps.newId ?? newFavouritesId
  }

  /** The account whose favourites the caller reads and writes. */
  private accountOf(ctx: AuthContext): string {
    if (ctx.accountId === undefined) throw CocErrors.loginUserNull()
    return ctx.accountId
  }

  /** Replaces the caller's list (creating the record on first save); returns the record id. */
  async updateFavourites(ctx: AuthContext, body: FavouritesUpdateBody): Promise<string> {
    const accountId = this.accountOf(ctx)
    const epIds = normaliseEpIds(body.ep_id_list)
    if (given(body.user_id) && body.user_id !== ctx.user.id) {
      throw CocErrors.invalidParameters(`user_id ${quote(body.user_id)} is not the id of the calling user.`)
    }
    const now = isoMicros(this.deps.clock.now())
    const recordId = given(body.id) ? body.id : undefined
    return this.deps.store.transaction(async (tx) => {
      // Read for the trace only: the write below decides on its own, in one statement.
      const before = await tx.findFavourites(accountId, ctx.user.id)
      let id: string
      if (recordId !== undefined) {
        // NOTE: conditional update, not read-then-write: the record and its id are checked and
        // written in one statement. A record id never changes, so a match means "this record";
        // anything else the store refuses (FavouritesIdMismatchError, COC.00010002).
        await tx.updateFavourites(accountId, ctx.user.id, recordId, epIds, now)
        id = recordId
      } else {
        id = await tx.saveFavourites(accountId, ctx.user.id, epIds, this.newId(), now)
      }
      await tx.recordChange(traceContext(ctx, accountId, 'COC', 'updateFavouriteEnterpriseProjects', now), {
        resourceType: 'enterprise_project_collect', resourceId: id, resourceName: ctx.user.name,
        before: before === undefined ? null : favouritesState(before), after: favouritesState({ id, userId: ctx.user.id, epIds }),
      })
      return id
    })
  }

  /** The caller's own record, if any and if it matches `marker` and `id`: zero or one element. */
  async listFavourites(ctx: AuthContext, query: FavouritesListQuery): Promise<FavouritesRecord[]> {
    const accountId = this.accountOf(ctx)
    const limit = DIGITS.test(query.limit) ? Number(query.limit) : Number.NaN
    if (!(limit >= LIST_LIMIT.min && limit <= LIST_LIMIT.max)) {
      throw CocErrors.invalidParameters(`limit ${quote(query.limit)} is not an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}.`)
    }
    return this.deps.store.listFavourites(accountId, ctx.user.id, {
      limit,
      ...(given(query.marker) ? { afterId: query.marker } : {}),
      ...(given(query.id) ? { id: query.id } : {}),
    })
  }
}

/** The record as COC's GET shows it. */
function favouritesState(record: FavouritesRecord): object {
  return { id: record.id, user_id: record.userId, ep_id_list: [...record.epIds] }
}
