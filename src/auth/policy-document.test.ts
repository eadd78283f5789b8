import { describe, expect, it } from 'vitest'
import { decideAssume, Permissions, parsePolicyDocument, type PolicyDocument } from './policy-document.js'

const TE_ADMIN: PolicyDocument = { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['*'] }, { Effect: 'Deny', Action: ['identity:*'] }] }
const SECU_ADMIN: PolicyDocument = { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['identity:*'] }] }
const READONLY: PolicyDocument = {
  Version: '1.0',
  Statement: [{ Effect: 'Allow', Action: ['*:*:Get*', '*:*:List*'] }, { Effect: 'Deny', Action: ['identity:*'] }],
}
const UPDATE_PROJECT = ['identity:update_project', 'iam:projects:updateProject', 'iam:projects:update']
const UPDATE_EP = ['eps:update_enterprise_project', 'eps:enterpriseProjects:update']
const LIST_EP = ['eps:list_enterprise_projects', 'eps:enterpriseProjects:list']

const custom = (...statements: PolicyDocument['Statement']): PolicyDocument => ({ Version: '1.1', Statement: statements })

describe('Permissions', () => {
  it('grants nothing without documents', () => {
    expect(Permissions.compile([]).decide(UPDATE_PROJECT)).toBe('none')
  })

  it("limits a 1.0 role's Deny to that role: te_admin alone may not touch IAM, te_admin with secu_admin may", () => {
    expect(Permissions.compile([TE_ADMIN]).decide(UPDATE_PROJECT)).toBe('none')
    expect(Permissions.compile([TE_ADMIN]).decide(UPDATE_EP)).toBe('allow')
    expect(Permissions.compile([TE_ADMIN, SECU_ADMIN]).decide(UPDATE_PROJECT)).toBe('allow')
    expect(Permissions.compile([SECU_ADMIN]).decide(UPDATE_EP)).toBe('none')
  })

  it('lets readonly get and list but not write, case-insensitively', () => {
    const readonly = Permissions.compile([READONLY])
    expect(readonly.decide(LIST_EP)).toBe('allow')
    expect(readonly.decide(UPDATE_EP)).toBe('none')
    expect(readonly.decide(['identity:list_projects', 'iam:projects:listProjects'])).toBe('none')
  })

  it('makes a 1.1 Deny beat an Allow from any role', () => {
    const denied = Permissions.compile([TE_ADMIN, SECU_ADMIN, custom({ Effect: 'Deny', Action: ['iam:projects:update*'] })])
    expect(denied.decide(UPDATE_PROJECT)).toBe('deny')
    expect(denied.decide(UPDATE_EP)).toBe('allow')
  })

  it('accepts either spelling of the project update action and service-wide wildcards', () => {
    expect(Permissions.compile([custom({ Effect: 'Allow', Action: ['iam:projects:updateProject'] })]).decide(UPDATE_PROJECT)).toBe('allow')
    expect(Permissions.compile([custom({ Effect: 'Allow', Action: ['iam:projects:update'] })]).decide(UPDATE_PROJECT)).toBe('allow')
    expect(Permissions.compile([custom({ Effect: 'Allow', Action: ['eps:*:*'] })]).decide(UPDATE_EP)).toBe('allow')
    expect(Permissions.compile([custom({ Effect: 'Allow', Action: ['eps:*'] })]).decide(UPDATE_EP)).toBe('allow')
    expect(Permissions.compile([custom({ Effect: 'Allow', Action: ['eps:enterpriseProjects:lis?'] })]).decide(LIST_EP)).toBe('allow')
  })

  it('does not treat pattern characters as regular expression syntax', () => {
    const perms = Permissions.compile([custom({ Effect: 'Allow', Action: ['iam.projects.(update)+'] })])
    expect(perms.decide(['iamXprojectsXupdate'])).toBe('none')
    expect(perms.decide(['iam.projects.(update)+'])).toBe('allow')
  })

  it('combines sets so that a Deny in any set wins', () => {
    const allow = Permissions.compile([custom({ Effect: 'Allow', Action: ['eps:enterpriseProjects:update'] })])
    const deny = Permissions.compile([custom({ Effect: 'Deny', Action: ['eps:*'] })])
    expect(Permissions.decideAll([allow], UPDATE_EP)).toBe('allow')
    expect(Permissions.decideAll([allow, deny], UPDATE_EP)).toBe('deny')
    expect(Permissions.decideAll([Permissions.NONE], UPDATE_EP)).toBe('none')
  })
})

