/**
 * @module Users and groups by name (or id), through the API, for commands that take names as
 * people think of them while the API wants ids.
 */
import { CliError } from './cli-error.js'
import type { AccountApi } from './store-access.js'

export interface UserObject { id: string; name: string; enabled: boolean; email?: string | null; description?: string; [key: string]: unknown }
export interface GroupObject { id: string; name: string; description?: string; [key: string]: unknown }

const HEX_ID = /^[0-9a-f]{32}$/

async function byNameOrId<T extends { id: string }>(api: AccountApi, kind: 'user' | 'group', nameOrId: string): Promise<T> {
  const query = new URLSearchParams({ name: nameOrId, domain_id: api.account.id })
  const found = ((await api.request('GET', `/v3/${kind}s?${query}`)) as Record<string, T[]>)[`${kind}s`]!
  if (found.length > 0) return found[0]!
  if (HEX_ID.test(nameOrId)) {
    try {
      const one = (await api.request('GET', `/v3/${kind}s/${nameOrId}`)) as Record<string, T>
      return one[kind]!
    } catch { /* not an id of this account either */ }
  }
  throw new CliError(`no ${kind} '${nameOrId}' in account '${api.account.name}'`)
}

export function findUser(api: AccountApi, nameOrId: string): Promise<UserObject> {
  return byNameOrId(api, 'user', nameOrId)
}

export function findGroup(api: AccountApi, nameOrId: string): Promise<GroupObject> {
  return byNameOrId(api, 'group', nameOrId)
}

/** Reads a secret from stdin (piped or typed), without its final line break. */
export async function readStdinSecret(what: string): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  const value = text.replace(/\r?\n$/, '')
  if (value === '') throw new CliError(`no ${what} on stdin`)
  return value
}
