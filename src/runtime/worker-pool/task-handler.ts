import type { StepStatus } from "../../domain/deciders/task.js";
import type { JsonValue } from "../colony/worker-brain.js";

/** One step of a claimed task: what the seed asked for and how far it got, maybe under an earlier claim. */
export interface HandlerStep {
  readonly seq: number;
  readonly title: string;
  readonly detail: string | null;
  /** `done` steps were completed by an earlier holder of the task: skip them, they stay recorded. */
  readonly status: StepStatus;
}

export interface HandlerSopItem {
  readonly key: string;
  readonly description: string;
  readonly required: boolean;
  /** Ticked already, maybe by an earlier holder: a second tick is refused. */
  readonly checked: boolean;
}

/** What a handler is given to work on: the claimed task as seeded, with the progress it carries. */
export interface HandlerTask {
  readonly taskId: string;
  readonly colonyId: string;
  /** The pool slot holding the claim. */
  readonly workerId: string;
  readonly goal: string;
  /** The payload as seeded: any JSON value, or null when there was none. */
  readonly payload: JsonValue | null;
  readonly priority: number;
  readonly seq: number | null;
  /** Stale claims so far: above 0, an earlier holder died or stalled on this task. */
  readonly retryCount: number;
  readonly maxRetries: number;
  readonly steps: readonly HandlerStep[];
  readonly sopItems: readonly HandlerSopItem[];
}

/**
 * The ledger as one claim sees it. Each call is a command on the task's stream under the claim's
 * token, resolved once it is in the log; a refusal rejects with the ledger's CommandRefusedError
 * (its `code` says why). `signal` aborts when the pool is stopping: from then on `startStep` is
 * refused with `worker_stopping`; finish the step under way, then return or throw, and the pool
 * gives the task back with every completed step kept. It also aborts once a command is refused
 * because the claim was taken away (reclaimed as stale): nothing more of this run can be recorded.
 */
export interface TaskTools {
  readonly signal: AbortSignal;
  startStep(seq: number): Promise<void>;
  completeStep(seq: number, evidence: string): Promise<void>;
  checkSop(key: string, note?: string | null): Promise<void>;
}

/**
 * A worker's brain in a pool: the default export of a `--handler` module. It returns a report,
 * `{ status: "success" | "failed", summary, data? }` (checked by the pool: anything else fails
 * the task, naming what was wrong), or throws, which fails the task with the error's message.
 */
export type TaskHandler = (task: HandlerTask, tools: TaskTools) => unknown;
