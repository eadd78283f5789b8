/**
 * IamStore contract, roles and grants: system roles and each account's custom policies (with the
 * cap counted atomically), assignments and every way of reading what a user holds.
 */
import { describe, expect, it } from 'vitest'
import { ConflictError, CustomRoleQuotaExceededError, NotFoundError, RoleInUseError } from '../../src/errors/app-error.js'
import type { RoleRow } from '../../src/db/schema.js'
import type { Assignment, AssignmentRecord } from '../../src/services/iam/roles/store.js'
import { BACKENDS } from './backends.js'
import { groupRow, newAccount, newUser, projectRow, roleRow, settleAll, T0, T1, T2, T3, uid, useStore } from './iam-fixtures.js'

const byName = (a: RoleRow, b: RoleRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

describe.each(BACKENDS)('IamStore roles on $name', (backend) => {
  describe('system roles and custom policies', () => {
    const h = useStore(backend)
    let sys: { upper: RoleRow; admin: RoleRow; reader: RoleRow }
    let acct: string
    let custom: RoleRow[]

    it('upsertSystemRole inserts; findRoleByName and findRole read it; listRoles gives system roles by name', async () => {
      const reader = roleRow({ id: 'r-1', name: 'reader', display_name: 'Reader', type: 'XA', catalog: 'BASE' })
      const admin = roleRow({ id: 'r-2', name: 'admin', display_name: 'Admin', type: 'AA', catalog: 'BASE', flag: 'fine_grained' })
      const upper = roleRow({ id: 'r-3', name: 'Tenant Guest', display_name: 'Guest', type: 'AX', catalog: 'IAM' })
      for (const r of [reader, admin, upper]) await h.store.roles.upsertSystemRole(r)
      sys = { upper, admin, reader }
      expect(await h.store.roles.findRoleByName('admin')).toEqual(admin)
      expect(await h.store.roles.findRole('r-1')).toEqual(reader)
      expect(await h.store.roles.listRoles({})).toEqual([upper, admin, reader])
      expect(await h.store.roles.findRoleByName('missing')).toBeUndefined()
      expect(await h.store.roles.findRole('missing')).toBeUndefined()
    })

    it('upsertSystemRole of a known name brings the definition up to date and keeps id and creation time', async () => {
      const first = roleRow({ id: 'r-up-1', name: 'upgraded', created_at: T0, updated_at: T0 })
      await h.store.roles.upsertSystemRole(first)
      const next = roleRow({
        id: 'r-up-2', name: 'upgraded', display_name: 'New', description: 'nd', description_cn: 'cn', type: 'XA', catalog: 'ECS',
        flag: 'fine_grained', policy: '{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ecs:*:*"]}]}', created_at: T2, updated_at: T2,
      })
      await h.store.roles.upsertSystemRole(next)
      const expected = { ...next, id: 'r-up-1', created_at: T0 }
      expect(await h.store.roles.findRoleByName('upgraded')).toEqual(expected)
      expect(await h.store.roles.findRole('r-up-2')).toBeUndefined()
      expect((await h.store.roles.listRoles({ name: 'upgraded' }))).toEqual([expected])
      // The same definition again (a restart) leaves the row, its update time included, as it is.
      await h.store.roles.upsertSystemRole({ ...next, id: 'r-up-3', created_at: T3, updated_at: T3 })
      expect(await h.store.roles.findRoleByName('upgraded')).toEqual(expected)
    })

    it('createCustomRole returns the row; custom roles are found by id but not by findRoleByName', async () => {
      acct = (await newAccount(h.store)).id
      const role = roleRow({ id: 'c-1', domain_key: acct, name: 'custom-b', display_name: 'B', type: 'XA', catalog: 'CUSTOMED' })
      expect(await h.store.roles.createCustomRole(role, 10)).toEqual(role)
      expect(await h.store.roles.findRole('c-1')).toEqual(role)
      expect(await h.store.roles.findRoleByName('custom-b')).toBeUndefined()
      // A custom policy may carry a system role's name: names are unique per owner.
      const sameAsSystem = roleRow({ id: 'c-2', domain_key: acct, name: 'admin', display_name: 'A', type: 'AX', catalog: 'CUSTOMED' })
      expect(await h.store.roles.createCustomRole(sameAsSystem, 10)).toEqual(sameAsSystem)
      expect(await h.store.roles.findRoleByName('admin')).toEqual(sys.admin)
      custom = [sameAsSystem, role]
    })

    it('listRoles adds an account\'s custom roles after the system ones, or gives only those, and filters', async () => {
      const other = (await newAccount(h.store)).id
      const foreign = roleRow({ id: 'c-x', domain_key: other, name: 'custom-b', catalog: 'CUSTOMED' })
      expect(await h.store.roles.createCustomRole(foreign, 10)).toEqual(foreign)
      const systemNow = await h.store.roles.listRoles({})
      expect(systemNow.map((r) => r.id)).toEqual(['r-3', 'r-2', 'r-1', 'r-up-1'])
      expect(await h.store.roles.listRoles({ customOf: acct })).toEqual([...systemNow, ...custom])
      expect(await h.store.roles.listRoles({ customOf: acct, customOnly: true })).toEqual(custom)
      expect(await h.store.roles.listRoles({ customOf: other, customOnly: true })).toEqual([foreign])
      expect(await h.store.roles.listRoles({ customOnly: true })).toEqual([])
      expect(await h.store.roles.listRoles({ customOf: acct, name: 'admin' })).toEqual([sys.admin, custom[0]])
      expect(await h.store.roles.listRoles({ name: 'admin' })).toEqual([sys.admin])
      expect(await h.store.roles.listRoles({ customOf: acct, displayName: 'B' })).toEqual([custom[1]])
      expect(await h.store.roles.listRoles({ displayName: 'Reader' })).toEqual([sys.reader])
      expect(await h.store.roles.listRoles({ customOf: acct, type: 'XA' })).toEqual([sys.reader, await h.store.roles.findRole('r-up-1'), custom[1]])
      expect(await h.store.roles.listRoles({ customOf: acct, catalog: 'CUSTOMED' })).toEqual(custom)
      expect(await h.store.roles.listRoles({ catalog: 'IAM', type: 'AX' })).toEqual([sys.upper])
      expect(await h.store.roles.listRoles({ customOf: uid('nobody'), customOnly: true })).toEqual([])
    })

    it('createCustomRole throws ConflictError on a name the account uses already, not on one another account uses', async () => {
      const clash = roleRow({ domain_key: acct, name: 'custom-b' })
      await expect(h.store.roles.createCustomRole(clash, 10)).rejects.toThrow(ConflictError)
      await expect(h.store.roles.createCustomRole(clash, 10)).rejects.toThrow('Conflict occurred attempting to store role - Duplicate entry found with name custom-b.')
      expect(await h.store.roles.findRole(clash.id)).toBeUndefined()
      expect(await h.store.roles.listRoles({ customOf: acct, customOnly: true })).toEqual(custom)
    })

    it('updateCustomRole changes only a custom role of the account', async () => {
      const target = custom[1]!
      const changes = { display_name: 'B2', description: 'd', description_cn: 'cn', type: 'AA' as const, policy: '{"Version":"1.1","Statement":[{"Effect":"Deny"}]}' }
      const other = (await newAccount(h.store)).id
      expect(await h.store.roles.updateCustomRole(other, target.id, changes, T1)).toBeUndefined()
      expect(await h.store.roles.updateCustomRole('', sys.admin.id, changes, T1)).toBeUndefined()
      expect(await h.store.roles.updateCustomRole(acct, sys.admin.id, changes, T1)).toBeUndefined()
      expect(await h.store.roles.updateCustomRole(acct, uid('missing'), changes, T1)).toBeUndefined()
      expect(await h.store.roles.findRole(target.id)).toEqual(target)
      expect(await h.store.roles.findRole(sys.admin.id)).toEqual(sys.admin)
      const updated = { ...target, ...changes, updated_at: T1 }
      expect(await h.store.roles.updateCustomRole(acct, target.id, changes, T1)).toEqual(updated)
      expect(await h.store.roles.findRole(target.id)).toEqual(updated)
      custom[1] = updated
    })

    it('deleteCustomRole: false outside the account or for a system role, RoleInUseError with the number of uses while used, else true', async () => {
      const role = (await h.store.roles.createCustomRole(roleRow({ domain_key: acct, catalog: 'CUSTOMED' }), 10)) as RoleRow
      const other = (await newAccount(h.store)).id
      expect(await h.store.roles.deleteCustomRole(other, role.id)).toBe(false)
      expect(await h.store.roles.deleteCustomRole('', sys.admin.id)).toBe(false)
      expect(await h.store.roles.deleteCustomRole(acct, sys.admin.id)).toBe(false)
      expect(await h.store.roles.deleteCustomRole(acct, uid('missing'))).toBe(false)
      const grant = (actorId: string): Assignment => ({ actorType: 'user', actorId, targetType: 'domain', targetId: acct, roleId: role.id, inherited: false })
      await h.store.roles.assignRole(grant('u-a'))
      await h.store.roles.assignRole({ ...grant('u-b'), inherited: true })
      await expect(h.store.roles.deleteCustomRole(acct, role.id)).rejects.toThrow(RoleInUseError)
      await expect(h.store.roles.deleteCustomRole(acct, role.id)).rejects.toMatchObject({ uses: 2 })
      expect(await h.store.roles.findRole(role.id)).toEqual(role)
      await h.store.roles.unassignRole(grant('u-a'))
      await expect(h.store.roles.deleteCustomRole(acct, role.id)).rejects.toMatchObject({ uses: 1 })
      await h.store.roles.unassignRole({ ...grant('u-b'), inherited: true })
      expect(await h.store.roles.deleteCustomRole(acct, role.id)).toBe(true)
      expect(await h.store.roles.findRole(role.id)).toBeUndefined()
      expect(await h.store.roles.deleteCustomRole(acct, role.id)).toBe(false)
    })

    it('countAssignmentsByRole counts uses of the roles asked about, leaving out unused ones', async () => {
      const [a, b, c] = [roleRow(), roleRow(), roleRow()]
      for (const r of [a, b, c]) await h.store.roles.upsertSystemRole(r)
      const grant = (roleId: string, actorId: string, targetType: Assignment['targetType'] = 'project'): Assignment =>
        ({ actorType: 'user', actorId, targetType, targetId: 't', roleId, inherited: false })
      await h.store.roles.assignRole(grant(a.id, 'u1'))
      await h.store.roles.assignRole(grant(a.id, 'u2'))
      await h.store.roles.assignRole(grant(a.id, 'u2', 'domain'))
      await h.store.roles.assignRole(grant(b.id, 'u1'))
      expect(await h.store.roles.countAssignmentsByRole([a.id, b.id, c.id, 'missing'])).toEqual(new Map([[a.id, 3], [b.id, 1]]))
      expect(await h.store.roles.countAssignmentsByRole([b.id])).toEqual(new Map([[b.id, 1]]))
      expect(await h.store.roles.countAssignmentsByRole([])).toEqual(new Map())
    })
  })

  describe('the custom policy cap', () => {
    const h = useStore(backend)

    it('answers cap once the account holds cap roles; other accounts and system roles do not count', async () => {
      const acct = (await newAccount(h.store)).id
      const other = (await newAccount(h.store)).id
      await h.store.roles.upsertSystemRole(roleRow())
      await h.store.roles.createCustomRole(roleRow({ domain_key: other }), 5)
      const first = roleRow({ domain_key: acct })
      const second = roleRow({ domain_key: acct })
      expect(await h.store.roles.createCustomRole(first, 2)).toEqual(first)
      expect(await h.store.roles.createCustomRole(second, 2)).toEqual(second)
      const third = roleRow({ domain_key: acct })
      await expect(h.store.roles.createCustomRole(third, 2)).rejects.toThrow(CustomRoleQuotaExceededError)
      expect(await h.store.roles.findRole(third.id)).toBeUndefined()
      expect(await h.store.roles.createCustomRole(third, 3)).toEqual(third)
      await expect(h.store.roles.createCustomRole(roleRow({ domain_key: acct }), 0)).rejects.toThrow(CustomRoleQuotaExceededError)
    })

    it('concurrent creates against a small cap: exactly as many succeed as the cap leaves room for', async () => {
      const acct = (await newAccount(h.store)).id
      await h.store.roles.createCustomRole(roleRow({ domain_key: acct }), 4)
      const rows = Array.from({ length: 8 }, () => roleRow({ domain_key: acct }))
      const { values: created, errors } = await settleAll(rows.map((r) => h.store.roles.createCustomRole(r, 4)))
      expect(created).toHaveLength(3)
      expect(errors.filter((e) => e instanceof CustomRoleQuotaExceededError)).toHaveLength(5)
      expect(await h.store.roles.listRoles({ customOf: acct, customOnly: true })).toHaveLength(4)
      for (const r of created) expect(await h.store.roles.findRole(r.id)).toEqual(r)
    })

    it('concurrent creates on two accounts each fill their own cap', async () => {
      const [a, b] = [(await newAccount(h.store)).id, (await newAccount(h.store)).id]
      const calls = Array.from({ length: 10 }, (_, i) => h.store.roles.createCustomRole(roleRow({ domain_key: i % 2 ? a : b }), 2))
      const { values } = await settleAll(calls)
      expect(values).toHaveLength(4)
      expect(await h.store.roles.listRoles({ customOf: a, customOnly: true })).toHaveLength(2)
      expect(await h.store.roles.listRoles({ customOf: b, customOnly: true })).toHaveLength(2)
    })
  })

  describe('grants', () => {
    const h = useStore(backend)

    it('assignRole is idempotent, hasAssignment matches exactly, unassignRole answers whether there was one', async () => {
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const a: Assignment = { actorType: 'user', actorId: uid('u'), targetType: 'domain', targetId: uid('d'), roleId: role.id, inherited: false }
      expect(await h.store.roles.hasAssignment(a)).toBe(false)
      await h.store.roles.assignRole(a)
      await h.store.roles.assignRole(a)
      expect(await h.store.roles.hasAssignment(a)).toBe(true)
      expect(await h.store.roles.countAssignmentsByRole([role.id])).toEqual(new Map([[role.id, 1]]))
      expect(await h.store.roles.hasAssignment({ ...a, inherited: true })).toBe(false)
      expect(await h.store.roles.hasAssignment({ ...a, actorType: 'group' })).toBe(false)
      expect(await h.store.roles.hasAssignment({ ...a, targetType: 'project' })).toBe(false)
      expect(await h.store.roles.unassignRole({ ...a, inherited: true })).toBe(false)
      expect(await h.store.roles.unassignRole(a)).toBe(true)
      expect(await h.store.roles.hasAssignment(a)).toBe(false)
      expect(await h.store.roles.unassignRole(a)).toBe(false)
    })

    it('assignRole throws NotFoundError for a role that does not exist, and grants nothing', async () => {
      const a: Assignment = { actorType: 'user', actorId: uid('u'), targetType: 'domain', targetId: uid('d'), roleId: uid('gone-role'), inherited: false }
      await expect(h.store.roles.assignRole(a)).rejects.toThrow(NotFoundError)
      await expect(h.store.roles.assignRole(a)).rejects.toThrow(`Could not find role: ${a.roleId}.`)
      expect(await h.store.roles.hasAssignment(a)).toBe(false)
    })

    it('concurrent identical grants all succeed and leave one assignment', async () => {
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const a: Assignment = { actorType: 'group', actorId: uid('g'), targetType: 'project', targetId: uid('p'), roleId: role.id, inherited: false }
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => h.store.roles.assignRole(a)))
      expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'))
      expect(await h.store.roles.countAssignmentsByRole([role.id])).toEqual(new Map([[role.id, 1]]))
    })

    it('listAssignedRoles gives the roles of exactly that actor, target and inheritance, by name', async () => {
      const [zeta, alpha, upper, other] = [roleRow({ name: uid('zeta') }), roleRow({ name: uid('alpha') }), roleRow({ name: uid('Upper') }), roleRow()]
      for (const r of [zeta, alpha, upper, other]) await h.store.roles.upsertSystemRole(r)
      const at = { actorType: 'user', actorId: uid('u'), targetType: 'project', targetId: uid('p'), inherited: false } as const
      for (const r of [zeta, alpha, upper]) await h.store.roles.assignRole({ ...at, roleId: r.id })
      await h.store.roles.assignRole({ ...at, roleId: other.id, inherited: true })
      await h.store.roles.assignRole({ ...at, roleId: other.id, actorType: 'group' })
      await h.store.roles.assignRole({ ...at, roleId: other.id, targetId: uid('p') })
      await h.store.roles.assignRole({ ...at, roleId: other.id, targetType: 'domain' })
      expect(await h.store.roles.listAssignedRoles(at)).toEqual([upper, alpha, zeta])
      expect(await h.store.roles.listAssignedRoles({ ...at, inherited: true })).toEqual([other])
      expect(await h.store.roles.listAssignedRoles({ ...at, actorId: uid('nobody') })).toEqual([])
    })
  })

  describe('listAssignments', () => {
    const h = useStore(backend)
    let account: string
    let other: string
    let project: string
    let foreignProject: string
    let roles: { b: RoleRow; a: RoleRow }
    let all: AssignmentRecord[]
    const record = (a: Assignment, role: RoleRow): AssignmentRecord => ({ ...a, role })

    it('gives every assignment with its role, ordered by actor type, actor, target and role name', async () => {
      // Fixed ids (this block has a store of its own), so the expected order reads off them.
      account = (await newAccount(h.store, { id: 'd-account' })).id
      other = (await newAccount(h.store, { id: 'd-other' })).id
      project = (await h.store.projects.createProject(projectRow(account, { id: 'p-own' }))).id
      foreignProject = (await h.store.projects.createProject(projectRow(other, { id: 'p-foreign' }))).id
      roles = { b: roleRow({ id: 'role-1', name: 'b-role' }), a: roleRow({ id: 'role-2', name: 'a-role' }) }
      await h.store.roles.upsertSystemRole(roles.b)
      await h.store.roles.upsertSystemRole(roles.a)
      const g = (actorType: Assignment['actorType'], actorId: string, targetType: Assignment['targetType'], targetId: string, role: RoleRow, inherited = false): Assignment =>
        ({ actorType, actorId, targetType, targetId, roleId: role.id, inherited })
      const grants: [Assignment, RoleRow][] = [
        [g('user', 'u-2', 'project', project, roles.b), roles.b],
        [g('user', 'u-1', 'domain', account, roles.b), roles.b],
        [g('group', 'g-1', 'domain', account, roles.b, true), roles.b],
        [g('user', 'u-1', 'domain', account, roles.a), roles.a],
        [g('user', 'u-1', 'project', foreignProject, roles.a), roles.a],
        [g('user', 'u-1', 'system', 'all', roles.a), roles.a],
        [g('user', 'u-2', 'enterprise_project', 'ep-1', roles.a), roles.a],
        [g('group', 'g-1', 'domain', other, roles.a), roles.a],
      ]
      for (const [a] of grants) await h.store.roles.assignRole(a)
      const rec = (i: number) => record(grants[i]![0], grants[i]![1])
      // group < user; then actor id; then target id (all < d-account < d-other < ep-1 < p-foreign < p-own); then role name.
      all = [rec(2), rec(7), rec(5), rec(3), rec(1), rec(4), rec(6), rec(0)]
      expect(await h.store.roles.listAssignments({})).toEqual(all)
    })

    it('filters by account (the domain and its projects), actor, target, role and inheritance', async () => {
      const pick = (p: (r: AssignmentRecord) => boolean) => all.filter(p)
      expect(await h.store.roles.listAssignments({ inAccount: account }))
        .toEqual(pick((r) => (r.targetType === 'domain' && r.targetId === account) || (r.targetType === 'project' && r.targetId === project)))
      expect(await h.store.roles.listAssignments({ inAccount: other }))
        .toEqual(pick((r) => r.targetId === other || r.targetId === foreignProject))
      expect(await h.store.roles.listAssignments({ actorType: 'group' })).toEqual(pick((r) => r.actorType === 'group'))
      expect(await h.store.roles.listAssignments({ actorId: 'u-1' })).toEqual(pick((r) => r.actorId === 'u-1'))
      expect(await h.store.roles.listAssignments({ targetType: 'domain' })).toEqual(pick((r) => r.targetType === 'domain'))
      expect(await h.store.roles.listAssignments({ targetIds: [project, 'all'] })).toEqual(pick((r) => [project, 'all'].includes(r.targetId)))
      expect(await h.store.roles.listAssignments({ targetIds: [] })).toEqual([])
      expect(await h.store.roles.listAssignments({ roleId: roles.b.id })).toEqual(pick((r) => r.roleId === roles.b.id))
      expect(await h.store.roles.listAssignments({ inherited: true })).toEqual(pick((r) => r.inherited))
      expect(await h.store.roles.listAssignments({ inherited: false })).toEqual(pick((r) => !r.inherited))
      expect(await h.store.roles.listAssignments({ inAccount: account, actorType: 'user', roleId: roles.a.id }))
        .toEqual(pick((r) => r.targetId === account && r.actorType === 'user' && r.roleId === roles.a.id))
      expect(await h.store.roles.listAssignments({ inAccount: uid('nobody') })).toEqual([])
    })

  })

  describe('what a user holds', () => {
    const h = useStore(backend)

    it('effectiveRoles: direct and group grants on the scope, inherited ones for a project, each role once, by name', async () => {
      const domain = (await newAccount(h.store)).id
      const other = (await newAccount(h.store)).id
      const project = (await h.store.projects.createProject(projectRow(domain))).id
      const user = (await h.store.identity.createUser(newUser(domain))).id
      const group = (await h.store.identity.createGroup(groupRow(domain))).id
      await h.store.identity.addGroupMember(group, user)
      const [onDomain, viaGroup, inheritedRole, onProject, elsewhere, upper] =
        [roleRow({ name: 'd-direct' }), roleRow({ name: 'd-group' }), roleRow({ name: 'i-inherited' }), roleRow({ name: 'p-direct' }), roleRow({ name: 'x-other' }), roleRow({ name: 'Z-upper' })]
      for (const r of [onDomain, viaGroup, inheritedRole, onProject, elsewhere, upper]) await h.store.roles.upsertSystemRole(r)
      const grant = (actorType: Assignment['actorType'], actorId: string, targetType: Assignment['targetType'], targetId: string, roleId: string, inherited = false) =>
        h.store.roles.assignRole({ actorType, actorId, targetType, targetId, roleId, inherited })
      await grant('user', user, 'domain', domain, onDomain.id)
      await grant('group', group, 'domain', domain, viaGroup.id)
      await grant('user', user, 'domain', domain, viaGroup.id)
      await grant('group', group, 'domain', domain, inheritedRole.id, true)
      await grant('user', user, 'project', project, onProject.id)
      await grant('group', group, 'project', project, upper.id)
      await grant('user', user, 'domain', other, elsewhere.id)
      await grant('user', user, 'system', 'all', elsewhere.id)

      expect(await h.store.roles.effectiveRoles(user, { type: 'domain', id: domain })).toEqual([onDomain, viaGroup])
      expect(await h.store.roles.effectiveRoles(user, { type: 'project', id: project }, domain)).toEqual([upper, inheritedRole, onProject])
      // Without the project's domain nothing is inherited.
      expect(await h.store.roles.effectiveRoles(user, { type: 'project', id: project })).toEqual([upper, onProject])
      expect(await h.store.roles.effectiveRoles(user, { type: 'domain', id: other })).toEqual([elsewhere])
      expect(await h.store.roles.effectiveRoles(user, { type: 'unscoped' })).toEqual([])
      expect(await h.store.roles.effectiveRoles(uid('stranger'), { type: 'domain', id: domain })).toEqual([])
    })

    it('systemRoles: roles on the system scope, direct or through a group', async () => {
      const domain = (await newAccount(h.store)).id
      const user = (await h.store.identity.createUser(newUser(domain))).id
      const group = (await h.store.identity.createGroup(groupRow(domain))).id
      await h.store.identity.addGroupMember(group, user)
      const [direct, viaGroup, notSystem] = [roleRow({ name: 'sys-a' }), roleRow({ name: 'sys-b' }), roleRow()]
      for (const r of [direct, viaGroup, notSystem]) await h.store.roles.upsertSystemRole(r)
      await h.store.roles.assignRole({ actorType: 'user', actorId: user, targetType: 'system', targetId: 'all', roleId: direct.id, inherited: false })
      await h.store.roles.assignRole({ actorType: 'group', actorId: group, targetType: 'system', targetId: 'all', roleId: viaGroup.id, inherited: false })
      await h.store.roles.assignRole({ actorType: 'user', actorId: user, targetType: 'domain', targetId: domain, roleId: notSystem.id, inherited: false })
      // The store promises no order here.
      expect((await h.store.roles.systemRoles(user)).sort(byName)).toEqual([direct, viaGroup])
      expect(await h.store.roles.systemRoles(uid('stranger'))).toEqual([])
    })

    it('enterpriseProjectRoles: each enterprise project with the roles held on it, direct or through a group', async () => {
      const domain = (await newAccount(h.store)).id
      const user = (await h.store.identity.createUser(newUser(domain))).id
      const group = (await h.store.identity.createGroup(groupRow(domain))).id
      await h.store.identity.addGroupMember(group, user)
      const [r1, r2] = [roleRow({ name: 'ep-a' }), roleRow({ name: 'ep-b' })]
      for (const r of [r1, r2]) await h.store.roles.upsertSystemRole(r)
      const grant = (actorType: Assignment['actorType'], actorId: string, targetType: Assignment['targetType'], targetId: string, roleId: string) =>
        h.store.roles.assignRole({ actorType, actorId, targetType, targetId, roleId, inherited: false })
      await grant('user', user, 'enterprise_project', 'ep-1', r1.id)
      await grant('group', group, 'enterprise_project', 'ep-1', r2.id)
      await grant('group', group, 'enterprise_project', 'ep-2', r1.id)
      await grant('user', user, 'project', 'ep-3', r1.id)
      const got = (await h.store.roles.enterpriseProjectRoles(user))
        .sort((a, b) => (a.enterpriseProjectId + a.role.name < b.enterpriseProjectId + b.role.name ? -1 : 1))
      expect(got).toEqual([
        { enterpriseProjectId: 'ep-1', role: r1 },
        { enterpriseProjectId: 'ep-1', role: r2 },
        { enterpriseProjectId: 'ep-2', role: r1 },
      ])
      expect(await h.store.roles.enterpriseProjectRoles(uid('stranger'))).toEqual([])
    })

    it('listDomainsForUser: domains with a grant on the domain itself (not only inherited to its projects) of the user or its groups, each once, by name', async () => {
      const home = await newAccount(h.store, { name: uid('m-home') })
      const viaGroup = await newAccount(h.store, { name: uid('b-group') })
      const inherited = await newAccount(h.store, { name: uid('Z-inherited') })
      const untouched = await newAccount(h.store)
      const user = (await h.store.identity.createUser(newUser(home.id))).id
      const group = (await h.store.identity.createGroup(groupRow(home.id))).id
      await h.store.identity.addGroupMember(group, user)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grant = (actorType: Assignment['actorType'], actorId: string, targetType: Assignment['targetType'], targetId: string, inh = false) =>
        h.store.roles.assignRole({ actorType, actorId, targetType, targetId, roleId: role.id, inherited: inh })
      await grant('user', user, 'domain', home.id)
      await grant('group', group, 'domain', home.id)
      await grant('group', group, 'domain', viaGroup.id)
      await grant('user', user, 'domain', inherited.id, true)
      await grant('user', user, 'project', untouched.id)
      expect(await h.store.projects.listDomainsForUser(user)).toEqual([viaGroup, home])
      await grant('user', user, 'domain', inherited.id)
      expect(await h.store.projects.listDomainsForUser(user)).toEqual([inherited, viaGroup, home])
      expect(await h.store.projects.listDomainsForUser(uid('stranger'))).toEqual([])
    })

    it('holdsSystemRole: a system grant of the user or of one of its groups', async () => {
      const home = await newAccount(h.store)
      const user = (await h.store.identity.createUser(newUser(home.id))).id
      const member = (await h.store.identity.createUser(newUser(home.id))).id
      const group = (await h.store.identity.createGroup(groupRow(home.id))).id
      await h.store.identity.addGroupMember(group, member)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      await h.store.roles.assignRole({ actorType: 'user', actorId: user, targetType: 'domain', targetId: home.id, roleId: role.id, inherited: false })
      expect(await h.store.projects.holdsSystemRole(user)).toBe(false)
      await h.store.roles.assignRole({ actorType: 'user', actorId: user, targetType: 'system', targetId: 'all', roleId: role.id, inherited: false })
      await h.store.roles.assignRole({ actorType: 'group', actorId: group, targetType: 'system', targetId: 'all', roleId: role.id, inherited: false })
      expect(await h.store.projects.holdsSystemRole(user)).toBe(true)
      expect(await h.store.projects.holdsSystemRole(member)).toBe(true)
      expect(await h.store.projects.holdsSystemRole(uid('stranger'))).toBe(false)
    })
  })
})
