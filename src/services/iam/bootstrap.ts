/**
 * @module First start: the account (domain), its administrator and, on the clouds, one system
 * project per region, as a new cloud account has. The keystone flavour mirrors
 * `keystone-manage bootstrap`: domain `Default`, project `admin`, roles admin/member/reader, and
 * the admin user holding `admin` on that project and on the system. Runs in one transaction; a
 * second instance starting at the same moment hits the unique account name and backs off.
 */
import { randomBytes } from 'node:crypto'
import { newHexId } from '../../shared/ids.js'
import type { Flavour } from '../../flavours.js'
import { hashPassword } from '../../auth/password.js'
import { ConflictError } from '../../errors/app-error.js'
import type { IamStores } from './iam-stores.js'
import type { RoleStore } from './roles/store.js'
import { ADMIN_GROUP_NAME } from './identity/service.js'
import { isoMicros } from '../../shared/clock.js'

export interface BootstrapInput {
  flavour: Flavour
  regions: readonly string[]
  accountName?: string
  adminUser?: string
  adminPassword?: string
  now: number
}

export interface BootstrapResult {
  /** False when the store already had an account: nothing was changed. */
  created: boolean
  accountName?: string
  accountId?: string
  adminUser?: string
  /** Only when generated here, for the one-time banner; never logged. */
  generatedPassword?: string
}


/** 20 characters from four classes, so it satisfies any password policy the clouds apply. */
export function generatePassword(): string {
  const body = randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')
  return `Pp-${body}7a!`
}

export interface NewAccount {
  flavour: Flavour
  name: string
  adminUser: string
  passwordHash: string
  /** ISO time with microseconds. */
  now: string
}

/**
 * A cloud account as a new Huawei Cloud / OTC account has it: the domain, its default enterprise
 * project `0`, one system project per known region, the administrator, and the built-in `admin`
 * group holding the flavour's admin roles on the account and (inherited) on all its projects.
 * Regions and system roles must exist.
 */
export async function createCloudAccount(tx: IamStores, account: NewAccount): Promise<{ accountId: string; userId: string }> {
  const { flavour, now } = account
  const accountId = newHexId()
  await tx.projects.createDomain({ id: accountId, name: account.name, description: '', enabled: 1, created_at: now, updated_at: now })
  await tx.projects.createDefaultEnterpriseProject(accountId, now)
  const user = await createAdminUser(tx, accountId, account)
  for (const region of await tx.projects.listRegions()) await createRegionProject(tx, accountId, region.id, now)
  const group = await tx.identity.createGroup({ id: newHexId(), domain_id: accountId, name: ADMIN_GROUP_NAME, description: ADMIN_GROUP_DESCRIPTION, created_at: now })
  await tx.identity.addGroupMember(group.id, user.id)
  await grantAdminRoles(tx, flavour, group.id, accountId)
  return { accountId, userId: user.id }
}

/** What the built-in `admin` group of a new account says about itself. */
export const ADMIN_GROUP_DESCRIPTION = 'The administrators of the account'

/** The system project of a region, as every cloud account has one per region. */
export function createRegionProject(tx: IamStores, accountId: string, regionId: string, now: string, id = newHexId()) {
  return tx.projects.createProject({
    id, domain_id: accountId, name: regionId, description: '', parent_id: accountId, kind: 'region', region_id: regionId,
    enabled: 1, status: 'normal', suspended_at: null, tags: '[]', options: '{}', extra: '{}', created_at: now, updated_at: now,
  })
}

/** The flavour's admin roles for the account's `admin` group: on the account and (inherited) on all its projects. */
export async function grantAdminRoles(tx: IamStores, flavour: Flavour, groupId: string, accountId: string): Promise<void> {
  for (const roleName of flavour.adminRoleNames) {
    const role = await tx.roles.findRoleByName(roleName)
    if (!role) throw new Error(`system role ${roleName} is missing; create the flavour's roles first`)
    for (const inherited of [false, true]) {
      await tx.roles.assignRole({ actorType: 'group', actorId: groupId, targetType: 'domain', targetId: accountId, roleId: role.id, inherited })
    }
  }
}

