/**
 * @module Bodies of the operator API. Accounts are listed oldest first: the first is the
 * operator's on the clouds.
 */
import type { DomainRow } from '../../db/schema.js'
import type { ImportSummary } from '../import-state.js'
import type { CreatedAccount } from './service.js'

export function createdAccountBody(created: CreatedAccount) {
  return { account: created.account, admin: created.admin, ...(created.accessKey ? { access_key: created.accessKey } : {}) }
}

export function accountListBody(rows: readonly DomainRow[]) {
  return {
    accounts: rows.map((d) => ({ id: d.id, name: d.name, description: d.description, enabled: d.enabled === 1, created_at: d.created_at })),
  }
}

/** Rows in the store after an import, per kind. */
export function importedBody(summary: ImportSummary) {
  return { imported: summary }
}
