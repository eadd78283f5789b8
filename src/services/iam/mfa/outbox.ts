/**
 * @module The outbox: codes the clouds would send by SMS or e-mail (spec §10) are delivered
 * nowhere; each is kept, with where it would have gone, for the server's operator to read
 * (`GET /_projectplane/outbox`), so a test can finish the flow. Six digits, five minutes, used once.
 */
import { randomInt } from 'node:crypto'
import type { OutboxMessageRow, UserRow } from '../../../db/schema.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { newHexId } from '../../../shared/ids.js'
import type { MfaStore } from './store.js'

export const OUTBOX_CODE_SECONDS = 300
export type OutboxChannel = 'sms' | 'email'

export interface OutboxServiceOptions {
  store: Pick<MfaStore, 'addMessage' | 'listMessages' | 'consumeMessageCode'>
  clock: Clock
}

/** Where a message would go, with the person's address or number. */
export function destinationOf(user: Pick<UserRow, 'email' | 'areacode' | 'phone'>, channel: OutboxChannel): string | undefined {
  if (channel === 'email') return user.email ?? undefined
  return user.phone ? `${user.areacode ?? ''}${user.phone}` : undefined
}

export class OutboxService {
  constructor(private readonly deps: OutboxServiceOptions) {}

  /** Writes a new code for `purpose` to the user's outbox. */
  async issue(user: UserRow, channel: OutboxChannel, destination: string, purpose: string): Promise<OutboxMessageRow> {
    const now = this.deps.clock.now()
    const row: OutboxMessageRow = {
      id: newHexId(), user_id: user.id, domain_id: user.domain_id, channel, destination, purpose,
      code: String(randomInt(0, 1_000_000)).padStart(6, '0'), created_at: isoMicros(now), expires_at: isoMicros(now + OUTBOX_CODE_SECONDS * 1000), used_at: null,
    }
    await this.deps.store.addMessage(row)
    return row
  }

  /** True once for an unexpired code of that purpose, false ever after. */
  consume(userId: string, purpose: string, code: string): Promise<boolean> {
    return this.deps.store.consumeMessageCode(userId, purpose, code, isoMicros(this.deps.clock.now()))
  }

  /** Newest first. */
  list(userId?: string): Promise<OutboxMessageRow[]> {
    return this.deps.store.listMessages(userId === undefined ? {} : { userId })
  }
}
