import type { Kysely } from "kysely";
import type { NewEvent, NewEventMetadata } from "../../domain/envelope.js";
import { VersionConflictError } from "../../domain/errors.js";
import type { EventData } from "../../domain/events/catalogue.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";
import type { ConversationsReadModel } from "../../projections/conversations/conversations-projection.js";
import type { CompactionRef, LiveContext } from "../../projections/conversations/live-context.js";
import { CommandRetriesExhaustedError } from "../command-handler.js";
import type { ConversationLog, Owner } from "../conversations/conversation-log.js";
import { compactionBoundary } from "./boundary.js";
import { type ContextSnapshot, conversationLimits, snapshot } from "./snapshot.js";
import { type FallbackReason, Summariser, type SummariserOptions, type Summary } from "./summariser.js";
import { needsCompaction } from "./threshold.js";
import { estimateContextTokens, estimatePartTokens } from "./token-estimate.js";

export interface CompactorOptions<DB extends ConversationsReadModel> extends SummariserOptions {
  readonly events: EventStore;
  /** Over the same database, folding the conversations projection inline. */
  readonly conversations: ConversationLog;
  readonly readModels: Kysely<DB>;
  /** Parts left live after the summary. Default 4. */
  readonly keepLast?: number;
  /** Set on every ConversationCompacted (actor, correlation). */
  readonly metadata?: Omit<NewEventMetadata, "eventId" | "recordedAt">;
}

export interface CompactOptions {
  /** Overrides the compactor's keepLast for this compaction. */
  readonly keepLast?: number;
  /** Aborts the summary call; nothing is appended then. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_KEEP_LAST = 4;

type CompactedData = EventData<"ConversationCompacted">;

/** A compaction as decided: the event's facts and how the summary came about. */
export interface CompactionFacts extends CompactedData {
  /** Why the summary is extractive; null when it is the model's. */
  readonly fallbackReason: FallbackReason | null;
  /** The model's failure, for logs; null when none. */
  readonly fallbackMessage: string | null;
}

export interface Compacted extends CompactionFacts {
  readonly compacted: true;
  readonly conversationId: string;
  /** The ConversationCompacted event's version in the conversation's stream and its position. */
  readonly version: number;
  readonly position: bigint;
}

export interface NotCompacted {
  readonly compacted: false;
  readonly conversationId: string;
  /**
   * nothing_to_compact: every live part is among the last keepLast; below_threshold and
   * no_limits: compactIfNeeded found no need; superseded: another compaction landed first.
   */
  readonly reason: "nothing_to_compact" | "below_threshold" | "no_limits" | "superseded";
}

export type CompactionOutcome = Compacted | NotCompacted;

export interface ForkSpec {
  readonly conversationId: string;
  readonly parentConversationId: string;
  readonly owner: Owner;
  readonly reason: string;
}

export interface CompactedFork {
  /** The fork's stream: ConversationForked, then its ConversationCompacted when there was history. */
  readonly append: StreamAppend;
  readonly parentVersion: number;
  /** Null when the parent had nothing to compact. */
  readonly compaction: CompactionFacts | null;
}

const ATTEMPTS = 5;

function sameCompaction(a: CompactionRef | null, b: CompactionRef | null): boolean {
  return a?.conversationId === b?.conversationId && a?.version === b?.version;
}

/** The event's facts for a cut at throughSeq of this live context. */
function facts(live: LiveContext, throughSeq: number, summary: Summary): CompactionFacts {
  const cut = live.parts.filter((p) => p.summary !== true && p.seq <= throughSeq);
  const kept = live.parts.filter((p) => p.summary !== true && p.seq > throughSeq);
  const after = { systemPrompt: live.systemPrompt, parts: kept };
  return {
    throughSeq,
    summary: summary.text,
    method: summary.method,
    counts: {
      partsCompacted: cut.length,
      tokensBefore: estimateContextTokens(live),
      tokensAfter: estimateContextTokens(after) + estimatePartTokens({ content: summary.text, toolCalls: null }),
    },
    fallbackReason: summary.fallbackReason,
    fallbackMessage: summary.error?.message ?? null,
  };
}

const eventData = ({ throughSeq, summary, method, counts }: CompactionFacts): CompactedData => ({
  throughSeq,
  summary,
  method,
  counts,
});

/**
 * Compaction (DESIGN §4): the live context before a cut is replaced by a summary, by appending
 * ConversationCompacted. Nothing is deleted: the history still reads every part, and forks taken
 * before the compaction keep their full context. The summary is the model's, with a timeout and
 * a circuit breaker, or the deterministic extractive one when the model cannot give it.
 */
export class Compactor<DB extends ConversationsReadModel = ConversationsReadModel> {
  readonly summariser: Summariser;

