/**
 * @module What every IAM capability service that changes callers' rights is given.
 */
import type { Clock } from '../../shared/clock.js'

export interface IamServiceOptions {
  clock: Clock
  /** Called after every change that can alter what a live token may do (tokens/service.ts keeps the cache). */
  invalidateAuthCache(): void
}
