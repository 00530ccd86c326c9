import type { EventStore } from "../src/domain/ports/event-store.js";
import type { PartFile } from "./file-copy-conversation.js";
import { turn } from "./turns.js";

/**
 * The part with this seq of a conversation made of turns: even seqs are the person's message,
 * odd ones the reply (with model, usage and latency), ~400 characters each. The same object is
 * a valid `MessagePartAppended` payload and what the original runtime writes to a part file.
 */
export function conversationPart(seq: number): PartFile {
  const t = turn(seq >> 1);
  return seq % 2 === 0
    ? { seq, role: "user", content: t.user, flags: { clientInput: true } }
    : { seq, role: "assistant", ...t.assistant };
}

const LIMITS = { maxContextTokens: 200_000, compactionBufferTokens: 8_000, compactionRatio: 0.2 };

/** Writes conversations through the store's public API, each append expecting the exact version. */
export class ConversationWriter {
  private readonly versions = new Map<string, bigint>();

  constructor(private readonly events: EventStore) {}

  async start(conversationId: string): Promise<void> {
    await this.append(conversationId, [
      {
        type: "ConversationStarted",
        data: {
          conversationId,
          owner: { kind: "queen", id: "q1" },
          systemPrompt: "You are the queen.",
          limits: LIMITS,
        },
      },
    ]);
  }

  /** A fork of the parent as it stands now (its current version), as spawning a worker makes one. */
  async fork(conversationId: string, parentConversationId: string): Promise<void> {
    await this.append(conversationId, [
      {
        type: "ConversationForked",
        data: {
          conversationId,
          owner: { kind: "worker", id: `w${conversationId}` },
          parentConversationId,
          parentVersion: Number(this.version(parentConversationId)),
          reason: "spawn",
        },
      },
    ]);
  }

  /** Parts with seq `first` .. `first + count - 1`, `perAppend` to a transaction. */
  async parts(conversationId: string, first: number, count: number, perAppend = 1_000): Promise<void> {
    for (let start = first; start < first + count; start += perAppend) {
      const end = Math.min(first + count, start + perAppend);
      const events = [];
      for (let seq = start; seq < end; seq++) events.push({ type: "MessagePartAppended", data: conversationPart(seq) });
      await this.append(conversationId, events);
    }
  }

  private version(conversationId: string): bigint {
    const version = this.versions.get(conversationId);
    if (version === undefined) throw new Error(`conversation ${conversationId} was not written here`);
    return version;
  }

  private async append(conversationId: string, events: { type: string; data: unknown }[]): Promise<void> {
    const result = await this.events.append(`conversation-${conversationId}`, events, {
      expectedVersion: this.versions.get(conversationId) ?? "no_stream",
    });
    this.versions.set(conversationId, result.nextExpectedVersion);
  }
}
