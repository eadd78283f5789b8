import { createHash, createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseSdkAuthorization,
  stringToSign,
  verifySdkSignature,
  type SdkAuthorization,
  type SignedRequest,
} from './aksk-signature.js'

interface Vector {
  id: string
  serverVerifiable: boolean
  algorithm: string
  ak: string
  sk: string
  xSdkDate: string
  authorization: string
  canonicalRequest: string
  stringToSign: string
  signature: string
  derived?: { serviceName: string; regionId: string; info: string; signingKeyHex: string }
  wire: { method: string; requestTarget: string; path: string; query: string; headers: [string, string][]; body: string }
}

// Read eagerly: a missing vectors file must fail this suite, never shrink it to nothing.
// A copy of shared/vectors/aksk-signing.json (made with the real SDK), kept in the repository so
// that a clean clone tests the same vectors wherever it is checked out.
const VECTORS_URL = new URL('../../test/fixtures/aksk-signing.json', import.meta.url)
const vectors = (JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as { vectors: Vector[] }).vectors
const verifiable = vectors.filter((v) => v.serverVerifiable)
const vector = (id: string): Vector => {
  const v = vectors.find((x) => x.id === id)
  if (!v) throw new Error(`vector ${id} not found`)
  return v
}

// Node's own rules for repeated headers (IncomingMessage#_addHeaderLine): some keep the first
// value, set-cookie is an array, cookie joins with '; ', the rest with ', '.
const NODE_KEEP_FIRST = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host',
  'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards',
  'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent',
])
function nodeHeaders(pairs: readonly (readonly [string, string])[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase()
    const prev = out[name]
    if (prev === undefined) out[name] = name === 'set-cookie' ? [value] : value
    else if (Array.isArray(prev)) prev.push(value)
    else if (!NODE_KEEP_FIRST.has(name)) out[name] = prev + (name === 'cookie' ? '; ' : ', ') + value
  }
  return out
}

function requestOf(v: Vector): SignedRequest {
  return {
    method: v.wire.method,
    rawPath: v.wire.path,
    rawQuery: v.wire.query,
    headers: nodeHeaders(v.wire.headers),
    body: Buffer.from(v.wire.body, 'utf8'),
  }
}

function authOf(header: string): SdkAuthorization {
  const auth = parseSdkAuthorization(header)
  if (!auth || 'error' in auth) throw new Error(`not a valid SDK Authorization: ${header}`)
  return auth
}

