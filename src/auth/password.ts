/**
 * @module Password hashing with argon2id (m=19456 KiB, t=2, p=1: OWASP's baseline), computed off
 * the event loop. A miss on an unknown user still costs one verification, so response time does
 * not reveal which user names exist.
 */
import { hash, verify, Algorithm } from '@node-rs/argon2'

const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const
let dummyHash: Promise<string> | undefined

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

/**
 * For a password generated here from 120 random bits (`generatePassword`): argon2id at its
 * lightest (1 MiB, one pass, ~1 ms instead of ~28). A slow hash protects guessable passwords;
 * no cost setting changes how long a 2^120 search takes. The parameters travel in the hash, so
 * `verifyPassword`, exports and imports treat it as any other.
 */
export function hashGeneratedPassword(password: string): Promise<string> {
  return hash(password, { ...OPTIONS, memoryCost: 1024, timeCost: 1 })
}

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword('projectplane-timing-equaliser')
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  return verify(passwordHash, password).catch(() => false)
}
