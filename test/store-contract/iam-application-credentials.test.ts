/**
 * ApplicationCredentialStore contract: a credential with its roles and access rules in one
 * transaction, names unique per user even under races, access rules reused and refused while in
 * use, and nothing outliving the user, project or role it belongs to (Keystone 22's orphans).
 */
import { describe, expect, it } from 'vitest'
import { ConflictError, NotFoundError } from '../../src/errors/app-error.js'
import type { ApplicationCredentialRow } from '../../src/db/schema.js'
import { AccessRuleInUseError } from '../../src/services/iam/application-credentials/rules.js'
import { BACKENDS } from './backends.js'
import { newAccount, newUser, projectRow, roleRow, settleAll, T0, uid, useStore } from './iam-fixtures.js'

describe.each(BACKENDS)('ApplicationCredentialStore on $name', (backend) => {
  const h = useStore(backend)
  const store = () => h.store.applicationCredentials

  /** A user with a project and two roles to delegate. */
  async function owner() {
    const account = await newAccount(h.store)
    const user = await h.store.identity.createUser(newUser(account.id))
    const project = await h.store.projects.createProject(projectRow(account.id))
    const roles = [await h.store.roles.createRole(roleRow({ name: uid('b-role') })), await h.store.roles.createRole(roleRow({ name: uid('a-role') }))]
    return { userId: user.id, domainId: account.id, projectId: project.id, roles }
  }
  const credential = (o: { userId: string; projectId: string }, overrides: Partial<ApplicationCredentialRow> = {}): ApplicationCredentialRow => ({
    id: uid('cred'), user_id: o.userId, project_id: o.projectId, name: uid('name'), description: null, secret_hash: 'hash',
    expires_at: null, unrestricted: null, created_at: T0, ...overrides,
  })
  const rule = (service: string, extra: { id?: string } = {}) => ({ service, path: '/v1/things', method: 'GET', newId: uid('rule'), ...extra })

  it('creates with its roles (listed by name, each once) and rules, finds and lists it', async () => {
    const o = await owner()
    const row = credential(o)
    const made = await store().createApplicationCredential(row, [o.roles[0]!.id, o.roles[1]!.id, o.roles[0]!.id], [rule('compute'), rule('image')])
    expect(made.credential).toEqual(row)
    expect(made.roles.map((r) => r.id)).toEqual([o.roles[1]!.id, o.roles[0]!.id])
    expect(made.accessRules.map((r) => r.service).sort()).toEqual(['compute', 'image'])
    expect(await store().findApplicationCredential(row.id)).toEqual(made)
    expect(await store().listApplicationCredentials(o.userId)).toEqual([made])
    expect(await store().listApplicationCredentials(o.userId, row.name)).toEqual([made])
    expect(await store().listApplicationCredentials(o.userId, 'other')).toEqual([])
  })

  it('reuses the user\'s equal rule and one named by id; another user\'s id is not found', async () => {
    const o = await owner()
    const first = await store().createApplicationCredential(credential(o), [o.roles[0]!.id], [rule('compute')])
    const ruleId = first.accessRules[0]!.id
    const second = await store().createApplicationCredential(credential(o), [o.roles[0]!.id], [rule('compute'), { id: ruleId, newId: uid('rule') }])
    expect(second.accessRules.map((r) => r.id)).toEqual([ruleId])
    expect(await store().listAccessRules(o.userId, {})).toHaveLength(1)
    const stranger = await owner()
    await expect(store().createApplicationCredential(credential(stranger), [], [{ id: ruleId, newId: uid('rule') }])).rejects.toThrow(NotFoundError)
    // A new rule whose given id another user's rule has is a conflict, not a takeover.
    await expect(store().createApplicationCredential(credential(stranger), [], [rule('other', { id: ruleId })])).rejects.toThrow(ConflictError)
    expect(await store().listApplicationCredentials(stranger.userId)).toEqual([])
  })

  it('refuses a taken name with ConflictError, even for racing creates; another user may use it', async () => {
    const o = await owner()
    const name = uid('same')
    const { values, errors } = await settleAll(Array.from({ length: 4 }, () => store().createApplicationCredential(credential(o, { name }), [o.roles[0]!.id], [rule('race')])))
    expect(values).toHaveLength(1)
    expect(errors).toHaveLength(3)
    for (const e of errors) expect(e).toBeInstanceOf(ConflictError)
    expect((await store().listApplicationCredentials(o.userId)).map((r) => r.credential.name)).toEqual([name])
    expect(await store().listAccessRules(o.userId, {})).toHaveLength(1)
    const other = await owner()
    expect((await store().createApplicationCredential(credential(other, { name }), [], [])).credential.name).toBe(name)
  })

  it('throws NotFoundError for a user or role that does not exist, leaving nothing behind', async () => {
    const o = await owner()
    await expect(store().createApplicationCredential(credential(o, { user_id: uid('gone') }), [], [])).rejects.toThrow(NotFoundError)
    const row = credential(o)
    await expect(store().createApplicationCredential(row, [uid('gone-role')], [])).rejects.toThrow(NotFoundError)
    expect(await store().findApplicationCredential(row.id)).toBeUndefined()
  })

  it('refuses to delete a rule in use; deletes it once its credentials are gone', async () => {
    const o = await owner()
    const made = await store().createApplicationCredential(credential(o), [], [rule('compute')])
    const ruleId = made.accessRules[0]!.id
    await expect(store().deleteAccessRule(ruleId)).rejects.toThrow(AccessRuleInUseError)
    expect(await store().deleteApplicationCredential(made.credential.id)).toBe(true)
    expect(await store().deleteApplicationCredential(made.credential.id)).toBe(false)
    expect(await store().findAccessRule(ruleId)).toMatchObject({ id: ruleId, user_id: o.userId })
    expect(await store().deleteAccessRule(ruleId)).toBe(true)
    expect(await store().deleteAccessRule(ruleId)).toBe(false)
  })

  it('cascades: a deleted role leaves the credential, a deleted project or user takes it (and the user\'s rules)', async () => {
    const o = await owner()
    const made = await store().createApplicationCredential(credential(o), o.roles.map((r) => r.id), [rule('compute')])
    expect(await h.store.roles.deleteRole(o.roles[0]!.id)).toBe(true)
    expect((await store().findApplicationCredential(made.credential.id))?.roles.map((r) => r.id)).toEqual([o.roles[1]!.id])
    const other = await store().createApplicationCredential(credential(o, { project_id: (await h.store.projects.createProject(projectRow(o.domainId))).id }), [], [])
    expect(await h.store.projects.deleteProject(o.domainId, o.projectId)).toBe(true)
    expect(await store().findApplicationCredential(made.credential.id)).toBeUndefined()
    expect(await store().findApplicationCredential(other.credential.id)).toBeDefined()
    expect(await h.store.identity.deleteUser(o.domainId, o.userId)).toBe(true)
    expect(await store().findApplicationCredential(other.credential.id)).toBeUndefined()
    expect(await store().listAccessRules(o.userId, {})).toEqual([])
  })
})
