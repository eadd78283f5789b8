/**
 * @module Request schemas of OS-OAUTH1 consumers (keystone/oauth1/schema.py): a nullable
 * description and any extra attributes; Keystone takes a missing `consumer` as `{}`.
 */
import { Type as T, type Static } from '@sinclair/typebox'

const ConsumerPropertiesSchema = {
  // validation.nullable(parameter_types.description)
  description: T.Optional(T.Union([T.String(), T.Null()])),
}

export const ConsumerIdParamsSchema = T.Object({ consumer_id: T.String() })

export const ConsumerCreateBodySchema = T.Object({
  consumer: T.Optional(T.Object(ConsumerPropertiesSchema, { additionalProperties: true })),
}, { additionalProperties: true })
export type ConsumerCreateBody = Static<typeof ConsumerCreateBodySchema>

/** `secret` is refused by the service (Keystone's `not: {required: [secret]}`), in Keystone's words. */
export const ConsumerUpdateBodySchema = T.Object({
  consumer: T.Object(ConsumerPropertiesSchema, { additionalProperties: true, minProperties: 1 }),
}, { additionalProperties: true })
export type ConsumerUpdateBody = Static<typeof ConsumerUpdateBodySchema>
