#!/usr/bin/env node
// Loads rows for bench/scale.sh straight into a stopped server's SQLite store, with the columns and
// values the stores write (src/services/iam/projects/store-sql.ts, eps/store-sql.ts, audit/trace.ts):
// a million HTTP calls would take an hour, prepared INSERTs in big transactions take seconds.
//   node bench/scale-load.mjs <store.sqlite> <projects> <enterprise projects> <traces>
// Counts are totals wanted for the bench's rows (named cn-north-4_s…, scale-ep-…): rows already
// there are kept, so a second call tops a 1k store up to 1M. Prints the ids it picked as JSON.
import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'
import * as esbuild from 'esbuild'

// The server's own trace ids (src/audit/trace.ts). The build bundles that module into the server,
// so it is bundled here on its own (it needs nothing but node:crypto once bundled).
const traceModule = await esbuild.build({
  entryPoints: [new URL('../src/audit/trace.ts', import.meta.url).pathname], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning',
})
const { newTraceId } = await import(`data:text/javascript,${encodeURIComponent(traceModule.outputFiles[0].text)}`)

const [file, projectsWanted, epsWanted, tracesWanted] = process.argv.slice(2)
if (!file || tracesWanted === undefined) {
  process.stderr.write('usage: node bench/scale-load.mjs <store.sqlite> <projects> <enterprise projects> <traces>\n')
  process.exit(2)
}
const BATCH = 50_000
const db = new Database(file)
// A bench store: losing it in a crash costs nothing, so no fsync while loading.
db.pragma('synchronous = OFF')
const account = db.prepare("select id from domains where name = 'projectplane'").get()
if (!account) throw new Error('no projectplane account: bootstrap the store first')
const region = db.prepare("select id from projects where domain_id = ? and name = 'cn-north-4' and kind = 'region'").get(account.id)
if (!region) throw new Error('no cn-north-4 region project (huaweicloud flavour expected)')
const admin = db.prepare("select id from users where domain_id = ? and name = 'admin'").get(account.id)

const hexId = () => randomUUID().replaceAll('-', '')
const iso = (ms) => new Date(ms).toISOString().replace('Z', '000Z')
const pad = (i) => String(i).padStart(7, '0')

function fill(table, wanted, countSql, insertSql, rowOf) {
  const have = db.prepare(countSql).get(account.id).n
  const insert = db.prepare(insertSql)
  const started = Date.now()
  for (let from = have; from < wanted; from += BATCH) {
    const to = Math.min(wanted, from + BATCH)
    db.transaction(() => { for (let i = from; i < to; i++) insert.run(rowOf(i)) })()
  }
  process.stderr.write(`[scale-load] ${table}: ${have} -> ${Math.max(have, wanted)} rows in ${Date.now() - started} ms\n`)
}

const base = Date.now() - 2_000_000
fill('projects', Number(projectsWanted),
  "select count(*) n from projects where domain_id = ? and name like 'cn-north-4\\_s%' escape '\\'",
  `insert into projects (id, domain_id, name, description, parent_id, kind, region_id, enabled, status, suspended_at, tags, options, extra, created_at, updated_at)
   values (?, ?, ?, '', ?, 'custom', 'cn-north-4', 1, 'normal', null, '[]', '{}', '{}', ?, ?)`,
  (i) => { const t = iso(base + i); return [hexId(), account.id, `cn-north-4_s${pad(i)}`, region.id, t, t] })
fill('enterprise_projects', Number(epsWanted),
  "select count(*) n from enterprise_projects where domain_id = ? and name like 'scale-ep-%'",
  `insert into enterprise_projects (domain_id, id, name, description, status, type, created_at, updated_at)
   values (?, ?, ?, '', 1, 'prod', ?, ?)`,
  // Ten per created_at value: ties in the sort key, which paging must still order by id.
  (i) => { const t = iso(base + Math.floor(i / 10) * 1000); return [account.id, randomUUID(), `scale-ep-${pad(i)}`, t, t] })
fill('audit_traces', Number(tracesWanted),
  "select count(*) n from audit_traces where domain_id = ? and trace_name = 'scaleBench'",
  `insert into audit_traces (id, domain_id, time, service_type, trace_name, trace_type, resource_type, resource_id, resource_name,
     user_id, user_name, user_domain_id, user_domain_name, source_ip, request_id, user_agent, before_state, after_state, assumed_by)
   values (?, ?, ?, 'IAM', 'scaleBench', 'ApiCall', 'project', ?, ?, ?, 'admin', ?, 'projectplane', '127.0.0.1', ?, 'scale-load', null, ?, null)`,
  (i) => {
    const ms = base + i
    const resource = `p${pad(i)}`
    return [newTraceId(ms), account.id, iso(ms), resource, resource, admin?.id ?? '', account.id, hexId(), `{"name":"${resource}"}`]
  })
db.pragma('wal_checkpoint(TRUNCATE)')
const sample = db.prepare("select id from projects where domain_id = ? and name = ?").get(account.id, `cn-north-4_s${pad(Math.floor(Number(projectsWanted) / 2))}`)
// Markers for the trace listing (newest first): one in the middle, one 150 traces from the oldest.
const traceAt = (i) => db.prepare("select id from audit_traces where domain_id = ? and trace_name = 'scaleBench' order by id limit 1 offset ?").get(account.id, i)?.id
const traces = Number(tracesWanted)
const markers = { traceMiddle: traceAt(Math.floor(traces / 2)), traceLast: traceAt(Math.min(150, traces - 1)) }
db.close()
process.stdout.write(`${JSON.stringify({ account: account.id, project: sample?.id, ...markers })}\n`)
