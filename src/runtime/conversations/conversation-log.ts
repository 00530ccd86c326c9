import type { Kysely } from "kysely";
import type { z } from "zod";
import type { NewEvent, NewEventMetadata } from "../../domain/envelope.js";
import { ColonyError, VersionConflictError } from "../../domain/errors.js";
import type { EventInput } from "../../domain/events/catalogue.js";
import type { conversationEvents } from "../../domain/events/conversation.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";
import type { ConversationsReadModel } from "../../projections/conversations/conversations-projection.js";
import {
  type ConversationHistory,
  conversationHistory,
  type LiveContext,
  liveContext,
} from "../../projections/conversations/live-context.js";

export type PartInput = Omit<EventInput<"MessagePartAppended">, "seq">;
export type ContextLimits = z.input<typeof conversationEvents.ConversationStarted>["limits"];
export type Owner = z.input<typeof conversationEvents.ConversationStarted>["owner"];

export class UnknownConversationError extends ColonyError<"unknown_conversation"> {
  constructor(readonly conversationId: string) {
    super("unknown_conversation", `no conversation ${conversationId}`, { conversationId });
  }
}

/** Where a conversation stands: the version of its stream's last event and the seq its next part takes. */
export interface ConversationHead {
  readonly version: number;
  readonly nextSeq: number;
}

/** An appended part: its seq, its version in the conversation's stream and its log position. */
export interface AppendedPart {
  readonly seq: number;
  readonly version: number;
  readonly position: bigint;
}

const ATTEMPTS = 5;

/**
 * Conversations as the runtime writes them (DESIGN §3-4): start, fork (one event, O(1)), append
 * parts numbered on from the visible history, mark checkpoints, and read the live context back.
 * Heads come from the conversations read model, which must be folded inline (the runtime reads
 * its own writes back at once); each append expects the version read, so two writers of one
 * conversation never give two parts the same seq.
 */
export class ConversationLog {
  constructor(
    /** The log it writes to, for callers that append a fork atomically with other streams. */
    readonly events: EventStore,
    private readonly readModels: Kysely<ConversationsReadModel>,
    private readonly metadata: Omit<NewEventMetadata, "eventId" | "recordedAt"> = {},
  ) {}

  async start(conversationId: string, owner: Owner, systemPrompt: string, limits: ContextLimits): Promise<void> {
    await this.events.append(
      streamId("conversation", conversationId),
      [this.event({ type: "ConversationStarted", data: { conversationId, owner, systemPrompt, limits } })],
      { expectedVersion: "no_stream" },
    );
  }

  /**
   * A fork of the parent as it stands now, with its first parts (a worker's task message), in one
   * append; nothing of the parent is copied. Returns the parent version it was taken at.
   */
  async fork(
    conversationId: string,
    parentConversationId: string,
    owner: Owner,
    reason: string,
    ...parts: readonly PartInput[]
  ): Promise<number> {
    const parent = await this.head(parentConversationId);
    await this.events.append(
      streamId("conversation", conversationId),
      [
        this.forkEvent(conversationId, parentConversationId, owner, reason, parent.version),
        ...parts.map((part, i) =>
          this.event({ type: "MessagePartAppended", data: { ...part, seq: parent.nextSeq + i } }),
        ),
      ],
      { expectedVersion: "no_stream" },
    );
    return parent.version;
  }

  /**
   * A fork of the parent at `parentVersion` (a checkpoint, a replay's start): one event, nothing
   * copied. Returns its log position.
   */
  async forkAt(
    conversationId: string,
    parentConversationId: string,
    owner: Owner,
    reason: string,
    parentVersion: number,
  ): Promise<bigint> {
    const [result] = await this.events.appendMany([
      this.forkAppend(conversationId, parentConversationId, owner, reason, parentVersion),
    ]);
    return result?.events[0]?.position ?? 0n;
  }

  /** The fork's first event, for callers that append it atomically with other streams' events. */
  forkAppend(
    conversationId: string,
    parentConversationId: string,
    owner: Owner,
    reason: string,
    parentVersion: number,
  ): StreamAppend {
    return {
      streamId: streamId("conversation", conversationId),
      events: [this.forkEvent(conversationId, parentConversationId, owner, reason, parentVersion)],
      expectedVersion: "no_stream",
    };
  }

  /** Appends parts in order, numbered from the conversation's next seq, in one append. */
  async append(conversationId: string, ...parts: readonly PartInput[]): Promise<AppendedPart[]> {
    for (let attempt = 1; ; attempt++) {
      const { version, nextSeq } = await this.head(conversationId);
      try {
        const result = await this.events.append(
          streamId("conversation", conversationId),
          parts.map((part, i) => this.event({ type: "MessagePartAppended", data: { ...part, seq: nextSeq + i } })),
          { expectedVersion: BigInt(version) },
        );
        return result.events.map((event, i) => ({
          seq: nextSeq + i,
          version: Number(event.version),
          position: event.position,
        }));
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  /**
   * The parts as one stream append at the head read now, for callers that must write them
   * atomically with other streams' events (a delivered completion and its marker, say).
   */
  async appendParts(conversationId: string, ...parts: readonly PartInput[]): Promise<StreamAppend> {
    const { version, nextSeq } = await this.head(conversationId);
    return {
      streamId: streamId("conversation", conversationId),
      events: parts.map((part, i) => this.event({ type: "MessagePartAppended", data: { ...part, seq: nextSeq + i } })),
      expectedVersion: BigInt(version),
    };
  }

  async markCheckpoint(conversationId: string, label: string, version?: number): Promise<number> {
    const head = await this.head(conversationId);
    await this.events.append(
      streamId("conversation", conversationId),
      [this.event({ type: "CheckpointMarked", data: { label, version: version ?? head.version } })],
      { expectedVersion: BigInt(head.version) },
    );
    return version ?? head.version;
  }

  async head(conversationId: string): Promise<ConversationHead> {
    const row = await this.readModels
      .selectFrom("conversations")
      .select(["last_version", "next_seq"])
      .where("id", "=", conversationId)
      .executeTakeFirst();
    if (!row) throw new UnknownConversationError(conversationId);
    return { version: row.last_version, nextSeq: row.next_seq };
  }

  async live(conversationId: string): Promise<LiveContext> {
    const context = await liveContext(this.readModels, conversationId);
    if (!context) throw new UnknownConversationError(conversationId);
    return context;
  }

  async history(conversationId: string): Promise<ConversationHistory> {
    const history = await conversationHistory(this.readModels, conversationId);
    if (!history) throw new UnknownConversationError(conversationId);
    return history;
  }

  private forkEvent(
    conversationId: string,
    parentConversationId: string,
    owner: Owner,
    reason: string,
    parentVersion: number,
  ): NewEvent {
    return this.event({
      type: "ConversationForked",
      data: { conversationId, owner, parentConversationId, parentVersion, reason },
    });
  }

  private event(event: { type: string; data: unknown }): NewEvent {
    return Object.keys(this.metadata).length > 0 ? { ...event, metadata: this.metadata } : event;
  }
}
