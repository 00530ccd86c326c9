import type { z } from "zod";
import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import type { Task, TaskSopItem, TaskStep } from "../../domain/deciders/task.js";
import type { TaskSeedInput } from "../../domain/deciders/task-seed.js";
import type { Json } from "../../domain/events/fields.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { IdGenerator } from "../../domain/ports/id-generator.js";
import type { LedgerReadModel } from "../../projections/ledger/ledger-projection.js";
import { CommandRetriesExhaustedError } from "../command-handler.js";
import { NextTaskClaimer } from "./claim-next.js";
import {
  createColony,
  enqueueTask,
  type NewColony,
  type SeedOptions,
  type SeedResult,
  seedTasks,
} from "./colony-seeding.js";
import { GroupCommitStore } from "./group-commit.js";
import { type LedgerContext, runTaskCommand } from "./ledger-context.js";
import { type LedgerDatabase, ledgerTables } from "./ledger-database.js";
import {
  type CandidateRow,
  candidateRow,
  colonyIdByName,
  colonyTasks,
  type LedgerTaskView,
  pendingCandidates,
  type UnfinishedCounts,
  unfinishedCounts,
} from "./ledger-reads.js";
import { type NamedSeedResult, seedNamedColony } from "./named-colony.js";
import { type ReclaimOptions, type ReclaimResult, reclaimStale } from "./reclaim-stale.js";

export interface TaskLedgerOptions {
  /** "Now" for the reclaimer; give the store the same clock, since claims carry the store's time. */
  readonly clock: Clock;
  /** Task ids and claim tokens. */
  readonly ids: IdGenerator;
  /** Read-decide-append rounds per command before a version conflict is given up on. */
  readonly maxAttempts?: number;
  /**
   * Commit the single-event appends of concurrent commands together (GroupCommitStore).
   * Default true; false gives every command its own transaction.
   */
  readonly groupCommit?: boolean;
}

/** What proves a claim: every later command on the task carries it. */
export interface Claim {
  readonly taskId: string;
  readonly workerId: string;
  readonly claimToken: string;
}

/** A claimed task, with what its worker needs to work on it. */
export interface ClaimedTask extends Claim {
  readonly colonyId: string;
  readonly goal: string;
  /** As the ledger stores it: JSON text, or the seeder's own string. */
  readonly payload: string | null;
  readonly priority: number;
  readonly seq: number | null;
  readonly retryCount: number;
  readonly maxRetries: number;
  /** Progress a previous holder made survives a reclaim: the new holder carries on from it. */
  readonly steps: readonly TaskStep[];
  readonly sopItems: readonly TaskSopItem[];
}

/** The codes with which a claim attempt finds its task already taken (or done) by someone else. */
const LOST = new Set(["task_already_claimed", "task_finished"]);

/**
 * The task ledger commands (DESIGN §6, task ledger tools): seed, enqueue, claim by id or next,
 * steps, SOP ticks, complete, fail, release, reclaim stale claims. Every change is an event on
 * the task's stream decided by the task decider; the progress ledger read model, folded inline,
 * answers the questions (what is pending, in what order; which claims are stale).
 */
export class TaskLedger<DB extends LedgerReadModel = LedgerReadModel> {
  private readonly context: LedgerContext;
  private readonly claimer: NextTaskClaimer<ClaimedTask>;

  constructor(db: LedgerDatabase<DB>, options: TaskLedgerOptions) {
    this.context = {
      events: options.groupCommit === false ? db.events : new GroupCommitStore(db.events),
      ledger: ledgerTables(db.readModels),
      clock: options.clock,
      ids: options.ids,
      maxAttempts: options.maxAttempts,
    };
    this.claimer = new NextTaskClaimer((colonyId, limit) => pendingCandidates(this.context.ledger, colonyId, limit));
  }

  /** A new colony with its seed batch, in one atomic append. */
  createColony(colony: NewColony, tasks: unknown, options?: SeedOptions): Promise<SeedResult> {
    return createColony(this.context, colony, tasks, options);
  }

  /** Seeds the colony of this name, creating it (id = name) if there is none; one atomic append either way. */
  seedNamedColony(name: string, tasks: unknown, options?: SeedOptions): Promise<NamedSeedResult> {
    return seedNamedColony(this.context, name, tasks, options);
  }

  /** A batch into an existing colony, in one atomic append. */
  seedTasks(colonyId: string, tasks: unknown, options?: SeedOptions): Promise<SeedResult> {
    return seedTasks(this.context, colonyId, tasks, options);
  }

  /** One task into an existing colony; returns its id. */
  enqueue(colonyId: string, task: TaskSeedInput, options?: SeedOptions): Promise<string> {
    return enqueueTask(this.context, colonyId, task, options);
  }

