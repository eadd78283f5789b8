/**
 * The keystone flavour: `bootstrap` is keystone-manage bootstrap (idempotent: it recreates what
 * is missing, re-enables the admin, resets a given password), and the account commands act with
 * the system admin's project-scoped token.
 */
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnServer } from '../helpers/server-process.js'
import { json, login, projectplane, tempDataDir } from './run-cli.js'

const dataDir = tempDataDir()
const env = { DATA_DIR: dataDir, FLAVOUR: 'keystone' }
const run = (args: string[], input?: string) => projectplane(args, { env, input })
const adminScope = { project: { name: 'admin', domain: { name: 'Default' } } }

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

describe('projectplane bootstrap (keystone flavour)', () => {
  it('bootstraps an empty store, then keeps the admin as keystone-manage bootstrap does', async () => {
    expect(await json(['bootstrap', '--admin-password-stdin'], { env, input: 'first\n' })).toEqual({ account: { id: 'default', name: 'Default' }, admin_user: 'admin' })
    const kim = await json(['user', 'create', 'kim', '--password', 'kim-pw'], { env })
    expect(kim).toMatchObject({ name: 'kim', domain_id: 'default', enabled: true, options: {} })

    expect(await run(['bootstrap'])).toEqual({
      code: 0, stderr: '',
      stdout: "Nothing to do: 'admin' of domain 'Default' holds admin on project 'admin' and on the system.\naccount:    Default\naccount id: default\nadmin user: admin\n",
    })
    // With no enabled admin left the commands cannot act; bootstrap brings it back.
    expect((await json(['user', 'set', 'admin', '--disabled'], { env })).enabled).toBe(false)
    expect(await run(['user', 'list'])).toEqual({
      code: 2, stdout: '', stderr: "projectplane: account default has no enabled administrator (a member of its 'admin' group, or keystone's system admin)\n",
    })
    const again = await run(['bootstrap', '--admin-password', 'second'])
    expect(again.stdout.split('\n')[0]).toBe("Bootstrap of domain 'Default': enabled user 'admin', set the password of 'admin'.")
    expect((await json(['user', 'list'], { env })).map((u: { name: string; enabled: boolean }) => [u.name, u.enabled])).toEqual([['admin', true], ['kim', true]])

    expect(await run(['bootstrap', '--account', 'Other'])).toEqual({
      code: 2, stdout: '',
      stderr: "projectplane: in the keystone flavour bootstrap manages the Default domain ('Default') as keystone-manage bootstrap does; make other domains with 'openstack domain create Other'\n",
    })
    const server = await spawnServer(env)
    try {
      expect(await login(server.url, 'Default', 'admin', 'second', adminScope)).toBe(201)
      expect(await login(server.url, 'Default', 'admin', 'first', adminScope)).toBe(401)
    } finally {
      await server.stop()
    }
  })
})
