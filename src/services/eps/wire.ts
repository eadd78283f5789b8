/**
 * @module EPS's wire: enterprise project bodies (`EpDetail`, second-precision UTC times), list
 * envelopes, and EPS's error body `{"error":{"error_code":"EPS.xxxx","error_msg"}}`.
 */
import { MalformedJsonError, PayloadTooLargeError, ValidationError, type AppError, type ServiceCodedError } from '../../errors/app-error.js'
import { EPS_GENERIC, EpsErrors } from '../../errors/eps-codes.js'
import { codedFailure } from '../../http/coded-errors.js'
import type { EnterpriseProjectRow, EpMigrationRecordRow, EpResourceRow } from '../../db/schema.js'
import type { ProviderPage } from './service.js'
import type { ResourceWithProject } from './store.js'

const EPS_CODES = { ...EPS_GENERIC, badRequest: EpsErrors.badRequest }

/** Schema failures on these fields have a code of their own. */
const FIELD_CODES: Record<string, (keyword: string) => ServiceCodedError> = {
  name: () => EpsErrors.invalidName(),
  description: () => EpsErrors.invalidDescription(),
  limit: () => EpsErrors.invalidLimit(),
  offset: () => EpsErrors.invalidOffset(),
  resource_types: (keyword) => (keyword === 'required' || keyword === 'minItems' ? EpsErrors.emptyResourceTypes() : EpsErrors.invalidResourceTypeElement()),
  projects: () => EpsErrors.invalidProjectElement(),
  matches: () => EpsErrors.invalidMatchesElement(),
  resource_id: () => EpsErrors.invalidResourceId(),
  resource_type: () => EpsErrors.invalidResourceType(),
}

function epsError(error: AppError): AppError {
  if (error instanceof MalformedJsonError) return EpsErrors.invalidJson()
  if (error instanceof PayloadTooLargeError) return EpsErrors.bodyTooLong()
  if (error instanceof ValidationError && (error.details.context === 'body' || error.details.context === 'querystring')) {
    const code = FIELD_CODES[String(error.details.field)]
    if (code) return code(String(error.details.keyword))
  }
  return error
}

/**
 * EPS documents `{"error":{"error_code","error_msg"}}`. The same two fields also go at the top
 * level: the Huawei SDK core reads only `error.code` or a top-level `error_code` (so with the
 * nested form alone its exceptions carry no code), and the terraform provider parses 403s flat.
 */
export function renderEpsError(error: AppError): { status: number; body: unknown } {
  const failure = codedFailure(epsError(error), EPS_CODES)
  const fields = { error_code: failure.code, error_msg: failure.message }
  return { status: failure.status, body: { error: fields, ...fields } }
}

