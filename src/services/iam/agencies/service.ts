/**
 * @module Agencies (Huawei `OS-AGENCY`): an account (A) lets the users of another account (B)
 * act in it with the roles granted to the agency (grants live in the roles capability, with the
 * agency as actor). Every agency read or written must belong to the caller's account; another
 * account's is "not found". Using an agency (`assume_role`) is the token and credential
 * services' work, through `AgencyAssumption` (assumption.ts).
 */
import type { AgencyRow, DomainRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { ForbiddenError, InvalidFieldError, NotFoundError } from '../../../errors/app-error.js'
import { isoMicros } from '../../../shared/clock.js'
import { newHexId } from '../../../shared/ids.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import type { IamServiceOptions } from '../iam-service-options.js'
import type { ProjectStore } from '../projects/store.js'
import { parsePaging } from '../iam-query.js'
import type { AgencyChanges, AgencyStore } from './store.js'
import type { AgencyCreateBody, AgencyListQuery, AgencyUpdateBody } from './schemas.js'
import { agencyExpiry, isServiceTrust, parseAgencyDuration } from './rules.js'

/** The accounts agencies are made in and trust. */
export type AgencyDomains = Pick<ProjectStore, 'findDomain' | 'findDomainByName'>

export interface AgencyServiceOptions extends IamServiceOptions {
  store: AgencyStore
  domains: AgencyDomains
  /** HWC pages the list (`page`/`per_page`, up to 500); OTC has no paging. */
  paging: boolean
}

const MAX_AGENCIES_PER_PAGE = 500

/** The trusted side of an agency as stored. */
interface Trust { readonly trust_domain_id: string | null; readonly trust_domain_name: string }

export class AgencyService {
  constructor(private readonly deps: AgencyServiceOptions) {}

  private account(ctx: AuthContext): string {
    return ctx.accountId ?? ctx.userDomain.id
  }

  /** An agency of the caller's account; any other is not found. */
  async get(ctx: AuthContext, id: string): Promise<AgencyRow> {
    const agency = await this.deps.store.findAgency(id)
    if (!agency || agency.domain_id !== this.account(ctx)) throw new NotFoundError('agency', id, `Could not find agency: ${id}`)
    return agency
  }

  /** `domain_id` must be the caller's account; left out, it is (HWC, for policy-based callers). */
  async list(ctx: AuthContext, query: AgencyListQuery): Promise<AgencyRow[]> {
    const account = this.account(ctx)
    if (query.domain_id !== undefined && query.domain_id !== account) throw new ForbiddenError('identity:list_agencies')
    const paging = this.deps.paging ? parsePaging(query.page, query.per_page, MAX_AGENCIES_PER_PAGE) : undefined
    const rows = await this.deps.store.listAgencies({ domainId: account, name: query.name, trustDomainId: query.trust_domain_id })
    return paging ? rows.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage) : rows
  }

  async create(ctx: AuthContext, body: AgencyCreateBody): Promise<AgencyRow> {
    const input = body.agency
    const account = this.account(ctx)
    if (input.domain_id !== account) throw new ForbiddenError(`domain_id ${input.domain_id} is not the caller's account`)
    const trust = await this.resolveTrust(account, input.trust_domain_id, input.trust_domain_name, 'agency')
    const validity = parseAgencyDuration(input.duration, 'agency/duration')
    const now = this.deps.clock.now()
    const expiry = agencyExpiry(validity, now)
    const row: AgencyRow = {
      id: newHexId(), domain_id: account, name: input.name, ...trust, description: input.description ?? '',
      duration: validity.duration, expire_time: expiry === null ? null : isoMicros(expiry), created_at: isoMicros(now), updated_at: isoMicros(now),
    }
    return this.deps.store.transaction(async (tx) => {
      const created = await tx.createAgency(row, this.deps.quota?.('agency'))
      await tx.recordChange(iamTrace(ctx, account, 'createAgency', row.created_at), creationOf('agency', created))
      return created
    })
  }

  /**
   * Trust, description and validity change; a new `duration` counts from now (the clouds' update
   * example). A changed trust or validity drops cached callers, so tokens and keys of the agency
   * are judged again at once: one assumed by the old trusted account stops working.
   */
  async update(ctx: AuthContext, id: string, body: AgencyUpdateBody): Promise<AgencyRow> {
    const input = body.agency
    const agency = await this.get(ctx, id)
    if (input.name !== undefined && input.name !== agency.name) throw new InvalidFieldError('agency/name', 'the name of an agency cannot be changed')
    if (input.domain_id !== undefined && input.domain_id !== agency.domain_id) throw new InvalidFieldError('agency/domain_id', 'the account of an agency cannot be changed')
    if (input.trust_domain_id === undefined && input.trust_domain_name === undefined && input.description === undefined && !('duration' in input)) {
      throw new InvalidFieldError('agency', 'give at least one of trust_domain_id, trust_domain_name, description, duration')
    }
    const changes: AgencyChanges = {}
    if (input.trust_domain_id !== undefined || input.trust_domain_name !== undefined) {
      Object.assign(changes, await this.resolveTrust(agency.domain_id, input.trust_domain_id, input.trust_domain_name, 'agency'))
    }
    if (input.description !== undefined) changes.description = input.description
    const now = this.deps.clock.now()
    if ('duration' in input) {
      const validity = parseAgencyDuration(input.duration, 'agency/duration')
      const expiry = agencyExpiry(validity, now)
      changes.duration = validity.duration
      changes.expire_time = expiry === null ? null : isoMicros(expiry)
    }
    const updated = await this.deps.store.transaction(async (tx) => {
      const before = await tx.findAgency(id)
      const after = before && await tx.updateAgency(id, changes, isoMicros(now))
      if (!after) throw new NotFoundError('agency', id, `Could not find agency: ${id}`)
      await tx.recordChange(iamTrace(ctx, agency.domain_id, 'updateAgency', isoMicros(now)), updateOf('agency', before, after))
      return after
    })
    this.deps.invalidateAuthCache()
    return updated
  }

  /** With its grants and the temporary keys made through it; its tokens stop working. */
  async delete(ctx: AuthContext, id: string): Promise<void> {
    const agency = await this.get(ctx, id)
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findAgency(id)
      if (!before || !(await tx.deleteAgency(id))) throw new NotFoundError('agency', id, `Could not find agency: ${id}`)
      await tx.recordChange(iamTrace(ctx, agency.domain_id, 'deleteAgency', now), deletionOf('agency', before))
    })
    this.deps.invalidateAuthCache()
  }

  /**
   * The trusted account, by name when a name is given (the clouds: the name wins), or a cloud
   * service (`op_svc_*`). Another account must exist; the agency's own account is refused.
   */
  private async resolveTrust(account: string, trustId: string | undefined, trustName: string | undefined, field: string): Promise<Trust> {
    if (trustName !== undefined && isServiceTrust(trustName)) return { trust_domain_id: null, trust_domain_name: trustName }
    let domain: DomainRow | undefined
    if (trustName !== undefined) domain = await this.deps.domains.findDomainByName(trustName)
    else if (trustId !== undefined) domain = await this.deps.domains.findDomain(trustId)
    else throw new InvalidFieldError(field, 'give the trusted account as trust_domain_id or trust_domain_name')
    if (!domain) throw new NotFoundError('domain', trustName ?? trustId ?? '', 'TrustDomainNotFound')
    if (domain.id === account) throw new InvalidFieldError(`${field}/trust_domain_${trustName !== undefined ? 'name' : 'id'}`, 'an agency cannot trust the account that makes it')
    return { trust_domain_id: domain.id, trust_domain_name: domain.name }
  }
}
