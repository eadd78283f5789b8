/**
 * Users made through the API, as the HTTP suites need them.
 */
import { expect } from 'vitest'
import type { call, TestServer } from './server.js'
import { tokenFor } from './fixtures.js'

type Api = (path: string, init?: { method?: string; body?: unknown; token?: string }) => ReturnType<typeof call>

/** A user in a fresh group of its own (the group is what grants go to), with a domain-scoped token once asked. */
export async function groupMember(s: TestServer, api: Api, name: string, password: string) {
  const user = (await api('/v3/users', { method: 'POST', body: { user: { name, password } } })).body.user
  const group = (await api('/v3/groups', { method: 'POST', body: { group: { name: `${name}-group` } } })).body.group
  expect((await api(`/v3/groups/${group.id}/users/${user.id}`, { method: 'PUT' })).status).toBe(204)
  return { userId: user.id as string, groupId: group.id as string, token: () => tokenFor(s, name, password, s.account.name) }
}
