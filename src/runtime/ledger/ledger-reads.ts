import type { CompiledQuery, Kysely, Selectable } from "kysely";
import type {
  LedgerReadModel,
  LedgerSopChecklistTable,
  LedgerStepsTable,
  LedgerTaskStatus,
  LedgerTasksTable,
} from "../../projections/ledger/ledger-projection.js";

/**
 * The task ledger's reads of the progress ledger read model. The ledger only ever suggests:
 * which tasks look claimable, which claims look stale. Every decision is the task decider's, on
 * the task's own stream, appended with the version it read.
 */

/** A pending task as the claim path sees it: enough to hand the claimed task to its worker. */
export interface CandidateRow {
  readonly id: string;
  readonly colony_id: string;
  readonly goal: string;
  readonly payload: string | null;
  readonly priority: number;
  readonly seq: number | null;
}

/** Stand-ins compiled into the candidate query once, swapped for the real values on each read. */
const COLONY_SLOT = "\u0000colony_id";
const LIMIT_SLOT = -1_000_000_007;
const candidateQueries = new WeakMap<Kysely<LedgerReadModel>, CompiledQuery<CandidateRow>>();

function candidateQuery(db: Kysely<LedgerReadModel>, colonyId: string, limit: number) {
  return db
    .selectFrom("tasks")
    .select(["id", "colony_id", "goal", "payload", "priority", "seq"])
    .where("colony_id", "=", colonyId)
    .where("status", "=", "pending")
    .orderBy("priority", "desc")
    .orderBy("seq")
    .orderBy("created_at")
    .limit(limit);
}

/**
 * The first pending tasks of a colony in claim order, `priority DESC, seq, created_at` (the
 * original's ORDER BY), served by the partial index idx_tasks_colony_claimable. The claim path
 * runs it once or more per claim, so it is compiled once and only its values bound per read:
 * building and compiling it with Kysely each time cost more than running it.
 */
export async function pendingCandidates(
  db: Kysely<LedgerReadModel>,
  colonyId: string,
  limit: number,
): Promise<CandidateRow[]> {
  let compiled = candidateQueries.get(db);
  if (!compiled) {
    compiled = candidateQuery(db, COLONY_SLOT, LIMIT_SLOT).compile();
    candidateQueries.set(db, compiled);
  }
  const parameters = compiled.parameters.map((p) => (p === COLONY_SLOT ? colonyId : p === LIMIT_SLOT ? limit : p));
  const result = await db.executeQuery<CandidateRow>({ ...compiled, parameters });
  return result.rows;
}

export async function candidateRow(db: Kysely<LedgerReadModel>, taskId: string): Promise<CandidateRow | undefined> {
  return db
    .selectFrom("tasks")
    .select(["id", "colony_id", "goal", "payload", "priority", "seq"])
    .where("id", "=", taskId)
    .executeTakeFirst();
}

/**
 * Claims held since `claimedBefore` or earlier (ISO text; the ledger stores the claim's recorded
 * time, which the store writes in the same canonical UTC form, so text order is time order).
 * The original's reclaim looked at `claimed` and `in_progress` alike.
 */
export async function staleClaimIds(
  db: Kysely<LedgerReadModel>,
  claimedBefore: string,
  colonyId?: string,
): Promise<string[]> {
  let query = db
    .selectFrom("tasks")
    .select("id")
    .where("status", "in", ["claimed", "in_progress"])
    .where("claimed_at", "is not", null)
    .where("claimed_at", "<=", claimedBefore);
  if (colonyId !== undefined) query = query.where("colony_id", "=", colonyId);
  const rows = await query.orderBy("claimed_at").execute();
  return rows.map((r) => r.id);
}

/** A colony's tasks not yet done or failed, by status. */
export interface UnfinishedCounts {
  readonly pending: number;
  readonly claimed: number;
  readonly in_progress: number;
}

/**
 * How many of the colony's tasks are still pending, claimed or in progress: what a worker pool
 * draining the colony waits on. Only unfinished rows are read (idx_tasks_status), however many
 * tasks the colony has finished.
 */
export async function unfinishedCounts(db: Kysely<LedgerReadModel>, colonyId: string): Promise<UnfinishedCounts> {
  const rows = await db
    .selectFrom("tasks")
    .select((eb) => ["status", eb.fn.countAll<number>().as("count")])
    .where("status", "in", ["pending", "claimed", "in_progress"])
    .where("colony_id", "=", colonyId)
    .groupBy("status")
    .execute();
  const count = (status: LedgerTaskStatus) => Number(rows.find((r) => r.status === status)?.count ?? 0);
  return { pending: count("pending"), claimed: count("claimed"), in_progress: count("in_progress") };
}

/** The colony a name belongs to: the ledger records every colony's name in colony_meta. */
export async function colonyIdByName(db: Kysely<LedgerReadModel>, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("colony_meta")
    .select("colony_id")
    .where("key", "=", "colony_name")
    .where("value", "=", name)
    .orderBy("updated_at")
    .executeTakeFirst();
  return row?.colony_id;
}

