/**
 * @module IAM quotas (`OS-QUOTA`, spec §5): how many users, groups, custom policies, … an account
 * may hold and holds, and how many sub-projects a region. Any user of the account reads the
 * account's; a region's takes a token scoped to that project or the permission. The limits are
 * enforced where the rows are created (identity, projects, roles, agencies); identity providers
 * and mappings do not exist yet and report `used: 0` (`null` for mappings, as the clouds do).
 */
import type { AuthContext } from '../../../auth/auth-context.js'
import type { Policy } from '../../../auth/policy.js'
import { ForbiddenError, ServiceCodedError } from '../../../errors/app-error.js'
import { IAM_QUOTAS, type Flavour, type IamLimit, type IamQuotaType } from '../../../flavours.js'
import type { QuotaStore } from './store.js'

/** One line of `quotas.resources`. */
export interface QuotaResource {
  readonly type: IamQuotaType
  readonly quota: number
  readonly used: number | null
  readonly min: number
  readonly max: number
}

export interface QuotaServiceOptions {
  store: QuotaStore
  flavour: Flavour
  policy: Policy
  /** The quota of each type (rules.ts). */
  quota(type: IamLimit): number | undefined
}

/** The clouds' flat errors on OS-QUOTA (spec §5.4). */
const invalidType = () => new ServiceCodedError(400, 'IAM.0007', 'Request parameter type is invalid.')
const notAllowed = (action: string) => new ServiceCodedError(403, 'IAM.0003', `Policy doesn't allow ${action} to be performed.`)
const notFound = (what: 'domain' | 'project', id: string) => new ServiceCodedError(404, 'IAM.0004', `Could not find ${what}: ${id}.`)

export class QuotaService {
  constructor(private readonly deps: QuotaServiceOptions) {}

  /** GET /v3.0/OS-QUOTA/domains/{domain_id}: every type of the flavour, or the one `type` names. */
  async domainQuota(ctx: AuthContext, domainId: string, type: string | undefined): Promise<QuotaResource[]> {
    if (domainId !== ctx.accountId) {
      throw (await this.deps.store.findDomain(domainId)) ? notAllowed('iam:quotas:listQuotas') : notFound('domain', domainId)
    }
    const types = this.deps.flavour.iam.quotaTypes
    if (type !== undefined && !types.includes(type as IamQuotaType)) throw invalidType()
    const usage = await this.deps.store.accountUsage(domainId)
    const used = (t: IamQuotaType): number | null => {
      switch (t) {
        case 'user': case 'group': case 'policy': case 'agency': case 'assigment_group_mp': case 'assigment_group_ep': case 'assigment_user_ep': case 'assigment_agency_mp':
          return usage[t]
        case 'mapping':
          return null
        default:
          return 0 // identity providers: none exist yet
      }
    }
    return (type === undefined ? types : [type as IamQuotaType]).map((t) => this.resource(t, used(t)))
  }

  /** GET /v3.0/OS-QUOTA/projects/{project_id}: the sub-projects of the project's region. */
  async projectQuota(ctx: AuthContext, projectId: string): Promise<QuotaResource[]> {
    const project = await this.deps.store.findProject(projectId)
    if (!project || project.domain_id !== ctx.accountId) throw notFound('project', projectId)
    const scopedHere = ctx.scope.type === 'project' && ctx.scope.project.id === projectId
    if (!scopedHere) {
      try {
        this.deps.policy.enforce(ctx, 'identity:show_project_quota')
      } catch (error) {
        if (error instanceof ForbiddenError) throw notAllowed('iam:quotas:listQuotasForProject')
        throw error
      }
    }
    const region = project.kind === 'region' ? project.id : project.parent_id
    return [this.resource('project', await this.deps.store.countSubProjects(region))]
  }

  private resource(type: IamQuotaType, used: number | null): QuotaResource {
    const { min, max } = IAM_QUOTAS[type]
    return { type, quota: this.deps.quota(type) ?? IAM_QUOTAS[type].quota, used, min, max }
  }
}
