/**
 * @module Every IAM capability store together, for work that spans capabilities in one
 * transaction: the first start (an account with its projects, administrator, group and grants),
 * the `projectplane` command's account set-up, and the state import. Services use their own
 * capability's store and, for reads, narrow views of others' passed in by `build-iam.ts`.
 */
import type { AgencyStore } from './agencies/store.js'
import type { CatalogStore } from './catalog/store.js'
import type { ApplicationCredentialStore } from './application-credentials/store.js'
import type { CredentialStore } from './credentials/store.js'
import type { IdentityStore } from './identity/store.js'
import type { ProjectStore } from './projects/store.js'
import type { RoleStore } from './roles/store.js'
import type { TokenStore } from './tokens/store.js'

export interface IamStores {
  readonly tokens: TokenStore
  readonly projects: ProjectStore
  readonly identity: IdentityStore
  readonly roles: RoleStore
  readonly credentials: CredentialStore
  readonly agencies: AgencyStore
  readonly catalog: CatalogStore
  readonly applicationCredentials: ApplicationCredentialStore
  /** Runs `work` in one transaction; every store passed in sees and writes only inside it. */
  transaction<T>(work: (stores: IamStores) => Promise<T>): Promise<T>
}
