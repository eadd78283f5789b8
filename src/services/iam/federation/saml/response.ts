/**
 * @module Verifying an IdP-initiated SAML response (HTTP-POST binding) against an identity
 * provider's imported metadata, in the order of the spec's check list (iam-federation §4.4).
 * XML signatures are checked by xml-crypto; everything read after that comes from the XML the
 * signature covers (`getSignedReferences`), never from the posted document, so an element
 * wrapped around or beside the signed one cannot change what is believed.
 */
import { createRequire } from 'node:module'
import { UnauthorizedError, ValidationError } from '../../../../errors/app-error.js'
import { NS, XmlRejectedError, attribute, childElement, childElements, countDescendants, parseXml, text } from './xml.js'

/** Loaded on the first signed assertion (see `domParser` in xml.ts for why). */
let xmlCrypto: typeof import('xml-crypto') | undefined
const signedXml = () => (xmlCrypto ??= createRequire(import.meta.url)('xml-crypto') as typeof import('xml-crypto')).SignedXml

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
/** Transforms a SAML signature may use; anything else (XPath, XSLT) is refused before verifying. */
const ALLOWED_TRANSFORMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
])
const SHA1_ALGORITHMS: ReadonlySet<string> = new Set(['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1'])
const XML_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** A SAMLResponse that is not a SAML response at all (not base64, not XML, wrong root): 400. */
export class SamlResponseMalformedError extends ValidationError {
  override readonly code = 'saml_response_malformed'
  constructor(reason: string) {
    super(`Invalid SAMLResponse: ${reason}.`)
  }
}

/**
 * A response that fails a check: 401 with the generic message, as the clouds say nothing more
 * (spec OQ-3); `reason` names the check, for the log only.
 */
export class SamlResponseRejectedError extends UnauthorizedError {
  override readonly code = 'saml_response_rejected'
  constructor(readonly reason: string) {
    super(undefined, { reason })
  }
}

export interface SamlVerification {
  /** Entity id from the imported metadata: every Issuer must equal it. */
  readonly idpEntityId: string
  /** PEM certificates from the imported metadata; a signature must verify with one of them. */
  readonly certificates: readonly string[]
  /** This server's SP entity id: the Audience the assertion must name. */
  readonly spEntityId: string
  /** Values accepted as the Response's Destination and the confirmation's Recipient. */
  readonly acceptedRecipients: readonly string[]
  readonly now: number
  readonly skewMs: number
}

export interface VerifiedAssertion {
  readonly assertionId: string
  readonly nameId: string
  /** Attribute name (and FriendlyName, when different) → values; NameID as `__NAMEID__` and `_NAMEID_`. */
  readonly attributes: Readonly<Record<string, readonly string[]>>
  /** Last instant (ms) the assertion could be accepted: how long its id must be remembered against replay. */
  readonly acceptableUntil: number
  /** Accepted but worth a log line (SHA-1 signatures). */
  readonly warnings: readonly string[]
}

/** Decodes and checks a posted SAMLResponse; throws the errors above, never anything else for bad input. */
export function verifySamlResponse(samlResponse: string, options: SamlVerification): VerifiedAssertion {
  const xml = decode(samlResponse)
  const posted = rootResponse(xml)
  // The status first (spec order): a refusal from the IdP carries no assertion to look at. A
  // signed Response's status is the posted one, or its signature fails below.
  const status = childElement(posted, NS.samlp, 'Status')
  const statusCode = status && childElement(status, NS.samlp, 'StatusCode')
  const statusValue = statusCode && attribute(statusCode, 'Value')
  if (statusValue !== SUCCESS) reject(`status is ${statusValue ?? 'missing'}, not Success`)
  const warnings: string[] = []
  const { response, assertion } = signedContent(xml, posted, options.certificates, warnings)

  const issuers = [childElement(assertion, NS.saml, 'Issuer'), childElement(response, NS.saml, 'Issuer')]
  if (!issuers[0]) reject('the assertion has no Issuer')
  for (const issuer of issuers) {
    if (issuer && text(issuer) !== options.idpEntityId) reject(`Issuer ${text(issuer)} is not the metadata's entityID ${options.idpEntityId}`)
  }
  const conditionsUntil = checkConditions(assertion, options)
  const { nameId, confirmationUntil } = checkSubject(assertion, options)
  const destination = attribute(response, 'Destination')
  if (destination !== undefined && !options.acceptedRecipients.includes(destination)) reject(`Destination ${destination} is not this service`)
  if (attribute(response, 'InResponseTo') !== undefined) reject('InResponseTo on an IdP-initiated response')

  const assertionId = attribute(assertion, 'ID')!
  return {
    assertionId,
    nameId,
    attributes: attributesOf(assertion, nameId),
    acceptableUntil: Math.min(conditionsUntil, confirmationUntil) + options.skewMs,
    warnings,
  }
}

