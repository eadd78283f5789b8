/**
 * A 2xx means committed, even when the process is killed (SIGKILL) mid-load, on SQLite (default
 * `synchronous=normal`) and on PostgreSQL. Several rounds per store: the built server runs a
 * concurrent write load, is killed at a random moment, restarts on the same store, and the
 * restarted server must show
 * - every acknowledged write exactly as acknowledged, in this round and every earlier one;
 * - every unanswered write wholly applied or wholly absent, and once absent, absent for good;
 * - nothing the test did not write.
 *
 * Two kinds of write, each writer issuing them one after another:
 * - a project creation: one row, compared field by field with the 201 body;
 * - moving an ECS with its attached disk and EIP to the other of two enterprise projects
 *   (resources-migrate, associated=true): three rows updated and three migration records
 *   inserted in one transaction. Half of it shows as resources split between enterprise
 *   projects, or record counts that differ between them or disagree with where they are.
 * Each write's audit trace commits with it or not at all: exactly one `createProject` trace per
 * project there, and as many `migrateResource` traces per resource as it has migration records.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, call, dropPostgresSchema, newPostgresSchema, postgresEnv } from './helpers/server.js'
import { spawnServer, type ServerProcess } from './helpers/server-process.js'

const ACCOUNT = 'durability'
const ROUNDS = 6
const WRITERS = 6
/** Acknowledged writes a round waits for before the kill may come: both kinds are under way. */
const MIN_ACKED = 2 * WRITERS
/** The kill lands at a random moment up to this long after that. */
const KILL_SPREAD_MS = 500
const WAIT_MS = 30_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Project = Record<string, unknown>
/** Links carry the address of the server that answered, which changes with every start. */
const withoutLinks = ({ links: _links, ...rest }: Project) => rest

interface Group {
  writer: number
  /** ECS first, then its disk and EIP. */
  ids: [string, string, string]
  /** Moves known to be committed: acknowledged, or found by a check after a restart. */
  moves: number
  /** A move was sent and no answer came: it may or may not have been committed. */
  unanswered: boolean
}

/** What the test knows of the store, carried from round to round. */
interface Expected {
  accountId: string
  /** cn-north-4's project: the parent of every project created here, and where resources live. */
  regionProject: string
  /** Projects there before any load: the bootstrap's region projects. */
  bootstrapProjects: Set<string>
  /** By name, without links: acknowledged, or found committed after their request went unanswered. */
  projects: Map<string, Project>
  /** Sent, unanswered, not yet looked for. */
  unansweredProjects: Map<string, string>
  /** Unanswered and found missing: a later round must not find them either. */
  absentProjects: Set<string>
  enterpriseProjects: [Project, Project]
  groups: Group[]
}

/** What the rounds observed, to show that both kinds of unanswered write occurred. */
interface Tally { acked: number; unansweredCommitted: number; unansweredAbsent: number }

const running = new Set<ServerProcess>()
const cleanups: (() => Promise<void> | void)[] = []

afterEach(async () => {
  await Promise.all([...running].map((server) => server.stop('SIGKILL')))
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts the server on the store and checks it came up as a restart, not a fresh bootstrap. */
async function start(env: Record<string, string>, first: boolean): Promise<ServerProcess> {
  const server = await spawnServer(env)
  running.add(server)
  server.child.once('exit', () => running.delete(server))
  expect(server.output().includes('Bootstrapped'), server.output()).toBe(first)
  return server
}

/** A 500, or trouble opening or recovering the store, is logged at error level or above. */
function expectNoErrorLogged(server: ServerProcess, when: string): void {
  expect(server.output(), when).not.toMatch(/"level":(50|60)/)
}

async function adminToken(url: string): Promise<string> {
  const res = await call(`${url}/v3/auth/tokens?nocatalog=1`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: ADMIN_PASSWORD, domain: { name: ACCOUNT } } } }, scope: { domain: { name: ACCOUNT } } } },
  })
  expect(res.status, res.text).toBe(201)
  return res.headers.get('x-subject-token')!
}

/** Acknowledged set-up writes: two enterprise projects and one ECS, disk and EIP per writer. */
async function setUp(url: string, token: string): Promise<Expected> {
  const api = async (path: string, status: number, init: { method?: string; body?: unknown } = {}) => {
    const res = await call(`${url}${path}`, { token, ...init })
    expect(res.status, `${path}: ${res.text}`).toBe(status)
    return res.body
  }
  const projects = (await api('/v3/projects', 200)).projects as Project[]
  const region = projects.find((p) => p.name === 'cn-north-4')!
  const enterpriseProjects = await Promise.all(['durability-a', 'durability-b'].map(async (name) =>
    (await api('/v1.0/enterprise-projects', 201, { method: 'POST', body: { name } })).enterprise_project as Project)) as [Project, Project]
  const register = async (body: Record<string, unknown>) => ((await api('/_projectplane/resources', 201, {
    method: 'POST', body: { project_id: region.id, enterprise_project_id: enterpriseProjects[0].id, ...body },
  })).resource as { resource_id: string }).resource_id
  const groups = await Promise.all(Array.from({ length: WRITERS }, async (_, writer): Promise<Group> => {
    const ecs = await register({ resource_type: 'ecs', resource_name: `ecs-${writer}` })
    const disk = await register({ resource_type: 'disk', resource_name: `disk-${writer}`, attached_to: ecs })
    const eip = await register({ resource_type: 'eip', resource_name: `eip-${writer}`, attached_to: ecs })
    return { writer, ids: [ecs, disk, eip], moves: 0, unanswered: false }
  }))
  return {
    accountId: region.domain_id as string,
    regionProject: region.id as string,
    bootstrapProjects: new Set(projects.map((p) => p.name as string)),
    projects: new Map(),
    unansweredProjects: new Map(),
    absentProjects: new Set(),
    enterpriseProjects,
    groups,
  }
}

