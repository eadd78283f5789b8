/**
 * @module The token body with its catalog (built by catalog/, which `GET /v3/auth/catalog` shows
 * too), and the version documents keystoneauth discovers the identity API by. Field names and
 * order follow the seeds' examples.
 */
import type { Flavour } from '../../../flavours.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { isoMicros } from '../../../shared/clock.js'
import type { CatalogEntry } from '../catalog/catalog.js'
import { catalogEntries } from '../catalog/wire.js'
import type { IssuedLoginToken } from './login-tokens.js'

export class TokenWire {
  private readonly flavour: Flavour

  constructor({ flavour }: { flavour: Flavour }) {
    this.flavour = flavour
  }

  token(base: string, ctx: AuthContext, catalog: readonly CatalogEntry[], withCatalog: boolean): unknown {
    const user: Record<string, unknown> = { domain: { id: ctx.userDomain.id, name: ctx.userDomain.name }, id: ctx.user.id, name: ctx.user.name }
    if (ctx.federation) {
      // A federated user has no password: the exchanges leave the field out, the clouds' rescoped
      // token has `""` (spec iam-federation §6.1), Keystone never shows it.
      if (!this.flavour.iam.keystoneTokenAndRegionShape && ctx.methods?.includes('token')) user.password_expires_at = ''
      const keystone = this.flavour.iam.keystoneTokenAndRegionShape
      user['OS-FEDERATION'] = {
        identity_provider: { id: ctx.federation.identityProviderId }, protocol: { id: ctx.federation.protocolId },
        groups: ctx.federation.groups.map((g) => (keystone ? { id: g.id } : { id: g.id, name: g.name })),
      }
    } else if (!ctx.assumedBy) user.password_expires_at = null // an agency has no password (the SDK's agency token user has no such field)
    const token: Record<string, unknown> = { methods: ctx.methods ?? ['password'], user }
    if (this.flavour.iam.keystoneTokenAndRegionShape) token.audit_ids = ctx.parentAuditId === undefined ? [ctx.auditId] : [ctx.auditId, ctx.parentAuditId]
    token.expires_at = isoMicros(ctx.expiresAt)
    token.issued_at = isoMicros(ctx.issuedAt)
    // The clouds' time of the MFA check; their example gives the issue time (spec §8.3).
    if (ctx.methods?.includes('totp')) token.mfa_authn_at = token.issued_at
    if (ctx.scope.type === 'domain') token.domain = { id: ctx.scope.domain.id, name: ctx.scope.domain.name }
    if (ctx.scope.type === 'project') {
      token.project = { domain: { id: ctx.scope.domain.id, name: ctx.scope.domain.name }, id: ctx.scope.project.id, name: ctx.scope.project.name }
      if (this.flavour.iam.keystoneTokenAndRegionShape && !ctx.trust) token.is_domain = false
    }
    if (ctx.scope.type === 'system') token.system = { all: true }
    if (ctx.trust) {
      const { id, impersonation, trustorUserId, trusteeUserId } = ctx.trust
      token['OS-TRUST:trust'] = { id, impersonation, trustee_user: { id: trusteeUserId }, trustor_user: { id: trustorUserId } }
    }
    if (ctx.scope.type !== 'unscoped') token.roles = ctx.roles.map((r) => ({ id: r.id, name: r.name }))
    if (withCatalog && ctx.scope.type !== 'unscoped') token.catalog = catalogEntries(base, catalog)
    if (ctx.assumedBy) {
      const { user: by, domain } = ctx.assumedBy
      // `""` is the clouds' "never expires" here (AgencyAssumedbyUser marks the field required).
      token.assumed_by = { user: { domain: { id: domain.id, name: domain.name }, id: by.id, name: by.name, password_expires_at: '' } }
    }
    if (ctx.applicationCredential) {
      const { id, name, restricted, accessRules } = ctx.applicationCredential
      token.application_credential = { id, name, restricted, ...(accessRules ? { access_rules: accessRules } : {}) }
    }
    return { token }
  }

  /** createLoginToken's body (HWC): the ticket's user, account and expiry; the ticket is in a header. */
  loginToken(issued: IssuedLoginToken): unknown {
    const { ctx } = issued
    const logintoken: Record<string, unknown> = {
      domain_id: ctx.userDomain.id, expires_at: isoMicros(issued.expiresAt), method: issued.method,
      user_id: ctx.user.id, user_name: ctx.user.name, session_id: issued.sessionId,
    }
    if (ctx.assumedBy) {
      const { user: by, domain } = ctx.assumedBy
      logintoken.session_user_id = by.id
      if (issued.sessionName !== undefined) logintoken.session_name = issued.sessionName
      logintoken.assumed_by = { user: { domain: { id: domain.id, name: domain.name }, id: by.id, name: by.name, password_expires_at: '' } }
    }
    return { logintoken }
  }

  /** `GET /`: the versions list. */
  versions(base: string): unknown {
    return { versions: { values: [this.version(base)] } }
  }

  /** `GET /v3`. */
  versionV3(base: string): unknown {
    return { version: this.version(base) }
  }

  private version(base: string): Record<string, unknown> {
    return {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${base}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    }
  }
}
