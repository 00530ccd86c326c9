import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import { parseSessionCommand } from "../../domain/deciders/session.js";
import type { NewEventMetadata } from "../../domain/envelope.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { IdGenerator } from "../../domain/ports/id-generator.js";
import type { ColonyRuntime } from "../colony/colony-runtime.js";
import type { JsonRecord, Profile, WorkerBrain } from "../colony/worker-brain.js";
import { errorMessage, runtimeReport, type WorkerReport } from "../colony/worker-report.js";
import type { ConversationLog } from "../conversations/conversation-log.js";
import { completionOf } from "./child-completion.js";
import { DEFAULT_RETAINED_COMPLETED, DelegationList } from "./delegation-list.js";
import type { DelegationCompletion, DelegationRecord } from "./delegation-record.js";
import { deliverCompletion } from "./delivery.js";
import { DeliveryQueue } from "./delivery-queue.js";
import {
  DelegationCapacityError,
  DelegationNotWatchedError,
  DelegationServiceClosedError,
  isCapacityRefusal,
  UnknownDelegationError,
} from "./errors.js";
import type { ParentTurns } from "./parent-turns.js";
import { SessionLog } from "./session-log.js";

/** The original runtime's default cap on a session's background children. */
export const DEFAULT_MAX_CONCURRENT_DELEGATIONS = 3;

/** What the service needs of a colony runtime: children run as its workers. */
export type DelegationChildren = Pick<ColonyRuntime, "spawn" | "wait" | "stop">;

export interface DelegationServiceOptions {
  readonly store: EventStore;
  /** Its read models must fold the conversations projection inline: delivery reads the head back. */
  readonly conversations: ConversationLog;
  /** Runs each child as a worker; the service neither opens nor closes it. */
  readonly runtime: DelegationChildren;
  readonly parent: ParentTurns;
  readonly sessionId: string;
  readonly ids: IdGenerator;
  /** Children running at once for this session, interrupted ones not yet completed included. Default 3. */
  readonly maxConcurrent?: number;
  /** Completed delegations list() keeps, beside the running ones. Default 50. */
  readonly maxRetainedCompleted?: number;
  /** Set on every session event the service appends. */
  readonly metadata?: Omit<NewEventMetadata, "eventId" | "recordedAt">;
  /** Failures of background work no caller awaits (a completion or delivery the store refused). */
  readonly onError?: (error: unknown, delegationId: string) => void;
}

export interface DispatchRequest {
  /** What the child is to do; recorded verbatim for the completion block. */
  readonly goal: string;
  /** What the parent knows that the child needs. Default "". */
  readonly context?: string;
  /** The child's brain: an agent loop, or any function (throwing = crash). */
  readonly brain: WorkerBrain;
  /** The child worker's input data. Default `{ delegationId, goal, context }`. */
  readonly input?: JsonRecord;
  readonly profile?: Profile;
  /** The child's conversation; the runtime's fresh id by default. */
  readonly conversationId?: string;
}

export interface DelegationHandle {
  readonly delegationId: string;
  /** The child's worker. */
  readonly workerId: string;
}

export interface RecoveryResult {
  /** Dispatched, not completed: now watched until their children report. */
  readonly watching: readonly string[];
  /** Completed, not delivered: queued for the parent's next idle moment. */
  readonly delivering: readonly string[];
}

/**
 * Background delegation for one session (DESIGN §6). dispatch() returns a handle as soon as the
 * dispatch is in the session's stream and the child is spawned; the child runs as a worker of
 * the injected colony runtime. The session's cap is decided by the session decider on the
 * stream read and appended with that version, so racing dispatches, in this process or any
 * other, can never exceed it; a dispatch at the cap is refused (DelegationCapacityError).
 *
 * When a child reports, `DelegationCompleted` is appended, and the completion waits for the
 * parent to be idle (ParentTurns) to enter its conversation as a new turn, exactly once (see
 * deliverCompletion). Nothing of a completion lives only in memory: a process that dies between
 * completion and delivery leaves it in the log, and the next open delivers it.
 *
 * Interrupted delegations complete too (status `interrupted`, exit `interrupted`) and are
 * delivered like any other, at the parent's next idle moment, so the parent learns the work was
 * not done; after close() that is the next service opened on the session.
 */
export class DelegationService {
  readonly sessionId: string;
  private readonly maxConcurrent: number;
  private readonly records: DelegationList;
  private readonly session: SessionLog;
  private readonly queue: DeliveryQueue;
  /** Completions being awaited, by delegation id; gone once appended. */
  private readonly watchers = new Map<string, Promise<DelegationCompletion>>();
  /** Dispatches not yet spawned (or refused), so an interrupt or a recovery waits for the child to exist. */
  private readonly dispatching = new Map<string, Promise<void>>();
  private closed = false;

