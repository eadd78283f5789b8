/**
 * @module Reset: every state row deleted in one transaction.
 */
import type { Db } from '../db/database.js'

export async function resetState(_db: Db): Promise<void> {
  throw new Error('not yet')
}
