/**
 * @module Deep pages of a large list without OFFSET (issue 19). `OFFSET n` walks the n rows before
 * the page, in the index at best: 100 ms at a million rows on SQLite. Here a page is read by a seek
 * from the sort key of the row before it, and where each page of a list view starts is
 * remembered, so a client that walks a list page by page (following `next`, or `offset += limit`)
 * pays a seek per page whatever its depth. An offset never seen before is reached from the nearest
 * remembered start in hops that skip rows in the index and land on multiples of
 * `CHECKPOINT_STEP`, each landing remembered, so a later jump near it is a short skip again. Only
 * that first cold jump costs in proportion to its depth (~0.1 µs a row in the index).
 *
 * The answer is the one OFFSET gives: the same rows, in the same order. Remembered starts are
 * valid only for the list's generation, which the triggers of migration 0023 bump on every change
 * that can move a row (any code path, any instance); a changed list forgets its starts.
 *
 * An account's whole list of projects or enterprise projects (no filter) needs none of this: its
 * rows are counted per range of its order (migration 0024), so `countedPage` finds any page from
 * the counts, cold or not. Unpaged lists are read in batches (`keysetBatches`).
 */
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from './schema.js'

type Executor = Kysely<Database> | Transaction<Database>

/** One column of a list's order. The last must make the order total (the key, usually `id`). */
export interface SortColumn<Row> { readonly column: keyof Row & string; readonly direction: 'asc' | 'desc' }

/** The sort columns' values of one row: where the rows after it start. */
type SortKey = readonly unknown[]

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the caller's query, whatever its tables
type ListQuery<Row> = SelectQueryBuilder<Database, any, Row>

/** Offsets this far from a remembered start are skipped with OFFSET (in the index: ~0.1 ms). */
export const CHECKPOINT_STEP = 1000
/** A cold jump hops 10,000 rows a query (~1 ms in the index), remembering where it lands. */
const HOP_STEPS = 10
const MAX_VIEWS = 32
/** 1M rows at one start per 1,000 rows, plus the starts of pages walked. */
const MAX_STARTS_PER_VIEW = 4096

interface ViewStarts { readonly generation: string; readonly starts: Map<number, SortKey> }

/**
 * Page starts of recently paged list views (a list with its filters and order), bounded in views
 * (least recently used goes first) and in starts per view. One per database.
 */
export class PageStarts {
  private readonly views = new Map<string, ViewStarts>()

  /** The view's starts at this generation; an older generation's are dropped. */
  startsOf(view: string, generation: string): Map<number, SortKey> {
    let entry = this.views.get(view)
    if (entry) this.views.delete(view)
    if (!entry || entry.generation !== generation) entry = { generation, starts: new Map() }
    this.views.set(view, entry)
    if (this.views.size > MAX_VIEWS) this.views.delete(this.views.keys().next().value!)
    return entry.starts
  }
}

const pageStarts = new WeakMap<object, PageStarts>()

/** The page starts remembered for a database (any object standing for one). */
export function pageStartsOf(db: object): PageStarts {
  let starts = pageStarts.get(db)
  if (!starts) pageStarts.set(db, starts = new PageStarts())
  return starts
}

function remember(starts: Map<number, SortKey>, offset: number, key: SortKey): void {
  if (starts.has(offset)) return
  if (starts.size >= MAX_STARTS_PER_VIEW) starts.delete(starts.keys().next().value!)
  starts.set(offset, key)
}

/**
 * The sort order split where its direction changes, each part a run of columns compared as one
 * row value: `kind desc, name, id` is [kind desc] then [name, id asc].
 */
function runsOf<Row>(order: readonly SortColumn<Row>[]): SortColumn<Row>[][] {
  const runs: SortColumn<Row>[][] = []
  for (const c of order) {
    const last = runs.at(-1)
    if (last && last[0]!.direction === c.direction) last.push(c)
    else runs.push([c])
  }
  return runs
}

function ordered<Row>(query: ListQuery<Row>, order: readonly SortColumn<Row>[]): ListQuery<Row> {
  return order.reduce((q, c) => q.orderBy(sql.ref(c.column), c.direction), query)
}

function rowValue(items: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  return items.length === 1 ? items[0]! : sql`(${sql.join(items)})`
}

/**
 * The rows after `key` form one branch per run: rows equal on the runs before it and past `key`
 * on this run, deepest run first. Each branch is a range of the list's index, read in its order;
 * one OR of them all would make SQLite scan the whole list.
 */
