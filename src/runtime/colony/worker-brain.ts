import type { z } from "zod";
import type { Json, JsonObject, TokenUsage, WorkerProfile } from "../../domain/events/fields.js";

export type JsonValue = z.output<typeof Json>;
export type JsonRecord = z.output<typeof JsonObject>;
export type Tokens = z.output<typeof TokenUsage>;
export type Profile = z.output<typeof WorkerProfile>;

/** What a brain gets for one attempt of one worker. */
export interface WorkerContext {
  readonly workerId: string;
  readonly colonyId: string;
  /** The conversation recorded on the spawn: the agent loop writes its parts there. */
  readonly conversationId: string;
  readonly parentSessionId: string | null;
  readonly task: string;
  readonly input: JsonRecord;
  readonly profile: Profile;
  /** 1 for the first run, +1 per resurrection. */
  readonly attempt: number;
  /** True for the colony's overseer, which has no finite task and waits for input instead. */
  readonly persistent: boolean;
  /** Aborted when the worker is stopped (by hand, by stop-all, or at a wait's deadline). */
  readonly signal: AbortSignal;
  /**
   * The messages injected since the last call, oldest first. Call it between steps (a turn
   * boundary): a message injected mid-step waits here until then.
   */
  nextInput(): string[];
  /** Like nextInput, but waits for at least one message; resolves empty when the worker is stopped. */
  waitForInput(): Promise<string[]>;
}

/** How a brain says it finished. `timeout` and `stopped` are the runtime's to give, not the brain's. */
export interface BrainReport {
  readonly status: "success" | "partial" | "failed";
  readonly summary: string;
  readonly data?: JsonValue;
  readonly error?: string | null;
  readonly tokens?: Tokens;
}

/**
 * A worker's brain: a plain async function here; the agent loop of the next issue is one too.
 * Throwing ends the attempt as a crash, which the runtime resurrects within the colony's cap and
 * cooldown unless the error is a FatalWorkerError.
 */
export type WorkerBrain = (context: WorkerContext) => Promise<BrainReport>;

/** A failure that another attempt would only repeat (bad credentials, an invalid task): never resurrected. */
export class FatalWorkerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FatalWorkerError";
  }
}
