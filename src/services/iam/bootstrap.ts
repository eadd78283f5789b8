/**
 * @module First start: the account (domain), its administrator and, on the clouds, one system
 * project per region, as a new cloud account has. The keystone flavour mirrors
 * `keystone-manage bootstrap`: domain `Default`, project `admin`, roles admin/member/reader, and
 * the admin user holding `admin` on that project and on the system. Runs in one transaction; a
 * second instance starting at the same moment hits the unique account name and backs off.
 */
import { randomBytes } from 'node:crypto'
import type { Flavour } from '../../flavours.js'
import { hashPassword } from '../../auth/password.js'
import { ConflictError } from '../../errors/app-error.js'
import type { IamStore } from './store.js'
import { isoMicros } from './service.js'

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

const hexId = () => randomBytes(16).toString('hex')

/** 20 characters from four classes, so it satisfies any password policy the clouds apply. */
export function generatePassword(): string {
  const body = randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')
  return `Pp-${body}7a!`
}

export async function bootstrapIfEmpty(store: IamStore, input: BootstrapInput): Promise<BootstrapResult> {
  const { flavour } = input
  if ((await store.listDomains({})).length > 0) return { created: false }
  const accountName = input.accountName ?? flavour.defaultAccountName
  const adminUser = input.adminUser ?? flavour.defaultAdminUserName
  const generatedPassword = input.adminPassword ? undefined : generatePassword()
  const passwordHash = await hashPassword(input.adminPassword ?? generatedPassword!)
  const now = isoMicros(input.now)
  const keystone = !flavour.iam.regionProjects
  const regionSeeds = input.regions.length > 0
    ? input.regions.map((id) => flavour.defaultRegions.find((r) => r.id === id) ?? { id, locales: {} })
    : flavour.defaultRegions

  try {
    return await store.transaction(async (tx) => {
      // Keystone's default domain has the well-known id 'default'; cloud accounts get 32-hex ids.
      const accountId = keystone ? 'default' : hexId()
      await tx.createDomain({ id: accountId, name: accountName, description: keystone ? 'The default domain' : '', enabled: 1, created_at: now, updated_at: now })
      for (const region of regionSeeds) {
        await tx.upsertRegion({ id: region.id, type: 'public', description: '', parent_region_id: null, locales: JSON.stringify(region.locales) })
      }
      const roleIds = new Map<string, string>()
      for (const role of flavour.systemRoles) {
        const existing = await tx.findRoleByName(role.name)
        const row = existing ?? (await tx.createRole({ id: hexId(), domain_key: '', name: role.name, display_name: role.displayName, description: role.description, created_at: now }))
        roleIds.set(role.name, row.id)
      }
      const user = await tx.createUser({
        id: hexId(), domain_id: accountId, name: adminUser, password_hash: passwordHash, enabled: 1,
        password_expires_at: null, default_project_id: null, created_at: now, updated_at: now,
      })

      if (keystone) {
        const project = await tx.createProject({
          id: hexId(), domain_id: accountId, name: 'admin', description: 'Bootstrap project for initializing the cloud.', parent_id: accountId,
          kind: 'custom', region_id: null, enabled: 1, status: 'normal', suspended_at: null, tags: '[]', options: '{}', extra: '{}', created_at: now, updated_at: now,
        })
        const adminRole = roleIds.get('admin')!
        await tx.assignRole({ actorType: 'user', actorId: user.id, targetType: 'project', targetId: project.id, roleId: adminRole, inherited: false })
        await tx.assignRole({ actorType: 'user', actorId: user.id, targetType: 'system', targetId: 'all', roleId: adminRole, inherited: false })
      } else {
        for (const region of regionSeeds) {
          await tx.createProject({
            id: hexId(), domain_id: accountId, name: region.id, description: '', parent_id: accountId, kind: 'region', region_id: region.id,
            enabled: 1, status: 'normal', suspended_at: null, tags: '[]', options: '{}', extra: '{}', created_at: now, updated_at: now,
          })
        }
        // The clouds' built-in `admin` group: every permission on the account and all its projects.
        const group = await tx.createGroup({ id: hexId(), domain_id: accountId, name: 'admin', description: 'The administrators of the account', created_at: now })
        await tx.addGroupMember(group.id, user.id)
        for (const roleName of flavour.adminRoleNames) {
          for (const inherited of [false, true]) {
            await tx.assignRole({ actorType: 'group', actorId: group.id, targetType: 'domain', targetId: accountId, roleId: roleIds.get(roleName)!, inherited })
          }
        }
      }
      return { created: true, accountName, accountId, adminUser, generatedPassword }
    })
  } catch (error) {
    // Another instance bootstrapped the same store first.
    if (error instanceof ConflictError) return { created: false }
    throw error
  }
}
