/**
 * The embedded store belongs to one server: a second one on the same DATA_DIR refuses to start
 * with a message that says why, and the first keeps serving.
 */
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { openProjectplane } from '../src/server.js'
import { call, startServer } from './helpers/server.js'

describe('embedded store lock', () => {
  it('refuses a second server on the same data folder', async () => {
    const first = await startServer({ database: 'sqlite' })
    try {
      const config = loadConfig({ PORT: '0', DATA_DIR: first.dataDir, LOG_LEVEL: 'silent' })
      await expect(openProjectplane(config)).rejects.toThrow(`Another projectplane server is using ${first.dataDir}/projectplane.sqlite; stop it or choose another DATA_DIR.`)
      expect((await call(`${first.url}/v3/projects`, { token: await first.adminToken() })).status).toBe(200)
    } finally {
      await first.close()
    }
  })
})
