/**
 * @module An identity provider's SAML metadata, read into what sign-in needs: its entity id (the
 * Issuer its responses must carry), its signing certificates and its endpoints. Metadata is
 * uploaded by an authenticated administrator of the account, so its own XML signature (made by
 * a federation operator's key this server has no anchor for) is not what makes it trusted.
 */
import { X509Certificate } from 'node:crypto'
import { ValidationError } from '../../../../errors/app-error.js'
import { NS, XmlRejectedError, attribute, childElement, childElements, parseXml, text } from './xml.js'

/** The console's upload cap for a metadata file. */
export const METADATA_MAX_BYTES = 500 * 1024
/** Below this an RSA signing key is accepted but logged (the clouds recommend ≥ 2048 bits). */
export const WEAK_RSA_BITS = 2048
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'

export interface SamlEndpoint { readonly binding: string; readonly location: string }

export interface IdpMetadata {
  readonly entityId: string
  /** PEM, in document order; every one is tried on a response (key rollover publishes two). */
  readonly signingCertificates: readonly string[]
  readonly nameIdFormats: readonly string[]
  readonly singleSignOnServices: readonly SamlEndpoint[]
  readonly singleLogoutServices: readonly SamlEndpoint[]
  /** Accepted but worth a log line (weak keys). */
  readonly warnings: readonly string[]
}

/** 400 for metadata that cannot be used; the message says which rule it broke. */
export class MetadataInvalidError extends ValidationError {
  override readonly code = 'saml_metadata_invalid'
  constructor(reason: string) {
    super(`Invalid metadata: ${reason}.`)
  }
}

/**
 * Reads an `md:EntityDescriptor` (or an `md:EntitiesDescriptor` holding exactly one IdP) and
 * checks what the console checks on upload; certificates must be valid at `now`.
 */
export function parseIdpMetadata(xml: string, now: number): IdpMetadata {
  if (Buffer.byteLength(xml, 'utf8') > METADATA_MAX_BYTES) throw new MetadataInvalidError(`larger than ${METADATA_MAX_BYTES} bytes`)
  let doc: Document
  try {
    doc = parseXml(xml)
  } catch (error) {
    if (error instanceof XmlRejectedError) throw new MetadataInvalidError(error.message)
    throw error
  }
  const entity = identityProviderEntity(doc.documentElement)
  const entityId = attribute(entity, 'entityID')?.trim()
  if (!entityId) throw new MetadataInvalidError('the EntityDescriptor has no entityID')
  const idps = childElements(entity, NS.md, 'IDPSSODescriptor')
  if (idps.length !== 1) throw new MetadataInvalidError(idps.length === 0 ? 'no IDPSSODescriptor' : 'more than one IDPSSODescriptor')
  const idp = idps[0]!
  const protocols = (attribute(idp, 'protocolSupportEnumeration') ?? '').split(/\s+/)
  if (!protocols.includes(SAML2_PROTOCOL)) throw new MetadataInvalidError(`the IDPSSODescriptor does not support ${SAML2_PROTOCOL}`)

  const warnings: string[] = []
  const signingCertificates = signingKeyDescriptors(idp).flatMap((descriptor) => certificatesOf(descriptor)).map((der) => checkedCertificate(der, now, warnings))
  if (signingCertificates.length === 0) throw new MetadataInvalidError('no signing certificate (a KeyDescriptor with use="signing" or without use, holding an X509Certificate)')
  const singleSignOnServices = endpoints(idp, 'SingleSignOnService')
  if (singleSignOnServices.length === 0) throw new MetadataInvalidError('no SingleSignOnService')
  return {
    entityId,
    signingCertificates,
    nameIdFormats: childElements(idp, NS.md, 'NameIDFormat').map((e) => text(e)).filter((f) => f !== ''),
    singleSignOnServices,
    singleLogoutServices: endpoints(idp, 'SingleLogoutService'),
    warnings,
  }
}

/** The one EntityDescriptor with an IdP role: the root, or the only such child of an EntitiesDescriptor. */
function identityProviderEntity(root: Element): Element {
  if (root.namespaceURI === NS.md && root.localName === 'EntityDescriptor') return root
  if (root.namespaceURI === NS.md && root.localName === 'EntitiesDescriptor') {
    const idps = childElements(root, NS.md, 'EntityDescriptor').filter((e) => childElement(e, NS.md, 'IDPSSODescriptor'))
    if (idps.length === 1) return idps[0]!
    throw new MetadataInvalidError(idps.length === 0 ? 'the EntitiesDescriptor holds no identity provider' : 'the EntitiesDescriptor holds more than one identity provider; import one at a time')
  }
  throw new MetadataInvalidError('the root element is not an md:EntityDescriptor')
}

function signingKeyDescriptors(idp: Element): Element[] {
  return childElements(idp, NS.md, 'KeyDescriptor').filter((d) => {
    const use = attribute(d, 'use')
    return use === undefined || use === 'signing'
  })
}

/** DER bytes of every `ds:KeyInfo/ds:X509Data/ds:X509Certificate` of a KeyDescriptor. */
function certificatesOf(descriptor: Element): Buffer[] {
  const keyInfo = childElement(descriptor, NS.ds, 'KeyInfo')
  if (!keyInfo) return []
  return childElements(keyInfo, NS.ds, 'X509Data')
    .flatMap((data) => childElements(data, NS.ds, 'X509Certificate'))
    .map((element) => {
      const base64 = text(element).replace(/\s+/g, '')
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new MetadataInvalidError('an X509Certificate is not base64')
      return Buffer.from(base64, 'base64')
    })
}

/** The certificate as PEM, once it parses, is in its validity period and has an RSA key. */
function checkedCertificate(der: Buffer, now: number, warnings: string[]): string {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(der)
  } catch {
    throw new MetadataInvalidError('a signing certificate cannot be parsed')
  }
  if (Date.parse(certificate.validTo) <= now) throw new MetadataInvalidError(`the signing certificate ${certificate.subject.replace(/\n/g, ', ')} expired on ${new Date(certificate.validTo).toISOString()}`)
  const key = certificate.publicKey
  // xml-crypto verifies RSA signatures only; an EC key could never verify a response.
  if (key.asymmetricKeyType !== 'rsa') throw new MetadataInvalidError(`a signing certificate holds a ${key.asymmetricKeyType ?? 'unknown'} key; only RSA keys are supported`)
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < WEAK_RSA_BITS) warnings.push(`signing key of ${bits} bits, below the recommended ${WEAK_RSA_BITS}`)
  return certificate.toString()
}

function endpoints(idp: Element, localName: string): SamlEndpoint[] {
  return childElements(idp, NS.md, localName).flatMap((e) => {
    const binding = attribute(e, 'Binding')
    const location = attribute(e, 'Location')
    return binding && location ? [{ binding, location }] : []
  })
}
