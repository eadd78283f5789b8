/**
 * @module The API documentation page at `GET /docs`: Swagger UI from the swagger-ui-dist package,
 * its files served by this server under `/docs/…` and the document from `/openapi.json`, so the
 * page works without any other host (no CDN, no web fonts). Its Content-Security-Policy holds
 * the browser to that. @fastify/swagger-ui is not used: its routes carry no policy action, and
 * buildApp refuses those.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { RouteNotFoundError } from '../errors/app-error.js'
import { cachedAnswer, sendCached, type CachedAnswer } from './cached-answer.js'

/** The route of the page's files; left out of the OpenAPI document. */
export const DOCS_ASSET_URL = '/docs/:file'

/** The files of swagger-ui-dist the page loads, and their types. */
const DIST_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

/**
 * In a file of its own so the policy can forbid inline scripts. No validator badge (it would ask
 * validator.swagger.io) and the base layout, without the top bar that loads any URL typed in.
 */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
})
`

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>projectplane API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`

/** Swagger UI sets inline styles and draws icons from data: URIs; everything else is this server. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

export function registerDocsPage(app: FastifyInstance): void {
  const distDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const page = cachedAnswer(PAGE, 'text/html; charset=utf-8')
  // Read on first request, then kept: a server nobody browses never loads the 2 MB.
  const files = new Map<string, CachedAnswer>([['init.js', cachedAnswer(INIT_SCRIPT, 'text/javascript; charset=utf-8')]])
  const file = (name: string): CachedAnswer | undefined => {
    let answer = files.get(name)
    if (!answer && Object.hasOwn(DIST_FILES, name)) {
      answer = cachedAnswer(fs.readFileSync(path.join(distDir, name)), DIST_FILES[name]!)
      files.set(name, answer)
    }
    return answer
  }

  app.get('/docs', { config: { action: 'projectplane:get_docs' } }, async (request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-content-type-options', 'nosniff')
    return sendCached(request, reply, page)
  })
  app.get(DOCS_ASSET_URL, { config: { action: 'projectplane:get_docs_file' } }, async (request, reply) => {
    const answer = file((request.params as { file: string }).file)
    if (!answer) throw new RouteNotFoundError()
    reply.header('x-content-type-options', 'nosniff')
    return sendCached(request, reply, answer)
  })
}