describe('decideAssume', () => {
  const TE_AGENCY: PolicyDocument = { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['identity:assume role'] }] }
  const A1 = '0760a9e2a60026664f1fc0031f9f205e'
  const A2 = '1a2b3c4d5e6f708192a3b4c5d6e7f809'
  const A3 = 'ffffffffffffffffffffffffffffffff'
  const agencies = (...ids: string[]) => ({ uri: ids.map((id) => `/iam/agencies/${id}`) })
  const assume = (Effect: 'Allow' | 'Deny', ...ids: string[]) =>
    ids.length === 0 ? { Effect, Action: ['iam:agencies:assume'] } : { Effect, Action: ['iam:agencies:assume'], Resource: agencies(...ids) }
  const decisions = (docs: PolicyDocument[]) => {
    const perms = Permissions.compile(docs)
    return [A1, A2, A3].map((id) => decideAssume(perms, id))
  }

  it('grants nothing without documents, nor to the roles that exclude IAM', () => {
    expect(decisions([])).toEqual(['none', 'none', 'none'])
    expect(decisions([READONLY])).toEqual(['none', 'none', 'none'])
    // te_admin's own Deny of identity:* names "identity:assume role", one name of this operation.
    expect(decisions([TE_ADMIN])).toEqual(['none', 'none', 'none'])
  })

  it('lets Agent Operator (te_agency) and the IAM administrator roles switch into every agency', () => {
    expect(decisions([TE_AGENCY])).toEqual(['allow', 'allow', 'allow'])
    expect(decisions([SECU_ADMIN])).toEqual(['allow', 'allow', 'allow'])
    expect(decisions([TE_ADMIN, SECU_ADMIN])).toEqual(['allow', 'allow', 'allow'])
    expect(decisions([TE_ADMIN, TE_AGENCY])).toEqual(['allow', 'allow', 'allow'])
  })

  it('accepts every name of the action and the wildcards covering them', () => {
    for (const action of ['iam:agencies:assume', 'iam:tokens:assume', 'IAM:Agencies:Assume', 'iam:agencies:*', 'iam:*:assume', 'iam:*:*', '*:*:*', '*', 'identity:*']) {
      expect(decisions([custom({ Effect: 'Allow', Action: [action] })]), action).toEqual(['allow', 'allow', 'allow'])
    }
    for (const action of ['iam:agencies:list*', 'iam:agencies:createAgency', 'iam:tokens:create', 'eps:*:*', 'iam:users:*']) {
      expect(decisions([custom({ Effect: 'Allow', Action: [action] })]), action).toEqual(['none', 'none', 'none'])
    }
  })

  it('limits an Allow with a Resource to the agencies it lists', () => {
    expect(decisions([custom(assume('Allow', A1))])).toEqual(['allow', 'none', 'none'])
    expect(decisions([custom(assume('Allow', A1, A2))])).toEqual(['allow', 'allow', 'none'])
    expect(decisions([custom(assume('Allow', A1)), custom(assume('Allow', A3))])).toEqual(['allow', 'none', 'allow'])
    expect(decisions([custom(assume('Allow'))])).toEqual(['allow', 'allow', 'allow'])
  })

  it('matches agency ids exactly: no prefix, no other case, no other resource path', () => {
    const perms = Permissions.compile([custom(assume('Allow', A1))])
    expect(decideAssume(perms, A1.slice(0, 31))).toBe('none')
    expect(decideAssume(perms, A1.toUpperCase())).toBe('none')
    expect(decideAssume(perms, `${A1}/x`)).toBe('none')
  })

  it('makes a Deny without Resource deny every agency, whatever allows', () => {
    for (const allowing of [TE_AGENCY, SECU_ADMIN, custom(assume('Allow', A1))]) {
      expect(decisions([allowing, custom(assume('Deny'))])).toEqual(['deny', 'deny', 'deny'])
      expect(decisions([allowing, custom({ Effect: 'Deny', Action: ['iam:*:*'] })])).toEqual(['deny', 'deny', 'deny'])
      expect(decisions([allowing, custom({ Effect: 'Deny', Action: ['iam:tokens:assume'] })])).toEqual(['deny', 'deny', 'deny'])
    }
    expect(decisions([custom(assume('Deny'))])).toEqual(['deny', 'deny', 'deny'])
  })

  it('makes a Deny with a Resource deny only the agencies it lists, beating any Allow of them', () => {
    expect(decisions([TE_AGENCY, custom(assume('Deny', A2))])).toEqual(['allow', 'deny', 'allow'])
    expect(decisions([custom(assume('Allow')), custom(assume('Deny', A1, A3))])).toEqual(['deny', 'allow', 'deny'])
    expect(decisions([custom(assume('Allow', A2), assume('Deny', A2))])).toEqual(['none', 'deny', 'none'])
    expect(decisions([custom(assume('Deny', A1))])).toEqual(['deny', 'none', 'none'])
  })

  it('keeps statements with a Resource out of every decision without one', () => {
    const limitedAllow = Permissions.compile([custom(assume('Allow', A1))])
    expect(limitedAllow.decide(['iam:agencies:assume'])).toBe('none')
    expect(limitedAllow.decide(UPDATE_EP)).toBe('none')
    // A Resource statement with broad actions (never accepted by the validation, yet stored data
    // might hold one) still grants only on the agencies it names.
    const broad = Permissions.compile([custom({ Effect: 'Allow', Action: ['*'], Resource: agencies(A1) })])
    expect(broad.decide(UPDATE_PROJECT)).toBe('none')
    expect(broad.decide(UPDATE_EP)).toBe('none')
    expect([A1, A2].map((id) => decideAssume(broad, id))).toEqual(['allow', 'none'])
    const limitedDeny = Permissions.compile([TE_ADMIN, SECU_ADMIN, custom({ Effect: 'Deny', Action: ['*'], Resource: agencies(A1) })])
    expect(limitedDeny.decide(UPDATE_PROJECT)).toBe('allow')
    expect(limitedDeny.decide(['iam:agencies:assume'])).toBe('allow')
    expect([A1, A2].map((id) => decideAssume(limitedDeny, id))).toEqual(['deny', 'allow'])
  })

  it('names no agency with a malformed stored Resource', () => {
    const corrupt = { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['iam:agencies:assume'], Resource: { uri: 'not-a-list' } }] }
    const perms = Permissions.compile([parsePolicyDocument(JSON.stringify(corrupt))!])
    expect(decideAssume(perms, A1)).toBe('none')
    expect(perms.decide(['iam:agencies:assume'])).toBe('none')
  })

  it('answers from its memo the same as fresh, for each agency and after plain decisions', () => {
    const perms = Permissions.compile([custom(assume('Allow', A1), assume('Deny', A2))])
    expect(perms.decide(['iam:agencies:assume', 'iam:tokens:assume', 'identity:assume role'])).toBe('none')
    for (let round = 0; round < 2; round++) {
      expect([A1, A2, A3].map((id) => decideAssume(perms, id))).toEqual(['allow', 'deny', 'none'])
    }
    expect(perms.decideOn(['eps:enterpriseProjects:update'], `/iam/agencies/${A1}`)).toBe('none')
  })
})

describe('parsePolicyDocument', () => {
  it('reads stored documents and refuses corrupt ones', () => {
    expect(parsePolicyDocument(JSON.stringify(SECU_ADMIN))).toEqual(SECU_ADMIN)
    expect(parsePolicyDocument('{')).toBeUndefined()
    expect(parsePolicyDocument('{"Version":"2.0","Statement":[]}')).toBeUndefined()
  })
})
