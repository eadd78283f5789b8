import { describe, expect, it } from 'vitest'
import { Permissions, parsePolicyDocument, type PolicyDocument } from './policy-document.js'

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

describe('parsePolicyDocument', () => {
  it('reads stored documents and refuses corrupt ones', () => {
    expect(parsePolicyDocument(JSON.stringify(SECU_ADMIN))).toEqual(SECU_ADMIN)
    expect(parsePolicyDocument('{')).toBeUndefined()
    expect(parsePolicyDocument('{"Version":"2.0","Statement":[]}')).toBeUndefined()
  })
})
