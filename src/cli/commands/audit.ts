/**
 * @module `projectplane audit`: an account's audit trail, read through the traces API (CTS
 * `GET /v3/{project_id}/traces`) as its administrator, newest first, following the API's pages.
 */
import { Command, InvalidArgumentError } from 'commander'
import { formatTable, print, printJson } from '../output.js'
import { addAccountOptions, withAccountApi } from '../store-access.js'
import { examples } from './examples.js'

interface AuditOptions { limit: number; since?: number; until?: number; resourceType?: string; resourceId?: string; user?: string; action?: string; json?: boolean }

interface Trace {
  trace_id: string; trace_name: string; resource_type: string; resource_id: string; resource_name: string; time: number
  user: { name: string }; source_ip: string; user_agent: string
}

/** The most the API gives per page. */
const PAGE_LIMIT = 200
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

function positive(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new InvalidArgumentError('A whole number from 1 to 999999 is needed.')
  return Number(value)
}

/** `30m`, `2h`, `7d` back from now, or an ISO time such as `2026-12-01T08:00:00Z`. */
function pointInTime(value: string): number {
  const relative = /^(\d{1,6})([smhd])$/.exec(value)
  if (relative) return Date.now() - Number(relative[1]) * UNIT_MS[relative[2]!]!
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) throw new InvalidArgumentError("Use a duration back from now (30m, 2h, 7d) or an ISO time (2026-12-01T08:00:00Z).")
  return ms
}

export function auditCommand(): Command {
  const audit = addAccountOptions(new Command('audit')
    .description("read the account's audit trail (the traces API): who changed what, when and from where, newest first")
    .option('--limit <n>', 'at most this many traces', positive, 50)
    .option('--since <when>', 'from this time: a duration back from now (30m, 2h, 7d) or an ISO time; the API\'s default is one hour back', pointInTime)
    .option('--until <when>', 'up to this time (same forms as --since)', pointInTime)
    .option('--resource-type <type>', 'only this kind of resource (project, domain, user, …)')
    .option('--resource-id <id>', 'only this resource')
    .option('--user <name>', 'only changes made by this user')
    .option('--action <name>', 'only this trace name (updateProject, createUser, …)'))
    .action(async (options: AuditOptions, command: Command) => withAccountApi(command, async (api) => {
      const traces: Trace[] = []
      let next: string | null = null
      do {
        const query = new URLSearchParams({ limit: String(Math.min(PAGE_LIMIT, options.limit - traces.length)) })
        if (options.since !== undefined) query.set('from', String(options.since))
        if (options.until !== undefined) query.set('to', String(options.until))
        if (options.resourceType !== undefined) query.set('resource_type', options.resourceType)
        if (options.resourceId !== undefined) query.set('resource_id', options.resourceId)
        if (options.user !== undefined) query.set('user', options.user)
        if (options.action !== undefined) query.set('trace_name', options.action)
        if (next !== null) query.set('next', next)
        const page = (await api.request('GET', `/v3/${api.account.id}/traces?${query}`)) as { traces: Trace[]; meta_data: { marker: string | null } }
        traces.push(...page.traces)
        next = page.meta_data.marker
      } while (next !== null && traces.length < options.limit)
      if (options.json) return printJson(traces)
      print(formatTable(traces, [
        ['TIME', (t) => new Date(t.time).toISOString()], ['USER', (t) => t.user.name], ['ACTION', (t) => t.trace_name],
        ['RESOURCE', (t) => `${t.resource_type} ${t.resource_name || t.resource_id}`], ['SOURCE', (t) => t.source_ip], ['CLIENT', (t) => t.user_agent],
      ]))
    }))
  return examples(audit, [
    'projectplane audit',
    'projectplane audit --since 7d --resource-type project --limit 500',
    'projectplane audit --since 2026-12-01T00:00:00Z --until 2026-12-02T00:00:00Z --user alice --json',
  ])
}
