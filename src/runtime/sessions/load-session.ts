import type { Folded } from "../../domain/deciders/decider.js";
import { type SessionEvent, type SessionState, sessionDecider } from "../../domain/deciders/session.js";
import type { StreamRevision } from "../../domain/errors.js";
import type { EventData } from "../../domain/events/catalogue.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";

export interface LoadedSession {
  /** The session decider's state (null when the session does not exist). */
  readonly state: SessionState;
  /** What the session started with: the decider keeps no colony id, a compacted fork needs it. */
  readonly started: EventData<"SessionStarted"> | null;
  readonly version: StreamRevision;
}

export const sessionStreamId = (sessionId: string): string => streamId("session", sessionId);

export async function loadSession(events: EventStore, sessionId: string): Promise<LoadedSession> {
  let state = sessionDecider.initialState;
  let started: EventData<"SessionStarted"> | null = null;
  let version: StreamRevision = "no_stream";
  for await (const event of events.readStream(sessionStreamId(sessionId))) {
    const folded = event as unknown as Folded<SessionEvent>;
    state = sessionDecider.evolve(state, folded);
    if (folded.type === "SessionStarted") started = folded.data;
    version = event.version;
  }
  return { state, started, version };
}
