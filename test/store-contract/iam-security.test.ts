/**
 * SecurityStore contract (issue 18): an account's policies written whole and read back, gone with
 * the account or a reset; the password history newest first and gone with its user; and the
 * user columns the enforcement writes (expiry, lock-out, disabling) on both backends.
 */
import { describe, expect, it } from 'vitest'
import { NotFoundError } from '../../src/errors/app-error.js'
import { SqlSecurityStore } from '../../src/services/iam/security/store-sql.js'
import { BACKENDS } from './backends.js'
import { newAccount, newUser, T0, useStore } from './iam-fixtures.js'

const at = (minute: number) => `2024-01-01T00:${String(minute).padStart(2, '0')}:00.000000Z`

describe.each(BACKENDS)('SecurityStore on $name', (backend) => {
  const h = useStore(backend)
  const store = () => new SqlSecurityStore({ db: h.db })

  it('writes a policy whole, replaces it, forgets the account\'s on a reset, and refuses a missing account', async () => {
    const account = await newAccount(h.store)
    expect(await store().findPolicy(account.id, 'login')).toBeUndefined()
    await store().putPolicy(account.id, 'login', { login_failed_times: 3 }, T0)
    await store().putPolicy(account.id, 'login', { login_failed_times: 4, session_timeout: 20 }, at(1))
    await store().putPolicy(account.id, 'api_acl', { allow_ip_ranges: [] }, at(1))
    expect(await store().findPolicy(account.id, 'login')).toEqual({ login_failed_times: 4, session_timeout: 20 })
    await store().deletePolicies(account.id)
    expect(await store().findPolicy(account.id, 'api_acl')).toBeUndefined()
    await expect(store().putPolicy('no-such-account', 'password', {}, T0)).rejects.toThrow(NotFoundError)
  })

  it('goes with its account', async () => {
    const account = await newAccount(h.store)
    await store().putPolicy(account.id, 'password', { minimum_password_length: 12 }, T0)
    expect(await h.store.projects.deleteDomain(account.id)).toBe(true)
    expect(await store().findPolicy(account.id, 'password')).toBeUndefined()
  })

  it('keeps password hashes newest first, up to the limit asked; a deleted user\'s history goes and a late one is ignored', async () => {
    const account = await newAccount(h.store)
    const user = await h.store.identity.createUser(newUser(account.id, { password_hash: 'h3' }))
    await store().rememberPassword(user.id, 'h1', at(1))
    await store().rememberPassword(user.id, 'h3', at(3))
    await store().rememberPassword(user.id, 'h2', at(2))
    expect(await store().listPasswordHashes(user.id, 2)).toEqual(['h3', 'h2'])
    expect(await store().listPasswordHashes(user.id, 0)).toEqual([])
    expect(await h.store.identity.deleteUser(account.id, user.id)).toBe(true)
    expect(await store().listPasswordHashes(user.id, 5)).toEqual([])
    await store().rememberPassword(user.id, 'h4', at(4))
    expect(await store().listPasswordHashes(user.id, 5)).toEqual([])
  })

  it('writes the user columns the enforcement needs: expiry, cleared failures, disabled, owners', async () => {
    const account = await newAccount(h.store)
    const owner = await h.store.identity.createUser(newUser(account.id, { password_hash: 'x', is_domain_owner: 1 }))
    const user = await h.store.identity.createUser(newUser(account.id, { password_hash: 'y' }))
    await h.store.identity.createUser(newUser(account.id, { password_hash: null }))
    expect((await store().listUsersWithPassword(account.id)).map((u) => u.id).sort()).toEqual([owner.id, user.id].sort())
    expect(await store().listOwnerIds(account.id)).toEqual([owner.id])
    await store().setPasswordExpiry(user.id, at(9))
    await h.store.identity.recordLoginFailure({ userId: user.id, now: at(1), windowStart: T0, attempts: 1, lockUntil: at(30) })
    expect(await h.store.identity.findUser(user.id)).toMatchObject({ password_expires_at: at(9), failed_logins: 1, locked_until: at(30) })
    await store().clearLoginFailures(user.id)
    await store().disableUser(user.id, at(5))
    expect(await h.store.identity.findUser(user.id)).toMatchObject({ failed_logins: 0, failure_window_started_at: null, locked_until: null, enabled: 0, tokens_valid_after: at(5) })
  })
})