/**
 * Runs the writers until the server dies under them, and records each answer. A failure before
 * the kill, or any answer other than the expected 2xx, is a finding, returned as a message.
 */
function writeLoad(url: string, token: string, round: number, expected: Expected, killed: () => boolean) {
  let acked = 0
  const unexpected: string[] = []
  const [a, b] = expected.enterpriseProjects.map((ep) => ep.id as string) as [string, string]
  const send = async (what: string, path: string, body: unknown, status: number) => {
    let res
    try {
      res = await call(`${url}${path}`, { method: 'POST', token, body })
    } catch (error) {
      if (!killed()) unexpected.push(`${what}: ${(error as Error).message}`)
      return undefined
    }
    if (res.status !== status) {
      unexpected.push(`${what}: ${res.status} ${res.text}`)
      return undefined
    }
    acked++
    return res
  }
  const writer = async (group: Group) => {
    for (let i = 0; ; i++) {
      if (i % 2 === 0) {
        const name = `cn-north-4_r${round}w${group.writer}i${i}`
        const description = `round ${round}, writer ${group.writer}, write ${i}`
        expected.unansweredProjects.set(name, description)
        const res = await send(`create ${name}`, '/v3/projects', { project: { name, description } }, 201)
        if (!res) return
        expected.unansweredProjects.delete(name)
        expected.projects.set(name, withoutLinks(res.body.project))
      } else {
        const target = group.moves % 2 === 0 ? b : a
        group.unanswered = true
        const res = await send(`move ${group.ids[0]} to ${target}`, `/v1.0/enterprise-projects/${target}/resources-migrate`,
          { resource_id: group.ids[0], resource_type: 'ecs', project_id: expected.regionProject, associated: true }, 204)
        if (!res) return
        group.unanswered = false
        group.moves++
      }
    }
  }
  const done = Promise.all(expected.groups.map(writer))
  return { done, acked: () => acked, unexpected }
}

/**
 * Checks the restarted server against what the test knows, then folds what it found of the
 * unanswered writes into what is known, for the next round.
 */
