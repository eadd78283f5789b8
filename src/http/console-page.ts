/**
 * @module The web console at `GET /console`: the static build of `web/` (Vite, React), served by
 * this server from `dist/console/` through routes with policy entries, as the docs page is. The
 * console is a client of the public API only; these routes hand out files, never data, so they
 * are public. Client routes (`/console/projects`, …) get `index.html`, the single-page app.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_CONSOLE_DIR } from '../config.js'
import { AppError, RouteNotFoundError } from '../errors/app-error.js'
import { cachedAnswer, sendCached, type CachedAnswer } from './cached-answer.js'

/** The route of the console's files and client routes; left out of the OpenAPI document. */
export const CONSOLE_ASSET_URL = '/console/*'


/** A tree that was never built (`tsc` alone, a fresh checkout) has no console to serve. */
export class ConsoleNotBuiltError extends AppError {
  readonly status = 503
  readonly code = 'console_not_built'
  constructor(dir: string) {
    super(`The web console is not built (no ${path.join(dir, 'index.html')}): run 'npm run build', then restart the server.`)
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

/** Vite names everything under `assets/` after a hash of its content: a browser may keep it for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * Scripts, styles and API calls from this server only (no CDN, no web fonts, no inline script);
 * React sets styles through the DOM, which `style-src 'self'` allows.
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

export function registerConsole(app: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): void {
  // Read on first request, then kept: the build does not change under a running server (npm
  // start builds before it starts), and a server nobody browses never reads a file.
  const files = new Map<string, CachedAnswer | null>()
  const file = (name: string): CachedAnswer | null => {
    let answer = files.get(name)
    if (answer === undefined) {
      const type = TYPES[path.extname(name)]
      const full = path.join(dir, name)
      // `name` has no `..` segment (checked below), so `full` stays inside `dir`.
      answer = type && fs.existsSync(full) && fs.statSync(full).isFile() ? cachedAnswer(fs.readFileSync(full), type) : null
      files.set(name, answer)
    }
    return answer
  }
  const page = (): CachedAnswer => {
    const index = file('index.html')
    if (!index) {
      files.delete('index.html') // built later: the next request finds it
      throw new ConsoleNotBuiltError(dir)
    }
    return index
  }

  app.get('/console', { config: { action: 'projectplane:get_console' } }, async (request, reply) => {
    const answer = page()
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-content-type-options', 'nosniff')
    return sendCached(request, reply, answer)
  })
  app.get(CONSOLE_ASSET_URL, { config: { action: 'projectplane:get_console_file' } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*']
    const segments = name.split('/')
    if (segments.some((s) => s === '..' || s === '.' || s.includes('\\'))) throw new RouteNotFoundError()
    reply.header('x-content-type-options', 'nosniff')
    // A path without an extension is one of the app's own pages: the app routes it.
    if (name === '' || !path.extname(name)) {
      const answer = page()
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
      return sendCached(request, reply, answer)
    }
    page() // a missing build says so for its files too, not 404
    const answer = file(name)
    if (!answer) throw new RouteNotFoundError()
    return sendCached(request, reply, answer, name.startsWith('assets/') ? IMMUTABLE : undefined)
  })
}
