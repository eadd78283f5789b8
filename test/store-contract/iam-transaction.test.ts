/**
 * IamStore contract, `transaction()`: all or nothing, what the store handed to the work sees,
 * nesting, concurrent transactions racing for one name, and a transaction that goes on after one
 * of its calls failed with the store's own error.
 */
import { describe, expect, it } from 'vitest'
import { AccessKeyQuotaExceededError, ConflictError, CustomRoleQuotaExceededError, NotFoundError } from '../../src/errors/app-error.js'
import type { Assignment } from '../../src/services/iam/roles/store.js'
import type { IamStores } from '../../src/services/iam/iam-stores.js'
import { BACKENDS } from './backends.js'
import { credentialInput, domainRow, groupRow, newAccount, newUser, projectRow, roleRow, settleAll, T0, T1, T2, T3, uid, useStore } from './iam-fixtures.js'

class Boom extends Error {}

describe.each(BACKENDS)('IamStore transaction on $name', (backend) => {
  const h = useStore(backend)

  /** One of every kind of row, written through `tx`; returns what to look for afterwards. */
  async function writeEverything(tx: IamStores) {
    const domain = await tx.projects.createDomain(domainRow())
    await tx.projects.createDefaultEnterpriseProject(domain.id, T0)
    const project = await tx.projects.createProject(projectRow(domain.id))
    const user = await tx.identity.createUser(newUser(domain.id))
    const group = await tx.identity.createGroup(groupRow(domain.id))
    await tx.identity.addGroupMember(group.id, user.id)
    const role = roleRow()
    await tx.roles.upsertSystemRole(role)
    const custom = (await tx.roles.createCustomRole(roleRow({ domain_key: domain.id }), 5)) as ReturnType<typeof roleRow>
    const grant: Assignment = { actorType: 'group', actorId: group.id, targetType: 'project', targetId: project.id, roleId: role.id, inherited: false }
    await tx.roles.assignRole(grant)
    const key = (await tx.credentials.createPermanentCredential(credentialInput(user.id)))!
    const temp = await tx.credentials.createTemporaryCredential(credentialInput(user.id, { expires_at: T3 }))
    const region = uid('region')
    await tx.projects.upsertRegion({ id: region, type: 'public', description: '', parent_region_id: null, locales: '{}', extra: '{}', has_endpoints: 1 })
    const tokenKey = uid('key')
    await tx.tokens.ensureTokenKey({ id: tokenKey, secret: 's', created_at: T0 })
    const audit = uid('audit')
    await tx.tokens.revokeToken(audit, T3, T0)
    // The work sees its own writes.
    expect(await tx.projects.findProject(project.id)).toEqual(project)
    expect(await tx.identity.listUsers({ groupId: group.id })).toEqual([user])
    expect(await tx.roles.hasAssignment(grant)).toBe(true)
    return { domain, project, user, group, role, custom, grant, key, temp, region, tokenKey, audit }
  }

  async function present(w: Awaited<ReturnType<typeof writeEverything>>) {
    const s = h.store
    return {
      domain: await s.projects.findDomain(w.domain.id),
      enterpriseProjects: (await h.db.kysely.selectFrom('enterprise_projects').select('id').where('domain_id', '=', w.domain.id).execute()).length,
      project: await s.projects.findProject(w.project.id),
      user: await s.identity.findUser(w.user.id),
      group: await s.identity.findGroup(w.group.id),
      member: await s.identity.isGroupMember(w.group.id, w.user.id),
      role: await s.roles.findRole(w.role.id),
      custom: await s.roles.findRole(w.custom.id),
      grant: await s.roles.hasAssignment(w.grant),
      key: await s.credentials.findCredential(w.key.access),
      temp: await s.credentials.findCredential(w.temp.access),
      region: await s.projects.findRegion(w.region),
      tokenKey: (await s.tokens.listTokenKeys()).some((k) => k.id === w.tokenKey),
      revoked: (await h.db.kysely.selectFrom('revoked_tokens').select('audit_id').where('audit_id', '=', w.audit).execute()).length,
    }
  }

  it('commits every write of work that succeeds, and returns its value', async () => {
    let written!: Awaited<ReturnType<typeof writeEverything>>
    const value = await h.store.transaction(async (tx) => {
      written = await writeEverything(tx)
      return 'done'
    })
    expect(value).toBe('done')
    expect(await present(written)).toEqual({
      domain: written.domain, enterpriseProjects: 1, project: written.project, user: await h.store.identity.findUser(written.user.id),
      group: written.group, member: true, role: written.role, custom: written.custom, grant: true, key: written.key, temp: written.temp,
      region: { id: written.region, type: 'public', description: '', parent_region_id: null, locales: '{}', extra: '{}', has_endpoints: 1 }, tokenKey: true, revoked: 1,
    })
  })

  it('rolls back every write of work that throws, and rethrows its error', async () => {
    let written!: Awaited<ReturnType<typeof writeEverything>>
    const boom = new Boom('boom')
    await expect(h.store.transaction(async (tx) => {
      written = await writeEverything(tx)
      throw boom
    })).rejects.toBe(boom)
    expect(await present(written)).toEqual({
      domain: undefined, enterpriseProjects: 0, project: undefined, user: undefined, group: undefined, member: false, role: undefined,
      custom: undefined, grant: false, key: undefined, temp: undefined, region: undefined, tokenKey: false, revoked: 0,
    })
  })

  it('rolls back changes and deletes of rows that existed before, and reads after it see the old rows', async () => {
    const domain = await newAccount(h.store)
    const project = await h.store.projects.createProject(projectRow(domain.id))
    const other = await h.store.projects.createProject(projectRow(domain.id))
    const user = await h.store.identity.createUser(newUser(domain.id))
    const group = await h.store.identity.createGroup(groupRow(domain.id))
    await h.store.identity.addGroupMember(group.id, user.id)
    const role = (await h.store.roles.createCustomRole(roleRow({ domain_key: domain.id }), 5)) as ReturnType<typeof roleRow>
    const key = (await h.store.credentials.createPermanentCredential(credentialInput(user.id)))!
    // Read first: on the embedded store these fill the project cache a rollback must not leave stale.
    expect(await h.store.projects.findProject(project.id)).toEqual(project)
    expect(await h.store.projects.findProject(other.id)).toEqual(other)

    await expect(h.store.transaction(async (tx) => {
      expect(await tx.projects.updateDomain(domain.id, { description: 'changed' }, T1)).toMatchObject({ description: 'changed' })
      expect(await tx.projects.updateProject(domain.id, project.id, { name: uid('renamed'), enabled: false }, T1)).toMatchObject({ enabled: 0 })
      expect(await tx.projects.setProjectStatus(domain.id, other.id, 'suspended', T1)).toBe(true)
      expect(await tx.identity.updateUser(domain.id, user.id, { email: 'x@y' }, T1)).toMatchObject({ email: 'x@y' })
      await tx.identity.cutUserTokens([user.id], T1)
      await tx.identity.recordLoginFailure({ userId: user.id, now: T1, windowStart: T0, attempts: 1, lockUntil: T2 })
      expect(await tx.identity.updateGroup(domain.id, group.id, { description: 'changed' })).toMatchObject({ description: 'changed' })
      expect(await tx.roles.updateCustomRole(domain.id, role.id, { display_name: 'changed' }, T1)).toMatchObject({ display_name: 'changed' })
      expect(await tx.credentials.updateCredential(key.access, { status: 'inactive' })).toMatchObject({ status: 'inactive' })
      expect(await tx.identity.removeGroupMember(group.id, user.id)).toBe(true)
      expect(await tx.credentials.deleteCredential(key.access)).toBe(true)
      // These run their own transaction outside one; inside, they join the caller's.
      expect(await tx.roles.deleteCustomRole(domain.id, role.id)).toBe(true)
      expect(await tx.identity.deleteUser(domain.id, user.id)).toBe(true)
      expect(await tx.identity.deleteGroup(domain.id, group.id)).toBe(true)
      expect(await tx.projects.deleteProject(domain.id, other.id)).toBe(true)
      throw new Boom()
    })).rejects.toThrow(Boom)

    expect(await h.store.projects.findDomain(domain.id)).toEqual(domain)
    expect(await h.store.projects.findProject(project.id)).toEqual(project)
    expect(await h.store.projects.findProject(other.id)).toEqual(other)
    expect(await h.store.identity.findUser(user.id)).toEqual(user)
    expect(await h.store.identity.findGroup(group.id)).toEqual(group)
    expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(true)
    expect(await h.store.roles.findRole(role.id)).toEqual(role)
    expect(await h.store.credentials.findCredential(key.access)).toEqual(key)
  })

  it('what a committed transaction changed is what reads after it see', async () => {
    const domain = await newAccount(h.store)
    const project = await h.store.projects.createProject(projectRow(domain.id))
    expect(await h.store.projects.findProject(project.id)).toEqual(project)
    await h.store.transaction(async (tx) => {
      await tx.projects.updateProject(domain.id, project.id, { description: 'committed' }, T1)
      await tx.projects.setProjectStatus(domain.id, project.id, 'suspended', T2)
    })
    expect(await h.store.projects.findProject(project.id)).toEqual({ ...project, description: 'committed', status: 'suspended', suspended_at: T2, updated_at: T2 })
  })

  it('a nested transaction joins the outer one: the outer failing undoes the inner work too', async () => {
    const domain = domainRow()
    const project = projectRow(domain.id)
    await expect(h.store.transaction(async (tx) => {
      const inner = await tx.transaction(async (nested) => {
        await nested.projects.createDomain(domain)
        await nested.projects.createProject(project)
        return 'inner'
      })
      expect(inner).toBe('inner')
      expect(await tx.projects.findProject(project.id)).toEqual(project)
      throw new Boom()
    })).rejects.toThrow(Boom)
    expect(await h.store.projects.findDomain(domain.id)).toBeUndefined()
    expect(await h.store.projects.findProject(project.id)).toBeUndefined()
  })

  it('reads outside never see the writes of a transaction that then rolls back', async () => {
    const domain = domainRow()
    let outside: Promise<unknown> | undefined
    await expect(h.store.transaction(async (tx) => {
      await tx.projects.createDomain(domain)
      outside = Promise.all([h.store.projects.findDomain(domain.id), h.store.projects.listDomains({ ids: [domain.id] })])
      await new Promise((resolve) => setTimeout(resolve, 50))
      throw new Boom()
    })).rejects.toThrow(Boom)
    expect(await outside).toEqual([undefined, []])
  })

  it('concurrent transactions claiming one project name: one commits, the other fails with ConflictError and leaves nothing', async () => {
    const domain = await newAccount(h.store)
    const attempt = (i: number) => h.store.transaction(async (tx) => {
      const user = await tx.identity.createUser(newUser(domain.id, { name: `racer-${i}` }))
      await tx.projects.createProject(projectRow(domain.id, { name: 'claimed' }))
      return user
    })
    const { values, errors } = await settleAll([attempt(1), attempt(2), attempt(3)])
    expect(values).toHaveLength(1)
    expect(errors).toHaveLength(2)
    for (const error of errors) expect(error).toBeInstanceOf(ConflictError)
    expect(await h.store.identity.listUsers({ domainId: domain.id })).toEqual(values)
    expect((await h.store.projects.listProjects({ domainId: domain.id })).map((p) => p.name)).toEqual(['claimed'])
  })

  it('a ConflictError caught inside a transaction leaves the transaction usable, and the rest commits', async () => {
    const domain = await newAccount(h.store)
    const taken = await h.store.projects.createProject(projectRow(domain.id, { name: 'taken' }))
    const takenUser = await h.store.identity.createUser(newUser(domain.id))
    const fresh = projectRow(domain.id, { name: 'fresh' })
    await h.store.transaction(async (tx) => {
      await expect(tx.projects.createProject(projectRow(domain.id, { name: 'taken' }))).rejects.toThrow(ConflictError)
      await expect(tx.identity.createUser(newUser(domain.id, { name: takenUser.name }))).rejects.toThrow(ConflictError)
      await expect(tx.projects.updateProject(domain.id, taken.id, { name: 'taken' }, T1)).resolves.toMatchObject({ name: 'taken' })
      await tx.projects.createProject(fresh)
    })
    expect(await h.store.projects.listProjects({ domainId: domain.id })).toEqual([fresh, { ...taken, updated_at: T1 }])
  })

  it('a NotFoundError caught inside a transaction leaves the transaction usable, and the rest commits', async () => {
    const domain = await newAccount(h.store)
    const user = await h.store.identity.createUser(newUser(domain.id))
    const group = await h.store.identity.createGroup(groupRow(domain.id))
    await h.store.transaction(async (tx) => {
      await expect(tx.identity.addGroupMember(group.id, uid('gone'))).rejects.toThrow(NotFoundError)
      await tx.identity.addGroupMember(group.id, user.id)
    })
    expect(await h.store.identity.isGroupMember(group.id, user.id)).toBe(true)
  })

  it('createPermanentCredential inside a transaction still moves on to slot 2 when slot 1 is taken', async () => {
    const domain = await newAccount(h.store)
    const user = await h.store.identity.createUser(newUser(domain.id))
    const first = (await h.store.credentials.createPermanentCredential(credentialInput(user.id)))!
    const second = credentialInput(user.id)
    const third = credentialInput(user.id)
    const created = await h.store.transaction(async (tx) => {
      const made = await tx.credentials.createPermanentCredential(second)
      await expect(tx.credentials.createPermanentCredential(third)).rejects.toThrow(AccessKeyQuotaExceededError)
      return made
    })
    expect(created).toEqual({ ...second, kind: 'permanent', slot: 2 })
    expect(await h.store.credentials.listCredentials(user.id)).toEqual([first, { ...second, kind: 'permanent', slot: 2 }])
  })

  it('createCustomRole inside concurrent transactions still holds the cap', async () => {
    const domain = await newAccount(h.store)
    const { values, errors } = await settleAll(Array.from({ length: 5 }, () =>
      h.store.transaction((tx) => tx.roles.createCustomRole(roleRow({ domain_key: domain.id }), 2))))
    expect(values).toHaveLength(2)
    expect(errors.filter((e) => e instanceof CustomRoleQuotaExceededError)).toHaveLength(3)
    expect(await h.store.roles.listRoles({ customOf: domain.id, customOnly: true })).toHaveLength(2)
  })
})
