/**
 * The SAML checks without HTTP: metadata import rules and every refusal of a response, against
 * responses the test IdP signs at test time (test/helpers/saml-idp.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { parseIdpMetadata } from '../../src/services/iam/federation/saml/metadata.js'
import { verifySamlResponse, type SamlVerification } from '../../src/services/iam/federation/saml/response.js'
import { makeSigningKey, TestSamlIdp, type ResponseOptions } from '../helpers/saml-idp.js'

const SP = 'https://iam.example.test'
const ACS = `${SP}/v3-ext/auth/OS-FEDERATION/SSO/SAML2/POST`
const NOW = Date.parse('2026-12-05T10:00:00.000Z')
const SKEW = 300_000

let idp: TestSamlIdp

beforeAll(async () => {
  idp = await TestSamlIdp.create()
})

function verification(overrides: Partial<SamlVerification> = {}): SamlVerification {
  return { idpEntityId: idp.entityId, certificates: [idp.keyA.certificatePem], spEntityId: SP, acceptedRecipients: [ACS], now: NOW, skewMs: SKEW, ...overrides }
}

function response(overrides: Partial<ResponseOptions> = {}): string {
  return idp.response({ audience: SP, destination: ACS, now: NOW, attributes: { email: 'alice@idp.test', groups: ['dev', 'ops'] }, ...overrides })
}

/** The reason a response is refused with 401 (the message is always the generic one). */
function refusal(samlResponse: string, options: SamlVerification = verification()): string {
  try {
    verifySamlResponse(samlResponse, options)
  } catch (error) {
    const e = error as { status: number; message: string; reason: string }
    expect(e.status).toBe(401)
    expect(e.message).toBe('The request you have made requires authentication.')
    return e.reason
  }
  throw new Error('the response was accepted')
}

function malformed(samlResponse: string): string {
  try {
    verifySamlResponse(samlResponse, verification())
  } catch (error) {
    expect((error as { status: number }).status).toBe(400)
    return (error as Error).message
  }
  throw new Error('the response was accepted')
}

