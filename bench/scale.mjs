#!/usr/bin/env node
// Memory and speed with a million rows (issue 19); run through bench/scale.sh. Starts dist/main.js
// (huaweicloud flavour, file-backed SQLite in a temporary DATA_DIR), loads rows with
// bench/scale-load.mjs while it is stopped, and measures over HTTP:
//   - GET and PATCH /v3/projects/{id} p50 (sequential, one keep-alive connection) on a store of 1k
//     rows and on one of 1M projects + 100k enterprise projects + 1M traces in one account, both
//     servers up and asked in alternating blocks;
//   - start-up to ready (/readyz 200) and idle RSS with those rows;
//   - peak RSS (VmRSS sampled every 20 ms, and VmHWM) while listing everything: GET /v3/projects
//     unpaged, walking it with page/per_page=5000, walking EPS with limit=1000, walking CTS traces
//     with limit=200;
//   - the first, a middle and the last page of each list, cold (first request at that depth) and
//     warm (asked again).
// Environment: PROJECTS=1000000 EPS=100000 TRACES=1000000 SMALL=1000 N=1500 (requests per p50),
//   BENCH_PORT=5093, KEEP_DATA=1 keeps the DATA_DIR.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

const env = (name, fallback) => Number(process.env[name] ?? fallback)
const PROJECTS = env('PROJECTS', 1_000_000), EPS = env('EPS', 100_000), TRACES = env('TRACES', 1_000_000)
const SMALL = env('SMALL', 1000), N = env('N', 1500), PORT = env('BENCH_PORT', 5093)
const PASSWORD = 'Bench-Passw0rd!'
const results = []
/** The 1M-row store and a 1k-row one beside it; requests go to `cur`. */
const big = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pp-scale-')), port: PORT }
const small = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pp-scale-small-')), port: PORT + 1 }
let cur = big

function log(line) { process.stderr.write(`[scale] ${line}\n`) }

