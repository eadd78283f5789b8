/**
 * Agencies in the state document: parse errors in their exact words (no store), and on a real
 * store (SQLite or PostgreSQL, as the vitest project decides) import → export → import → export
 * identical, with agencies trusting another account of the document and a cloud service, every
 * duration form, and agency grants of every kind; an agency made through the API round trips
 * too; reset and import --replace clear agencies and their grants.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { exportState } from '../../src/state/export-state.js'
import { importState } from '../../src/state/import-state.js'
import { resetState } from '../../src/state/reset-state.js'
import { parseStateDocument, type StateDocument } from '../../src/state/state-document.js'
import { problemsOf } from './problems-of.js'
import { call, defaultTestDatabase, dropPostgresSchema, newPostgresSchema, postgresEnv, startServer, type TestServer } from '../helpers/server.js'

const ADMIN = { account: 'acme', user: 'admin', password: 'Admin-Passw0rd!' }
const BACKUP_ID = 'a9e0c0de00000000000000000000cb01'
const policy = (actions: string[]) => ({ Version: '1.1', Statement: [{ Effect: 'Allow', Action: actions }] })

/** Two accounts trusting each other, a cloud-service agency, every duration form, every kind of agency grant. */
const DOC = {
  format: 'projectplane-state', version: 1, flavour: 'huaweicloud',
  regions: [{ id: 'cn-north-4' }],
  accounts: [
    {
      name: 'acme',
      users: [{ name: 'admin', password: 'Admin-Passw0rd!', groups: ['admin'] }],
      custom_policies: [
        { display_name: 'ecs-reader', type: 'XA', policy: policy(['ecs:*:get*']) },
        { display_name: 'eps-reader', type: 'AX', policy: policy(['eps:enterpriseProjects:list']) },
      ],
      projects: [{ name: 'cn-north-4_dev' }],
      enterprise_projects: [{ name: 'dev-team' }],
      agencies: [
        { name: 'ops', trust_account: 'partner', description: 'Partner operations', duration: 'FOREVER' },
        // Expires 30 days after it was set: its updated_at, here its created_at.
        { name: 'audit', trust_account: 'partner', duration: 30, created_at: '2026-01-01T00:00:00Z' },
        { id: BACKUP_ID, name: 'backup', trust_account: 'op_svc_cbr', duration: 'ONEDAY', expire_time: '2026-03-01T12:00:00.5Z', created_at: '2026-02-28T12:00:00Z', updated_at: '2026-02-28T12:00:00Z' },
        { name: 'legacy', trust_account: 'partner' },
      ],
      grants: [
        { agency: 'ops', role: 'te_admin' },
        { agency: 'ops', role: 'te_admin', inherited: true },
        { agency: 'ops', role: 'ecs-reader', project: 'cn-north-4_dev' },
        { agency: 'audit', role: 'eps-reader' },
        { agency: 'audit', role: 'eps_full_access', enterprise_project: 'dev-team' },
        { group: 'admin', role: 'eps-reader' },
      ],
    },
    {
      name: 'partner',
      users: [{ name: 'admin', password: 'Partner-Passw0rd!', groups: ['admin'] }],
      agencies: [{ name: 'back', trust_account: 'acme', duration: '7', created_at: '2026-01-10T08:00:00.123456Z' }],
      grants: [{ agency: 'back', role: 'readonly' }],
    },
  ],
}

/** A store no server has touched: migrated, nothing else. */
async function freshStore(): Promise<{ db: Db; dataDir: string; schema: string | undefined; drop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-agencies-'))
  const schema = defaultTestDatabase() === 'postgres' ? newPostgresSchema() : undefined
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, ...(schema ? postgresEnv(schema) : {}) }))
  await migrate(db)
  return { db, dataDir, schema, drop: async () => { if (schema) await dropPostgresSchema(schema) } }
}

