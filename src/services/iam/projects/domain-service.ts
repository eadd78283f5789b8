/**
 * @module Domains (the clouds' accounts), the base of `ProjectService`: what a caller may see of
 * them and, in the keystone flavour, create, change and delete, also through the projects API
 * where Keystone's domains are projects acting as domains. No SQL and no HTTP here.
 */
import { newHexId } from '../../../shared/ids.js'
import { isoMicros } from '../../../shared/clock.js'
import type { DomainRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { AppError, ForbiddenError, NotFoundError } from '../../../errors/app-error.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import { parseBoolean } from '../iam-query.js'
import type { DomainChanges } from './store.js'
import type { DomainProject, ProjectServiceOptions } from './service.js'
import type { DomainCreateBody, DomainListQuery, DomainUpdateBody } from './schemas.js'

/** Keystone's refusal to delete an enabled domain, a `ForbiddenNotSecurity`: its own sentence, not the policy refusal's. */
export class DomainEnabledError extends AppError {
  readonly status = 403
  readonly code = 'domain_enabled'
  constructor() {
    super('Cannot delete a domain that is enabled, please disable it first.')
  }
}

export class DomainService {
  constructor(protected readonly deps: ProjectServiceOptions) {}

  // ------------------------------------------------------------------ domains

  async listAuthDomains(ctx: AuthContext): Promise<DomainRow[]> {
    if (ctx.federation && this.deps.federatedScopes) return this.deps.federatedScopes.domains(ctx)
    if (this.deps.flavour.iam.scopeNeedsRole) return this.deps.projects.listDomainsForUser(ctx.user.id)
    const own = await this.deps.projects.findDomain(ctx.userDomain.id)
    return own ? [own] : []
  }

  async listDomains(ctx: AuthContext, query: DomainListQuery): Promise<DomainRow[]> {
    // Keystone 22's identity:list_domains is the administrator's (a system reader's) alone.
    if (this.deps.flavour.iam.keystoneIdentityRules && !ctx.systemAdmin) throw new ForbiddenError('identity:list_domains')
    const enabled = parseBoolean('enabled', query.enabled)
    return this.deps.projects.listDomains({
      ids: ctx.systemAdmin ? undefined : [this.account(ctx)],
      name: query.name,
      enabled,
    })
  }

  async getDomain(ctx: AuthContext, id: string): Promise<DomainRow> {
    // Keystone 22's identity:get_domain: an administrator, or a token of that domain or of a
    // project in it; it judges before it knows whether the domain exists.
    if (this.deps.flavour.iam.keystoneIdentityRules && !ctx.systemAdmin && (ctx.scope.type === 'unscoped' || ctx.accountId !== id)) {
      throw new ForbiddenError('identity:get_domain')
    }
    const domain = ctx.systemAdmin || id === ctx.accountId ? await this.deps.projects.findDomain(id) : undefined
    if (!domain) throw new NotFoundError('domain', id)
    return domain
  }

  async createDomain(ctx: AuthContext, body: DomainCreateBody): Promise<DomainRow> {
    this.assertDomainWrites()
    const now = isoMicros(this.deps.clock.now())
    const id = newHexId()
    return this.deps.projects.transaction(async (tx) => {
      const row = await tx.createDomain({
        id, name: body.domain.name, description: body.domain.description ?? '',
        enabled: body.domain.enabled === false ? 0 : 1, created_at: now, updated_at: now,
      })
      await tx.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'createDomain', now), creationOf('domain', row))
      return row
    })
  }

  async updateDomain(ctx: AuthContext, id: string, body: DomainUpdateBody): Promise<DomainRow> {
    this.assertDomainWrites()
    const changes: DomainChanges = {}
    if (body.domain.name !== undefined) changes.name = body.domain.name
    if (body.domain.description !== undefined) changes.description = body.domain.description ?? ''
    if (body.domain.enabled !== undefined) changes.enabled = body.domain.enabled ? 1 : 0
    const now = isoMicros(this.deps.clock.now())
    const updated = await this.deps.projects.transaction(async (tx) => {
      const before = await tx.findDomain(id)
      const after = before && await tx.updateDomain(id, changes, now)
      if (!after) throw new NotFoundError('domain', id)
      await tx.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'updateDomain', now), updateOf('domain', before, after))
      return after
    })
    this.deps.invalidateAuthCache()
    return updated
  }

  async deleteDomain(ctx: AuthContext, id: string): Promise<void> {
    this.assertDomainWrites()
    const now = isoMicros(this.deps.clock.now())
    await this.deps.projects.transaction(async (store) => {
      const domain = await store.findDomain(id)
      if (!domain) throw new NotFoundError('domain', id)
      if (domain.enabled === 1) throw new DomainEnabledError()
      await store.deleteDomain(id)
      await store.recordChange(iamTrace(ctx, ctx.accountId ?? id, 'deleteDomain', now), deletionOf('domain', domain))
    })
    this.deps.invalidateAuthCache()
  }

  private assertDomainWrites(): void {
    if (!this.deps.flavour.iam.domainWrites) {
      throw new ForbiddenError(`domains are accounts on ${this.deps.flavour.name} and cannot be created, changed or deleted through this API`)
    }
  }

  /** Keystone only: the domain with this id, for an administrator, as the projects API shows it. */
  protected async findActingDomain(ctx: AuthContext, id: string): Promise<DomainProject | undefined> {
    if (!this.deps.flavour.iam.domainWrites || !ctx.systemAdmin) return undefined
    const domain = await this.deps.projects.findDomain(id)
    return domain && { actingDomain: domain }
  }

  protected account(ctx: AuthContext): string {
    if (ctx.accountId === undefined) throw new ForbiddenError('an unscoped token cannot act on an account; request a domain- or project-scoped token')
    return ctx.accountId
  }
}
