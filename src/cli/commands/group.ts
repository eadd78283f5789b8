/**
 * @module `projectplane group`: the groups of an account and their members, through the IAM API.
 */
import { Command } from 'commander'
import { findGroup, findUser, type GroupObject, type UserObject } from '../lookup.js'
import { formatRecord, formatTable, print, printJson } from '../output.js'
import { addAccountOptions, withAccountApi } from '../store-access.js'
import { examples } from './examples.js'

interface GroupOptions { description?: string; json?: boolean }

export function groupCommand(): Command {
  const group = new Command('group').description("manage an account's groups and their members (through the IAM API)")
  examples(group, [
    'projectplane group create developers --description "everyone who ships code"',
    'projectplane group add-user developers alice bob',
    'projectplane group members developers',
    'projectplane group remove-user developers bob',
    'projectplane group delete developers',
  ])

  const create = addAccountOptions(group.command('create').description('create a group').argument('<name>', 'group name, unique in the account'))
    .option('--description <text>', 'a description')
    .action(async (name: string, options: GroupOptions, command: Command) => withAccountApi(command, async (api) => {
      const created = ((await api.request('POST', '/v3/groups', {
        group: { name, domain_id: api.account.id, ...(options.description !== undefined ? { description: options.description } : {}) },
      })) as { group: GroupObject }).group
      if (options.json) printJson(created)
      else print(formatRecord([['name', created.name], ['id', created.id], ['description', created.description]]))
    }))
  examples(create, ['projectplane group create developers', 'projectplane group create auditors --description "read-only access" --json'])

  const list = addAccountOptions(group.command('list').description("list the account's groups"))
    .action(async (options: GroupOptions, command: Command) => withAccountApi(command, async (api) => {
      const groups = ((await api.request('GET', `/v3/groups?domain_id=${api.account.id}`)) as { groups: GroupObject[] }).groups
      if (options.json) return printJson(groups)
      print(formatTable(groups, [['NAME', (g) => g.name], ['ID', (g) => g.id], ['DESCRIPTION', (g) => g.description]]))
    }))
  examples(list, ['projectplane group list', 'projectplane group list --json'])

  const remove = addAccountOptions(group.command('delete').description('delete a group (its members stay, without it)').argument('<group>', 'group name or id'), { json: false })
    .action(async (name: string, _options: GroupOptions, command: Command) => withAccountApi(command, async (api) => {
      const found = await findGroup(api, name)
      await api.request('DELETE', `/v3/groups/${found.id}`)
      print(`Deleted group '${found.name}'.\n`)
    }))
  examples(remove, ['projectplane group delete developers'])

  for (const [verb, method, past, preposition] of [['add-user', 'PUT', 'Added', 'to'], ['remove-user', 'DELETE', 'Removed', 'from']] as const) {
    const member = addAccountOptions(group.command(verb)
      .description(`${verb === 'add-user' ? 'add users to' : 'remove users from'} a group`)
      .argument('<group>', 'group name or id').argument('<users...>', 'user names or ids'), { json: false })
      .action(async (name: string, users: string[], _options: GroupOptions, command: Command) => withAccountApi(command, async (api) => {
        const found = await findGroup(api, name)
        // Every name is looked up before anything changes, so a misspelt one changes nothing.
        const members = await Promise.all(users.map((u) => findUser(api, u)))
        for (const user of members) await api.request(method, `/v3/groups/${found.id}/users/${user.id}`)
        print(`${past} ${members.map((u) => `'${u.name}'`).join(', ')} ${preposition} group '${found.name}'.\n`)
      }))
    examples(member, [`projectplane group ${verb} developers alice`, `projectplane group ${verb} developers alice bob carol`])
  }

  const members = addAccountOptions(group.command('members').description("list a group's members").argument('<group>', 'group name or id'))
    .action(async (name: string, options: GroupOptions, command: Command) => withAccountApi(command, async (api) => {
      const found = await findGroup(api, name)
      const users = ((await api.request('GET', `/v3/groups/${found.id}/users`)) as { users: UserObject[] }).users
      if (options.json) return printJson(users)
      print(formatTable(users, [['NAME', (u) => u.name], ['ID', (u) => u.id], ['ENABLED', (u) => u.enabled]]))
    }))
  examples(members, ['projectplane group members admin', 'projectplane group members developers --json'])
  return group
}
