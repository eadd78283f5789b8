/**
 * @module What SAML sign-in needs from storage: the metadata imported per identity provider and
 * protocol, and the replay cache of assertion ids.
 */
import type { SamlMetadataRow } from '../../../../db/schema.js'
import type { TracedStore } from '../../traced-store.js'

export interface SamlStore extends TracedStore<SamlStore> {
  /**
   * Inserts, or replaces the document of the same provider and protocol (a re-import keeps
   * nothing of the old one). The row goes with its protocol (foreign key, cascade); throws
   * NotFoundError when the protocol was deleted meanwhile.
   */
  putMetadata(row: SamlMetadataRow): Promise<void>
  findMetadata(idpId: string, protocolId: string): Promise<SamlMetadataRow | undefined>
  /**
   * Remembers that a token was issued for this assertion until `expiresAt` (ISO), dropping ids
   * whose time has passed (`now`). Throws SamlResponseRejectedError when the id is remembered
   * already: the primary key decides, so two instances racing with one response issue one token.
   */
  recordAssertion(idpId: string, assertionId: string, expiresAt: string, now: string): Promise<void>
}
