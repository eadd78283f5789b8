#!/usr/bin/env node
// `npm run build`'s server part: bundles the two entry points, `dist/main.js` (what `npm start`
// runs) and `dist/cli/main.js` (the `projectplane` command), with esbuild into a few ES modules,
// then copies the migrations beside them. Loading ~750 modules (ours, Kysely's, TypeBox's …) was
// most of a start, and their source text, comments included, a tenth of the idle heap (issue 19;
// docs/decisions.md, "The server runs as a bundle").
//
// The import()s that keep code off the start path (the CLI's commands, PostgreSQL, the state
// commands) stay import()s: code splitting puts what they load in chunks of its own, in
// dist/chunks/. Left to node_modules at run time: native addons, and packages that find files
// of their own by path (pino starts its transports' worker threads from its own folder). The SAML
// libraries are required by name on first use (services/iam/federation/saml/) and never bundled.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = `${ROOT}dist`

const EXTERNAL = [
  'better-sqlite3', '@node-rs/argon2', // native addons
  'pino', // its transports run lib/worker.js and the target (pino-pretty) by path, in a worker thread
  'pg', // PostgreSQL only: imported on first use (db/database.ts), with optional pg-native
  'jose', // OIDC only: imported on first use (services/iam/federation/oidc.ts)
]

// What the build leaves: no output of an earlier build (or of the tsc build before it) survives.
for (const entry of fs.existsSync(DIST) ? fs.readdirSync(DIST) : []) {
  if (entry !== 'console') fs.rmSync(`${DIST}/${entry}`, { recursive: true, force: true })
}

await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ['src/main.ts', 'src/cli/main.ts'],
  outdir: 'dist',
  outbase: 'src',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // Bundled CommonJS (Fastify, ajv, …) requires Node's built-ins and the externals above.
  banner: { js: "import { createRequire as __projectplaneCreateRequire } from 'node:module'; const require = __projectplaneCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  // Names kept: stack traces and logs name the real functions, and the source maps give files and lines.
  minifyIdentifiers: false,
  // `node --enable-source-maps dist/main.js` maps stack traces to src/; nothing reads the maps otherwise.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'external',
  logLevel: 'warning',
})

fs.cpSync(`${ROOT}src/db/migrations`, `${DIST}/db/migrations`, { recursive: true })
