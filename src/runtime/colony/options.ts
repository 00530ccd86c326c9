import type { NewEventMetadata } from "../../domain/envelope.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { IdGenerator } from "../../domain/ports/id-generator.js";
import type { Timers } from "../../domain/ports/timers.js";
import type { Profile, WorkerBrain } from "./worker-brain.js";
import type { SpawnedWorker } from "./worker-handle.js";

export interface ColonyRuntimeOptions {
  readonly colonyId: string;
  /** The same clock the store stamps `recordedAt` with: the resurrection cooldown compares the two. */
  readonly clock: Clock;
  /** Worker ids (and batch ids); time-ordered, since they name indexed streams. */
  readonly ids: IdGenerator;
  /** Cooldowns and wait deadlines, on the clock's time (systemTimers beside systemClock). */
  readonly timers: Timers;
  /** Workers running at once, the overseer not counted; the excess is queued. Default 100. */
  readonly maxConcurrentWorkers?: number;
  /** Resurrections per worker after crashes (a fatal error is never retried). Default 3. */
  readonly maxResurrections?: number;
  /** Wait after a crash before the worker is resurrected. Default 1000 ms. */
  readonly resurrectionCooldownMs?: number;
  /** Finished results kept in memory, newest first. Default 1000. */
  readonly maxResults?: number;
  /** Finished results older than this leave memory. Default: no age bound. */
  readonly maxResultAgeMs?: number | null;
  /** The profile recorded on spawns that give none. */
  readonly defaultProfile?: Profile;
  /**
   * On open, the brain to continue an unfinished worker with (spawned by a process that ended);
   * undefined when it cannot be continued. Brains are functions, so the log alone cannot bring
   * one back. See ColonyRuntime.open for what happens to each worker.
   */
  readonly restoreBrain?: (worker: SpawnedWorker) => WorkerBrain | undefined;
  /** Set on every event the runtime appends. */
  readonly metadata?: Omit<NewEventMetadata, "eventId" | "recordedAt">;
  /** Errors in background work that cannot be thrown to a caller (the store went away mid-run). */
  readonly onError?: (error: unknown, workerId: string) => void;
}

export interface ResolvedOptions {
  readonly maxConcurrentWorkers: number;
  readonly maxResurrections: number;
  readonly resurrectionCooldownMs: number;
  readonly maxResults: number;
  readonly maxResultAgeMs: number | null;
  readonly defaultProfile: Profile;
}

export const EMPTY_PROFILE: Profile = { systemPrompt: "", toolNames: [], loopConfig: {}, inputData: {} };

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

export function resolveOptions(options: ColonyRuntimeOptions): ResolvedOptions {
  return {
    maxConcurrentWorkers: options.maxConcurrentWorkers ?? 100,
    maxResurrections: nonNegativeInteger("maxResurrections", options.maxResurrections ?? 3),
    resurrectionCooldownMs: nonNegativeInteger("resurrectionCooldownMs", options.resurrectionCooldownMs ?? 1000),
    maxResults: options.maxResults ?? 1000,
    maxResultAgeMs: options.maxResultAgeMs ?? null,
    defaultProfile: options.defaultProfile ?? EMPTY_PROFILE,
  };
}