const withoutTime = (doc: StateDocument) => ({ ...doc, exported_at: '' })
const agencyRows = async (db: Db) => [
  Number((await db.kysely.selectFrom('agencies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  Number((await db.kysely.selectFrom('role_assignments').select((eb) => eb.fn.countAll<number>().as('n')).where('actor_type', '=', 'agency').executeTakeFirstOrThrow()).n),
]

describe('agencies in the state document: parse errors', () => {
  test('the document above and the example of docs/state.md#agencies are valid', () => {
    expect(parseStateDocument(DOC, { flavour: 'huaweicloud' })).toBe(DOC)
    const page = fs.readFileSync(new URL('../../docs/state.md', import.meta.url), 'utf8')
    const example = /\n## Agencies\n[\s\S]*?```json\n([\s\S]*?)\n```/.exec(page)?.[1]
    expect(() => parseStateDocument(JSON.parse(example!), { flavour: 'huaweicloud' })).not.toThrow()
  })

  test('names, trusted accounts, durations and expiries, each at its place', () => {
    const doc = structuredClone(DOC) as any
    const [acme, partner] = doc.accounts
    acme.agencies.push(
      { name: 'ops', trust_account: 'acme' },
      { name: 'x', trust_account: 'nowhere', duration: 'TWODAYS' },
      { name: 'y', trust_account: 'op_svc_evs', duration: 'FOREVER', expire_time: '2026-01-01T00:00:00Z' },
      { name: 'z', trust_account: 'partner', duration: 3, expire_time: null },
      { name: '', trust_account: 'partner', duration: true, colour: 'red' },
      { name: 'w', duration: 0 },
    )
    partner.agencies[0].id = BACKUP_ID
    expect(problemsOf(doc)).toEqual([
      'accounts[0].agencies[8].colour: unknown field; allowed here: id, name, trust_account, description, duration, expire_time, created_at, updated_at',
      'accounts[0].agencies[8].name: expected a name of 1 to 64 characters, not blank, got 0 characters',
      "accounts[0].agencies[8].duration: expected 'FOREVER', 'ONEDAY', a number of days or null, got true",
      'accounts[0].agencies[9].trust_account: is required (a name of 1 to 64 characters, not blank)',
      "accounts[0].agencies[4].name: duplicate agency name 'ops' in account 'acme' (also accounts[0].agencies[0].name)",
      'accounts[0].agencies[4].trust_account: an agency cannot trust the account that makes it',
      "accounts[0].agencies[5].trust_account: no account 'nowhere' in the document (an agency trusts another account of the document, or a cloud service as op_svc_<service>)",
      "accounts[0].agencies[5].duration: 'TWODAYS' is not FOREVER, ONEDAY or a number of days from 1 to 36500",
      "accounts[0].agencies[6].expire_time: an agency of duration 'FOREVER' never expires; leave expire_time out or make it null",
      "accounts[0].agencies[7].expire_time: an agency of duration '3' expires; give the time, or leave expire_time out to count the duration from updated_at",
      "accounts[0].agencies[9].duration: '0' is not FOREVER, ONEDAY or a number of days from 1 to 36500",
      `accounts[1].agencies[0].id: duplicate agency id '${BACKUP_ID}' (also accounts[0].agencies[2].id)`,
    ])
  })

  test('agency grants: one actor, an agency of the account, no secu_admin or te_agency, role types as for groups', () => {
    const doc = structuredClone(DOC) as any
    doc.accounts[0].grants = [
      { agency: 'ops', role: 'secu_admin' },
      { agency: 'ops', role: 'te_agency', project: 'cn-north-4_dev' },
      { agency: 'ghost', role: 'te_admin' },
      { agency: 'back', role: 'te_admin' },
      { agency: 'ops', user: 'admin', role: 'te_admin' },
      { agency: 'ops', role: 'ecs-reader' },
      { agency: 'ops', role: 'eps-reader', project: 'cn-north-4_dev' },
      { agency: 'ops', role: 'te_admin', enterprise_project: 'dev-team' },
      { agency: 'ops', role: 'te_admin' },
      { agency: 'ops', role: 'te_admin' },
    ]
    expect(problemsOf(doc)).toEqual([
      "accounts[0].grants[0].role: an agency cannot hold 'secu_admin' (agencies never hold secu_admin or te_agency)",
      "accounts[0].grants[1].role: an agency cannot hold 'te_agency' (agencies never hold secu_admin or te_agency)",
      "accounts[0].grants[2].agency: no agency 'ghost' in account 'acme'",
      "accounts[0].grants[3].agency: no agency 'back' in account 'acme'",
      'accounts[0].grants[4]: name exactly one of user, group and agency',
      "accounts[0].grants[5].role: 'ecs-reader' is a project-level (XA) permission; grant it on projects, not on the account",
      "accounts[0].grants[6].role: 'eps-reader' is a global (AX) permission; grant it on the account, not on projects",
      "accounts[0].grants[7].role: only fine-grained policies can be granted on an enterprise project; 'te_admin' is a role",
      'accounts[0].grants[9]: duplicate grant (also accounts[0].grants[8])',
    ])
  })

  test('keystone has no agencies', () => {
    const keystone = {
      format: 'projectplane-state', version: 1, flavour: 'keystone',
      accounts: [
        { name: 'Default', users: [{ name: 'admin' }], agencies: [{ name: 'ops', trust_account: 'other' }], grants: [{ agency: 'ops', role: 'admin' }] },
        { name: 'other' },
      ],
    }
    expect(problemsOf(keystone)).toEqual([
      'accounts[0].agencies: agencies do not exist on keystone',
      'accounts[0].grants[0].agency: agencies do not exist on keystone',
    ])
  })
})

describe('agencies in the state document: a store', () => {
  test('import writes agencies and their grants; export gives them back by name; export → import → export is identical', async () => {
    const first = await freshStore()
    const second = await freshStore()
    const third = await freshStore()
    let server: TestServer | undefined
    try {
      const summary = await importState(first.db, DOC, { flavour: 'huaweicloud', now: Date.parse('2026-04-01T00:00:00Z') })
      expect(summary).toMatchObject({ accounts: 2, agencies: 5 })
      const exported = await exportState(first.db, { flavour: 'huaweicloud' })
      const [acme, partner] = exported.accounts
      const now = '2026-04-01T00:00:00.000000Z'
      expect(acme!.agencies).toEqual([
        { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'audit', trust_account: 'partner', description: '', duration: '30', expire_time: '2026-01-31T00:00:00.000000Z', created_at: '2026-01-01T00:00:00.000000Z', updated_at: '2026-01-01T00:00:00.000000Z' },
        { id: BACKUP_ID, name: 'backup', trust_account: 'op_svc_cbr', description: '', duration: 'ONEDAY', expire_time: '2026-03-01T12:00:00.500000Z', created_at: '2026-02-28T12:00:00.000000Z', updated_at: '2026-02-28T12:00:00.000000Z' },
        { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'legacy', trust_account: 'partner', description: '', duration: null, expire_time: null, created_at: now, updated_at: now },
        { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'ops', trust_account: 'partner', description: 'Partner operations', duration: 'FOREVER', expire_time: null, created_at: now, updated_at: now },
      ])
      expect(partner!.agencies).toEqual([
        { id: expect.any(String), name: 'back', trust_account: 'acme', description: '', duration: '7', expire_time: '2026-01-17T08:00:00.123456Z', created_at: '2026-01-10T08:00:00.123456Z', updated_at: '2026-01-10T08:00:00.123456Z' },
      ])
      const [ecsReader, epsReader] = acme!.custom_policies!.map((p) => p.name)
      // Groups, users, then agencies; by name, then target.
      expect(acme!.grants!.filter((g) => g.agency !== undefined)).toEqual([
        { agency: 'audit', role: epsReader, inherited: false },
        { agency: 'audit', role: 'eps_full_access', enterprise_project: 'dev-team', inherited: false },
        { agency: 'ops', role: 'te_admin', inherited: false },
        { agency: 'ops', role: 'te_admin', inherited: true },
        { agency: 'ops', role: ecsReader, project: 'cn-north-4_dev', inherited: false },
      ])
      expect(acme!.grants!.at(-1)).toMatchObject({ agency: 'ops' })
      expect(partner!.grants!.at(-1)).toEqual({ agency: 'back', role: 'readonly', inherited: false })

      // The document goes through JSON, as it does through a file.
      await importState(second.db, JSON.parse(JSON.stringify(exported)), { flavour: 'huaweicloud' })
      const again = await exportState(second.db, { flavour: 'huaweicloud' })
      expect(JSON.stringify(withoutTime(again))).toBe(JSON.stringify(withoutTime(exported)))

      // The API serves what was imported: the trust resolved to the other account's id, the grants in place.
      await second.db.close()
      server = await startServer({ dataDir: second.dataDir, schema: second.schema, admin: ADMIN })
      const api = (p: string, init: Parameters<typeof call>[1] = {}) => call(`${server!.url}${p}`, { token, ...init })
      const token = await server.adminToken()
      const partnerId = partner!.id!
      const listed = await api('/v3.0/OS-AGENCY/agencies?name=ops')
      expect(listed.status, listed.text).toBe(200)
      expect(listed.body.agencies).toMatchObject([{ name: 'ops', trust_domain_id: partnerId, trust_domain_name: 'partner', duration: 'FOREVER' }])
      const opsId = listed.body.agencies[0].id
      const onAccount = await api(`/v3.0/OS-AGENCY/domains/${acme!.id}/agencies/${opsId}/roles`)
      expect(onAccount.body.roles.map((r: { name: string }) => r.name)).toEqual(['te_admin'])

      // An agency and grants made through the API (expiry to the microsecond) round trip too.
      const made = await api('/v3.0/OS-AGENCY/agencies', { method: 'POST', body: { agency: { domain_id: acme!.id, name: 'made', trust_domain_name: 'partner', duration: '2' } } })
      expect(made.status, made.text).toBe(201)
      const readonly = (await api('/v3/roles?name=readonly')).body.roles[0].id
      expect((await api(`/v3.0/OS-AGENCY/domains/${acme!.id}/agencies/${made.body.agency.id}/roles/${readonly}`, { method: 'PUT' })).status).toBe(204)
      const withMade = await exportState(server.server.db, { flavour: 'huaweicloud' })
      expect(withMade.accounts[0]!.agencies!.find((a) => a.name === 'made')).toMatchObject({ trust_account: 'partner', duration: '2', expire_time: expect.stringMatching(/\.\d{6}Z$/) })
      expect(withMade.accounts[0]!.grants).toContainEqual({ agency: 'made', role: 'readonly', inherited: false })
      await importState(third.db, JSON.parse(JSON.stringify(withMade)), { flavour: 'huaweicloud' })
      expect(JSON.stringify(withoutTime(await exportState(third.db, { flavour: 'huaweicloud' })))).toBe(JSON.stringify(withoutTime(withMade)))
    } finally {
      if (server) await server.close()
      else await second.db.close().catch(() => {})
      await first.db.close().catch(() => {})
      await third.db.close().catch(() => {})
      await Promise.all([first.drop(), second.drop(), third.drop()])
    }
  })

  test('import --replace and reset clear agencies and their grants (before the accounts they belong to)', async () => {
    const store = await freshStore()
    try {
      await importState(store.db, DOC, { flavour: 'huaweicloud' })
      expect(await agencyRows(store.db)).toEqual([5, 6])
      const doc = structuredClone(DOC) as any
      doc.accounts[1].agencies = []
      doc.accounts[1].grants = []
      await importState(store.db, doc, { flavour: 'huaweicloud', replace: true })
      expect(await agencyRows(store.db)).toEqual([4, 5])
      await resetState(store.db)
      expect(await agencyRows(store.db)).toEqual([0, 0])
      expect(withoutTime(await exportState(store.db, { flavour: 'huaweicloud' })).accounts).toEqual([])
    } finally {
      await store.db.close().catch(() => {})
      await store.drop()
    }
  })
})
