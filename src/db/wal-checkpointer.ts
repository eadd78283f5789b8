/**
 * @module WAL checkpoints of the embedded store, off the event loop. SQLite's own automatic
 * checkpoint runs inside the COMMIT that crosses 1,000 WAL pages: it copies those pages into the
 * store file and fsyncs both files, on the only thread that answers requests. Measured on the
 * 2-vCPU VM under sustained writes, that was a ~20 ms stall every ~4 MB of WAL (every ~2,000
 * PATCHes), which every write of the batch behind it waited out: the p99 of the write benchmarks.
 *
 * So once writes keep coming, a worker thread with its own connection runs PASSIVE checkpoints
 * (which never block the writer) after commits, one at a time and at most ten a second. A WAL can only start again from
 * its beginning when everything in it has been copied before the next write begins, which a
 * background copy racing a steady writer seldom sees; the connection's own automatic checkpoint
 * therefore stays, at a higher mark, as the point where the WAL restarts: by then the worker has
 * copied nearly every page, so that checkpoint is short.
 *
 * The worker costs ~17 MB of RSS while it lives, so it starts only after START_AFTER_COMMITS
 * commits and ends after IDLE_STOP_MS without one; a server that is not writing holds no thread.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type SQLite from 'better-sqlite3'

/** The pages in the WAL at which the writer checkpoints itself: SQLite's default, while no worker runs. */
export const INLINE_CHECKPOINT_PAGES = 1000
/** The same mark while the worker copies pages in the background (4 KiB pages: a 40 MB WAL). */
export const BACKGROUND_RESTART_PAGES = 10_000
const START_AFTER_COMMITS = 64
/**
 * Passes asked for after every commit were ~60 a second under load, each with two fsyncs: more
 * work in all than SQLite's one checkpoint per 1,000 pages. At most ten a second copy the same.
 */
const MIN_PASS_INTERVAL_MS = 100
const IDLE_STOP_MS = 30_000

/** One pass of the worker: how long it took, or why it failed. */
export type CheckpointReport = (seconds: number, failure?: string) => void

// CommonJS, as an eval'd worker runs: it needs no file of its own beside the (possibly bundled) server.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const SQLite = require(workerData.driver)
const db = new SQLite(workerData.location, { fileMustExist: true })
// A checkpoint reads pages from the WAL and writes them to the file; a cache would only hold memory.
db.pragma('cache_size = -64')
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close()
    parentPort.close()
    return
  }
  const started = performance.now()
  let failure
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (error) {
    failure = String(error && error.message || error)
  }
  parentPort.postMessage({ seconds: (performance.now() - started) / 1000, failure })
})
`

export class WalCheckpointer {
  private worker: Worker | undefined
  private workerExited: Promise<void> = Promise.resolve()
  private running = false
  private requested = false
  private commits = 0
  private lastCommitAt = 0
  private idleCheck: NodeJS.Timeout | undefined
  private passTimer: NodeJS.Timeout | undefined
  private lastPassAt = 0
  /** Failed, or closed with the store: checkpoints stay in the commit from then on. */
  private done = false

  constructor(private readonly sqlite: SQLite.Database, private readonly location: string, private readonly report?: CheckpointReport) {}

  /** After each commit: starts the worker once writes keep coming, and asks it for a pass. */
  committed(): void {
    if (this.done) return
    this.lastCommitAt = Date.now()
    if (!this.worker) {
      if (++this.commits < START_AFTER_COMMITS) return
      try {
        this.start()
      } catch (error) {
        // No thread to be had (out of memory, too many files).
        this.fail((error as Error).message)
        return
      }
    }
    this.schedulePass()
  }

  /** A pass now, or when the last one is MIN_PASS_INTERVAL_MS old: each pass fsyncs both files. */
  private schedulePass(): void {
    if (this.running || this.passTimer) {
      this.requested = true
      return
    }
    const wait = this.lastPassAt + MIN_PASS_INTERVAL_MS - Date.now()
    if (wait > 0) {
      this.passTimer = setTimeout(() => {
        this.passTimer = undefined
        this.pass()
      }, wait)
      this.passTimer.unref()
      return
    }
    this.pass()
  }

  private pass(): void {
    if (!this.worker) return
    this.running = true
    this.requested = false
    this.lastPassAt = Date.now()
    this.worker.postMessage('pass')
  }

  /** Lets the worker finish its pass and close its connection, before the store's own close. */
  async close(): Promise<void> {
    this.done = true
    await this.stop()
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), location: this.location },
    })
    worker.unref()
    this.workerExited = new Promise((resolve) => worker.once('exit', () => {
      // Ended on its own (not by stop): checkpoints go back into the commit, as after an error.
      if (this.worker === worker) this.fail('the checkpoint worker exited')
      resolve()
    }))
    worker.on('message', (outcome: { seconds: number; failure?: string }) => {
      this.report?.(outcome.seconds, outcome.failure)
      if (this.worker !== worker) return
      this.running = false
      if (this.requested) {
        this.requested = false
        this.schedulePass()
      }
    })
    worker.on('error', (error) => this.fail(error.message))
    this.worker = worker
    this.sqlite.pragma(`wal_autocheckpoint = ${BACKGROUND_RESTART_PAGES}`)
    this.idleCheck = setInterval(() => {
      if (!this.running && Date.now() - this.lastCommitAt >= IDLE_STOP_MS) void this.stop()
    }, IDLE_STOP_MS / 2)
    this.idleCheck.unref()
  }

  /** Checkpoints go back to the writer, as if the worker had never started; writes go on. */
  private fail(reason: string): void {
    this.done = true
    this.report?.(0, reason)
    void this.stop()
  }

  private async stop(): Promise<void> {
    const worker = this.worker
    if (!worker) return
    this.worker = undefined
    this.running = false
    this.requested = false
    this.commits = 0
    clearInterval(this.idleCheck)
    clearTimeout(this.passTimer)
    this.passTimer = undefined
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`)
    worker.postMessage('close')
    const timeout = setTimeout(() => void worker.terminate(), 5000)
    await this.workerExited
    clearTimeout(timeout)
  }
}
