/**
 * @module The web console's own server routes, for the account settings that bite on the console
 * only (issue 18; spec iam-security.md's enforcement summary): the console signs in here rather
 * than at `POST /v3/auth/tokens`, so the server (not the browser) applies the console ACL and the
 * login protection; and it asks here for the verification a critical operation needs under the
 * operation protection policy. The API itself is untouched by these settings, as on the clouds.
 */
import { Type as T, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { AuthContext } from '../../auth/auth-context.js'
import { ServiceCodedError, UnauthorizedError } from '../../errors/app-error.js'
import type { ConsoleSupport, VerificationChannel } from './console-support.js'
import type { SecurityService } from './security/service.js'
import { LOGIN_PURPOSE } from './mfa/service.js'
import { caller } from '../../http/caller.js'

export const CONSOLE_SIGN_IN_URL = '/console/api/sign-in'
export const CONSOLE_VERIFICATION_URL = '/console/api/verification'
export const CONSOLE_MFA_URL = '/console/api/mfa-device'

/** The outbox purpose of an operation's code; a sign-in's is the MFA service's own (its API's second step takes the same codes). */
const OPERATION_PURPOSE = 'operation_protection'

const SignInBodySchema = T.Object({
  account: T.String({ minLength: 1, maxLength: 64 }),
  user: T.String({ minLength: 1, maxLength: 64 }),
  password: T.String({ minLength: 1, maxLength: 1024 }),
  /** The second step of a protected sign-in: the TOTP of the user's device (vmfa) or the code sent (sms, email). */
  code: T.Optional(T.String({ maxLength: 16 })),
}, { additionalProperties: false })
type SignInBody = Static<typeof SignInBodySchema>

const VerificationBodySchema = T.Object({ code: T.Optional(T.String({ maxLength: 16 })) }, { additionalProperties: false })

export interface ConsoleSecurityOptions {
  console: ConsoleSupport
  security: Pick<SecurityService, 'consoleAclAllows' | 'sessionTimeoutMinutes'>
}

/** The console ACL's refusal: the clouds word it on their sign-in page only, so the flat IAM "forbidden" code carries our words. */
export class ConsoleAclRefusal extends ServiceCodedError {
  constructor() {
    super(403, 'IAM.0002', "Console access from your IP address is not allowed by the account's console ACL.")
  }
}

const wrongCode = () => new UnauthorizedError('The verification code is wrong or has expired.')

export function registerConsoleSecurity(app: FastifyInstance, { console: support, security }: ConsoleSecurityOptions): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()

  typed.post(CONSOLE_SIGN_IN_URL, { schema: { body: SignInBodySchema }, config: { action: 'projectplane:console_sign_in' } }, async (request, reply) => {
    const body = request.body
    // The password is checked first, as on the clouds' sign-in page: nothing about the account's
    // settings is told to someone who does not know it.
    let issued = await support.issueToken(passwordLogin(body))
    const user = await support.findUser(issued.ctx.user.id)
    if (user && user.is_domain_owner !== 1 && !(await security.consoleAclAllows(user.domain_id, request.ip))) {
      await support.discard(issued)
      throw new ConsoleAclRefusal()
    }
    const method = user && await support.loginProtection(user.id)
    if (user && method) {
      if (body.code === undefined || body.code === '') {
        await support.discard(issued)
        // The second step: the page asks for the code (and a code goes to the outbox for sms/email).
        if (method === 'vmfa') return { verification: { method } }
        const sent = await support.sendCode(user, method, LOGIN_PURPOSE)
        if (!sent) throw new ServiceCodedError(400, 'IAM.0007', `Login protection by ${method} is on, but the user has no ${method === 'sms' ? 'mobile number' : 'e-mail address'}.`)
        return { verification: { method, destination: mask(sent.destination) } }
      }
      if (method === 'vmfa') {
        // The API's own password+totp sign-in: the code is checked once, a wrong one counts toward the lock-out.
        await support.discard(issued)
        issued = await support.issueToken(passwordLogin(body, issued.ctx.user.id))
      } else if (!(await support.consumeCode(user.id, LOGIN_PURPOSE, body.code))) {
        await support.discard(issued)
        throw wrongCode()
      }
    }
    const accountId = issued.ctx.userDomain.id
    reply.status(201).header('x-subject-token', issued.token)
    return {
      token: {
        expires_at: new Date(issued.ctx.expiresAt).toISOString(),
        user: { id: issued.ctx.user.id, name: issued.ctx.user.name },
        account: { id: accountId, name: issued.ctx.userDomain.name },
      },
      console: { session_timeout_minutes: await security.sessionTimeoutMinutes(accountId) },
    }
  })

  typed.post(CONSOLE_VERIFICATION_URL, { schema: { body: VerificationBodySchema }, config: { action: 'projectplane:console_verify_operation' } }, async (request) => {
    const ctx = caller(request)
    const channel = await operationChannel(support, ctx)
    if (channel === undefined) return { required: false }
    const code = request.body.code
    if (code === undefined || code === '') {
      if (channel.method === 'vmfa') return { required: true, method: 'vmfa' }
      const user = (await support.findUser(ctx.user.id))!
      const sent = await support.sendCode(channel.to ? { ...user, ...channel.to } : user, channel.method, OPERATION_PURPOSE)
      if (!sent) throw new ServiceCodedError(403, 'IAM.0002', 'Operation protection is on, and there is nowhere to send a verification code: bind a virtual MFA device, or have a mobile number or an e-mail address set.')
      return { required: true, method: channel.method, destination: mask(sent.destination) }
    }
    const ok = channel.method === 'vmfa' ? await support.consumeTotp(ctx.user.id, code) : await support.consumeCode(ctx.user.id, OPERATION_PURPOSE, code)
    if (!ok) throw new ServiceCodedError(400, 'IAM.1061', 'The verification code is wrong or has expired.')
    return { required: true, method: channel.method, verified: true }
  })


  typed.get(CONSOLE_MFA_URL, { config: { action: 'projectplane:console_get_mfa_device' } }, async (request) => {
    const ctx = caller(request)
    return { virtual_mfa_device: (await support.device(ctx.user.id)) ?? null }
  })
}

