// The floor of this stack for bench/floor.sh: the least a node:http + better-sqlite3 server can do
// for issue 19's durable write, on a store projectplane itself created (same schema, triggers and
// pragmas), so what it costs is what any implementation on this stack would pay.
//
// PATCH /v3/projects/{id}: parse the JSON body, look the token up (a Map, as a warm token cache),
// then in a group commit (writes of one event-loop turn share one transaction, each in its own
// savepoint, as projectplane's): read the row, UPDATE … RETURNING, INSERT the audit trace (the
// changed columns before, the whole row after, as JSON), COMMIT; answer each write after its
// commit with the project document. GET /v3/projects/{id}: token, keyed read, the document.
// No routing library, no schemas, no hooks, no logging, no metrics.
//
// Usage: FLOOR_DATA_DIR=<projectplane DATA_DIR, server stopped> FLOOR_TOKEN=<token> node bench/floor-server.mjs <port>
// (FLOOR_WAL_AUTOCHECKPOINT=<pages> sets SQLite's wal_autocheckpoint; default SQLite's 1000.)
import http from 'node:http'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'

const port = Number(process.argv[2])
const dataDir = process.env.FLOOR_DATA_DIR
const token = process.env.FLOOR_TOKEN
if (!Number.isInteger(port) || !dataDir || !token) {
  process.stderr.write('usage: FLOOR_DATA_DIR=dir FLOOR_TOKEN=token node bench/floor-server.mjs <port>\n')
  process.exit(2)
}

const db = new Database(path.join(dataDir, 'projectplane.sqlite'))
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.pragma('foreign_keys = ON')
// FLOOR_WAL_AUTOCHECKPOINT=0 takes checkpoints out altogether (the WAL then grows without bound):
// the upper bound of what moving them off the request path can give.
if (process.env.FLOOR_WAL_AUTOCHECKPOINT !== undefined) db.pragma(`wal_autocheckpoint = ${Number(process.env.FLOOR_WAL_AUTOCHECKPOINT)}`)
const admin = db.prepare("select u.id, u.name, u.domain_id, d.name as domain_name from users u join domains d on d.id = u.domain_id where u.name = 'admin'").get()
const tokens = new Map([[token, admin]])
const byId = db.prepare('select * from projects where id = ?')
const update = db.prepare('update projects set updated_at = ?, description = ? where id = ? and domain_id = ? returning *')
const traceColumns = ['id', 'domain_id', 'time', 'service_type', 'trace_name', 'trace_type', 'resource_type', 'resource_id', 'resource_name',
  'user_id', 'user_name', 'user_domain_id', 'user_domain_name', 'source_ip', 'request_id', 'user_agent', 'before_state', 'after_state']
const insertTrace = db.prepare(`insert into audit_traces (${traceColumns.join(', ')}) values (${traceColumns.map(() => '?').join(', ')})`)
const control = (text) => db.prepare(text)
const [begin, commit, savepoint, release, rollbackTo] = ['begin', 'commit', 'savepoint w', 'release w', 'rollback to w'].map(control)

function documentOf(row) {
  return JSON.stringify({
    project: {
      is_domain: false, description: row.description, links: { self: `http://127.0.0.1:${port}/v3/projects/${row.id}` },
      enabled: row.enabled === 1, id: row.id, parent_id: row.parent_id, domain_id: row.domain_id, name: row.name,
    },
  })
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

let queue = []
function flush() {
  const batch = queue
  queue = []
  const outcomes = []
  begin.run()
  for (const job of batch) {
    savepoint.run()
    try {
      const before = byId.get(job.id)
      const now = new Date().toISOString()
      const after = before && update.get(now, job.description, job.id, job.user.domain_id)
      if (after) {
        insertTrace.run(randomUUID(), after.domain_id, now, 'IAM', 'updateProject', 'ApiCall', 'project', after.id, after.name,
          job.user.id, job.user.name, job.user.domain_id, job.user.domain_name, '127.0.0.1', randomUUID().replaceAll('-', ''), '',
          JSON.stringify({ description: before.description, updated_at: before.updated_at }), JSON.stringify(after))
      }
      release.run()
      outcomes.push(after)
    } catch (error) {
      rollbackTo.run()
      release.run()
      outcomes.push(error)
    }
  }
  commit.run()
  batch.forEach((job, i) => {
    const outcome = outcomes[i]
    if (outcome instanceof Error) answer(job.res, 500, '{"error":{"code":500}}')
    else if (!outcome) answer(job.res, 404, '{"error":{"code":404}}')
    else answer(job.res, 200, documentOf(outcome))
  })
}

const server = http.createServer((req, res) => {
  const user = tokens.get(req.headers['x-auth-token'])
  const id = req.url.startsWith('/v3/projects/') ? req.url.slice('/v3/projects/'.length) : undefined
  if (!user || !id) {
    req.resume()
    return answer(res, user ? 404 : 401, '{"error":{"code":401}}')
  }
  if (req.method === 'GET') {
    req.resume()
    const row = byId.get(id)
    return row ? answer(res, 200, documentOf(row)) : answer(res, 404, '{"error":{"code":404}}')
  }
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    let description
    try {
      description = JSON.parse(Buffer.concat(chunks).toString()).project.description
    } catch {
      return answer(res, 400, '{"error":{"code":400}}')
    }
    if (typeof description !== 'string') return answer(res, 400, '{"error":{"code":400}}')
    queue.push({ id, description, user, res })
    if (queue.length === 1) setImmediate(flush)
  })
})

server.listen(port, '127.0.0.1', () => process.stdout.write(`floor-server listening on http://127.0.0.1:${port}\n`))
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => { db.close(); process.exit(0) }))
