/**
 * @module `projectplane bootstrap`: an account and its administrator (see account-bootstrap.ts
 * for what it does on an empty store, on the clouds, and in the keystone flavour).
 */
import { Command } from 'commander'
import { passwordProblem } from '../../auth/password-policy.js'
import { CliError } from '../cli-error.js'
import { readStdinSecret } from '../lookup.js'
import { formatRecord, print, printJson } from '../output.js'
import { addStoreOptions, configOf } from '../store-access.js'
import { examples } from './examples.js'

interface BootstrapOptions { account?: string; adminUser: string; adminPassword?: string; adminPasswordStdin?: boolean; regions?: string; json?: boolean }

export function bootstrapCommand(): Command {
  const command = addStoreOptions(new Command('bootstrap').description('create an account and its administrator (the first one on an empty store; keystone flavour: keystone-manage bootstrap)'))
    .option('--account <name>', 'account (domain) name (default: projectplane; keystone: Default)')
    .option('--admin-user <name>', "administrator's user name", 'admin')
    .option('--admin-password <password>', "administrator's password (visible in the process list: prefer --admin-password-stdin); generated and printed once when not given")
    .option('--admin-password-stdin', "read the administrator's password from stdin")
    .option('--regions <ids>', 'comma-separated region ids; only on an empty store, where they become the cloud\'s regions')
    .option('--json', 'print the result as JSON')
  examples(command, [
    'projectplane bootstrap --account acme --admin-user root',
    'projectplane bootstrap --account acme --admin-user root --admin-password-stdin < root.pw',
    'projectplane bootstrap --account first --regions cn-north-4,ap-southeast-1   # on an empty store',
    'FLAVOUR=keystone projectplane bootstrap --admin-password-stdin < admin.pw   # as keystone-manage bootstrap',
  ])
  return command.action(async (options: BootstrapOptions, self: Command) => {
    if (options.adminPassword !== undefined && options.adminPasswordStdin) throw new CliError('give --admin-password or --admin-password-stdin, not both')
    const given = options.adminPasswordStdin ? await readStdinSecret('password') : options.adminPassword
    // --regions is checked by the same rules as REGIONS at the first start.
    const config = configOf(self, { LOG_LEVEL: 'silent', ...(options.regions !== undefined ? { REGIONS: options.regions } : {}) })
    // Checked before the store's modules load, so a refused password costs nothing.
    const check = (password: string) => {
      const problem = passwordProblem(password, config.passwordPolicy, options.adminUser)
      if (problem) throw new CliError(problem)
      return password
    }
    if (given !== undefined) check(given)
    const { bootstrapAccount } = await import('../account-bootstrap.js')
    const password = given ?? check((await import('../../services/iam/bootstrap.js')).generatePassword())
    const outcome = await bootstrapAccount(config, {
      account: options.account, adminUser: options.adminUser, password, generated: given === undefined, regions: options.regions !== undefined,
    })
    if (options.json) {
      return printJson({ account: outcome.account, admin_user: outcome.adminUser, ...(outcome.generatedPassword ? { generated_password: outcome.generatedPassword } : {}) })
    }
    print(`${outcome.summary}\n`)
    print(formatRecord([['account', outcome.account.name], ['account id', outcome.account.id], ['admin user', outcome.adminUser],
      ...(outcome.generatedPassword ? [['password', `${outcome.generatedPassword}  (generated, shown once)`] as const] : [])]))
  })
}
