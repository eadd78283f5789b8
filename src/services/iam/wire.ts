/**
 * @module IAM's wire: Keystone envelopes, links, the token body with its catalog, and the error
 * body `{"error":{"code","title","message"}}`. Field names and order follow the seeds' examples.
 */
import { createHash } from 'node:crypto'
import type { Flavour } from '../../flavours.js'
import type { DomainRow, GroupRow, ProjectRow, RegionRow, RoleRow, UserRow } from '../../db/schema.js'
import type { RolePage } from './role-service.js'
import type { AssignmentRecord } from './store.js'
import type { AuthContext } from '../../auth/auth-context.js'
import type { AppError } from '../../errors/app-error.js'
import { isoMicros } from '../../shared/clock.js'
import type { ProjectPage } from './service.js'

const HTTP_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Request Entity Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
}

export function renderIamError(error: AppError): { status: number; body: unknown } {
  return { status: error.status, body: { error: { code: error.status, message: error.message, title: HTTP_TITLES[error.status] ?? 'Error' } } }
}

/** A named reference as `include_names` shows it: users, groups and projects also name their domain. */
export interface NamedEntity { readonly name: string; readonly domain?: { readonly id: string; readonly name: string } }

/** Names of the actors and targets in a role assignment list, for `include_names`. */
export interface AssignmentNames {
  readonly actors: ReadonlyMap<string, NamedEntity>
  readonly targets: ReadonlyMap<string, NamedEntity>
}

export class IamWire {
  constructor(private readonly flavour: Flavour) {}

  // ---- projects
  project(base: string, row: ProjectRow, opts: { patchResponse?: boolean; withStatus?: boolean } = {}): Record<string, unknown> {
    const out: Record<string, unknown> = {
      is_domain: false,
      description: row.description,
      links: { self: `${base}/v3/projects/${row.id}` },
    }
    if (opts.patchResponse && this.flavour.iam.projectPatchResponseHasExtra) out.extra = JSON.parse(row.extra)
    out.enabled = row.enabled === 1
    out.id = row.id
    out.parent_id = row.parent_id
    out.domain_id = row.domain_id
    out.name = row.name
    if (this.flavour.iam.keystoneProjectAttributes) {
      out.tags = JSON.parse(row.tags)
      out.options = JSON.parse(row.options)
      Object.assign(out, JSON.parse(row.extra))
    }
    if (opts.withStatus) {
      out.status = row.status
      if (row.suspended_at) out.suspended_time = row.suspended_at
    }
    return out
  }

  projectList(base: string, selfUrl: string, page: ProjectPage): unknown {
    return {
      links: collectionLinks(base, selfUrl, page.paging),
      projects: page.projects.map((p) => this.project(base, p)),
    }
  }

  // ---- regions
  region(base: string, row: RegionRow): Record<string, unknown> {
    if (this.flavour.iam.keystoneTokenAndRegionShape) {
      return { id: row.id, description: row.description, parent_region_id: row.parent_region_id, links: { self: `${base}/v3/regions/${row.id}` } }
    }
    return {
      id: row.id, type: row.type, description: row.description, parent_region_id: row.parent_region_id,
      locales: JSON.parse(row.locales), links: { self: `${base}/v3/regions/${row.id}` },
    }
  }