  /**
   * Opens the service on a started session and recovers it: every delegation still running in
   * the log is watched until its child reports (a child whose process ended is reported by the
   * colony runtime's own recovery, or answered as not found, and completes as `failed`), and
   * every completed, undelivered one is queued for delivery.
   */
  static async open(options: DelegationServiceOptions): Promise<DelegationService> {
    const service = new DelegationService(options);
    await service.recover();
    return service;
  }

  private constructor(private readonly options: DelegationServiceOptions) {
    this.sessionId = options.sessionId;
    this.maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_DELEGATIONS;
    if (!Number.isInteger(this.maxConcurrent) || this.maxConcurrent < 1)
      throw new RangeError(`maxConcurrent must be a positive integer, got ${this.maxConcurrent}`);
    this.records = new DelegationList(options.maxRetainedCompleted ?? DEFAULT_RETAINED_COMPLETED);
    this.session = new SessionLog(options.store, options.sessionId, this.records, options.metadata);
    this.queue = new DeliveryQueue(
      options.parent,
      (id) => deliverCompletion(this.session, options.conversations, id),
      (error, id) => this.reportError(error, id),
    );
  }

  /**
   * Starts a child in the background. Resolves once `DelegationDispatched` is appended and the
   * child's worker is spawned; the child's work goes on after. Refused with
   * DelegationCapacityError at the cap, with nothing appended and no child started. Should the
   * spawn itself fail, the delegation is completed `failed` with the spawn's error (its slot
   * freed, the parent told at its next idle moment) and the error is rethrown.
   */
  async dispatch(request: DispatchRequest): Promise<DelegationHandle> {
    if (this.closed) throw new DelegationServiceClosedError(this.sessionId);
    const delegationId = `deleg_${this.options.ids.uuid().replaceAll("-", "")}`;
    const workerId = this.options.ids.uuid();
    const context = request.context ?? "";
    // Checked at the edge, so a bad goal is named as the field it is rather than as a refused event.
    const command = parseSessionCommand({
      type: "DispatchDelegation",
      delegationId,
      goal: request.goal,
      context,
      workerId,
      maxConcurrent: this.maxConcurrent,
    });
    // Registered before the append: a recover() reading the dispatch before the spawn has run
    // must not take the child for one a dead process left unspawned.
    let settled!: () => void;
    this.dispatching.set(
      delegationId,
      new Promise<void>((resolve) => {
        settled = resolve;
      }),
    );
    try {
      try {
        await this.session.execute(command);
      } catch (error) {
        if (isCapacityRefusal(error)) throw new DelegationCapacityError(error);
        throw error;
      }
      await this.spawn(delegationId, workerId, request);
    } finally {
      this.dispatching.delete(delegationId);
      settled();
    }
    return { delegationId, workerId };
  }

  /**
   * Asks one running child to stop: `DelegationInterrupted`, then the worker is stopped and its
   * `stopped` report completes the delegation with exit reason `interrupted`. Resolves with the
   * completion once it is appended. Refused (the decider's delegation_finished) when the
   * delegation is no longer running.
   */
  async interrupt(delegationId: string, reason = "interrupted by request"): Promise<DelegationCompletion> {
    await this.dispatching.get(delegationId);
    const record = this.records.get(delegationId) ?? (await this.session.record(delegationId));
    if (record === undefined) throw new UnknownDelegationError(this.sessionId, delegationId);
    await this.session.execute({ type: "InterruptDelegation", delegationId, reason });
    await this.options.runtime.stop(record.workerId, `interrupted: ${reason}`);
    return this.completion(delegationId);
  }

  /**
   * Interrupts every running child (on stop or shutdown, so no background child keeps burning
   * tokens with no one listening) and resolves, once each completion is appended, with how many
   * it interrupted. One that finished on its own meanwhile keeps its result and is not counted.
   */
  async interruptAll(reason = "shutdown"): Promise<number> {
    await Promise.all(this.dispatching.values());
    const running = this.records.unfinished().filter((r) => r.status === "running");
    const outcomes = await Promise.allSettled(running.map((r) => this.interrupt(r.delegationId, reason)));
    let count = 0;
    let failure: unknown;
    for (const outcome of outcomes) {
      if (outcome.status === "fulfilled") count++;
      else if (!(outcome.reason instanceof CommandRefusedError && outcome.reason.code === "delegation_finished"))
        failure ??= outcome.reason;
    }
    if (failure !== undefined) throw failure;
    return count;
  }

