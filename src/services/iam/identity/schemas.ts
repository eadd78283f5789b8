/**
 * @module Request schemas of the user and group routes; the handler types are derived from them.
 * A user admits extra keys (Keystone keeps them as attributes); groups and passwords are strict.
 */
import { Type as T, type Static } from '@sinclair/typebox'
import { NullableString } from '../iam-schemas.js'

export const UserIdParamsSchema = T.Object({ user_id: T.String() })
export const GroupIdParamsSchema = T.Object({ group_id: T.String() })
export const GroupMemberParamsSchema = T.Object({ group_id: T.String(), user_id: T.String() })

// ---- users: Keystone's schema (identity/schema.py), which admits extra attributes.
const UserName = T.String({ minLength: 1, maxLength: 255, pattern: '\\S' })
const UserAttributes = {
  domain_id: T.Optional(NullableString),
  password: T.Optional(NullableString),
  enabled: T.Optional(T.Boolean()),
  description: T.Optional(NullableString),
  email: T.Optional(T.Union([T.String({ maxLength: 255 }), T.Null()])),
  default_project_id: T.Optional(NullableString),
}

export const UserCreateBodySchema = T.Object(
  { user: T.Object({ name: UserName, ...UserAttributes }, { additionalProperties: true }) },
  { additionalProperties: false },
)
export type UserCreateBody = Static<typeof UserCreateBodySchema>

export const UserUpdateBodySchema = T.Object(
  { user: T.Object({ name: T.Optional(UserName), ...UserAttributes }, { additionalProperties: true, minProperties: 1 }) },
  { additionalProperties: false },
)
export type UserUpdateBody = Static<typeof UserUpdateBodySchema>

export const PasswordChangeBodySchema = T.Object(
  { user: T.Object({ password: T.String({ minLength: 1 }), original_password: T.String() }, { additionalProperties: false }) },
  { additionalProperties: false },
)
export type PasswordChangeBody = Static<typeof PasswordChangeBodySchema>

export const UserListQuerySchema = T.Object(
  { domain_id: T.Optional(T.String()), name: T.Optional(T.String()), enabled: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type UserListQuery = Static<typeof UserListQuerySchema>

// ---- groups
const GroupName = T.String({ minLength: 1, maxLength: 64, pattern: '\\S' })
export const GroupCreateBodySchema = T.Object(
  {
    // Keystone's group_create allows extra attributes (Tempest's role tests send `project_id`); they are not kept.
    group: T.Object(
      { name: GroupName, description: T.Optional(T.Union([T.String({ maxLength: 255 }), T.Null()])), domain_id: T.Optional(NullableString) },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: false },
)
export type GroupCreateBody = Static<typeof GroupCreateBodySchema>

export const GroupUpdateBodySchema = T.Object(
  {
    group: T.Object(
      { name: T.Optional(GroupName), description: T.Optional(T.Union([T.String({ maxLength: 255 }), T.Null()])), domain_id: T.Optional(NullableString) },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
)
export type GroupUpdateBody = Static<typeof GroupUpdateBodySchema>

export const GroupListQuerySchema = T.Object(
  { domain_id: T.Optional(T.String()), name: T.Optional(T.String()) },
  { additionalProperties: true },
)
export type GroupListQuery = Static<typeof GroupListQuerySchema>

