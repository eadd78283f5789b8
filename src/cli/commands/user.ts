/**
 * @module `projectplane user`: the users of an account, through the IAM API as its administrator.
 */
import { Command } from 'commander'
import { CliError } from '../cli-error.js'
import { findGroup, findUser, readStdinSecret, type GroupObject, type UserObject } from '../lookup.js'
import { formatRecord, formatTable, print, printJson } from '../output.js'
import { addAccountOptions, withAccountApi, type AccountApi } from '../store-access.js'
import { examples } from './examples.js'

interface UserOptions {
  password?: string
  passwordStdin?: boolean
  email?: string
  description?: string
  enabled?: boolean
  disabled?: boolean
  group?: string[]
  name?: string
  json?: boolean
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

function userRecord(user: UserObject, groups?: readonly GroupObject[]): string {
  return formatRecord([
    ['name', user.name], ['id', user.id], ['enabled', user.enabled], ['email', user.email], ['description', user.description],
    ...(groups ? [['groups', groups.map((g) => g.name).join(', ')] as const] : []),
  ])
}

/** `--password`, `--password-stdin`, or neither; never both. */
async function passwordOf(options: UserOptions): Promise<string | undefined> {
  if (options.password !== undefined && options.passwordStdin) throw new CliError('give --password or --password-stdin, not both')
  return options.passwordStdin ? readStdinSecret('password') : options.password
}

function enabledOf(options: UserOptions): boolean | undefined {
  if (options.enabled && options.disabled) throw new CliError('give --enabled or --disabled, not both')
  return options.enabled ? true : options.disabled ? false : undefined
}

async function groupsOf(api: AccountApi, user: UserObject): Promise<GroupObject[]> {
  return ((await api.request('GET', `/v3/users/${user.id}/groups`)) as { groups: GroupObject[] }).groups
}

export function userCommand(): Command {
  const user = new Command('user').description("manage an account's users (through the IAM API, as the account's administrator)")
  examples(user, [
    'projectplane user create alice --password-stdin --email alice@example.com --group developers < alice.pw',
    'projectplane user list --json',
    'projectplane user set alice --disabled',
    'projectplane user password alice --password-stdin < new.pw',
    'projectplane user delete alice',
  ])

  const create = addAccountOptions(user.command('create').description('create a user').argument('<name>', 'user name, unique in the account'))
    .option('--password <password>', 'its password (visible to other local users in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--email <address>', 'its e-mail address')
    .option('--description <text>', 'a description')
    .option('--disabled', 'create it disabled (it cannot log in)')
    .option('--group <name>', 'add it to this group (repeatable)', collect)
    .action(async (name: string, options: UserOptions, command: Command) => {
      const password = await passwordOf(options)
      return withAccountApi(command, async (api) => {
        // Groups first: a misspelt group must not leave a user created without it.
        const groups = await Promise.all((options.group ?? []).map((g) => findGroup(api, g)))
        const created = ((await api.request('POST', '/v3/users', {
          user: {
            name, domain_id: api.account.id,
            ...(password !== undefined ? { password } : {}),
            ...(options.email !== undefined ? { email: options.email } : {}),
            ...(options.description !== undefined ? { description: options.description } : {}),
            ...(options.disabled ? { enabled: false } : {}),
          },
        })) as { user: UserObject }).user
        for (const group of groups) await api.request('PUT', `/v3/groups/${group.id}/users/${created.id}`)
        if (options.json) printJson(created)
        else print(userRecord(created, groups))
      })
    })
  examples(create, [
    'projectplane user create alice --password-stdin < alice.pw',
    "projectplane user create bob --password 'Secret-123' --email bob@example.com --group developers --group testers",
    'projectplane user create robot --description "CI pipeline, access keys only" --json',
  ])

  const list = addAccountOptions(user.command('list').description("list the account's users"))
    .action(async (options: UserOptions, command: Command) => withAccountApi(command, async (api) => {
      const users = ((await api.request('GET', `/v3/users?domain_id=${api.account.id}`)) as { users: UserObject[] }).users
      if (options.json) return printJson(users)
      print(formatTable(users, [['NAME', (u) => u.name], ['ID', (u) => u.id], ['ENABLED', (u) => u.enabled], ['EMAIL', (u) => u.email], ['DESCRIPTION', (u) => u.description]]))
    }))
  examples(list, ['projectplane user list', 'projectplane user list --account my-account --json | jq -r ".[].name"'])

  const show = addAccountOptions(user.command('show').description('show a user and its groups').argument('<user>', 'user name or id'))
    .action(async (name: string, options: UserOptions, command: Command) => withAccountApi(command, async (api) => {
      const found = await findUser(api, name)
      const groups = await groupsOf(api, found)
      if (options.json) printJson({ ...found, groups })
      else print(userRecord(found, groups))
    }))
  examples(show, ['projectplane user show alice', 'projectplane user show alice --json'])

  const set = addAccountOptions(user.command('set').description("change a user's attributes").argument('<user>', 'user name or id'))
    .option('--name <name>', 'rename it')
    .option('--email <address>', 'its e-mail address')
    .option('--description <text>', 'a description')
    .option('--enabled', 'let it log in again')
    .option('--disabled', 'disable it: it cannot log in and its tokens stop working')
    .action(async (name: string, options: UserOptions, command: Command) => {
      const enabled = enabledOf(options)
      const changes = {
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.email !== undefined ? { email: options.email } : {}),
        ...(options.description !== undefined ? { description: options.description } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
      }
      if (Object.keys(changes).length === 0) throw new CliError('nothing to change: give --name, --email, --description, --enabled or --disabled')
      return withAccountApi(command, async (api) => {
        const found = await findUser(api, name)
        const updated = ((await api.request('PATCH', `/v3/users/${found.id}`, { user: changes })) as { user: UserObject }).user
        if (options.json) printJson(updated)
        else print(userRecord(updated))
      })
    })
  examples(set, ['projectplane user set alice --email alice@example.org --description "team lead"', 'projectplane user set alice --disabled', 'projectplane user set alice --name alice.smith'])

  const password = addAccountOptions(user.command('password').description("set a user's password (as its administrator: the old one is not needed; its tokens stop working)").argument('<user>', 'user name or id'), { json: false })
    .option('--password <password>', 'the new password (visible in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the new password from stdin')
    .action(async (name: string, options: UserOptions, command: Command) => {
      const secret = await passwordOf(options)
      if (secret === undefined) throw new CliError('give the new password with --password or --password-stdin')
      return withAccountApi(command, async (api) => {
        const found = await findUser(api, name)
        await api.request('PATCH', `/v3/users/${found.id}`, { user: { password: secret } })
        print(`Changed the password of user '${found.name}'.\n`)
      })
    })
  examples(password, ['projectplane user password alice --password-stdin < new.pw', "echo 'N3w-Secret!' | projectplane user password alice --password-stdin"])

  const remove = addAccountOptions(user.command('delete').description('delete a user, with its access keys and memberships').argument('<user>', 'user name or id'), { json: false })
    .action(async (name: string, _options: UserOptions, command: Command) => withAccountApi(command, async (api) => {
      const found = await findUser(api, name)
      await api.request('DELETE', `/v3/users/${found.id}`)
      print(`Deleted user '${found.name}'.\n`)
    }))
  examples(remove, ['projectplane user delete alice'])
  return user
}
