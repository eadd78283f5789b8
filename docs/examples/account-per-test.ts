// An account per test for Vitest or Jest, with the Huawei Cloud Node SDK: the operator (the first
// account's admin) makes a fresh account with an access key before each test and deletes it after.
import { GlobalCredentials } from '@huaweicloud/huaweicloud-sdk-core'
import { IamClient } from '@huaweicloud/huaweicloud-sdk-iam/v3/public-api.js'

export interface TestAccount {
  account: { id: string; name: string }
  admin: { id: string; name: string; password: string }
  access_key: { access: string; secret: string }
}

/** A domain-scoped token of the operator: the first account's admin. */
export async function operatorToken(url: string, password: string, account = 'projectplane'): Promise<string> {
  const res = await fetch(`${url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password, domain: { name: account } } } }, scope: { domain: { name: account } } } }),
  })
  if (res.status !== 201) throw new Error(`operator login: ${res.status} ${await res.text()}`)
  return res.headers.get('x-subject-token')!
}

export async function createTestAccount(url: string, token: string, name: string): Promise<TestAccount> {
  const res = await fetch(`${url}/_projectplane/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ account: { name, access_key: true } }),
  })
  if (res.status !== 201) throw new Error(`create account: ${res.status} ${await res.text()}`)
  return (await res.json()) as TestAccount
}

export async function deleteTestAccount(url: string, token: string, id: string): Promise<void> {
  const res = await fetch(`${url}/_projectplane/accounts/${id}`, { method: 'DELETE', headers: { 'x-auth-token': token } })
  if (res.status !== 204) throw new Error(`delete account: ${res.status} ${await res.text()}`)
}

/** The SDK's IAM client signing with the account's access key. */
export function iamClientFor(url: string, test: TestAccount): IamClient {
  const credentials = new GlobalCredentials().withAk(test.access_key.access).withSk(test.access_key.secret).withDomainId(test.account.id)
  return IamClient.newBuilder().withCredential(credentials).withEndpoint(url).build()
}
