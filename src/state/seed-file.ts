/**
 * @module The seed file of `serve --seed` (`PROJECTPLANE_SEED`): read and checked before the
 * store is even opened, so a bad seed stops the start at once with every problem listed.
 */
import fs from 'node:fs'
import type { FlavourName } from '../flavours.js'
import type { PasswordPolicy } from '../config.js'
import { withLineAndColumn } from './json-position.js'
import { parseStateDocument, StateDocumentError, type StateDocument } from './state-document.js'

export function readSeedFile(file: string, options: { flavour: FlavourName; passwordPolicy: PasswordPolicy }): StateDocument {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new StateDocumentError([`(file): cannot read it: ${(error as Error).message}`], `seed ${file}`)
  }
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (error) {
    throw new StateDocumentError([`(file): not JSON: ${withLineAndColumn((error as Error).message, text)}`], `seed ${file}`)
  }
  try {
    return parseStateDocument(input, options)
  } catch (error) {
    if (error instanceof StateDocumentError) throw new StateDocumentError(error.problems, `seed ${file}`)
    throw error
  }
}
