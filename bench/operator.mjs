#!/usr/bin/env node
// Operator API speed (issue 17, item 2): how long a test suite waits for an account per test and
// for a reset between tests. `node bench/operator.mjs` (after `npm run build`), from the repository
// root. Starts dist/main.js on a fresh store (file-backed SQLite by default; DATABASE_URL=… for
// PostgreSQL, in a schema of its own that is dropped at the end), then measures, client-side over
// one keep-alive connection:
//   1. POST /_projectplane/accounts with an access key (generated password), ACCOUNTS times;
//      and with a given password (argon2id at full cost), 50 times, for comparison;
//   2. DELETE /_projectplane/state?account=<id> of an account holding 10,000 objects (3,000 users,
//      1,000 groups, 3,000 memberships, 500 projects, 2,000 resources, 500 grants), loaded with
//      PUT /_projectplane/state?account=<id>, RESETS times; then DELETE /_projectplane/accounts/<id>
//      of such an account.
// Environment: ACCOUNTS=300, RESETS=7, DATABASE_URL (PostgreSQL), BENCH_PORT=5077.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ACCOUNTS = Number(process.env.ACCOUNTS ?? 300)
const RESETS = Number(process.env.RESETS ?? 7)
const PORT = Number(process.env.BENCH_PORT ?? 5077)
const URL_ = `http://127.0.0.1:${PORT}`
const PASSWORD = 'Bench-Passw0rd!'
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pp-operator-bench-'))
const schema = process.env.DATABASE_URL ? `bench_${randomBytes(4).toString('hex')}` : undefined

const server = spawn(process.execPath, ['dist/main.js'], {
  env: {
    ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: 'warn', PROJECTPLANE_ADMIN_PASSWORD: PASSWORD,
    IAM_QUOTAS: 'user=100000,group=100000,policy=100000,project=100000', ...(schema ? { DATABASE_SCHEMA: schema } : {}),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
})

async function api(method, p, token, body) {
  const res = await fetch(`${URL_}${p}`, {
    method, headers: { ...(token ? { 'x-auth-token': token } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`)
  return { res, body: text ? JSON.parse(text) : undefined }
}

async function timed(work) {
  const start = process.hrtime.bigint()
  const value = await work()
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const summary = (list) => {
  const s = [...list].sort((a, b) => a - b)
  return `n=${s.length} p50 ${pct(s, 50).toFixed(1)} ms, p90 ${pct(s, 90).toFixed(1)} ms, p99 ${pct(s, 99).toFixed(1)} ms, max ${s.at(-1).toFixed(1)} ms`
}

function tenThousand(name) {
  const projects = Array.from({ length: 500 }, (_, i) => ({ name: `cn-north-4_p${i}` }))
  const groups = Array.from({ length: 1000 }, (_, i) => ({ name: `g${i}` }))
  const users = Array.from({ length: 3000 }, (_, i) => ({ name: `u${i}`, groups: [`g${i % 1000}`] }))
  const resources = Array.from({ length: 2000 }, (_, i) => ({ type: 'ecs', name: `vm${i}`, project: `cn-north-4_p${i % 500}` }))
  const grants = Array.from({ length: 500 }, (_, i) => ({ group: `g${i}`, role: 'te_admin', project: `cn-north-4_p${i}` }))
  return { format: 'projectplane-state', version: 1, flavour: 'huaweicloud', accounts: [{ name, users, groups, projects, resources, grants }] }
}

try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${URL_}/readyz`)).ok) break } catch { /* not yet */ }
    if (i > 200) throw new Error('the server did not become ready')
    await new Promise((r) => setTimeout(r, 100))
  }
  const login = await api('POST', '/v3/auth/tokens?nocatalog', undefined, {
    auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD, domain: { name: 'projectplane' } } } }, scope: { domain: { name: 'projectplane' } } },
  })
  const token = login.res.headers.get('x-subject-token')
  console.log(`store: ${schema ? `PostgreSQL (schema ${schema})` : 'SQLite file'}; node ${process.version}`)

  for (let i = 0; i < 20; i++) await api('POST', '/_projectplane/accounts', token, { account: { name: `warm${i}`, access_key: true } })
  const create = []
  for (let i = 0; i < ACCOUNTS; i++) create.push((await timed(() => api('POST', '/_projectplane/accounts', token, { account: { name: `a${i}`, access_key: true } }))).ms)
  console.log(`create account + access key (generated password): ${summary(create)}`)
  const given = []
  for (let i = 0; i < 50; i++) given.push((await timed(() => api('POST', '/_projectplane/accounts', token, { account: { name: `p${i}`, access_key: true, admin: { password: PASSWORD } } }))).ms)
  console.log(`create account + access key (given password, argon2id full cost): ${summary(given)}`)

  const id = (await api('POST', '/_projectplane/accounts', token, { account: { name: 'big' } })).body.account.id
  const loads = []
  const resets = []
  for (let i = 0; i < RESETS; i++) {
    loads.push((await timed(() => api('PUT', `/_projectplane/state?account=${id}`, token, tenThousand('big')))).ms)
    const doc = (await api('GET', `/_projectplane/state?account=${id}`, token)).body.accounts[0]
    const objects = doc.users.length + doc.groups.length + doc.users.reduce((n, u) => n + u.groups.length, 0) + doc.projects.length + doc.resources.length + doc.grants.length
    if (i === 0) console.log(`account 'big' holds ${objects} objects (users, groups, memberships, projects, resources, grants; system projects and the admin group included)`)
    resets.push((await timed(() => api('DELETE', `/_projectplane/state?account=${id}`, token))).ms)
  }
  console.log(`load 10k objects (PUT ?account=): ${summary(loads)}`)
  console.log(`reset an account of 10k objects (DELETE /_projectplane/state?account=): ${summary(resets)}`)
  await api('PUT', `/_projectplane/state?account=${id}`, token, tenThousand('big'))
  const deletion = await timed(() => api('DELETE', `/_projectplane/accounts/${id}`, token))
  console.log(`delete an account of 10k objects (DELETE /_projectplane/accounts/{id}): ${deletion.ms.toFixed(1)} ms`)
} finally {
  server.kill('SIGTERM')
  await new Promise((r) => server.once('exit', r))
  fs.rmSync(dataDir, { recursive: true, force: true })
  if (schema) {
    const pg = (await import('pg')).default
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await client.connect()
    await client.query(`drop schema if exists ${schema} cascade`)
    await client.end()
  }
}
