/**
 * @module Server-side verification of the AK/SK request signatures made by Huawei Cloud SDKs:
 * `SDK-HMAC-SHA256` and the derived-key `V11-HMAC-SHA256`. The signer works from the SDK's own
 * request object, but the server only has the bytes on the wire, so the canonical URI and query
 * are rebuilt from the undecoded request-target by the rules in `shared/spec/aksk-and-sdk.md`
 * §2.5, which reproduce the Node SDK's output for every path and query it can send.
 *
 * This module answers only "did the holder of this secret key sign this request, recently?".
 * Looking up the AK, matching `X-Security-Token` to it, and the scope headers are the caller's.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { byCodeUnit } from '../shared/compare.js'

/** What the verifier needs from an HTTP request, exactly as received. */
export interface SignedRequest {
  method: string
  /** Request-target before the first '?', NOT decoded. */
  rawPath: string
  /** After the first '?', NOT decoded; '' when none. */
  rawQuery: string
  /** Node's IncomingMessage.headers: lower-cased names; duplicates already joined by Node. */
  headers: Readonly<Record<string, string | string[] | undefined>>
  /** Raw body bytes (empty Buffer when none) — GET bodies too: SDK discovery calls send `{}`. */
  body: Buffer
}

export type SdkAuthorization =
  | {
      algorithm: 'SDK-HMAC-SHA256'
      accessKey: string
      signedHeaders: readonly string[]
      signedHeadersRaw: string
      signature: string
    }
  | {
      algorithm: 'V11-HMAC-SHA256'
      accessKey: string
      date: string
      region: string
      service: string
      signedHeaders: readonly string[]
      signedHeadersRaw: string
      signature: string
    }

export type SignatureFailure =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'date_missing'
  | 'date_skew'
  | 'host_not_signed'
  | 'signature_mismatch'

export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000

const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

// Fixed parameter order and `,\s*` separators: the SDK emits exactly this shape, and Huawei's own
// verifiers are no more lenient about order.
const SDK_AUTH_RE =
  /^SDK-HMAC-SHA256[ \t]+Access=([^,\s]+),[ \t]*SignedHeaders=([^,\s]+),[ \t]*Signature=([^,\s]*)$/
const V11_AUTH_RE =
  /^V11-HMAC-SHA256[ \t]+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+),[ \t]*SignedHeaders=([^,\s]+),[ \t]*Signature=([^,\s]*)$/
// SM3 variants exist in the Go/Java/Python SDKs; anything in these families is a signature we
// recognise but cannot check, which deserves a different answer from "no signature at all".
const SDK_FAMILY_RE = /^(?:SDK|V11)-HMAC-[A-Za-z0-9-]+(?:[ \t]|$)/
const SIGNATURE_RE = /^[0-9a-fA-F]{64}$/
// RFC 9110 token, lower case: the SDK lower-cases names, and Node hands us lower-cased keys.
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9a-z-]+$/
const SDK_DATE_RE = /^\d{8}T\d{6}Z$/

export function parseSdkAuthorization(
  header: string | undefined,
): SdkAuthorization | { error: 'unsupported_algorithm' | 'malformed' } | undefined {
  if (typeof header !== 'string') return undefined
  if (header.startsWith('SDK-HMAC-SHA256')) {
    const m = SDK_AUTH_RE.exec(header)
    if (!m) return { error: 'malformed' }
    const signedHeaders = parseSignedHeaders(m[2]!)
    if (!signedHeaders || !SIGNATURE_RE.test(m[3]!)) return { error: 'malformed' }
    return { algorithm: 'SDK-HMAC-SHA256', accessKey: m[1]!, signedHeaders, signedHeadersRaw: m[2]!, signature: m[3]! }
  }
  if (header.startsWith('V11-HMAC-SHA256')) {
    const m = V11_AUTH_RE.exec(header)
    if (!m) return { error: 'malformed' }
    const signedHeaders = parseSignedHeaders(m[5]!)
    if (!signedHeaders || !SIGNATURE_RE.test(m[6]!)) return { error: 'malformed' }
    return {
      algorithm: 'V11-HMAC-SHA256',
      accessKey: m[1]!,
      date: m[2]!,
      region: m[3]!,
      service: m[4]!,
      signedHeaders,
      signedHeadersRaw: m[5]!,
      signature: m[6]!,
    }
  }
  return SDK_FAMILY_RE.test(header) ? { error: 'unsupported_algorithm' } : undefined
}

