/**
 * @module What every IAM capability service that changes callers' rights is given.
 */
import type { Clock } from '../../shared/clock.js'
import type { IamLimit } from '../../flavours.js'

export interface IamServiceOptions {
  clock: Clock
  /** Called after every change that can alter what a live token may do (tokens/service.ts keeps the cache). */
  invalidateAuthCache(): void
  /** The quota a create of this type is held to (quotas/rules.ts); undefined where the flavour has none. */
  quota?(type: IamLimit): number | undefined
}
