/**
 * Graceful shutdown of the built server (`node dist/main.js`), on SQLite and on PostgreSQL:
 * SIGTERM stops accepting, finishes the requests in flight with their normal answers, closes the
 * store and exits 0.
 *
 * The requests in flight are made with raw sockets and `Expect: 100-continue`: once the server
 * has answered `100 Continue` it has parsed and routed the request, so holding the body back
 * keeps the request in flight for as long as the test likes, with no race against the signal.
 * What the test proves, in order:
 * - a new TCP connection after the signal is refused (ECONNREFUSED: the listening socket is
 *   closed), while the requests in flight are still unanswered;
 * - an idle keep-alive connection is closed by the server;
 * - a request that arrives on a connection already busy with a request in flight gets a 503 in
 *   its service's error format, with its request ids and `Connection: close`;
 * - the requests in flight (16 password logins, half of their bodies sent before the signal so
 *   that they are likely hashing when it lands, half after it, and one project creation) get
 *   their normal answers, and each connection is then closed by the server although the client
 *   keeps it open;
 * - the process exits 0, long before the keep-alive timeout (72 s) could have let it go;
 * - the store was closed, not merely abandoned: SQLite leaves no -wal/-shm file behind and a new
 *   server starts at once on the folder and sees every answered write; PostgreSQL keeps no
 *   session of the server and counted none as abandoned (a session the client left without
 *   saying goodbye). Each store check is shown to fail on a SIGKILLed server.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, TEST_POSTGRES_URL, call } from './helpers/server.js'
import { spawnServer, type ServerProcess } from './helpers/server-process.js'

const ACCOUNT = 'shutdown'
const LOGINS = 16
/** IAM's answer to a request arriving while the server closes (Keystone's 503 body). */
const CLOSING_503_BODY = '{"error":{"code":503,"message":"The service is temporarily unavailable. Please retry later.","title":"Service Unavailable"}}'
/**
 * Far longer than a shutdown needs on a busy machine, far shorter than Fastify's keep-alive
 * timeout (72 s), which is what a server waiting on idle keep-alive connections would take.
 */
const EXIT_WITHIN_MS = 30_000
const WAIT_MS = 20_000