/** Names as listed; undefined for an empty or repeated name, which no SDK produces. */
function parseSignedHeaders(raw: string): string[] | undefined {
  const names = raw.toLowerCase().split(';')
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    if (!HEADER_NAME_RE.test(name) || names.indexOf(name) !== i) return undefined
  }
  return names
}

// ---------------------------------------------------------------------------------------------
// Percent-encoding tables

const HEX_UPPER = '0123456789ABCDEF'
/** `%XX` for every byte, upper-case hex as the SDK writes it. */
const PCT: readonly string[] = Array.from({ length: 256 }, (_, b) => '%' + HEX_UPPER[b >> 4]! + HEX_UPPER[b & 15]!)
/** Hex digit value per ASCII code, -1 for non-digits. */
const HEX_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i
for (let i = 0; i < 6; i++) HEX_VALUE[65 + i] = HEX_VALUE[97 + i] = 10 + i

const isUnreserved = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95 || c === 126

/** RFC 3986 encoding of one ASCII code: unreserved kept, everything else `%XX`. */
const QUERY_ASCII: readonly string[] = Array.from({ length: 128 }, (_, c) =>
  isUnreserved(c) ? String.fromCharCode(c) : PCT[c]!,
)

// Characters Node's legacy url.parse escapes in the SDK before the SDK's own encoder escapes the
// `%` again, so these end up double-encoded (`{` -> `%257B`). On the wire, axios sent them either
// raw or single-encoded; both forms must land on the same double-encoded text.
const LEGACY_AUTO_ESCAPED = ' "\'<>^`{|}\t\r\n'
const PATH_ASCII: readonly string[] = Array.from({ length: 128 }, (_, c) => {
  if (c === 47 /* / */) return '/'
  if (LEGACY_AUTO_ESCAPED.includes(String.fromCharCode(c))) return '%25' + PCT[c]!.slice(1)
  return QUERY_ASCII[c]!
})

/** Appends the UTF-8 `%XX` form of the non-ASCII code unit(s) at `s[i]`; returns units consumed. */
function encodeNonAscii(s: string, i: number, c: number): [string, number] {
  if (c < 0x800) return [PCT[0xc0 | (c >> 6)]! + PCT[0x80 | (c & 63)]!, 1]
  if (c >= 0xd800 && c <= 0xdfff) {
    const next = s.charCodeAt(i + 1)
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
      return [PCT[0xf0 | (cp >> 18)]! + PCT[0x80 | ((cp >> 12) & 63)]! + PCT[0x80 | ((cp >> 6) & 63)]! + PCT[0x80 | (cp & 63)]!, 2]
    }
    // A lone surrogate: the SDK's encoder would throw, so nothing valid is lost; U+FFFD is what
    // Buffer and TextEncoder produce for it.
    return ['%EF%BF%BD', 1]
  }
  return [PCT[0xe0 | (c >> 12)]! + PCT[0x80 | ((c >> 6) & 63)]! + PCT[0x80 | (c & 63)]!, 1]
}

function encodeRfc3986(s: string): string {
  let out = ''
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 128) {
      if (isUnreserved(c)) continue
      out += s.slice(start, i) + QUERY_ASCII[c]!
    } else {
      const [enc, used] = encodeNonAscii(s, i, c)
      out += s.slice(start, i) + enc
      i += used - 1
    }
    start = i + 1
  }
  return start === 0 ? s : out + s.slice(start)
}

