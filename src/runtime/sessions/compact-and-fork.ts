import { refuse } from "../../domain/deciders/refusal.js";
import { sessionDecider } from "../../domain/deciders/session.js";
import { VersionConflictError } from "../../domain/errors.js";
import type { FallbackReason } from "../compaction/summariser.js";
import { loadSession, sessionStreamId } from "./load-session.js";
import { type SessionContext, withMetadata } from "./session-context.js";

export interface CompactAndForkOptions {
  /** The new session's id; generated when absent. */
  readonly sessionId?: string;
  /** Parts of the source left live after the summary. Default 0: one summary, as the original. */
  readonly keepLast?: number;
  readonly signal?: AbortSignal;
}

export interface CompactAndForkResult {
  readonly newSessionId: string;
  readonly queenId: string;
  readonly compactedFrom: string;
  /** The new session's conversation: a compacted fork of the source's. */
  readonly conversationId: string;
  readonly summaryChars: number;
  readonly messagesCompacted: number;
  readonly method: "llm" | "extractive";
  readonly fallbackReason: FallbackReason | null;
  readonly position: bigint;
}

/**
 * compact-and-fork (the original's route of that name): a new session with the same queen whose
 * conversation is a fork of the source's, compacted to a summary. The source stays as it is, lock
 * and all; the new one starts unlocked and independent, with provenance `compacted`. The fork
 * and the session land in one append. Refused, writing nothing, for a missing session
 * (session_not_found) or a conversation with nothing to compact (nothing_to_compact).
 */
export async function compactAndFork(
  context: SessionContext,
  sessionId: string,
  options: CompactAndForkOptions = {},
): Promise<CompactAndForkResult> {
  const source = await loadSession(context.events, sessionId);
  if (source.state === null || source.started === null) {
    throw refuse("session_not_found", `compact-and-fork: no session ${sessionId}`, { sessionId });
  }
  const { queenId, conversationId: sourceConversationId, colonyId } = source.started;
  const newSessionId = options.sessionId ?? context.ids.uuid();
  // A taken id is refused before the summary is paid for (and again by the append, if it races).
  if ((await context.events.streamVersion(sessionStreamId(newSessionId))) !== "no_stream")
    throw alreadyStarted(newSessionId);
  const conversationId = context.ids.uuid();
  const fork = await context.compactor.compactedFork(
    {
      conversationId,
      parentConversationId: sourceConversationId,
      owner: { kind: "queen", id: queenId },
      reason: "compact_and_fork",
    },
    { keepLast: options.keepLast ?? 0, signal: options.signal },
  );
  const compaction = fork.compaction;
  if (compaction === null) {
    throw refuse("nothing_to_compact", `session ${sessionId}: the queen's conversation is empty, nothing to compact`, {
      sessionId,
      conversationId: sourceConversationId,
    });
  }
  const started = sessionDecider.decide(
    {
      type: "StartSession",
      sessionId: newSessionId,
      queenId,
      conversationId,
      colonyId,
      phase: "independent",
      provenance: { kind: "compacted", fromSessionId: sessionId },
    },
    sessionDecider.initialState,
  );
  try {
    const results = await context.events.appendMany([
      fork.append,
      { streamId: sessionStreamId(newSessionId), events: withMetadata(context, started), expectedVersion: "no_stream" },
    ]);
    return {
      newSessionId,
      queenId,
      compactedFrom: sessionId,
      conversationId,
      summaryChars: compaction.summary.length,
      messagesCompacted: compaction.counts.partsCompacted,
      method: compaction.method,
      fallbackReason: compaction.fallbackReason,
      position: results.at(-1)?.events.at(-1)?.position ?? 0n,
    };
  } catch (error) {
    if (error instanceof VersionConflictError && error.streamId === sessionStreamId(newSessionId)) {
      throw alreadyStarted(newSessionId);
    }
    throw error;
  }
}

const alreadyStarted = (sessionId: string) =>
  refuse("session_already_started", `session ${sessionId} already exists`, { sessionId });
