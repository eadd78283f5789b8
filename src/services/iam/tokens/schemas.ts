/**
 * @module Request schemas of the token routes; the handler types are derived from them. Strict:
 * an unknown key in a token request is an error, as on the clouds.
 */
import { Type as T, type Static } from '@sinclair/typebox'
import { RefSchema } from '../iam-schemas.js'
import { ApplicationCredentialAuthSchema } from '../application-credentials/schemas.js'

/**
 * Which agency to assume: its account by id or name, the agency by `agency_name` (SDK, HWC) or
 * `xrole_name` (OTC's clients). `restrict` (otcextensions) narrows the roles; other keys the
 * clouds do not read are ignored rather than refused (spec §2.2).
 */
export const AssumeRoleSchema = T.Object({
  domain_id: T.Optional(T.String({ minLength: 1 })),
  domain_name: T.Optional(T.String({ minLength: 1 })),
  agency_name: T.Optional(T.String({ minLength: 1 })),
  xrole_name: T.Optional(T.String({ minLength: 1 })),
  restrict: T.Optional(T.Object({ roles: T.Optional(T.Array(T.String())) })),
})
export type AssumeRole = Static<typeof AssumeRoleSchema>

export const TokenRequestSchema = T.Object(
  {
    auth: T.Object({
      identity: T.Object({
        methods: T.Array(T.String(), { minItems: 1 }),
        password: T.Optional(
          T.Object({
            user: T.Object({
              id: T.Optional(T.String()),
              name: T.Optional(T.String()),
              password: T.String(),
              domain: T.Optional(RefSchema),
            }),
          }),
        ),
        // Rescoping (`methods: ["token"]`, keystoneCreateScopedToken): the token to derive from.
        token: T.Optional(T.Object({ id: T.String() })),
        // An agency token (keystoneCreateAgencyToken); OTC's clients name the agency `xrole_name`.
        assume_role: T.Optional(AssumeRoleSchema),
        // Keystone's application credential (keystone flavour): by id, or by name with its user.
        application_credential: T.Optional(ApplicationCredentialAuthSchema),
        // The second factor of `methods: ["password", "totp"]` (SDK MfaTotp; mfa/sign-in.ts); OTC's example names the user.
        totp: T.Optional(T.Object({ user: T.Object({ id: T.Optional(T.String()), name: T.Optional(T.String()), passcode: T.String() }) })),
      }),
      scope: T.Optional(
        T.Union([
          T.Object({
            domain: T.Optional(RefSchema),
            project: T.Optional(T.Object({ id: T.Optional(T.String()), name: T.Optional(T.String()), domain: T.Optional(RefSchema) })),
            // Keystone's system scope; `all` is the only system it has.
            system: T.Optional(T.Object({ all: T.Optional(T.Boolean()) })),
            // Keystone's trust-scoped token (trusts/trust-tokens.ts).
            'OS-TRUST:trust': T.Optional(T.Object({ id: T.Optional(T.String()) })),
          }),
          // keystoneauth sends "unscoped" for an explicitly unscoped request.
          T.Literal('unscoped'),
        ]),
      ),
    }),
  },
  { additionalProperties: false },
)
export type TokenRequest = Static<typeof TokenRequestSchema>

export const NocatalogQuerySchema = T.Object({ nocatalog: T.Optional(T.String()) })
export type NocatalogQuery = Static<typeof NocatalogQuerySchema>

/** createLoginToken: a temporary access key with its secret and security token. */
export const LoginTokenRequestSchema = T.Object({
  auth: T.Object({
    securitytoken: T.Object({
      access: T.String({ minLength: 1 }),
      secret: T.String({ minLength: 1 }),
      id: T.String({ minLength: 1 }),
      // HWC's example sends the string "600".
      duration_seconds: T.Optional(T.Union([T.Integer(), T.String({ pattern: '^[0-9]{1,9}$' })])),
    }),
  }),
})
export type LoginTokenRequest = Static<typeof LoginTokenRequestSchema>
