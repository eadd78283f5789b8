// Turns the results collected by bench/run.sh into the final table and the PASS/FAIL verdicts.
// Input: a file of lines "<scenario>\t<connections>\t<json from bench/report.lua>\t<server CPU %>\t<load1>".
// Usage: node bench/report.mjs <results.tsv> [--markdown]
// Exit status: 0 when every target passes, 1 when any fails, 2 on bad input.
import { readFileSync } from 'node:fs'

const [file, ...rest] = process.argv.slice(2)
const markdown = rest.includes('--markdown')
if (!file) {
  process.stderr.write('usage: node bench/report.mjs <results.tsv> [--markdown]\n')
  process.exit(2)
}

const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [scenario, connections, json, cpu, load] = line.split('\t')
    return { scenario, connections: Number(connections), ...JSON.parse(json), cpu, load }
  })
if (rows.length === 0) {
  process.stderr.write('report: no results\n')
  process.exit(2)
}

// Targets (issue 19). Ratio targets compare with the bare server at the same connection count.
// The EPS and COC writes have the IAM PATCH's target.
const RATIO_TARGET = {
  'GET /v3/projects/{id}': 0.6,
  'PATCH /v3/projects/{id}': 0.4,
  'PUT /v1.0/enterprise-projects/{id}': 0.4,
  'PUT /v1/enterprise-project-collect': 0.4,
}
const P99_LIMIT_US = 5_000
const P99_AT_CONNECTIONS = 32

const bare = new Map(rows.filter((r) => r.scenario === 'bare GET').map((r) => [r.connections, r]))
const ms = (us) => (us / 1000).toFixed(2)

const table = []
const checks = []
for (const r of rows) {
  const ceiling = bare.get(r.connections)
  const ratio = ceiling && ceiling.rps > 0 ? r.rps / ceiling.rps : undefined
  const verdicts = []
  const check = (name, ok, detail) => {
    verdicts.push(ok)
    checks.push({ line: `${r.scenario} c${r.connections}`, name, ok, detail })
  }
  const ratioTarget = RATIO_TARGET[r.scenario]
  if (ratioTarget !== undefined) {
    check(
      `req/s >= ${ratioTarget * 100} % of bare`,
      ratio !== undefined && ratio >= ratioTarget,
      ratio === undefined ? 'no bare ceiling measured' : `${(ratio * 100).toFixed(1)} %`,
    )
    if (r.connections === P99_AT_CONNECTIONS) {
      check(`p99 <= ${P99_LIMIT_US / 1000} ms`, r.p99_us <= P99_LIMIT_US, `${ms(r.p99_us)} ms`)
    }
  }
  const errorDetail = `${r.errors} (non-2xx/3xx ${r.status}, connect ${r.connect}, read ${r.read}, write ${r.write}, timeout ${r.timeout})`
  check('zero errors', r.errors === 0 && r.requests > 0, r.requests > 0 ? errorDetail : 'no requests completed')
  table.push([
    r.scenario,
    String(r.connections),
    r.rps.toFixed(0),
    ms(r.p50_us),
    ms(r.p99_us),
    String(r.errors),
    ratio === undefined ? '-' : `${(ratio * 100).toFixed(1)} %`,
    r.cpu === undefined ? '-' : `${r.cpu} %`,
    r.load ?? '-',
    verdicts.every(Boolean) ? 'PASS' : 'FAIL',
  ])
}

const header = ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs bare', 'server CPU', 'load1', 'verdict']
const LEGEND =
  'server CPU: CPU time the server under test used during the measured run (100 % = one full core, the most a\n' +
  'server pinned to one CPU can get); well below 100 % at 32 connections means it was starved by other work or\n' +
  'the client. load1: the 1-minute load average at the end of the run (wrk and the server account for ~2).'
const out = []
if (markdown) {
  out.push(`| ${header.join(' | ')} |`)
  out.push(`|${header.map((h, i) => (i === 0 ? ':---' : '---:')).map((s) => ` ${s} `).join('|')}|`)
  for (const row of table) out.push(`| ${row.join(' | ')} |`)
  out.push('')
  out.push(LEGEND)
  out.push('')
  out.push('| target | line | measured | result |')
  out.push('|:---|:---|---:|:---:|')
  for (const c of checks) out.push(`| ${c.name} | ${c.line} | ${c.detail} | ${c.ok ? 'PASS' : 'FAIL'} |`)
} else {
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)))
  const fmt = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  out.push(fmt(header))
  out.push(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of table) out.push(fmt(row))
  out.push('')
  out.push(LEGEND)
  out.push('')
  out.push('Targets:')
  for (const c of checks) out.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.line.padEnd(32)} ${c.name.padEnd(26)} ${c.detail}`)
}
const allPass = checks.every((c) => c.ok)
out.push('')
out.push(`Overall: ${allPass ? 'PASS' : 'FAIL'} (${checks.filter((c) => c.ok).length}/${checks.length} checks pass)`)
process.stdout.write(`${out.join('\n')}\n`)
process.exit(allPass ? 0 : 1)
