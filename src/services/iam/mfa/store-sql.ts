/**
 * @module `MfaStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, LoginProtectRow, MfaDeviceRow, OutboxMessageRow } from '../../../db/schema.js'
import { ConflictError, NotFoundError } from '../../../errors/app-error.js'
import { IamSqlStore } from '../iam-sql-store.js'
import type { MfaStore } from './store.js'

export class SqlMfaStore extends IamSqlStore<MfaStore> implements MfaStore {
  protected bound(trx: Transaction<Database>): SqlMfaStore {
    return new SqlMfaStore({ db: this.db, x: trx })
  }

  async createDevice(row: MfaDeviceRow): Promise<MfaDeviceRow> {
    await this.constrained(() => this.x.insertInto('mfa_devices').values(row).execute(), {
      unique: () => new ConflictError('virtual mfa device', `user ${row.user_id} already has a virtual MFA device`),
      missing: () => new NotFoundError('user', row.user_id),
    })
    return row
  }

  findDevice(userId: string): Promise<MfaDeviceRow | undefined> {
    return this.x.selectFrom('mfa_devices').selectAll().where('user_id', '=', userId).executeTakeFirst()
  }

  listDevices(domainId: string): Promise<MfaDeviceRow[]> {
    return this.x.selectFrom('mfa_devices').selectAll().where('domain_id', '=', domainId).orderBy('user_id').execute()
  }

  async bindDevice(userId: string, serialNumber: string, step: number, now: string): Promise<boolean> {
    const result = await this.x.updateTable('mfa_devices').set({ bound: 1, bound_at: now, last_used_step: step })
      .where('user_id', '=', userId).where('serial_number', '=', serialNumber).where('bound', '=', 0)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async unbindDevice(userId: string, serialNumber: string, step?: number): Promise<boolean> {
    let query = this.x.updateTable('mfa_devices').set({ bound: 0, bound_at: null })
      .where('user_id', '=', userId).where('serial_number', '=', serialNumber).where('bound', '=', 1)
    if (step !== undefined) {
      query = query.set({ last_used_step: step }).where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    }
    return Number((await query.executeTakeFirst()).numUpdatedRows) === 1
  }

  async deleteDevice(userId: string, serialNumber: string): Promise<boolean> {
    const result = await this.x.deleteFrom('mfa_devices').where('user_id', '=', userId).where('serial_number', '=', serialNumber).executeTakeFirst()
    return Number(result.numDeletedRows) === 1
  }

  async consumeStep(userId: string, step: number): Promise<boolean> {
    const result = await this.x.updateTable('mfa_devices').set({ last_used_step: step })
      .where('user_id', '=', userId).where('bound', '=', 1)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  findLoginProtect(userId: string): Promise<LoginProtectRow | undefined> {
    return this.x.selectFrom('login_protects').selectAll().where('user_id', '=', userId).executeTakeFirst()
  }

  listLoginProtects(domainId: string): Promise<LoginProtectRow[]> {
    return this.x.selectFrom('login_protects').selectAll().where('domain_id', '=', domainId).orderBy('user_id').execute()
  }

  async putLoginProtect(row: LoginProtectRow): Promise<LoginProtectRow> {
    const { user_id: _key, ...changes } = row
    await this.constrained(
      () => this.x.insertInto('login_protects').values(row).onConflict((oc) => oc.column('user_id').doUpdateSet(changes)).execute(),
      { missing: () => new NotFoundError('user', row.user_id) },
    )
    return row
  }

  async addMessage(row: OutboxMessageRow): Promise<void> {
    await this.constrained(() => this.x.insertInto('outbox_messages').values(row).execute(), { missing: () => new NotFoundError('user', row.user_id) })
  }

  listMessages({ userId }: { userId?: string }): Promise<OutboxMessageRow[]> {
    let query = this.x.selectFrom('outbox_messages').selectAll()
    if (userId !== undefined) query = query.where('user_id', '=', userId)
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
  }

  async consumeMessageCode(userId: string, purpose: string, code: string, now: string): Promise<boolean> {
    const result = await this.x.updateTable('outbox_messages').set({ used_at: now })
      .where('user_id', '=', userId).where('purpose', '=', purpose).where('code', '=', code)
      .where('used_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) >= 1
  }
}