describe('IdP metadata', () => {
  it('reads the entity id, the signing certificate and the endpoints', () => {
    const metadata = parseIdpMetadata(idp.metadata(), NOW)
    expect(metadata.entityId).toBe('https://idp.test/saml')
    expect(metadata.signingCertificates).toEqual([idp.keyA.certificatePem])
    expect(metadata.nameIdFormats).toEqual(['urn:oasis:names:tc:SAML:2.0:nameid-format:transient'])
    expect(metadata.singleSignOnServices).toEqual([
      { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: 'https://idp.test/sso/redirect' },
      { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', location: 'https://idp.test/sso/post' },
    ])
    expect(metadata.singleLogoutServices).toEqual([{ binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: 'https://idp.test/slo' }])
    expect(metadata.warnings).toEqual([])
  })

  it('takes a KeyDescriptor without use as a signing key, and keeps every signing certificate', () => {
    expect(parseIdpMetadata(idp.metadata({ use: null, signing: [idp.keyA, idp.keyB] }), NOW).signingCertificates)
      .toEqual([idp.keyA.certificatePem, idp.keyB.certificatePem])
  })

  it('accepts an EntitiesDescriptor holding exactly one identity provider', () => {
    const one = idp.metadata().replace(/^<\?xml[^>]*>\n/, '')
    const wrapped = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${one}</md:EntitiesDescriptor>`
    expect(parseIdpMetadata(wrapped, NOW).entityId).toBe(idp.entityId)
    const two = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${one}${one.replace(idp.entityId, 'https://other.test')}</md:EntitiesDescriptor>`
    expect(() => parseIdpMetadata(two, NOW)).toThrow('Invalid metadata: the EntitiesDescriptor holds more than one identity provider; import one at a time.')
  })

  it('accepts a 1024-bit key with a warning', async () => {
    const weak = await makeSigningKey({ bits: 1024 })
    expect(parseIdpMetadata(idp.metadata({ signing: [weak] }), NOW).warnings).toEqual(['signing key of 1024 bits, below the recommended 2048'])
  })

  it.each([
    ['no entityID', () => idp.metadata({ entityId: null }), 'Invalid metadata: the EntityDescriptor has no entityID.'],
    ['no signing key', () => idp.metadata({ use: 'encryption' }), 'Invalid metadata: no signing certificate (a KeyDescriptor with use="signing" or without use, holding an X509Certificate).'],
    ['no SingleSignOnService', () => idp.metadata({ withSso: false }), 'Invalid metadata: no SingleSignOnService.'],
    ['no IDPSSODescriptor', () => idp.metadata().replace(/IDPSSODescriptor/g, 'SPSSODescriptor'), 'Invalid metadata: no IDPSSODescriptor.'],
    ['another root', () => '<root/>', 'Invalid metadata: the root element is not an md:EntityDescriptor.'],
    ['a DOCTYPE', () => idp.metadata().replace('<md:EntityDescriptor', '<!DOCTYPE x [<!ENTITY e "boom">]><md:EntityDescriptor'), 'Invalid metadata: a DOCTYPE is not allowed.'],
    ['a certificate that is not base64', () => idp.metadata().replace(idp.keyA.certificateBase64, 'not*base64'), 'Invalid metadata: an X509Certificate is not base64.'],
    ['a certificate that does not parse', () => idp.metadata().replace(idp.keyA.certificateBase64, 'AAAA'), 'Invalid metadata: a signing certificate cannot be parsed.'],
  ])('refuses metadata with %s', (_name, make, message) => {
    expect(() => parseIdpMetadata(make(), NOW)).toThrow(message)
  })

  it('refuses malformed XML', () => {
    expect(() => parseIdpMetadata('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><unclosed></md:EntityDescriptor>', NOW))
      .toThrow(/^Invalid metadata: not well-formed XML: /)
  })

  it('refuses an expired signing certificate', async () => {
    const expired = await makeSigningKey({ notBefore: new Date(NOW - 2 * 86_400_000), notAfter: new Date(NOW - 86_400_000) })
    expect(() => parseIdpMetadata(idp.metadata({ signing: [expired] }), NOW))
      .toThrow(`Invalid metadata: the signing certificate CN=idp.test expired on ${new Date(Math.floor((NOW - 86_400_000) / 1000) * 1000).toISOString()}.`)
  })
})

describe('a signed SAML response', () => {
  it('gives the NameID and the attributes when the assertion is signed', () => {
    const verified = verifySamlResponse(response(), verification())
    expect(verified.nameId).toBe('alice')
    expect(verified.attributes).toEqual({ email: ['alice@idp.test'], groups: ['dev', 'ops'], __NAMEID__: ['alice'], _NAMEID_: ['alice'] })
    expect(verified.assertionId).toMatch(/^_[0-9a-f]{32}$/)
    expect(verified.acceptableUntil).toBe(NOW + 300_000 + SKEW)
    expect(verified.warnings).toEqual([])
  })

  it('accepts a response signed only on the Response, and one signed on both', () => {
    expect(verifySamlResponse(response({ signAssertionWith: null, signResponseWith: idp.keyA }), verification()).nameId).toBe('alice')
    expect(verifySamlResponse(response({ signResponseWith: idp.keyA }), verification()).nameId).toBe('alice')
  })

  it('accepts a response without Destination and Recipient', () => {
    expect(verifySamlResponse(response({ destination: undefined }), verification()).nameId).toBe('alice')
  })

  it('accepts RSA-SHA1 with a warning', () => {
    expect(verifySamlResponse(response({ sha1: true }), verification()).warnings).toEqual(['the Assertion is signed with SHA-1'])
  })

  it('verifies with any certificate of the metadata (key rollover)', () => {
    expect(verifySamlResponse(response({ signAssertionWith: idp.keyB }), verification({ certificates: [idp.keyA.certificatePem, idp.keyB.certificatePem] })).nameId).toBe('alice')
  })

  it('accepts times within the skew', () => {
    expect(verifySamlResponse(response(), verification({ now: NOW + 300_000 + SKEW - 1 })).nameId).toBe('alice')
    expect(verifySamlResponse(response({ notBeforeOffsetMs: SKEW }), verification()).nameId).toBe('alice')
  })

  it('refuses an unsigned response', () => {
    expect(refusal(response({ signAssertionWith: null }))).toBe('neither the Response nor the Assertion is signed')
  })

  it('refuses a response signed by a key not in the metadata', () => {
    expect(refusal(response({ signAssertionWith: idp.rogue }))).toMatch(/^the Assertion signature does not verify with a certificate of the metadata/)
    expect(refusal(response({ signAssertionWith: idp.keyB }))).toMatch(/^the Assertion signature does not verify with a certificate of the metadata/)
    expect(refusal(response({ signAssertionWith: null, signResponseWith: idp.rogue }))).toMatch(/^the Response signature does not verify/)
  })

  it('refuses a response whose assertion was edited after signing (bad signature)', () => {
    const edited = response({ tamper: (xml) => xml.replace('alice@idp.test', 'mallory@idp.test') })
    expect(refusal(edited)).toBe('the Assertion signature does not verify with a certificate of the metadata (a reference does not verify)')
  })

  it('refuses a response whose signature value was altered', () => {
    const altered = response({ tamper: (xml) => xml.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`) })
    expect(refusal(altered)).toMatch(/^the Assertion signature does not verify with a certificate of the metadata/)
  })

  it('refuses a valid signature when the Response also carries a bad one', () => {
    const bad = response({ signResponseWith: idp.rogue })
    expect(refusal(bad)).toMatch(/^the Response signature does not verify/)
  })

  it('refuses signature wrapping: a forged assertion beside the signed one', () => {
    const forged = (xml: string) => {
      const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0]
      const evil = signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace(/ID="[^"]*"/, 'ID="_evil"').replace('alice', 'admin')
      return xml.replace('<saml:Assertion', `${evil}<saml:Assertion`)
    }
    expect(refusal(response({ tamper: forged }))).toBe('not exactly one Assertion, a direct child of the Response')
  })

  it('refuses signature wrapping: the signed assertion hidden in Extensions, a forged one in its place', () => {
    const wrap = (xml: string) => {
      const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0]
      const evil = signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('alice', 'admin')
      return xml.replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${evil}`)
    }
    expect(refusal(response({ tamper: wrap }))).toBe('not exactly one Assertion, a direct child of the Response')
  })

  it('refuses signature wrapping: a signature that references another element', () => {
    // The Response's signature moved onto the assertion: it verifies, but covers the Response.
    const moved = (xml: string) => {
      const signature = /<ds:Signature[\s\S]*?<\/ds:Signature>/.exec(xml)![0]
      return xml.replace(signature, '').replace(/(<saml:Assertion[^>]*>\s*<saml:Issuer>[^<]*<\/saml:Issuer>)/, `$1${signature}`)
    }
    expect(refusal(response({ signAssertionWith: null, signResponseWith: idp.keyA, tamper: moved }))).toMatch(/^the Assertion signature does not reference the Assertion/)
  })

  it('refuses an encrypted assertion', () => {
    const encrypted = response({ tamper: (xml) => xml.replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, '<saml:EncryptedAssertion/>') })
    expect(refusal(encrypted)).toBe('encrypted assertions are not supported')
  })

  it('refuses the wrong issuer', () => {
    expect(refusal(response({ issuer: 'https://evil.test/saml' }))).toBe('Issuer https://evil.test/saml is not the metadata\'s entityID https://idp.test/saml')
  })

  it('refuses the wrong audience', () => {
    expect(refusal(response({ audience: 'https://another-sp.test' }))).toBe(`the Audience https://another-sp.test is not ${SP}`)
  })

  it('refuses an expired assertion', () => {
    expect(refusal(response(), verification({ now: NOW + 300_000 + SKEW }))).toBe('the assertion has expired (Conditions/@NotOnOrAfter)')
  })

  it('refuses an assertion that is not yet valid', () => {
    expect(refusal(response({ notBeforeOffsetMs: SKEW + 1 }))).toBe('the assertion is not yet valid (Conditions/@NotBefore)')
  })

  it('refuses a status other than Success', () => {
    expect(refusal(response({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }))).toBe('status is urn:oasis:names:tc:SAML:2.0:status:Requester, not Success')
  })

  it('refuses InResponseTo (the sign-in is IdP-initiated)', () => {
    expect(refusal(response({ inResponseTo: '_request1' }))).toBe('InResponseTo on an IdP-initiated response')
  })

  it('refuses another Destination', () => {
    expect(refusal(response({ destination: 'https://another-sp.test/acs' }))).toBe('the Recipient https://another-sp.test/acs is not this service')
  })

  it('answers 400 for what is not a SAML response', () => {
    expect(malformed('***')).toBe('Invalid SAMLResponse: not base64.')
    expect(malformed(Buffer.from('<samlp:Response').toString('base64'))).toMatch(/^Invalid SAMLResponse: not well-formed XML: /)
    expect(malformed(Buffer.from('<x/>').toString('base64'))).toBe('Invalid SAMLResponse: the root element is not a samlp:Response.')
    const doctype = idp.responseXml({ audience: SP, now: NOW }).replace('<samlp:Response', '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><samlp:Response')
    expect(malformed(Buffer.from(doctype).toString('base64'))).toBe('Invalid SAMLResponse: a DOCTYPE is not allowed.')
    expect(malformed(response({ tamper: (xml) => xml.replace('Version="2.0"', 'Version="1.1"') }))).toBe('Invalid SAMLResponse: Version is not 2.0.')
  })
})
