/**
 * @module A SAML identity provider for tests: RSA keys and self-signed X.509 certificates made at
 * test time (`@peculiar/x509` over WebCrypto), metadata written from them, and responses signed
 * with xml-crypto exactly as an IdP signs them. Nothing is a fixture copied from elsewhere, so a
 * test can vary any part of a response (times, audience, signer, wrapping) and re-sign it.
 */
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { randomBytes, webcrypto } from 'node:crypto'
import { SignedXml } from 'xml-crypto'

x509.cryptoProvider.set(webcrypto as unknown as Crypto)

export const SAML_SP_ACS_PATH = '/v3-ext/auth/OS-FEDERATION/SSO/SAML2/POST'
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'

export interface SigningKey {
  readonly privateKeyPem: string
  readonly certificatePem: string
  /** Base64 DER, as `ds:X509Certificate` holds it. */
  readonly certificateBase64: string
}

export interface KeyOptions {
  bits?: number
  /** Certificate validity; default from an hour ago for a year. */
  notBefore?: Date
  notAfter?: Date
  subject?: string
}

/** A fresh RSA key pair and a self-signed certificate for it. */
export async function makeSigningKey(options: KeyOptions = {}): Promise<SigningKey> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: options.bits ?? 2048 }
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])
  const now = Date.now()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    name: options.subject ?? 'CN=idp.test',
    notBefore: options.notBefore ?? new Date(now - 3_600_000),
    notAfter: options.notAfter ?? new Date(now + 365 * 86_400_000),
    signingAlgorithm: algorithm,
    keys: keys as unknown as CryptoKeyPair,
  })
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  return {
    privateKeyPem: pem('PRIVATE KEY', pkcs8),
    certificatePem: `${certificate.toString('pem').trimEnd()}\n`,
    certificateBase64: certificate.toString('base64'),
  }
}

function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function samlId(): string {
  return `_${randomBytes(16).toString('hex')}`
}

export interface MetadataOptions {
  /** undefined: the IdP's; null: no entityID attribute. */
  entityId?: string | null
  /** Certificates published for signing; default the IdP's key A. */
  signing?: readonly SigningKey[]
  /** The `use` attribute of the signing KeyDescriptors; null leaves it out. */
  use?: 'signing' | 'encryption' | null
  withSso?: boolean
}

export interface ResponseOptions {
  /** The SP entity id the assertion is for (Audience). */
  audience: string
  /** Destination and Recipient; undefined leaves both out. */
  destination?: string
  nameId?: string
  attributes?: Record<string, string | readonly string[]>
  issuer?: string
  /** The instant the IdP thinks it is (ms); default now. */
  now?: number
  /** Validity of Conditions and the bearer confirmation after `now` (ms); default 5 minutes. */
  validForMs?: number
  /** Conditions/@NotBefore relative to `now` (ms); default −60 s. */
  notBeforeOffsetMs?: number
  /** Who signs the assertion; null: unsigned. Default the IdP's key A. */
  signAssertionWith?: SigningKey | null
  /** Who signs the Response; default nobody. */
  signResponseWith?: SigningKey
  /** Sign with RSA-SHA1 instead of RSA-SHA256. */
  sha1?: boolean
  inResponseTo?: string
  status?: string
  /** Edits the signed XML before it is base64-encoded (tampering, wrapping). */
  tamper?: (xml: string) => string
}

/** One identity provider: its entity id and keys A (published), B (rotated in later) and a rogue key nobody trusts. */
export class TestSamlIdp {
  private constructor(
    readonly entityId: string,
    readonly keyA: SigningKey,
    readonly keyB: SigningKey,
    readonly rogue: SigningKey,
  ) {}

  static async create(entityId = 'https://idp.test/saml'): Promise<TestSamlIdp> {
    const [a, b, rogue] = await Promise.all([makeSigningKey(), makeSigningKey({ subject: 'CN=idp.test rotated' }), makeSigningKey({ subject: 'CN=rogue.test' })])
    return new TestSamlIdp(entityId, a, b, rogue)
  }

  /** `md:EntityDescriptor` with an IDPSSODescriptor, signing KeyDescriptors, NameIDFormat and SSO endpoints. */
  metadata(options: MetadataOptions = {}): string {
    const entityId = options.entityId === undefined ? this.entityId : options.entityId
    const use = options.use === undefined ? 'signing' : options.use
    const keys = (options.signing ?? [this.keyA]).map((key) =>
      `<md:KeyDescriptor${use === null ? '' : ` use="${use}"`}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${key.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`).join('')
    const sso = options.withSso === false ? '' :
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/sso/redirect"/>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/sso/post"/>`
    return `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"${entityId === null ? '' : ` entityID="${escapeXml(entityId)}"`}>` +
      `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}` +
      `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/slo"/>` +
      `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>${sso}` +
      `</md:IDPSSODescriptor></md:EntityDescriptor>`
  }

  /** The `samlp:Response` XML, signed as asked (assertion first, then the Response around it). */
  responseXml(options: ResponseOptions): string {
    const now = options.now ?? Date.now()
    const at = (offset: number) => new Date(now + offset).toISOString()
    const until = at(options.validForMs ?? 300_000)
    const issuer = escapeXml(options.issuer ?? this.entityId)
    const destination = options.destination === undefined ? '' : ` Destination="${escapeXml(options.destination)}"`
    const recipient = options.destination === undefined ? '' : ` Recipient="${escapeXml(options.destination)}"`
    const inResponseTo = options.inResponseTo === undefined ? '' : ` InResponseTo="${escapeXml(options.inResponseTo)}"`
    const attributes = Object.entries(options.attributes ?? {}).map(([name, value]) =>
      `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
      (typeof value === 'string' ? [value] : value).map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`).join('') +
      `</saml:Attribute>`).join('')
    const assertionId = samlId()
    const xml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${samlId()}" Version="2.0" IssueInstant="${at(0)}"${destination}${inResponseTo}>` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="${escapeXml(options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success')}"/></samlp:Status>` +
      `<saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${assertionId}" Version="2.0" IssueInstant="${at(0)}">` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">${escapeXml(options.nameId ?? 'alice')}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until}"${recipient}${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${at(options.notBeforeOffsetMs ?? -60_000)}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${escapeXml(options.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${at(0)}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
      `</saml:Assertion></samlp:Response>`
    const assertionSigner = options.signAssertionWith === undefined ? this.keyA : options.signAssertionWith
    let signed = assertionSigner ? sign(xml, 'Assertion', assertionSigner, options.sha1) : xml
    if (options.signResponseWith) signed = sign(signed, 'Response', options.signResponseWith, options.sha1)
    return options.tamper ? options.tamper(signed) : signed
  }

  /** The form value an IdP posts: base64 of the Response XML. */
  response(options: ResponseOptions): string {
    return Buffer.from(this.responseXml(options), 'utf8').toString('base64')
  }
}

/** An enveloped signature over the element, placed right after its Issuer as SAML requires. */
function sign(xml: string, localName: 'Assertion' | 'Response', key: SigningKey, sha1 = false): string {
  const element = `//*[local-name(.)='${localName}']`
  const signer = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: sha1 ? RSA_SHA1 : RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  })
  signer.addReference({
    xpath: element,
    digestAlgorithm: sha1 ? 'http://www.w3.org/2000/09/xmldsig#sha1' : 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: [ENVELOPED, EXC_C14N],
  })
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: `${element}/*[local-name(.)='Issuer']`, action: 'after' } })
  return signer.getSignedXml()
}