/**
 * The canonical URI of a raw wire path (spec §2.5, server side). `%XX` escapes of bytes >= 0x80
 * are UTF-8 that axios encoded and the SDK would have encoded identically, so they are copied
 * (upper-cased) rather than decoded and re-encoded; that is the same result for valid UTF-8 and
 * never throws on invalid UTF-8, which no SDK sends. ASCII escapes stay escaped, so their `%`
 * is encoded again, as the SDK does with a caller's literal `%2F`.
 */
export function canonicalUri(rawPath: string): string {
  let out = ''
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i)
    if (c === 37 /* % */) {
      const hi = hexAt(rawPath, i + 1)
      const lo = hexAt(rawPath, i + 2)
      if (hi >= 8 && lo >= 0) {
        out += PCT[(hi << 4) | lo]!
        i += 2
      } else out += '%25'
    } else if (c < 128) out += PATH_ASCII[c]!
    else {
      const [enc, used] = encodeNonAscii(rawPath, i, c)
      out += enc
      i += used - 1
    }
  }
  return out.endsWith('/') ? out : out + '/'
}

function hexAt(s: string, i: number): number {
  const c = s.charCodeAt(i) // NaN past the end, which indexes to undefined
  return c < 128 ? HEX_VALUE[c]! : -1
}

/**
 * `application/x-www-form-urlencoded`-style decoding that never throws: a `%` not followed by two
 * hex digits is kept literally (as Node's querystring does), invalid UTF-8 becomes U+FFFD.
 */
function decodeQueryComponent(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s
  const src = Buffer.from(s, 'utf8') // '%', '+' and hex digits are ASCII, so bytewise is exact
  const out = Buffer.allocUnsafe(src.length)
  let n = 0
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!
    if (b === 37 && i + 2 < src.length) {
      const hi = src[i + 1]! < 128 ? HEX_VALUE[src[i + 1]!]! : -1
      const lo = src[i + 2]! < 128 ? HEX_VALUE[src[i + 2]!]! : -1
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo
        i += 2
        continue
      }
    }
    out[n++] = b === 43 /* + */ ? 32 : b
  }
  return out.toString('utf8', 0, n)
}

/**
 * The canonical query string of a raw wire query (spec §2.5). The SDK signs its `queryParams`
 * object, sorted by decoded key in UTF-16 code-unit order with each array's values sorted; the
 * wire order (insertion order) and wire encoding (`querystring.stringify`) carry no meaning.
 * `+` is read as a space: the SDK always sends a literal plus as `%2B`.
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return ''
  const byKey = new Map<string, string[]>()
  for (const item of rawQuery.split('&')) {
    if (item === '') continue // `a=1&&b=2`: querystring and URLSearchParams ignore it too
    const eq = item.indexOf('=')
    const key = decodeQueryComponent(eq < 0 ? item : item.slice(0, eq))
    const value = eq < 0 ? '' : decodeQueryComponent(item.slice(eq + 1))
    const values = byKey.get(key)
    if (values) values.push(value)
    else byKey.set(key, [value])
  }
  // Default sort compares UTF-16 code units, exactly like the SDK's `Object.keys(...).sort()`.
  const keys = [...byKey.keys()].sort()
  let out = ''
  for (const key of keys) {
    const encodedKey = encodeRfc3986(key)
    const values = byKey.get(key)!
    if (values.length > 1) values.sort()
    for (const value of values) out += (out === '' ? '' : '&') + encodedKey + '=' + encodeRfc3986(value)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Canonical request

// The SDK orders header lines with `localeCompare` but the SignedHeaders list by code unit; they
// differ for names with `_` or `~` (`x-trace_id` sorts before `x-trace-id` in ICU). The root
// locale is pinned because the server's LANG must not change the answer; an SDK run under a
// locale that tailors Latin letters (e.g. Lithuanian `y`) would still disagree, but that is a
// client we cannot reproduce anyway.
// Made on the first signed request: ICU's collation data is ~3 MB of RSS (shared/compare.ts).
let collator: Intl.Collator | undefined
const byLocaleThenCodeUnit = (a: string, b: string): number => (collator ??= new Intl.Collator('und')).compare(a, b) || byCodeUnit(a, b)

// The same few SignedHeaders lists arrive on nearly every request; cache their line order.
const LINE_ORDER_CACHE = new Map<string, readonly string[]>()
const LINE_ORDER_CACHE_MAX = 256

function lineOrder(signedHeaders: readonly string[]): readonly string[] {
  const key = signedHeaders.join(';')
  let order = LINE_ORDER_CACHE.get(key)
  if (!order) {
    order = signedHeaders.map((n) => n.toLowerCase()).sort(byLocaleThenCodeUnit)
    if (LINE_ORDER_CACHE.size >= LINE_ORDER_CACHE_MAX) LINE_ORDER_CACHE.clear()
    LINE_ORDER_CACHE.set(key, order)
  }
  return order
}

/**
 * A header as received. Node already joins repeated headers into one string (with ', '); an
 * array only reaches us for `set-cookie` or a hand-built map, and ',' is what the SDK's
 * `name + ':' + value` produces when a caller gives it an array.
 */
