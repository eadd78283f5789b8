/**
 * IamStore contract, projects: create/find/update/status/delete with their account boundary,
 * list order and pages, and the projects a user reaches through its grants.
 */
import { describe, expect, it } from 'vitest'
import { ConflictError } from '../../src/errors/app-error.js'
import type { ProjectRow } from '../../src/db/schema.js'
import type { Assignment } from '../../src/services/iam/roles/store.js'
import { ProjectNotLeafError } from '../../src/services/iam/projects/store.js'
import { BACKENDS } from './backends.js'
import { groupRow, newAccount, newUser, projectRow, roleRow, settleAll, T0, T1, T2, T3, uid, useStore } from './iam-fixtures.js'

describe.each(BACKENDS)('IamStore projects on $name', (backend) => {
  describe('one project at a time', () => {
    const h = useStore(backend)

    it('createProject returns the row; findProject and findProjectByName read it back', async () => {
      const domain = await newAccount(h.store)
      const row = projectRow(domain.id, {
        description: 'd', kind: 'region', region_id: 'eu-de', name: 'eu-de', enabled: 0, status: 'suspended', suspended_at: T1,
        tags: '["a"]', options: '{"o":1}', extra: '{"e":2}', created_at: T0, updated_at: T1,
      })
      expect(await h.store.projects.createProject(row)).toEqual(row)
      expect(await h.store.projects.findProject(row.id)).toEqual(row)
      expect(await h.store.projects.findProjectByName(domain.id, 'eu-de')).toEqual(row)
    })

    it('find* answer undefined for what does not exist, and findProjectByName stays in its account', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(a.id))
      expect(await h.store.projects.findProject(uid('missing'))).toBeUndefined()
      expect(await h.store.projects.findProjectByName(a.id, uid('missing'))).toBeUndefined()
      expect(await h.store.projects.findProjectByName(b.id, row.name)).toBeUndefined()
    })

    it('createProject throws ConflictError on a name taken in the account, not on one taken in another', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      const first = await h.store.projects.createProject(projectRow(a.id, { name: 'shared' }))
      const clash = projectRow(a.id, { name: 'shared' })
      await expect(h.store.projects.createProject(clash)).rejects.toThrow(ConflictError)
      await expect(h.store.projects.createProject(clash)).rejects.toThrow(`Conflict occurred attempting to store project - Duplicate entry found with name shared at domain ID ${a.id}.`)
      expect(await h.store.projects.findProject(clash.id)).toBeUndefined()
      expect(await h.store.projects.findProjectByName(a.id, 'shared')).toEqual(first)
      const elsewhere = projectRow(b.id, { name: 'shared' })
      expect(await h.store.projects.createProject(elsewhere)).toEqual(elsewhere)
    })

    it('createProject throws ConflictError on a taken id', async () => {
      const a = await newAccount(h.store)
      const first = await h.store.projects.createProject(projectRow(a.id))
      await expect(h.store.projects.createProject(projectRow(a.id, { id: first.id }))).rejects.toThrow(ConflictError)
      expect(await h.store.projects.findProject(first.id)).toEqual(first)
    })

    it('createProject refuses a project of an account that does not exist', async () => {
      const row = projectRow(uid('no-such-domain'))
      await expect(h.store.projects.createProject(row)).rejects.toThrow()
      expect(await h.store.projects.findProject(row.id)).toBeUndefined()
    })

    it('updateProject applies every change, stamps updated_at, and what findProject returns follows', async () => {
      const domain = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(domain.id))
      // Read first: on the embedded store this fills the row cache the update must drop.
      expect(await h.store.projects.findProject(row.id)).toEqual(row)
      const changes = { name: uid('renamed'), description: 'new', enabled: false, tags: '["t"]', options: '{"x":true}', extra: '{"y":1}' }
      const expected: ProjectRow = { ...row, ...changes, enabled: 0, updated_at: T1 }
      expect(await h.store.projects.updateProject(domain.id, row.id, changes, T1)).toEqual(expected)
      expect(await h.store.projects.findProject(row.id)).toEqual(expected)
      expect(await h.store.projects.findProjectByName(domain.id, changes.name)).toEqual(expected)
      const enabledAgain = await h.store.projects.updateProject(domain.id, row.id, { enabled: true }, T2)
      expect(enabledAgain).toEqual({ ...expected, enabled: 1, updated_at: T2 })
      expect(await h.store.projects.findProject(row.id)).toEqual(enabledAgain)
    })

    it('updateProjectWithBefore returns the row as it was and as it is, in column order, under the same guards and conflicts', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(domain.id, { kind: 'custom', region_id: 'eu-de' }))
      const taken = await h.store.projects.createProject(projectRow(domain.id))
      const changes = { description: 'new', enabled: false, tags: '["t"]' }
      const expected: ProjectRow = { ...row, ...changes, enabled: 0, updated_at: T1 }
      const updated = await h.store.projects.transaction((tx) => tx.updateProjectWithBefore(domain.id, row.id, changes, T1, { kind: 'custom', regionId: 'eu-de' }))
      expect(updated).toEqual({ before: row, after: expected })
      // The trace records both as they come: the same keys in the same order.
      expect(Object.keys(updated!.before)).toEqual(Object.keys(updated!.after))
      expect(await h.store.projects.updateProjectWithBefore(other.id, row.id, { description: 'x' }, T2)).toBeUndefined()
      expect(await h.store.projects.updateProjectWithBefore(domain.id, uid('missing'), { description: 'x' }, T2)).toBeUndefined()
      expect(await h.store.projects.updateProjectWithBefore(domain.id, row.id, { description: 'x' }, T2, { kind: 'region' })).toBeUndefined()
      await expect(h.store.projects.updateProjectWithBefore(domain.id, row.id, { name: taken.name }, T2)).rejects.toBeInstanceOf(ConflictError)
      expect(await h.store.projects.findProject(row.id)).toEqual(expected)
    })

    it('updateProject with no changes only stamps updated_at', async () => {
      const domain = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(domain.id))
      expect(await h.store.projects.updateProject(domain.id, row.id, {}, T3)).toEqual({ ...row, updated_at: T3 })
    })

    it('updateProject answers undefined for another account, a missing id, or a row failing the guard, and changes nothing', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const custom = await h.store.projects.createProject(projectRow(domain.id, { kind: 'custom', region_id: 'eu-de' }))
      expect(await h.store.projects.findProject(custom.id)).toEqual(custom)
      expect(await h.store.projects.updateProject(other.id, custom.id, { description: 'x' }, T1)).toBeUndefined()
      expect(await h.store.projects.updateProject(domain.id, uid('missing'), { description: 'x' }, T1)).toBeUndefined()
      expect(await h.store.projects.updateProject(domain.id, custom.id, { description: 'x' }, T1, { kind: 'region' })).toBeUndefined()
      expect(await h.store.projects.updateProject(domain.id, custom.id, { description: 'x' }, T1, { regionId: 'eu-nl' })).toBeUndefined()
      expect(await h.store.projects.updateProject(domain.id, custom.id, { description: 'x' }, T1, { kind: 'custom', regionId: 'eu-nl' })).toBeUndefined()
      expect(await h.store.projects.findProject(custom.id)).toEqual(custom)
      expect(await h.store.projects.updateProject(domain.id, custom.id, { description: 'x' }, T1, { kind: 'custom', regionId: 'eu-de' }))
        .toEqual({ ...custom, description: 'x', updated_at: T1 })
      expect(await h.store.projects.updateProject(domain.id, custom.id, { description: 'y' }, T2, { kind: 'custom' }))
        .toEqual({ ...custom, description: 'y', updated_at: T2 })
    })

    it('updateProject throws ConflictError on a name taken in the account and changes nothing', async () => {
      const domain = await newAccount(h.store)
      const a = await h.store.projects.createProject(projectRow(domain.id))
      const b = await h.store.projects.createProject(projectRow(domain.id))
      expect(await h.store.projects.findProject(b.id)).toEqual(b)
      await expect(h.store.projects.updateProject(domain.id, b.id, { name: a.name, description: 'changed' }, T1))
        .rejects.toThrow(`Conflict occurred attempting to store project - Duplicate entry found with name ${a.name} at domain ID ${domain.id}.`)
      await expect(h.store.projects.updateProject(domain.id, b.id, { name: a.name }, T1)).rejects.toThrow(ConflictError)
      expect(await h.store.projects.findProject(b.id)).toEqual(b)
    })

    it('setProjectStatus suspends, keeps the first suspension time, and resumes', async () => {
      const domain = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(domain.id))
      expect(await h.store.projects.findProject(row.id)).toEqual(row)
      expect(await h.store.projects.setProjectStatus(domain.id, row.id, 'suspended', T1)).toBe(true)
      expect(await h.store.projects.findProject(row.id)).toEqual({ ...row, status: 'suspended', suspended_at: T1, updated_at: T1 })
      expect(await h.store.projects.setProjectStatus(domain.id, row.id, 'suspended', T2)).toBe(true)
      expect(await h.store.projects.findProject(row.id)).toEqual({ ...row, status: 'suspended', suspended_at: T1, updated_at: T2 })
      expect(await h.store.projects.setProjectStatus(domain.id, row.id, 'normal', T3)).toBe(true)
      expect(await h.store.projects.findProject(row.id)).toEqual({ ...row, status: 'normal', suspended_at: null, updated_at: T3 })
    })

    it('setProjectStatus answers false for another account or a missing id, and changes nothing', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(domain.id))
      expect(await h.store.projects.setProjectStatus(other.id, row.id, 'suspended', T1)).toBe(false)
      expect(await h.store.projects.setProjectStatus(domain.id, uid('missing'), 'suspended', T1)).toBe(false)
      expect(await h.store.projects.findProject(row.id)).toEqual(row)
    })

    it('deleteProject removes the project and the grants on it, and only those', async () => {
      const domain = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(domain.id))
      const kept = await h.store.projects.createProject(projectRow(domain.id))
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grant = { actorType: 'user', actorId: uid('actor'), targetType: 'project', roleId: role.id, inherited: false } as const
      await h.store.roles.assignRole({ ...grant, targetId: row.id })
      await h.store.roles.assignRole({ ...grant, targetId: kept.id })
      expect(await h.store.projects.findProject(row.id)).toEqual(row)

      expect(await h.store.projects.deleteProject(domain.id, row.id)).toBe(true)
      expect(await h.store.projects.findProject(row.id)).toBeUndefined()
      expect(await h.store.projects.findProjectByName(domain.id, row.name)).toBeUndefined()
      expect(await h.store.roles.hasAssignment({ ...grant, targetId: row.id })).toBe(false)
      expect(await h.store.roles.hasAssignment({ ...grant, targetId: kept.id })).toBe(true)
      expect(await h.store.projects.findProject(kept.id)).toEqual(kept)
      expect(await h.store.projects.deleteProject(domain.id, row.id)).toBe(false)
    })

    it('deleteProject of another account answers false and leaves the project and its grants alone', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const row = await h.store.projects.createProject(projectRow(domain.id))
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grant: Assignment = { actorType: 'user', actorId: uid('actor'), targetType: 'project', targetId: row.id, roleId: role.id, inherited: false }
      await h.store.roles.assignRole(grant)

      expect(await h.store.projects.deleteProject(other.id, row.id)).toBe(false)
      expect(await h.store.projects.findProject(row.id)).toEqual(row)
      expect(await h.store.roles.hasAssignment(grant)).toBe(true)
      // Nor does another account learn, through a ConflictError, that the project has children.
      await h.store.projects.createProject(projectRow(domain.id, { parent_id: row.id }))
      expect(await h.store.projects.deleteProject(other.id, row.id)).toBe(false)
    })

    it('deleteProject throws ProjectNotLeafError while another project names it as parent', async () => {
      const domain = await newAccount(h.store)
      const parent = await h.store.projects.createProject(projectRow(domain.id))
      const child = await h.store.projects.createProject(projectRow(domain.id, { parent_id: parent.id }))
      await expect(h.store.projects.deleteProject(domain.id, parent.id)).rejects.toThrow(ProjectNotLeafError)
      await expect(h.store.projects.deleteProject(domain.id, parent.id)).rejects.toThrow(`Cannot delete the project ${parent.id} since it is not a leaf in the hierarchy.`)
      expect(await h.store.projects.findProject(parent.id)).toEqual(parent)
      expect(await h.store.projects.deleteProject(domain.id, child.id)).toBe(true)
      expect(await h.store.projects.deleteProject(domain.id, parent.id)).toBe(true)
    })

    it('concurrent creates of one project name in one account: exactly one wins, the others get ConflictError', async () => {
      const domain = await newAccount(h.store)
      const rows = Array.from({ length: 6 }, () => projectRow(domain.id, { name: 'race' }))
      const { values, errors } = await settleAll(rows.map((r) => h.store.projects.createProject(r)))
      expect(values).toHaveLength(1)
      expect(errors).toHaveLength(5)
      for (const error of errors) expect(error).toBeInstanceOf(ConflictError)
      expect(await h.store.projects.listProjects({ domainId: domain.id })).toEqual(values)
    })
  })

  describe('listProjects', () => {
    const h = useStore(backend)
    // Built once: region projects first, then by name (byte order), then by id.
    let a: { domainId: string; rows: ProjectRow[] }
    let b: { domainId: string; rows: ProjectRow[] }

    it('orders region projects first, then by name, and gives every project without a filter', async () => {
      const da = await newAccount(h.store)
      const db = await newAccount(h.store)
      const mk = (domainId: string, id: string, name: string, extra: Partial<ProjectRow> = {}) =>
        h.store.projects.createProject(projectRow(domainId, { id, name, ...extra }))
      // Created out of order so insertion order cannot pass for sorting.
      const aZeta = await mk(da.id, 'p-a-1', 'zeta')
      const aRegion2 = await mk(da.id, 'p-a-2', 'eu-nl', { kind: 'region', region_id: 'eu-nl' })
      const aAlpha = await mk(da.id, 'p-a-3', 'alpha', { enabled: 0 })
      const aUpper = await mk(da.id, 'p-a-4', 'Beta', { parent_id: 'p-a-3' })
      const aRegion1 = await mk(da.id, 'p-a-5', 'eu-de', { kind: 'region', region_id: 'eu-de' })
      const aUnder = await mk(da.id, 'p-a-6', 'alpha_2', { parent_id: 'p-a-3', enabled: 0 })
      const aDash = await mk(da.id, 'p-a-7', 'alpha-2')
      // Same name as in account A, and a lower id: the id breaks the tie across accounts.
      const bAlpha = await mk(db.id, 'p-0-b', 'alpha')
      const bRegion = await mk(db.id, 'p-b-2', 'eu-de', { kind: 'region', region_id: 'eu-de' })
      a = { domainId: da.id, rows: [aRegion1, aRegion2, aUpper, aAlpha, aDash, aUnder, aZeta] }
      b = { domainId: db.id, rows: [bRegion, bAlpha] }

      expect(await h.store.projects.listProjects({ domainId: da.id })).toEqual(a.rows)
      expect(await h.store.projects.listProjects({ domainId: db.id })).toEqual(b.rows)
      expect(await h.store.projects.listProjects({})).toEqual([aRegion1, bRegion, aRegion2, aUpper, bAlpha, aAlpha, aDash, aUnder, aZeta])
    })

    it('pages by offset and limit on the same order, with exact boundaries', async () => {
      const f = { domainId: a.domainId }
      expect(await h.store.projects.listProjects(f, { offset: 0, limit: 3 })).toEqual(a.rows.slice(0, 3))
      expect(await h.store.projects.listProjects(f, { offset: 3, limit: 3 })).toEqual(a.rows.slice(3, 6))
      expect(await h.store.projects.listProjects(f, { offset: 6, limit: 3 })).toEqual(a.rows.slice(6, 7))
      expect(await h.store.projects.listProjects(f, { offset: 7, limit: 3 })).toEqual([])
      expect(await h.store.projects.listProjects(f, { offset: 2, limit: 1 })).toEqual([a.rows[2]])
      expect(await h.store.projects.listProjects(f, { offset: 0, limit: 100 })).toEqual(a.rows)
      expect(await h.store.projects.listProjects({}, { offset: 1, limit: 2 })).toEqual([b.rows[0], a.rows[1]])
    })

    it('filters by name, parent, enabled and ids, combined with the account', async () => {
      const byId = (id: string) => [...a.rows, ...b.rows].find((r) => r.id === id)!
      expect(await h.store.projects.listProjects({ name: 'alpha' })).toEqual([byId('p-0-b'), byId('p-a-3')])
      expect(await h.store.projects.listProjects({ domainId: a.domainId, name: 'alpha' })).toEqual([byId('p-a-3')])
      expect(await h.store.projects.listProjects({ domainId: a.domainId, parentId: 'p-a-3' })).toEqual([byId('p-a-4'), byId('p-a-6')])
      expect(await h.store.projects.listProjects({ domainId: a.domainId, enabled: false })).toEqual([byId('p-a-3'), byId('p-a-6')])
      expect(await h.store.projects.listProjects({ domainId: a.domainId, enabled: true })).toEqual([byId('p-a-5'), byId('p-a-2'), byId('p-a-4'), byId('p-a-7'), byId('p-a-1')])
      expect(await h.store.projects.listProjects({ domainId: a.domainId, parentId: 'p-a-3', enabled: true })).toEqual([byId('p-a-4')])
      expect(await h.store.projects.listProjects({ ids: ['p-a-1', 'p-0-b', 'p-a-5', 'missing'] })).toEqual([byId('p-a-5'), byId('p-0-b'), byId('p-a-1')])
      expect(await h.store.projects.listProjects({ domainId: b.domainId, ids: ['p-a-1', 'p-0-b'] })).toEqual([byId('p-0-b')])
      expect(await h.store.projects.listProjects({ ids: [] })).toEqual([])
      expect(await h.store.projects.listProjects({ domainId: uid('missing') })).toEqual([])
    })
  })

  describe('listProjectsForUser', () => {
    const h = useStore(backend)

    it('gives projects granted to the user directly, through a group, or inherited from the domain, in list order', async () => {
      const domain = await newAccount(h.store)
      const other = await newAccount(h.store)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const user = await h.store.identity.createUser(newUser(domain.id))
      const stranger = await h.store.identity.createUser(newUser(domain.id))
      const group = await h.store.identity.createGroup(groupRow(domain.id))
      await h.store.identity.addGroupMember(group.id, user.id)
      const direct = await h.store.projects.createProject(projectRow(domain.id, { name: 'p-direct' }))
      const viaGroup = await h.store.projects.createProject(projectRow(domain.id, { name: 'p-group' }))
      const region = await h.store.projects.createProject(projectRow(domain.id, { name: 'eu-de', kind: 'region', region_id: 'eu-de' }))
      const ungranted = await h.store.projects.createProject(projectRow(domain.id, { name: 'p-none' }))
      const elsewhere = await h.store.projects.createProject(projectRow(other.id, { name: 'p-elsewhere' }))
      const grant = (a: Omit<Assignment, 'roleId'>) => h.store.roles.assignRole({ ...a, roleId: role.id })

      expect(await h.store.projects.listProjectsForUser(user.id, domain.id)).toEqual([])
      await grant({ actorType: 'user', actorId: user.id, targetType: 'project', targetId: direct.id, inherited: false })
      await grant({ actorType: 'group', actorId: group.id, targetType: 'project', targetId: viaGroup.id, inherited: false })
      await grant({ actorType: 'user', actorId: user.id, targetType: 'project', targetId: elsewhere.id, inherited: false })
      // A grant on the domain itself reaches no project; only an inherited one does.
      await grant({ actorType: 'user', actorId: user.id, targetType: 'domain', targetId: domain.id, inherited: false })
      expect(await h.store.projects.listProjectsForUser(user.id, domain.id)).toEqual([direct, viaGroup])
      expect(await h.store.projects.listProjectsForUser(user.id, other.id)).toEqual([elsewhere])
      expect(await h.store.projects.listProjectsForUser(stranger.id, domain.id)).toEqual([])

      await grant({ actorType: 'group', actorId: group.id, targetType: 'domain', targetId: domain.id, inherited: true })
      expect(await h.store.projects.listProjectsForUser(user.id, domain.id)).toEqual([region, direct, viaGroup, ungranted])
      expect(await h.store.projects.listProjectsForUser(stranger.id, domain.id)).toEqual([])
      expect(await h.store.identity.removeGroupMember(group.id, user.id)).toBe(true)
      expect(await h.store.projects.listProjectsForUser(user.id, domain.id)).toEqual([direct])
    })
  })
})
