/**
 * Every refusal in colonylog is a ColonyError: a stable machine-readable `code`, a message for
 * people, and the facts behind it in `details` so callers never parse messages.
 */
export class ColonyError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type ExpectedVersion = bigint | "no_stream" | "stream_exists" | "any";

/** The stream's version as the store saw it: the last event's 0-based version, or no stream. */
export type StreamRevision = bigint | "no_stream";

export class VersionConflictError extends ColonyError<"version_conflict"> {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: StreamRevision,
  ) {
    super(
      "version_conflict",
      `stream ${streamId}: expected version ${String(expected)}, actual version ${String(actual)}`,
      { streamId, expected: String(expected), actual: String(actual) },
    );
  }
}

/** One problem in one field, with the path into the offending value. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** Where an event sits in an append: its stream and its index among that stream's events. */
export interface EventLocation {
  readonly streamId?: string;
  readonly index?: number;
}

export class InvalidEventError extends ColonyError<"invalid_event"> {
  constructor(
    readonly eventType: string,
    readonly issues: readonly FieldIssue[],
    readonly location: EventLocation = {},
  ) {
    const { streamId, index } = location;
    const where = `${streamId === undefined ? "" : `${streamId} `}${index === undefined ? "" : `event[${index}] `}`;
    const what = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    super("invalid_event", `${where}${eventType}: ${what}`, { eventType, streamId, index, issues });
  }
}

export class InvalidStreamIdError extends ColonyError<"invalid_stream_id"> {
  constructor(
    readonly streamId: string,
    reason: string,
  ) {
    super("invalid_stream_id", `invalid stream id ${JSON.stringify(streamId)}: ${reason}`, {
      streamId,
      reason,
    });
  }
}

/**
 * An event id reused for a different event. A retried append that carries exactly the ids it
 * wrote before is accepted as a no-op; anything else reusing an id is refused.
 */
export class EventIdConflictError extends ColonyError<"event_id_conflict"> {
  constructor(
    readonly eventId: string,
    readonly streamId: string,
  ) {
    super(
      "event_id_conflict",
      `event id ${eventId} is already stored and this append to ${streamId} is not an exact retry of it`,
      { eventId, streamId },
    );
  }
}

export class InvalidArgumentError extends ColonyError<"invalid_argument"> {
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super("invalid_argument", `${argument}: ${reason}`, { argument, reason });
  }
}
