/**
 * @module What `projectplane bootstrap` does to the store: an account with its administrator.
 * On an empty store it is the first start's bootstrap with the names given (and `--regions`, the
 * cloud's regions). On the
 * clouds, on a store that has accounts, it creates another one as a new cloud account has it
 * (createCloudAccount: system projects in every region, the `admin` group). In the keystone
 * flavour accounts are domains made through the API; here it does what `keystone-manage bootstrap`
 * does when run again: makes sure the Default domain's admin exists, is enabled, holds `admin` on
 * project `admin` and on the system, and has the password given. It writes the store directly,
 * as the first start does: it is how the first administrator comes to exist.
 */
import { newHexId } from '../shared/ids.js'
import { hashPassword } from '../auth/password.js'
import type { Config } from '../config.js'
import { openDatabase, type Db } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { ConflictError } from '../errors/app-error.js'
import { flavourFor, type Flavour } from '../flavours.js'
import { bootstrapIfEmpty, createCloudAccount, syncSystemRoles } from '../services/iam/bootstrap.js'
import { seedCatalog } from '../services/iam/catalog/service.js'
import { isoMicros } from '../shared/clock.js'
import { SqlIamStores } from '../services/iam/iam-stores-sql.js'
import type { IamStores } from '../services/iam/iam-stores.js'
import { CliError } from './cli-error.js'

export interface BootstrapRequest {
  /** Given with --account; the flavour's default name otherwise. */
  account: string | undefined
  adminUser: string
  password: string
  /** The password was generated here: show it once. */
  generated: boolean
  /** --regions was given (its ids are in `config.regions`). */
  regions: boolean
}

export interface BootstrapOutcome {
  /** What was made or changed, in a sentence. */
  summary: string
  account: { id: string; name: string }
  adminUser: string
  /** Only when generated here: shown once. */
  generatedPassword?: string
}

const KEYSTONE_DOMAIN_ID = 'default'

async function anotherCloudAccount(db: Db, store: IamStores, flavour: Flavour, input: { account: string; adminUser: string; passwordHash: string; regions: boolean }): Promise<BootstrapOutcome['account']> {
  if (input.regions) {
    const regions = (await store.projects.listRegions()).map((r) => r.id)
    throw new CliError(`--regions applies to an empty store only: this one's regions are set (${regions.join(', ')}) and every account gets a project in each`)
  }
  const exists = () => new CliError(`account '${input.account}' already exists`)
  if (await store.projects.findDomainByName(input.account)) throw exists()
  const now = isoMicros(Date.now())
  try {
    const { accountId } = await store.transaction((tx) => createCloudAccount(tx, {
      flavour, name: input.account, adminUser: input.adminUser, passwordHash: input.passwordHash, now,
    }))
    db.announceChange()
    return { id: accountId, name: input.account }
  } catch (error) {
    if (error instanceof ConflictError) throw exists()
    throw error
  }
}

/** keystone-manage bootstrap run again: creates what is missing, re-enables the admin, resets a given password. */
async function ensureKeystoneAdmin(db: Db, store: IamStores, input: { account?: string; adminUser: string; password?: string; passwordHash?: string }): Promise<Omit<BootstrapOutcome, 'generatedPassword'> & { createdUser: boolean }> {
  const domain = await store.projects.findDomain(KEYSTONE_DOMAIN_ID)
  if (!domain) throw new CliError("the Default domain (id 'default') is gone; bootstrap can only recreate it on an empty store (projectplane reset)")
  if (input.account !== undefined && input.account !== domain.name && input.account !== domain.id) {
    throw new CliError(`in the keystone flavour bootstrap manages the Default domain ('${domain.name}') as keystone-manage bootstrap does; make other domains with 'openstack domain create ${input.account}'`)
  }
  const now = isoMicros(Date.now())
  const done: string[] = []
  const outcome = await store.transaction(async (tx) => {
    let user = await tx.identity.findUserByName(domain.id, input.adminUser)
    const createdUser = !user
    if (!user) {
      user = await tx.identity.createUser({ id: newHexId(), domain_id: domain.id, name: input.adminUser, password_hash: input.passwordHash!, enabled: 1, created_at: now, updated_at: now, is_domain_owner: 1 })
      done.push(`created user '${user.name}'`)
    } else {
      const changes = { ...(user.enabled !== 1 ? { enabled: 1 } : {}), ...(input.password !== undefined ? { password_hash: input.passwordHash!, tokens_valid_after: now } : {}) }
      if (Object.keys(changes).length > 0) await tx.identity.updateUser(domain.id, user.id, changes, now)
      if (user.enabled !== 1) done.push(`enabled user '${user.name}'`)
      if (input.password !== undefined) done.push(`set the password of '${user.name}'`)
    }
    let project = await tx.projects.findProjectByName(domain.id, 'admin')
    if (!project) {
      project = await tx.projects.createProject({
        id: newHexId(), domain_id: domain.id, name: 'admin', description: 'Bootstrap project for initializing the cloud.', parent_id: domain.id,
        kind: 'custom', region_id: null, enabled: 1, status: 'normal', suspended_at: null, tags: '[]', options: '{}', extra: '{}', created_at: now, updated_at: now,
      })
      done.push("created project 'admin'")
    }
    const admin = (await tx.roles.findRoleByName('admin'))!.id
    for (const [targetType, targetId] of [['project', project.id], ['system', 'all']] as const) {
      const grant = { actorType: 'user', actorId: user.id, targetType, targetId, roleId: admin, inherited: false } as const
      if (!(await tx.roles.hasAssignment(grant))) {
        await tx.roles.assignRole(grant)
        done.push(`granted admin on the ${targetType === 'project' ? "project 'admin'" : 'system'}`)
      }
    }
    return { createdUser }
  })
  db.announceChange()
  return {
    ...outcome,
    account: { id: domain.id, name: domain.name },
    adminUser: input.adminUser,
    summary: done.length === 0 ? `Nothing to do: '${input.adminUser}' of domain '${domain.name}' holds admin on project 'admin' and on the system.` : `Bootstrap of domain '${domain.name}': ${done.join(', ')}.`,
  }
}

export async function bootstrapAccount(config: Config, request: BootstrapRequest): Promise<BootstrapOutcome> {
  const flavour = flavourFor(config.flavour)
  const account = request.account ?? flavour.defaultAccountName
  const { adminUser, password } = request
  const shown = request.generated ? password : undefined
  const passwordHash = await hashPassword(password)
  const db = await openDatabase(config)
  try {
    return await db.exclusive('start-up', async () => {
      await migrate(db)
      const store = new SqlIamStores({ db })
      await syncSystemRoles(store, flavour, Date.now())
      const first = await bootstrapIfEmpty(store, { flavour, regions: config.regions, accountName: account, adminUser, adminPassword: password, now: Date.now() })
      await seedCatalog(store, flavour, Date.now())
      if (first.created) {
        return { summary: `Bootstrapped the store: account '${account}' with administrator '${adminUser}'.`, account: { id: first.accountId!, name: account }, adminUser, generatedPassword: shown }
      }
      if (flavour.iam.regionProjects) {
        const created = await anotherCloudAccount(db, store, flavour, { account, adminUser, passwordHash, regions: request.regions })
        return { summary: `Created account '${account}' with administrator '${adminUser}'.`, account: created, adminUser, generatedPassword: shown }
      }
      const ensured = await ensureKeystoneAdmin(db, store, { account: request.account, adminUser, password: request.generated ? undefined : password, passwordHash })
      return { ...ensured, generatedPassword: ensured.createdUser ? shown : undefined }
    })
  } finally {
    await db.close()
  }
}