function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name]
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(',')
}

function payloadHash(req: SignedRequest): string {
  const declared = headerValue(req.headers, 'x-sdk-content-sha256')
  if (declared !== undefined) return declared
  return req.body.length === 0 ? EMPTY_PAYLOAD_SHA256 : createHash('sha256').update(req.body).digest('hex')
}

/** undefined when a signed header is absent from the request. */
function buildCanonicalRequest(req: SignedRequest, auth: SdkAuthorization): string | undefined {
  let headerLines = ''
  for (const name of lineOrder(auth.signedHeaders)) {
    const value = headerValue(req.headers, name)
    if (value === undefined) return undefined
    headerLines += name + ':' + value + '\n'
  }
  return (
    req.method + '\n' +
    canonicalUri(req.rawPath) + '\n' +
    canonicalQuery(req.rawQuery) + '\n' +
    headerLines + '\n' +
    auth.signedHeadersRaw + '\n' +
    payloadHash(req)
  )
}

/** Throws when a header listed in SignedHeaders is absent (verifySdkSignature reports `malformed`). */
export function canonicalRequest(req: SignedRequest, auth: SdkAuthorization): string {
  const canonical = buildCanonicalRequest(req, auth)
  if (canonical === undefined) throw new Error('a header listed in SignedHeaders is absent from the request')
  return canonical
}

function buildStringToSign(auth: SdkAuthorization, sdkDate: string, canonical: string): string {
  const hashed = createHash('sha256').update(canonical).digest('hex')
  return auth.algorithm === 'SDK-HMAC-SHA256'
    ? 'SDK-HMAC-SHA256\n' + sdkDate + '\n' + hashed
    : 'V11-HMAC-SHA256\n' + sdkDate + '\n' + v11Info(auth) + '\n' + hashed
}

function v11Info(auth: Extract<SdkAuthorization, { algorithm: 'V11-HMAC-SHA256' }>): string {
  return auth.date + '/' + auth.region + '/' + auth.service
}

/** Throws like canonicalRequest, and when `x-sdk-date` is absent. */
export function stringToSign(req: SignedRequest, auth: SdkAuthorization): string {
  const sdkDate = headerValue(req.headers, 'x-sdk-date')
  if (sdkDate === undefined) throw new Error('x-sdk-date is absent from the request')
  return buildStringToSign(auth, sdkDate, canonicalRequest(req, auth))
}

