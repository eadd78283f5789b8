/**
 * The "Scaling out" recipe of docs/postgresql.md, run as written: two instances with the same DATABASE_URL,
 * nginx in front with that page's upstream block. Clients see one service; requests land on both
 * instances; a token works whichever instance answers; and when one instance is stopped with
 * SIGTERM, nginx moves its traffic to the other without a failed request.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, dropPostgresSchema, newPostgresSchema, postgresEnv } from './helpers/server.js'
import { spawnServer, type ServerProcess } from './helpers/server-process.js'

const NGINX = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx'
const PASSWORD = 'Change-me-1!'
const schema = newPostgresSchema()
const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'projectplane-nginx-'))
let instances: ServerProcess[] = []
let nginx: ChildProcess | undefined
let base = ''

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** The nginx block of docs/postgresql.md ("Scaling out"), with the test's ports, inside a minimal standalone nginx.conf. */
function nginxConf(listen: number, upstreams: string[]): string {
  return `
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  upstream projectplane { ${upstreams.map((u) => `server ${u};`).join(' ')} }
  server {
    listen 127.0.0.1:${listen};
    location / {
      proxy_pass http://projectplane;
      proxy_set_header Host $http_host;
      proxy_next_upstream error timeout http_503;
    }
  }
}
`
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`${url} did not answer: ${fs.readFileSync(`${prefix}/error.log`, 'utf8')}`)
}

/** The instance that answered, from the per-process prefix of the request id. */
const servedBy = (headers: Headers) => headers.get('x-request-id')!.slice(0, 16)

beforeAll(async () => {
  const env = { ...postgresEnv(schema), PROJECTPLANE_ADMIN_PASSWORD: PASSWORD }
  instances = await Promise.all([spawnServer(env), spawnServer(env)])
  const port = await freePort()
  fs.writeFileSync(`${prefix}/nginx.conf`, nginxConf(port, instances.map((i) => new URL(i.url).host)))
  nginx = spawn(NGINX, ['-p', prefix, '-c', `${prefix}/nginx.conf`], { stdio: 'ignore' })
  base = `http://127.0.0.1:${port}`
  await waitForHttp(`${base}/v3`)
}, 60_000)

afterAll(async () => {
  nginx?.kill('SIGTERM')
  await Promise.all(instances.map((i) => i.stop()))
  await dropPostgresSchema(schema)
  fs.rmSync(prefix, { recursive: true, force: true })
})

describe('two instances behind nginx (the docs/postgresql.md recipe)', () => {
  it('serve one account from both instances, a token from either working on both', async () => {
    const login = await call(`${base}/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD, domain: { name: 'projectplane' } } } }, scope: { domain: { name: 'projectplane' } } } },
    })
    expect(login.status).toBe(201)
    const token = login.headers.get('x-subject-token')!
    const created = await call(`${base}/v3/projects`, { method: 'POST', token, body: { project: { name: 'cn-north-4_balanced' } } })
    expect(created.status).toBe(201)
    const served = new Set<string>()
    for (let i = 0; i < 10; i++) {
      const res = await call(`${base}/v3/projects/${created.body.project.id}`, { token })
      expect(res.status).toBe(200)
      // Links name the balancer, not the instance behind it.
      expect(res.body.project.links.self).toBe(`${base}/v3/projects/${created.body.project.id}`)
      served.add(servedBy(res.headers))
    }
    expect(served.size).toBe(2)
  })

  it('keep answering while one instance stops with SIGTERM', async () => {
    const token = (await call(`${base}/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD, domain: { name: 'projectplane' } } } }, scope: { domain: { name: 'projectplane' } } } },
    })).headers.get('x-subject-token')!
    const load = (async () => {
      const statuses: number[] = []
      for (let i = 0; i < 200; i++) statuses.push((await call(`${base}/v3/projects`, { token })).status)
      return statuses
    })()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await instances[1]!.stop('SIGTERM')).toEqual({ code: 0, signal: null })
    const statuses = await load
    expect(statuses.filter((s) => s !== 200)).toEqual([])
  })
})
