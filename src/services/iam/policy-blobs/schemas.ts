/**
 * @module Request schemas of Keystone's policy blobs (keystone/policy/schema.py): a string
 * `blob` and a `type` of at most 255 characters, both needed at creation; extra attributes kept.
 */
import { Type as T, type Static } from '@sinclair/typebox'

const PolicyPropertiesSchema = {
  blob: T.String(),
  type: T.String({ maxLength: 255 }),
}

export const PolicyIdParamsSchema = T.Object({ policy_id: T.String() })

export const PolicyListQuerySchema = T.Object({ type: T.Optional(T.String()) }, { additionalProperties: true })
export type PolicyListQuery = Static<typeof PolicyListQuerySchema>

export const PolicyCreateBodySchema = T.Object({
  policy: T.Object(PolicyPropertiesSchema, { additionalProperties: true }),
}, { additionalProperties: true })
export type PolicyCreateBody = Static<typeof PolicyCreateBodySchema>

export const PolicyUpdateBodySchema = T.Object({
  policy: T.Object({ blob: T.Optional(PolicyPropertiesSchema.blob), type: T.Optional(PolicyPropertiesSchema.type) }, { additionalProperties: true, minProperties: 1 }),
}, { additionalProperties: true })
export type PolicyUpdateBody = Static<typeof PolicyUpdateBodySchema>
