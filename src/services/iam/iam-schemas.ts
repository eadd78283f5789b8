/**
 * @module Schema pieces every IAM capability's request schemas use.
 */
import { Type as T } from '@sinclair/typebox'

export const NullableString = T.Union([T.String(), T.Null()])

/** A reference by id or by name, as Keystone bodies name users, domains and projects. */
export const RefSchema = T.Object({ id: T.Optional(T.String()), name: T.Optional(T.String()) })

/** A JSON-schema `enum`, so a refusal can list the allowed values. */
export function StringEnum<V extends string>(values: readonly V[]) {
  return T.Unsafe<V>({ type: 'string', enum: values })
}
