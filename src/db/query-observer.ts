/**
 * @module Per-query durations for the store latency metric, taken from Kysely's `log` hook. The
 * store is opened before the app that records its metrics exists, so the hook forwards to a
 * listener the app sets later. A store opened without observation gets no hook at all: Kysely
 * then wraps no query and pays nothing.
 */
import type { CompiledQuery, LogEvent } from 'kysely'

/** `checkpoint`: a WAL checkpoint the embedded store ran in the background (wal-checkpointer.ts). */
export type DbOperation = 'select' | 'insert' | 'update' | 'delete' | 'other' | 'checkpoint'
export type QueryListener = (operation: DbOperation, seconds: number) => void

const OPERATION_BY_KIND: Readonly<Record<string, DbOperation>> = {
  SelectQueryNode: 'select', InsertQueryNode: 'insert', UpdateQueryNode: 'update', DeleteQueryNode: 'delete',
}

/**
 * Queries the stores run from cached SQL text (sql-text-cache.ts) and `sql` templates are raw
 * nodes: their first keyword says what they do. Transaction control, pragmas and DDL are `other`.
 */
export function queryOperation(query: CompiledQuery): DbOperation {
  return OPERATION_BY_KIND[query.query.kind] ?? operationOfSql(query.sql)
}

function operationOfSql(sql: string): DbOperation {
  const head = /^\s*([a-z]+)/i.exec(sql.slice(0, 24))?.[1]?.toLowerCase()
  return head === 'select' || head === 'insert' || head === 'update' || head === 'delete' ? head : 'other'
}

export class QueryObserver {
  private listener: QueryListener | undefined

  /** Kysely's `log` option. Failed queries count too: a timeout is store latency worth seeing. */
  readonly log = (event: LogEvent): void => {
    this.listener?.(queryOperation(event.query), event.queryDurationMillis / 1000)
  }

  private readonly operationBySql = new Map<string, DbOperation>()

  /** A statement run from its SQL text outside Kysely (direct-sql.ts): a few fixed texts, classified once each. */
  observe(sql: string, seconds: number): void {
    if (!this.listener) return
    let operation = this.operationBySql.get(sql)
    if (operation === undefined) {
      operation = operationOfSql(sql)
      if (this.operationBySql.size < 1024) this.operationBySql.set(sql, operation)
    }
    this.listener(operation, seconds)
  }

  /** Work of the store that is not a statement of this connection's. */
  observeOperation(operation: DbOperation, seconds: number): void {
    this.listener?.(operation, seconds)
  }

  listen(listener: QueryListener): void {
    this.listener = listener
  }
}
