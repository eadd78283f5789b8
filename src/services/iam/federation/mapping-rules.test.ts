/**
 * The mapping rules language against the spec's cases (iam-federation.md §2.3, §2.5, §9 "Mapping
 * scenarios") and Keystone's documented mapping combinations
 * (docs.openstack.org/keystone/latest/admin/federation/mapping_combinations.html): evaluation
 * order and combination, conditions, placeholders, and what a write refuses.
 */
import { describe, expect, it } from 'vitest'
import { claimsAsAttributes, evaluateMapping, listOf, validateMappingRules, type Attributes, type MappingRule } from './mapping-rules.js'

const rules = (value: unknown): MappingRule[] => {
  validateMappingRules(value)
  return value
}

/** §2.5, the spec's worked example. */
const WORKED = rules([
  { local: [{ user: { name: '{0} {1}' } }], remote: [{ type: 'FirstName' }, { type: 'LastName' }] },
  { local: [{ group: { name: 'admin' } }], remote: [{ type: 'Groups', any_one_of: ['idp_admin'] }] },
  { local: [{ user: { name: 'x' } }, { groups: '{0}' }], remote: [{ type: 'Groups', whitelist: ['dev', 'ops'] }] },
])

describe('evaluateMapping', () => {
  const cases: { name: string; rules: MappingRule[]; attributes: Attributes; expected: ReturnType<typeof evaluateMapping> }[] = [
    {
      name: '§2.5: the first applying rule names the user, every applying rule adds groups',
      rules: WORKED, attributes: { FirstName: ['John'], LastName: ['Smith'], Groups: ['idp_user', 'idp_admin', 'dev'] },
      expected: { user: { name: 'John Smith' }, groups: [{ name: 'admin' }, { name: 'dev' }] },
    },
    {
      name: '§2.5: without Groups the group rules do not apply',
      rules: WORKED, attributes: { FirstName: ['John'], LastName: ['Smith'] },
      expected: { user: { name: 'John Smith' }, groups: [] },
    },
    {
      name: '§2.5 (R1, R2): only Groups: the group rule applies but no rule names a user',
      rules: WORKED.slice(0, 2), attributes: { Groups: ['idp_admin'] },
      expected: { user: undefined, groups: [{ name: 'admin' }] },
    },
    {
      name: 'no rule applies: no match',
      rules: WORKED, attributes: { Email: ['a@b.c'] }, expected: undefined,
    },
    {
      name: 'an empty attribute is an absent one',
      rules: rules([{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'sub' }] }]), attributes: { sub: [] }, expected: undefined,
    },
    {
      name: 'not_any_of: the attribute absent means the rule does not apply (§9)',
      rules: rules([{ local: [{ user: { name: 'u' } }], remote: [{ type: 'Groups', not_any_of: ['banned'] }] }]), attributes: {}, expected: undefined,
    },
    {
      name: 'not_any_of: a listed value stops the rule, others let it apply',
      rules: rules([
        { local: [{ user: { name: 'blocked' } }], remote: [{ type: 'Groups', not_any_of: ['banned'] }, { type: 'sub', any_one_of: ['a'] }] },
        { local: [{ user: { name: 'fallback' } }], remote: [{ type: 'sub' }] },
      ]),
      attributes: { Groups: ['banned', 'x'], sub: ['a'] }, expected: { user: { name: 'fallback' }, groups: [] },
    },
    {
      name: 'any_one_of with regex is an unanchored search (Python re.search)',
      rules: rules([{ local: [{ group: { name: 'staff' } }, { user: { name: 'u' } }], remote: [{ type: 'email', any_one_of: ['@example\\.com'], regex: true }] }]),
      attributes: { email: ['jo@example.com.evil'] }, expected: { user: { name: 'u' }, groups: [{ name: 'staff' }] },
    },
    {
      name: 'regex anchored with ^…$ matches whole values only',
      rules: rules([{ local: [{ user: { name: 'u' } }], remote: [{ type: 'email', any_one_of: ['^.*@example\\.com$'], regex: true }] }]),
      attributes: { email: ['jo@example.com.evil'] }, expected: undefined,
    },
    {
      name: 'without regex, values compare exactly and case-sensitively',
      rules: rules([{ local: [{ user: { name: 'u' } }], remote: [{ type: 'g', any_one_of: ['Admin'] }] }]),
      attributes: { g: ['admin'] }, expected: undefined,
    },
    {
      name: 'a multi-valued placeholder into groups becomes a JSON list, parsed into several groups (§9)',
      rules: rules([{ local: [{ user: { name: '{0}' } }, { groups: '{1}' }], remote: [{ type: 'sub' }, { type: 'groups' }] }]),
      attributes: { sub: ['w1'], groups: ['deployers', 'readers'] }, expected: { user: { name: 'w1' }, groups: [{ name: 'deployers' }, { name: 'readers' }] },
    },
    {
      name: 'blacklist drops the listed values and yields the rest',
      rules: rules([{ local: [{ user: { name: 'u' } }, { groups: '{0}' }], remote: [{ type: 'groups', blacklist: ['root'] }] }]),
      attributes: { groups: ['root', 'dev'] }, expected: { user: { name: 'u' }, groups: [{ name: 'dev' }] },
    },
    {
      name: 'whitelist with regex keeps the matching values',
      rules: rules([{ local: [{ user: { name: 'u' } }, { groups: '{0}' }], remote: [{ type: 'groups', whitelist: ['^team-'], regex: true }] }]),
      attributes: { groups: ['team-a', 'other', 'team-b'] }, expected: { user: { name: 'u' }, groups: [{ name: 'team-a' }, { name: 'team-b' }] },
    },
    {
      name: 'whitelist matching nothing still applies, with an empty list for its placeholder',
      rules: rules([{ local: [{ user: { name: 'u' } }, { groups: '{0}' }], remote: [{ type: 'groups', whitelist: ['dev'] }] }]),
      attributes: { groups: ['ops'] }, expected: { user: { name: 'u' }, groups: [] },
    },
    {
      name: 'two rules with a user each: the first wins (§9)',
      rules: rules([
        { local: [{ user: { name: 'first' } }], remote: [{ type: 'sub' }] },
        { local: [{ user: { name: 'second' } }, { group: { name: 'g2' } }], remote: [{ type: 'sub' }] },
      ]),
      attributes: { sub: ['s'] }, expected: { user: { name: 'first' }, groups: [{ name: 'g2' }] },
    },
    {
      name: 'Keystone combination: user and group in one local item, group with its domain',
      rules: rules([{ local: [{ user: { name: '{0}' }, group: { name: 'devs', domain: { id: 'd1' } } }], remote: [{ type: 'REMOTE_USER' }] }]),
      attributes: { REMOTE_USER: ['bob'] }, expected: { user: { name: 'bob' }, groups: [{ name: 'devs', domain: { id: 'd1' } }] },
    },
    {
      name: 'Keystone combination: groups with a sibling domain, and group ids',
      rules: rules([{ local: [{ user: { name: '{0}' } }, { groups: '{1}', domain: { name: 'Default' } }, { group_ids: '{2}' }], remote: [{ type: 'u' }, { type: 'g' }, { type: 'ids' }] }]),
      attributes: { u: ['bob'], g: ['a', 'b'], ids: ['0cd5e9'] },
      expected: { user: { name: 'bob' }, groups: [{ name: 'a', domain: { name: 'Default' } }, { name: 'b', domain: { name: 'Default' } }, { id: '0cd5e9' }] },
    },
    {
      name: 'Keystone combination: a literal groups list in a string',
      rules: rules([{ local: [{ user: { name: 'u' } }, { groups: '["admin","manager"]' }], remote: [{ type: 'sub' }] }]),
      attributes: { sub: ['x'] }, expected: { user: { name: 'u' }, groups: [{ name: 'admin' }, { name: 'manager' }] },
    },
    {
      name: 'gophercloud sends {"name": ""} for an absent user or group: treated as absent (OQ-15)',
      rules: rules([{ local: [{ user: { name: '' }, group: { name: 'g' } }, { user: { name: 'real' }, group: { name: '' } }], remote: [{ type: 'sub' }] }]),
      attributes: { sub: ['x'] }, expected: { user: { name: 'real' }, groups: [{ name: 'g' }] },
    },
    {
      name: '§2.4 default mapping: anyone with a NameID is FederationUser',
      rules: rules([{ local: [{ user: { name: 'FederationUser' } }], remote: [{ type: '__NAMEID__' }] }]),
      attributes: { __NAMEID__: ['jdoe'] }, expected: { user: { name: 'FederationUser' }, groups: [] },
    },
  ]
  for (const c of cases) it(c.name, () => expect(evaluateMapping(c.rules, c.attributes)).toEqual(c.expected))

  it('placeholders are replaced in every string of a local item, nested ones too', () => {
    const r = rules([{ local: [{ user: { name: '{0}', email: '{1}', domain: { name: 'D-{0}' } } }], remote: [{ type: 'a' }, { type: 'b' }] }])
    expect(evaluateMapping(r, { a: ['x'], b: ['x@y'] })?.user).toEqual({ name: 'x', email: 'x@y' })
  })

  it('an attribute named like an Object.prototype member is not there unless asserted', () => {
    const r = rules([{ local: [{ user: { name: 'u' } }], remote: [{ type: 'constructor' }] }])
    expect(evaluateMapping(r, {})).toBeUndefined()
  })
})

