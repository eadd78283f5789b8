/**
 * `projectplane --help` and the help of every command and subcommand, found by walking the
 * help itself: each exits 0 and ends with examples of that very command. Bad usage exits 2 with
 * one `projectplane: …` line and a pointer to the help; `serve --help` lists every option of the
 * configuration's one list, with its environment variable.
 */
import { describe, expect, it } from 'vitest'
import { CONFIG_OPTIONS, flagOf } from '../../src/config.js'
import { projectplane } from './run-cli.js'

/** The subcommand names a help text lists under "Commands:" (without commander's own `help`). */
function commandsOf(help: string): string[] {
  const section = help.split('\nCommands:\n')[1]
  if (section === undefined) return []
  const names: string[] = []
  for (const line of section.split('\n')) {
    if (line === '') break
    const match = /^ {2}([a-z][a-z-]*)/.exec(line)
    if (match && match[1] !== 'help') names.push(match[1]!)
  }
  return names
}

describe('projectplane --help', () => {
  it('shows every command, the exit codes and examples', async () => {
    const res = await projectplane(['--help'])
    expect(res).toMatchObject({ code: 0, stderr: '' })
    expect(commandsOf(res.stdout)).toEqual(['serve', 'migrate', 'bootstrap', 'user', 'group', 'key', 'audit', 'export', 'backup', 'import', 'reset'])
    expect(res.stdout).toContain('\nExit codes:\n  0  done\n  1  failed at run time')
    expect(res.stdout).toContain('\n  2  bad usage or input')
    expect(res.stdout).toContain('\n  3  the store cannot be used')
    expect(res.stdout).toContain('\nExamples:\n  $ projectplane serve --port 8080\n')
  })

  it('every command and subcommand has its own help with examples of itself', async () => {
    const top = commandsOf((await projectplane(['--help'])).stdout)
    const helps = await Promise.all(top.map(async (name) => ({ path: [name], res: await projectplane([name, '--help']) })))
    const nested = await Promise.all(helps.flatMap(({ path, res }) =>
      commandsOf(res.stdout).map(async (sub) => ({ path: [...path, sub], res: await projectplane([...path, sub, '--help']) }))))
    expect(nested.map((n) => n.path.join(' '))).toEqual([
      'user create', 'user list', 'user show', 'user set', 'user password', 'user delete',
      'group create', 'group list', 'group delete', 'group add-user', 'group remove-user', 'group members',
      'key create', 'key list', 'key disable', 'key enable', 'key delete',
    ])
    for (const { path, res } of [...helps, ...nested]) {
      expect(res.code, path.join(' ')).toBe(0)
      expect(res.stderr).toBe('')
      expect(res.stdout).toMatch(new RegExp(`^Usage: projectplane ${path.join(' ')} `))
      // Examples of this command, not of another one.
      expect(res.stdout, path.join(' ')).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ (\\S+=\\S+ )?projectplane ${path.join(' ')}\\b`))
    }
  })

  it('serve --help lists every configuration option with its flag, variable and default', async () => {
    const res = await projectplane(['serve', '--help'])
    expect(res.code).toBe(0)
    const help = res.stdout.replace(/\s+/g, ' ')
    for (const option of CONFIG_OPTIONS) {
      expect(help).toContain(`${flagOf(option)}${option.boolean ? '' : ' <value>'} ${option.description} (env ${option.env}${option.boolean ? '=1' : ''}${option.default === undefined ? '' : `; default: ${option.default}`})`)
    }
  })
})

describe('bad usage', () => {
  it('an unknown command exits 2, with a suggestion and a pointer to the help', async () => {
    expect(await projectplane(['usr', 'list'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: unknown command 'usr'\n(Did you mean user?)\n(see 'projectplane --help')\n",
    })
    expect(await projectplane(['group', 'rm'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: unknown command 'rm'\n(see 'projectplane group --help')\n",
    })
  })

  it('an unknown option, a missing argument or a bad value exits 2 before anything opens', async () => {
    expect(await projectplane(['user', 'create', 'alice', '--pasword', 'x'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: unknown option '--pasword'\n(Did you mean --password?)\n(see 'projectplane user create --help')\n",
    })
    expect(await projectplane(['user', 'create'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: missing required argument 'name'\n(see 'projectplane user create --help')\n",
    })
    expect(await projectplane(['key', 'create'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: required option '--user <user>' not specified\n(see 'projectplane key create --help')\n",
    })
    expect(await projectplane(['audit', '--limit', 'lots'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: option '--limit <n>' argument 'lots' is invalid. A whole number from 1 to 999999 is needed.\n(see 'projectplane audit --help')\n",
    })
    expect(await projectplane(['serve', '--prot', '80'])).toMatchObject({ code: 2, stderr: "projectplane: unknown option '--prot'\n(Did you mean --port?)\n(see 'projectplane serve --help')\n" })
  })

  it('a bad configuration value exits 2 naming the option', async () => {
    expect(await projectplane(['serve', '--port', '99999'])).toEqual({ code: 2, stdout: '', stderr: "projectplane: PORT must be a whole number from 0 to 65535; got '99999'\n" })
    expect(await projectplane(['user', 'list', '--flavour', 'aws'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: FLAVOUR must be one of huaweicloud, opentelekomcloud, keystone; got 'aws'\n",
    })
  })

  it('no command at all shows the help on stderr and exits 2', async () => {
    const res = await projectplane([])
    expect(res.code).toBe(2)
    expect(res.stdout).toBe('')
    expect(res.stderr).toMatch(/^Usage: projectplane \[options\] \[command\]\n/)
  })

  it('--version prints the package version', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string }
    expect(await projectplane(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })
})
