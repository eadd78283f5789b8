/**
 * @module `projectplane serve`: the server, exactly as `npm start` runs it (src/main.ts), with
 * every configuration option as a flag. The flags are checked here, so `--help` lists them all and
 * a misspelt one fails before anything opens; the values reach the server as its argv.
 */
import { Command } from 'commander'
import { CONFIG_OPTIONS } from '../../config.js'
import { configArgv, configOption } from '../store-access.js'
import { examples } from './examples.js'

export const serving = { started: false }

export function serveCommand(): Command {
  const serve = new Command('serve').description('run the server (what npm start runs); every option is also an environment variable, and flags win')
  for (const option of CONFIG_OPTIONS) serve.addOption(configOption(option))
  examples(serve, [
    'projectplane serve',
    'projectplane serve --port 8080 --host 0.0.0.0 --public-url https://iam.example.com',
    'projectplane serve --flavour keystone --in-memory',
    'DATABASE_URL=postgres://projectplane@db:5432/projectplane projectplane serve --database-pool-size 20',
  ])
  serve.action(async (_options, command: Command) => {
    serving.started = true
    process.argv.splice(2, process.argv.length - 2, ...configArgv(command))
    await import('../../main.js')
  })
  return serve
}
