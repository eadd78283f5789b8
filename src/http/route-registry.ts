/**
 * @module Every route as it registers: for the policy-coverage test, the OpenAPI check, and to
 * tell 405 (the path exists with other methods) from 404.
 */
import type { FastifyInstance } from 'fastify'
import type { ServiceName } from './fastify-types.js'

export interface RouteInfo { method: string; url: string; action: string | undefined; service: ServiceName | undefined }

export class RouteRegistry {
  readonly routes: RouteInfo[] = []
  private readonly patterns: { regex: RegExp; method: string }[] = []

  /** Records the routes registered from now on; install before any route. */
  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const regex = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+')}/?$`)
      for (const method of [route.method].flat()) {
        this.routes.push({ method, url: route.url, action: route.config?.action, service: route.config?.service })
        this.patterns.push({ regex, method })
      }
    })
  }

  methodsForPath(path: string): string[] {
    return [...new Set(this.patterns.filter((r) => r.regex.test(path)).map((r) => r.method))]
  }
}
