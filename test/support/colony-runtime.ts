import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import {
  type ColonyDatabaseOptions,
  openColonyDatabase,
  type SqliteColonyDatabase,
} from "../../src/adapters/sqlite/open-colony-database.js";
import { UuidV7Generator } from "../../src/adapters/system/uuid-v7.js";
import type { EventStore } from "../../src/domain/ports/event-store.js";
import type { Timers } from "../../src/domain/ports/timers.js";
import { ColonyRuntime, type ColonyRuntimeOptions } from "../../src/runtime/colony/index.js";
import type { BrainReport, WorkerBrain } from "../../src/runtime/colony/worker-brain.js";
import { ManualTime } from "./manual-time.js";

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const success = (summary: string, data: BrainReport["data"] = null): BrainReport => ({
  status: "success",
  summary,
  data,
});

/**
 * Brains the test finishes by hand, one per task name: each records that it started, then waits
 * for `finish(task)`, or rejects when its signal aborts (a brain that honours stop).
 */
export class Brains {
  /** Tasks in the order their brains started (an attempt each). */
  readonly started: string[] = [];
  private readonly finishers = new Map<string, Deferred<BrainReport>>();
  private readonly starts = new Map<string, Deferred<void>>();
  private readonly signals = new Map<string, AbortSignal>();

  readonly brain: WorkerBrain = async (context) => {
    this.started.push(context.task);
    this.signals.set(context.task, context.signal);
    this.startOf(context.task).resolve();
    const done = this.finisher(context.task).promise;
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new Error(`aborted: ${String(context.signal.reason)}`));
      if (context.signal.aborted) onAbort();
      else context.signal.addEventListener("abort", onAbort, { once: true });
    });
    return Promise.race([done, aborted]);
  };

  finish(task: string, report: BrainReport = success(`${task} done`)): void {
    this.finisher(task).resolve(report);
  }

  /** The abort signal the brain of `task` was given. */
  signalOf(task: string): AbortSignal | undefined {
    return this.signals.get(task);
  }

  /** Resolves once the brain of `task` has started. */
  untilStarted(task: string): Promise<void> {
    return this.startOf(task).promise;
  }

  private finisher(task: string): Deferred<BrainReport> {
    let d = this.finishers.get(task);
    if (d === undefined) {
      d = deferred();
      this.finishers.set(task, d);
    }
    return d;
  }

  private startOf(task: string): Deferred<void> {
    let d = this.starts.get(task);
    if (d === undefined) {
      d = deferred();
      this.starts.set(task, d);
    }
    return d;
  }
}

/** The event types of a worker's stream, in order. */
export async function workerEventTypes(store: EventStore, workerId: string): Promise<string[]> {
  const types: string[] = [];
  for await (const event of store.readStream(`worker-${workerId}`)) types.push(event.type);
  return types;
}

/** The events of a worker's stream, type and data. */
export async function workerEvents(store: EventStore, workerId: string): Promise<{ type: string; data: unknown }[]> {
  const events: { type: string; data: unknown }[] = [];
  for await (const event of store.readStream(`worker-${workerId}`)) events.push({ type: event.type, data: event.data });
  return events;
}

export type RuntimeOverrides = Omit<ColonyRuntimeOptions, "colonyId" | "clock" | "ids" | "timers"> & {
  readonly colonyId?: string;
  /** The fixture's manual time by default. */
  readonly timers?: Timers;
};

/** Timers of a process that has died: nothing scheduled ever fires. */
export const deadTimers: Timers = { schedule: () => ({ cancel() {} }) };

export interface ColonyFixture {
  readonly time: ManualTime;
  readonly db: SqliteColonyDatabase;
  readonly file: string;
  readonly runtime: ColonyRuntime;
  /** Opens another runtime on the same log (same clock and timers). */
  openRuntime(overrides?: RuntimeOverrides): Promise<ColonyRuntime>;
}

/**
 * Colony runtimes over real SQLite files in temp dirs, with one manual time shared by the store
 * and the runtime. Everything opened is closed and removed after each test. Call at a test
 * file's top level.
 */
export function colonyFixtures(): {
  open(overrides?: RuntimeOverrides): Promise<ColonyFixture>;
  /** Opens a colony database on `file` (again, to simulate a restart), sharing `time`. */
  reopen(file: string, time: ManualTime): Promise<SqliteColonyDatabase>;
  /** Opens a runtime on a database, sharing `time`; closed after the test. */
  openRuntime(db: SqliteColonyDatabase, time: ManualTime, overrides?: RuntimeOverrides): Promise<ColonyRuntime>;
  /**
   * Leaves a runtime as a killed process would: it is never closed, so its unfinished workers stay
   * unfinished in the log for the next runtime to recover. Open it with `deadTimers`.
   */
  abandon(runtime: ColonyRuntime): void;
} {
  const runtimes: ColonyRuntime[] = [];
  const dbs: SqliteColonyDatabase[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
    for (const db of dbs.splice(0)) await db.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const openDb = async (file: string, time: ManualTime, options: ColonyDatabaseOptions = {}) => {
    const db = await openColonyDatabase(file, { warn: () => {}, clock: time, ...options });
    dbs.push(db);
    return db;
  };
  const ids = new UuidV7Generator();
  const openRuntime = async (db: SqliteColonyDatabase, time: ManualTime, overrides: RuntimeOverrides = {}) => {
    const runtime = await ColonyRuntime.open(db.events, {
      colonyId: "c1",
      clock: time,
      timers: time,
      ids,
      onError: (error) => {
        throw error;
      },
      ...overrides,
    });
    runtimes.push(runtime);
    return runtime;
  };
  return {
    async open(overrides = {}) {
      const dir = mkdtempSync(join(tmpdir(), "colonylog-colony-"));
      dirs.push(dir);
      const file = join(dir, "colony.db");
      const time = new ManualTime();
      const db = await openDb(file, time);
      const runtime = await openRuntime(db, time, overrides);
      return { time, db, file, runtime, openRuntime: (o) => openRuntime(db, time, o) };
    },
    reopen: (file, time) => openDb(file, time),
    openRuntime,
    abandon(runtime) {
      const index = runtimes.indexOf(runtime);
      if (index >= 0) runtimes.splice(index, 1);
    },
  };
}
