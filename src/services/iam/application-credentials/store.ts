/**
 * @module What application credentials and access rules need from storage. `find*` returns
 * undefined when nothing matches; a delete that matches no row says so in its result. Refusals
 * are thrown, as each method says: `ConflictError` for a name the user already uses,
 * `NotFoundError` when the user, project or a role went meanwhile, `AccessRuleInUseError` for a
 * rule a credential still uses.
 */
import type { AccessRuleRow, ApplicationCredentialRow, RoleRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

/** A credential with the roles it delegates and the access rules it is limited to. */
export interface ApplicationCredentialRecord {
  readonly credential: ApplicationCredentialRow
  /** By name. */
  readonly roles: readonly RoleRow[]
  /** In the order the credential was given them. */
  readonly accessRules: readonly AccessRuleRow[]
}

/**
 * An access rule as a create names it: an existing rule of the user by `id`, or its content,
 * which reuses the user's equal rule or makes one (with `id` when given, else `newId`).
 */
export interface AccessRuleRequest {
  readonly id?: string | undefined
  readonly service?: string | undefined
  readonly path?: string | undefined
  readonly method?: string | undefined
  readonly newId: string
}

export interface AccessRuleFilter {
  readonly service?: string | undefined
  readonly path?: string | undefined
  readonly method?: string | undefined
}

export interface ApplicationCredentialStore extends TracedStore<ApplicationCredentialStore> {
  /**
   * The credential with its roles and access rules, in one transaction. Throws ConflictError
   * when the user has a credential of that name (the unique index decides, races included),
   * NotFoundError when the user, the project or a role was deleted meanwhile or an access rule
   * named by id alone is not the user's, ConflictError when a new rule's id is taken.
   */
  createApplicationCredential(row: ApplicationCredentialRow, roleIds: readonly string[], rules: readonly AccessRuleRequest[]): Promise<ApplicationCredentialRecord>
  findApplicationCredential(id: string): Promise<ApplicationCredentialRecord | undefined>
  /** Oldest first (ties by id). */
  listApplicationCredentials(userId: string, name?: string): Promise<ApplicationCredentialRecord[]>
  /** Its role and access-rule links go with it; the rules stay. False when none matched. */
  deleteApplicationCredential(id: string): Promise<boolean>
  findAccessRule(id: string): Promise<AccessRuleRow | undefined>
  /** Oldest first (ties by id). */
  listAccessRules(userId: string, filter: AccessRuleFilter): Promise<AccessRuleRow[]>
  /** False when none matched; throws AccessRuleInUseError while a credential uses it. */
  deleteAccessRule(id: string): Promise<boolean>
}