function createAdminUser(tx: IamStores, accountId: string, account: NewAccount) {
  return tx.identity.createUser({
    id: newHexId(), domain_id: accountId, name: account.adminUser, password_hash: account.passwordHash, enabled: 1,
    created_at: account.now, updated_at: account.now, is_domain_owner: 1,
  })
}

/** keystone-manage bootstrap: domain `default`, project `admin`, and `admin` on it and on the system. */
async function createKeystoneDefaultDomain(tx: IamStores, account: NewAccount): Promise<string> {
  const { now } = account
  const accountId = 'default'
  await tx.projects.createDomain({ id: accountId, name: account.name, description: 'The default domain', enabled: 1, created_at: now, updated_at: now })
  const user = await createAdminUser(tx, accountId, account)
  const project = await tx.projects.createProject({
    id: newHexId(), domain_id: accountId, name: 'admin', description: 'Bootstrap project for initializing the cloud.', parent_id: accountId,
    kind: 'custom', region_id: null, enabled: 1, status: 'normal', suspended_at: null, tags: '[]', options: '{}', extra: '{}', created_at: now, updated_at: now,
  })
  const adminRole = (await tx.roles.findRoleByName('admin'))!.id
  await tx.roles.assignRole({ actorType: 'user', actorId: user.id, targetType: 'project', targetId: project.id, roleId: adminRole, inherited: false })
  await tx.roles.assignRole({ actorType: 'user', actorId: user.id, targetType: 'system', targetId: 'all', roleId: adminRole, inherited: false })
  // keystone-manage bootstrap's role chain: admin implies member, member implies reader, so an
  // admin holds every role below it (a trust or application credential may delegate `member`).
  const memberRole = (await tx.roles.findRoleByName('member'))!.id
  await tx.roles.createImpliedRole(adminRole, memberRole)
  await tx.roles.createImpliedRole(memberRole, (await tx.roles.findRoleByName('reader'))!.id)
  return accountId
}

/**
 * Brings the system roles to this version's definitions, on every start: their permission
 * documents are code, and an upgrade must not leave an old document in force.
 */
export async function syncSystemRoles(stores: Pick<IamStores, 'roles'>, flavour: Flavour, nowMs: number): Promise<void> {
  const now = isoMicros(nowMs)
  await stores.roles.transaction(async (tx: RoleStore) => {
    for (const role of flavour.systemRoles) {
      await tx.upsertSystemRole({
        id: newHexId(), domain_key: '', name: role.name, display_name: role.displayName, description: role.description, description_cn: role.descriptionCn,
        type: role.type, catalog: role.catalog, flag: role.flag, policy: JSON.stringify(role.policy), created_at: now, updated_at: now,
      })
    }
  })
}

export async function bootstrapIfEmpty(store: IamStores, input: BootstrapInput): Promise<BootstrapResult> {
  const { flavour } = input
  if ((await store.projects.listDomains({})).length > 0) return { created: false }
  const generatedPassword = input.adminPassword ? undefined : generatePassword()
  const account: NewAccount = {
    flavour,
    name: input.accountName ?? flavour.defaultAccountName,
    adminUser: input.adminUser ?? flavour.defaultAdminUserName,
    passwordHash: await hashPassword(input.adminPassword ?? generatedPassword!),
    now: isoMicros(input.now),
  }
  const regionSeeds = input.regions.length > 0
    ? input.regions.map((id) => flavour.defaultRegions.find((r) => r.id === id) ?? { id, locales: {} })
    : flavour.defaultRegions

  try {
    return await store.transaction(async (tx) => {
      for (const region of regionSeeds) {
        await tx.projects.upsertRegion({ id: region.id, type: 'public', description: '', parent_region_id: null, locales: JSON.stringify(region.locales), extra: '{}', has_endpoints: 1 })
      }
      const accountId = flavour.iam.regionProjects
        ? (await createCloudAccount(tx, account)).accountId
        : await createKeystoneDefaultDomain(tx, account)
      return { created: true, accountName: account.name, accountId, adminUser: account.adminUser, generatedPassword }
    })
  } catch (error) {
    // Another instance bootstrapped the same store first.
    if (error instanceof ConflictError) return { created: false }
    throw error
  }
}
