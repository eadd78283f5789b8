/**
 * @module The operator API's writes and reads over the store. Account creation reuses what the
 * first start does (`createCloudAccount`, the keystone flavour's domain and admin); deletions
 * and resets are `clearAccounts` under `lockState`, in one transaction that also drops the
 * projects it touched from the project cache.
 */
import type { Db } from '../../db/database.js'
import type { DomainRow } from '../../db/schema.js'
import type { Flavour } from '../../flavours.js'
import type { SecretBox } from '../../auth/secret-box.js'
import { loadSecretBox } from '../../auth/keys.js'
import { newHexId } from '../../shared/ids.js'
import { isoMicros } from '../../shared/clock.js'
import { createCloudAccount } from '../../services/iam/bootstrap.js'
import { SqlIamStores } from '../../services/iam/iam-stores-sql.js'
import { projectsTransaction } from '../../services/iam/projects/store-sql.js'
import { newAccessKey, newSecretKey } from '../../services/iam/credentials/service.js'
import { clearAccounts, lockState, projectIdsOf } from '../account-rows.js'
import type { NewOperatorAccount, OperatorStore } from './store.js'

export class SqlOperatorStore implements OperatorStore {
  private box: Promise<SecretBox> | undefined

  constructor(private readonly db: Db, private readonly flavour: Flavour) {}

  async firstAccountId() {
    return (await this.db.kysely.selectFrom('domains').select('id').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst())?.id
  }

  listAccounts(): Promise<DomainRow[]> {
    return this.db.kysely.selectFrom('domains').selectAll().orderBy('created_at').orderBy('id').execute()
  }

  findAccount(id: string) {
    return this.db.kysely.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async listRegionIds() {
    return (await this.db.kysely.selectFrom('regions').select('id').orderBy('id').execute()).map((r) => r.id)
  }

  async createAccount(input: NewOperatorAccount) {
    const { flavour } = this
    const now = isoMicros(input.now)
    const secret = input.accessKey ? newSecretKey() : undefined
    const box = secret === undefined ? undefined : await (this.box ??= loadSecretBox(new SqlIamStores({ db: this.db }).tokens, now))
    return projectsTransaction(this.db, async (trx, touchedProjects) => {
      const tx = new SqlIamStores({ db: this.db, x: trx, touchedProjects })
      let accountId: string
      let userId: string
      if (flavour.iam.regionProjects) {
        ({ accountId, userId } = await createCloudAccount(tx, { flavour, name: input.name, adminUser: input.adminUser, passwordHash: input.passwordHash, now }))
        // Every region got its system project; an account asked for fewer keeps those only.
        if (input.regions) await trx.deleteFrom('projects').where('domain_id', '=', accountId).where('kind', '=', 'region').where('region_id', 'not in', input.regions).execute()
      } else {
        // A keystone domain whose administrator holds `admin` on it (`openstack domain create`, `role add --domain`).
        accountId = newHexId()
        await tx.projects.createDomain({ id: accountId, name: input.name, description: '', enabled: 1, created_at: now, updated_at: now })
        userId = (await tx.identity.createUser({ id: newHexId(), domain_id: accountId, name: input.adminUser, password_hash: input.passwordHash, enabled: 1, created_at: now, updated_at: now, is_domain_owner: 1 })).id
        const admin = await tx.roles.findRoleByName('admin')
        if (!admin) throw new Error("system role admin is missing; create the flavour's roles first")
        await tx.roles.assignRole({ actorType: 'user', actorId: userId, targetType: 'domain', targetId: accountId, roleId: admin.id, inherited: false })
      }
      if (input.description) await trx.updateTable('domains').set({ description: input.description }).where('id', '=', accountId).execute()
      let accessKey: { access: string; secret: string } | undefined
      if (secret !== undefined) {
        const key = await tx.credentials.createPermanentCredential({
          access: newAccessKey(), user_id: userId, secret: box!.seal(secret), status: 'active', description: '',
          security_token_hash: null, expires_at: null, created_at: now, last_used_at: null, agency_id: null, session_name: null,
        })
        accessKey = { access: key.access, secret }
      }
      return { accountId, userId, accessKey }
    })
  }

  deleteAccount(id: string) {
    return projectsTransaction(this.db, async (trx, touched) => {
      await lockState(this.db, trx)
      if (!(await trx.selectFrom('domains').select('id').where('id', '=', id).executeTakeFirst())) return false
      for (const project of await projectIdsOf(trx, { only: id })) touched.add(project)
      await clearAccounts(trx, { only: id })
      return true
    })
  }

  resetAccounts(keep: string, options: { others: boolean; keepUsers: readonly string[] }) {
    return projectsTransaction(this.db, async (trx, touched) => {
      await lockState(this.db, trx)
      if (!(await trx.selectFrom('domains').select('id').where('id', '=', keep).executeTakeFirst())) return false
      if (options.others) {
        for (const project of await projectIdsOf(trx, { except: keep })) touched.add(project)
        await clearAccounts(trx, { except: keep })
      }
      for (const project of await projectIdsOf(trx, { only: keep })) touched.add(project)
      await clearAccounts(trx, { only: keep }, { baseline: { keepUsers: options.keepUsers } })
      return true
    })
  }
}
