/**
 * @module The operator API under `/_projectplane/`: accounts on demand and the state document
 * over HTTP, for test suites. Each route: path, schema, the action's policy (the hook in
 * http/authenticate.ts), then the operator check (the server's operator only, as for faults),
 * one service call, one body. Errors answer as IAM's do.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
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
    const config = (action: string) => ({ service: 'iam' as const, action })
    const A = OPERATOR_ACTIONS

    app.post(ACCOUNTS_PATH, { schema: { body: AccountCreateBodySchema }, config: config(A.createAccount) }, async (request, reply) => {
      await service.assertOperator(request.auth, A.createAccount)
      return reply.code(201).send(createdAccountBody(await service.createAccount(request.body)))
    })

    app.get(ACCOUNTS_PATH, { config: config(A.listAccounts) }, async (request) => {
      await service.assertOperator(request.auth, A.listAccounts)
      return accountListBody(await service.listAccounts())
    })

    app.delete(`${ACCOUNTS_PATH}/:account_id`, { schema: { params: AccountParamsSchema }, config: config(A.deleteAccount) }, async (request, reply) => {
      const caller = await service.assertOperator(request.auth, A.deleteAccount)
      await service.deleteAccount(caller, request.params.account_id)
      return reply.code(204).send()
    })

    app.get(STATE_PATH, { schema: { querystring: StateQuerySchema }, config: config(A.exportState) }, async (request) => {
      await service.assertOperator(request.auth, A.exportState)
      return service.exportState(request.query.account)
    })

    app.put(STATE_PATH, { bodyLimit: STATE_BODY_LIMIT_BYTES, schema: { querystring: StateQuerySchema, body: StateBodySchema }, config: config(A.importState) }, async (request) => {
      await service.assertOperator(request.auth, A.importState)
      return importedBody(await service.importState(request.query.account, request.body))
    })

    app.delete(STATE_PATH, { schema: { querystring: StateQuerySchema }, config: config(A.resetState) }, async (request, reply) => {
      const caller = await service.assertOperator(request.auth, A.resetState)
      await service.resetState(caller, request.query.account)
      return reply.code(204).send()
    })

    // Issue 18: the codes that would have gone by SMS or e-mail (services/iam/mfa/outbox.ts), newest first.
    app.get('/_projectplane/outbox', { schema: { querystring: OutboxQuerySchema }, config: config(A.listOutbox) }, async (request) => {
      await service.assertOperator(request.auth, A.listOutbox)
      return new MfaWire().outbox(await outbox.list(request.query.user_id))
    })
  }
}
