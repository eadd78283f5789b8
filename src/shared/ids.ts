/**
 * @module Random ids. Keystone's ids (users, groups, projects, roles, …) are 32 lower-case hex
 * characters; other services spell theirs differently and say so where they draw one.
 */
import { randomBytes } from 'node:crypto'

/** `bytes` random bytes as lower-case hex: 16 (the default) gives Keystone's 32-character ids. */
export function newHexId(bytes = 16): string {
  return randomBytes(bytes).toString('hex')
}