  /**
   * Claims this task and no other. Refused (CommandRefusedError) when it is claimed, naming the
   * holder (`task_already_claimed`), or finished (`task_finished`), or unknown (`task_not_found`).
   */
  async claim(taskId: string, workerId: string): Promise<ClaimedTask> {
    const claimToken = this.context.ids.uuid();
    const task = await runTaskCommand(
      this.context,
      taskId,
      { type: "ClaimTask", workerId, claimToken },
      worker(workerId),
    );
    const row = await candidateRow(this.context.ledger, taskId);
    if (!row) throw new Error(`task ${taskId} is claimed in the log but missing from the ledger: is it folded inline?`);
    return claimedTask(row, task, claimToken, workerId);
  }

  /**
   * Claims the colony's next pending task in `priority DESC, seq, created_at` order, or returns
   * null when none is pending. Safe under any number of concurrent claimers, in this process or
   * others on the same log: each task is claimed once.
   */
  async claimNext(colonyId: string, workerId: string): Promise<ClaimedTask | null> {
    return this.claimer.next(colonyId, (candidate) => this.attemptClaim(candidate, workerId));
  }

  startStep(claim: Claim, stepSeq: number): Promise<Task> {
    return this.onClaim(claim, { type: "StartStep", ...proof(claim), stepSeq });
  }

  completeStep(claim: Claim, stepSeq: number, evidence: string): Promise<Task> {
    return this.onClaim(claim, { type: "CompleteStep", ...proof(claim), stepSeq, evidence });
  }

  checkSopItem(claim: Claim, key: string, note: string | null = null): Promise<Task> {
    return this.onClaim(claim, { type: "CheckSopItem", ...proof(claim), key, note });
  }

  /** Refused while a required SOP item is open (`sop_items_open`) or without the claim (`claim_token_mismatch`). */
  complete(claim: Claim, result: z.output<typeof Json> | null = null): Promise<Task> {
    return this.onClaim(claim, { type: "CompleteTask", ...proof(claim), result });
  }

  fail(claim: Claim, error: string): Promise<Task> {
    return this.onClaim(claim, { type: "FailTask", ...proof(claim), error });
  }

  /** Gives the task back (its worker was stopped): pending again, not counted as a retry. */
  release(claim: Claim): Promise<Task> {
    return this.onClaim(claim, { type: "ReleaseTask", ...proof(claim) });
  }

  /** One reclaim pass; see StaleClaimReclaimer for the periodic one. */
  reclaimStale(options: ReclaimOptions): Promise<ReclaimResult> {
    return reclaimStale(this.context, options);
  }

  /** The colony's ledger, in claim order, with steps and SOP items. */
  tasks(colonyId: string): Promise<LedgerTaskView[]> {
    return colonyTasks(this.context.ledger, colonyId);
  }

  /** How many of the colony's tasks are pending, claimed or in progress. */
  unfinished(colonyId: string): Promise<UnfinishedCounts> {
    return unfinishedCounts(this.context.ledger, colonyId);
  }

  colonyIdByName(name: string): Promise<string | undefined> {
    return colonyIdByName(this.context.ledger, name);
  }

  private onClaim(claim: Claim, command: Parameters<typeof runTaskCommand>[2]): Promise<Task> {
    return runTaskCommand(this.context, claim.taskId, command, worker(claim.workerId));
  }

  /** One candidate: claimed, or null when another claimer took or finished it first. */
  private async attemptClaim(candidate: CandidateRow, workerId: string): Promise<ClaimedTask | null> {
    const claimToken = this.context.ids.uuid();
    try {
      const task = await runTaskCommand(
        this.context,
        candidate.id,
        { type: "ClaimTask", workerId, claimToken },
        worker(workerId),
      );
      return claimedTask(candidate, task, claimToken, workerId);
    } catch (error) {
      if (error instanceof CommandRefusedError && LOST.has(error.code)) return null;
      // Every attempt lost to appends on the task: someone else is busy with it.
      if (error instanceof CommandRetriesExhaustedError) return null;
      throw error;
    }
  }
}

function worker(workerId: string): string {
  return `worker:${workerId}`;
}

function proof(claim: Claim): { workerId: string; claimToken: string } {
  return { workerId: claim.workerId, claimToken: claim.claimToken };
}

function claimedTask(row: CandidateRow, task: Task, claimToken: string, workerId: string): ClaimedTask {
  return {
    taskId: row.id,
    workerId,
    claimToken,
    colonyId: row.colony_id,
    goal: row.goal,
    payload: row.payload,
    priority: row.priority,
    seq: row.seq,
    retryCount: task.retryCount,
    maxRetries: task.maxRetries,
    steps: task.steps,
    sopItems: task.sopItems,
  };
}
