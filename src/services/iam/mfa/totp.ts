/**
 * @module Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) with the clouds'
 * parameters — HMAC-SHA1, 6 digits, 30-second steps, UTC — and the seed's base32 form
 * (RFC 4648, upper case, no padding) that authenticator apps read from an `otpauth://` URI.
 * `node:crypto` only: no dependency holds anything this needs.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
/** Steps either side of now a code may come from (spec §6.0: t-1, t, t+1), for a phone clock off by up to 30 s. */
export const TOTP_WINDOW_STEPS = 1
/** 160 bits, RFC 4226's recommended length, which is 32 base32 characters. */
const SEED_BYTES = 20

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Encode(bytes: Buffer): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

/** Undefined for anything but base32 (case and padding forgiven, as apps forgive them). */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.toUpperCase().replace(/=+$/, '')
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const ch of clean) {
    const index = BASE32.indexOf(ch)
    if (index < 0) return undefined
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512'

/** RFC 4226 §5.3: dynamic truncation of the HMAC of the 8-byte big-endian counter. */
export function hotp(key: Buffer, counter: number, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = 'sha1'): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac(algorithm, key).update(message).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits
  return String(binary).padStart(digits, '0')
}

/** The step a moment falls in (RFC 6238's T, with T0 = 0). */
export function totpStep(epochMs: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(epochMs / 1000 / period)
}

export function totp(key: Buffer, epochMs: number, options: { digits?: number; algorithm?: TotpAlgorithm; period?: number } = {}): string {
  return hotp(key, totpStep(epochMs, options.period), options.digits, options.algorithm)
}

/**
 * The step within the window around `now` whose code is `code`, if any. Every step is compared in
 * constant time and all of them are tried, so the answer's timing says nothing about which matched.
 */
export function matchingStep(key: Buffer, code: string, now: number, window = TOTP_WINDOW_STEPS): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined
  const current = totpStep(now)
  let found: number | undefined
  for (let step = current - window; step <= current + window; step++) {
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code)) && found === undefined) found = step
  }
  return found
}

/** A new seed in the form the clouds show it once. */
export function newSeed(): string {
  return base32Encode(randomBytes(SEED_BYTES))
}

/** What an authenticator app scans (the form terraform-provider-huaweicloud builds, spec §6.0). */
export function otpauthUri(seed: string, domainName: string, userName: string): string {
  const label = encodeURIComponent(`huawei:${domainName}@${userName}`).replace(/%3A/g, ':').replace(/%40/g, '@')
  const params = new URLSearchParams({ secret: seed, issuer: 'huawei', algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_PERIOD_SECONDS) })
  return `otpauth://totp/${label}?${params.toString()}`
}