  /**
   * The completion of a delegation: at once when it has one, else once its child reports and the
   * completion is appended.
   */
  async completion(delegationId: string): Promise<DelegationCompletion> {
    await this.dispatching.get(delegationId);
    const watched = this.watchers.get(delegationId);
    if (watched !== undefined) return watched;
    const record = await this.session.record(delegationId);
    if (record === undefined) throw new UnknownDelegationError(this.sessionId, delegationId);
    if (record.completion !== null) return record.completion;
    // The watcher may have finished between the two reads.
    const again = this.watchers.get(delegationId);
    if (again !== undefined) return again;
    throw new DelegationNotWatchedError(this.sessionId, delegationId);
  }

  /**
   * The running delegations and the most recent completed ones (at most maxRetainedCompleted),
   * in dispatch order, as the original listed them. The log as this service last read or wrote it.
   */
  list(): DelegationRecord[] {
    return this.records.all();
  }

  /** Completions waiting for the parent to be idle, oldest first. */
  get undelivered(): readonly string[] {
    return this.queue.queued;
  }

  /**
   * Reads the session again and takes up what it finds unfinished (see open). Safe to call at
   * any time and any number of times: a delegation already watched is not watched twice, and
   * delivery is decided by the log.
   */
  async recover(): Promise<RecoveryResult> {
    const undelivered = new Set<string>();
    const session = await this.session.session((event) => {
      if (event.type === "DelegationCompleted") undelivered.add(event.data.delegationId);
      else if (event.type === "DelegationDelivered") undelivered.delete(event.data.delegationId);
    });
    const watching: string[] = [];
    for (const [delegationId, status] of session.delegations) {
      if (status !== "running" && status !== "interrupted") continue;
      watching.push(delegationId);
      if (this.watchers.has(delegationId) || this.dispatching.has(delegationId)) continue;
      const record = this.records.get(delegationId);
      if (record !== undefined) this.watch(delegationId, record.workerId);
    }
    for (const delegationId of undelivered) this.queue.enqueue(delegationId);
    return { watching, delivering: [...undelivered] };
  }

  /**
   * Interrupts the running children (their completions are appended), then stops waiting for
   * the parent. Completions not delivered yet stay in the log for the next service on the session.
   */
  async close(reason = "the delegation service closed"): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.interruptAll(reason);
    } finally {
      await this.queue.close();
    }
  }

  private async spawn(delegationId: string, workerId: string, request: DispatchRequest): Promise<void> {
    const context = request.context ?? "";
    try {
      await this.options.runtime.spawn({
        workerId,
        task: request.goal,
        brain: request.brain,
        input: request.input ?? { delegationId, goal: request.goal, context },
        parentSessionId: this.sessionId,
        ...(request.profile !== undefined ? { profile: request.profile } : {}),
        ...(request.conversationId !== undefined ? { conversationId: request.conversationId } : {}),
      });
    } catch (error) {
      const message = errorMessage(error);
      const report = runtimeReport("failed", `the child could not be spawned: ${message}`, message, 0);
      await this.complete(delegationId, { workerId, ...report });
      throw error;
    }
    this.watch(delegationId, workerId);
  }

  private watch(delegationId: string, workerId: string): void {
    const watched = (async () => {
      const [report] = await this.options.runtime.wait([workerId]);
      if (report === undefined) throw new Error(`wait answered nothing for worker ${workerId}`);
      return this.complete(delegationId, report);
    })();
    this.watchers.set(delegationId, watched);
    watched.then(
      () => this.watchers.delete(delegationId),
      (error) => {
        this.watchers.delete(delegationId);
        this.reportError(error, delegationId);
      },
    );
  }

  /** Appends the completion (unless another writer already did) and queues its delivery. */
  private async complete(delegationId: string, report: WorkerReport): Promise<DelegationCompletion> {
    let completion: DelegationCompletion | undefined;
    await this.session.executePrepared(async (state) => {
      const status = state.delegations.get(delegationId);
      if (status !== "running" && status !== "interrupted") return null;
      completion = completionOf(report, status === "interrupted");
      return { command: { type: "CompleteDelegation", delegationId, ...completion }, companions: [] };
    });
    this.queue.enqueue(delegationId);
    if (completion !== undefined) return completion;
    const record = await this.session.record(delegationId);
    if (record?.completion == null) throw new UnknownDelegationError(this.sessionId, delegationId);
    return record.completion;
  }

  private reportError(error: unknown, delegationId: string): void {
    this.options.onError?.(error, delegationId);
  }
}
