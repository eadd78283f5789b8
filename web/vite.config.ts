/**
 * @module The web console's build: `web/` → `dist/console/`, served by the server under
 * `/console/` (src/http/console-page.ts). Everything is bundled: no CDN, no web fonts.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const root = fileURLToPath(new URL('.', import.meta.url))
const { version } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  define: { __CONSOLE_VERSION__: JSON.stringify(version) },
  // Its own build, never the server's: no .env files, no public dir to copy.
  envDir: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Served by projectplane, not from the file system: no source maps for users to fetch.
    sourcemap: false,
    reportCompressedSize: false,
  },
})
