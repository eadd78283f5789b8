/**
 * Extra accounts and users for tests, written through the real store (the clouds have no API
 * that creates an account; the user API arrives with the identity issue).
 */
import { randomBytes } from 'node:crypto'
import { hashPassword } from '../../src/auth/password.js'
import { SqlIamStores } from '../../src/services/iam/iam-stores-sql.js'
import { isoMicros } from '../../src/shared/clock.js'
import { call, type TestServer } from './server.js'
import { createCloudAccount } from '../../src/services/iam/bootstrap.js'
import { flavourFor } from '../../src/flavours.js'

const hex = () => randomBytes(16).toString('hex')

/** A second account, made exactly as the bootstrap makes the first one. */
export async function createAccount(s: TestServer, name: string, password: string): Promise<{ id: string; name: string }> {
  const store = new SqlIamStores({ db: s.server.db })
  const passwordHash = await hashPassword(password)
  const { accountId } = await store.transaction((tx) =>
    createCloudAccount(tx, { flavour: flavourFor(s.flavour), name, adminUser: 'admin', passwordHash, now: isoMicros(Date.now()) }),
  )
  return { id: accountId, name }
}

/** A user with no group and no role in the given account. */
export async function createPlainUser(s: TestServer, domainId: string, name: string, password: string, opts: { enabled?: boolean } = {}): Promise<string> {
  const store = new SqlIamStores({ db: s.server.db })
  const now = isoMicros(Date.now())
  const user = await store.identity.createUser({ id: hex(), domain_id: domainId, name, password_hash: await hashPassword(password), enabled: opts.enabled === false ? 0 : 1, created_at: now, updated_at: now })
  return user.id
}

export async function tokenFor(s: TestServer, user: string, password: string, domainName: string, scope?: unknown): Promise<string> {
  const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domainName } } } }, ...(scope === undefined ? { scope: { domain: { name: domainName } } } : scope === null ? {} : { scope }) } },
  })
  if (res.status !== 201) throw new Error(`token for ${user}: ${res.status} ${res.text}`)
  return res.headers.get('x-subject-token')!
}

/** A token of the user named by id, by password, with the given scope (none: unscoped). */
export async function tokenForUserId(s: TestServer, userId: string, password: string, scope?: unknown): Promise<string> {
  const res = await call(`${s.url}/v3/auth/tokens?nocatalog`, {
    method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, ...(scope === undefined ? {} : { scope }) } },
  })
  if (res.status !== 201) throw new Error(`token for user ${userId}: ${res.status} ${res.text}`)
  return res.headers.get('x-subject-token')!
}

/** One call to the server; with `expected`, its status must be that (the message names the call and its answer). */
export async function callExpecting(s: TestServer, method: string, path: string, token: string, body?: unknown, expected?: number) {
  const res = await call(`${s.url}${path}`, { method, token, body })
  if (expected !== undefined && res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status} ${res.text}`)
  return res
}
