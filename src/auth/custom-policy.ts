/**
 * @module Validation of the permission documents accounts write themselves (custom policies):
 * `{"Version":"1.1","Statement":[{"Effect":"Allow"|"Deny","Action":["service:resource:action"]}]}`.
 * A document is refused whole, naming the first field at fault; none is stored half-understood.
 *
 * Two kinds of statement, as on the clouds: cloud-service statements, and agency statements
 * (`"Action":["iam:agencies:assume"]`) that may be limited to some agencies by
 * `"Resource":{"uri":["/iam/agencies/<agency id>"]}`. `Condition` anywhere, and `Resource` on a
 * cloud-service statement (service resource URNs), are refused rather than ignored: this server
 * cannot evaluate them, and ignoring them would grant more than the author meant.
 */
import { InvalidFieldError } from '../errors/app-error.js'
import { ASSUME_AGENCY_ACTIONS, type PolicyDocument, type PolicyResource, type PolicyStatement } from './policy-document.js'

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
/** The one action an agency statement has (the SDK's enum, the clouds' documents). */
const AGENCY_ACTION = ASSUME_AGENCY_ACTIONS[0]!
const MAX_AGENCY_URIS = 20
const MAX_AGENCY_URI_LENGTH = 128
/**
 * Agency ids are 32 lower-case hex digits; the agency usually belongs to another account, so its
 * existence cannot be checked, only the shape (a wrong one would silently never match).
 */
const AGENCY_URI = /^\/iam\/agencies\/[0-9a-f]{32}$/
const STATEMENT_FIELDS = ['Effect', 'Action', 'Resource', 'Condition']

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
    if (!STATEMENT_FIELDS.includes(key)) throw new InvalidFieldError(`${field}/${key}`, `'${key}' is not a statement field (Effect, Action, Resource)`)
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
  const agency = actions.length === 1 && actions[0] === AGENCY_ACTION
  if ('Condition' in statement) {
    throw new InvalidFieldError(`${field}/Condition`, agency
      ? "'Condition' is not allowed on an agency statement (Old policies do not support conditions.)"
      : "'Condition' is not supported by this server; a statement may only have Effect, Action and, on an agency statement, Resource")
  }
  const validated: PolicyStatement = { Effect: effect, Action: actions as string[] }
  if (!('Resource' in statement)) return validated
  if (!agency) {
    // The clouds refuse a Resource object here too (IAM.1038); their resource URNs of cloud
    // services are refused because nothing here could tell which resource a request touches.
    throw new InvalidFieldError(`${field}/Resource`, `'Resource' is only supported on an agency statement, whose Action is exactly ["${AGENCY_ACTION}"] (Old resources only support agencies.)`)
  }
  return { ...validated, Resource: validateAgencyResource(statement.Resource, `${field}/Resource`) }
}

function validateAgencyResource(resource: unknown, field: string): PolicyResource {
  if (!isObject(resource)) throw new InvalidFieldError(field, 'the Resource of an agency statement must be an object {"uri": ["/iam/agencies/<agency id>", ...]}')
  for (const key of Object.keys(resource)) {
    if (key !== 'uri') throw new InvalidFieldError(`${field}/${key}`, `'${key}' is not a Resource field (uri)`)
  }
  const uris = resource.uri
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_AGENCY_URIS) {
    throw new InvalidFieldError(`${field}/uri`, `uri must be a list of 1 to ${MAX_AGENCY_URIS} agency URIs`)
  }
  uris.forEach((uri, k) => {
    if (typeof uri !== 'string' || uri.length > MAX_AGENCY_URI_LENGTH || !AGENCY_URI.test(uri)) {
      throw new InvalidFieldError(`${field}/uri/${k}`, `'${String(uri)}' is not an agency URI of the form /iam/agencies/<agency id> (32 lower-case hex digits)`)
    }
  })
  return { uri: uris as string[] }
}
