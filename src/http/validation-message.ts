/**
 * @module Turns an ajv error into the sentence Keystone's jsonschema validation would write, so
 * clients that show the server's message (the openstack CLI does) show a familiar one.
 */
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'

function repr(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 80)}...` : value}'`
  if (value === undefined) return 'None'
  if (value === null) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  let json: string
  try {
    json = JSON.stringify(value)
  } catch {
    // Too deep to print (a stack overflow here would turn a 400 into a 500).
    return Array.isArray(value) ? '[...]' : '{...}'
  }
  return json.length > 80 ? `${json.slice(0, 80)}...` : json
}

const JSON_TYPES: Record<string, string> = { string: 'string', boolean: 'boolean', object: 'object', array: 'array', integer: 'integer', number: 'number', null: 'null' }

export function validationMessage(error: FastifySchemaValidationError, context: string): string {
  const path = error.instancePath.replace(/^\//, '')
  const data = (error as { data?: unknown }).data
  const params = error.params as Record<string, unknown>
  let detail: string
  switch (error.keyword) {
    case 'required':
      detail = `'${String(params.missingProperty)}' is a required property`
      break
    case 'additionalProperties':
      detail = `Additional properties are not allowed ('${String(params.additionalProperty)}' was unexpected)`
      break
    case 'type':
      detail = `${repr(data)} is not of type '${JSON_TYPES[String(params.type)] ?? String(params.type)}'`
      break
    case 'maxLength':
      detail = `${repr(data)} is too long (at most ${String(params.limit)} characters)`
      break
    case 'minLength':
      detail = `${repr(data)} is too short`
      break
    case 'pattern':
      detail = `${repr(data)} does not match '${String(params.pattern)}'`
      break
    case 'enum':
      detail = `${repr(data)} is not one of [${(params.allowedValues as unknown[]).map(repr).join(', ')}]`
      break
    case 'const':
      detail = `${repr(data)} was expected to be ${repr(params.allowedValue)}`
      break
    case 'anyOf':
      detail = `${repr(data)} is not valid under any of the given schemas`
      break
    case 'minProperties':
      detail = `${repr(data)} does not have enough properties`
      break
    case 'minItems':
      detail = `${repr(data)} is too short`
      break
    case 'maxItems':
      detail = `${repr(data)} is too long`
      break
    case 'uniqueItems':
      detail = `${repr(data)} has non-unique elements`
      break
    case 'minimum':
      detail = `${repr(data)} is less than the minimum of ${String(params.limit)}`
      break
    case 'maximum':
      detail = `${repr(data)} is greater than the maximum of ${String(params.limit)}`
      break
    default:
      detail = error.message ?? 'is invalid'
  }
  const where = path || (context === 'body' ? '' : context)
  return where ? `Invalid input for field '${where}': ${detail}` : detail
}
