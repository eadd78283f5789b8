/**
 * @module Keystone's bodies for application credentials and access rules. Keystone shows only its
 * public fields (no user, no hash), the secret once, `access_rules` only when there are some, and
 * links every member under `/v3/application_credentials/{id}` or `/v3/access_rules/{id}` (its
 * self links ignore the user in the path).
 */
import type { AccessRuleRow } from '../../../db/schema.js'
import { collectionLinks } from '../iam-wire.js'
import type { ApplicationCredentialRecord } from './store.js'
import type { CreatedApplicationCredential } from './service.js'

export class ApplicationCredentialWire {
  created(base: string, { record, secret }: CreatedApplicationCredential): unknown {
    return { application_credential: this.credential(base, record, secret) }
  }

  applicationCredential(base: string, record: ApplicationCredentialRecord): unknown {
    return { application_credential: this.credential(base, record) }
  }

  applicationCredentialList(base: string, selfUrl: string, records: readonly ApplicationCredentialRecord[]): unknown {
    return { application_credentials: records.map((r) => this.credential(base, r)), links: collectionLinks(selfUrl) }
  }

  accessRule(base: string, row: AccessRuleRow): unknown {
    return { access_rule: this.rule(base, row) }
  }

  accessRuleList(base: string, selfUrl: string, rows: readonly AccessRuleRow[]): unknown {
    return { access_rules: rows.map((r) => this.rule(base, r)), links: collectionLinks(selfUrl) }
  }

  private credential(base: string, { credential: c, roles, accessRules }: ApplicationCredentialRecord, secret?: string): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: c.id, name: c.name, description: c.description, project_id: c.project_id, expires_at: c.expires_at,
      unrestricted: c.unrestricted === null ? null : c.unrestricted === 1,
      roles: roles.map((r) => ({ id: r.id, name: r.name, domain_id: r.domain_key === '' ? null : r.domain_key, description: r.description, options: {} })),
    }
    if (accessRules.length > 0) out.access_rules = accessRules.map((r) => ({ id: r.id, service: r.service, path: r.path, method: r.method }))
    if (secret !== undefined) out.secret = secret
    out.links = { self: `${base}/v3/application_credentials/${c.id}` }
    return out
  }

  private rule(base: string, r: AccessRuleRow): Record<string, unknown> {
    return { id: r.id, service: r.service, path: r.path, method: r.method, links: { self: `${base}/v3/access_rules/${r.id}` } }
  }
}
