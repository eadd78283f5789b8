/**
 * @module Two small rules of the token payload the token service applies to every kind of token:
 * when a token may start after a cut-off, and the order Keystone lists a token's methods in.
 */
/**
 * A token issued in the same millisecond as a cut-off (password change, disable) would count as
 * cut. This login read the user after the cut, so its token may safely start just after it.
 */
export function issuedAfterCut(now: number, tokensValidAfter: string): number {
  return tokensValidAfter === '' ? now : Math.max(now, Date.parse(tokensValidAfter) + 1)
}

/**
 * Keystone's Fernet tokens store methods as bits of `[auth] methods` (external, password, token,
 * oauth1, mapped, application_credential) and list them highest bit first.
 */
const KEYSTONE_METHOD_BITS = ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential']
export function keystoneMethodRank(method: string): number {
  return -KEYSTONE_METHOD_BITS.indexOf(method)
}

