import { refuse } from "../../domain/deciders/refusal.js";
import { parseSessionCommand, sessionDecider } from "../../domain/deciders/session.js";
import { VersionConflictError } from "../../domain/errors.js";
import type { EventData } from "../../domain/events/catalogue.js";
import { parseStreamId, streamId } from "../../domain/stream-id.js";
import type { ContextLimits } from "../conversations/conversation-log.js";
import { sessionStreamId } from "./load-session.js";
import { type SessionContext, withMetadata } from "./session-context.js";

type SessionStarted = EventData<"SessionStarted">;

export interface StartSessionInput {
  /** Generated when absent. */
  readonly sessionId?: string;
  readonly queenId: string;
  readonly systemPrompt: string;
  /** Default: the original runtime's 180,000-token window, an 8,000-token buffer and a 0.1 ratio. */
  readonly limits?: ContextLimits;
  /** The queen's conversation; generated when absent. */
  readonly conversationId?: string;
  readonly colonyId?: string | null;
  readonly phase?: SessionStarted["phase"];
}

export interface StartedSession {
  readonly sessionId: string;
  readonly queenId: string;
  readonly conversationId: string;
  /** The log position of the last event appended. */
  readonly position: bigint;
}

export const DEFAULT_LIMITS: ContextLimits = {
  maxContextTokens: 180_000,
  compactionBufferTokens: 8_000,
  compactionRatio: 0.1,
};

/**
 * A new queen session with its conversation: SessionStarted and the queen's ConversationStarted
 * in one append, so there is never a session without its conversation. The conversation's owner
 * is the queen (the agent that speaks in it), as a worker owns its own. Refused, writing nothing,
 * when either id is taken.
 */
export async function startSession(context: SessionContext, input: StartSessionInput): Promise<StartedSession> {
  const sessionId = input.sessionId ?? context.ids.uuid();
  const conversationId = input.conversationId ?? context.ids.uuid();
  const command = parseSessionCommand({
    type: "StartSession",
    sessionId,
    queenId: input.queenId,
    conversationId,
    colonyId: input.colonyId ?? null,
    phase: input.phase ?? "independent",
    provenance: { kind: "new" },
  });
  const sessionEvents = sessionDecider.decide(command, sessionDecider.initialState);
  const conversationStarted = {
    type: "ConversationStarted",
    data: {
      conversationId,
      owner: { kind: "queen", id: input.queenId },
      systemPrompt: input.systemPrompt,
      limits: input.limits ?? DEFAULT_LIMITS,
    },
  };
  try {
    const results = await context.events.appendMany([
      {
        streamId: sessionStreamId(sessionId),
        events: withMetadata(context, sessionEvents),
        expectedVersion: "no_stream",
      },
      {
        streamId: streamId("conversation", conversationId),
        events: withMetadata(context, [conversationStarted]),
        expectedVersion: "no_stream",
      },
    ]);
    const position = results.at(-1)?.events.at(-1)?.position ?? 0n;
    return { sessionId, queenId: input.queenId, conversationId, position };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const { category, id } = parseStreamId(error.streamId);
    if (category === "session") {
      throw refuse("session_already_started", `session ${id} already exists`, { sessionId: id });
    }
    throw refuse("conversation_already_exists", `conversation ${id} already exists`, { conversationId: id });
  }
}
