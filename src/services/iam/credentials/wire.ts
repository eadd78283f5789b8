/**
 * @module Envelopes of access keys (`OS-CREDENTIAL`) in the clouds' field spellings. The secret
 * key appears once, in the answer that creates it.
 */
import type { CredentialRow } from '../../../db/schema.js'
import type { CreatedCredential } from './service.js'

export class CredentialWire {
  credential(row: CredentialRow): unknown {
    return { credential: credentialEntity(row) }
  }

  /** `GET` of one key also says when it was last used. */
  credentialWithLastUse(row: CredentialRow): unknown {
    return { credential: credentialEntity(row, { lastUse: true }) }
  }

  created(created: CreatedCredential): unknown {
    return { credential: credentialEntity(created.row, { secret: created.secret }) }
  }

  credentialList(rows: readonly CredentialRow[]): unknown {
    return { credentials: rows.map((c) => credentialEntity(c)) }
  }

  temporaryCreated(created: CreatedCredential): unknown {
    return { credential: { access: created.row.access, secret: created.secret, expires_at: created.row.expires_at, securitytoken: created.securityToken } }
  }
}

function credentialEntity(row: CredentialRow, opts: { secret?: string; lastUse?: boolean } = {}): Record<string, unknown> {
  return {
    access: row.access,
    ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
    status: row.status,
    user_id: row.user_id,
    description: row.description,
    create_time: row.created_at,
    // The clouds show the creation time for a key never used.
    ...(opts.lastUse ? { last_use_time: row.last_used_at ?? row.created_at } : {}),
  }
}
