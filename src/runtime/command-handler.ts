import type { Decider, Folded } from "../domain/deciders/decider.js";
import type { NewEvent, NewEventMetadata, RecordedEvent } from "../domain/envelope.js";
import { ColonyError, type StreamRevision, VersionConflictError } from "../domain/errors.js";
import type { EventStore } from "../domain/ports/event-store.js";
import type { FoldedStream } from "./stream-fold.js";

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Every attempt lost its race: the stream kept moving between the read and the append. */
export class CommandRetriesExhaustedError extends ColonyError<"command_retries_exhausted"> {
  constructor(
    readonly streamId: string,
    readonly attempts: number,
    readonly lastConflict: VersionConflictError,
  ) {
    super(
      "command_retries_exhausted",
      `stream ${streamId}: gave up after ${attempts} attempts, each lost to a concurrent append (last: ${lastConflict.message})`,
      {
        streamId,
        attempts,
        expected: String(lastConflict.expected),
        actual: String(lastConflict.actual),
      },
    );
  }
}

export interface HandleOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  /** Set on every appended event (correlation, causation, actor); event ids stay the store's. */
  readonly metadata?: Omit<NewEventMetadata, "eventId" | "recordedAt">;
}

export interface HandleStateOptions<State> extends HandleOptions {
  /**
   * Folds the stream to its current version, for a caller that keeps the fold between commands
   * (a CachedStreamFold); by default every attempt reads the stream whole.
   */
  readonly read?: () => Promise<FoldedStream<State>>;
}

export interface HandleResult<State> {
  /** The state after the appended events (the state read, when the decision was no change). */
  readonly state: State;
  /** As stored, with their positions and versions; empty when the decider decided nothing. */
  readonly events: readonly RecordedEvent[];
  /** The stream's version after the command. */
  readonly version: StreamRevision;
  /** How many read-decide-append rounds it took. */
  readonly attempts: number;
}

/**
 * Runs one command against one stream (DESIGN §6): read and fold the stream, decide, append with
 * the version read. A concurrent append makes the append conflict; the command is then decided
 * again on the fresh state, which may now refuse it (a claim lost to another worker is refused as
 * already claimed rather than retried blindly). A refusal propagates and nothing is appended.
 */
export async function handleCommand<Command, State, Event extends NewEvent>(
  store: EventStore,
  decider: Decider<Command, State, Event>,
  streamId: string,
  command: Command,
  options: HandleStateOptions<State> = {},
): Promise<HandleResult<State>> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  let lastConflict: VersionConflictError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const read = await (options.read ?? (() => readFolded(store, decider, streamId)))();
    let state = read.state;
    const version = read.version;
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { state, events: [], version, attempts: attempt };
    const metadata = options.metadata;
    const events = metadata ? decided.map((e) => ({ ...e, metadata: { ...e.metadata, ...metadata } })) : decided;
    try {
      const result = await store.append(streamId, events, { expectedVersion: version });
      for (const event of result.events) state = decider.evolve(state, event as unknown as Folded<Event>);
      return { state, events: result.events, version: result.nextExpectedVersion, attempts: attempt };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      lastConflict = error;
    }
  }
  // The loop ran at least once and only falls through after a conflict.
  throw new CommandRetriesExhaustedError(streamId, maxAttempts, lastConflict as VersionConflictError);
}

async function readFolded<State, Event>(
  store: EventStore,
  decider: Decider<unknown, State, Event>,
  streamId: string,
): Promise<FoldedStream<State>> {
  let state = decider.initialState;
  let version: StreamRevision = "no_stream";
  for await (const event of store.readStream(streamId)) {
    // The store validated every event against the catalogue on the way in and upcasts on the
    // way out, so a stored event of this stream is one of the aggregate's events; a type the
    // aggregate does not know falls through its evolve unchanged.
    state = decider.evolve(state, event as unknown as Folded<Event>);
    version = event.version;
  }
  return { state, version };
}
