/**
 * @module Validation of the permission documents accounts write themselves (custom policies):
 * `{"Version":"1.1","Statement":[{"Effect":"Allow"|"Deny","Action":["service:resource:action"]}]}`.
 * A document is refused whole, naming the first field at fault; none is stored half-understood.
 * `Condition` and `Resource` are refused rather than ignored, since ignoring them would grant
 * more than the author meant.
 */
import { InvalidFieldError } from '../errors/app-error.js'
import type { PolicyDocument, PolicyStatement } from './policy-document.js'

/** The clouds' limit on a custom policy's size, in characters of JSON. */
export const MAX_POLICY_CHARACTERS = 6144
const MAX_STATEMENTS = 8
const MAX_ACTIONS = 100
const MAX_ACTION_LENGTH = 128
/**
 * `service:resource:action`: the service in lower case (the clouds' rule), the other parts letters,
 * digits, `_`, `-`, `.`; the wildcards `*` and `?` anywhere.
 */
const ACTION = /^[a-z0-9_.*?-]+:[A-Za-z0-9_.*?-]+:[A-Za-z0-9_.*?-]+$/

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function validateCustomPolicy(doc: unknown, field: string): PolicyDocument {
  if (!isObject(doc)) throw new InvalidFieldError(field, 'the policy must be an object with Version and Statement')
  if (JSON.stringify(doc).length > MAX_POLICY_CHARACTERS) {
    throw new InvalidFieldError(field, `the policy is longer than ${MAX_POLICY_CHARACTERS} characters`)
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'Version' && key !== 'Statement') throw new InvalidFieldError(`${field}/${key}`, `'${key}' is not a policy field (Version, Statement)`)
  }
  if (doc.Version !== '1.1') throw new InvalidFieldError(`${field}/Version`, `'${String(doc.Version)}' is not supported; custom policies use "1.1"`)
  const statements = doc.Statement
  if (!Array.isArray(statements) || statements.length === 0 || statements.length > MAX_STATEMENTS) {
    throw new InvalidFieldError(`${field}/Statement`, `Statement must be a list of 1 to ${MAX_STATEMENTS} statements`)
  }
  return { Version: '1.1', Statement: statements.map((s, i) => validateStatement(s, `${field}/Statement/${i}`)) }
}

function validateStatement(statement: unknown, field: string): PolicyStatement {
  if (!isObject(statement)) throw new InvalidFieldError(field, 'a statement must be an object with Effect and Action')
  for (const key of Object.keys(statement)) {
    if (key === 'Condition' || key === 'Resource') {
      throw new InvalidFieldError(`${field}/${key}`, `'${key}' is not supported by this server; a statement may only have Effect and Action`)
    }
    if (key !== 'Effect' && key !== 'Action') throw new InvalidFieldError(`${field}/${key}`, `'${key}' is not a statement field (Effect, Action)`)
  }
  const effect = statement.Effect
  if (effect !== 'Allow' && effect !== 'Deny') throw new InvalidFieldError(`${field}/Effect`, `'${String(effect)}' is not one of 'Allow', 'Deny'`)
  const actions = statement.Action
  if (!Array.isArray(actions) || actions.length === 0 || actions.length > MAX_ACTIONS) {
    throw new InvalidFieldError(`${field}/Action`, `Action must be a list of 1 to ${MAX_ACTIONS} actions`)
  }
  actions.forEach((action, j) => {
    if (typeof action !== 'string' || action.length > MAX_ACTION_LENGTH || !ACTION.test(action)) {
      throw new InvalidFieldError(`${field}/Action/${j}`, `'${String(action)}' is not an action of the form service:resource:action (service in lower case, at most ${MAX_ACTION_LENGTH} characters, wildcards * and ?)`)
    }
  })
  return { Effect: effect, Action: actions as string[] }
}