  // ---- domains
  domain(base: string, row: DomainRow): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: row.id, name: row.name, description: row.description, enabled: row.enabled === 1, links: { self: `${base}/v3/domains/${row.id}` },
    }
    if (this.flavour.iam.keystoneProjectAttributes) { out.tags = []; out.options = {} }
    return out
  }

  // ---- users and groups
  user(base: string, row: UserRow): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ...JSON.parse(row.extra),
      id: row.id,
      name: row.name,
      domain_id: row.domain_id,
      enabled: row.enabled === 1,
      password_expires_at: row.password_expires_at,
      links: { self: `${base}/v3/users/${row.id}` },
    }
    if (row.description !== '' || !this.flavour.iam.keystoneIdentityShape) out.description = row.description
    if (row.email !== null) out.email = row.email
    if (row.default_project_id !== null) out.default_project_id = row.default_project_id
    if (this.flavour.iam.keystoneIdentityShape) out.options = out.options ?? {}
    return out
  }

  group(base: string, row: GroupRow): Record<string, unknown> {
    const out: Record<string, unknown> = { id: row.id, name: row.name, domain_id: row.domain_id, description: row.description, links: { self: `${base}/v3/groups/${row.id}` } }
    // The clouds add the creation time, in epoch milliseconds.
    if (!this.flavour.iam.keystoneIdentityShape) out.create_time = Date.parse(row.created_at)
    return out
  }

  // ---- roles
  role(base: string, row: RoleRow, opts: { references?: number } = {}): Record<string, unknown> {
    const links = { self: `${base}/v3/roles/${row.id}` }
    const domainId = row.domain_key === '' ? null : row.domain_key
    if (this.flavour.iam.keystoneIdentityShape) {
      return { id: row.id, name: row.name, domain_id: domainId, description: row.description, links, options: {} }
    }
    const out: Record<string, unknown> = {
      id: row.id, name: row.name, display_name: row.display_name, type: row.type, catalog: row.catalog,
      description: row.description, domain_id: domainId, policy: JSON.parse(row.policy), links,
    }
    if (row.description_cn !== '') out.description_cn = row.description_cn
    if (row.flag !== '') out.flag = row.flag
    if (domainId !== null) {
      // The clouds show custom policies' times as epoch milliseconds in strings.
      out.created_time = String(Date.parse(row.created_at))
      out.updated_time = String(Date.parse(row.updated_at || row.created_at))
      if (opts.references !== undefined) out.references = opts.references
    }
    return out
  }

  roleList(base: string, selfUrl: string, page: RolePage, references?: ReadonlyMap<string, number>): unknown {
    const paging = page.paging && {
      page: page.paging.page, perPage: page.paging.perPage, hasPrevious: page.paging.page > 1, hasNext: page.paging.page * page.paging.perPage < page.total,
    }
    const roles = page.roles.map((r) => this.role(base, r, references ? { references: references.get(r.id) ?? 0 } : {}))
    if (this.flavour.iam.keystoneIdentityShape) return { roles, links: collectionLinks(base, selfUrl, paging) }
    return { roles, links: collectionLinks(base, selfUrl, paging), total_number: page.total }
  }

  /** Keystone's role assignment entry; with names as `include_names` asks. */
  roleAssignment(base: string, a: AssignmentRecord, names?: AssignmentNames): Record<string, unknown> {
    const named = (id: string, entity: NamedEntity | undefined) => (names && entity ? { id, ...entity } : { id })
    const scope: Record<string, unknown> = {
      [a.targetType]: named(a.targetId, names?.targets.get(a.targetId)),
    }
    if (a.inherited) scope['OS-INHERIT:inherited_to'] = 'projects'
    const targetPath = a.targetType === 'domain' ? `domains/${a.targetId}` : `projects/${a.targetId}`
    const actorPath = `${a.actorType}s/${a.actorId}`
    const assignment = a.inherited
      ? `${base}/v3/OS-INHERIT/${targetPath}/${actorPath}/roles/${a.roleId}/inherited_to_projects`
      : `${base}/v3/${targetPath}/${actorPath}/roles/${a.roleId}`
    return {
      scope,
      role: names ? { id: a.roleId, name: a.role.name } : { id: a.roleId },
      [a.actorType]: named(a.actorId, names?.actors.get(a.actorId)),
      links: { assignment },
    }
  }

  // ---- tokens
  token(base: string, ctx: AuthContext, regions: readonly RegionRow[], withCatalog: boolean): unknown {
    const token: Record<string, unknown> = {
      methods: ['password'],
      user: { domain: { id: ctx.userDomain.id, name: ctx.userDomain.name }, id: ctx.user.id, name: ctx.user.name, password_expires_at: null },
    }
    if (this.flavour.iam.keystoneTokenAndRegionShape) token.audit_ids = [ctx.auditId]
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
  catalog(base: string, regions: readonly RegionRow[]): unknown[] {
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

  // ---- versions
  version(base: string): Record<string, unknown> {
    return {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${base}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    }
  }
}

export function collectionLinks(
  base: string,
  selfUrl: string,
  paging?: { page: number; perPage: number; hasPrevious: boolean; hasNext: boolean },
): { self: string; previous: string | null; next: string | null } {
  if (!paging) return { self: selfUrl, previous: null, next: null }
  const at = (page: number) => {
    const url = new URL(selfUrl)
    url.searchParams.set('page', String(page))
    url.searchParams.set('per_page', String(paging.perPage))
    return url.toString()
  }
  return { self: selfUrl, previous: paging.hasPrevious ? at(paging.page - 1) : null, next: paging.hasNext ? at(paging.page + 1) : null }
}

/** Catalog ids derive from fixed names only, so each is hashed once per process. */
const stableIds = new Map<string, string>()
function stableId(...parts: string[]): string {
  const key = parts.join('/')
  let id = stableIds.get(key)
  if (id === undefined) stableIds.set(key, (id = createHash('sha256').update(key).digest('hex').slice(0, 32)))
  return id
}
