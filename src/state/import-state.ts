/**
 * @module Import of a state document: validated whole first, then written in one transaction.
 */
import type { Db } from '../db/database.js'
import type { FlavourName } from '../flavours.js'
import type { PasswordPolicy } from '../config.js'

export interface ImportOptions {
  flavour: FlavourName
  /** Delete the current state first, in the same transaction. Without it a store holding accounts is refused. */
  replace?: boolean
  /** Epoch milliseconds for every time the document leaves out; `Date.now()` otherwise. */
  now?: number
  /** Rules for plain passwords; the flavour's defaults when left out. */
  passwordPolicy?: PasswordPolicy
}

/** Rows written, per kind (including what every new account gets without the document naming it). */
export interface ImportSummary {
  regions: number
  accounts: number
  users: number
  groups: number
  memberships: number
  custom_policies: number
  projects: number
  enterprise_projects: number
  resources: number
  grants: number
  access_keys: number
  favourites: number
}

/** The store already holds accounts and `replace` was not asked for. */
export class StateNotEmptyError extends Error {}

export async function importState(_db: Db, _input: unknown, _options: ImportOptions): Promise<ImportSummary> {
  throw new Error('not yet')
}
