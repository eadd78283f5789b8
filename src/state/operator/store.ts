/**
 * @module What the operator API needs from the store. Every method runs in one transaction;
 * the ones that remove rows hold the other writers off while they run (see `lockState`).
 */
import type { DomainRow } from '../../db/schema.js'

export interface NewOperatorAccount {
  name: string
  description: string | undefined
  adminUser: string
  passwordHash: string
  /** System projects in these regions only (clouds); every region when left out. Known regions only. */
  regions: readonly string[] | undefined
  accessKey: boolean
  /** Epoch milliseconds. */
  now: number
}

export interface OperatorStore {
  /** The oldest account (ties by id): on the clouds, its administrators operate the server. */
  firstAccountId(): Promise<string | undefined>
  listAccounts(): Promise<DomainRow[]>
  findAccount(id: string): Promise<DomainRow | undefined>
  listRegionIds(): Promise<string[]>
  /** Throws ConflictError when the name is taken. */
  createAccount(input: NewOperatorAccount): Promise<{ accountId: string; userId: string; accessKey: { access: string; secret: string } | undefined }>
  /** The account and every row in it, its audit trail too; false when there is no such account. */
  deleteAccount(id: string): Promise<boolean>
  /**
   * Account `keep` back to what a new account has (see account-rows.ts), keeping `keepUsers`
   * besides its administrators; with `others`, every other account deleted. False when `keep` is gone.
   */
  resetAccounts(keep: string, options: { others: boolean; keepUsers: readonly string[] }): Promise<boolean>
}
