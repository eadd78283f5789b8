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
// With FLOOR_DATABASE_URL (and FLOOR_SCHEMA, projectplane's DATABASE_SCHEMA) it runs on that
// PostgreSQL store instead, with pg's plain client: one batch at a time on one connection, per
// write the UPDATE (its row before read in the same statement, as projectplane does) and the
// trace INSERT as named prepared statements, each waited for; no savepoints, so a failing write
// fails its batch (less than projectplane promises: a floor).
import http from 'node:http'
import path from 'node:path'
import { randomUUID } from 'node:crypto'

const port = Number(process.argv[2])
const dataDir = process.env.FLOOR_DATA_DIR
const token = process.env.FLOOR_TOKEN
const databaseUrl = process.env.FLOOR_DATABASE_URL
if (!Number.isInteger(port) || !(dataDir || databaseUrl) || !token) {
  process.stderr.write('usage: FLOOR_DATA_DIR=dir (or FLOOR_DATABASE_URL=url FLOOR_SCHEMA=schema) FLOOR_TOKEN=token node bench/floor-server.mjs <port>\n')
  process.exit(2)
}

const ADMIN = "select u.id, u.name, u.domain_id, d.name as domain_name from users u join domains d on d.id = u.domain_id where u.name = 'admin'"
const TRACE_COLUMNS = ['id', 'domain_id', 'time', 'service_type', 'trace_name', 'trace_type', 'resource_type', 'resource_id', 'resource_name',
  'user_id', 'user_name', 'user_domain_id', 'user_domain_name', 'source_ip', 'request_id', 'user_agent', 'before_state', 'after_state']

/** The trace row of one write, in TRACE_COLUMNS' order. */
function traceOf(job, before, after, now) {
  return [randomUUID(), after.domain_id, now, 'IAM', 'updateProject', 'ApiCall', 'project', after.id, after.name,
    job.user.id, job.user.name, job.user.domain_id, job.user.domain_name, '127.0.0.1', randomUUID().replaceAll('-', ''), '',
    JSON.stringify({ description: before.description, updated_at: before.updated_at }), JSON.stringify(after)]
}

async function sqliteStore() {
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(path.join(dataDir, 'projectplane.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  // FLOOR_WAL_AUTOCHECKPOINT=0 takes checkpoints out altogether (the WAL then grows without bound):
  // the upper bound of what moving them off the request path can give.
  if (process.env.FLOOR_WAL_AUTOCHECKPOINT !== undefined) db.pragma(`wal_autocheckpoint = ${Number(process.env.FLOOR_WAL_AUTOCHECKPOINT)}`)
  const byId = db.prepare('select * from projects where id = ?')
  const update = db.prepare('update projects set updated_at = ?, description = ? where id = ? and domain_id = ? returning *')
  const insertTrace = db.prepare(`insert into audit_traces (${TRACE_COLUMNS.join(', ')}) values (${TRACE_COLUMNS.map(() => '?').join(', ')})`)
  const [begin, commit, savepoint, release, rollbackTo] = ['begin', 'commit', 'savepoint w', 'release w', 'rollback to w'].map((text) => db.prepare(text))
  return {
    admin: db.prepare(ADMIN).get(),
    project: (id) => byId.get(id),
    close: () => db.close(),
    /** Each write in its own savepoint, as projectplane's group commit; one COMMIT for all. */
    batch(jobs) {
      const outcomes = []
      begin.run()
      for (const job of jobs) {
        savepoint.run()
        try {
          const before = byId.get(job.id)
          const now = new Date().toISOString()
          const after = before && update.get(now, job.description, job.id, job.user.domain_id)
          if (after) insertTrace.run(...traceOf(job, before, after, now))
          release.run()
          outcomes.push(after)
        } catch (error) {
          rollbackTo.run()
          release.run()
          outcomes.push(error)
        }
      }
      commit.run()
      return outcomes
    },
  }
}

async function postgresStore() {
  const { default: pg } = await import('pg')
  const schema = process.env.FLOOR_SCHEMA
  const client = new pg.Client({ connectionString: databaseUrl, ...(schema ? { options: `-c search_path=${schema}` } : {}) })
  await client.connect()
  const byId = { name: 'by_id', text: 'select * from projects where id = $1' }
  const update = {
    name: 'update',
    text: `update projects set updated_at = $1, description = $2 from (select * from projects where id = $3 for update) as before
      where projects.id = before.id and projects.domain_id = $4 returning to_jsonb(before) as before, projects.*`,
  }
  const insertTrace = { name: 'trace', text: `insert into audit_traces (${TRACE_COLUMNS.join(', ')}) values (${TRACE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})` }
  return {
    admin: (await client.query(ADMIN)).rows[0],
    project: async (id) => (await client.query({ ...byId, values: [id] })).rows[0],
    close: () => client.end(),
    async batch(jobs) {
      const outcomes = []
      try {
        await client.query('begin')
        for (const job of jobs) {
          const now = new Date().toISOString()
          const [row] = (await client.query({ ...update, values: [now, job.description, job.id, job.user.domain_id] })).rows
          if (row) {
            const { before, ...after } = row
            await client.query({ ...insertTrace, values: traceOf(job, before, after, now) })
          }
          outcomes.push(row)
        }
        await client.query('commit')
      } catch (error) {
        await client.query('rollback').catch(() => {})
        return jobs.map(() => error)
      }
      return outcomes
    },
  }
}

const store = databaseUrl ? await postgresStore() : await sqliteStore()
const tokens = new Map([[token, store.admin]])

function documentOf(row) {
  return JSON.stringify({
    project: {
      is_domain: false, description: row.description, links: { self: `http://127.0.0.1:${port}/v3/projects/${row.id}` },
      enabled: row.enabled === 1 || row.enabled === true, id: row.id, parent_id: row.parent_id, domain_id: row.domain_id, name: row.name,
    },
  })
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function answerRow(res, row) {
  if (row instanceof Error) answer(res, 500, '{"error":{"code":500}}')
  else if (!row) answer(res, 404, '{"error":{"code":404}}')
  else answer(res, 200, documentOf(row))
}

// Writes of one turn form a batch; one batch at a time (the next waits for this one's commit).
let queue = []
let running = false
async function flush() {
  running = true
  while (queue.length > 0) {
    const jobs = queue
    queue = []
    const outcomes = await store.batch(jobs)
    jobs.forEach((job, i) => answerRow(job.res, outcomes[i]))
  }
  running = false
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
    const row = store.project(id)
    return row instanceof Promise ? row.then((r) => answerRow(res, r), (e) => answerRow(res, e)) : answerRow(res, row)
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
    if (!running && queue.length === 1) setImmediate(flush)
  })
})

server.listen(port, '127.0.0.1', () => process.stdout.write(`floor-server listening on http://127.0.0.1:${port}\n`))
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(async () => { await store.close(); process.exit(0) }))
