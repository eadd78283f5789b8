/**
 * The testing guide's Node example (docs/testing-with-projectplane.md), run for real: its code
 * block is docs/examples/account-per-test.ts word for word, and that module gives each test its
 * own account whose access key the Huawei SDK signs with; the account is gone afterwards.
 */
import fs from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, startServer, type TestServer } from '../helpers/server.js'
import { recordSecret } from '../helpers/secrets.js'
import { createTestAccount, deleteTestAccount, iamClientFor, operatorToken, type TestAccount } from '../../docs/examples/account-per-test.js'
import { iam } from '../helpers/huawei-sdk.js'

const GUIDE = new URL('../../docs/testing-with-projectplane.md', import.meta.url)
const EXAMPLE = new URL('../../docs/examples/account-per-test.ts', import.meta.url)

describe('testing guide: an account per test (Node, Huawei SDK)', () => {
  let s: TestServer
  let operator: string
  let test: TestAccount
  const seen: string[] = []

  beforeAll(async () => {
    s = await startServer()
    operator = await operatorToken(s.url, ADMIN_PASSWORD)
  })
  afterAll(() => s.close())
  beforeEach(async (ctx) => {
    test = await createTestAccount(s.url, operator, `t-${ctx.task.id}`)
    recordSecret('password', test.admin.password)
    recordSecret('secret key', test.access_key.secret)
  })
  afterEach(async () => deleteTestAccount(s.url, operator, test.account.id))

  it('shows the example file in the guide as it is', () => {
    const guide = fs.readFileSync(GUIDE, 'utf8')
    expect(guide).toContain(`\`\`\`ts\n${fs.readFileSync(EXAMPLE, 'utf8')}\`\`\``)
  })

  for (const round of [1, 2]) {
    it(`gives test ${round} an account of its own that the SDK signs into`, async () => {
      const client = iamClientFor(s.url, test)
      const res = await client.keystoneListProjects(new iam.KeystoneListProjectsRequest())
      const names = (res.projects ?? []).map((p) => p.name)
      expect(names).toContain('cn-north-4')
      expect(seen).not.toContain(test.account.id)
      seen.push(test.account.id)
    })
  }

  it('leaves no test account behind: only this test\'s own is there', async () => {
    const res = await fetch(`${s.url}/_projectplane/accounts`, { headers: { 'x-auth-token': operator } })
    const ids = ((await res.json()) as { accounts: { id: string; name: string }[] }).accounts.filter((a) => a.name.startsWith('t-')).map((a) => a.id)
    expect(ids).toEqual([test.account.id])
  })
})
