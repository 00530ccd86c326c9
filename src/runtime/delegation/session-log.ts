import { type Session, type SessionCommand, type SessionState, sessionDecider } from "../../domain/deciders/session.js";
import type { NewEventMetadata, RecordedEvent } from "../../domain/envelope.js";
import { type StreamRevision, VersionConflictError } from "../../domain/errors.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";
import { CommandRetriesExhaustedError, DEFAULT_MAX_ATTEMPTS } from "../command-handler.js";
import type { DelegationList } from "./delegation-list.js";
import { type DelegationRecord, delegationIdOf, evolveRecord, type StoredSessionEvent } from "./delegation-record.js";
import { SessionNotFoundError } from "./errors.js";

export interface LoadedSession {
  readonly state: SessionState;
  readonly version: StreamRevision;
}

/** A command decided on the session as read, with appends to other streams that must land with it. */
export interface Prepared {
  readonly command: SessionCommand;
  readonly companions: readonly StreamAppend[];
}

/**
 * One session's stream as the delegation service reads and writes it: load and fold through the
 * session decider, decide, and append with the version read, together with any companion appends
 * in one appendMany. A conflict on any of the streams means the world moved between the read
 * and the append; the command is prepared and decided again on a fresh read, which may now find
 * nothing to do (a completion another process delivered meanwhile).
 *
 * Every event read or appended is also folded into the service's list, each version once, in
 * order, so the list is always the fold of a prefix of the stream however reads interleave.
 */
export class SessionLog {
  readonly streamId: string;
  private folded = -1n;

  constructor(
    private readonly store: EventStore,
    readonly sessionId: string,
    private readonly list: DelegationList,
    private readonly metadata?: Omit<NewEventMetadata, "eventId" | "recordedAt">,
  ) {
    this.streamId = streamId("session", sessionId);
  }

  async load(visit?: (event: StoredSessionEvent) => void): Promise<LoadedSession> {
    let state = sessionDecider.initialState;
    let version: StreamRevision = "no_stream";
    for await (const recorded of this.store.readStream(this.streamId)) {
      // The store validated each event against the catalogue on the way in.
      const event = recorded as unknown as StoredSessionEvent;
      state = sessionDecider.evolve(state, event);
      version = recorded.version;
      this.feed(event);
      visit?.(event);
    }
    return { state, version };
  }

  /** The session, or SessionNotFoundError. */
  async session(visit?: (event: StoredSessionEvent) => void): Promise<Session> {
    const { state } = await this.load(visit);
    if (state === null) throw new SessionNotFoundError(this.sessionId);
    return state;
  }

  /** One delegation's facts, read from the stream (not the list, which may have forgotten it). */
  async record(delegationId: string): Promise<DelegationRecord | undefined> {
    let record: DelegationRecord | undefined;
    await this.load((event) => {
      if (delegationIdOf(event) === delegationId) record = evolveRecord(record, event);
    });
    return record;
  }

  execute(command: SessionCommand): Promise<readonly RecordedEvent[]> {
    return this.executePrepared(async () => ({ command, companions: [] })) as Promise<readonly RecordedEvent[]>;
  }

  /**
   * Prepares on each attempt from the session as read (null: nothing to do, e.g. already done),
   * decides, and appends. Refusals propagate with nothing appended. Resolves with the session's
   * appended events, or null when `prepare` found nothing to do.
   */
  async executePrepared(
    prepare: (session: Session) => Promise<Prepared | null>,
  ): Promise<readonly RecordedEvent[] | null> {
    let lastConflict: VersionConflictError | undefined;
    for (let attempt = 1; attempt <= DEFAULT_MAX_ATTEMPTS; attempt++) {
      const { state, version } = await this.load();
      if (state === null) throw new SessionNotFoundError(this.sessionId);
      const prepared = await prepare(state);
      if (prepared === null) return null;
      const decided = sessionDecider.decide(prepared.command, state);
      if (decided.length === 0) return [];
      const metadata = this.metadata;
      const events = metadata ? decided.map((e) => ({ ...e, metadata })) : decided;
      try {
        const [own] = await this.store.appendMany([
          { streamId: this.streamId, events, expectedVersion: version },
          ...prepared.companions,
        ]);
        const appended = own?.events ?? [];
        for (const event of appended) this.feed(event as unknown as StoredSessionEvent);
        return appended;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        lastConflict = error;
      }
    }
    throw new CommandRetriesExhaustedError(this.streamId, DEFAULT_MAX_ATTEMPTS, lastConflict as VersionConflictError);
  }

  private feed(event: StoredSessionEvent): void {
    if (event.version !== this.folded + 1n) return;
    this.folded = event.version;
    this.list.apply(event);
  }
}
