/**
 * parseStateDocument: every problem of a document at once, each under its exact place, in the
 * exact words a user reads. No store: what is checked here needs none.
 */
import fs from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parseStateDocument } from '../../src/state/state-document.js'
import { problemsOf } from './problems-of.js'

const EXAMPLE = JSON.parse(fs.readFileSync(new URL('../../docs/examples/seed.json', import.meta.url), 'utf8'))
const copy = () => structuredClone(EXAMPLE)

describe('parseStateDocument', () => {
  test('accepts the docs/state.md example (docs/examples/seed.json) as it is', () => {
    expect(parseStateDocument(EXAMPLE, { flavour: 'huaweicloud' })).toBe(EXAMPLE)
    const page = fs.readFileSync(new URL('../../docs/state.md', import.meta.url), 'utf8')
    const shown = /A complete example \(`docs\/examples\/seed\.json`[^\n]*\n\n```json\n([\s\S]*?)\n```/.exec(page)?.[1]
    expect(shown).toBe(fs.readFileSync(new URL('../../docs/examples/seed.json', import.meta.url), 'utf8').trimEnd())
  })

  test('reports shape and reference problems together, each at its place', () => {
    const doc = copy()
    const account = doc.accounts[0]
    account.users[0].pasword = 'typo'
    account.users[0].password = 'short'
    account.users[1].groups.push('ops')
    account.users[2].enabled = 'yes'
    account.projects[0].name = 'eu-de_dev'
    account.enterprise_projects[0].name = 'Default'
    account.grants[0].role = 'nobody'
    account.custom_policies[0].policy.Statement[0].Action[0] = 'EPS:list'
    doc.accounts.push({ name: 'acme', users: [{ name: '' }] })
    expect(problemsOf(doc)).toEqual([
      "accounts[0].users[0].pasword: unknown field; allowed here: id, name, password, password_hash, password_history, enabled, description, email, default_project, password_expires_at, extra, groups, access_keys, favourites, profile, created_at, updated_at",
      'accounts[0].users[2].enabled: expected true or false, got \'yes\'',
      'accounts[1].users[0].name: expected a name of 1 to 255 characters, not blank, got 0 characters',
      'accounts[0].users[0].password: The password must be at least 8 characters long.',
      "accounts[0].users[1].groups[1]: no group 'ops' in account 'acme'",
      "accounts[0].users[1].favourites.enterprise_projects[0]: no enterprise project 'dev-team' in account 'acme' (and not an enterprise project id: 0 or a UUID)",
      "accounts[0].custom_policies[0].policy.Statement[0].Action[0]: 'EPS:list' is not an action of the form service:resource:action (service in lower case, at most 128 characters, wildcards * and ?)",
      "accounts[0].projects[0].name: 'eu-de_dev' must be the id of a region of the document (its system project) or start with one followed by '_' and a suffix (for example 'cn-north-4_project')",
      "accounts[0].enterprise_projects[0].name: 'Default' is not an enterprise project name on huaweicloud: 1 to 64 letters, digits, '_', '-' or Chinese characters, not 'default' in any case",
      "accounts[0].resources[0].project: no project 'cn-north-4_dev' in account 'acme'",
      "accounts[0].resources[0].enterprise_project: no enterprise project 'dev-team' in account 'acme'",
      "accounts[0].resources[1].project: no project 'cn-north-4_dev' in account 'acme'",
      "accounts[0].resources[1].enterprise_project: no enterprise project 'dev-team' in account 'acme'",
      "accounts[0].grants[0].role: no role 'nobody': neither a system role of huaweicloud nor a custom policy of account 'acme'",
      "accounts[0].grants[2].project: no project 'cn-north-4_dev' in account 'acme'",
      "accounts[0].grants[3].enterprise_project: no enterprise project 'dev-team' in account 'acme'",
      "accounts[1].name: duplicate account name 'acme' (also accounts[0].name)",
    ])
  })

  test('a newer version is refused alone, whatever else the document holds', () => {
    expect(problemsOf({ format: 'projectplane-state', version: 2, accounts: 'anything' })).toEqual(['version: 2 is newer than this projectplane reads (1)'])
  })

  test('the top level: format, version, flavour, accounts', () => {
    expect(problemsOf([])).toEqual(['(document): expected a JSON object, got a list'])
    expect(problemsOf({ format: 'other', version: 0, flavour: 'aws', extra: 1 })).toEqual([
      'accounts: is required (a list)',
      'extra: unknown field; allowed here: format, version, flavour, exported_at, regions, accounts, roles, implied_roles, catalog, oauth_consumers, policies',
      "format: expected 'projectplane-state', got 'other'",
      'version: expected a version number (this projectplane reads 1), got 0',
      "flavour: expected one of 'huaweicloud', 'opentelekomcloud', 'keystone', got 'aws'",
    ])
    expect(problemsOf(EXAMPLE, { flavour: 'opentelekomcloud' })).toEqual([
      "flavour: the document is for 'huaweicloud'; this projectplane runs 'opentelekomcloud'",
    ])
  })

  test('passwords, ids, access keys and favourites', () => {
    const doc = copy()
    const [admin, alice, bot] = doc.accounts[0].users
    admin.password_hash = '$argon2id$v=19$m=19456,t=2,p=1$abc$def'
    alice.password = 'alicealice'
    alice.favourites.enterprise_projects.push('nowhere', '5D7F1C2E-3A4B-4C5D-8E9F-0A1B2C3D4E5F', '7b1e0c1a-0000-4000-8000-000000000000')
    alice.default_project = 'cn-north-4_prod'
    bot.id = alice.id
    bot.access_keys.push({ access: 'CIBOTACCESSKEY000001' }, { access: 'lower-case!' })
    bot.access_keys[0].created_at = '2026-01-31 12:00:00'
    expect(problemsOf(doc)).toEqual([
      "accounts[0].users[2].access_keys: expected at most 2 access keys (the clouds' limit per user), got 3",
      'accounts[0].users[2].access_keys[0].created_at: expected an ISO 8601 time in UTC such as \'2026-01-31T12:00:00Z\', got \'2026-01-31 12:00:00\'',
      'accounts[0].users[2].access_keys[2].access: expected an access key of 1 to 128 letters and digits, got \'lower-case!\'',
      'accounts[0].users[0]: give password or password_hash, not both',
      'accounts[0].users[1].password: The password must contain at least 2 of: lowercase letters, uppercase letters, digits and special characters.',
      "accounts[0].users[1].default_project: no project 'cn-north-4_prod' in account 'acme'",
      "accounts[0].users[1].favourites.enterprise_projects[2]: no enterprise project 'nowhere' in account 'acme' (and not an enterprise project id: 0 or a UUID)",
      "accounts[0].users[2].id: duplicate user id 'a11ce000000000000000000000000001' (also accounts[0].users[1].id)",
      "accounts[0].users[2].access_keys[1].access: duplicate access key 'CIBOTACCESSKEY000001' (also accounts[0].users[2].access_keys[0].access)",
    ])
    // The password policy the server is configured with, not only the flavour's default.
    const strict = copy()
    expect(problemsOf(strict, { passwordPolicy: { minLength: 20, minCharacterClasses: 1 } })).toEqual([
      'accounts[0].users[0].password: The password must be at least 20 characters long.',
      'accounts[0].users[1].password: The password must be at least 20 characters long.',
    ])
  })

  test('grants: targets, inheritance and where each kind of role may be granted', () => {
    const doc = copy()
    doc.accounts[0].grants = [
      { role: 'te_admin' },
      { user: 'alice', group: 'developers', role: 'te_admin' },
      { user: 'alice', role: 'secu_admin', project: 'cn-north-4_dev' },
      { user: 'alice', role: 'te_admin', enterprise_project: 'dev-team' },
      { user: 'alice', role: 'secu_admin', project: 'cn-north-4_dev', inherited: true, enterprise_project: 'dev-team' },
      { user: 'alice', role: 'readonly', system: true },
      { group: 'developers', role: 'eps-reader' },
      { group: 'developers', role: 'readers' },
    ]
    // A grant names a custom policy by its name or, when no other policy shares it, its display name.
    doc.accounts[0].custom_policies[0].name = 'readers'
    expect(problemsOf(doc)).toEqual([
      'accounts[0].grants[0]: name exactly one of user, group and agency',
      'accounts[0].grants[1]: name exactly one of user, group and agency',
      "accounts[0].grants[2].role: 'secu_admin' is a global (AX) permission; grant it on the account, not on projects",
      "accounts[0].grants[3].role: only fine-grained policies can be granted on an enterprise project; 'te_admin' is a role",
      'accounts[0].grants[4]: name at most one of project, enterprise_project and system (none: the account)',
      'accounts[0].grants[4].inherited: only a grant on the account can be inherited (by all its projects)',
      "accounts[0].grants[4].role: only fine-grained policies can be granted on an enterprise project; 'secu_admin' is a role",
      'accounts[0].grants[5].system: the system scope exists on keystone only',
      "accounts[0].grants[7]: duplicate grant (also accounts[0].grants[6])",
    ])
  })

  test('resources: types, placement, attachment', () => {
    const doc = copy()
    doc.accounts[0].resources = [
      { type: 'vm' },
      { type: 'ecs', id: 'vm-1' },
      { type: 'bucket', project: 'cn-north-4_dev' },
      { type: 'cdn', region: 'cn-north-4' },
      { type: 'disk', project: 'cn-north-4_dev', region: 'ap-southeast-1', attached_to: 'vm-9' },
      { type: 'eip', id: 'ip-1', project: 'cn-north-4_dev', attached_to: 'vm-1' },
      { type: 'vpcs', id: 'vpc-1', project: 'cn-north-4_dev', attached_to: 'vm-1' },
      { type: 'ecs', id: 'vm-1', project: 'cn-north-4_dev' },
    ]
    expect(problemsOf(doc)).toEqual([
      'accounts[0].resources[0].type: unknown resource type \'vm\'; known: scaling_group, cce_cluster, cdn, dcs, ecs, loadbalancers, disk, images, nat_gateways, bucket, rds, sfs-turbo, vpcs, security-groups, eip, shared_bandwidth',
      'accounts[0].resources[1].project: is required for ecs resources (the project holding it)',
      'accounts[0].resources[2].project: bucket resources are global and belong to no project',
      'accounts[0].resources[2].region: is required for bucket resources',
      'accounts[0].resources[3].region: cdn resources have no region',
      "accounts[0].resources[4].region: 'ap-southeast-1' is not the region of project 'cn-north-4_dev'; leave it out or give 'cn-north-4'",
      "accounts[0].resources[4].attached_to: no ecs resource 'vm-9' in project 'cn-north-4_dev' of account 'acme'",
      'accounts[0].resources[6].attached_to: only disk and eip resources can be attached to an ECS',
      "accounts[0].resources[7].id: duplicate resource ecs 'vm-1' in account 'acme' (also accounts[0].resources[1].id)",
    ])
  })

  test('each flavour has its own rules', () => {
    const otc = copy()
    otc.flavour = 'opentelekomcloud'
    otc.regions = [{ id: 'eu-de' }]
    const account = otc.accounts[0]
    account.projects[0].name = 'eu-de_dev'
    account.projects.push({ name: 'eu-de_x', parent: 'eu-de_dev', tags: ['t'], description: 'd'.repeat(256) })
    account.enterprise_projects[0].name = 'my-default-ep'
    account.resources = []
    account.grants = []
    expect(problemsOf(otc)).toEqual([
      'accounts[0].users[1].favourites: COC favourites exist on huaweicloud only, not on opentelekomcloud',
      'accounts[0].projects[1].description: the description is 256 characters long; at most 255 are allowed on opentelekomcloud',
      'accounts[0].projects[1].tags: projects on opentelekomcloud have no tags',
      "accounts[0].projects[1].parent: on opentelekomcloud a project's parent is its region's project; leave 'parent' out",
      "accounts[0].enterprise_projects[0].name: 'my-default-ep' is not an enterprise project name on opentelekomcloud: 1 to 255 letters, digits, '_' or '-', not containing 'default' in any case",
    ])

    const keystone = {
      format: 'projectplane-state', version: 1, flavour: 'keystone',
      accounts: [{
        name: 'Default',
        users: [{ name: 'admin', password: 'x', groups: ['admin'] }],
        projects: [{ name: 'a', parent: 'b' }, { name: 'b', parent: 'a' }, { name: 'c', parent: 'zz' }],
        enterprise_projects: [{ name: 'ep' }],
        grants: [{ user: 'admin', role: 'admin', system: true }, { user: 'admin', role: 'secu_admin', project: 'a' }],
      }],
    }
    expect(problemsOf(keystone)).toEqual([
      "accounts[0].users[0].groups[0]: no group 'admin' in account 'Default'",
      "accounts[0].projects[0].parent: 'b' is 'a' or one of its descendants: projects cannot form a cycle",
      "accounts[0].projects[1].parent: 'a' is 'b' or one of its descendants: projects cannot form a cycle",
      "accounts[0].projects[2].parent: no project 'zz' in account 'Default'",
      'accounts[0].enterprise_projects: enterprise projects do not exist on keystone',
      "accounts[0].grants[1].role: no role 'secu_admin': neither a system role of keystone nor a custom policy of account 'Default'",
    ])
  })

  test('the default enterprise project and duplicates in an account', () => {
    const doc = copy()
    const account = doc.accounts[0]
    account.enterprise_projects.push({ id: '0', name: 'zero' }, { name: 'dev-team' })
    account.groups.push({ name: 'developers' })
    account.custom_policies.push({ name: 'te_admin', display_name: 'x', type: 'AX', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['eps:*:*'] }] } })
    doc.regions.push({ id: 'cn-north-4', parent_region_id: 'mars-1' })
    expect(problemsOf(doc)).toEqual([
      "regions[2].id: duplicate region 'cn-north-4' (also regions[0].id)",
      "regions[2].parent_region_id: no region 'mars-1'",
      "accounts[0].groups[1].name: duplicate group name 'developers' in account 'acme' (also accounts[0].groups[0].name)",
      "accounts[0].custom_policies[1].name: 'te_admin' is the name of a system role",
      "accounts[0].enterprise_projects[1]: the default enterprise project has id '0' and name 'default'; no other may have either",
      "accounts[0].enterprise_projects[2].name: duplicate enterprise project name 'dev-team' in account 'acme' (also accounts[0].enterprise_projects[0].name)",
    ])
  })
})