function reject(reason: string): never {
  throw new SamlResponseRejectedError(reason)
}

function decode(samlResponse: string): string {
  const compact = samlResponse.replace(/\s+/g, '')
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) throw new SamlResponseMalformedError('not base64')
  return Buffer.from(compact, 'base64').toString('utf8')
}

function parse(xml: string): Document {
  try {
    return parseXml(xml)
  } catch (error) {
    if (error instanceof XmlRejectedError) throw new SamlResponseMalformedError(error.message)
    throw error
  }
}

/** The posted document's root, once it is a SAML 2.0 `samlp:Response`. */
function rootResponse(xml: string): Element {
  const root = parse(xml).documentElement
  if (root.namespaceURI !== NS.samlp || root.localName !== 'Response') throw new SamlResponseMalformedError('the root element is not a samlp:Response')
  if (attribute(root, 'Version') !== '2.0') throw new SamlResponseMalformedError('Version is not 2.0')
  return root
}

/**
 * The Response and its one Assertion as the signature covers them: the signed Assertion when it
 * is signed (its own signature wins, as it travels on), else the assertion inside a signed
 * Response. A signature that is present must verify, whichever else does.
 */
function signedContent(xml: string, posted: Element, certificates: readonly string[], warnings: string[]): { response: Element; assertion: Element } {
  // Exactly one assertion anywhere in the document: a second one (wrapped into Extensions, an
  // Advice, or beside the first) is the shape of a signature-wrapping attempt.
  const encrypted = countDescendants(posted, NS.saml, 'EncryptedAssertion')
  if (encrypted > 0) reject('encrypted assertions are not supported')
  const assertions = childElements(posted, NS.saml, 'Assertion')
  if (countDescendants(posted, NS.saml, 'Assertion') !== 1 || assertions.length !== 1) reject('not exactly one Assertion, a direct child of the Response')
  const postedAssertion = assertions[0]!

  const signedResponse = verifiedElement(xml, posted, certificates, warnings)
  const signedAssertion = verifiedElement(xml, postedAssertion, certificates, warnings)
  if (signedAssertion) {
    return { response: signedResponse ?? posted, assertion: signedAssertion }
  }
  if (signedResponse) {
    const inside = childElements(signedResponse, NS.saml, 'Assertion')
    if (inside.length !== 1) reject('the signed Response does not hold exactly one Assertion')
    return { response: signedResponse, assertion: inside[0]! }
  }
  return reject('neither the Response nor the Assertion is signed')
}

/**
 * `element` as its enveloped signature covers it (parsed again from the signed octets), or
 * undefined when it carries no signature. The signature must reference exactly this element
 * by its ID and verify with one of the metadata's certificates; the KeyInfo it carries is never
 * trusted (xml-crypto's default `getCertFromKeyInfo` returns nothing).
 */
function verifiedElement(xml: string, element: Element, certificates: readonly string[], warnings: string[]): Element | undefined {
  const signatures = childElements(element, NS.ds, 'Signature')
  if (signatures.length === 0) return undefined
  const name = element.localName
  if (signatures.length > 1) reject(`more than one Signature on the ${name}`)
  const id = attribute(element, 'ID')
  if (!id) reject(`the signed ${name} has no ID`)
  let lastFailure = 'no certificate'
  for (const publicCert of certificates) {
    const signed = new (signedXml())({ publicCert })
    try {
      signed.loadSignature(signatures[0]!)
    } catch (error) {
      reject(`the ${name} signature cannot be read: ${(error as Error).message}`)
    }
    const references = signed.getReferences()
    if (references.length !== 1 || references[0]!.uri !== `#${id}`) reject(`the ${name} signature does not reference the ${name} (#${id})`)
    const reference = references[0]!
    const transform = reference.transforms.find((t) => !ALLOWED_TRANSFORMS.has(t))
    if (transform) reject(`the ${name} signature uses the transform ${transform}`)
    try {
      if (!signed.checkSignature(xml)) { lastFailure = 'a reference does not verify'; continue }
    } catch (error) {
      lastFailure = (error as Error).message
      continue
    }
    if (SHA1_ALGORITHMS.has(signed.signatureAlgorithm ?? '') || SHA1_ALGORITHMS.has(reference.digestAlgorithm ?? '')) warnings.push(`the ${name} is signed with SHA-1`)
    const covered = signed.getSignedReferences()
    if (covered.length !== 1) reject(`the ${name} signature covers ${covered.length} references`)
    const copy = parse(covered[0]!).documentElement
    if (copy.namespaceURI !== element.namespaceURI || copy.localName !== name || attribute(copy, 'ID') !== id) reject(`the ${name} signature covers another element`)
    return copy
  }
  return reject(`the ${name} signature does not verify with a certificate of the metadata (${lastFailure})`)
}

