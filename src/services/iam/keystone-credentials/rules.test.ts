/**
 * Keystone's words for credential bodies: Python's repr as jsonschema prints instances, Python's
 * json.dumps spacing, and the checks in Keystone's order.
 */
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../../errors/app-error.js'
import { checkCreateBody, checkEc2BlobUpdate, checkUpdateBody, ec2CredentialId, extrasOf, normalizeKeys, parseEc2Blob, pyJsonDumps, pyRepr } from './rules.js'

const message = (work: () => void) => {
  try {
    work()
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return (error as Error).message
  }
  throw new Error('no refusal')
}

describe('pyRepr', () => {
  it('prints values as Python does', () => {
    expect(pyRepr({ a: 'x', b: null, c: true, d: [1, 2.5, false], e: {} })).toBe("{'a': 'x', 'b': None, 'c': True, 'd': [1, 2.5, False], 'e': {}}")
    expect(pyRepr("it's")).toBe('"it\'s"')
    expect(pyRepr('both \' and "')).toBe("'both \\' and \"'")
    expect(pyRepr(undefined)).toBe('None')
  })
})

describe('credential bodies', () => {
  it('checks types, then the required attributes of either kind', () => {
    expect(message(() => checkCreateBody('x'))).toBe("'x' is not of type 'object'")
    expect(message(() => checkCreateBody({ blob: 1 }))).toBe("Invalid input for field 'blob': 1 is not of type 'string'")
    expect(message(() => checkCreateBody({ type: 'ec2', user_id: 'u', blob: 'b' }))).toBe("{'type': 'ec2', 'user_id': 'u', 'blob': 'b'} is not valid under any of the given schemas")
    expect(() => checkCreateBody({ type: 'EC2', user_id: 'u', blob: 'b' })).not.toThrow()
    expect(message(() => checkUpdateBody({}))).toBe('{} does not have enough properties')
    expect(message(() => checkUpdateBody({ project_id: null }))).toBe("Invalid input for field 'project_id': None is not of type 'string'")
  })

  it('reads an EC2 blob and keeps its delegation keys', () => {
    expect(message(() => parseEc2Blob('{'))).toBe('Invalid blob in credential')
    expect(message(() => parseEc2Blob('"text"'))).toMatch(/^Expecting to find blob in credential\./)
    expect(message(() => parseEc2Blob('{"secret": "s"}'))).toMatch(/^Expecting to find access in credential\./)
    expect(parseEc2Blob('{"access": "a"}')).toEqual({ access: 'a' })
    expect(() => checkEc2BlobUpdate('{"access": "a", "trust_id": null}', '{"access": "b"}')).not.toThrow()
    expect(message(() => checkEc2BlobUpdate('{"access": "a", "app_cred_id": "x"}', '{"access": "a"}'))).toBe('app_cred_id can not be updated for credential')
  })

  it('hashes access keys, writes blobs as Python does and keeps extras under normalized names', () => {
    expect(ec2CredentialId('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(pyJsonDumps({ access: 'a', secret: 's', trust_id: null })).toBe('{"access": "a", "secret": "s", "trust_id": null}')
    expect(extrasOf(normalizeKeys({ user_id: 'u', 'a-b': 1, 'c:d': 2, id: 'x', links: {} }))).toEqual({ a_b: 1, c_d: 2 })
  })
})
