/**
 * @module `projectplane key`: permanent access keys (AK/SK) of an account's users, through the
 * IAM credential API. The secret key is shown once, when the key is made, as on the clouds.
 */
import { Command } from 'commander'
import { findUser, type UserObject } from '../lookup.js'
import { formatRecord, formatTable, print, printJson } from '../output.js'
import { addAccountOptions, withAccountApi, type AccountApi } from '../store-access.js'
import { examples } from './examples.js'

interface KeyOptions { user?: string; description?: string; json?: boolean }

interface Credential { access: string; secret?: string; status: string; user_id: string; description: string; create_time: string }

async function keysOf(api: AccountApi, user: UserObject): Promise<Credential[]> {
  return ((await api.request('GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${user.id}`)) as { credentials: Credential[] }).credentials
}

export function keyCommand(): Command {
  const key = new Command('key').description("manage users' access keys (AK/SK, for signed requests as the Huawei SDKs send them)")
  examples(key, [
    'projectplane key create --user robot --description "CI pipeline"',
    'projectplane key list',
    'projectplane key disable 7Q2VXZKJ4M1N8P0R3S5T',
    'projectplane key delete 7Q2VXZKJ4M1N8P0R3S5T',
  ])

  const create = addAccountOptions(key.command('create').description('create an access key for a user; prints the secret key once (a user may hold two)'))
    .requiredOption('--user <user>', 'the user owning the key (name or id)')
    .option('--description <text>', 'a description')
    .action(async (options: KeyOptions, command: Command) => withAccountApi(command, async (api) => {
      const user = await findUser(api, options.user!)
      const created = ((await api.request('POST', '/v3.0/OS-CREDENTIAL/credentials', {
        credential: { user_id: user.id, ...(options.description !== undefined ? { description: options.description } : {}) },
      })) as { credential: Credential }).credential
      if (options.json) return printJson(created)
      print(formatRecord([['access key', created.access], ['secret key', created.secret], ['user', user.name], ['status', created.status]]))
      print('The secret key is shown only now: store it safely.\n')
    }))
  examples(create, [
    'projectplane key create --user robot',
    "projectplane key create --user robot --description 'CI pipeline' --json | jq -r '.access, .secret'",
  ])

  const list = addAccountOptions(key.command('list').description("list access keys: one user's, or every user's in the account"))
    .option('--user <user>', 'only this user\'s keys (name or id)')
    .action(async (options: KeyOptions, command: Command) => withAccountApi(command, async (api) => {
      const users = options.user !== undefined
        ? [await findUser(api, options.user)]
        : ((await api.request('GET', `/v3/users?domain_id=${api.account.id}`)) as { users: UserObject[] }).users
      const rows: (Credential & { user_name: string })[] = []
      for (const user of users) for (const c of await keysOf(api, user)) rows.push({ ...c, user_name: user.name })
      if (options.json) return printJson(rows.map(({ user_name: _, ...c }) => c))
      print(formatTable(rows, [['ACCESS KEY', (c) => c.access], ['USER', (c) => c.user_name], ['STATUS', (c) => c.status], ['CREATED', (c) => c.create_time], ['DESCRIPTION', (c) => c.description]]))
    }))
  examples(list, ['projectplane key list', 'projectplane key list --user robot --json'])

  for (const [verb, status, what] of [['disable', 'inactive', 'signed requests with it are refused until enabled again'], ['enable', 'active', 'it signs requests again']] as const) {
    const change = addAccountOptions(key.command(verb).description(`${verb} an access key: ${what}`).argument('<access-key>', 'the access key (AK)'))
      .action(async (access: string, options: KeyOptions, command: Command) => withAccountApi(command, async (api) => {
        const updated = ((await api.request('PUT', `/v3.0/OS-CREDENTIAL/credentials/${encodeURIComponent(access)}`, { credential: { status } })) as { credential: Credential }).credential
        if (options.json) return printJson(updated)
        print(`Access key ${updated.access} is now ${updated.status}.\n`)
      }))
    examples(change, [`projectplane key ${verb} 7Q2VXZKJ4M1N8P0R3S5T`])
  }

  const remove = addAccountOptions(key.command('delete').description('delete an access key for good').argument('<access-key>', 'the access key (AK)'), { json: false })
    .action(async (access: string, _options: KeyOptions, command: Command) => withAccountApi(command, async (api) => {
      await api.request('DELETE', `/v3.0/OS-CREDENTIAL/credentials/${encodeURIComponent(access)}`)
      print(`Deleted access key ${access}.\n`)
    }))
  examples(remove, ['projectplane key delete 7Q2VXZKJ4M1N8P0R3S5T'])
  return key
}
