import type { Kysely } from "kysely";
import type { NewEvent, NewEventMetadata } from "../../domain/envelope.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { IdGenerator } from "../../domain/ports/id-generator.js";
import type { ConversationsReadModel } from "../../projections/conversations/conversations-projection.js";
import type { LedgerReadModel } from "../../projections/ledger/ledger-projection.js";
import type { Compactor } from "../compaction/compactor.js";
import type { ConversationLog } from "../conversations/conversation-log.js";

/** The read models the session operations read back at once: both must be folded inline. */
export type SessionReadModels = ConversationsReadModel & LedgerReadModel;

/**
 * What the session operations run on: the log; the conversations and progress-ledger read models
 * folded inline (on SQLite `openColonyDatabase(file, { inline: ["conversations", "progress_ledger",
 * ...] })`); the conversations over them; a compactor for inherited conversations; ids.
 */
export interface SessionContext {
  readonly events: EventStore;
  readonly readModels: Kysely<SessionReadModels>;
  readonly conversations: ConversationLog;
  readonly compactor: Pick<Compactor, "compactedFork">;
  readonly ids: IdGenerator;
  /** Rounds of read-decide-append before a run of version conflicts is given up on. Default 5. */
  readonly maxAttempts?: number;
  /** Set on the session, colony and task events these operations append. */
  readonly metadata?: Omit<NewEventMetadata, "eventId" | "recordedAt">;
}

export const DEFAULT_ATTEMPTS = 5;

export function withMetadata(context: SessionContext, events: readonly { type: string; data: unknown }[]): NewEvent[] {
  const { metadata } = context;
  return events.map((event) => (metadata ? { ...event, metadata } : { ...event }));
}
