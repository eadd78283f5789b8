/**
 * @module The "Examples:" block every command's `--help` ends with.
 */
import type { Command } from 'commander'

export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}`)
}
