/** Builds `dist/` once per run, for the suites that start the server as a process. */
import { execFileSync } from 'node:child_process'

export default function setup(): void {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
}
