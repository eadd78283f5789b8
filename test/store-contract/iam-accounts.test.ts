/**
 * IamStore contract, accounts (domains), regions and token bookkeeping: the same assertions on
 * every backend, so SQLite and PostgreSQL cannot drift apart.
 */
import { describe, expect, it } from 'vitest'
import { ConflictError } from '../../src/errors/app-error.js'
import type { RegionRow } from '../../src/db/schema.js'
import { BACKENDS } from './backends.js'
import { domainRow, groupRow, newAccount, newUser, projectRow, roleRow, T0, T1, T2, T3, uid, useStore } from './iam-fixtures.js'

describe.each(BACKENDS)('IamStore accounts on $name', (backend) => {
  describe('domains', () => {
    const h = useStore(backend)

    it('createDomain returns the row and findDomain / findDomainByName read it back', async () => {
      const row = domainRow({ description: 'first', enabled: 0, created_at: T0, updated_at: T1 })
      expect(await h.store.projects.createDomain(row)).toEqual(row)
      expect(await h.store.projects.findDomain(row.id)).toEqual(row)
      expect(await h.store.projects.findDomainByName(row.name)).toEqual(row)
    })

    it('find* answer undefined for what does not exist', async () => {
      expect(await h.store.projects.findDomain(uid('missing'))).toBeUndefined()
      expect(await h.store.projects.findDomainByName(uid('missing'))).toBeUndefined()
    })

    it('createDomain throws ConflictError on a taken name and leaves the first row as it was', async () => {
      const first = await newAccount(h.store)
      const second = domainRow({ name: first.name, description: 'second' })
      await expect(h.store.projects.createDomain(second)).rejects.toThrow(ConflictError)
      await expect(h.store.projects.createDomain(second)).rejects.toThrow(`Conflict occurred attempting to store domain - Duplicate entry found with name ${first.name}.`)
      expect(await h.store.projects.findDomain(second.id)).toBeUndefined()
      expect(await h.store.projects.findDomainByName(first.name)).toEqual(first)
    })

    it('createDomain throws ConflictError on a taken id', async () => {
      const first = await newAccount(h.store)
      await expect(h.store.projects.createDomain(domainRow({ id: first.id }))).rejects.toThrow(ConflictError)
      expect(await h.store.projects.findDomain(first.id)).toEqual(first)
    })

    it('listDomains orders by name and filters by ids, name and enabled', async () => {
      const c = await newAccount(h.store, { name: uid('list-c'), enabled: 0 })
      const a = await newAccount(h.store, { name: uid('list-a') })
      const b = await newAccount(h.store, { name: uid('list-b') })
      // Upper case sorts before lower case byte-wise on both stores.
      const upper = await newAccount(h.store, { name: uid('LIST-z') })
      const ids = [a.id, b.id, c.id, upper.id]
      expect(await h.store.projects.listDomains({ ids })).toEqual([upper, a, b, c])
      expect(await h.store.projects.listDomains({ ids, enabled: true })).toEqual([upper, a, b])
      expect(await h.store.projects.listDomains({ ids, enabled: false })).toEqual([c])
      expect(await h.store.projects.listDomains({ name: b.name })).toEqual([b])
      expect(await h.store.projects.listDomains({ ids, name: uid('nobody') })).toEqual([])
      expect(await h.store.projects.listDomains({ ids: [] })).toEqual([])
      expect(await h.store.projects.listDomains({ ids: [a.id, uid('missing')] })).toEqual([a])
    })

    it('updateDomain changes only what it is given and stamps updated_at', async () => {
      const row = await newAccount(h.store, { description: 'old' })
      const updated = await h.store.projects.updateDomain(row.id, { description: 'new', enabled: 0 }, T2)
      expect(updated).toEqual({ ...row, description: 'new', enabled: 0, updated_at: T2 })
      expect(await h.store.projects.findDomain(row.id)).toEqual(updated)
      const renamed = await h.store.projects.updateDomain(row.id, { name: uid('renamed') }, T1)
      expect(renamed).toEqual({ ...updated, name: renamed!.name, updated_at: T1 })
      expect(await h.store.projects.findDomainByName(row.name)).toBeUndefined()
    })

    it('updateDomain answers undefined for a domain that does not exist', async () => {
      expect(await h.store.projects.updateDomain(uid('missing'), { description: 'x' }, T1)).toBeUndefined()
    })

    it('updateDomain throws ConflictError on a taken name and changes nothing', async () => {
      const a = await newAccount(h.store)
      const b = await newAccount(h.store)
      await expect(h.store.projects.updateDomain(b.id, { name: a.name, description: 'changed' }, T1)).rejects.toThrow(ConflictError)
      expect(await h.store.projects.findDomain(b.id)).toEqual(b)
    })

    it('createDefaultEnterpriseProject inserts the enterprise project 0 named default', async () => {
      const row = await newAccount(h.store)
      await h.store.projects.createDefaultEnterpriseProject(row.id, T1)
      expect(await h.db.kysely.selectFrom('enterprise_projects').selectAll().where('domain_id', '=', row.id).execute()).toEqual([
        { domain_id: row.id, id: '0', name: 'default', description: '', status: 1, type: 'prod', created_at: T1, updated_at: T1 },
      ])
    })

    it('deleteDomain removes an empty domain with its default enterprise project and its grants, and only those', async () => {
      const row = await newAccount(h.store)
      const other = await newAccount(h.store)
      await h.store.projects.createDefaultEnterpriseProject(row.id, T0)
      await h.store.projects.createDefaultEnterpriseProject(other.id, T0)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grant = { actorType: 'user', actorId: uid('actor'), targetType: 'domain', roleId: role.id, inherited: false } as const
      await h.store.roles.assignRole({ ...grant, targetId: row.id })
      await h.store.roles.assignRole({ ...grant, targetId: other.id })

      expect(await h.store.projects.deleteDomain(row.id)).toBe(true)
      expect(await h.store.projects.findDomain(row.id)).toBeUndefined()
      expect(await h.db.kysely.selectFrom('enterprise_projects').select('domain_id').where('domain_id', 'in', [row.id, other.id]).execute())
        .toEqual([{ domain_id: other.id }])
      expect(await h.store.roles.hasAssignment({ ...grant, targetId: row.id })).toBe(false)
      expect(await h.store.roles.hasAssignment({ ...grant, targetId: other.id })).toBe(true)
      expect(await h.store.projects.findDomain(other.id)).toEqual(other)
      expect(await h.store.projects.deleteDomain(row.id)).toBe(false)
    })

    it('deleteDomain answers false for a domain that does not exist', async () => {
      expect(await h.store.projects.deleteDomain(uid('missing'))).toBe(false)
    })

    it('deleteDomain deletes what the domain owns (projects, users, groups) with their grants and memberships, and only those', async () => {
      const row = await newAccount(h.store)
      const other = await newAccount(h.store)
      const project = await h.store.projects.createProject(projectRow(row.id))
      const child = await h.store.projects.createProject(projectRow(row.id, { parent_id: project.id }))
      const user = await h.store.identity.createUser(newUser(row.id))
      const group = await h.store.identity.createGroup(groupRow(row.id))
      const outsider = await h.store.identity.createUser(newUser(other.id))
      const outsiderProject = await h.store.projects.createProject(projectRow(other.id))
      await h.store.identity.addGroupMember(group.id, user.id)
      await h.store.identity.addGroupMember(group.id, outsider.id)
      const role = roleRow()
      await h.store.roles.upsertSystemRole(role)
      const grants = [
        { actorType: 'user', actorId: user.id, targetType: 'project', targetId: outsiderProject.id, roleId: role.id, inherited: false },
        { actorType: 'group', actorId: group.id, targetType: 'domain', targetId: other.id, roleId: role.id, inherited: false },
        { actorType: 'user', actorId: outsider.id, targetType: 'project', targetId: child.id, roleId: role.id, inherited: false },
      ] as const
      const kept = { actorType: 'user', actorId: outsider.id, targetType: 'project', targetId: outsiderProject.id, roleId: role.id, inherited: false } as const
      for (const g of [...grants, kept]) await h.store.roles.assignRole(g)

      expect(await h.store.projects.deleteDomain(row.id)).toBe(true)
      expect(await h.store.projects.findDomain(row.id)).toBeUndefined()
      for (const id of [project.id, child.id]) expect(await h.store.projects.findProject(id)).toBeUndefined()
      expect(await h.store.identity.findUser(user.id)).toBeUndefined()
      expect(await h.store.identity.findGroup(group.id)).toBeUndefined()
      for (const g of grants) expect(await h.store.roles.hasAssignment(g)).toBe(false)
      expect(await h.store.roles.hasAssignment(kept)).toBe(true)
      expect(await h.store.identity.findUser(outsider.id)).toEqual(outsider)
      expect(await h.store.projects.findProject(outsiderProject.id)).toEqual(outsiderProject)
      expect(await h.store.identity.listGroups({ userId: outsider.id })).toEqual([])
    })
  })

  describe('listDomains without filters', () => {
    const h = useStore(backend)

    it('returns every domain, by name', async () => {
      expect(await h.store.projects.listDomains({})).toEqual([])
      const b = await newAccount(h.store, { name: 'b' })
      const a = await newAccount(h.store, { name: 'a' })
      const upper = await newAccount(h.store, { name: 'C' })
      expect(await h.store.projects.listDomains({})).toEqual([upper, a, b])
    })
  })

  describe('regions', () => {
    const h = useStore(backend)
    const region = (id: string, overrides: Partial<RegionRow> = {}): RegionRow =>
      ({ id, type: 'public', description: '', parent_region_id: null, locales: '{}', extra: '{}', has_endpoints: 1, ...overrides })

    it('starts with no regions', async () => {
      expect(await h.store.projects.listRegions()).toEqual([])
      expect(await h.store.projects.findRegion('eu-de')).toBeUndefined()
    })

    it('upsertRegion inserts; listRegions orders by id; findRegion reads one', async () => {
      const de = region('eu-de', { description: 'Germany', locales: '{"en-us":"Germany"}' })
      const nl = region('eu-nl', { parent_region_id: 'eu-de' })
      const ap = region('ap-southeast-1', { type: 'private' })
      for (const r of [de, nl, ap]) await h.store.projects.upsertRegion(r)
      expect(await h.store.projects.listRegions()).toEqual([ap, de, nl])
      expect(await h.store.projects.findRegion('eu-nl')).toEqual(nl)
    })

    it('upsertRegion of a known id neither throws nor duplicates the region', async () => {
      await h.store.projects.upsertRegion(region('la-south-2'))
      await h.store.projects.upsertRegion(region('la-south-2', { description: 'again' }))
      expect((await h.store.projects.listRegions()).filter((r) => r.id === 'la-south-2')).toHaveLength(1)
    })
  })

  describe('tokens', () => {
    const h = useStore(backend)

    it('findCaller returns the user, its account and whether the token was revoked', async () => {
      const domain = await newAccount(h.store, { enabled: 0 })
      const user = await h.store.identity.createUser(newUser(domain.id))
      const auditId = uid('audit')
      expect(await h.store.tokens.findCaller(user.id, auditId)).toEqual({
        user: await h.store.identity.findUser(user.id),
        domain: { id: domain.id, name: domain.name, enabled: 0 },
        revoked: false,
      })
      await h.store.tokens.revokeToken(auditId, T2, T1)
      expect(await h.store.tokens.findCaller(user.id, auditId)).toEqual({
        user: await h.store.identity.findUser(user.id),
        domain: { id: domain.id, name: domain.name, enabled: 0 },
        revoked: true,
      })
      expect((await h.store.tokens.findCaller(user.id, uid('audit')))?.revoked).toBe(false)
    })

    it('findCaller answers undefined for a user that does not exist', async () => {
      expect(await h.store.tokens.findCaller(uid('missing'), uid('audit'))).toBeUndefined()
    })

    it('revokeToken is idempotent: the first revocation stands', async () => {
      const auditId = uid('audit')
      await h.store.tokens.revokeToken(auditId, T2, T0)
      await h.store.tokens.revokeToken(auditId, T3, T1)
      expect(await h.db.kysely.selectFrom('revoked_tokens').selectAll().where('audit_id', '=', auditId).execute())
        .toEqual([{ audit_id: auditId, expires_at: T2, revoked_at: T0 }])
    })

    it('ensureTokenKey inserts once; listTokenKeys gives the newest first, then by id', async () => {
      expect(await h.store.tokens.listTokenKeys()).toEqual([])
      await h.store.tokens.ensureTokenKey({ id: 'k-old', secret: 's-old', created_at: T0 })
      await h.store.tokens.ensureTokenKey({ id: 'k-new-b', secret: 's-new-b', created_at: T1 })
      await h.store.tokens.ensureTokenKey({ id: 'k-new-a', secret: 's-new-a', created_at: T1 })
      // A second instance starting with its own secret for the same id keeps the first.
      await h.store.tokens.ensureTokenKey({ id: 'k-old', secret: 'other', created_at: T2 })
      expect(await h.store.tokens.listTokenKeys()).toEqual([
        { id: 'k-new-a', secret: 's-new-a' },
        { id: 'k-new-b', secret: 's-new-b' },
        { id: 'k-old', secret: 's-old' },
      ])
    })

    it('concurrent ensureTokenKey calls for one id settle on one key without an error', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => h.store.tokens.ensureTokenKey({ id: 'k-race', secret: `s-${i}`, created_at: T2 })),
      )
      expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'))
      expect((await h.store.tokens.listTokenKeys()).filter((k) => k.id === 'k-race')).toHaveLength(1)
    })
  })
})
