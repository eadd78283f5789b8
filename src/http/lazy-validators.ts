/**
 * @module Request schemas compiled when a route first needs them, not at start. ajv compiling
 * the ~600 validators of every route was a quarter of the start-up (issue 19: ready within a
 * second); most servers only ever call a few dozen routes. What no request has compiled yet is
 * compiled in the background once the server listens, a slice per turn of the event loop, so a
 * schema ajv cannot compile is still reported within moments of the start (and by the test that
 * compiles them all), not first by the request that needs it.
 */
import { AjvCompiler } from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

type Validate = ((data: unknown) => unknown) & { errors?: unknown }
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string }
type BuildValidator = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => Validate
type FastifyBuildValidator = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']

/** How many validators one background turn compiles (each takes ~0.5 ms). */
const SLICE = 16

export class LazyValidators {
  private pending: Array<() => unknown> = []
  private readonly defaults = AjvCompiler() as unknown as BuildValidator

  /** Fastify's `schemaController` option: its default compiler, deferred per route and part. */
  readonly schemaController = {
    compilersFactory: {
      buildValidator: ((externalSchemas: unknown, options: unknown) => {
        const build = this.defaults(externalSchemas, options)
        return (route: RouteSchema): Validate => {
          let compiled: Validate | undefined
          const compile = () => (compiled ??= build(route))
          this.pending.push(compile)
          const validate: Validate = (data) => {
            const target = compile()
            const result = target(data)
            // Fastify reads the errors from the function it was given.
            validate.errors = target.errors
            return result
          }
          return validate
        }
      }) as unknown as FastifyBuildValidator,
    },
  }

  /** Compiles every validator no request has needed yet; throws what ajv throws. */
  async compileAll(): Promise<void> {
    while (this.pending.length > 0) {
      for (const compile of this.pending.splice(0, SLICE)) compile()
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
}
