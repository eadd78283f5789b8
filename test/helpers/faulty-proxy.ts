/**
 * A TCP proxy between a server and PostgreSQL that a test controls: it forwards while up, resets
 * connections while down, and holds them silent while hanging. Only this server's connections are
 * cut; restarting the shared PostgreSQL would break every other suite running meanwhile.
 */
import net from 'node:net'

export type Mode = 'up' | 'down' | 'hang'

/** Forwards to PostgreSQL while up; resets connections while down; holds them silent while hanging. */
export class FaultyProxy {
  private mode: Mode = 'up'
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>()
  private readonly held = new Set<net.Socket>()
  private readonly server: net.Server
  port = 0

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client))
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as net.AddressInfo).port
  }

  /** Local ports of the connections to PostgreSQL, to find this server's backends. */
  upstreamPorts(): number[] {
    return [...this.pairs].map((p) => p.upstream.localPort).filter((port): port is number => port !== undefined)
  }

  set(mode: Mode): void {
    this.mode = mode
    if (mode === 'down') {
      for (const pair of this.pairs) this.drop(pair)
      for (const socket of this.held) socket.destroy()
      this.held.clear()
    } else if (mode === 'hang') {
      for (const { client, upstream } of this.pairs) {
        client.unpipe(upstream).pause()
        upstream.unpipe(client).pause()
      }
    } else {
      for (const socket of this.held) socket.destroy()
      this.held.clear()
      for (const { client, upstream } of this.pairs) {
        client.pipe(upstream)
        upstream.pipe(client)
      }
    }
  }

  private accept(client: net.Socket): void {
    client.on('error', () => {})
    if (this.mode === 'down') return void client.destroy()
    if (this.mode === 'hang') {
      this.held.add(client)
      client.on('close', () => this.held.delete(client))
      return
    }
    const upstream = net.connect(this.target)
    upstream.on('error', () => {})
    const pair = { client, upstream }
    this.pairs.add(pair)
    client.on('close', () => this.drop(pair))
    upstream.on('close', () => this.drop(pair))
    client.pipe(upstream)
    upstream.pipe(client)
  }

  private drop(pair: { client: net.Socket; upstream: net.Socket }): void {
    this.pairs.delete(pair)
    pair.client.destroy()
    pair.upstream.destroy()
  }

  async close(): Promise<void> {
    this.set('down')
    await new Promise((resolve) => this.server.close(resolve))
  }
}