/** One request; the body is streamed through `onChunk` when given (never held), else returned. */
function request(method, p, { token, body, onChunk } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const started = process.hrtime.bigint()
    const req = http.request({ host: '127.0.0.1', port: cur.port, method, path: p, agent: cur.agent, headers: {
      ...(token ? { 'x-auth-token': token } : {}), ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
    } }, (res) => {
      const chunks = []
      let bytes = 0
      res.on('data', (c) => { bytes += c.length; if (onChunk) onChunk(c); else chunks.push(c) })
      res.on('end', () => resolve({
        status: res.statusCode, headers: res.headers, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6,
        text: onChunk ? '' : Buffer.concat(chunks).toString('utf8'),
      }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(data)
  })
}

async function ok(method, p, options) {
  const res = await request(method, p, options)
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${res.text.slice(0, 300)}`)
  return res
}

// `npm start`'s environment settings and node flags (SERVER_COMMAND, from bench/scale.sh).
const startWords = (process.env.SERVER_COMMAND ?? '').split(' ').filter(Boolean)

async function start(target) {
  cur = target
  target.agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const started = process.hrtime.bigint()
  target.server = spawn(process.execPath, [...startWords.filter((w) => w.startsWith('--')), 'dist/main.js'], {
    env: { ...process.env, ...Object.fromEntries(startWords.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split(/=(.*)/s).slice(0, 2))), PORT: String(target.port), DATA_DIR: target.dir, LOG_LEVEL: 'warn', PROJECTPLANE_ADMIN_PASSWORD: PASSWORD, FLAVOUR: 'huaweicloud' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (;;) {
    if (target.server.exitCode !== null) throw new Error(`server exited (${target.server.exitCode})`)
    const res = await request('GET', '/readyz').catch(() => undefined)
    if (res?.status === 200) return Number(process.hrtime.bigint() - started) / 1e6
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function stop(target) {
  target.agent.destroy()
  const exited = new Promise((r) => target.server.once('exit', r))
  target.server.kill('SIGTERM')
  await exited
}

function memory() {
  const status = fs.readFileSync(`/proc/${big.server.pid}/status`, 'utf8')
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)[1])
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
}

async function token() {
  const res = await ok('POST', '/v3/auth/tokens', { body: { auth: {
    identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD, domain: { name: 'projectplane' } } } },
    scope: { domain: { name: 'projectplane' } },
  } } })
  return res.headers['x-subject-token']
}

function load(target, projects, eps, traces) {
  const out = execFileSync(process.execPath, ['bench/scale-load.mjs', path.join(target.dir, 'projectplane.sqlite'), String(projects), String(eps), String(traces)], { stdio: ['ignore', 'pipe', 'inherit'] })
  return JSON.parse(out.toString())
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]

/**
 * p50 of GET and of PATCH on one project of each store, both servers up, in alternating blocks of
 * requests so both see the same machine load (other sessions share it).
 */
async function readWriteP50(targets) {
  const times = targets.map(() => ({ get: [], patch: [] }))
  const block = async (t, k, method, count, keep) => {
    cur = t
    const p = `/v3/projects/${t.project}`
    for (let i = 0; i < count; i++) {
      const body = method === 'PATCH' ? { project: { description: `d${k}-${i}` } } : undefined
      const { ms } = await ok(method, p, { token: t.token, body })
      if (keep) times[targets.indexOf(t)][method === 'GET' ? 'get' : 'patch'].push(ms)
    }
  }
  // Warm-up long enough for the JIT on both.
  for (const t of targets) { await block(t, 'w', 'GET', 2000, false); await block(t, 'w', 'PATCH', 500, false) }
  for (let k = 0; k < Math.ceil(N / 100); k++) {
    for (const t of targets) await block(t, k, 'GET', 100, true)
    for (const t of targets) await block(t, k, 'PATCH', 100, true)
  }
  return times.map((x) => ({ get: median(x.get), patch: median(x.patch) }))
}

function row(target, measured, pass) {
  results.push({ target, measured, verdict: pass === undefined ? 'info' : pass ? 'PASS' : 'FAIL' })
  log(`${target}: ${measured}`)
}

/** Cold then warm time of one page. */
async function page(label, tok, p) {
  const cold = await ok('GET', p, { token: tok })
  const warm = await ok('GET', p, { token: tok })
  row(`${label} ≤ 20 ms`, `cold ${cold.ms.toFixed(1)} ms, warm ${warm.ms.toFixed(1)} ms`, Math.max(cold.ms, warm.ms) <= 20)
  return cold
}

/** Walks a list page by page; returns the rows seen and the slowest page. */
async function walk(tok, first, nextOf, countOf) {
  let p = first, rows = 0, slowest = 0, pages = 0
  while (p) {
    const res = await ok('GET', p, { token: tok })
    const body = JSON.parse(res.text)
    rows += countOf(body)
    slowest = Math.max(slowest, res.ms)
    pages++
    p = nextOf(body, res)
  }
  return { rows, slowest, pages }
}

async function main() {
  log(`data dirs ${big.dir} (1M rows), ${small.dir} (${SMALL})`)
  for (const t of [small, big]) { await start(t); await stop(t) }
  Object.assign(small, load(small, SMALL, Math.min(EPS, 100), SMALL))
  const loadStarted = Date.now()
  Object.assign(big, load(big, PROJECTS, EPS, TRACES))
  row('load', `${PROJECTS} projects, ${EPS} enterprise projects, ${TRACES} traces in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`)
  const smallReadyMs = await start(small)
  await stop(small)
  const readyMs = await start(big)
  row('start-up to ready ≤ 1000 ms', `${readyMs.toFixed(0)} ms (with ${SMALL} rows: ${smallReadyMs.toFixed(0)} ms)`, readyMs <= 1000)
  const tok = big.token = await token()
  row('idle RSS', `${memory().rss.toFixed(0)} MB`)

  let peak = 0, phasePeak = 0
  const sampler = setInterval(() => { const { rss } = memory(); peak = Math.max(peak, rss); phasePeak = Math.max(phasePeak, rss) }, 20)
  const phase = (name) => { row(`peak RSS: ${name}`, `${phasePeak.toFixed(0)} MB`); phasePeak = 0 }

  // Projects: unpaged (streamed), then the Huawei page/per_page parameters.
  let tail = '', count = 0
  const all = await ok('GET', '/v3/projects', { token: tok, onChunk: (c) => {
    const text = tail + c.toString('latin1')
    count += text.split('"is_domain":false').length - 1
    tail = text.slice(-20).includes('"') ? text.slice(-16) : ''
  } })
  row('GET /v3/projects unpaged', `${count} projects, ${(all.bytes / 1e6).toFixed(0)} MB in ${(all.ms / 1000).toFixed(2)} s`)
  phase('GET /v3/projects unpaged')
  const last = Math.ceil(count / 100)
  await page('GET /v3/projects?page=1&per_page=100', tok, '/v3/projects?page=1&per_page=100')
  await page(`GET /v3/projects?page=${Math.floor(last / 2)}&per_page=100`, tok, `/v3/projects?page=${Math.floor(last / 2)}&per_page=100`)
  const lastPage = await page(`GET /v3/projects?page=${last}&per_page=100 (last)`, tok, `/v3/projects?page=${last}&per_page=100`)
  if (JSON.parse(lastPage.text).links.next !== null) throw new Error('the last page of projects has a next link')
  phase('project pages')
  const projectWalk = await walk(tok, '/v3/projects?page=1&per_page=5000',
    (b) => b.links.next && new URL(b.links.next).pathname + new URL(b.links.next).search, (b) => b.projects.length)
  row('walk /v3/projects per_page=5000', `${projectWalk.rows} rows (unpaged: ${count}), ${projectWalk.pages} pages, slowest ${projectWalk.slowest.toFixed(1)} ms`, projectWalk.rows === count)

  phase('walk /v3/projects per_page=5000')
  // Enterprise projects: limit/offset.
  const epsTotal = JSON.parse((await ok('GET', '/v1.0/enterprise-projects?limit=1', { token: tok })).text).total_count
  await page('GET /v1.0/enterprise-projects?limit=100&offset=0', tok, '/v1.0/enterprise-projects?limit=100&offset=0')
  const epsMiddle = Math.floor(epsTotal / 200) * 100
  await page(`GET /v1.0/enterprise-projects?limit=100&offset=${epsMiddle}`, tok, `/v1.0/enterprise-projects?limit=100&offset=${epsMiddle}`)
  await page(`GET /v1.0/enterprise-projects?limit=100&offset=${epsTotal - 100} (last)`, tok, `/v1.0/enterprise-projects?limit=100&offset=${epsTotal - 100}`)
  let offset = 0
  const epsWalk = await walk(tok, '/v1.0/enterprise-projects?limit=1000&offset=0', (b) => {
    offset += 1000
    return offset < b.total_count ? `/v1.0/enterprise-projects?limit=1000&offset=${offset}` : undefined
  }, (b) => b.enterprise_projects.length)
  row('walk /v1.0/enterprise-projects limit=1000', `${epsWalk.rows} of ${epsTotal}, ${epsWalk.pages} pages, slowest ${epsWalk.slowest.toFixed(1)} ms`, epsWalk.rows === epsTotal)

  phase('enterprise project pages and walk')
  // Traces: limit/next (a marker), over the whole time range the loader used.
  const to = Date.now(), from = to - 3 * 3600_000
  const traces = `/v3/${big.account}/traces?limit=200&from=${from}&to=${to}`
  await page('GET traces?limit=200 (first)', tok, traces)
  await page('GET traces?limit=200&next=<middle>', tok, `${traces}&next=${big.traceMiddle}`)
  await page('GET traces?limit=200&next=<near the end>', tok, `${traces}&next=${big.traceLast}`)
  const traceWalk = await walk(tok, traces, (b) => b.meta_data.marker && `${traces}&next=${b.meta_data.marker}`, (b) => b.traces.length)
  row('walk traces limit=200', `${traceWalk.rows} traces, ${traceWalk.pages} pages, slowest ${traceWalk.slowest.toFixed(1)} ms`, traceWalk.rows >= TRACES)

  phase('trace pages and walk')
  // What the administrator's token reaches: every project, through its inherited domain grant.
  const reach = await ok('GET', '/v3/auth/projects', { token: tok, onChunk: () => {} })
  row('GET /v3/auth/projects', `${(reach.bytes / 1e6).toFixed(0)} MB in ${(reach.ms / 1000).toFixed(2)} s`)
  phase('GET /v3/auth/projects')
  clearInterval(sampler)
  const { hwm } = memory()
  row('peak RSS while listing everything ≤ 200 MB', `sampled ${peak.toFixed(0)} MB, VmHWM ${hwm.toFixed(0)} MB`, Math.max(peak, hwm) <= 200)

  await start(small)
  small.token = await token()
  const [before, after] = await readWriteP50([small, big])
  // The target: a million rows cost a request at most 20 % more than a thousand.
  const within = (a, b) => b <= a * 1.2
  row(`GET /v3/projects/{id} p50, ${SMALL} → ${PROJECTS} rows (≤ +20 %)`, `${before.get.toFixed(3)} → ${after.get.toFixed(3)} ms`, within(before.get, after.get))
  row(`PATCH /v3/projects/{id} p50, ${SMALL} → ${PROJECTS} rows (≤ +20 %)`, `${before.patch.toFixed(3)} → ${after.patch.toFixed(3)} ms`, within(before.patch, after.patch))
  await stop(small)
  await stop(big)

  console.log(`\nScale bench — ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`)
  console.log('| target | measured | verdict |\n|---|---|---|')
  for (const r of results) console.log(`| ${r.target} | ${r.measured} | ${r.verdict} |`)
}

main().catch(async (error) => {
  log(`ERROR: ${error.stack ?? error}`)
  for (const t of [small, big]) if (t.server && t.server.exitCode === null) t.server.kill('SIGTERM')
  process.exitCode = 1
}).finally(() => {
  if (!process.env.KEEP_DATA) for (const t of [small, big]) fs.rmSync(t.dir, { recursive: true, force: true })
})