/** EPS times are UTC with second precision: `2018-05-18T06:49:06Z`. */
export function epsTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`
}

export function enterpriseProjectBody(row: EnterpriseProjectRow): Record<string, unknown> {
  // Field order of seed 001's example; `delete_flag` as OTC and the SDK's EpDetail add it (open question 14).
  return {
    id: row.id, name: row.name, description: row.description, status: row.status, type: row.type,
    created_at: epsTime(row.created_at), updated_at: epsTime(row.updated_at), delete_flag: false,
  }
}

export function versionBody(base: string): Record<string, unknown> {
  return { id: 'v1.0', links: [{ rel: 'self', href: `${base}/v1.0` }], version: '', status: 'CURRENT', updated: '2016-12-09T00:00:00Z', min_version: '' }
}

export function resourceBody(r: ResourceWithProject): Record<string, unknown> {
  return {
    enterprise_project_id: r.enterprise_project_id, project_id: r.project_id, project_name: r.project_name,
    resource_type: r.resource_type, resource_id: r.resource_id, resource_name: r.resource_name,
    resource_detail: r.detail === null ? null : JSON.parse(r.detail),
  }
}

/** The admin API's view of a registered resource: what EPS shows, plus where it lives and what it is attached to. */
export function registeredResourceBody(r: ResourceWithProject): Record<string, unknown> {
  return { ...resourceBody(r), region_id: r.region_id, attached_to: r.attached_to, created_at: epsTime(r.created_at) }
}

export function migrationRecordBody(r: EpMigrationRecordRow): Record<string, unknown> {
  return {
    associated: r.associated === 1, code: '200', message: 'success', project_id: r.project_id, project_name: r.project_name,
    region_id: r.region_id, event_time: epsTime(r.event_time), user_name: r.user_name, operate_type: 'migrate',
    resource_id: r.resource_id, resource_name: r.resource_name, resource_type: r.resource_type,
    initiate_ep_id: r.initiate_ep_id, initiate_ep_name: r.initiate_ep_name, origin_ep_id: r.origin_ep_id, origin_ep_name: r.origin_ep_name,
    target_ep_id: r.target_ep_id, target_ep_name: r.target_ep_name, exist_failed: false,
  }
}

export function providersBody(page: ProviderPage): Record<string, unknown> {
  return {
    providers: page.providers.map((p) => ({
      provider: p.provider,
      provider_i18n_display_name: p.displayName[page.locale],
      resource_types: p.resourceTypes.map((t) => ({
        resource_type: t.type, resource_type_i18n_display_name: t.displayName[page.locale], regions: t.global ? [] : page.regions, global: t.global,
      })),
    })),
    total_count: page.total,
  }
}

export function associatedResourcesBody(resource: ResourceWithProject, attached: readonly EpResourceRow[]): Record<string, unknown> {
  const eip = (r: EpResourceRow) => {
    const detail = r.detail === null ? undefined : (JSON.parse(r.detail) as Record<string, unknown>)
    return typeof detail?.ip_address === 'string' ? detail.ip_address : ''
  }
  return {
    id: resource.resource_id, name: resource.resource_name, type: resource.resource_type,
    associated_resources: attached.map((r) => ({ id: r.resource_id, name: r.resource_name, eip: eip(r), resource_type: r.resource_type })),
    errors: [],
  }
}

// ---- envelopes: what each route answers

export function enterpriseProjectEnvelope(row: EnterpriseProjectRow): { enterprise_project: Record<string, unknown> } {
  return { enterprise_project: enterpriseProjectBody(row) }
}

export function enterpriseProjectList(page: { rows: readonly EnterpriseProjectRow[]; total: number }): unknown {
  return { enterprise_projects: page.rows.map(enterpriseProjectBody), total_count: page.total }
}

export function versionEnvelope(base: string): unknown {
  return { version: versionBody(base) }
}

/** EPS's version list, as `GET /` answers it on the clouds' EPS endpoints. */
export function versionList(base: string): unknown {
  return { versions: [versionBody(base)] }
}

/** Enterprise projects are the one quota EPS reports. */
export function quotaEnvelope(used: number, quota: number): unknown {
  return { quotas: { resources: [{ type: 'enterprise_project', used, quota }] } }
}

export function resourceList(page: { rows: readonly ResourceWithProject[]; total: number }): unknown {
  return { resources: page.rows.map(resourceBody), errors: [], total_count: page.total }
}

export function migrationRecordList(rows: readonly EpMigrationRecordRow[]): unknown {
  return { records: rows.map(migrationRecordBody) }
}

export function resourceMappingEnvelope(mapping: unknown): unknown {
  return { resource_mapping: mapping }
}

/** Terraform reads this flag as a JSON boolean, although the SDK types it as a string. */
export function configsEnvelope(deleteSupported: boolean): unknown {
  return { support_item: { delete_ep_support: deleteSupported } }
}

export function registeredResourceEnvelope(r: ResourceWithProject): unknown {
  return { resource: registeredResourceBody(r) }
}

export function registeredResourceList(rows: readonly ResourceWithProject[]): unknown {
  return { resources: rows.map(registeredResourceBody) }
}