/** `20240315T081530Z` -> ms since the epoch. */
function sdkDateMs(d: string): number {
  return Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`)
}

function verify(v: Vector, change: (req: SignedRequest) => SignedRequest = (r) => r, opts: { sk?: string; now?: number; auth?: string } = {}) {
  return verifySdkSignature(change(requestOf(v)), authOf(opts.auth ?? v.authorization), opts.sk ?? v.sk, {
    now: opts.now ?? sdkDateMs(v.xSdkDate),
  })
}

const withHeader = (name: string, value: string | undefined) => (r: SignedRequest): SignedRequest => {
  const headers = { ...r.headers }
  if (value === undefined) delete headers[name]
  else headers[name] = value
  return { ...r, headers }
}

const MINUTE = 60_000
const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')

describe('the SDK test vectors', () => {
  it('the vectors file holds 20 vectors, all but one server-verifiable, V11 among them', () => {
    expect(vectors).toHaveLength(20)
    expect(verifiable).toHaveLength(19)
    expect(verifiable.some((v) => v.algorithm === 'V11-HMAC-SHA256')).toBe(true)
  })

  it.each(verifiable.map((v) => [v.id, v] as const))(
    '%s: canonical request, string to sign and signature are rebuilt from the wire request alone',
    (_id, v) => {
      const req = requestOf(v)
      const auth = authOf(v.wire.headers.find(([n]) => n.toLowerCase() === 'authorization')![1])
      expect(auth.algorithm).toBe(v.algorithm)
      expect(auth.signature).toBe(v.signature)
      expect(canonicalRequest(req, auth)).toBe(v.canonicalRequest)
      expect(stringToSign(req, auth)).toBe(v.stringToSign)
      expect(verifySdkSignature(req, auth, v.sk, { now: sdkDateMs(v.xSdkDate) })).toEqual({ ok: true })
    },
  )

  it('V11: the credential scope parses into the date/region/service the SDK derived its key from', () => {
    const v = vector('derived-v11')
    const auth = authOf(v.authorization)
    if (auth.algorithm !== 'V11-HMAC-SHA256') throw new Error('expected V11')
    expect(`${auth.date}/${auth.region}/${auth.service}`).toBe(v.derived!.info)
    expect(auth.accessKey).toBe(v.ak)
    expect(stringToSign(requestOf(v), auth).split('\n')[2]).toBe(v.derived!.info)
  })

  it('V11: the same signature under the plain SDK-HMAC-SHA256 key does not verify (the HKDF key is used)', () => {
    const v = vector('derived-v11')
    const auth = authOf(v.authorization)
    const plain: SdkAuthorization = { ...auth, algorithm: 'SDK-HMAC-SHA256' }
    expect(verifySdkSignature(requestOf(v), plain, v.sk, { now: sdkDateMs(v.xSdkDate) })).toEqual({ ok: false, reason: 'signature_mismatch' })
  })

  it('extra-signed-headers: header lines follow localeCompare while SignedHeaders stays in code-unit order', () => {
    const v = vector('extra-signed-headers')
    const auth = authOf(v.authorization)
    expect(auth.signedHeadersRaw).toBe('content-type;host;x-client-token;x-domain-id;x-language;x-sdk-date;x-trace-id;x-trace1;x-trace_id')
    const lines = canonicalRequest(requestOf(v), auth).split('\n')
    const names = lines.slice(3, 3 + auth.signedHeaders.length).map((l) => l.slice(0, l.indexOf(':')))
    expect(names.slice(-3)).toEqual(['x-trace_id', 'x-trace-id', 'x-trace1'])
    // The SDK calls plain localeCompare; the module pins the root collation. They agree here.
    expect([...auth.signedHeaders].sort((a, b) => a.localeCompare(b))).toEqual(names)
  })

  it('padded-header-value-UNVERIFIABLE: the trimmed value a server receives does not verify; the padded one the SDK signed would', () => {
    const v = vector('padded-header-value-UNVERIFIABLE')
    expect(v.serverVerifiable).toBe(false)
    expect(verify(v)).toEqual({ ok: false, reason: 'signature_mismatch' })
    expect(verify(v, withHeader('x-client-token', '  padded value  '))).toEqual({ ok: true })
  })

  it('every verifiable vector also verifies after going through a real Node HTTP server', async () => {
    const received: { req: IncomingMessage; body: Buffer }[] = []
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({ req, body: Buffer.concat(chunks) })
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      for (const v of verifiable) {
        const body = Buffer.from(v.wire.body, 'utf8')
        const head = [`${v.wire.method} ${v.wire.requestTarget} HTTP/1.1`, ...v.wire.headers.map(([n, val]) => `${n}: ${val}`)]
        // The logged headers already carry Content-Length when there is a body, and 'Connection: keep-alive'.
        const raw = Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), body])
        await new Promise<void>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => socket.write(raw))
          socket.on('data', () => socket.end())
          socket.on('close', () => resolve())
          socket.on('error', reject)
        })
        const { req, body: got } = received.at(-1)!
        const target = req.url!
        const q = target.indexOf('?')
        const signed: SignedRequest = {
          method: req.method!,
          rawPath: q < 0 ? target : target.slice(0, q),
          rawQuery: q < 0 ? '' : target.slice(q + 1),
          headers: req.headers,
          body: got,
        }
        const auth = authOf(req.headers.authorization!)
        expect(verifySdkSignature(signed, auth, v.sk, { now: sdkDateMs(v.xSdkDate) }), v.id).toEqual({ ok: true })
      }
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('tampering is detected', () => {
  // derived-v11 has a body and a query; post-json-basic a body; get-query-encoding a rich query.
  const tampers: [string, string, (r: SignedRequest) => SignedRequest][] = [
    ['derived-v11', 'the method', (r) => ({ ...r, method: 'PUT' })],
    ['derived-v11', 'the path', (r) => ({ ...r, rawPath: r.rawPath.replace('tickets', 'ticketz') })],
    ['derived-v11', 'one query value', (r) => ({ ...r, rawQuery: 'a=2' })],
    ['derived-v11', 'an added query parameter', (r) => ({ ...r, rawQuery: 'a=1&b=' })],
    ['derived-v11', 'a signed header value', withHeader('x-project-id', '0a1b2c3d4e5f60718293a4b5c6d7e8f0')],
    ['derived-v11', 'one body byte', (r) => ({ ...r, body: Buffer.from('{"k":"w"}') })],
    ['post-json-basic', 'the method', (r) => ({ ...r, method: 'PUT' })],
    ['post-json-basic', 'the path', (r) => ({ ...r, rawPath: r.rawPath + '/x' })],
    ['post-json-basic', 'a signed header value', withHeader('content-type', 'text/plain')],
    ['post-json-basic', 'one body byte', (r) => { const b = Buffer.from(r.body); b[b.length - 2] = b[b.length - 2]! ^ 1; return { ...r, body: b } }],
    ['post-json-basic', 'an emptied body', (r) => ({ ...r, body: Buffer.alloc(0) })],
    ['get-query-encoding', 'one query value', (r) => ({ ...r, rawQuery: r.rawQuery.replace('tilde=x~y_z-.0', 'tilde=x~y_z-.1') })],
    ['get-query-encoding', 'a dropped query parameter', (r) => ({ ...r, rawQuery: r.rawQuery.replace('&empty=', '') })],
    ['get-query-encoding', 'a signed header value', withHeader('host', '127.0.0.1:18081')],
    ['get-query-encoding', 'a body added to the GET', (r) => ({ ...r, body: Buffer.from('{}') })],
  ]
  it.each(tampers)('%s: changing %s gives signature_mismatch', (id, _what, change) => {
    const v = vector(id)
    expect(verify(v)).toEqual({ ok: true })
    expect(verify(v, change)).toEqual({ ok: false, reason: 'signature_mismatch' })
  })

  it.each(['derived-v11', 'post-json-basic'])('%s: a different secret key gives signature_mismatch', (id) => {
    const v = vector(id)
    expect(verify(v, undefined, { sk: v.sk + 'x' })).toEqual({ ok: false, reason: 'signature_mismatch' })
    expect(verify(v, undefined, { sk: v.sk.slice(0, -1) })).toEqual({ ok: false, reason: 'signature_mismatch' })
  })

  it('an unsigned header may change freely (User-Agent, Accept)', () => {
    const v = vector('derived-v11')
    expect(verify(v, (r) => withHeader('user-agent', 'curl/8')(withHeader('accept', '*/*')(r)))).toEqual({ ok: true })
  })

  it('UNSIGNED-PAYLOAD leaves the body unauthenticated, exactly as the SDK intends for non-JSON bodies', () => {
    const v = vector('non-json-unsigned-payload')
    expect(verify(v, (r) => ({ ...r, body: Buffer.from('another body') }))).toEqual({ ok: true })
  })

  it('a signed X-Sdk-Content-Sha256 other than UNSIGNED-PAYLOAD must be the body hash, or the body could be swapped', () => {
    // No SDK sends this, so sign one here: the declared hash is the real one and goes in verbatim.
    const v = vector('non-json-unsigned-payload')
    const req = withHeader('x-sdk-content-sha256', sha256Hex('plain text body'))(requestOf(v))
    const unsigned = authOf(v.authorization)
    const draft: SdkAuthorization = { ...unsigned, signature: '0'.repeat(64) }
    expect(canonicalRequest(req, draft).endsWith('\n' + sha256Hex('plain text body'))).toBe(true)
    const auth: SdkAuthorization = {
      ...draft,
      signature: createHmac('sha256', v.sk).update(stringToSign(req, draft)).digest('hex'),
    }
    const now = sdkDateMs(v.xSdkDate)
    expect(verifySdkSignature(req, auth, v.sk, { now })).toEqual({ ok: true })
    expect(verifySdkSignature({ ...req, body: Buffer.from('plain text bodY') }, auth, v.sk, { now }))
      .toEqual({ ok: false, reason: 'signature_mismatch' })
  })
})

describe('date, host and shape checks', () => {
  const v = vector('patch-json-global-iam')
  const signedAt = sdkDateMs(v.xSdkDate)

  it('accepts a clock 14 minutes off in either direction', () => {
    expect(verify(v, undefined, { now: signedAt + 14 * MINUTE })).toEqual({ ok: true })
    expect(verify(v, undefined, { now: signedAt - 14 * MINUTE })).toEqual({ ok: true })
  })

  it('rejects a clock 16 minutes off in either direction with date_skew', () => {
    expect(verify(v, undefined, { now: signedAt + 16 * MINUTE })).toEqual({ ok: false, reason: 'date_skew' })
    expect(verify(v, undefined, { now: signedAt - 16 * MINUTE })).toEqual({ ok: false, reason: 'date_skew' })
  })

  it('honours a custom maxSkewMs, and exactly the limit is still accepted', () => {
    const run = (now: number, maxSkewMs: number) =>
      verifySdkSignature(requestOf(v), authOf(v.authorization), v.sk, { now, maxSkewMs })
    expect(run(signedAt + 60_000, 60_000)).toEqual({ ok: true })
    expect(run(signedAt + 60_001, 60_000)).toEqual({ ok: false, reason: 'date_skew' })
    expect(run(Number.NaN, 60_000)).toEqual({ ok: false, reason: 'date_skew' })
  })

  it('x-sdk-date absent from the request gives date_missing', () => {
    expect(verify(v, withHeader('x-sdk-date', undefined))).toEqual({ ok: false, reason: 'date_missing' })
  })

  it('x-sdk-date present but not signed gives date_missing', () => {
    const auth = v.authorization.replace(';x-sdk-date', '')
    expect(verify(v, undefined, { auth })).toEqual({ ok: false, reason: 'date_missing' })
  })

  it('x-sdk-date not in YYYYMMDDTHHmmssZ form, or naming no real instant, gives date_missing', () => {
    for (const bad of ['2024-03-15T08:15:30Z', '20240315T081530', '20240315T081530z', '20240230T081530Z', '20240315T246000Z', ''])
      expect(verify(v, withHeader('x-sdk-date', bad)), bad).toEqual({ ok: false, reason: 'date_missing' })
  })

  it('host missing from SignedHeaders gives host_not_signed', () => {
    const auth = v.authorization.replace(';host;', ';')
    expect(authOf(auth).signedHeaders).not.toContain('host')
    expect(verify(v, undefined, { auth })).toEqual({ ok: false, reason: 'host_not_signed' })
  })

  it('a signed header absent from the request gives malformed', () => {
    expect(verify(v, withHeader('x-domain-id', undefined))).toEqual({ ok: false, reason: 'malformed' })
    expect(verify(v, withHeader('host', undefined))).toEqual({ ok: false, reason: 'malformed' })
    expect(() => canonicalRequest(withHeader('x-domain-id', undefined)(requestOf(v)), authOf(v.authorization))).toThrow()
  })

  it('V11: a credential date other than the X-Sdk-Date day gives malformed', () => {
    const w = vector('derived-v11')
    const auth = w.authorization.replace('/20240315/', '/20240316/')
    expect(verify(w, undefined, { auth })).toEqual({ ok: false, reason: 'malformed' })
  })

  it('a hand-built auth with a non-hex signature gives malformed, never a throw', () => {
    const auth = { ...authOf(v.authorization), signature: 'zz'.repeat(32) }
    expect(verifySdkSignature(requestOf(v), auth, v.sk, { now: signedAt })).toEqual({ ok: false, reason: 'malformed' })
  })

  it('an array header value is joined with "," before signing', () => {
    const req = withHeader('x-domain-id', undefined)(requestOf(v))
    const asArray = { ...req, headers: { ...req.headers, 'x-domain-id': ['d0m41n1d0000000000000000000000aa'] } }
    expect(verify(v, () => asArray)).toEqual({ ok: true })
    const split = { ...req, headers: { ...req.headers, 'x-domain-id': ['a', 'b'] } }
    expect(canonicalRequest(split, authOf(v.authorization))).toContain('\nx-domain-id:a,b\n')
  })
})

describe('parseSdkAuthorization', () => {
  it('parses SDK-HMAC-SHA256 with the separators the SDK sends and with none or several spaces after commas', () => {
    const sig = 'a'.repeat(64)
    for (const sep of [', ', ',', ',  ']) {
      expect(parseSdkAuthorization(`SDK-HMAC-SHA256 Access=AK1${sep}SignedHeaders=host;x-sdk-date${sep}Signature=${sig}`)).toEqual({
        algorithm: 'SDK-HMAC-SHA256', accessKey: 'AK1', signedHeaders: ['host', 'x-sdk-date'], signedHeadersRaw: 'host;x-sdk-date', signature: sig,
      })
    }
  })

  it('parses V11-HMAC-SHA256 with its credential scope', () => {
    const sig = 'b'.repeat(64)
    expect(parseSdkAuthorization(`V11-HMAC-SHA256 Credential=AK2/20240315/cn-north-4/coc, SignedHeaders=host;x-sdk-date, Signature=${sig}`)).toEqual({
      algorithm: 'V11-HMAC-SHA256', accessKey: 'AK2', date: '20240315', region: 'cn-north-4', service: 'coc',
      signedHeaders: ['host', 'x-sdk-date'], signedHeadersRaw: 'host;x-sdk-date', signature: sig,
    })
  })

  it('SM3 and other SDK/V11 algorithms give unsupported_algorithm', () => {
    const rest = ` Access=AK, SignedHeaders=host;x-sdk-date, Signature=${'c'.repeat(64)}`
    expect(parseSdkAuthorization('SDK-HMAC-SM3' + rest)).toEqual({ error: 'unsupported_algorithm' })
    expect(parseSdkAuthorization('V11-HMAC-SM3 Credential=AK/20240315/r/s, SignedHeaders=host, Signature=x')).toEqual({ error: 'unsupported_algorithm' })
    expect(parseSdkAuthorization('SDK-HMAC-SHA512' + rest)).toEqual({ error: 'unsupported_algorithm' })
  })

  it('garbage after an SDK algorithm name gives malformed', () => {
    const sig = 'd'.repeat(64)
    for (const bad of [
      'SDK-HMAC-SHA256',
      'SDK-HMAC-SHA256 garbage',
      'SDK-HMAC-SHA256Access=AK, SignedHeaders=host, Signature=' + sig,
      'SDK-HMAC-SHA256 Access=AK, Signature=' + sig,
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=' + sig.slice(1),
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=' + 'g'.repeat(64),
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature=' + sig,
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;host, Signature=' + sig,
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x sdk, Signature=' + sig,
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=' + sig + ', Extra=1',
      'SDK-HMAC-SHA256 SignedHeaders=host, Access=AK, Signature=' + sig,
      'V11-HMAC-SHA256 Credential=AK/2024-03-15/r/s, SignedHeaders=host, Signature=' + sig,
      'V11-HMAC-SHA256 Credential=AK/20240315/r, SignedHeaders=host, Signature=' + sig,
    ]) expect(parseSdkAuthorization(bad), bad).toEqual({ error: 'malformed' })
  })

  it('returns undefined for a missing header and for other schemes (Bearer, Basic, AWS4, none)', () => {
    for (const other of [undefined, '', 'Bearer abc.def.ghi', 'Basic dXNlcjpwYXNz', 'AWS4-HMAC-SHA256 Credential=x', 'none', 'garbage'])
      expect(parseSdkAuthorization(other), String(other)).toBeUndefined()
  })
})

describe('canonicalUri', () => {
  it('always ends in one "/" and treats a trailing "/" on the wire as the same resource', () => {
    expect(canonicalUri('/v3/projects')).toBe('/v3/projects/')
    expect(canonicalUri('/v3/projects/')).toBe('/v3/projects/')
    expect(canonicalUri('/')).toBe('/')
    expect(canonicalUri('')).toBe('/')
  })

  it('double-encodes what legacy url.parse escaped, whether axios sent it raw or encoded', () => {
    expect(canonicalUri("/a/'|^")).toBe('/a/%2527%257C%255E/')
    expect(canonicalUri('/a/%27%7C%5E')).toBe('/a/%2527%257C%255E/')
    expect(canonicalUri('/a/%20%7B%7D%22%3C%3E%60')).toBe('/a/%2520%257B%257D%2522%253C%253E%2560/')
  })

  it('single-encodes UTF-8 escapes (upper-casing their hex) and raw non-ASCII', () => {
    expect(canonicalUri('/x/%E4%B8%AD')).toBe('/x/%E4%B8%AD/')
    expect(canonicalUri('/x/%e4%b8%ad')).toBe('/x/%E4%B8%AD/')
    expect(canonicalUri('/x/中')).toBe('/x/%E4%B8%AD/')
    expect(canonicalUri('/x/😀')).toBe('/x/%F0%9F%98%80/')
  })

  it('encodes a literal "%" again, including an ASCII escape and a stray "%"', () => {
    expect(canonicalUri('/a%2Fb')).toBe('/a%252Fb/')
    expect(canonicalUri('/a%2fb')).toBe('/a%252fb/')
    expect(canonicalUri('/100%')).toBe('/100%25/')
    expect(canonicalUri('/%zz')).toBe('/%25zz/')
  })

  it('single-encodes other reserved characters and keeps unreserved ones', () => {
    expect(canonicalUri('/@:+$!*(),;=&/A-z_0.9~')).toBe('/%40%3A%2B%24%21%2A%28%29%2C%3B%3D%26/A-z_0.9~/')
  })
})

describe('canonicalQuery', () => {
  it('is empty for no query', () => {
    expect(canonicalQuery('')).toBe('')
  })

  it('sorts decoded keys by code unit and values per key, and re-encodes with RFC 3986', () => {
    expect(canonicalQuery('b=2&a=z&a=y&A=1')).toBe('A=1&a=y&a=z&b=2')
    // é sorts after a space once decoded, although %C3 < %20 would not hold encoded
    expect(canonicalQuery('%C3%A9=1&b%20key=2')).toBe('b%20key=2&%C3%A9=1')
    expect(canonicalQuery("v=it's%20(ok)!*")).toBe('v=it%27s%20%28ok%29%21%2A')
  })

  it('reads "+" as a space and %2B as a plus', () => {
    expect(canonicalQuery('q=a+b&r=a%2Bb')).toBe('q=a%20b&r=a%2Bb')
  })

  it('gives an item without "=" an empty value, ignores empty items, and never throws on a bad escape', () => {
    expect(canonicalQuery('flag&&x=1&')).toBe('flag=&x=1')
    expect(canonicalQuery('x=%zz&y=%E4%B8')).toBe('x=%25zz&y=%EF%BF%BD')
    expect(canonicalQuery('x=%')).toBe('x=%25')
  })
})
