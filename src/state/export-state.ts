/**
 * @module Export of the whole state as one document, read in one transaction.
 */
import type { Db } from '../db/database.js'
import type { FlavourName } from '../flavours.js'
import type { StateDocument } from './state-document.js'

export async function exportState(_db: Db, _options: { flavour: FlavourName }): Promise<StateDocument> {
  throw new Error('not yet')
}