function instant(element: Element, name: string): number | undefined {
  const value = attribute(element, name)
  if (value === undefined) return undefined
  if (!XML_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) reject(`${element.localName}/@${name} is not an xs:dateTime`)
  return Date.parse(value)
}

/** Time window and audience; answers the Conditions' NotOnOrAfter (Infinity when open-ended). */
function checkConditions(assertion: Element, { now, skewMs, spEntityId }: SamlVerification): number {
  const conditions = childElement(assertion, NS.saml, 'Conditions')
  if (!conditions) reject('the assertion has no Conditions')
  const notBefore = instant(conditions, 'NotBefore')
  const notOnOrAfter = instant(conditions, 'NotOnOrAfter')
  if (notBefore !== undefined && notBefore > now + skewMs) reject('the assertion is not yet valid (Conditions/@NotBefore)')
  if (notOnOrAfter !== undefined && now - skewMs >= notOnOrAfter) reject('the assertion has expired (Conditions/@NotOnOrAfter)')
  const restrictions = childElements(conditions, NS.saml, 'AudienceRestriction')
  if (restrictions.length === 0) reject('the assertion has no AudienceRestriction')
  // Each restriction must be met on its own (SAML core §2.5.1.4).
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, NS.saml, 'Audience').map((a) => text(a))
    if (!audiences.includes(spEntityId)) reject(`the Audience ${audiences.join(', ') || '(none)'} is not ${spEntityId}`)
  }
  return notOnOrAfter ?? Number.POSITIVE_INFINITY
}

/** NameID and one usable bearer confirmation; answers the confirmation's NotOnOrAfter. */
function checkSubject(assertion: Element, { now, skewMs, acceptedRecipients }: SamlVerification): { nameId: string; confirmationUntil: number } {
  const subject = childElement(assertion, NS.saml, 'Subject')
  if (!subject) reject('the assertion has no Subject')
  const nameId = text(childElement(subject, NS.saml, 'NameID'))
  if (nameId === '') reject('the Subject has no NameID')
  const bearers = childElements(subject, NS.saml, 'SubjectConfirmation').filter((c) => attribute(c, 'Method') === BEARER)
  if (bearers.length === 0) reject('the Subject has no bearer SubjectConfirmation')
  let failure = ''
  for (const bearer of bearers) {
    const data = childElement(bearer, NS.saml, 'SubjectConfirmationData')
    const notOnOrAfter = data && instant(data, 'NotOnOrAfter')
    const notBefore = data && instant(data, 'NotBefore')
    const recipient = data && attribute(data, 'Recipient')
    if (!data || notOnOrAfter === undefined) failure = 'the bearer confirmation has no NotOnOrAfter'
    else if (now - skewMs >= notOnOrAfter) failure = 'the bearer confirmation has expired (SubjectConfirmationData/@NotOnOrAfter)'
    else if (notBefore !== undefined && notBefore > now + skewMs) failure = 'the bearer confirmation is not yet valid'
    else if (recipient !== undefined && !acceptedRecipients.includes(recipient)) failure = `the Recipient ${recipient} is not this service`
    else if (attribute(data, 'InResponseTo') !== undefined) failure = 'InResponseTo on an IdP-initiated response'
    else return { nameId, confirmationUntil: notOnOrAfter }
  }
  return reject(failure)
}

/** Every Attribute's values under its Name and FriendlyName, plus the NameID (spec §4.4). */
function attributesOf(assertion: Element, nameId: string): Record<string, string[]> {
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>
  const add = (name: string, values: string[]) => { attributes[name] = [...(attributes[name] ?? []), ...values] }
  for (const statement of childElements(assertion, NS.saml, 'AttributeStatement')) {
    for (const element of childElements(statement, NS.saml, 'Attribute')) {
      const name = attribute(element, 'Name')
      if (!name) continue
      const values = childElements(element, NS.saml, 'AttributeValue').map((v) => text(v))
      add(name, values)
      const friendly = attribute(element, 'FriendlyName')
      if (friendly && friendly !== name) add(friendly, values)
    }
  }
  attributes.__NAMEID__ = [nameId]
  attributes._NAMEID_ = [nameId]
  return attributes
}
