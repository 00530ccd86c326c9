import type { Worker } from "../../domain/deciders/worker.js";
import { Mailbox } from "./mailbox.js";
import { Serial } from "./serial.js";
import type { JsonRecord, Profile, WorkerBrain } from "./worker-brain.js";
import type { WorkerReport } from "./worker-report.js";

/** The facts a worker was spawned with (its `WorkerSpawned` event). */
export interface SpawnedWorker {
  readonly workerId: string;
  readonly colonyId: string;
  readonly parentSessionId: string | null;
  readonly task: string;
  readonly input: JsonRecord;
  readonly profile: Profile;
  readonly conversationId: string;
  readonly persistent: boolean;
  readonly batchId: string | null;
  readonly batchIndex: number | null;
}

/** Why the runtime ended a worker that had not reported yet. */
export interface StopRequest {
  readonly status: "stopped" | "timeout";
  readonly reason: string;
}

/**
 * One worker this process runs: its last known state in the log, its mailbox, the abort signal
 * its brain gets, and the report its waiters block on. Every command on its stream goes through
 * `serial`, and `state` is only written there.
 */
export class WorkerHandle {
  readonly mailbox = new Mailbox();
  readonly abort = new AbortController();
  readonly serial = new Serial();
  /** Set (synchronously) the moment a stop is asked for, so a brain finishing after it is ignored. */
  stopRequest: StopRequest | null = null;
  /** Whether it counts against the colony's cap right now (the overseer never does). */
  holdsSlot = false;
  /** When its first attempt in this process started, for the report's duration. */
  startedAtMs: number | null = null;
  report: WorkerReport | null = null;
  readonly reported: Promise<WorkerReport>;
  private resolveReport!: (report: WorkerReport) => void;

  constructor(
    readonly spawned: SpawnedWorker,
    readonly brain: WorkerBrain,
    public state: Worker,
  ) {
    this.reported = new Promise((resolve) => {
      this.resolveReport = resolve;
    });
  }

  get workerId(): string {
    return this.spawned.workerId;
  }

  /** Reported, or about to be: nothing more should be decided for it. */
  get ending(): boolean {
    return this.report !== null || this.stopRequest !== null;
  }

  settle(report: WorkerReport): void {
    if (this.report !== null) return;
    this.report = report;
    this.resolveReport(report);
  }
}
