import type { Kysely } from "kysely";
import type { ColonyDatabaseOptions, SqliteColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import type { NewEvent } from "../../../src/domain/envelope.js";
import {
  type ConversationsReadModel,
  conversationsProjection,
} from "../../../src/projections/conversations/conversations-projection.js";
import { conversationHistory, liveContext } from "../../../src/projections/conversations/live-context.js";
import { part, sample } from "../../support/sample-events.js";

type Open = (options?: ColonyDatabaseOptions) => Promise<SqliteColonyDatabase>;

export function started(id: string, systemPrompt = `prompt of ${id}`) {
  return sample("ConversationStarted", { conversationId: id, systemPrompt });
}

export function forked(id: string, parentId: string, parentVersion: number) {
  return sample("ConversationForked", {
    conversationId: id,
    owner: { kind: "worker", id: `w-${id}` },
    parentConversationId: parentId,
    parentVersion,
    reason: "spawn",
  });
}

/** `count` user parts from `fromSeq` on, their content naming the conversation that wrote them. */
export function parts(id: string, fromSeq: number, count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => part(fromSeq + i, `${id} ${fromSeq + i}`));
}

export function compacted(throughSeq: number, summary: string) {
  return sample("ConversationCompacted", {
    throughSeq,
    summary,
    method: "llm",
    counts: { partsCompacted: throughSeq + 1, tokensBefore: 5000, tokensAfter: 300 },
  });
}

/** A colony database folding only the conversations projection, with helpers to append and read. */
export async function conversationsDatabase(open: Open) {
  const db = await open({ projections: [conversationsProjection] });
  // ReadModels does not list these tables until the projection is registered in read-models.ts.
  const readModels = db.readModels as unknown as Kysely<ConversationsReadModel>;
  /** Appends to `conversation-{id}`; returns the stream's version after the append. */
  const append = async (id: string, ...events: NewEvent[]): Promise<number> => {
    const result = await db.events.append(`conversation-${id}`, events, { expectedVersion: "any" });
    return Number(result.nextExpectedVersion);
  };
  return {
    db,
    readModels,
    append,
    async live(id: string) {
      await db.runner.catchUp();
      return liveContext(readModels, id);
    },
    async history(id: string) {
      await db.runner.catchUp();
      return conversationHistory(readModels, id);
    },
    async count(table: keyof ConversationsReadModel): Promise<number> {
      const row = await readModels
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** The contents of a live context's parts, a summary part shown as `[summary]`. */
export function contents(context: { parts: readonly { content: string; summary?: true }[] } | undefined): string[] {
  if (!context) throw new Error("expected a conversation");
  return context.parts.map((p) => (p.summary ? `[${p.content}]` : p.content));
}
