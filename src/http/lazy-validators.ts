/**
 * @module Request schemas compiled when a route first needs them, not at start. ajv compiling
 * the ~600 validators of every route was a quarter of the start-up (issue 19: ready within a
 * second); most servers only ever call a few dozen routes. Nothing compiles them ahead: the
 * ~600 compiled validators held ~2 MB of heap and ~8 MB of RSS in an idle server (issue 19: idle
 * memory). A schema ajv cannot compile is found by test/request-validators.test.ts, which
 * compiles them all through `compileAll`.
 */
import { AjvCompiler } from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

type Validate = ((data: unknown) => unknown) & { errors?: unknown }
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string }
type BuildValidator = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => Validate
type FastifyBuildValidator = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']

/** How many validators `compileAll` compiles per turn of the event loop (each takes ~0.5 ms). */
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
