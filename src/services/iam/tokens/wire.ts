/**
 * @module The token body with its catalog, and the version documents keystoneauth discovers the
 * identity API by. Field names and order follow the seeds' examples.
 */
import { createHash } from 'node:crypto'
import type { Flavour } from '../../../flavours.js'
import type { RegionRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { isoMicros } from '../../../shared/clock.js'

/** Catalog ids derive from fixed names only, so each is hashed once per process. */
const stableIds = new Map<string, string>()
function stableId(...parts: string[]): string {
  const key = parts.join('/')
  let id = stableIds.get(key)
  if (id === undefined) stableIds.set(key, (id = createHash('sha256').update(key).digest('hex').slice(0, 32)))
  return id
}

export class TokenWire {
  private readonly flavour: Flavour

  constructor({ flavour }: { flavour: Flavour }) {
    this.flavour = flavour
  }

  token(base: string, ctx: AuthContext, regions: readonly RegionRow[], withCatalog: boolean): unknown {
    const token: Record<string, unknown> = {
      methods: ctx.methods ?? ['password'],
      user: { domain: { id: ctx.userDomain.id, name: ctx.userDomain.name }, id: ctx.user.id, name: ctx.user.name, password_expires_at: null },
    }
    if (this.flavour.iam.keystoneTokenAndRegionShape) token.audit_ids = ctx.parentAuditId === undefined ? [ctx.auditId] : [ctx.auditId, ctx.parentAuditId]
    token.expires_at = isoMicros(ctx.expiresAt)
    token.issued_at = isoMicros(ctx.issuedAt)
    if (ctx.scope.type === 'domain') token.domain = { id: ctx.scope.domain.id, name: ctx.scope.domain.name }
    if (ctx.scope.type === 'project') {
      token.project = { domain: { id: ctx.scope.domain.id, name: ctx.scope.domain.name }, id: ctx.scope.project.id, name: ctx.scope.project.name }
      if (this.flavour.iam.keystoneTokenAndRegionShape) token.is_domain = false
    }
    if (ctx.scope.type !== 'unscoped') token.roles = ctx.roles.map((r) => ({ id: r.id, name: r.name }))
    if (withCatalog && ctx.scope.type !== 'unscoped') token.catalog = this.catalog(base, regions)
    return { token }
  }

  /**
   * One endpoint per region and interface, so that keystoneauth finds a service whatever
   * `--os-region-name` names (it matches `region_id`/`region`; a wildcard '*' would match nothing).
   */
  private catalog(base: string, regions: readonly RegionRow[]): unknown[] {
    const services = [
      { type: 'identity', name: this.flavour.iam.keystoneTokenAndRegionShape ? 'keystone' : 'iam', url: `${base}/v3`, interfaces: ['public', 'internal', 'admin'] },
      { type: 'eps', name: 'eps', url: base, interfaces: ['public'] },
      { type: 'coc', name: 'coc', url: base, interfaces: ['public'] },
    ]
    return services.map((s) => ({
      endpoints: regions.flatMap((r) => s.interfaces.map((iface) => ({
        id: stableId(s.type, r.id, iface), interface: iface, region: r.id, region_id: r.id, url: s.url,
      }))),
      id: stableId(s.type),
      type: s.type,
      name: s.name,
    }))
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