const LOGIN_BODY = JSON.stringify({
  auth: {
    identity: { methods: ['password'], password: { user: { name: 'admin', password: ADMIN_PASSWORD, domain: { name: ACCOUNT } } } },
    scope: { domain: { name: ACCOUNT } },
  },
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function requestHead(method: string, url: string, options: { token?: string; body?: string; expectContinue?: boolean } = {}): string {
  const lines = [`${method} ${url} HTTP/1.1`, 'Host: 127.0.0.1']
  if (options.token) lines.push(`X-Auth-Token: ${options.token}`)
  if (options.body !== undefined) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(options.body)}`)
  if (options.expectContinue) lines.push('Expect: 100-continue')
  return `${lines.join('\r\n')}\r\n\r\n`
}

interface RawResponse { status: number; headers: Record<string, string>; body: string }

/**
 * A keep-alive HTTP/1.1 connection under the test's control: fetch can neither hold a body back
 * nor show who closed a connection.
 */
class RawConnection {
  private buffer = Buffer.alloc(0)
  private wake: (() => void) | undefined
  private ended = false
  /** Settles when the socket closes; the test itself never closes one it waits on. */
  readonly closed: Promise<void>

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      this.notify()
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) => socket.on('close', () => {
      this.ended = true
      this.notify()
      resolve()
    }))
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new RawConnection(socket))
      })
    })
  }

  send(data: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())))
  }

  /** The next response on the connection, interim (1xx) ones included. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const response = this.take()
      if (response) return response
      if (this.ended) throw new Error(`connection closed before a whole response; received: ${JSON.stringify(this.buffer.toString())}`)
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  destroy(): void {
    this.socket.destroy()
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  private take(): RawResponse | undefined {
    const headEnd = this.buffer.indexOf('\r\n\r\n')
    if (headEnd < 0) return undefined
    const [statusLine, ...lines] = this.buffer.subarray(0, headEnd).toString('latin1').split('\r\n')
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1])
    const headers = Object.fromEntries(lines.map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
    }))
    // The server answers with Content-Length throughout; anything else would be misread here.
    if (status >= 200 && headers['content-length'] === undefined) throw new Error(`no Content-Length: ${statusLine}`)
    const length = status < 200 ? 0 : Number(headers['content-length'])
    const end = headEnd + 4 + length
    if (this.buffer.length < end) return undefined
    const body = this.buffer.subarray(headEnd + 4, end).toString()
    this.buffer = this.buffer.subarray(end)
    return { status, headers, body }
  }
}

/** Connects until the listening socket is gone. */
async function waitUntilRefused(port: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    try {
      const connection = await RawConnection.open(port)
      connection.destroy()
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ECONNREFUSED') return
      // A probe the kernel queued just as the listening socket closed is reset, not refused:
      // that socket never reached the server; the next probe tells.
      if (code !== 'ECONNRESET') throw error
    }
    if (Date.now() > deadline) throw new Error(`port ${port} still accepts connections ${WAIT_MS} ms after SIGTERM`)
    await sleep(20)
  }
}

async function adminToken(url: string): Promise<string> {
  const res = await call(`${url}/v3/auth/tokens?nocatalog=1`, { method: 'POST', body: LOGIN_BODY })
  expect(res.status, res.text).toBe(201)
  return res.headers.get('x-subject-token')!
}

const withoutLinks = ({ links: _links, ...rest }: Record<string, unknown>) => rest

/** Processes this file started and has not seen exit; killed if a test fails half-way. */
const running = new Set<ServerProcess>()
const cleanups: (() => Promise<void> | void)[] = []

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer(env)
  running.add(server)
  server.child.once('exit', () => running.delete(server))
  return server
}

afterEach(async () => {
  await Promise.all([...running].map((server) => server.stop('SIGKILL')))
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Observed {
  /** Answered before the signal. */
  before: Record<string, unknown>
  /** Created by the request held in flight across the signal. */
  inFlight: Record<string, unknown>
  tokens: string[]
}

/**
 * Starts a server, signals it with requests in flight, checks each promise of the shutdown up to
 * the exit, and returns what was answered for the store checks.
 */
async function shutDownWithRequestsInFlight(env: Record<string, string>): Promise<Observed> {
  const server = await start(env)
  const port = Number(new URL(server.url).port)
  const token = await adminToken(server.url)
  const before = await call(`${server.url}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_before', description: 'answered before SIGTERM' } } })
  expect(before.status, before.text).toBe(201)

  const idle = await RawConnection.open(port)
  await idle.send(requestHead('GET', '/v3'))
  expect((await idle.response()).status).toBe(200)

  const projectBody = JSON.stringify({ project: { name: 'cn-north-4_in_flight', description: 'answered after SIGTERM' } })
  const logins = await Promise.all(Array.from({ length: LOGINS }, () => RawConnection.open(port)))
  const writer = await RawConnection.open(port)
  await Promise.all([
    ...logins.map((c) => c.send(requestHead('POST', '/v3/auth/tokens?nocatalog=1', { body: LOGIN_BODY, expectContinue: true }))),
    writer.send(requestHead('POST', '/v3/projects', { token, body: projectBody, expectContinue: true })),
  ])
  for (const connection of [...logins, writer]) expect((await connection.response()).status).toBe(100)

  const sentBeforeSignal = logins.slice(0, LOGINS / 2)
  const heldBack = logins.slice(LOGINS / 2)
  await Promise.all(sentBeforeSignal.map((c) => c.send(LOGIN_BODY)))
  const exited = server.stop('SIGTERM')

  await waitUntilRefused(port)
  await within(idle.closed, WAIT_MS, 'the idle keep-alive connection closed by the server')

  // The request behind the held one reaches Fastify after it began closing.
  await writer.send(projectBody + requestHead('GET', '/v3'))
  await Promise.all(heldBack.map((c) => c.send(LOGIN_BODY)))
  const created = await writer.response()
  expect(created.status, created.body).toBe(201)
  const inFlight = JSON.parse(created.body).project as Record<string, unknown>
  expect(inFlight).toMatchObject({ name: 'cn-north-4_in_flight', description: 'answered after SIGTERM' })
  const refused = await writer.response()
  expect(refused).toMatchObject({ status: 503, body: CLOSING_503_BODY })
  expect(refused.headers.connection).toBe('close')
  expect(refused.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f]{32}$/)

  const tokens: string[] = []
  for (const connection of logins) {
    const answer = await connection.response()
    expect(answer.status, answer.body).toBe(201)
    expect(JSON.parse(answer.body).token.user.name).toBe('admin')
    tokens.push(answer.headers['x-subject-token']!)
  }
  // The client keeps every connection open: only the server can be ending them.
  await within(Promise.all([...logins, writer].map((c) => c.closed)), EXIT_WITHIN_MS, 'connections of answered requests closed by the server')
  expect(await within(exited, EXIT_WITHIN_MS, 'exit after SIGTERM')).toEqual({ code: 0, signal: null })
  return { before: before.body.project, inFlight, tokens }
}

