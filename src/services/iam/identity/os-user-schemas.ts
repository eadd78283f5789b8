/**
 * @module Request schemas of Huawei's user API (`/v3.0/OS-USER/users`). Types only, loosely: the
 * service words each broken rule with the API's own number (user-profile.ts), which a schema
 * failure could not.
 */
import { Type as T, type Static } from '@sinclair/typebox'

const Profile = {
  password: T.Optional(T.String()),
  email: T.Optional(T.String()),
  areacode: T.Optional(T.String()),
  phone: T.Optional(T.String()),
  enabled: T.Optional(T.Boolean()),
  pwd_status: T.Optional(T.Boolean()),
  xuser_type: T.Optional(T.String()),
  xuser_id: T.Optional(T.String()),
  access_mode: T.Optional(T.String()),
  description: T.Optional(T.String()),
}

export const OsUserCreateBodySchema = T.Object(
  { user: T.Object({ name: T.String(), domain_id: T.String(), ...Profile }) },
)
export type OsUserCreateBody = Static<typeof OsUserCreateBodySchema>

export const OsUserUpdateBodySchema = T.Object(
  { user: T.Object({ name: T.Optional(T.String()), ...Profile }) },
)
export type OsUserUpdateBody = Static<typeof OsUserUpdateBodySchema>

/** The self-service update: `mobile` is `<areacode>-<number>`, not `phone`. */
export const OsUserInformationBodySchema = T.Object(
  { user: T.Object({ email: T.Optional(T.String()), mobile: T.Optional(T.String()) }) },
)
export type OsUserInformationBody = Static<typeof OsUserInformationBodySchema>
