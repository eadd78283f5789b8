/**
 * @module What OAuth1 consumers need from storage. `find*` returns undefined when nothing
 * matches; an update or delete of no row says so in its result.
 */
import type { OauthConsumerRow } from '../../../db/schema.js'
import type { TracedStore } from '../traced-store.js'

export interface ConsumerChanges {
  description?: string | null
  extra?: string
}

export interface OauthConsumerStore extends TracedStore<OauthConsumerStore> {
  /** Throws ConflictError when a consumer has that id. */
  createConsumer(row: OauthConsumerRow): Promise<OauthConsumerRow>
  findConsumer(id: string): Promise<OauthConsumerRow | undefined>
  /** Oldest first. */
  listConsumers(): Promise<OauthConsumerRow[]>
  /** Undefined when no such consumer. */
  updateConsumer(id: string, changes: ConsumerChanges): Promise<OauthConsumerRow | undefined>
  /** False when no such consumer. */
  deleteConsumer(id: string): Promise<boolean>
}