function branchesAfter<Row>(query: ListQuery<Row>, order: readonly SortColumn<Row>[], key: SortKey, inclusive: boolean): ListQuery<Row>[] {
  const runs = runsOf(order)
  const branches: ListQuery<Row>[] = []
  let at = 0
  const bounds: { run: SortColumn<Row>[]; from: number }[] = runs.map((run) => { const b = { run, from: at }; at += run.length; return b })
  for (let r = runs.length - 1; r >= 0; r--) {
    const { run, from } = bounds[r]!
    let branch = query
    for (let i = 0; i < from; i++) branch = branch.where(sql.ref(order[i]!.column), '=', key[i])
    const columns = rowValue(run.map((c) => sql.ref(c.column)))
    const values = rowValue(run.map((_, i) => sql`${key[from + i]}`))
    // From `key` itself (its row, if there is one) when `inclusive`: only the deepest run compares the whole key.
    const fromKey = inclusive && r === runs.length - 1
    const condition: Expression<SqlBool> = run[0]!.direction === 'asc'
      ? fromKey ? sql<SqlBool>`${columns} >= ${values}` : sql<SqlBool>`${columns} > ${values}`
      : fromKey ? sql<SqlBool>`${columns} <= ${values}` : sql<SqlBool>`${columns} < ${values}`
    branches.push(ordered(branch.where(condition), order.slice(from)))
  }
  return branches
}

/**
 * `limit` rows after `skip` rows past `key` (from the list's start when undefined); with
 * `inclusive`, the row at `key` is the first of those skipped.
 */
async function rowsAfter<Row>(query: ListQuery<Row>, order: readonly SortColumn<Row>[], key: SortKey | undefined, skip: number, limit: number, inclusive = false): Promise<Row[]> {
  if (key === undefined) return ordered(query, order).limit(limit).offset(skip).execute()
  const rows: Row[] = []
  for (const branch of branchesAfter(query, order, key, inclusive)) {
    const got = await branch.limit(limit - rows.length).offset(skip).execute()
    if (got.length > 0) skip = 0
    else if (skip > 0) {
      // This branch holds `skip` rows or fewer: count them (at most `skip`) and skip the rest in the next.
      const n = await branch.clearOrderBy().clearSelect().select(sql`1`.as('one')).limit(skip).execute()
      skip -= n.length
    }
    rows.push(...got)
    if (rows.length >= limit) break
  }
  return rows
}

export interface KeysetPage<Row> {
  /** The list, filtered, selecting whole rows, with no order. */
  readonly query: ListQuery<Row>
  readonly order: readonly SortColumn<Row>[]
  readonly offset: number
  readonly limit: number
  /**
   * Where starts are remembered; undefined (inside a transaction, whose rows others may never
   * see, or for a list no generation counts) means plain OFFSET.
   */
  readonly memory?: { readonly starts: PageStarts; readonly view: string; readonly generation: string }
}

/** The page OFFSET/LIMIT would give, read by seeks where a start is known or can be found. */
export async function keysetPage<Row>(page: KeysetPage<Row>): Promise<Row[]> {
  const { query, order, offset, limit } = page
  if (!page.memory || offset === 0) {
    const rows = await rowsAfter(query, order, undefined, offset, limit)
    if (page.memory) rememberEnds(page.memory.starts.startsOf(page.memory.view, page.memory.generation), order, offset, rows)
    return rows
  }
  const starts = page.memory.starts.startsOf(page.memory.view, page.memory.generation)
  let from = 0
  for (const at of starts.keys()) if (at <= offset && at > from) from = at
  let key = from === 0 ? undefined : starts.get(from)
  // Hop to the page in steps, remembering each step, so the next jump near it starts closer.
  while (offset - from > CHECKPOINT_STEP) {
    // Up to HOP_STEPS steps a query: the skip is cheap in the index, each query is not.
    const target = Math.min(Math.floor(offset / CHECKPOINT_STEP), Math.floor(from / CHECKPOINT_STEP) + HOP_STEPS) * CHECKPOINT_STEP
    const [row] = await rowsAfter(query, order, key, target - from - 1, 1)
    if (!row) return []
    key = keyOf(order, row)
    from = target
    remember(starts, from, key)
  }
  const rows = await rowsAfter(query, order, key, offset - from, limit)
  rememberEnds(starts, order, offset, rows)
  return rows
}

/** The next page starts after the last row, or (a caller that read one more to see if a next page exists) the one before it. */
function rememberEnds<Row>(starts: Map<number, SortKey>, order: readonly SortColumn<Row>[], offset: number, rows: readonly Row[]): void {
  if (rows.length >= 2) remember(starts, offset + rows.length - 1, keyOf(order, rows[rows.length - 2]!))
  if (rows.length >= 1) remember(starts, offset + rows.length, keyOf(order, rows[rows.length - 1]!))
}

function keyOf<Row>(order: readonly SortColumn<Row>[], row: Row): SortKey {
  return order.map((c) => row[c.column])
}