async function verify(url: string, token: string, expected: Expected, tally: Tally): Promise<void> {
  const get = async (path: string) => {
    const res = await call(`${url}${path}`, { token })
    expect(res.status, `${path}: ${res.text}`).toBe(200)
    return res.body
  }
  const [a, b] = expected.enterpriseProjects.map((ep) => ep.id as string) as [string, string]
  for (const ep of expected.enterpriseProjects) {
    expect((await get(`/v1.0/enterprise-projects/${ep.id as string}`)).enterprise_project).toEqual(ep)
  }

  const listed = (await get('/v3/projects')).projects as Project[]
  const byName = new Map(listed.map((p) => [p.name as string, p]))
  expect(byName.size, 'project names are unique').toBe(listed.length)
  for (const [name, project] of expected.projects) {
    const found = byName.get(name)
    expect(found && withoutLinks(found), `acknowledged project ${name}`).toEqual(project)
  }
  for (const [name, description] of expected.unansweredProjects) {
    const found = byName.get(name)
    if (found) {
      expect(found, `unanswered project ${name}, committed`).toMatchObject({
        name, description, enabled: true, domain_id: expected.accountId, parent_id: expected.regionProject,
      })
      expected.projects.set(name, withoutLinks(found))
      tally.unansweredCommitted++
    } else {
      expected.absentProjects.add(name)
      tally.unansweredAbsent++
    }
  }
  expected.unansweredProjects.clear()
  for (const name of expected.absentProjects) expect(byName.has(name), `unanswered project ${name}, once absent`).toBe(false)
  const unknown = [...byName.keys()].filter((name) => !expected.bootstrapProjects.has(name) && !expected.projects.has(name))
  expect(unknown, 'projects nobody created').toEqual([])
  const traces = async (name: string) => {
    const all: { resource_name: string; resource_id: string }[] = []
    for (let next = ''; ;) {
      const page = await get(`/v3/${expected.accountId}/traces?trace_name=${name}&limit=200&from=1000000000000${next}`)
      all.push(...page.traces)
      if (page.meta_data.marker === null) return all
      next = `&next=${page.meta_data.marker}`
    }
  }
  const created = (await traces('createProject')).map((t) => t.resource_name).sort()
  expect(created, 'one createProject trace for each project, none for a project not there').toEqual([...expected.projects.keys()].sort())
  const moveTraces = await traces('migrateResource')

  const resources = (await get('/_projectplane/resources')).resources as { resource_id: string; enterprise_project_id: string }[]
  expect(resources.map((r) => r.resource_id).sort()).toEqual(expected.groups.flatMap((g) => g.ids).sort())
  for (const group of expected.groups) {
    const where = group.ids.map((id) => resources.find((r) => r.resource_id === id)!.enterprise_project_id)
    const records = await Promise.all(group.ids.map(async (id) =>
      (await get(`/v1.0/enterprise-projects/migrate-record/list?resource_id=${id}&limit=1000`)).records as { origin_ep_id: string; target_ep_id: string }[]))
    const context = `writer ${group.writer}: ${group.moves} moves known committed, ${group.unanswered ? 'one' : 'none'} unanswered; ` +
      `enterprise projects ${JSON.stringify(where)}, records ${JSON.stringify(records.map((r) => r.length))}`
    // All or nothing: the three rows and their three records moved together every time.
    expect(new Set(where).size, context).toBe(1)
    expect(new Set(records.map((r) => r.length)).size, context).toBe(1)
    const moves = records[0]!.length
    for (const id of group.ids) expect(moveTraces.filter((t) => t.resource_id === id).length, `${context}; traces of ${id}`).toBe(moves)
    expect(moves, context).toBeGreaterThanOrEqual(group.moves)
    expect(moves, context).toBeLessThanOrEqual(group.moves + (group.unanswered ? 1 : 0))
    expect(where[0], context).toBe(moves % 2 === 0 ? a : b)
    for (const list of records) {
      expect(list.filter((r) => r.origin_ep_id === a && r.target_ep_id === b).length, context).toBe(Math.ceil(moves / 2))
      expect(list.filter((r) => r.origin_ep_id === b && r.target_ep_id === a).length, context).toBe(Math.floor(moves / 2))
    }
    if (group.unanswered) tally[moves > group.moves ? 'unansweredCommitted' : 'unansweredAbsent']++
    group.moves = moves
    group.unanswered = false
  }
}

/** The rounds on one store; returns once the last restart has been checked and stopped with SIGTERM. */
async function killRounds(env: Record<string, string>): Promise<void> {
  const tally: Tally = { acked: 0, unansweredCommitted: 0, unansweredAbsent: 0 }
  let server = await start(env, true)
  let token = await adminToken(server.url)
  const expected = await setUp(server.url, token)
  for (let round = 1; round <= ROUNDS; round++) {
    let killed = false
    const load = writeLoad(server.url, token, round, expected, () => killed)
    const deadline = Date.now() + WAIT_MS
    while (load.acked() < MIN_ACKED && load.unexpected.length === 0) {
      if (Date.now() > deadline) throw new Error(`round ${round}: ${load.acked()} writes acknowledged in ${WAIT_MS} ms`)
      await sleep(5)
    }
    await sleep(Math.random() * KILL_SPREAD_MS)
    killed = true
    const exit = await server.stop('SIGKILL')
    await load.done
    expect(load.unexpected, `round ${round}`).toEqual([])
    expect(exit, `round ${round}: the server was still running when killed`).toEqual({ code: null, signal: 'SIGKILL' })
    expectNoErrorLogged(server, `round ${round}, under load`)
    tally.acked += load.acked()

    server = await start(env, false)
    token = await adminToken(server.url)
    await verify(server.url, token, expected, tally)
    expectNoErrorLogged(server, `round ${round}, restarted`)
  }
  expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null })
  // A writer always has a request out, so each kill left exactly one write per writer without
  // an answer: the ambiguous case was checked every round, not just the easy one.
  expect(tally.unansweredCommitted + tally.unansweredAbsent).toBe(ROUNDS * WRITERS)
}

describe('durability: a 2xx survives SIGKILL, an unanswered write is all or nothing', () => {
  it('on SQLite (synchronous=normal)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-durability-'))
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    await killRounds({ DATA_DIR: dataDir, PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD, PROJECTPLANE_ADMIN_ACCOUNT: ACCOUNT })
    // After the last, graceful stop: the file itself is sound, not merely readable by the server.
    const sqlite = new SQLite(path.join(dataDir, 'projectplane.sqlite'), { readonly: true })
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(sqlite.pragma('foreign_key_check')).toEqual([])
    } finally {
      sqlite.close()
    }
  }, 120_000)

  it('on PostgreSQL', async () => {
    const schema = newPostgresSchema()
    cleanups.push(() => dropPostgresSchema(schema))
    await killRounds({ ...postgresEnv(schema), PROJECTPLANE_ADMIN_PASSWORD: ADMIN_PASSWORD, PROJECTPLANE_ADMIN_ACCOUNT: ACCOUNT })
  }, 120_000)
})
