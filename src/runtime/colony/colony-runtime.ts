import type { Worker, WorkerStatus } from "../../domain/deciders/worker.js";
import { InvalidArgumentError, VersionConflictError } from "../../domain/errors.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import { validateId } from "../../domain/stream-id.js";
import { ConcurrencyGate } from "./concurrency-gate.js";
import { type ColonyRuntimeOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { recoverWorkers } from "./recovery.js";
import { ResultRetention } from "./result-retention.js";
import type { JsonRecord, Profile, WorkerBrain } from "./worker-brain.js";
import { type SpawnedWorker, type StopRequest, WorkerHandle } from "./worker-handle.js";
import { WorkerLog, workerStream } from "./worker-log.js";
import { errorMessage, notFoundReport, type ReportData, runtimeReport, type WorkerReport } from "./worker-report.js";
import { driveWorker, type RunHost } from "./worker-run.js";

export interface SpawnSpec {
  /**
   * The worker's id, when the caller must know it before the spawn (a trigger records it with
   * its firing): 1-200 characters of A-Z a-z 0-9 _ . : ~ @ + = -, as every stream id. Spawning
   * is idempotent on it: when the id already names a worker of this colony (live, finished, or
   * left unfinished by a process that ended), nothing is written or started and the id is
   * returned, so a retry after a crash cannot start a second worker. An id naming another
   * colony's worker is refused. Default: a fresh time-ordered id.
   */
  readonly workerId?: string;
  readonly task: string;
  readonly brain: WorkerBrain;
  /** Recorded as the spawn's input data. Default `{ task }`. */
  readonly input?: JsonRecord;
  readonly profile?: Profile;
  readonly parentSessionId?: string | null;
  /** The worker's conversation; a fresh id by default (the agent loop will fork into it). */
  readonly conversationId?: string;
}

/** The overseer's id is always the runtime's: startOverseer is already idempotent by colony. */
export interface OverseerSpec extends Omit<SpawnSpec, "task" | "workerId"> {
  /** The overseer has no finite task; this only names it in the log. */
  readonly task?: string;
}

export interface WaitOptions {
  /** Stop the stragglers after this long and give them `timeout` reports. Default: wait as long as it takes. */
  readonly timeoutMs?: number;
}

export interface StopAllOptions {
  /** The overseer keeps running unless this is set. */
  readonly includeOverseer?: boolean;
  readonly reason?: string;
}

/** A worker as this runtime knows it: live ones, and finished ones until retention drops them. */
export interface WorkerInfo {
  readonly workerId: string;
  readonly task: string;
  readonly persistent: boolean;
  readonly batchId: string | null;
  readonly batchIndex: number | null;
  readonly status: WorkerStatus;
  readonly attempt: number;
  readonly resurrections: number;
  readonly report: WorkerReport | null;
}

/**
 * One colony's workers over the log (DESIGN §6): spawn, wait, stop, a concurrency cap with a
 * queue, resurrection after crashes, bounded result retention, a persistent overseer and
 * injection at turn boundaries. Every step of a worker's life is an event through the worker
 * decider; memory holds only what running them needs (brains, mailboxes, abort signals).
 *
 * One runtime per colony at a time: opening one takes over the colony's unfinished workers.
 */
export class ColonyRuntime {
  private readonly options: ResolvedOptions;
  private readonly log: WorkerLog;
  private readonly live = new Map<string, WorkerHandle>();
  private readonly finished: ResultRetention<WorkerInfo>;
  private readonly gate: ConcurrencyGate<WorkerHandle>;
  private readonly host: RunHost;
  private overseer: { id: string | null; started: Promise<string> } | null = null;
  private closed = false;

  /**
   * Opens the runtime and takes over the colony's workers that a previous process left
   * unfinished. What happens to each depends on where its stream stopped and whether
   * `restoreBrain` gives it a brain:
   * - running (the process died under it): recorded as a non-fatal crash (`WorkerFailed`,
   *   "interrupted"), then treated like any crash below;
   * - failed, not fatal, resurrections left, and a brain: resurrected once the cooldown has
   *   passed since the logged failure (for a worker that was already failed, the time the
   *   process was down counts; for one interrupted while running, the failure is logged at the
   *   restart, since the decider measures from the event's time), then started or queued under
   *   the cap;
   * - failed otherwise: reported `failed` with the last failure's error;
   * - stopped (its report was not written yet): reported `stopped`;
   * - spawned or queued, with a brain: admitted again in spawn order (started or queued);
   *   without one: stopped and reported `failed` with error `interrupted`, so a waiter learns
   *   the work was not done rather than blocking forever.
   * A resumed persistent worker becomes the overseer again.
   */
  static async open(store: EventStore, options: ColonyRuntimeOptions): Promise<ColonyRuntime> {
    const runtime = new ColonyRuntime(store, options);
    await recoverWorkers(runtime.recoveryHost(), options.restoreBrain);
    return runtime;
  }

  private constructor(
    store: EventStore,
    private readonly config: ColonyRuntimeOptions,
  ) {
    validateId(config.colonyId);
    this.options = resolveOptions(config);
    this.log = new WorkerLog(store, config.metadata);
    this.finished = new ResultRetention(config.clock, this.options.maxResults, this.options.maxResultAgeMs);
    this.gate = new ConcurrencyGate(this.options.maxConcurrentWorkers);
    this.host = {
      log: this.log,
      clock: config.clock,
      timers: config.timers,
      maxResurrections: this.options.maxResurrections,
      resurrectionCooldownMs: this.options.resurrectionCooldownMs,
      finish: (handle, report) => this.finish(handle, report),
      releaseSlot: (handle) => this.releaseSlot(handle),
      admit: (handle) => void this.admit(handle),
      abandon: (handle, error) => this.abandon(handle, error),
    };
  }

  get colonyId(): string {
    return this.config.colonyId;
  }

  /** The live overseer's id, if one is running. */
  get overseerId(): string | null {
    const id = this.overseer?.id ?? null;
    return id !== null && this.live.has(id) ? id : null;
  }

  /** Workers holding a slot under the cap right now. */
  get runningCount(): number {
    return this.gate.running;
  }

  /** Workers waiting for a slot, in the order they will be promoted. */
  get queuedIds(): string[] {
    return this.gate.queued.map((h) => h.workerId);
  }

  /**
   * Spawns one worker. Resolves with its id once `WorkerSpawned` and `WorkerStarted` (or
   * `WorkerQueued`, at the cap) are in the log; the brain runs in the background. With a
   * `workerId` that already names a worker of this colony, resolves with it at once and starts
   * nothing (see SpawnSpec.workerId).
   */
  async spawn(spec: SpawnSpec): Promise<string> {
    const [id] = await this.spawnWorkers([spec], false, false);
    return id as string;
  }

  /**
   * Spawns workers sharing a batch id, in one atomic append: one invalid spec writes nothing.
   * Ids come back in the order of the specs; under the cap the earlier ones start first.
   *
   * A spec whose `workerId` already names a worker of this colony is skipped, not refused: its
   * id is returned in its place and nothing of it is written or started, while the others are
   * spawned (still in one append, with their batch indexes as in `specs`). So a batch retried
   * after a crash spawns exactly what the first attempt did not, and every returned id names a
   * worker that exists. Two specs with the same `workerId` are refused before anything is
   * written, as is an id naming another colony's worker.
   */
  async spawnBatch(specs: readonly SpawnSpec[]): Promise<string[]> {
    if (specs.length === 0) return [];
    return this.spawnWorkers(specs, false, true);
  }

  /**
   * Starts the colony's persistent overseer, outside the cap. While it is live (or still
   * starting) every call returns the same id; once it has finished, the next call starts a new one.
   */
  startOverseer(spec: OverseerSpec): Promise<string> {
    this.assertOpen();
    const current = this.overseer;
    if (current !== null && (current.id === null || this.live.has(current.id))) return current.started;
    const record: { id: string | null; started: Promise<string> } = {
      id: null,
      started: this.spawnWorkers([{ task: `oversee colony ${this.colonyId}`, ...spec }], true, false).then(([id]) => {
        record.id = id as string;
        return id as string;
      }),
    };
    record.started.catch(() => {
      if (this.overseer === record) this.overseer = null;
    });
    this.overseer = record;
    return record.started;
  }

  /**
   * The reports of these workers, in the order of `ids`. An id this colony has no worker for is
   * answered with a `failed` report (error `no_such_worker`). A worker no longer in memory is
   * read from the log. At the deadline the workers still out are stopped and reported `timeout`.
   */
  async wait(ids: readonly string[], options: WaitOptions = {}): Promise<WorkerReport[]> {
    const { timeoutMs } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      throw new InvalidArgumentError("timeoutMs", `expected a non-negative number of milliseconds, got ${timeoutMs}`);
    }
    const answers = ids.map((id) => this.live.get(id) ?? this.finished.get(id)?.report ?? this.lookUp(id));
    const pending = [...new Set(answers.filter((a): a is WorkerHandle => a instanceof WorkerHandle))];
    if (pending.length > 0 && timeoutMs !== undefined) {
      const allReported = Promise.all(pending.map((h) => h.reported)).then(() => true);
      if (!(await this.within(timeoutMs, allReported))) {
        const reason = `no report within ${timeoutMs} ms`;
        await Promise.all(
          pending.filter((h) => h.report === null).map((h) => this.stopHandle(h, { status: "timeout", reason })),
        );
      }
    }
    return Promise.all(answers.map((a) => (a instanceof WorkerHandle ? a.reported : a)));
  }

  /**
   * Stops one worker: a running one has its signal aborted and is reported `stopped`; a queued
   * one leaves the queue and is reported `stopped`. Resolves with its report (the one it already
   * had if it finished first), or undefined for a worker this runtime does not know.
   */
  async stop(workerId: string, reason = "stopped by request"): Promise<WorkerReport | undefined> {
    const handle = this.live.get(workerId);
    if (handle !== undefined) return this.stopHandle(handle, { status: "stopped", reason });
    return this.finished.get(workerId)?.report ?? undefined;
  }

  /** Stops every live worker, queued ones included (the overseer only when asked). */
  async stopAll(options: StopAllOptions = {}): Promise<WorkerReport[]> {
    const request: StopRequest = { status: "stopped", reason: options.reason ?? "stop all" };
    // stopHandle takes a queued worker out of the queue synchronously, so this loop empties the
    // queue before any running worker can free a slot and promote one of them.
    const targets = [...this.live.values()].filter((h) => options.includeOverseer === true || !h.spawned.persistent);
    return Promise.all(targets.map((h) => this.stopHandle(h, request)));
  }

  /**
   * Leaves a message for a live worker (the overseer or any other); its brain receives it at its
   * next turn boundary, through nextInput() or waitForInput(). False when the worker is not live.
   */
  inject(workerId: string, message: string): boolean {
    const handle = this.live.get(workerId);
    if (handle === undefined || handle.ending) return false;
    handle.mailbox.push(message);
    return true;
  }

  /** A finished worker's report while retention still holds it. */
  result(workerId: string): WorkerReport | undefined {
    return this.finished.get(workerId)?.report ?? undefined;
  }

  worker(workerId: string): WorkerInfo | undefined {
    const handle = this.live.get(workerId);
    return handle !== undefined ? infoOf(handle) : this.finished.get(workerId);
  }

  /** Live workers in spawn order, then retained finished ones in completion order. */
  workers(): WorkerInfo[] {
    return [...[...this.live.values()].map(infoOf), ...this.finished.values()];
  }

  /** Stops every worker, the overseer included; brains still running get their abort signal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopAll({ includeOverseer: true, reason: "the colony runtime closed" });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the colony runtime of ${this.colonyId} is closed`);
  }

  private describe(spec: SpawnSpec, persistent: boolean, batchId: string | null, batchIndex: number | null) {
    const worker: SpawnedWorker = {
      workerId: spec.workerId ?? this.config.ids.uuid(),
      colonyId: this.colonyId,
      parentSessionId: spec.parentSessionId ?? null,
      task: spec.task,
      input: spec.input ?? { task: spec.task },
      profile: spec.profile ?? this.options.defaultProfile,
      conversationId: spec.conversationId ?? this.config.ids.uuid(),
      persistent,
      batchId,
      batchIndex,
    };
    return worker;
  }

  private async spawnWorkers(specs: readonly SpawnSpec[], persistent: boolean, batch: boolean): Promise<string[]> {
    this.assertOpen();
    checkSpecs(specs);
    const batchId = batch ? this.config.ids.uuid() : null;
    const workers = specs.map((spec, index) => this.describe(spec, persistent, batchId, batch ? index : null));
    const ids = workers.map((w) => w.workerId);
    const spawned = await this.spawnNew(specs, workers);
    const handles = spawned.map(
      ({ index, state }) => new WorkerHandle(workers[index] as SpawnedWorker, (specs[index] as SpawnSpec).brain, state),
    );
    for (const handle of handles) this.live.set(handle.workerId, handle);
    if (this.closed) {
      // close() ran while the spawn was being written: these workers never start.
      const request: StopRequest = { status: "stopped", reason: "the colony runtime closed" };
      await Promise.all(handles.map((handle) => this.stopHandle(handle, request)));
      return ids;
    }
    // Admission decides start-or-queue synchronously for each in turn, so the queue keeps spawn order.
    await Promise.all(handles.map((handle) => this.admit(handle)));
    return ids;
  }

  /**
   * Appends the spawns of the workers whose ids name no worker yet, in one append; the state of
   * each, with its index in `workers`. A caller's id found taken, before the append or by a
   * racer whose spawn got in first (the store refuses `no_stream`), is left out and the rest
   * appended again: each round leaves one more out, so this ends.
   */
  private async spawnNew(
    specs: readonly SpawnSpec[],
    workers: readonly SpawnedWorker[],
  ): Promise<{ index: number; state: Worker }[]> {
    const existing = new Set<string>();
    for (const [index, spec] of specs.entries()) {
      if (spec.workerId !== undefined && (await this.exists(spec.workerId, index))) existing.add(spec.workerId);
    }
    for (;;) {
      const fresh = [...workers.keys()].filter((i) => !existing.has((workers[i] as SpawnedWorker).workerId));
      if (fresh.length === 0) return [];
      try {
        const states = await this.log.spawn(fresh.map((i) => workers[i] as SpawnedWorker));
        return fresh.map((index, i) => ({ index, state: states[i] as Worker }));
      } catch (error) {
        // Only an id the caller chose can have been spawned already; a clash on a fresh one is a real error.
        const index = specs.findIndex(
          (spec) => spec.workerId !== undefined && workerStream(spec.workerId) === conflictStream(error),
        );
        const id = specs[index]?.workerId;
        if (id === undefined || existing.has(id) || !(await this.exists(id, index))) throw error;
        existing.add(id);
      }
    }
  }

  /** Whether `workerId` names a worker of this colony already; refuses an id naming another colony's. */
  private async exists(workerId: string, index: number): Promise<boolean> {
    if (this.live.has(workerId) || this.finished.get(workerId) !== undefined) return true;
    const colonyId = await this.log.colonyOf(workerId);
    if (colonyId === null) return false;
    if (colonyId === this.colonyId) return true;
    throw new InvalidArgumentError(`specs[${index}].workerId`, `${workerId} already names a worker of another colony`);
  }

  /** Starts the worker if the cap allows (the overseer always), else queues it. */
  private admit(handle: WorkerHandle): Promise<void> {
    if (handle.ending) return Promise.resolve();
    if (handle.spawned.persistent) return this.start(handle);
    if (this.gate.tryTake()) {
      handle.holdsSlot = true;
      return this.start(handle);
    }
    this.gate.enqueue(handle);
    // A worker recovered from the log may already be queued there.
    if (handle.state.status === "queued") return Promise.resolve();
    const reason = `colony ${this.colonyId} is at its cap of ${this.gate.cap} running workers`;
    return handle.serial
      .run(async () => {
        if (handle.ending) return;
        handle.state = await this.log.execute(handle.workerId, { type: "QueueWorker", reason });
      })
      .catch((error) => this.abandon(handle, error));
  }

  private async start(handle: WorkerHandle): Promise<void> {
    let started: boolean;
    try {
      started = await handle.serial.run(async () => {
        if (handle.ending) return false;
        handle.state = await this.log.execute(handle.workerId, { type: "StartWorker" });
        handle.startedAtMs ??= this.config.clock.now().getTime();
        return true;
      });
    } catch (error) {
      this.releaseSlot(handle);
      await this.abandon(handle, error);
      return;
    }
    if (!started) {
      this.releaseSlot(handle);
      return;
    }
    void driveWorker(this.host, handle, "started");
  }

  private releaseSlot(handle: WorkerHandle): void {
    if (!handle.holdsSlot) return;
    handle.holdsSlot = false;
    this.gate.release();
    for (let next = this.gate.promote(); next !== undefined; next = this.gate.promote()) {
      next.holdsSlot = true;
      void this.start(next);
    }
  }

  private stopHandle(handle: WorkerHandle, request: StopRequest): Promise<WorkerReport> {
    if (handle.ending) return handle.reported;
    handle.stopRequest = request;
    this.gate.remove(handle);
    handle.abort.abort(new Error(request.reason));
    handle.serial
      .run(async () => {
        // Its own report got in before the stop: that is its result.
        if (handle.state.status === "reported") return;
        if (handle.state.status !== "stopped") {
          handle.state = await this.log.execute(handle.workerId, { type: "StopWorker", reason: request.reason });
        }
        const summary = request.status === "timeout" ? `timed out: ${request.reason}` : `stopped: ${request.reason}`;
        const error = request.status === "timeout" ? "timeout" : null;
        const data = runtimeReport(request.status, summary, error, this.durationMs(handle));
        handle.state = await this.log.report(handle.workerId, data);
        this.finish(handle, data);
      })
      .catch((error) => this.abandon(handle, error));
    return handle.reported;
  }

  private finish(handle: WorkerHandle, data: ReportData): void {
    handle.settle({ workerId: handle.workerId, ...data });
    this.live.delete(handle.workerId);
    this.finished.add(handle.workerId, infoOf(handle));
  }

  /**
   * The log refused or lost a step (the store closed under a running worker, say). The worker
   * is reported failed if the log still takes it; either way its waiters get a failed report
   * instead of waiting forever.
   */
  private async abandon(handle: WorkerHandle, error: unknown): Promise<void> {
    this.config.onError?.(error, handle.workerId);
    if (!handle.abort.signal.aborted) handle.abort.abort(error);
    this.gate.remove(handle);
    if (handle.report !== null) return;
    const message = errorMessage(error);
    const data = runtimeReport("failed", `the runtime could not run it: ${message}`, message, this.durationMs(handle));
    try {
      await handle.serial.run(async () => {
        if (handle.state.status !== "reported") handle.state = await this.log.report(handle.workerId, data);
      });
    } catch (second) {
      this.config.onError?.(second, handle.workerId);
    }
    if (handle.report === null) this.finish(handle, data);
  }

  private durationMs(handle: WorkerHandle): number {
    const started = handle.startedAtMs;
    return started === null ? 0 : Math.max(0, Math.round(this.config.clock.now().getTime() - started));
  }

  private async lookUp(workerId: string): Promise<WorkerReport> {
    const logged = await this.log.read(workerId);
    if (logged === null || logged.spawned.colonyId !== this.colonyId) return notFoundReport(workerId, this.colonyId);
    if (logged.report !== null) return { workerId, ...logged.report };
    return notFoundReport(workerId, this.colonyId, "worker_not_running_here");
  }

  /** True when `promise` settles within `ms`, false at the deadline. */
  private within(ms: number, promise: Promise<boolean>): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const deadline = this.host.timers.schedule(ms, () => resolve(false));
      promise.then(
        (value) => {
          deadline.cancel();
          resolve(value);
        },
        (error) => {
          deadline.cancel();
          reject(error);
        },
      );
    });
  }

  private recoveryHost() {
    return {
      colonyId: this.colonyId,
      log: this.log,
      maxResurrections: this.options.maxResurrections,
      adopt: (worker: SpawnedWorker, brain: WorkerBrain, state: Worker) => {
        const handle = new WorkerHandle(worker, brain, state);
        this.live.set(handle.workerId, handle);
        if (worker.persistent) this.overseer = { id: handle.workerId, started: Promise.resolve(handle.workerId) };
        return handle;
      },
      admit: (handle: WorkerHandle) => this.admit(handle),
      resurrect: (handle: WorkerHandle) => void driveWorker(this.host, handle, "failed"),
    };
  }
}

