import type { Kysely } from "kysely";
import type { RecordedEvent } from "../../../domain/envelope.js";
import { streamId } from "../../../domain/stream-id.js";
import type { ReadModels } from "../../../projections/read-models.js";
import { COLONY_PROJECTIONS, type ColonyView, formatColony, loadColony } from "./colony-view.js";
import type { InspectedKind } from "./errors.js";
import { formatSession, loadSession, SESSION_PROJECTIONS, type SessionView } from "./session-view.js";
import { claimsOf, formatTask, loadTask, TASK_PROJECTIONS, type TaskView } from "./task-view.js";
import { formatWorker, loadWorker, WORKER_PROJECTIONS, type WorkerView } from "./worker-view.js";

/** One `colony inspect KIND ID` verb: what it reads, how it finds the id, how it prints it. */
export interface Inspector<V> {
  readonly kind: InspectedKind;
  readonly description: string;
  /** What the <id> argument names. */
  readonly argument: string;
  /** Help text after the options; ends with an example. */
  readonly help: string;
  /** Names of the projections whose tables `load` reads (folded for --at). */
  readonly projections: readonly string[];
  load(db: Kysely<ReadModels>, id: string): Promise<V | undefined>;
  /** The stream whose events are its history. */
  streamId(view: V): string;
  format(view: V, history: readonly RecordedEvent[], where: string, width: number): string[];
  json(view: V, history: readonly RecordedEvent[]): Record<string, unknown>;
}

const colony: Inspector<ColonyView> = {
  kind: "colony",
  argument: "the colony's id or name (its stream is colony-<id>)",
  description: "a colony: its worker profile, ledger counts, workers, sessions, triggers and its stream's events",
  help: `
ID is the colony's id or its name. The ledger line counts the colony's tasks by status, their
steps and SOP items; each worker's TASKS is how many ledger tasks it claimed or completed.

Example:
  colony inspect colony texts --db .colony/demo.db --at 200
`,
  projections: COLONY_PROJECTIONS,
  load: loadColony,
  streamId: (view) => streamId("colony", view.colony.id),
  format: (view, _history, where, width) => formatColony(view, where, width),
  json: (view) => ({ ...view }),
};

const session: Inspector<SessionView> = {
  kind: "session",
  argument: "the session id (the stream is session-<id>)",
  description: "a queen's session: phase, lock, the colony it spawned, its delegations and workers",
  help: `
A session that spawned a colony is locked (the original's colony_spawned); its delegations are
the background work it dispatched, each with its result and the seq it was delivered at.

Example:
  colony inspect session 01a234c9-2c5f-7000-b91f-b7a63415df78 --db .colony/demo.db
`,
  projections: SESSION_PROJECTIONS,
  load: loadSession,
  streamId: (view) => streamId("session", view.session.id),
  format: (view, _history, where, width) => formatSession(view, where, width),
  json: (view) => ({ ...view }),
};

const worker: Inspector<WorkerView> = {
  kind: "worker",
  argument: "the worker id (the stream is worker-<id>)",
  description: "a worker: status, attempts, its task and conversation, its report and the ledger tasks it did",
  help: `
Its conversation is a fork of its queen's: \`colony inspect conversation\` shows what it saw, and
\`colony replay\` runs it again from a version of it.

Example:
  colony inspect worker 01a234c9-2c5f-7000-b91f-b7a63415df78 --db .colony/demo.db --json
`,
  projections: WORKER_PROJECTIONS,
  load: loadWorker,
  streamId: (view) => streamId("worker", view.worker.id),
  format: (view, _history, where, width) => formatWorker(view, where, width),
  json: (view) => ({ ...view }),
};

const task: Inspector<TaskView> = {
  kind: "task",
  argument: "the task id (the stream is task-<id>)",
  description: "a task of the ledger: status, every claim, its steps with their evidence and its SOP items",
  help: `
The ledger keeps the current holder; the claims are read from the task's stream, so a claim that
went stale and was released shows beside the one that completed it.

Example:
  colony inspect task 01a234c9-2c5f-7000-b91f-b7a63415df78 --db .colony/demo.db --at 300
`,
  projections: TASK_PROJECTIONS,
  load: loadTask,
  streamId: (view) => streamId("task", view.task.id),
  format: (view, history, where, width) => formatTask(view, claimsOf(history), where, width),
  json: (view, history) => ({ ...view, claims: claimsOf(history) }),
};

export const inspectors = [colony, session, worker, task] as const;