/**
 * The seq after the colony's last one, so tasks added later queue behind those already there.
 * Two seeders racing may hand out the same seq: it is an ordering hint (as in the original, where
 * it could be null), and ties fall back to created_at.
 */
export async function nextSeq(db: Kysely<LedgerReadModel>, colonyId: string): Promise<number> {
  const row = await db
    .selectFrom("tasks")
    .select((eb) => eb.fn.max("seq").as("last"))
    .where("colony_id", "=", colonyId)
    .executeTakeFirst();
  const last = row?.last;
  return last === null || last === undefined ? 0 : Number(last) + 1;
}

export interface LedgerStepView {
  readonly seq: number;
  readonly title: string;
  readonly detail: string | null;
  readonly status: string;
  readonly evidence: string | null;
  readonly workerId: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

export interface LedgerSopItemView {
  readonly key: string;
  readonly description: string;
  readonly required: boolean;
  readonly doneAt: string | null;
  readonly doneBy: string | null;
  readonly note: string | null;
}

/** One task of the ledger with its steps and SOP checklist. The claim token is left out: it is the holder's proof. */
export interface LedgerTaskView {
  readonly id: string;
  readonly seq: number | null;
  readonly priority: number;
  readonly goal: string;
  /** As stored: JSON text, or the caller's own string. */
  readonly payload: string | null;
  readonly status: LedgerTaskStatus;
  readonly workerId: string | null;
  readonly claimedAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly retryCount: number;
  readonly maxRetries: number;
  readonly lastError: string | null;
  readonly parentTaskId: string | null;
  readonly source: string | null;
  readonly steps: readonly LedgerStepView[];
  readonly sopItems: readonly LedgerSopItemView[];
}

/** A colony's ledger as stored: each task row with its step rows and SOP rows. */
export interface LedgerRows {
  readonly task: Selectable<LedgerTasksTable>;
  readonly steps: readonly Selectable<LedgerStepsTable>[];
  readonly sopItems: readonly Selectable<LedgerSopChecklistTable>[];
}

/**
 * A colony's tasks in claim order (`priority DESC, seq, created_at`, the original's ORDER BY),
 * optionally of one status, each with its steps by seq and its SOP items in checklist order:
 * three indexed reads. The rows as stored, for callers that show the original's columns.
 */
export async function colonyLedgerRows<DB extends LedgerReadModel>(
  readModels: Kysely<DB>,
  colonyId: string,
  status?: LedgerTaskStatus,
): Promise<LedgerRows[]> {
  // Any database holding the ledger's tables (Kysely is invariant in its table map).
  const db = readModels as unknown as Kysely<LedgerReadModel>;
  let tasks = db.selectFrom("tasks").selectAll().where("colony_id", "=", colonyId);
  if (status !== undefined) tasks = tasks.where("status", "=", status);
  const ofColony = db.selectFrom("tasks").select("id").where("colony_id", "=", colonyId);
  const [rows, steps, sopItems] = await Promise.all([
    tasks.orderBy("priority", "desc").orderBy("seq").orderBy("created_at").execute(),
    db.selectFrom("steps").selectAll().where("task_id", "in", ofColony).orderBy("task_id").orderBy("seq").execute(),
    db
      .selectFrom("sop_checklist")
      .selectAll()
      .where("task_id", "in", ofColony)
      .orderBy("task_id")
      .orderBy("seq")
      .execute(),
  ]);
  const stepsOf = groupBy(steps, (s) => s.task_id);
  const sopOf = groupBy(sopItems, (i) => i.task_id);
  return rows.map((task) => ({ task, steps: stepsOf.get(task.id) ?? [], sopItems: sopOf.get(task.id) ?? [] }));
}

/** A colony's tasks in claim order, each with its steps (by seq) and SOP items. */
export async function colonyTasks(db: Kysely<LedgerReadModel>, colonyId: string): Promise<LedgerTaskView[]> {
  return (await colonyLedgerRows(db, colonyId)).map(({ task: t, steps, sopItems }) => ({
    id: t.id,
    seq: t.seq,
    priority: t.priority,
    goal: t.goal,
    payload: t.payload,
    status: t.status,
    workerId: t.worker_id,
    claimedAt: t.claimed_at,
    startedAt: t.started_at,
    completedAt: t.completed_at,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    retryCount: t.retry_count,
    maxRetries: t.max_retries,
    lastError: t.last_error,
    parentTaskId: t.parent_task_id,
    source: t.source,
    steps: steps.map(stepView),
    sopItems: sopItems.map(sopItemView),
  }));
}

export function stepView(s: Selectable<LedgerStepsTable>): LedgerStepView {
  return {
    seq: s.seq,
    title: s.title,
    detail: s.detail,
    status: s.status,
    evidence: s.evidence,
    workerId: s.worker_id,
    startedAt: s.started_at,
    completedAt: s.completed_at,
  };
}

export function sopItemView(i: Selectable<LedgerSopChecklistTable>): LedgerSopItemView {
  return {
    key: i.key,
    description: i.description,
    required: i.required === 1,
    doneAt: i.done_at,
    doneBy: i.done_by,
    note: i.note,
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
