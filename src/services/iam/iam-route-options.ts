/**
 * @module What every IAM capability's routes take, and the route config that marks a route as
 * IAM's: the service decides the error format, the action the policy rule the hook in http/authenticate.ts
 * enforces before the handler runs.
 */
import type { FastifyRequest } from 'fastify'

export interface IamRouteOptions {
  /** The public base URL links are built on. */
  baseUrl(request: FastifyRequest): string
}

export function iamAction(action: string): { service: 'iam'; action: string } {
  return { service: 'iam', action }
}

/** A route of a family whose errors are flat (`{"error_msg","error_code"}`; spec open question 1). */
export function iamFlatAction(action: string): { service: 'iam'; action: string; errorFormat: 'flat' } {
  return { service: 'iam', action, errorFormat: 'flat' }
}