  constructor(private readonly options: CompactorOptions<DB>) {
    this.summariser = new Summariser(options);
  }

  /** Compacts now, whatever the context's size, keeping the last keepLast parts live. */
  async compact(conversationId: string, options: CompactOptions = {}): Promise<CompactionOutcome> {
    return this.compactSnapshot(conversationId, await snapshot(this.options.conversations, conversationId), options);
  }

  /** Compacts when the live context has reached its limits' threshold (the agent loop's check). */
  async compactIfNeeded(conversationId: string, options: CompactOptions = {}): Promise<CompactionOutcome> {
    const limits = await conversationLimits(this.options.readModels, conversationId);
    const current = await snapshot(this.options.conversations, conversationId);
    if (limits === null) return { compacted: false, conversationId, reason: "no_limits" };
    if (!needsCompaction(current.live, limits)) return { compacted: false, conversationId, reason: "below_threshold" };
    return this.compactSnapshot(conversationId, current, options);
  }

  /**
   * A fork of the parent as it stands, already compacted: its first two events in one stream
   * append, for the caller to write atomically with its own (a colony, a session). Nothing is
   * written here. keepLast defaults to 0: a fork starts from one summary of all it inherits.
   */
  async compactedFork(fork: ForkSpec, options: CompactOptions = {}): Promise<CompactedFork> {
    const parent = await snapshot(this.options.conversations, fork.parentConversationId);
    const forked = this.options.conversations.forkAppend(
      fork.conversationId,
      fork.parentConversationId,
      fork.owner,
      fork.reason,
      parent.version,
    );
    const boundary = compactionBoundary(parent.live.parts, options.keepLast ?? 0);
    if (boundary === null) return { append: forked, parentVersion: parent.version, compaction: null };
    const summary = await this.summariser.summarise(boundary.compacted, options.signal);
    const compaction = facts(parent.live, boundary.throughSeq, summary);
    return {
      append: { ...forked, events: [...forked.events, this.event(compaction)] },
      parentVersion: parent.version,
      compaction,
    };
  }

  private async compactSnapshot(
    conversationId: string,
    first: ContextSnapshot,
    options: CompactOptions,
  ): Promise<CompactionOutcome> {
    const boundary = compactionBoundary(
      first.live.parts,
      options.keepLast ?? this.options.keepLast ?? DEFAULT_KEEP_LAST,
    );
    if (boundary === null) return { compacted: false, conversationId, reason: "nothing_to_compact" };
    const summary = await this.summariser.summarise(boundary.compacted, options.signal);
    const stream = streamId("conversation", conversationId);
    let current = first;
    for (let attempt = 1; ; attempt++) {
      const compaction = facts(current.live, boundary.throughSeq, summary);
      try {
        const result = await this.options.events.append(stream, [this.event(compaction)], {
          expectedVersion: BigInt(current.version),
        });
        const stored = result.events[0];
        if (!stored) throw new Error(`append to ${stream} returned no event`);
        return {
          compacted: true,
          conversationId,
          ...compaction,
          version: Number(stored.version),
          position: stored.position,
        };
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (attempt >= ATTEMPTS) throw new CommandRetriesExhaustedError(stream, ATTEMPTS, error);
      }
      // Parts only ever join after the cut, so the summary still covers it, unless another
      // compaction landed meanwhile: then the context it summarised is no longer the live one.
      current = await snapshot(this.options.conversations, conversationId);
      if (!sameCompaction(current.live.compaction, first.live.compaction)) {
        return { compacted: false, conversationId, reason: "superseded" };
      }
    }
  }

  private event(compaction: CompactionFacts): NewEvent {
    const event = { type: "ConversationCompacted", data: eventData(compaction) };
    return this.options.metadata ? { ...event, metadata: this.options.metadata } : event;
  }
}
