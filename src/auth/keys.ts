/**
 * @module The server's keys, kept in the store so that every instance sharing it seals and
 * opens the same tokens and secret keys: the token keys (`primary`, and any added by rotation)
 * and the key that seals stored secret keys. The first start draws them; instances starting
 * together settle on one set through the table's primary key.
 */
import { CREDENTIAL_KEY_ID, PRIMARY_TOKEN_KEY_ID } from '../shared/well-known-ids.js'
import { SecretBox } from './secret-box.js'
import { newTokenKeySecret, TokenCodec } from './token-codec.js'

export interface StoredKey { id: string; secret: string }

/** Where the keys live (the IAM store's `token_keys`). */
export interface KeyStore {
  listTokenKeys(): Promise<StoredKey[]>
  /** Inserts unless a key with that id exists. */
  ensureTokenKey(row: StoredKey & { created_at: string }): Promise<void>
}

export interface ServerKeys {
  tokens: TokenCodec
  secrets: SecretBox
}

/** Draws the keys a store lacks, then reads back the ones that won. */
export async function loadServerKeys(store: KeyStore, now: string): Promise<ServerKeys> {
  await store.ensureTokenKey({ id: PRIMARY_TOKEN_KEY_ID, secret: newTokenKeySecret(), created_at: now })
  const secrets = await loadSecretBox(store, now)
  const tokenKeys = (await store.listTokenKeys()).filter((k) => k.id !== CREDENTIAL_KEY_ID)
  return { tokens: new TokenCodec(tokenKeys.map((k) => ({ id: k.id, secret: Buffer.from(k.secret, 'base64') }))), secrets }
}

/** The box sealing stored secret keys, drawn first if the store has none (a state import may run before any start). */
export async function loadSecretBox(store: KeyStore, now: string): Promise<SecretBox> {
  await store.ensureTokenKey({ id: CREDENTIAL_KEY_ID, secret: newTokenKeySecret(), created_at: now })
  return secretBoxOf((await store.listTokenKeys()).find((k) => k.id === CREDENTIAL_KEY_ID)!)
}

export function secretBoxOf(key: StoredKey): SecretBox {
  return new SecretBox(Buffer.from(key.secret, 'base64'))
}
