/**
 * Row builders and store set-up shared by the IAM store contract suites. Ids carry a per-process
 * counter, so tests sharing one store never collide and each test sees only rows it made (list
 * calls filter by the test's own account, or run on a store of their own).
 */
import { afterAll, beforeAll } from 'vitest'
import type { Db } from '../../src/db/database.js'
import type { CredentialRow, DomainRow, GroupRow, ProjectRow, RoleRow } from '../../src/db/schema.js'
import { SqlIamStores } from '../../src/services/iam/iam-stores-sql.js'
import type { NewUser } from '../../src/services/iam/identity/store.js'
import type { Backend, OpenStore } from './backends.js'

export const T0 = '2024-01-01T00:00:00.000000Z'
export const T1 = '2024-01-02T00:00:00.000000Z'
export const T2 = '2024-01-03T00:00:00.000000Z'
export const T3 = '2024-01-04T00:00:00.000000Z'

let seq = 0
/** Unique within the process; zero-padded so ids sort in creation order. */
export function uid(prefix: string): string {
  return `${prefix}-${String(++seq).padStart(6, '0')}`
}

export interface StoreHandle {
  store: SqlIamStores
  db: Db
}

/** A fresh, migrated store for the enclosing describe block, closed after it. */
export function useStore(backend: Backend): StoreHandle {
  const handle = {} as StoreHandle
  let opened: OpenStore | undefined
  beforeAll(async () => {
    opened = await backend.open()
    handle.db = opened.db
    handle.store = new SqlIamStores({ db: opened.db })
  })
  afterAll(async () => {
    await opened?.close()
  })
  return handle
}

export function domainRow(overrides: Partial<DomainRow> = {}): DomainRow {
  const id = overrides.id ?? uid('dom')
  return { id, name: `name-${id}`, description: '', enabled: 1, created_at: T0, updated_at: T0, ...overrides }
}

export function projectRow(domainId: string, overrides: Partial<ProjectRow> = {}): ProjectRow {
  const id = overrides.id ?? uid('prj')
  return {
    id, domain_id: domainId, name: `name-${id}`, description: '', parent_id: domainId, kind: 'custom', region_id: null,
    enabled: 1, status: 'normal', suspended_at: null, tags: '[]', options: '{}', extra: '{}', created_at: T0, updated_at: T0,
    ...overrides,
  }
}

export function newUser(domainId: string, overrides: Partial<NewUser> = {}): NewUser {
  const id = overrides.id ?? uid('usr')
  return { id, domain_id: domainId, name: `name-${id}`, password_hash: 'hash', enabled: 1, created_at: T0, updated_at: T0, ...overrides }
}

export function groupRow(domainId: string, overrides: Partial<GroupRow> = {}): GroupRow {
  const id = overrides.id ?? uid('grp')
  return { id, domain_id: domainId, name: `name-${id}`, description: '', created_at: T0, ...overrides }
}

/** A system role unless `domain_key` names an account. */
export function roleRow(overrides: Partial<RoleRow> = {}): RoleRow {
  const id = overrides.id ?? uid('role')
  return {
    id, domain_key: '', name: `name-${id}`, display_name: `display ${id}`, description: '', description_cn: '',
    type: 'AX', catalog: 'BASE', flag: '', policy: '{"Version":"1.1","Statement":[]}', created_at: T0, updated_at: T0,
    ...overrides,
  }
}

export function credentialInput(userId: string, overrides: Partial<Omit<CredentialRow, 'slot' | 'kind'>> = {}): Omit<CredentialRow, 'slot' | 'kind'> {
  return {
    access: uid('AK'), user_id: userId, secret: 'sealed', status: 'active', description: '',
    security_token_hash: null, expires_at: null, created_at: T0, last_used_at: null, agency_id: null, session_user: null, ...overrides,
  }
}

/** A new account (domain) with nothing in it. */
export async function newAccount(store: SqlIamStores, overrides: Partial<DomainRow> = {}): Promise<DomainRow> {
  return store.projects.createDomain(domainRow(overrides))
}

/** Both settle; the values and the errors, in call order. */
export async function settleAll<T>(work: readonly Promise<T>[]) {
  const results = await Promise.allSettled(work)
  return {
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  }
}
