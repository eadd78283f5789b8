/**
 * @module Request and response schemas of the COC favourites routes; handler types derive from
 * them. The PUT body is strict (an unknown field is refused, not dropped), but element formats,
 * `limit`'s range and the caller checks are the service's: they need the caller or read better
 * as one sentence than as a schema keyword. Query strings stay strings (ajv does not coerce).
 */
import { Type as T, type Static } from '@sinclair/typebox'

/** Absent, null and "" all mean "not given": SDKs that mark `id` required may send an empty one. */
const OptionalRef = T.Optional(T.Union([T.String(), T.Null()]))

export const FavouritesUpdateBodySchema = T.Object(
  {
    ep_id_list: T.Array(T.String()),
    id: OptionalRef,
    user_id: OptionalRef,
  },
  { additionalProperties: false },
)
export type FavouritesUpdateBody = Static<typeof FavouritesUpdateBodySchema>

/** Unknown query parameters are ignored, as the clouds' gateways do. */
export const FavouritesListQuerySchema = T.Object({
  limit: T.String(),
  marker: T.Optional(T.String()),
  id: T.Optional(T.String()),
})
export type FavouritesListQuery = Static<typeof FavouritesListQuerySchema>

export const FavouritesUpdateResponseSchema = T.Object({ data: T.String() })

export const FavouritesListResponseSchema = T.Object({
  data: T.Array(T.Object({ id: T.String(), user_id: T.String(), ep_id_list: T.Array(T.String()) })),
})
export type FavouritesListResponse = Static<typeof FavouritesListResponseSchema>
