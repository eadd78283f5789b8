/**
 * @module `IamStores` over one SQL database: each capability's SQL store, all bound to the same
 * executor, so a transaction opened here is one transaction for all of them.
 */
import type { Db } from '../../db/database.js'
import type { Executor } from '../sql-store.js'
import { SqlAgencyStore } from './agencies/store-sql.js'
import { SqlCatalogStore } from './catalog/store-sql.js'
import { SqlApplicationCredentialStore } from './application-credentials/store-sql.js'
import { SqlCredentialStore } from './credentials/store-sql.js'
import { SqlIdentityStore } from './identity/store-sql.js'
import { projectsTransaction, SqlProjectStore } from './projects/store-sql.js'
import { SqlRoleStore } from './roles/store-sql.js'
import { SqlTokenStore } from './tokens/store-sql.js'
import type { IamStores } from './iam-stores.js'

export interface SqlIamStoresOptions {
  db: Db
  /** The transaction to work in; the database (each write its own commit) when left out. */
  x?: Executor
  /** Inside a transaction: the projects written in it, which leave the project cache when it ends. */
  touchedProjects?: Set<string>
}

export class SqlIamStores implements IamStores {
  readonly tokens: SqlTokenStore
  readonly projects: SqlProjectStore
  readonly identity: SqlIdentityStore
  readonly roles: SqlRoleStore
  readonly credentials: SqlCredentialStore
  readonly agencies: SqlAgencyStore
  readonly catalog: SqlCatalogStore
  readonly applicationCredentials: SqlApplicationCredentialStore
  private readonly db: Db
  private readonly inTransaction: boolean

  constructor({ db, x = db.kysely, touchedProjects }: SqlIamStoresOptions) {
    this.db = db
    this.inTransaction = x !== db.kysely
    this.tokens = new SqlTokenStore({ db, x })
    this.projects = new SqlProjectStore({ db, x, touched: touchedProjects })
    this.identity = new SqlIdentityStore({ db, x })
    this.roles = new SqlRoleStore({ db, x })
    this.credentials = new SqlCredentialStore({ db, x })
    this.agencies = new SqlAgencyStore({ db, x })
    this.catalog = new SqlCatalogStore({ db, x })
    this.applicationCredentials = new SqlApplicationCredentialStore({ db, x })
  }

  transaction<T>(work: (stores: IamStores) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this)
    return projectsTransaction(this.db, (trx, touchedProjects) => work(new SqlIamStores({ db: this.db, x: trx, touchedProjects })))
  }
}
