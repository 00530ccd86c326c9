import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import type { LlmProvider } from "../../../src/domain/ports/llm-provider.js";
import type { Timers } from "../../../src/domain/ports/timers.js";
import { allProjections } from "../../../src/projections/read-models.js";
import type { CircuitBreaker } from "../../../src/runtime/compaction/circuit-breaker.js";
import { Compactor } from "../../../src/runtime/compaction/compactor.js";
import {
  type ContextLimits,
  ConversationLog,
  type PartInput,
} from "../../../src/runtime/conversations/conversation-log.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { ManualTime } from "../../support/manual-time.js";

export const LIMITS: ContextLimits = { maxContextTokens: 100_000, compactionBufferTokens: 8_000, compactionRatio: 0.1 };
export const TIMEOUT_MS = 30_000;

export interface WorldOptions {
  readonly provider?: LlmProvider | null;
  readonly timers?: Timers;
  readonly timeoutMs?: number;
  readonly breaker?: CircuitBreaker;
  readonly keepLast?: number;
}

/**
 * A SQLite file with every projection inline, a manual clock and timers, the conversation log
 * and a compactor over them. Call at a test file's top level.
 */
export function compactionWorlds() {
  const open = colonyDatabases();
  return async (options: WorldOptions = {}) => {
    const db = await open({ inline: allProjections.map((p) => p.name) });
    const time = new ManualTime();
    const ids = new UuidV7Generator();
    const conversations = new ConversationLog(db.events, db.readModels as never);
    const compactor = new Compactor({
      events: db.events,
      conversations,
      readModels: db.readModels,
      clock: time,
      timers: options.timers ?? time,
      provider: options.provider,
      timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
      breaker: options.breaker,
      keepLast: options.keepLast,
    });
    return { db, time, ids, conversations, compactor };
  };
}

const filler = (turn: number, what: string) =>
  `${what} for turn ${turn}. ${"The figures were checked against the source files and noted down. ".repeat(6)}`;

/**
 * `turns` exchanges of four parts each (user request, assistant tool call, tool result,
 * assistant answer), about 450 characters apiece: long enough that any summary is shorter.
 */
export function turnsOf(turns: number, from = 0): PartInput[] {
  const parts: PartInput[] = [];
  for (let t = from; t < from + turns; t++) {
    parts.push(
      { role: "user", content: `Request ${t}: count the words of file ${t}.txt. ${filler(t, "Context")}` },
      {
        role: "assistant",
        content: `I will read file ${t}.txt first. ${filler(t, "Plan")}`,
        toolCalls: [{ id: `call-${t}`, name: "read_file", arguments: { path: `${t}.txt` } }],
      },
      { role: "tool", toolCallId: `call-${t}`, content: `contents of ${t}.txt: ${filler(t, "Text")}` },
      { role: "assistant", content: `File ${t}.txt has ${100 + t} words. ${filler(t, "Answer")}` },
    );
  }
  return parts;
}

/** A queen conversation with `turns` exchanges. */
export async function conversationWithTurns(conversations: ConversationLog, id: string, turns: number): Promise<void> {
  await conversations.start(id, { kind: "queen", id: "queen1" }, "You are the queen.", LIMITS);
  await conversations.append(id, ...turnsOf(turns));
}
