/**
 * @module The operator API under `/_projectplane/`: accounts on demand and the state document
 * over HTTP, for test suites. Each route: path, schema, the action's policy (the hook in
 * http/authenticate.ts), then the operator check (the server's operator only, as for faults),
 * one service call, one body. Errors answer as IAM's do.
 *
 * The operator check runs before the body is validated (and, for a token caller, before it is
 * even read): anyone else learns 403, never what a valid body would be, and cannot make the
 * server parse a state document. A signed caller is known only once the body it signed is read,
 * so its check waits for that.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { OPERATOR_ACCOUNTS_PATH, OPERATOR_STATE_PATH } from '../../http/fault-injection.js'
import type { OperatorService } from './service.js'
import { AccountCreateBodySchema, AccountParamsSchema, StateBodySchema, StateQuerySchema } from './schemas.js'
import { accountListBody, createdAccountBody, importedBody } from './wire.js'
import type { OutboxService } from '../../services/iam/mfa/outbox.js'
import { OutboxQuerySchema } from '../../services/iam/mfa/schemas.js'
import { MfaWire } from '../../services/iam/mfa/wire.js'

const ACCOUNTS_PATH = OPERATOR_ACCOUNTS_PATH
const STATE_PATH = OPERATOR_STATE_PATH
/** A whole state document: far above the JSON bodies of the APIs (1 MiB). */
const STATE_BODY_LIMIT_BYTES = 256 * 1024 * 1024

export const OPERATOR_ACTIONS = {
  createAccount: 'projectplane:create_account',
  listAccounts: 'projectplane:list_accounts',
  deleteAccount: 'projectplane:delete_account',
  exportState: 'projectplane:export_state',
  importState: 'projectplane:import_state',
  resetState: 'projectplane:reset_state',
  listOutbox: 'projectplane:list_outbox',
} as const

export function operatorRoutes({ service, outbox }: { service: OperatorService; outbox: OutboxService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const operatorOnly = (action: string) => ({
      config: { service: 'iam' as const, action },
      onRequest: async (request: FastifyRequest) => {
        if (!request.pendingSignature) await service.assertOperator(request.auth, action)
      },
      preValidation: async (request: FastifyRequest) => {
        if (request.pendingSignature) await service.assertOperator(request.auth, action)
      },
    })
    const A = OPERATOR_ACTIONS

    app.post(ACCOUNTS_PATH, { schema: { body: AccountCreateBodySchema }, ...operatorOnly(A.createAccount) }, async (request, reply) => {
      return reply.code(201).send(createdAccountBody(await service.createAccount(request.body)))
    })

    app.get(ACCOUNTS_PATH, operatorOnly(A.listAccounts), async () => {
      return accountListBody(await service.listAccounts())
    })

    app.delete(`${ACCOUNTS_PATH}/:account_id`, { schema: { params: AccountParamsSchema }, ...operatorOnly(A.deleteAccount) }, async (request, reply) => {
      await service.deleteAccount(request.auth!, request.params.account_id)
      return reply.code(204).send()
    })

    app.get(STATE_PATH, { schema: { querystring: StateQuerySchema }, ...operatorOnly(A.exportState) }, async (request) => {
      return service.exportState(request.query.account)
    })

    app.put(STATE_PATH, { bodyLimit: STATE_BODY_LIMIT_BYTES, schema: { querystring: StateQuerySchema, body: StateBodySchema }, ...operatorOnly(A.importState) }, async (request) => {
      return importedBody(await service.importState(request.query.account, request.body))
    })

    app.delete(STATE_PATH, { schema: { querystring: StateQuerySchema }, ...operatorOnly(A.resetState) }, async (request, reply) => {
      await service.resetState(request.auth!, request.query.account)
      return reply.code(204).send()
    })

    // Issue 18: the codes that would have gone by SMS or e-mail (services/iam/mfa/outbox.ts), newest first.
    app.get('/_projectplane/outbox', { schema: { querystring: OutboxQuerySchema }, ...operatorOnly(A.listOutbox) }, async (request) => {
      return new MfaWire().outbox(await outbox.list(request.query.user_id))
    })
  }
}
