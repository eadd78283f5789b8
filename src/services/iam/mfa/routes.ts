/**
 * @module Routes of virtual MFA devices (`/v3.0/OS-MFA`) and login protection
 * (`/v3.0/OS-USER/.../login-protect`), registered where the flavour has Huawei's user API. Their
 * errors are flat (`error_msg`, `error_code`, spec §0.3), a body the schema refuses included:
 * `IAM.0072` for a missing key, `IAM.0073` for a wrong value. Each: path, schema, action, one
 * service call, one envelope from wire.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { caller } from '../../../http/caller.js'
import { ServiceCodedError, ValidationError } from '../../../errors/app-error.js'
import { iamFlatAction } from '../iam-route-options.js'
import { MFA_ACTIONS, type MfaService } from './service.js'
import type { MfaWire } from './wire.js'
import {
  LoginProtectUpdateBodySchema, LoginVerifyBodySchema, MfaDeviceBindBodySchema, MfaDeviceCreateBodySchema, MfaDeviceDeleteQuerySchema, MfaDeviceUnbindBodySchema, MfaUserParamsSchema,
} from './schemas.js'

export interface MfaRouteOptions {
  service: MfaService
  wire: MfaWire
}

/** The clouds' codes for a refused body or query (spec §0.3) instead of the generic IAM.0011. */
function assertValid(request: FastifyRequest): void {
  const failure = request.validationError as (Error & { validation?: { keyword: string; instancePath: string; params: Record<string, unknown>; data?: unknown }[] }) | undefined
  if (!failure) return
  const first = failure.validation?.[0]
  if (!first) throw new ValidationError('Request body is invalid.')
  const path = first.instancePath.split('/').filter(Boolean)
  if (first.keyword === 'required') throw new ServiceCodedError(400, 'IAM.0072', `'${[...path, String(first.params.missingProperty)].join('.')}' is a required property.`)
  // A body that is no object at all is the generic refusal.
  if (path.length === 0) throw new ServiceCodedError(400, 'IAM.0011', 'Request body is invalid.')
  const value = typeof first.data === 'string' ? first.data : JSON.stringify(first.data)
  throw new ServiceCodedError(400, 'IAM.0073', `Invalid input for field '${path.join('.')}'. The value is '${value}'.`)
}

export function mfaRoutes({ service, wire }: MfaRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    const A = MFA_ACTIONS
    const action = iamFlatAction
    app.post('/v3.0/OS-MFA/virtual-mfa-devices', { attachValidation: true, schema: { body: MfaDeviceCreateBodySchema }, config: action(A.create) }, async (request, reply) => {
      assertValid(request)
      reply.status(201)
      return wire.created(await service.createDevice(caller(request), request.body))
    })
    app.put('/v3.0/OS-MFA/mfa-devices/bind', { attachValidation: true, schema: { body: MfaDeviceBindBodySchema }, config: action(A.bind) }, async (request, reply) => {
      assertValid(request)
      await service.bindDevice(caller(request), request.body)
      return reply.status(204).send()
    })
    app.put('/v3.0/OS-MFA/mfa-devices/unbind', { attachValidation: true, schema: { body: MfaDeviceUnbindBodySchema }, config: action(A.unbind) }, async (request, reply) => {
      assertValid(request)
      await service.unbindDevice(caller(request), request.body)
      return reply.status(204).send()
    })
    app.delete('/v3.0/OS-MFA/virtual-mfa-devices', { attachValidation: true, schema: { querystring: MfaDeviceDeleteQuerySchema }, config: action(A.delete) }, async (request, reply) => {
      assertValid(request)
      await service.deleteDevice(caller(request), request.query)
      return reply.status(204).send()
    })
    app.get('/v3.0/OS-MFA/virtual-mfa-devices', { config: action(A.list) }, async (request) => wire.devices(await service.listDevices(caller(request))))
    app.get('/v3.0/OS-MFA/users/:user_id/virtual-mfa-device', { schema: { params: MfaUserParamsSchema }, config: action(A.show) },
      async (request) => wire.device(await service.showDevice(caller(request), request.params.user_id)))

    app.get('/v3.0/OS-USER/login-protects', { config: action(A.listLoginProtects) }, async (request) => wire.loginProtects(await service.listLoginProtects(caller(request))))
    app.get('/v3.0/OS-USER/users/:user_id/login-protect', { schema: { params: MfaUserParamsSchema }, config: action(A.showLoginProtect) },
      async (request) => wire.loginProtect(await service.showLoginProtect(caller(request), request.params.user_id)))
    app.put('/v3.0/OS-USER/users/:user_id/login-protect', { attachValidation: true, schema: { params: MfaUserParamsSchema, body: LoginProtectUpdateBodySchema }, config: action(A.updateLoginProtect) },
      async (request) => {
        assertValid(request)
        return wire.loginProtect(await service.updateLoginProtect(caller(request), request.params.user_id, request.body))
      })

    // The emulator's own second step of a console sign-in (no cloud API: the clouds' console does it internally).
    app.post('/v3.0/OS-USER/users/:user_id/login-protect/verification-code', { schema: { params: MfaUserParamsSchema }, config: action(A.sendLoginCode) }, async (request, reply) => {
      reply.status(201)
      return wire.loginChallenge(await service.sendLoginCode(caller(request), request.params.user_id))
    })
    app.put('/v3.0/OS-USER/users/:user_id/login-protect/verification', { attachValidation: true, schema: { params: MfaUserParamsSchema, body: LoginVerifyBodySchema }, config: action(A.verifyLogin) },
      async (request, reply) => {
        assertValid(request)
        await service.verifyLogin(caller(request), request.params.user_id, request.body.verification_code)
        return reply.status(204).send()
      })
  }
}
