/**
 * @module The exit codes of `projectplane` and the one error a command throws to end with a
 * message and a code. Anything else reaching the top is unexpected and exits 1 with its stack.
 */

export const EXIT = {
  ok: 0,
  /** Something failed at run time: the database is out of reach, the server answered 5xx. */
  failure: 1,
  /** Bad usage or input: an unknown command or option, a bad value, the API refused the request (4xx). */
  usage: 2,
  /** The store cannot be used by this process: another server holds it, or a newer release wrote it. */
  store: 3,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Ends the command with `projectplane: <message>` on stderr and the given exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode = EXIT.usage) {
    super(message)
  }
}
