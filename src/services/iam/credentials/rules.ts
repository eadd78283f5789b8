/**
 * @module Access-key limits, the same for keys made through the API and keys a state document holds.
 */

/** A user holds at most two permanent access keys, as on the clouds: the slots they take. */
export const PERMANENT_KEY_SLOTS = [1, 2] as const
export const MAX_ACCESS_KEYS_PER_USER = PERMANENT_KEY_SLOTS.length
