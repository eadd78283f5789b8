/**
 * IamStore contract, access keys: two permanent slots per user even under races, temporary keys
 * beside them, and which calls touch which kind.
 */
import { describe, expect, it } from 'vitest'
import { AccessKeyQuotaExceededError, NotFoundError } from '../../src/errors/app-error.js'
import type { CredentialRow } from '../../src/db/schema.js'
import { BACKENDS } from './backends.js'
import { credentialInput, newAccount, newUser, settleAll, T0, T1, T2, T3, uid, useStore } from './iam-fixtures.js'

describe.each(BACKENDS)('IamStore access keys on $name', (backend) => {
  const h = useStore(backend)
  const newUserId = async () => (await h.store.identity.createUser(newUser((await newAccount(h.store)).id))).id

  it('createPermanentCredential takes slot 1, then slot 2, then throws AccessKeyQuotaExceededError', async () => {
    const user = await newUserId()
    const [a, b, c] = [credentialInput(user, { description: 'a' }), credentialInput(user, { status: 'inactive' }), credentialInput(user)]
    expect(await h.store.credentials.createPermanentCredential(a)).toEqual({ ...a, kind: 'permanent', slot: 1 })
    expect(await h.store.credentials.createPermanentCredential(b)).toEqual({ ...b, kind: 'permanent', slot: 2 })
    await expect(h.store.credentials.createPermanentCredential(c)).rejects.toThrow(AccessKeyQuotaExceededError)
    expect(await h.store.credentials.findCredential(a.access)).toEqual({ ...a, kind: 'permanent', slot: 1 })
    expect(await h.store.credentials.findCredential(c.access)).toBeUndefined()
  })

  it('a deleted key frees its slot for the next one', async () => {
    const user = await newUserId()
    const first = (await h.store.credentials.createPermanentCredential(credentialInput(user)))!
    await h.store.credentials.createPermanentCredential(credentialInput(user))
    expect(await h.store.credentials.deleteCredential(first.access)).toBe(true)
    const next = credentialInput(user)
    expect(await h.store.credentials.createPermanentCredential(next)).toEqual({ ...next, kind: 'permanent', slot: 1 })
  })

  it('temporary keys take no slot and leave both permanent slots free', async () => {
    const user = await newUserId()
    const temp = credentialInput(user, { security_token_hash: 'sha', expires_at: T3 })
    expect(await h.store.credentials.createTemporaryCredential(temp)).toEqual({ ...temp, kind: 'temporary', slot: null })
    expect(await h.store.credentials.createTemporaryCredential(credentialInput(user, { expires_at: T3 }))).toMatchObject({ slot: null })
    expect(await h.store.credentials.findCredential(temp.access)).toEqual({ ...temp, kind: 'temporary', slot: null })
    expect((await h.store.credentials.createPermanentCredential(credentialInput(user)))?.slot).toBe(1)
    expect((await h.store.credentials.createPermanentCredential(credentialInput(user)))?.slot).toBe(2)
  })

  it('both creates throw NotFoundError for a user that does not exist', async () => {
    const gone = uid('gone-user')
    const permanent = credentialInput(gone)
    const temporary = credentialInput(gone, { expires_at: T3 })
    await expect(h.store.credentials.createPermanentCredential(permanent)).rejects.toThrow(NotFoundError)
    await expect(h.store.credentials.createPermanentCredential(permanent)).rejects.toThrow(`Could not find user: ${gone}.`)
    await expect(h.store.credentials.createTemporaryCredential(temporary)).rejects.toThrow(NotFoundError)
    expect(await h.store.credentials.findCredential(permanent.access)).toBeUndefined()
    expect(await h.store.credentials.findCredential(temporary.access)).toBeUndefined()
  })

  it('concurrent creates for one user: two keys in slots 1 and 2, the rest refused with AccessKeyQuotaExceededError', async () => {
    const user = await newUserId()
    const { values: created, errors } = await settleAll(Array.from({ length: 5 }, () => h.store.credentials.createPermanentCredential(credentialInput(user))))
    expect(created.map((r: CredentialRow) => r.slot).sort()).toEqual([1, 2])
    expect(errors.filter((e) => e instanceof AccessKeyQuotaExceededError)).toHaveLength(3)
    expect((await h.store.credentials.listCredentials(user)).map((r) => r.access).sort()).toEqual(created.map((r) => r.access).sort())
  })

  it('listCredentials gives a user\'s permanent keys only, oldest first', async () => {
    const user = await newUserId()
    const other = await newUserId()
    const newer = (await h.store.credentials.createPermanentCredential(credentialInput(user, { created_at: T2 })))!
    const older = (await h.store.credentials.createPermanentCredential(credentialInput(user, { created_at: T1 })))!
    await h.store.credentials.createTemporaryCredential(credentialInput(user, { created_at: T0, expires_at: T3 }))
    await h.store.credentials.createPermanentCredential(credentialInput(other, { created_at: T0 }))
    expect(await h.store.credentials.listCredentials(user)).toEqual([older, newer])
    expect(await h.store.credentials.listCredentials(uid('nobody'))).toEqual([])
  })

  it('updateCredential changes status and description of a permanent key only', async () => {
    const user = await newUserId()
    const key = (await h.store.credentials.createPermanentCredential(credentialInput(user)))!
    const temp = await h.store.credentials.createTemporaryCredential(credentialInput(user, { expires_at: T3 }))
    expect(await h.store.credentials.updateCredential(key.access, { status: 'inactive' })).toEqual({ ...key, status: 'inactive' })
    expect(await h.store.credentials.updateCredential(key.access, { description: 'd' })).toEqual({ ...key, status: 'inactive', description: 'd' })
    expect(await h.store.credentials.findCredential(key.access)).toEqual({ ...key, status: 'inactive', description: 'd' })
    expect(await h.store.credentials.updateCredential(temp.access, { status: 'inactive' })).toBeUndefined()
    expect(await h.store.credentials.findCredential(temp.access)).toEqual(temp)
    expect(await h.store.credentials.updateCredential(uid('missing'), { status: 'inactive' })).toBeUndefined()
  })

  it('deleteCredential removes a permanent key only', async () => {
    const user = await newUserId()
    const key = (await h.store.credentials.createPermanentCredential(credentialInput(user)))!
    const temp = await h.store.credentials.createTemporaryCredential(credentialInput(user, { expires_at: T3 }))
    expect(await h.store.credentials.deleteCredential(temp.access)).toBe(false)
    expect(await h.store.credentials.findCredential(temp.access)).toEqual(temp)
    expect(await h.store.credentials.deleteCredential(key.access)).toBe(true)
    expect(await h.store.credentials.findCredential(key.access)).toBeUndefined()
    expect(await h.store.credentials.deleteCredential(key.access)).toBe(false)
  })

  it('markCredentialUsed stamps last_used_at on either kind, and ignores an unknown key', async () => {
    const user = await newUserId()
    const key = (await h.store.credentials.createPermanentCredential(credentialInput(user)))!
    const temp = await h.store.credentials.createTemporaryCredential(credentialInput(user, { expires_at: T3 }))
    await h.store.credentials.markCredentialUsed(key.access, T1)
    await h.store.credentials.markCredentialUsed(temp.access, T2)
    await h.store.credentials.markCredentialUsed(uid('missing'), T2)
    expect(await h.store.credentials.findCredential(key.access)).toEqual({ ...key, last_used_at: T1 })
    expect(await h.store.credentials.findCredential(temp.access)).toEqual({ ...temp, last_used_at: T2 })
  })

  it('deleteExpiredCredentials removes temporary keys that expired before now, nothing else', async () => {
    const user = await newUserId()
    const key = (await h.store.credentials.createPermanentCredential(credentialInput(user)))!
    const expired = await h.store.credentials.createTemporaryCredential(credentialInput(user, { expires_at: T1 }))
    const expiringNow = await h.store.credentials.createTemporaryCredential(credentialInput(user, { expires_at: T2 }))
    const valid = await h.store.credentials.createTemporaryCredential(credentialInput(user, { expires_at: T3 }))
    await h.store.credentials.deleteExpiredCredentials(T2)
    expect(await h.store.credentials.findCredential(expired.access)).toBeUndefined()
    expect(await h.store.credentials.findCredential(expiringNow.access)).toEqual(expiringNow)
    expect(await h.store.credentials.findCredential(valid.access)).toEqual(valid)
    expect(await h.store.credentials.findCredential(key.access)).toEqual(key)
  })
})
