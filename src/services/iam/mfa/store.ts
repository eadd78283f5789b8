/**
 * @module What virtual MFA, login protection and the outbox need from storage. Every row is a
 * user's and goes with the user. Races are settled by the database: one device per user (its
 * key), binding and unbinding by conditional updates on the device's state, and each TOTP step
 * accepted once by moving `last_used_step` forward in one conditional update.
 */
import type { LoginProtectRow, MfaDeviceRow, OutboxMessageRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

export interface MfaStore extends TracedStore<MfaStore> {
  /** Throws ConflictError when the user has a device already, NotFoundError when the user was deleted meanwhile. */
  createDevice(row: MfaDeviceRow): Promise<MfaDeviceRow>
  findDevice(userId: string): Promise<MfaDeviceRow | undefined>
  /** The account's devices, bound or not, by user id. */
  listDevices(domainId: string): Promise<MfaDeviceRow[]>
  /**
   * Binds the unbound device with that serial number, taking `step` as used; false when the
   * device is gone, bound meanwhile or has another serial number.
   */
  bindDevice(userId: string, serialNumber: string, step: number, now: string): Promise<boolean>
  /** Back to unbound (the seed stays); `step`, when given, is taken as used in the same update. False when not bound. */
  unbindDevice(userId: string, serialNumber: string, step?: number): Promise<boolean>
  /** False when the user had no device with that serial number. */
  deleteDevice(userId: string, serialNumber: string): Promise<boolean>
  /**
   * Takes TOTP step `step` of the user's bound device as used: true only when it is later than
   * every step accepted before, so a code (and any older one) works once.
   */
  consumeStep(userId: string, step: number): Promise<boolean>

  findLoginProtect(userId: string): Promise<LoginProtectRow | undefined>
  listLoginProtects(domainId: string): Promise<LoginProtectRow[]>
  /** Inserts or replaces the user's record. Throws NotFoundError when the user was deleted meanwhile. */
  putLoginProtect(row: LoginProtectRow): Promise<LoginProtectRow>

  /** Throws NotFoundError when the user was deleted meanwhile. */
  addMessage(row: OutboxMessageRow): Promise<void>
  /** Newest first; of one user, or of every user of the server. */
  listMessages(filter: { userId?: string }): Promise<OutboxMessageRow[]>
  /** Marks the user's unused, unexpired `purpose` code `code` used; false when there is none. */
  consumeMessageCode(userId: string, purpose: string, code: string, now: string): Promise<boolean>
}
