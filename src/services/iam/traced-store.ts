/**
 * @module What every IAM capability store offers besides its operations: one transaction, and
 * the audit trace written inside it. A capability store interface extends this with itself as
 * `Store`, so the store handed to `transaction`'s work has the same operations, bound to it.
 */
import type { TraceContext, TracedChange } from '../../audit/trace.js'

export interface TracedStore<Store> {
  /**
   * Writes the trace of a change to the audit trail. Call it on the store `transaction` passes
   * in, beside the change, so both commit together or neither does.
   */
  recordChange(trace: TraceContext, change: TracedChange): Promise<void>

  /** Runs `work` in one transaction; the store passed in sees and writes only inside it. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>
}