describe('validateMappingRules (400 on write, Keystone jsonschema wording)', () => {
  const refusals: [string, unknown, string][] = [
    ['rules not an array', { a: 1 }, `Invalid input for field 'mapping/rules': {"a":1} is not of type 'array'`],
    ['no rules', [], "Invalid input for field 'mapping/rules': [] should be non-empty"],
    ['rule without remote', [{ local: [] }], "Invalid input for field 'mapping/rules/0': 'remote' is a required property"],
    ['rule without local', [{ remote: [{ type: 'a' }] }], "Invalid input for field 'mapping/rules/0': 'local' is a required property"],
    ['unknown key in a rule', [{ local: [], remote: [{ type: 'a' }], x: 1 }], "Invalid input for field 'mapping/rules/0': Additional properties are not allowed ('x' was unexpected)"],
    ['empty remote', [{ local: [], remote: [] }], "Invalid input for field 'mapping/rules/0/remote': [] should be non-empty"],
    ['remote without type', [{ local: [], remote: [{}] }], "Invalid input for field 'mapping/rules/0/remote/0': 'type' is a required property"],
    ['type not a string', [{ local: [], remote: [{ type: 1 }] }], "Invalid input for field 'mapping/rules/0/remote/0/type': is not of type 'string'"],
    ['two conditions', [{ local: [], remote: [{ type: 'a', any_one_of: ['x'], not_any_of: ['y'] }] }], "Invalid input for field 'mapping/rules/0/remote/0': 'any_one_of' and 'not_any_of' cannot be combined in one condition"],
    ['condition not strings', [{ local: [], remote: [{ type: 'a', any_one_of: [1] }] }], "Invalid input for field 'mapping/rules/0/remote/0/any_one_of': is not an array of strings"],
    ['regex not boolean', [{ local: [], remote: [{ type: 'a', any_one_of: ['x'], regex: 'yes' }] }], "Invalid input for field 'mapping/rules/0/remote/0/regex': is not of type 'boolean'"],
    ['regex without a list', [{ local: [], remote: [{ type: 'a', regex: true }] }], "Invalid input for field 'mapping/rules/0/remote/0/regex': is only allowed with any_one_of, not_any_of, whitelist or blacklist"],
    ['bad regular expression', [{ local: [], remote: [{ type: 'a', any_one_of: ['('], regex: true }] }], "Invalid input for field 'mapping/rules/0/remote/0/any_one_of': '(' is not a valid regular expression"],
    ['unknown remote key', [{ local: [], remote: [{ type: 'a', all_of: ['x'] }] }], "Invalid input for field 'mapping/rules/0/remote/0': Additional properties are not allowed ('all_of' was unexpected)"],
    ['unknown local key', [{ local: [{ role: {} }], remote: [{ type: 'a' }] }], "Invalid input for field 'mapping/rules/0/local/0': Additional properties are not allowed ('role' was unexpected)"],
    ['user name not a string', [{ local: [{ user: { name: 1 } }], remote: [{ type: 'a' }] }], "Invalid input for field 'mapping/rules/0/local/0/user/name': is not of type 'string'"],
    ['placeholder out of range (§9)', [{ local: [{ user: { name: '{1}' } }], remote: [{ type: 'a' }, { type: 'b', any_one_of: ['x'] }] }], "Invalid input for field 'mapping/rules/0/local/0': placeholder {1} names no remote value (the rule yields 1)"],
    ['11 conditions (console limit, OQ-5)', [{ local: [], remote: Array.from({ length: 11 }, (_, i) => ({ type: `a${i}` })) }], "Invalid input for field 'mapping/rules/0/remote': is too long (at most 10 conditions)"],
  ]
  for (const [name, value, message] of refusals) {
    it(name, () => expect(() => validateMappingRules(value)).toThrow(message))
  }

  it('accepts 100 rules and refuses 101 (OQ-5)', () => {
    const rule = { local: [{ user: { name: 'u' } }], remote: [{ type: 'a' }] }
    expect(() => validateMappingRules(Array(100).fill(rule))).not.toThrow()
    expect(() => validateMappingRules(Array(101).fill(rule))).toThrow("Invalid input for field 'mapping/rules': is too long (at most 100 rules)")
  })
})

describe('helpers', () => {
  it('listOf reads JSON lists, Keystone\'s Python list text, and one name', () => {
    expect(listOf('["a","b"]')).toEqual(['a', 'b'])
    expect(listOf("['a', 'b']")).toEqual(['a', 'b'])
    expect(listOf('admins')).toEqual(['admins'])
    expect(listOf('[not json')).toEqual(['[not json'])
  })

  it('claimsAsAttributes: strings, numbers, booleans and arrays; objects and null skipped (§5.5)', () => {
    expect(claimsAsAttributes({ sub: 's', n: 1, b: false, groups: ['a', 2, { x: 1 }], obj: { a: 1 }, nil: null }))
      .toEqual({ sub: ['s'], n: ['1'], b: ['false'], groups: ['a', '2'] })
  })
})
