import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { Timers } from "../../domain/ports/timers.js";
import { sleep } from "./sleep.js";
import { FatalWorkerError, type WorkerContext } from "./worker-brain.js";
import type { WorkerHandle } from "./worker-handle.js";
import type { WorkerLog } from "./worker-log.js";
import { checkBrainReport, errorMessage, type ReportData, runtimeReport } from "./worker-report.js";

/** What the run loop needs from the runtime around it. */
export interface RunHost {
  readonly log: WorkerLog;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly maxResurrections: number;
  readonly resurrectionCooldownMs: number;
  /** The report is in the log: hand it to the waiters. Called inside the worker's serial section. */
  finish(handle: WorkerHandle, report: ReportData): void;
  /** The worker no longer runs: free its slot, if it holds one, for the next queued worker. */
  releaseSlot(handle: WorkerHandle): void;
  /** A resurrected worker that holds no slot (one recovered after a restart) starts or queues like a new one. */
  admit(handle: WorkerHandle): void;
  /** Something the log refused or lost mid-run: report the worker failed as best it can. */
  abandon(handle: WorkerHandle, error: unknown): Promise<void>;
}

type Outcome =
  | { readonly kind: "returned"; readonly value: unknown }
  | { readonly kind: "threw"; readonly error: unknown };

/**
 * Runs one worker from where its stream is: `started` (WorkerStarted is in the log) runs the
 * brain; `failed` (a crash is in the log) cools down and resurrects. A crash resurrects the
 * worker in place while it keeps its slot, so a crashing worker cannot be overtaken by the queue
 * and retried later than its cooldown says. Never rejects: what goes wrong unexpectedly is
 * abandoned (a failed report) rather than left for nobody to catch.
 */
export async function driveWorker(host: RunHost, handle: WorkerHandle, from: "started" | "failed"): Promise<void> {
  let handedOver = false;
  try {
    let stage = from;
    for (;;) {
      if (stage === "started") {
        if (handle.ending) return;
        const outcome = await runBrain(handle);
        const next = await handle.serial.run(() => settleAttempt(host, handle, outcome));
        if (next === "done") return;
      }
      const next = await coolDownAndResurrect(host, handle);
      if (next === "done") return;
      if (next === "ready") {
        handedOver = true;
        host.admit(handle);
        return;
      }
      stage = "started";
    }
  } catch (error) {
    await host.abandon(handle, error);
  } finally {
    if (!handedOver) host.releaseSlot(handle);
  }
}

async function runBrain(handle: WorkerHandle): Promise<Outcome> {
  const { spawned, mailbox, abort } = handle;
  const context: WorkerContext = {
    workerId: spawned.workerId,
    colonyId: spawned.colonyId,
    conversationId: spawned.conversationId,
    parentSessionId: spawned.parentSessionId,
    task: spawned.task,
    input: spawned.input,
    profile: spawned.profile,
    attempt: handle.state.attempt,
    persistent: spawned.persistent,
    signal: abort.signal,
    nextInput: () => mailbox.drain(),
    waitForInput: () => mailbox.next(abort.signal),
  };
  try {
    return { kind: "returned", value: await handle.brain(context) };
  } catch (error) {
    return { kind: "threw", error };
  }
}

function durationMs(host: RunHost, handle: WorkerHandle): number {
  const started = handle.startedAtMs;
  return started === null ? 0 : Math.max(0, Math.round(host.clock.now().getTime() - started));
}

/** Records how the attempt ended. Runs in the worker's serial section. */
async function settleAttempt(host: RunHost, handle: WorkerHandle, outcome: Outcome): Promise<"done" | "failed"> {
  // A stop (or a wait's deadline) got in while the brain ran: that path writes the report, and
  // whatever the brain returned after its signal was aborted is not the worker's result.
  if (handle.ending) return "done";
  const duration = durationMs(host, handle);
  let error: string;
  let fatal: boolean;
  if (outcome.kind === "returned") {
    const checked = checkBrainReport(outcome.value, duration);
    if (checked.ok) {
      await report(host, handle, checked.report);
      return "done";
    }
    // Returning the same bad value again is all another attempt would do.
    error = checked.reason;
    fatal = true;
  } else {
    error = errorMessage(outcome.error);
    fatal = outcome.error instanceof FatalWorkerError;
  }
  handle.state = await host.log.execute(handle.workerId, { type: "FailWorker", error, fatal });
  if (fatal) {
    await report(host, handle, runtimeReport("failed", `failed: ${error}`, error, duration));
    return "done";
  }
  if (handle.state.resurrections >= host.maxResurrections) {
    await reportCapReached(host, handle, error);
    return "done";
  }
  return "failed";
}

/** The brain has settled (returned, crashed for good, or is not running between attempts). */
async function report(host: RunHost, handle: WorkerHandle, data: ReportData): Promise<void> {
  handle.state = await host.log.report(handle.workerId, data);
  // Free the slot before the waiters hear of the report, so a waiter that spawns again at once
  // finds it free. (A stopped worker keeps its slot until its brain actually returns: the cap
  // bounds brains running, not reports outstanding.)
  host.releaseSlot(handle);
  host.finish(handle, data);
}

async function reportCapReached(host: RunHost, handle: WorkerHandle, error: string): Promise<void> {
  const { resurrections } = handle.state;
  const summary = `crashed ${resurrections + 1} times; no resurrection left (cap ${host.maxResurrections}): ${error}`;
  await report(host, handle, runtimeReport("failed", summary, error, durationMs(host, handle)));
}

/** Waits out the cooldown from the logged failure, then resurrects; a stop meanwhile ends it. */
async function coolDownAndResurrect(host: RunHost, handle: WorkerHandle): Promise<"done" | "started" | "ready"> {
  for (;;) {
    const failedAt = handle.state.lastFailure?.at;
    const readyAt = (failedAt ? Date.parse(failedAt) : host.clock.now().getTime()) + host.resurrectionCooldownMs;
    const remaining = readyAt - host.clock.now().getTime();
    if (remaining > 0 && !(await sleep(host.timers, remaining, handle.abort.signal))) return "done";
    const next = await handle.serial.run(() => resurrect(host, handle));
    if (next !== "cooldown") return next;
  }
}

/** Runs in the worker's serial section. */
async function resurrect(host: RunHost, handle: WorkerHandle): Promise<"done" | "started" | "ready" | "cooldown"> {
  if (handle.ending) return "done";
  try {
    handle.state = await host.log.execute(handle.workerId, {
      type: "ResurrectWorker",
      reason: `crashed: ${handle.state.lastFailure?.error ?? "unknown error"}`,
      maxResurrections: host.maxResurrections,
      cooldownMs: host.resurrectionCooldownMs,
      now: host.clock.now().toISOString(),
    });
  } catch (error) {
    if (!(error instanceof CommandRefusedError)) throw error;
    // The decider measures the cooldown from the failure's recordedAt (the store's clock); if
    // this clock is behind that one, wait again rather than give up on the worker.
    if (error.code === "resurrection_cooldown") return "cooldown";
    if (error.code === "resurrection_cap_reached" || error.code === "worker_failure_fatal") {
      await reportCapReached(host, handle, handle.state.lastFailure?.error ?? error.message);
      return "done";
    }
    throw error;
  }
  if (!handle.holdsSlot && !handle.spawned.persistent) return "ready";
  handle.state = await host.log.execute(handle.workerId, { type: "StartWorker" });
  return "started";
}
