/** The problems `parseStateDocument` reports for a document it refuses; fails the test if it accepts it. */
import { parseStateDocument, StateDocumentError, type ParseOptions } from '../../src/state/state-document.js'

export function problemsOf(input: unknown, options: ParseOptions = {}): string[] {
  try {
    parseStateDocument(input, options)
  } catch (error) {
    if (error instanceof StateDocumentError) return error.problems
    throw error
  }
  throw new Error('the document was accepted')
}
