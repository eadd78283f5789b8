/**
 * @module The password rules applied wherever a password is set: length and character kinds as
 * configured, and never the user's own name (forwards or backwards), as the clouds refuse.
 */
import type { PasswordPolicy } from '../config.js'

const CLASSES: readonly RegExp[] = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/]
/** argon2 hashes anything, but a megabyte password is an attack, not a password. */
export const PASSWORD_MAX_LENGTH = 128

/** Why the password breaks the policy, in words a user can act on; undefined when it is fine. */
export function passwordProblem(password: string, policy: PasswordPolicy, userName?: string): string | undefined {
  if (password.length < policy.minLength) return `The password must be at least ${policy.minLength} characters long.`
  if (password.length > PASSWORD_MAX_LENGTH) return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`
  const classes = CLASSES.filter((c) => c.test(password)).length
  if (classes < policy.minCharacterClasses) {
    return `The password must contain at least ${policy.minCharacterClasses} of: lowercase letters, uppercase letters, digits and special characters.`
  }
  if (userName && (password === userName || password === [...userName].reverse().join(''))) {
    return 'The password cannot be the user name or the user name spelled backwards.'
  }
  return undefined
}
