/**
 * @module The logger's options (level, where lines go, redaction) and the one summary line per
 * request at `info` (request id, service, route, status, duration, who called), in place of
 * Fastify's two ("incoming request", "request completed"). The summary is installed only when
 * `info` is enabled, so it costs nothing at `warn`.
 *
 * Secrets never reach a line because nothing logs a request's headers or body, and a schema
 * failure is logged without the value that failed (error-handler.ts); the redaction paths below
 * are the second line of defence for anything that one day logs a request or an ajv error.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { PinoLoggerOptions } from 'fastify/types/logger.js'
import type { Config } from '../config.js'
import { OWN_SERVICE, UNMATCHED_ROUTE } from './metrics.js'

export const REDACTED = '[redacted]'
const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers["x-auth-token"]', 'req.headers["x-subject-token"]', 'req.headers["x-security-token"]', 'req.headers.cookie',
  'res.headers["x-subject-token"]',
  // ajv's errors (verbose) carry the value that failed, a password as soon as one is too short.
  'err.validation[*].data', 'err.validation[*].parentSchema',
]

/**
 * A JSON-lines file written synchronously, as pino's stdout is: a line is on disk when the call
 * returns, so a crash loses nothing already logged. Closed with the app, so a process that
 * builds many apps (the tests) does not pile up descriptors.
 */
class LogFile {
  private fd: number | undefined

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    this.fd = fs.openSync(file, 'a')
  }

  write(line: string): void {
    if (this.fd !== undefined) fs.writeSync(this.fd, line)
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd)
    this.fd = undefined
  }
}

export interface AppLogger {
  /** Fastify's `logger` option. */
  options: PinoLoggerOptions | false
  /** Releases the destination (a log file) once the app has closed. */
  close(): void
}

/**
 * `LOG_FORMAT=auto` made concrete for a process whose stdout is, or is not, a terminal. Only the
 * entry points that serve (`npm start`, and whatever else runs the server for a person) call it:
 * the tests and the other commands build the app too and always get JSON.
 */
export function resolveLogFormat<C extends Config>(config: C, stdoutIsTerminal: boolean): C {
  if (config.logFormat !== 'auto') return config
  return Object.freeze({ ...config, logFormat: stdoutIsTerminal ? 'pretty' : 'json' })
}

/**
 * `LOG_FILE` wins; else `pretty` (chosen by main.ts on a terminal, or by `LOG_FORMAT`) runs
 * pino-pretty in a worker thread; else JSON lines on stdout.
 */
export function appLogger(config: Pick<Config, 'logLevel' | 'logFormat' | 'logFile'>): AppLogger {
  if (config.logLevel === 'silent') return { options: false, close: () => {} }
  const base: PinoLoggerOptions = { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: REDACTED } }
  if (config.logFile !== undefined) {
    const file = new LogFile(config.logFile)
    return { options: { ...base, stream: file } as PinoLoggerOptions, close: () => file.close() }
  }
  if (config.logFormat === 'pretty') {
    return {
      options: { ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } },
      close: () => {},
    }
  }
  return { options: base, close: () => {} }
}

export function installRequestSummary(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions
    const matched = !request.is404
    request.log.info(
      {
        method: request.method,
        service: matched ? route.config.service ?? OWN_SERVICE : undefined,
        route: matched ? route.url : UNMATCHED_ROUTE,
        url: request.url,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        account: request.auth?.accountId,
        user: request.auth?.user.id,
      },
      'request',
    )
  })
}
