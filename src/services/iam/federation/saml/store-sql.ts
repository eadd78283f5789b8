/**
 * @module `SamlStore` over Kysely, for every SQL dialect `db/` opens.
 */
import type { Transaction } from 'kysely'
import type { Database, SamlMetadataRow } from '../../../../db/schema.js'
import { NotFoundError } from '../../../../errors/app-error.js'
import { IamSqlStore } from '../../iam-sql-store.js'
import { SamlResponseRejectedError } from './response.js'
import type { SamlStore } from './store.js'

export class SqlSamlStore extends IamSqlStore<SamlStore> implements SamlStore {
  protected bound(trx: Transaction<Database>): SqlSamlStore {
    return new SqlSamlStore({ db: this.db, x: trx })
  }

  async putMetadata(row: SamlMetadataRow): Promise<void> {
    const { idp_id: _idp, protocol_id: _protocol, ...replaced } = row
    await this.constrained(
      () => this.write((x) => x.insertInto('saml_metadata').values(row)
        .onConflict((oc) => oc.columns(['idp_id', 'protocol_id']).doUpdateSet(replaced)).execute()),
      { missing: () => new NotFoundError('federated protocol', row.protocol_id, `Could not find federated protocol ${row.protocol_id} for Identity Provider: ${row.idp_id}.`) },
    )
  }

  findMetadata(idpId: string, protocolId: string): Promise<SamlMetadataRow | undefined> {
    return this.x.selectFrom('saml_metadata').selectAll().where('idp_id', '=', idpId).where('protocol_id', '=', protocolId).executeTakeFirst()
  }

  async recordAssertion(idpId: string, assertionId: string, expiresAt: string, now: string): Promise<void> {
    await this.write((x) => x.deleteFrom('saml_assertions').where('expires_at', '<', now).execute())
    await this.constrained(
      () => this.write((x) => x.insertInto('saml_assertions').values({ idp_id: idpId, assertion_id: assertionId, expires_at: expiresAt }).execute()),
      { unique: () => new SamlResponseRejectedError(`the assertion ${assertionId} was used already`) },
    )
  }
}
