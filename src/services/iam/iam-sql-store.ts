/**
 * @module What the IAM capability stores share over SQL: the one place a constraint violation
 * becomes the client-facing error (Keystone's `handle_conflicts`), savepoints so such a failure
 * leaves the caller's transaction usable, the SQL text cache of the database, and the actors a
 * user acts as (itself and its groups), which grants, projects and domains are looked up by.
 */
import { sql, type Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Db } from '../../db/database.js'
import { SqlTextCache } from '../../db/sql-text-cache.js'
import type { AppError } from '../../errors/app-error.js'
import { SqlStore, type Executor } from '../sql-store.js'

export interface IamSqlStoreOptions {
  db: Db
  /** The transaction to work in; the database (each write its own commit) when left out. */
  x?: Executor
}

/** What to throw instead of a violated constraint; a violation without an entry is rethrown as it is. */
export interface ConstraintRefusals {
  /** A unique index refused the row: the name (or slot) is taken; `error` names the index. */
  unique?: (error: unknown) => AppError
  /** A foreign key refused the row: what it references was deleted since it was checked. */
  missing?: () => AppError
}

/**
 * SQL of the hot queries, kept per database (the text is its dialect's) and shared by every IAM
 * store object of it and by the copies bound to transactions: compiled once, not per transaction.
 */
const sqlTexts = new WeakMap<Db, SqlTextCache>()

function sqlTextsOf(db: Db): SqlTextCache {
  let texts = sqlTexts.get(db)
  if (!texts) sqlTexts.set(db, (texts = new SqlTextCache()))
  return texts
}

export abstract class IamSqlStore<Store> extends SqlStore<Store> {
  constructor({ db, x = db.kysely }: IamSqlStoreOptions) {
    super(db, x, sqlTextsOf(db))
  }

  /** Runs a write and translates the constraint violations it may meet into `refusals`' errors. */
  protected async constrained<T>(work: () => Promise<T>, refusals: ConstraintRefusals): Promise<T> {
    try {
      return await this.undoable(work)
    } catch (error) {
      if (refusals.unique && this.db.isUniqueViolation(error)) throw refusals.unique(error)
      if (refusals.missing && this.db.isForeignKeyViolation(error)) throw refusals.missing()
      throw error
    }
  }

  /**
   * Inside a transaction, a write that may fail on a constraint runs under a savepoint: the
   * failure undoes that write alone and the caller's transaction goes on. PostgreSQL would
   * otherwise abort the whole transaction where SQLite only undoes the statement.
   */
  private async undoable<T>(work: () => Promise<T>): Promise<T> {
    // SQLite backs out only the failing statement and the transaction goes on: every `work`
    // here fails, if at all, on its one (or last) statement, so no savepoint is needed there.
    if (!this.inTransaction || this.db.dialect === 'sqlite') return work()
    await sql`savepoint iam_store_write`.execute(this.x)
    let result: T
    try {
      result = await work()
    } catch (error) {
      await sql`rollback to savepoint iam_store_write`.execute(this.x)
      await sql`release savepoint iam_store_write`.execute(this.x)
      throw error
    }
    await sql`release savepoint iam_store_write`.execute(this.x)
    return result
  }

  /**
   * A counted limit (a quota), settled by the database: under a lock on `key` held until the
   * transaction `x` ends (PostgreSQL: an advisory lock; SQLite runs one write at a time), counts
   * what `count` counts and throws `refusal` at `limit`. The caller inserts on the same `x`, so
   * concurrent creations on any instance cannot together pass the limit.
   */
  protected async assertBelowLimit(x: Executor, key: string, limit: number, count: (x: Executor) => Promise<number | string | bigint>, refusal: () => AppError): Promise<void> {
    await this.db.serialize(x as Transaction<Database>, `iam-quota:${key}`)
    if (Number(await count(x)) >= limit) throw refusal()
  }

  /** The user itself and every group it belongs to: the actors whose assignments it holds. */
  protected actorIds(userId: string) {
    return this.x
      .selectFrom('group_members').select('group_id as id').where('user_id', '=', userId)
      .union(this.x.selectNoFrom((eb) => eb.val(userId).as('id')))
  }
}