function passwordLogin(body: SignInBody, totpUserId?: string) {
  const user = { name: body.user, password: body.password, domain: { name: body.account } }
  return {
    auth: {
      identity: totpUserId === undefined
        ? { methods: ['password'], password: { user } }
        : { methods: ['password', 'totp'], password: { user }, totp: { user: { id: totpUserId, passcode: body.code ?? '' } } },
      scope: { domain: { name: body.account } },
    },
  }
}

/**
 * How a critical operation is verified, if at all (spec §4.2, §10): not when the account's
 * protection is off, nor for a caller through an agency (a federated user is never asked);
 * with `admin_check` on, by a code to the designated mobile or e-mail (MFA not allowed); else by
 * the caller's own bound device, mobile or e-mail, in that order.
 */
async function operationChannel(support: ConsoleSupport, ctx: AuthContext): Promise<{ method: VerificationChannel; to?: { phone: string; areacode: null } | { email: string } } | undefined> {
  if (ctx.assumedBy || ctx.accountId === undefined) return undefined
  const policy = await support.protectPolicy(ctx.accountId)
  if (!policy.operation_protection) return undefined
  if (policy.admin_check === 'on') {
    return policy.scene === 'mobile' ? { method: 'sms', to: { phone: policy.mobile, areacode: null } } : { method: 'email', to: { email: policy.email } }
  }
  if (await support.hasBoundDevice(ctx.user.id)) return { method: 'vmfa' }
  const user = await support.findUser(ctx.user.id)
  return { method: user?.phone ? 'sms' : 'email' }
}

/** What the page may show of an address: enough to recognise it. */
function mask(destination: string): string {
  const at = destination.indexOf('@')
  if (at > 0) return `${destination.slice(0, 1)}***${destination.slice(at)}`
  return `***${destination.slice(-4)}`
}
