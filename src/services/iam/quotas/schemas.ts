/**
 * @module Request schemas of the quota routes (`OS-QUOTA`). `type` is checked by the service, so
 * an unknown one gets the clouds' `IAM.0007` rather than a schema error.
 */
import { Type as T, type Static } from '@sinclair/typebox'

export const DomainQuotaParamsSchema = T.Object({ domain_id: T.String() })
export const DomainQuotaQuerySchema = T.Object({ type: T.Optional(T.String()) })
export type DomainQuotaQuery = Static<typeof DomainQuotaQuerySchema>

export const ProjectQuotaParamsSchema = T.Object({ project_id: T.String() })