/**
 * An account's whole list (no filter) whose rows migration 0024's triggers count in buckets:
 * ranges of the list's order, each named by its first key (the list's sort columns, the same
 * names in the bucket table) and holding its row count, about 1,000 rows each.
 */
export interface CountedList {
  readonly buckets: 'project_buckets' | 'enterprise_project_buckets'
  readonly domainId: string
}

export interface CountedPage<Row> {
  readonly rows: Row[]
  /** The list's length, from the same counts. */
  readonly total: number
}

/**
 * The page OFFSET/LIMIT would give, found without walking the rows before it: the account's
 * buckets are summed in order (one query over ~1 row per 1,000) to the one holding the page's
 * first row, and fewer than 2,000 rows of it are skipped in the list's index. Cost does not grow
 * with the depth of the page, and nothing is remembered between requests: the counts change in
 * the transaction that changes the list. A list ordered wholly descending is read from its end
 * in ascending order (the buckets' own), so both directions share one set of counts.
 *
 * The counts and the rows are two statements; a write committed between them moves the page by
 * what it changed, as it would between two page requests.
 */
export async function countedPage<Row>(x: Executor, list: CountedList, query: ListQuery<Row>, order: readonly SortColumn<Row>[], offset: number, limit: number): Promise<CountedPage<Row>> {
  const descending = order.every((c) => c.direction === 'desc')
  const ascending = descending ? order.map((c) => ({ column: c.column, direction: 'asc' as const })) : order
  // The first row wanted, counted in the buckets' order.
  const target = descending ? sql`case when rows_total - ${offset + limit} > 0 then rows_total - ${offset + limit} else 0 end` : sql`${offset}`
  const columns = sql.join(ascending.map((c) => sql.ref(c.column)))
  const bucketOrder = sql.join(ascending.map((c) => sql`${sql.ref(c.column)} ${sql.raw(c.direction)}`))
  const { rows: [bucket] } = await sql<Record<string, unknown> & { rows_before: number | string; rows_total: number | string }>`
    select ${columns}, rows_before, rows_total from (
      select ${columns}, sum(n) over (order by ${bucketOrder} rows between unbounded preceding and current row) - n as rows_before, sum(n) over () as rows_total
      from ${sql.table(list.buckets)} where domain_id = ${list.domainId}
    ) as counted where rows_before <= ${target} order by rows_before desc limit 1`.execute(x)
  if (!bucket) return { rows: [], total: 0 }
  const total = Number(bucket.rows_total)
  const before = Number(bucket.rows_before)
  const key = ascending.map((c) => bucket[c.column])
  if (!descending) return { rows: await rowsAfter(query, ascending, key, offset - before, limit, true), total }
  const count = Math.min(limit, total - offset)
  if (count <= 0) return { rows: [], total }
  const first = Math.max(0, total - offset - limit)
  return { rows: (await rowsAfter(query, ascending, key, first - before, count, true)).reverse(), total }
}

/** The length of a counted list: a sum over its buckets. */
export async function countedTotal(x: Executor, list: CountedList): Promise<number> {
  const { rows: [row] } = await sql<{ total: number | string | null }>`select sum(n) as total from ${sql.table(list.buckets)} where domain_id = ${list.domainId}`.execute(x)
  return Number(row?.total ?? 0)
}

/** The list's generation (migration 0023's triggers); `0` for a list never changed. */
export async function listGeneration(x: Executor, list: 'projects' | 'enterprise_projects', domainId: string): Promise<string> {
  const row = await x.selectFrom('list_generations').select('generation').where('list_name', '=', list).where('domain_id', '=', domainId).executeTakeFirst()
  return String(row?.generation ?? 0)
}

/**
 * The whole list in its order, `size` rows at a time, each batch a seek from the last: a list of
 * any length is read with one batch in memory, and the event loop serves others between batches.
 */
export async function* keysetBatches<Row>(query: ListQuery<Row>, order: readonly SortColumn<Row>[], size: number): AsyncGenerator<Row[]> {
  let key: SortKey | undefined
  for (;;) {
    const rows = await rowsAfter(query, order, key, 0, size)
    if (rows.length > 0) yield rows
    if (rows.length < size) return
    key = keyOf(order, rows[rows.length - 1]!)
    // A socket that takes every write at once (a fast reader on the same host) completes them in
    // microtasks: without this turn of the event loop a whole listing would run without serving
    // another request, a timer, or V8's tasks that finish a garbage collection.
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/**
 * Reads the first batch before the answer starts, so a store that cannot answer (PostgreSQL out
 * of reach) fails the request with its status (503) instead of cutting a 200 short.
 */
export async function primed<T>(batches: AsyncGenerator<T>): Promise<AsyncIterable<T>> {
  const first = await batches.next()
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return
      yield first.value
      yield* batches
    },
  }
}
