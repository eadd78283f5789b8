/**
 * IamStore contract, users and groups: defaults, name rules per account, the account boundary of
 * updates and deletes, what a delete takes with it, memberships, token cut-off and lock-out.
 */
import { describe, expect, it } from 'vitest'
import { ConflictError, NotFoundError } from '../../src/errors/app-error.js'
import type { UserRow } from '../../src/db/schema.js'
import type { Assignment } from '../../src/services/iam/roles/store.js'
import type { LoginFailure } from '../../src/services/iam/identity/store.js'
import { BACKENDS } from './backends.js'
import { USER_PROFILE_DEFAULTS } from '../../src/services/iam/identity/user-profile.js'
import { credentialInput, groupRow, newAccount, newUser, roleRow, T0, T1, T2, T3, uid, useStore } from './iam-fixtures.js'

describe.each(BACKENDS)('IamStore users and groups on $name', (backend) => {
  describe('users', () => {
    const h = useStore(backend)

    it('createUser fills the defaults and returns the row findUser and findUserByName read back', async () => {
      const domain = await newAccount(h.store)
      const input = newUser(domain.id, { enabled: 0, password_hash: null, created_at: T0, updated_at: T1 })
      const expected: UserRow = {
        description: '', email: null, extra: '{}', default_project_id: null, password_expires_at: null,
        tokens_valid_after: '', failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: null, last_project_id: null,
        ...USER_PROFILE_DEFAULTS, ...input,
      }
      expect(await h.store.identity.createUser(input)).toEqual(expected)
      expect(await h.store.identity.findUser(input.id)).toEqual(expected)
      expect(await h.store.identity.findUserByName(domain.id, input.name)).toEqual(expected)
    })

    it('createUser keeps the optional fields it is given', async () => {
      const domain = await newAccount(h.store)
      const input = newUser(domain.id, {
        description: 'd', email: 'u@example.com', extra: '{"k":"v"}', default_project_id: 'p1', password_expires_at: T3,
      })
      const created = await h.store.identity.createUser(input)
      expect(created).toEqual({
        ...USER_PROFILE_DEFAULTS, ...input, tokens_valid_after: '', failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: null, last_project_id: null,
      })
      expect(await h.store.identity.findUser(input.id)).toEqual(created)
    })

    it('find* answer undefined for what does not exist, and findUserByName stays in its account', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(a.id))
      expect(await h.store.identity.findUser(uid('missing'))).toBeUndefined()
      expect(await h.store.identity.findUserByName(a.id, uid('missing'))).toBeUndefined()
      expect(await h.store.identity.findUserByName(b.id, user.name)).toBeUndefined()
    })

    it('createUser throws ConflictError on a name taken in the account, not on one taken in another', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const first = await h.store.identity.createUser(newUser(a.id, { name: 'alice' }))
      const clash = newUser(a.id, { name: 'alice' })
      await expect(h.store.identity.createUser(clash)).rejects.toThrow(ConflictError)
      await expect(h.store.identity.createUser(clash)).rejects.toThrow(`Conflict occurred attempting to store user - Duplicate entry found with name alice at domain ID ${a.id}.`)
      expect(await h.store.identity.findUser(clash.id)).toBeUndefined()
      expect(await h.store.identity.findUserByName(a.id, 'alice')).toEqual(first)
      expect((await h.store.identity.createUser(newUser(b.id, { name: 'alice' }))).name).toBe('alice')
    })

    it('createUser refuses a user of an account that does not exist', async () => {
      const input = newUser(uid('no-such-domain'))
      await expect(h.store.identity.createUser(input)).rejects.toThrow()
      expect(await h.store.identity.findUser(input.id)).toBeUndefined()
    })

    it('listUsers orders by name then id and filters by account, name, enabled and group', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const zed = await h.store.identity.createUser(newUser(a.id, { id: 'u-1', name: 'zed' }))
      const ann = await h.store.identity.createUser(newUser(a.id, { id: 'u-2', name: 'ann', enabled: 0 }))
      const upper = await h.store.identity.createUser(newUser(a.id, { id: 'u-3', name: 'Bob' }))
      const annB = await h.store.identity.createUser(newUser(b.id, { id: 'u-0', name: 'ann' }))
      const group = await h.store.identity.createGroup(groupRow(a.id))
      await h.store.identity.addGroupMember(group.id, zed.id)
      await h.store.identity.addGroupMember(group.id, ann.id)

      expect(await h.store.identity.listUsers({ domainId: a.id })).toEqual([upper, ann, zed])
      expect(await h.store.identity.listUsers({ domainId: a.id, enabled: true })).toEqual([upper, zed])
      expect(await h.store.identity.listUsers({ domainId: a.id, enabled: false })).toEqual([ann])
      expect(await h.store.identity.listUsers({ domainId: a.id, name: 'ann' })).toEqual([ann])
      expect(await h.store.identity.listUsers({ groupId: group.id })).toEqual([ann, zed])
      expect(await h.store.identity.listUsers({ groupId: group.id, enabled: true })).toEqual([zed])
      expect(await h.store.identity.listUsers({ domainId: b.id, groupId: group.id })).toEqual([])
      expect(await h.store.identity.listUsers({ groupId: uid('missing') })).toEqual([])
      // Across accounts the id orders equal names.
      expect((await h.store.identity.listUsers({ name: 'ann' })).filter((u) => [a.id, b.id].includes(u.domain_id))).toEqual([annB, ann])
    })

    it('updateUser applies every kind of change, stamps updated_at, and answers the new row', async () => {
      const domain = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      const changes = {
        name: uid('renamed'), enabled: 0, description: 'd', email: 'e@x', default_project_id: 'p', extra: '{"a":1}',
        password_hash: 'h2', password_expires_at: T3, tokens_valid_after: T1,
      }
      const expected = { ...user, ...changes, updated_at: T2 }
      expect(await h.store.identity.updateUser(domain.id, user.id, changes, T2)).toEqual(expected)
      expect(await h.store.identity.findUser(user.id)).toEqual(expected)
      expect(await h.store.identity.updateUser(domain.id, user.id, { email: null, password_expires_at: null }, T3))
        .toEqual({ ...expected, email: null, password_expires_at: null, updated_at: T3 })
    })

    it('updateUser answers undefined for another account or a missing id, and changes nothing', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      expect(await h.store.identity.updateUser(other.id, user.id, { description: 'x' }, T1)).toBeUndefined()
      expect(await h.store.identity.updateUser(domain.id, uid('missing'), { description: 'x' }, T1)).toBeUndefined()
      expect(await h.store.identity.findUser(user.id)).toEqual(user)
    })

    it('updateUser throws ConflictError on a name taken in the account and changes nothing', async () => {
      const domain = await newAccount(h.store)
      const a = await h.store.identity.createUser(newUser(domain.id))
      const b = await h.store.identity.createUser(newUser(domain.id))
      await expect(h.store.identity.updateUser(domain.id, b.id, { name: a.name, description: 'x' }, T1))
        .rejects.toThrow(`Conflict occurred attempting to store user - Duplicate entry found with name ${a.name} at domain ID ${domain.id}.`)
      await expect(h.store.identity.updateUser(domain.id, b.id, { name: a.name }, T1)).rejects.toThrow(ConflictError)
      expect(await h.store.identity.findUser(b.id)).toEqual(b)
    })

    it('deleteUser ends its memberships, grants and access keys, and leaves the rest', async () => {
      const domain = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      const peer = await h.store.identity.createUser(newUser(domain.id))
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      await h.store.identity.addGroupMember(group.id, user.id)
      await h.store.identity.addGroupMember(group.id, peer.id)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grant = (actorId: string): Assignment => ({ actorType: 'user', actorId, targetType: 'domain', targetId: domain.id, roleId: role.id, inherited: false })
      await h.store.roles.assignRole(grant(user.id))
      await h.store.roles.assignRole(grant(peer.id))
      const key = await h.store.credentials.createPermanentCredential(credentialInput(user.id))
      const temporary = await h.store.credentials.createTemporaryCredential(credentialInput(user.id, { expires_at: T3 }))
      const peerKey = await h.store.credentials.createPermanentCredential(credentialInput(peer.id))

      expect(await h.store.identity.deleteUser(domain.id, user.id)).toBe(true)
      expect(await h.store.identity.findUser(user.id)).toBeUndefined()
      expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(false)
      expect(await h.store.roles.hasAssignment(grant(user.id))).toBe(false)
      expect(await h.store.credentials.findCredential(key!.access)).toBeUndefined()
      expect(await h.store.credentials.findCredential(temporary.access)).toBeUndefined()
      expect(await h.store.identity.findUser(peer.id)).toEqual(peer)
      expect(await h.store.identity.isGroupMember(group.id, peer.id)).toBe(true)
      expect(await h.store.roles.hasAssignment(grant(peer.id))).toBe(true)
      expect(await h.store.credentials.findCredential(peerKey!.access)).toEqual(peerKey)
      expect(await h.store.identity.deleteUser(domain.id, user.id)).toBe(false)
    })

    it('deleteUser of another account answers false and leaves the user, its memberships and grants alone', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      await h.store.identity.addGroupMember(group.id, user.id)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grant: Assignment = { actorType: 'user', actorId: user.id, targetType: 'domain', targetId: domain.id, roleId: role.id, inherited: false }
      await h.store.roles.assignRole(grant)
      expect(await h.store.identity.deleteUser(other.id, user.id)).toBe(false)
      expect(await h.store.identity.deleteUser(domain.id, uid('missing'))).toBe(false)
      expect(await h.store.identity.findUser(user.id)).toEqual(user)
      expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(true)
      expect(await h.store.roles.hasAssignment(grant)).toBe(true)
    })

    it('cutUserTokens stamps tokens_valid_after on exactly the users named', async () => {
      const domain = await newAccount(h.store)
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => h.store.identity.createUser(newUser(domain.id))))
      await h.store.identity.cutUserTokens([a!.id, c!.id, uid('missing')], T2)
      expect(await h.store.identity.findUser(a!.id)).toEqual({ ...a, tokens_valid_after: T2 })
      expect(await h.store.identity.findUser(b!.id)).toEqual(b)
      expect(await h.store.identity.findUser(c!.id)).toEqual({ ...c, tokens_valid_after: T2 })
      await h.store.identity.cutUserTokens([], T3)
      expect(await h.store.identity.findUser(a!.id)).toEqual({ ...a, tokens_valid_after: T2 })
    })
  })

  describe('login failures', () => {
    const h = useStore(backend)
    const at = (minute: number) => `2024-01-01T00:${String(minute).padStart(2, '0')}:00.000000Z`
    /** Three failures within ten minutes lock for an hour. */
    const failure = (userId: string, minute: number): LoginFailure => ({
      userId, now: at(minute), windowStart: at(Math.max(0, minute - 10)), attempts: 3, lockUntil: `2024-01-01T01:${String(minute).padStart(2, '0')}:00.000000Z`,
    })

    it('counts failures in the window and locks on the one that reaches the limit', async () => {
      const domain = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      expect(await h.store.identity.recordLoginFailure(failure(user.id, 1))).toEqual({ locked: false })
      expect(await h.store.identity.findUser(user.id)).toEqual({ ...user, failed_logins: 1, failure_window_started_at: at(1), locked_until: null })
      expect(await h.store.identity.recordLoginFailure(failure(user.id, 5))).toEqual({ locked: false })
      expect(await h.store.identity.findUser(user.id)).toEqual({ ...user, failed_logins: 2, failure_window_started_at: at(1), locked_until: null })
      const lock = failure(user.id, 9)
      expect(await h.store.identity.recordLoginFailure(lock)).toEqual({ locked: true, until: lock.lockUntil })
      expect(await h.store.identity.findUser(user.id)).toEqual({ ...user, failed_logins: 3, failure_window_started_at: at(1), locked_until: lock.lockUntil })
    })

    it('starts counting again once the window has passed', async () => {
      const domain = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      await h.store.identity.recordLoginFailure(failure(user.id, 1))
      await h.store.identity.recordLoginFailure(failure(user.id, 2))
      // Window start 00:10 is after the first failure at 00:01: the count restarts at 1.
      expect(await h.store.identity.recordLoginFailure(failure(user.id, 20))).toEqual({ locked: false })
      expect(await h.store.identity.findUser(user.id)).toEqual({ ...user, failed_logins: 1, failure_window_started_at: at(20), locked_until: null })
    })

    it('recordLogin resets the count and the lock and stamps last_login_at', async () => {
      const domain = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      for (const minute of [1, 2, 3]) await h.store.identity.recordLoginFailure(failure(user.id, minute))
      expect((await h.store.identity.findUser(user.id))?.locked_until).toBe(failure(user.id, 3).lockUntil)
      await h.store.identity.recordLogin(user.id, T3)
      expect(await h.store.identity.findUser(user.id)).toEqual({ ...user, failed_logins: 0, failure_window_started_at: null, locked_until: null, last_login_at: T3 })
    })

    it('answers undefined for a user that does not exist', async () => {
      expect(await h.store.identity.recordLoginFailure(failure(uid('missing'), 1))).toEqual({ locked: false })
      await expect(h.store.identity.recordLogin(uid('missing'), T1)).resolves.toBeUndefined()
    })

    it('counts every one of concurrent failures, and exactly one of them locks', async () => {
      const domain = await newAccount(h.store)
      const user = await h.store.identity.createUser(newUser(domain.id))
      const same: LoginFailure = { userId: user.id, now: at(30), windowStart: at(20), attempts: 5, lockUntil: at(59) }
      const results = await Promise.all(Array.from({ length: 5 }, () => h.store.identity.recordLoginFailure(same)))
      expect(results.filter((r) => r.locked && r.until === at(59))).toHaveLength(1)
      expect(results.filter((r) => !r.locked)).toHaveLength(4)
      expect(await h.store.identity.findUser(user.id)).toEqual({ ...user, failed_logins: 5, failure_window_started_at: at(30), locked_until: at(59) })
    })
  })

  describe('groups', () => {
    const h = useStore(backend)

    it('createGroup returns the row; findGroup and findGroupByName read it back', async () => {
      const domain = await newAccount(h.store)
      const row = groupRow(domain.id, { description: 'd', created_at: T1 })
      expect(await h.store.identity.createGroup(row)).toEqual(row)
      expect(await h.store.identity.findGroup(row.id)).toEqual(row)
      expect(await h.store.identity.findGroupByName(domain.id, row.name)).toEqual(row)
    })

    it('find* answer undefined for what does not exist, and findGroupByName stays in its account', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const group = await h.store.identity.createGroup(groupRow(a.id))
      expect(await h.store.identity.findGroup(uid('missing'))).toBeUndefined()
      expect(await h.store.identity.findGroupByName(a.id, uid('missing'))).toBeUndefined()
      expect(await h.store.identity.findGroupByName(b.id, group.name)).toBeUndefined()
    })

    it('createGroup throws ConflictError on a name taken in the account, not on one taken in another', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const first = await h.store.identity.createGroup(groupRow(a.id, { name: 'ops' }))
      const clash = groupRow(a.id, { name: 'ops' })
      await expect(h.store.identity.createGroup(clash)).rejects.toThrow(`Conflict occurred attempting to store group - Duplicate entry found with name ops at domain ID ${a.id}.`)
      await expect(h.store.identity.createGroup(clash)).rejects.toThrow(ConflictError)
      expect(await h.store.identity.findGroup(clash.id)).toBeUndefined()
      expect(await h.store.identity.findGroupByName(a.id, 'ops')).toEqual(first)
      const elsewhere = groupRow(b.id, { name: 'ops' })
      expect(await h.store.identity.createGroup(elsewhere)).toEqual(elsewhere)
    })

    it('listGroups orders by name then id and filters by account, name and member', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const zeta = await h.store.identity.createGroup(groupRow(a.id, { id: 'g-1', name: 'zeta' }))
      const alpha = await h.store.identity.createGroup(groupRow(a.id, { id: 'g-2', name: 'alpha' }))
      const upper = await h.store.identity.createGroup(groupRow(a.id, { id: 'g-3', name: 'Ops' }))
      const alphaB = await h.store.identity.createGroup(groupRow(b.id, { id: 'g-0', name: 'alpha' }))
      const user = await h.store.identity.createUser(newUser(a.id))
      await h.store.identity.addGroupMember(zeta.id, user.id)
      await h.store.identity.addGroupMember(alpha.id, user.id)

      expect(await h.store.identity.listGroups({ domainId: a.id })).toEqual([upper, alpha, zeta])
      expect(await h.store.identity.listGroups({ domainId: a.id, name: 'alpha' })).toEqual([alpha])
      expect(await h.store.identity.listGroups({ userId: user.id })).toEqual([alpha, zeta])
      expect(await h.store.identity.listGroups({ userId: user.id, name: 'zeta' })).toEqual([zeta])
      expect(await h.store.identity.listGroups({ userId: uid('missing') })).toEqual([])
      expect((await h.store.identity.listGroups({ name: 'alpha' })).filter((g) => [a.id, b.id].includes(g.domain_id))).toEqual([alphaB, alpha])
    })

    it('updateGroup changes name and description inside its account only', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      const renamed = { ...group, name: uid('renamed'), description: 'new' }
      expect(await h.store.identity.updateGroup(domain.id, group.id, { name: renamed.name, description: 'new' })).toEqual(renamed)
      expect(await h.store.identity.findGroup(group.id)).toEqual(renamed)
      expect(await h.store.identity.updateGroup(domain.id, group.id, { description: 'only' })).toEqual({ ...renamed, description: 'only' })
      expect(await h.store.identity.updateGroup(other.id, group.id, { description: 'x' })).toBeUndefined()
      expect(await h.store.identity.updateGroup(domain.id, uid('missing'), { description: 'x' })).toBeUndefined()
      expect(await h.store.identity.findGroup(group.id)).toEqual({ ...renamed, description: 'only' })
    })

    it('updateGroup throws ConflictError on a name taken in the account and changes nothing', async () => {
      const domain = await newAccount(h.store)
      const a = await h.store.identity.createGroup(groupRow(domain.id))
      const b = await h.store.identity.createGroup(groupRow(domain.id))
      await expect(h.store.identity.updateGroup(domain.id, b.id, { name: a.name, description: 'x' }))
        .rejects.toThrow(`Conflict occurred attempting to store group - Duplicate entry found with name ${a.name} at domain ID ${domain.id}.`)
      await expect(h.store.identity.updateGroup(domain.id, b.id, { name: a.name })).rejects.toThrow(ConflictError)
      expect(await h.store.identity.findGroup(b.id)).toEqual(b)
    })

    it('deleteGroup ends its memberships and grants and keeps its members', async () => {
      const domain = await newAccount(h.store)
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      const kept = await h.store.identity.createGroup(groupRow(domain.id))
      const user = await h.store.identity.createUser(newUser(domain.id))
      await h.store.identity.addGroupMember(group.id, user.id)
      await h.store.identity.addGroupMember(kept.id, user.id)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grant = (actorId: string): Assignment => ({ actorType: 'group', actorId, targetType: 'domain', targetId: domain.id, roleId: role.id, inherited: true })
      await h.store.roles.assignRole(grant(group.id))
      await h.store.roles.assignRole(grant(kept.id))

      expect(await h.store.identity.deleteGroup(domain.id, group.id)).toBe(true)
      expect(await h.store.identity.findGroup(group.id)).toBeUndefined()
      expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(false)
      expect(await h.store.roles.hasAssignment(grant(group.id))).toBe(false)
      expect(await h.store.identity.findUser(user.id)).toEqual(user)
      expect(await h.store.identity.listGroups({ userId: user.id })).toEqual([kept])
      expect(await h.store.roles.hasAssignment(grant(kept.id))).toBe(true)
      expect(await h.store.identity.deleteGroup(domain.id, group.id)).toBe(false)
    })

    it('deleteGroup of another account answers false and leaves the group alone', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      const user = await h.store.identity.createUser(newUser(domain.id))
      await h.store.identity.addGroupMember(group.id, user.id)
      expect(await h.store.identity.deleteGroup(other.id, group.id)).toBe(false)
      expect(await h.store.identity.deleteGroup(domain.id, uid('missing'))).toBe(false)
      expect(await h.store.identity.findGroup(group.id)).toEqual(group)
      expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(true)
    })

    it('addGroupMember is idempotent; removeGroupMember answers whether there was a membership', async () => {
      const domain = await newAccount(h.store)
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      const user = await h.store.identity.createUser(newUser(domain.id))
      expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(false)
      await h.store.identity.addGroupMember(group.id, user.id)
      await h.store.identity.addGroupMember(group.id, user.id)
      expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(true)
      expect(await h.store.identity.listUsers({ groupId: group.id })).toEqual([user])
      expect(await h.store.identity.removeGroupMember(group.id, user.id)).toBe(true)
      expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(false)
      expect(await h.store.identity.removeGroupMember(group.id, user.id)).toBe(false)
      expect(await h.store.identity.removeGroupMember(uid('missing'), user.id)).toBe(false)
    })

    it('addGroupMember throws NotFoundError when the user or the group is gone', async () => {
      const domain = await newAccount(h.store)
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      const user = await h.store.identity.createUser(newUser(domain.id))
      const goneUser = uid('gone-user')
      await expect(h.store.identity.addGroupMember(group.id, goneUser)).rejects.toThrow(NotFoundError)
      await expect(h.store.identity.addGroupMember(group.id, goneUser)).rejects.toThrow(`Could not find user: ${goneUser}.`)
      await expect(h.store.identity.addGroupMember(uid('gone-group'), user.id)).rejects.toThrow(NotFoundError)
      expect(await h.store.identity.listUsers({ groupId: group.id })).toEqual([])
      expect(await h.store.identity.listGroups({ userId: user.id })).toEqual([])
    })
  })
})
