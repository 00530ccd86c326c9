import { fold } from "../../domain/deciders/decider.js";
import { type Worker, type WorkerCommand, type WorkerEvent, workerDecider } from "../../domain/deciders/worker.js";
import type { RecordedEvent } from "../../domain/envelope.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import { streamId, validateId } from "../../domain/stream-id.js";
import { type HandleOptions, handleCommand } from "../command-handler.js";
import type { SpawnedWorker } from "./worker-handle.js";
import type { ReportData } from "./worker-report.js";

type SpawnedData = Extract<WorkerEvent, { type: "WorkerSpawned" }>["data"];
type ReportedData = Extract<WorkerEvent, { type: "WorkerReported" }>["data"];

/** A worker as its stream tells it: its spawn facts, its state, and its report once it has one. */
export interface LoggedWorker {
  readonly spawned: SpawnedWorker;
  readonly state: Worker;
  readonly report: ReportData | null;
}

export const workerStream = (workerId: string): string => streamId("worker", workerId);

function toSpawned(data: SpawnedData): SpawnedWorker {
  const { inputData, ...rest } = data;
  return { ...rest, input: inputData };
}

function toSpawnedData(worker: SpawnedWorker): SpawnedData {
  const { input, ...rest } = worker;
  return { ...rest, inputData: input };
}

/**
 * The colony runtime's side of the log: worker lifecycle commands through the worker decider
 * and the command handler, and the reads recovery and wait() need. Talks to the EventStore port
 * only (DESIGN §1).
 */
export class WorkerLog {
  constructor(
    private readonly store: EventStore,
    private readonly metadata: HandleOptions["metadata"],
  ) {}

  /**
   * Spawns a batch in one append across the workers' streams: a batch with one invalid worker
   * (input that is not JSON, say) writes nothing. The decider decides each spawn on its empty
   * stream, and `no_stream` makes the store refuse a reused id (a VersionConflictError naming
   * that worker's stream; the batch is then not written at all).
   */
  async spawn(workers: readonly SpawnedWorker[]): Promise<Worker[]> {
    const appends: StreamAppend[] = workers.map((worker) => {
      const events = workerDecider.decide({ type: "SpawnWorker", ...toSpawnedData(worker) }, null);
      const metadata = this.metadata;
      return {
        streamId: workerStream(worker.workerId),
        events: metadata ? events.map((e) => ({ ...e, metadata })) : events,
        expectedVersion: "no_stream",
      };
    });
    const results = await this.store.appendMany(appends);
    return results.map((result) => {
      const state = fold(workerDecider, result.events as unknown as WorkerEvent[]);
      if (state === null) throw new Error(`${result.streamId}: the spawn folded to nothing`);
      return state;
    });
  }

  /** One command on one worker's stream; the state after it. Refusals propagate. */
  async execute(workerId: string, command: WorkerCommand): Promise<Worker> {
    const { state } = await handleCommand(this.store, workerDecider, workerStream(workerId), command, {
      metadata: this.metadata,
    });
    if (state === null) throw new Error(`worker ${workerId}: ${command.type} left no worker`);
    return state;
  }

  async report(workerId: string, report: ReportData): Promise<Worker> {
    return this.execute(workerId, { type: "ReportWorker", ...report });
  }

  /** The colony of the worker `workerId` names (its WorkerSpawned, the stream's first event), or null when none does. */
  async colonyOf(workerId: string): Promise<string | null> {
    for await (const event of this.store.readStream(workerStream(workerId), { limit: 1 })) {
      const first = event as unknown as WorkerEvent;
      return first.type === "WorkerSpawned" ? first.data.colonyId : null;
    }
    return null;
  }

  /** Null when the id names no worker (or is not an id at all). */
  async read(workerId: string): Promise<LoggedWorker | null> {
    try {
      validateId(workerId);
    } catch {
      return null;
    }
    const logged = new LoggedWorkers();
    for await (const event of this.store.readStream(workerStream(workerId))) logged.add(event);
    return logged.get(workerStream(workerId)) ?? null;
  }

  /**
   * The colony's workers that have not reported, in spawn order: what a runtime opening on this
   * log must take over. Scans the whole log once (the port has no per-category read); only
   * unfinished workers are kept in memory while it does.
   */
  async unfinished(colonyId: string): Promise<LoggedWorker[]> {
    const logged = new LoggedWorkers(colonyId, true);
    for await (const event of this.store.readAll()) {
      if (event.streamId.startsWith("worker-")) logged.add(event);
    }
    return logged.all().filter((w) => w.report === null);
  }
}

/** Folds worker streams from their events, optionally only one colony's; forgets reported ones when asked. */
class LoggedWorkers {
  private readonly byStream = new Map<string, { spawned: SpawnedWorker; state: Worker; report: ReportData | null }>();

  constructor(
    private readonly colonyId?: string,
    private readonly forgetReported = false,
  ) {}

  add(event: RecordedEvent): void {
    const folded = event as unknown as WorkerEvent & RecordedEvent;
    if (folded.type === "WorkerSpawned") {
      if (this.colonyId !== undefined && folded.data.colonyId !== this.colonyId) return;
      const state = workerDecider.evolve(null, folded);
      if (state !== null) this.byStream.set(event.streamId, { spawned: toSpawned(folded.data), state, report: null });
      return;
    }
    const entry = this.byStream.get(event.streamId);
    if (entry === undefined) return;
    const state = workerDecider.evolve(entry.state, folded);
    if (state !== null) entry.state = state;
    if (folded.type !== "WorkerReported") return;
    if (this.forgetReported) this.byStream.delete(event.streamId);
    else entry.report = reportData(folded.data);
  }

  get(stream: string): LoggedWorker | undefined {
    return this.byStream.get(stream);
  }

  /** In the order their spawns were read, which is log order. */
  all(): LoggedWorker[] {
    return [...this.byStream.values()];
  }
}

function reportData(data: ReportedData): ReportData {
  return {
    status: data.status,
    summary: data.summary,
    data: data.data,
    error: data.error,
    durationMs: data.durationMs,
    tokens: data.tokens,
  };
}