/**
 * Checked before anything is written: a spec without a brain, or with an id that cannot name a
 * stream or that another spec of the call also names, is the caller's bug, not a crash to retry.
 */
function checkSpecs(specs: readonly SpawnSpec[]): void {
  const chosen = new Set<string>();
  for (const [index, spec] of specs.entries()) {
    if (typeof spec.brain !== "function")
      throw new InvalidArgumentError(`specs[${index}].brain`, "expected a function");
    const id = spec.workerId;
    if (id === undefined) continue;
    if (typeof id !== "string") throw new InvalidArgumentError(`specs[${index}].workerId`, "expected a string");
    try {
      validateId(id);
    } catch (error) {
      throw new InvalidArgumentError(`specs[${index}].workerId`, errorMessage(error));
    }
    if (chosen.has(id))
      throw new InvalidArgumentError(`specs[${index}].workerId`, `${id} is given to another spec too`);
    chosen.add(id);
  }
}

/** The stream a version conflict names; undefined for any other error. */
function conflictStream(error: unknown): string | undefined {
  return error instanceof VersionConflictError ? error.streamId : undefined;
}

function infoOf(handle: WorkerHandle): WorkerInfo {
  const { spawned, state } = handle;
  return {
    workerId: spawned.workerId,
    task: spawned.task,
    persistent: spawned.persistent,
    batchId: spawned.batchId,
    batchIndex: spawned.batchIndex,
    status: state.status,
    attempt: state.attempt,
    resurrections: state.resurrections,
    report: handle.report,
  };
}
