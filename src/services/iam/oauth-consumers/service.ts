/**
 * @module OS-OAUTH1 consumers (keystone flavour): what an OAuth1 client registers before it
 * asks for request tokens. Keystone's rules: the id and the secret are made by the server
 * (whatever the body says), the secret is shown once, at creation, and never changes (a PATCH
 * naming it is refused); other attributes are kept as given. The secret is kept sealed. Request
 * and access tokens are not served (see docs/decisions.md).
 */
import type { OauthConsumerRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { SecretBox } from '../../../auth/secret-box.js'
import { NotFoundError, ValidationError } from '../../../errors/app-error.js'
import { newHexId } from '../../../shared/ids.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { creationOf, deletionOf, iamTrace, updateOf } from '../../../audit/trace.js'
import { extrasOf, mergedExtra, normalizedKeys } from '../keystone-attributes.js'
import type { ConsumerChanges, OauthConsumerStore } from './store.js'
import type { ConsumerCreateBody, ConsumerUpdateBody } from './schemas.js'

/** The consumer's columns; every other attribute is kept in `extra`. */
const CONSUMER_COLUMNS = new Set(['id', 'description', 'secret'])

/** Keystone's driver raises a bare NotFound with this text, not `Could not find consumer: <id>.` */
const consumerNotFound = (id: string) => new NotFoundError('consumer', id, 'Consumer not found')

/** Consumers belong to no domain; their traces go to the caller's account. */
const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id

/** Traces name a consumer by its id (it has no name); `secret` is never traced. */
const named = (row: OauthConsumerRow) => ({ ...row, name: row.id })

export interface OauthConsumerServiceOptions {
  store: OauthConsumerStore
  box: SecretBox
  clock: Clock
}

export interface CreatedConsumer { readonly row: OauthConsumerRow; readonly secret: string }

export class OauthConsumerService {
  constructor(private readonly deps: OauthConsumerServiceOptions) {}

  async createConsumer(ctx: AuthContext, body: ConsumerCreateBody): Promise<CreatedConsumer> {
    const input = normalizedKeys(body.consumer ?? {})
    const secret = newHexId()
    const now = isoMicros(this.deps.clock.now())
    const row: OauthConsumerRow = {
      id: newHexId(), description: (input.description as string | null | undefined) ?? null, secret: this.deps.box.seal(secret),
      extra: JSON.stringify(extrasOf(input, CONSUMER_COLUMNS)), created_at: now,
    }
    const created = await this.deps.store.transaction(async (tx) => {
      const stored = await tx.createConsumer(row)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'createConsumer', now), creationOf('consumer', named(stored)))
      return stored
    })
    return { row: created, secret }
  }

  async getConsumer(id: string): Promise<OauthConsumerRow> {
    const row = await this.deps.store.findConsumer(id)
    if (!row) throw consumerNotFound(id)
    return row
  }

  listConsumers(): Promise<OauthConsumerRow[]> {
    return this.deps.store.listConsumers()
  }

  /** Keystone's order: the body (secret, then id), then the consumer's existence. */
  async updateConsumer(ctx: AuthContext, id: string, body: ConsumerUpdateBody): Promise<OauthConsumerRow> {
    if ('secret' in body.consumer) {
      throw new ValidationError(`Invalid input for field 'consumer': ${JSON.stringify(body.consumer)} should not be valid under {'required': ['secret']}`)
    }
    const input = normalizedKeys(body.consumer)
    if (input.id != null && input.id !== id) throw new ValidationError('Cannot change ID')
    const now = isoMicros(this.deps.clock.now())
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.findConsumer(id)
      if (!before) throw consumerNotFound(id)
      const changes: ConsumerChanges = {}
      if ('description' in input) changes.description = (input.description as string | null | undefined) ?? null
      if (Object.keys(extrasOf(input, CONSUMER_COLUMNS)).length > 0) changes.extra = mergedExtra(before.extra, input, CONSUMER_COLUMNS)
      if (Object.keys(changes).length === 0) return before
      const after = await tx.updateConsumer(id, changes)
      if (!after) throw consumerNotFound(id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'updateConsumer', now), updateOf('consumer', named(before), named(after)))
      return after
    })
  }

  async deleteConsumer(ctx: AuthContext, id: string): Promise<void> {
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findConsumer(id)
      if (!before || !(await tx.deleteConsumer(id))) throw consumerNotFound(id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deleteConsumer', now), deletionOf('consumer', named(before)))
    })
  }
}
