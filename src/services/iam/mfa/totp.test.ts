/** RFC 6238 Appendix B's test vectors and RFC 4648's base32 examples, against totp.ts. */
import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, hotp, matchingStep, otpauthUri, totp, totpStep } from './totp.js'

// Appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's key length.
const SEED_SHA1 = Buffer.from('12345678901234567890')
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012')
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234')
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
]

describe('TOTP (RFC 6238)', () => {
  for (const [seconds, sha1, sha256, sha512] of VECTORS) {
    it(`Appendix B at T=${seconds}s`, () => {
      expect(totp(SEED_SHA1, seconds * 1000, { digits: 8 })).toBe(sha1)
      expect(totp(SEED_SHA256, seconds * 1000, { digits: 8, algorithm: 'sha256' })).toBe(sha256)
      expect(totp(SEED_SHA512, seconds * 1000, { digits: 8, algorithm: 'sha512' })).toBe(sha512)
      // The clouds' 6 digits are the last six of the same truncation.
      expect(totp(SEED_SHA1, seconds * 1000)).toBe(sha1.slice(2))
    })
  }

  it('RFC 4226 Appendix D: HOTP of counters 0..9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
    expect(expected.map((_, i) => hotp(SEED_SHA1, i))).toEqual(expected)
  })

  it('accepts a code of the step before, now or after, and nothing further or malformed', () => {
    const now = 1_234_567_890_000
    const step = totpStep(now)
    for (const delta of [-1, 0, 1]) expect(matchingStep(SEED_SHA1, hotp(SEED_SHA1, step + delta), now)).toBe(step + delta)
    for (const delta of [-2, 2]) expect(matchingStep(SEED_SHA1, hotp(SEED_SHA1, step + delta), now)).toBeUndefined()
    expect(matchingStep(SEED_SHA1, '12345', now)).toBeUndefined()
    expect(matchingStep(SEED_SHA1, 'abcdef', now)).toBeUndefined()
  })
})

describe('base32 (RFC 4648 §10)', () => {
  const examples: [string, string][] = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']]
  it('encodes without padding and decodes back, padding and case forgiven', () => {
    for (const [plain, encoded] of examples) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded)
      expect(base32Decode(encoded)!.toString()).toBe(plain)
      expect(base32Decode(`${encoded.toLowerCase()}===`)!.toString()).toBe(plain)
    }
    expect(base32Decode('MZ1W')).toBeUndefined()
  })

  it('builds the otpauth URI an authenticator app reads', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'acme', 'alice')).toBe('otpauth://totp/huawei:acme@alice?secret=JBSWY3DPEHPK3PXP&issuer=huawei&algorithm=SHA1&digits=6&period=30')
  })
})