/**
 * V11 signs with HKDF-SHA256(IKM = SK, salt = AK, info = date/region/service), and the HMAC key is
 * the derived key's lower-case *hex text*, not its bytes — that is what the Node SDK does.
 */
function signingKey(auth: SdkAuthorization, secretKey: string): string | Buffer {
  if (auth.algorithm === 'SDK-HMAC-SHA256') return secretKey
  const derived = hkdfSync('sha256', secretKey, auth.accessKey, v11Info(auth), 32)
  return Buffer.from(Buffer.from(derived).toString('hex'), 'latin1')
}

/** Milliseconds since the epoch of a `YYYYMMDDTHHmmssZ` value, or NaN when it names no instant. */
function parseSdkDate(value: string): number {
  if (!SDK_DATE_RE.test(value)) return NaN
  const y = +value.slice(0, 4)
  const mo = +value.slice(4, 6)
  const d = +value.slice(6, 8)
  const h = +value.slice(9, 11)
  const mi = +value.slice(11, 13)
  const s = +value.slice(13, 15)
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const t = new Date(ms)
  // Date.UTC rolls 20240230 over into March; moment, which the SDK parses with, rejects it.
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d &&
    t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s
    ? ms
    : NaN
}

const fail = (reason: SignatureFailure): { ok: false; reason: SignatureFailure } => ({ ok: false, reason })

/**
 * Verifies `req` against `auth` with the secret key (used as UTF-8 bytes). `now` in ms since the epoch.
 * Constant-time comparison of signatures. Never throws for bad input: returns a failure reason.
 *
 * A signed `X-Sdk-Content-Sha256` other than `UNSIGNED-PAYLOAD` must also be the body's actual
 * hash: the SDK only ever sends `UNSIGNED-PAYLOAD`, and honouring another value verbatim would let
 * a body be swapped under a signature that claims to cover it.
 */
export function verifySdkSignature(
  req: SignedRequest,
  auth: SdkAuthorization,
  secretKey: string,
  options: { now: number; maxSkewMs?: number },
): { ok: true } | { ok: false; reason: SignatureFailure } {
  try {
    if (auth.algorithm !== 'SDK-HMAC-SHA256' && auth.algorithm !== 'V11-HMAC-SHA256') return fail('unsupported_algorithm')
    if (!SIGNATURE_RE.test(auth.signature)) return fail('malformed')

    const sdkDate = auth.signedHeaders.includes('x-sdk-date') ? headerValue(req.headers, 'x-sdk-date') : undefined
    const signedAt = sdkDate === undefined ? NaN : parseSdkDate(sdkDate)
    if (sdkDate === undefined || Number.isNaN(signedAt)) return fail('date_missing')
    const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS
    if (!(Math.abs(options.now - signedAt) <= maxSkewMs)) return fail('date_skew')

    if (!auth.signedHeaders.includes('host')) return fail('host_not_signed')
    // The SDK takes the scope date from X-Sdk-Date; a credential naming another day is not its.
    if (auth.algorithm === 'V11-HMAC-SHA256' && auth.date !== sdkDate.slice(0, 8)) return fail('malformed')

    const canonical = buildCanonicalRequest(req, auth)
    if (canonical === undefined) return fail('malformed')

    const declared = headerValue(req.headers, 'x-sdk-content-sha256')
    if (declared !== undefined && declared !== UNSIGNED_PAYLOAD) {
      const actual = req.body.length === 0 ? EMPTY_PAYLOAD_SHA256 : createHash('sha256').update(req.body).digest('hex')
      if (declared.toLowerCase() !== actual) return fail('signature_mismatch')
    }

    const expected = createHmac('sha256', signingKey(auth, secretKey))
      .update(buildStringToSign(auth, sdkDate, canonical))
      .digest()
    const given = Buffer.from(auth.signature, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : fail('signature_mismatch')
  } catch {
    // Only reachable with a hand-built `auth` of the wrong shape; bad input must not become a 500.
    return fail('malformed')
  }
}
