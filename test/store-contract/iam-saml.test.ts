/**
 * SamlStore contract: metadata replaced on re-import, and the replay cache refusing an assertion
 * id the second time, also when two posts race, and forgetting ids whose time has passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamlResponseRejectedError } from '../../src/services/iam/federation/saml/response.js'
import { SqlSamlStore } from '../../src/services/iam/federation/saml/store-sql.js'
import type { SamlMetadataRow } from '../../src/db/schema.js'
import { SqlIamStores } from '../../src/services/iam/iam-stores-sql.js'
import { BACKENDS, type OpenStore } from './backends.js'
import { newAccount } from './iam-fixtures.js'

const T0 = '2026-12-05T10:00:00.000000Z'
const T1 = '2026-12-05T10:05:00.000000Z'
const T2 = '2026-12-05T10:10:00.000000Z'

const metadataRow = (overrides: Partial<SamlMetadataRow> = {}): SamlMetadataRow => ({
  idp_id: 'idp1', protocol_id: 'saml', id: 'a'.repeat(32), domain_id: 'acct', entity_id: 'https://idp.test/saml', xaccount_type: '',
  data: '<md:EntityDescriptor/>', signing_certificates: '[]', update_time: T0, ...overrides,
})

describe.each(BACKENDS)('SamlStore on $name', (backend) => {
  let open: OpenStore
  let store: SqlSamlStore
  beforeAll(async () => {
    open = await backend.open()
    store = new SqlSamlStore({ db: open.db })
    // Metadata belongs to a provider's protocol (foreign key): two providers with a saml protocol.
    const account = await newAccount(new SqlIamStores({ db: open.db }), { id: 'acct', name: 'acct' })
    for (const idp of ['idp1', 'idp-tx']) {
      await open.db.kysely.insertInto('identity_providers').values({ id: idp, domain_id: account.id, description: '', enabled: 1, sso_type: 'virtual_user_sso', remote_ids: '[]', created_at: T0, updated_at: T0 }).execute()
      await open.db.kysely.insertInto('federation_protocols').values({ idp_id: idp, id: 'saml', mapping_id: null, created_at: T0 }).execute()
    }
  })
  afterAll(async () => open.close())

  it('putMetadata inserts, then replaces the same provider and protocol; the row goes with its protocol', async () => {
    await store.putMetadata(metadataRow())
    expect(await store.findMetadata('idp1', 'saml')).toEqual(metadataRow())
    const replaced = metadataRow({ id: 'b'.repeat(32), entity_id: 'https://idp.test/other', update_time: T1, xaccount_type: 'x' })
    await store.putMetadata(replaced)
    expect(await store.findMetadata('idp1', 'saml')).toEqual(replaced)
    expect(await store.findMetadata('idp1', 'oidc')).toBeUndefined()
    await open.db.kysely.deleteFrom('federation_protocols').where('idp_id', '=', 'idp1').execute()
    expect(await store.findMetadata('idp1', 'saml')).toBeUndefined()
    await expect(store.putMetadata(metadataRow())).rejects.toThrow('Could not find federated protocol saml for Identity Provider: idp1.')
  })

  it('recordAssertion refuses an assertion id the second time, per provider', async () => {
    await store.recordAssertion('idp1', '_a1', T2, T0)
    await expect(store.recordAssertion('idp1', '_a1', T2, T0)).rejects.toThrow(SamlResponseRejectedError)
    await store.recordAssertion('idp2', '_a1', T2, T0)
  })

  it('recordAssertion lets exactly one of two racing posts through', async () => {
    const results = await Promise.allSettled([store.recordAssertion('idp1', '_race', T2, T0), store.recordAssertion('idp1', '_race', T2, T0)])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(SamlResponseRejectedError)
    expect((refused.reason as SamlResponseRejectedError).reason).toBe('the assertion _race was used already')
  })

  it('recordAssertion inside a transaction leaves it usable after a replay (PostgreSQL savepoint)', async () => {
    await store.recordAssertion('idp1', '_tx', T2, T0)
    await store.transaction(async (tx) => {
      await expect(tx.recordAssertion('idp1', '_tx', T2, T0)).rejects.toThrow(SamlResponseRejectedError)
      await tx.putMetadata(metadataRow({ idp_id: 'idp-tx', id: 'c'.repeat(32) }))
    })
    expect((await store.findMetadata('idp-tx', 'saml'))?.id).toBe('c'.repeat(32))
  })

  it('forgets ids whose time has passed', async () => {
    await store.recordAssertion('idp1', '_old', T1, T0)
    // At T2 the old id's time has passed: it is dropped before the insert, so the id is new again.
    await store.recordAssertion('idp1', '_old', T2, T2)
    await expect(store.recordAssertion('idp1', '_old', T2, T2)).rejects.toThrow(SamlResponseRejectedError)
  })
})