/** The restarted server has every answered write, and the tokens it issued while stopping. */
async function expectAnsweredWrites(url: string, observed: Observed): Promise<void> {
  const token = await adminToken(url)
  for (const project of [observed.before, observed.inFlight]) {
    const res = await call(`${url}/v3/projects/${project.id as string}`, { token })
    expect(res.status, res.text).toBe(200)
    expect(withoutLinks(res.body.project)).toEqual(withoutLinks(project))
  }
  for (const issued of observed.tokens) {
    const res = await call(`${url}/v3/auth/tokens?nocatalog=1`, { token: issued, headers: { 'x-subject-token': issued } })
    expect(res.status, res.text).toBe(200)
  }
}

describe('graceful shutdown (SIGTERM)', () => {
  it('on SQLite: finishes requests in flight, refuses new ones, closes the store and exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-shutdown-'))
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const env = { DATA_DIR: dataDir, PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD, PROJECTPLANE_ADMIN_ACCOUNT: ACCOUNT }
    const leftovers = () => fs.readdirSync(dataDir).filter((f) => /-(wal|shm)$/.test(f))

    const observed = await shutDownWithRequestsInFlight(env)
    // Closing the last connection checkpoints the WAL into the database file and removes it.
    expect(leftovers()).toEqual([])

    const again = await start(env)
    expect(again.output()).not.toContain('Bootstrapped')
    await expectAnsweredWrites(again.url, observed)
    // The same check on a server that could not close its store.
    expect(await again.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    expect(leftovers()).toContain('projectplane.sqlite-wal')
  }, 120_000)

  it('on PostgreSQL: finishes requests in flight, refuses new ones, closes the store and exits 0', async () => {
    // A database of its own: its session counters then count this server's sessions only.
    const database = `pp_shutdown_${randomBytes(6).toString('hex')}`
    const monitor = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await monitor.connect()
    cleanups.push(async () => {
      await monitor.query(`drop database if exists ${database} with (force)`)
      await monitor.end()
    })
    await monitor.query(`create database ${database}`)
    const url = new URL(TEST_POSTGRES_URL)
    url.pathname = `/${database}`
    const env = { DATABASE_URL: url.toString(), PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD, PROJECTPLANE_ADMIN_ACCOUNT: ACCOUNT }

    const sessions = async () => Number((await monitor.query(
      `select count(*) from pg_stat_activity where datname = $1 and application_name = 'projectplane'`, [database])).rows[0].count)
    const abandoned = async () => Number((await monitor.query(
      'select sessions_abandoned from pg_stat_database where datname = $1', [database])).rows[0].sessions_abandoned)
    const waitFor = async (what: string, done: () => Promise<boolean>) => {
      const deadline = Date.now() + WAIT_MS
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${WAIT_MS} ms`)
        await sleep(50)
      }
    }

    const observed = await shutDownWithRequestsInFlight(env)
    await waitFor('no session of the stopped server left', async () => (await sessions()) === 0)
    // A backend's counters reach pg_stat_database as it exits; the control below shows how soon.
    await sleep(1000)
    expect(await abandoned()).toBe(0)

    const again = await start(env)
    expect(again.output()).not.toContain('Bootstrapped')
    expect(await sessions()).toBeGreaterThan(0)
    await expectAnsweredWrites(again.url, observed)
    // The same check on a server that could not close its store.
    expect(await again.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    await waitFor('sessions of a killed server counted as abandoned', async () => (await abandoned()) > 0)
  }, 120_000)
})
