/**
 * @module Reading untrusted SAML XML: one strict parse (no DTD, no parser complaints tolerated)
 * and namespace-aware look-ups of direct children, so nothing nested somewhere unexpected (a
 * wrapped copy of an element) is ever picked up by a search through the whole document.
 */
import { createRequire } from 'node:module'

/** Loaded on the first SAML document: most servers never federate, and the XML stack costs memory in every one. */
let xmldom: typeof import('@xmldom/xmldom') | undefined
const domParser = () => (xmldom ??= createRequire(import.meta.url)('@xmldom/xmldom') as typeof import('@xmldom/xmldom')).DOMParser

export const NS = {
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
} as const

/** Why a text is not XML we read; the caller words the error for its endpoint. */
export class XmlRejectedError extends Error {}

/**
 * Parses `text` as one XML document. A DOCTYPE is refused outright (entity expansion and external
 * entities have no place in SAML), and so is anything the parser only warns about: xmldom
 * otherwise repairs broken markup silently, and a repaired document is not what was signed.
 */
export function parseXml(text: string): Document {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new XmlRejectedError('a DOCTYPE is not allowed')
  const problems: string[] = []
  const record = (message: string) => { problems.push(message) }
  const doc = new (domParser())({ errorHandler: { warning: record, error: record, fatalError: record } }).parseFromString(text, 'text/xml')
  if (problems.length > 0) throw new XmlRejectedError(`not well-formed XML: ${problems[0]!.split('\n')[0]}`)
  if (!doc || !doc.documentElement) throw new XmlRejectedError('not well-formed XML: no root element')
  return doc as unknown as Document
}

/** Element children of `parent` with this namespace and local name, in document order. */
export function childElements(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = []
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === localName) found.push(node as Element)
  }
  return found
}

/** The first such child, or undefined when there is none. */
export function childElement(parent: Element, ns: string, localName: string): Element | undefined {
  return childElements(parent, ns, localName)[0]
}

/** The element's text with surrounding white space removed. */
export function text(element: Element | undefined): string {
  return (element?.textContent ?? '').trim()
}

/** An attribute's value, undefined when absent (xmldom answers '' for both). */
export function attribute(element: Element, name: string): string | undefined {
  return element.hasAttribute(name) ? element.getAttribute(name) ?? undefined : undefined
}

/** Every element with this namespace and local name anywhere below `root` (counting, never choosing). */
export function countDescendants(root: Document | Element, ns: string, localName: string): number {
  return root.getElementsByTagNameNS(ns, localName).length
}
