import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { Turn } from "../turns.js";
import { unavailable } from "./unavailable.js";

/** The slices of the LangGraph packages the bench uses (typed here: they are optional). */
interface SqliteSaverClass {
  fromConnString(path: string): SqliteSaver;
}

interface SqliteSaver {
  readonly db: { pragma(sql: string): unknown; close(): void; readonly open: boolean };
  put(
    config: { configurable: Record<string, string | undefined> },
    checkpoint: Checkpoint,
    metadata: { source: string; step: number; parents: Record<string, string> },
    newVersions: Record<string, number>,
  ): Promise<{ configurable: Record<string, string> }>;
}

interface Checkpoint {
  id: string;
  channel_values: Record<string, unknown>;
  channel_versions: Record<string, number>;
  versions_seen: Record<string, Record<string, number>>;
}

type MessageClass = new (fields: Record<string, unknown>) => unknown;

interface LangGraphModules {
  readonly SqliteSaver: SqliteSaverClass;
  readonly emptyCheckpoint: () => Checkpoint;
  readonly uuid6: (clockseq: number) => string;
  readonly HumanMessage: MessageClass;
  readonly AIMessage: MessageClass;
}

export type LangGraphLoad =
  | { readonly available: true; readonly version: string; open(file: string): LangGraphConversation }
  | { readonly available: false; readonly reason: string };

/**
 * Loads @langchain/langgraph-checkpoint-sqlite (and the checkpoint and core packages it works
 * with) from bench/peers/node_modules (`npm run bench:peers`), never from colonylog's own
 * dependencies.
 */
export function loadLangGraphSqlite(): LangGraphLoad {
  const require = createRequire(new URL("./package.json", import.meta.url));
  try {
    const { SqliteSaver } = require("@langchain/langgraph-checkpoint-sqlite") as { SqliteSaver: SqliteSaverClass };
    const { emptyCheckpoint, uuid6 } = require("@langchain/langgraph-checkpoint") as LangGraphModules;
    const { HumanMessage, AIMessage } = require("@langchain/core/messages") as LangGraphModules;
    const { version } = require("@langchain/langgraph-checkpoint-sqlite/package.json") as { version: string };
    const modules: LangGraphModules = { SqliteSaver, emptyCheckpoint, uuid6, HumanMessage, AIMessage };
    return { available: true, version, open: (file) => new LangGraphConversation(modules, file) };
  } catch (error) {
    return unavailable(error);
  }
}

/**
 * One conversation thread kept by LangGraph's SqliteSaver, as a graph whose state is a
 * `messages` channel (MessagesAnnotation) would keep it: after each turn, one checkpoint holding
 * the whole message list (HumanMessage / AIMessage with the ids, usage and model name LangGraph's
 * reducer and chat models attach), the channel's version bumped, the previous checkpoint as
 * parent. A real `StateGraph.invoke` writes more per turn (an input checkpoint, one per
 * superstep, pending writes): this is LangGraph's lower bound.
 */
export class LangGraphConversation {
  private readonly saver: SqliteSaver;
  private readonly messages: unknown[] = [];
  private parentId: string | undefined;
  private step = -1;

  constructor(
    private readonly lib: LangGraphModules,
    file: string,
  ) {
    this.saver = lib.SqliteSaver.fromConnString(file);
  }

  async turn(t: Turn): Promise<void> {
    this.step++;
    this.messages.push(
      new this.lib.HumanMessage({ content: t.user, id: randomUUID() }),
      new this.lib.AIMessage({
        content: t.assistant.content,
        id: randomUUID(),
        response_metadata: { model_name: t.assistant.model },
        usage_metadata: {
          input_tokens: t.assistant.usage.inputTokens,
          output_tokens: t.assistant.usage.outputTokens,
          total_tokens: t.assistant.usage.inputTokens + t.assistant.usage.outputTokens,
        },
      }),
    );
    const version = this.step + 1;
    const checkpoint = this.lib.emptyCheckpoint();
    checkpoint.id = this.lib.uuid6(this.step);
    checkpoint.channel_values = { messages: [...this.messages] };
    checkpoint.channel_versions = { __start__: version, messages: version };
    checkpoint.versions_seen = { agent: { messages: version } };
    const saved = await this.saver.put(
      { configurable: { thread_id: "bench", checkpoint_ns: "", checkpoint_id: this.parentId } },
      checkpoint,
      { source: "loop", step: this.step, parents: {} },
      { messages: version },
    );
    this.parentId = saved.configurable.checkpoint_id;
  }

  /** Folds the WAL into the main file and empties it, so the file's size is all it stores. */
  checkpointWal(): void {
    this.saver.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  close(): void {
    if (this.saver.db.open) this.saver.db.close();
  }
}
