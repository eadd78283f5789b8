/**
 * @module Request schemas of the operator API (`/_projectplane/accounts`, `/_projectplane/state`).
 * The state document itself is checked by `parseStateDocument`, which names every problem at its
 * place; the schema here only says it is an object.
 */
import { Type as T, type Static } from '@sinclair/typebox'

const closed = { additionalProperties: false } as const

export const AccountCreateBodySchema = T.Object({
  account: T.Object({
    name: T.String({ minLength: 1, maxLength: 64, pattern: '\\S' }),
    description: T.Optional(T.String({ maxLength: 255 })),
    /** The account's administrator: `admin` (the flavour's name) and a generated password when left out. */
    admin: T.Optional(T.Object({
      name: T.Optional(T.String({ minLength: 1, maxLength: 64, pattern: '\\S' })),
      password: T.Optional(T.String({ minLength: 1, maxLength: 128 })),
    }, closed)),
    /** A permanent access key (AK/SK) of the administrator, returned with its secret (clouds only). */
    access_key: T.Optional(T.Boolean()),
    /** The regions to give a system project (clouds only); every region of the server when left out. */
    regions: T.Optional(T.Array(T.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100, uniqueItems: true })),
  }, closed),
}, closed)
export type AccountCreateBody = Static<typeof AccountCreateBodySchema>

export const AccountParamsSchema = T.Object({ account_id: T.String({ minLength: 1, maxLength: 64 }) })
export type AccountParams = Static<typeof AccountParamsSchema>

/** `?account=<id>`: act on that account only. */
export const StateQuerySchema = T.Object({ account: T.Optional(T.String({ minLength: 1, maxLength: 64 })) }, closed)
export type StateQuery = Static<typeof StateQuerySchema>

export const StateBodySchema = T.Object({}, { additionalProperties: true })
